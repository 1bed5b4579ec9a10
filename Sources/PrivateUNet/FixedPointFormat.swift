import Foundation
import SecretSharing

/// The numeric representation of the fixed-point reference U-Net (private-unet/DESIGN.md §2.1):
/// elements of Z_{2^ℓ} standing for reals with f fraction bits.
///
/// **Storage.** An element is kept as its signed representative in [−2^(ℓ−1), 2^(ℓ−1)) in an `Int64`
/// (the two's-complement reading of `Ring.signedValue`); `wrap` maps any `Int64` to it. Sums and
/// products use wrapping 64-bit arithmetic (`&+`, `&*`): reduction mod 2^64 preserves the residue
/// mod 2^ℓ, so `wrap` of a wrapping accumulation is the ring result, and while no 64-bit overflow
/// occurs the unwrapped accumulator is the *true* integer, which the range audit records.
///
/// **Truncation rule.** After a product at 2f fraction bits the reference keeps
/// `truncate(x, by: f) = wrap(x) >> f`: the accumulator is first reduced to the ring (what the
/// parties' shares hold), then shifted arithmetically, i.e. **exact floor** of the signed ring value
/// divided by 2^f (`Ring.arithmeticShiftRight`). The protocol's exact truncation
/// (`TwoPartySession.truncate(_:by:mode: .exact)`) computes the same function, so later milestones
/// can match this reference bit for bit in exact mode; the ±1-LSB mode differs by at most one LSB per
/// truncation.
public struct FixedPointFormat: Sendable, Hashable, CustomStringConvertible {
    /// ℓ: elements live in Z_{2^ℓ}.
    public let ringBits: Int
    /// f: fraction bits of activations and weights.
    public let fractionBits: Int
    private let wrapShift: Int64

    /// The design's format, ℓ = 37, f = 12 (private-unet/DESIGN.md §2.1).
    public static let design = FixedPointFormat(FixedPointEncoding.design)

    /// The reference's default, ℓ = 42, f = 12: the smallest ring in which every layer kept ≥ 8 bits of
    /// headroom over the range audit (48 held-out prompts × 25 steps; docs/TWO-PARTY.md). At ℓ = 37 the
    /// cross-attention's PV accumulator kept only 3.7 bits, and 32 accumulators in all kept less than 8.
    /// Nothing wrapped at ℓ = 37 on those runs, so both formats gave bit-identical results there.
    public static let audited = try! FixedPointFormat(ringBits: 42, fractionBits: 12)

    /// The format of an encoding from SecretSharing (its ring's ℓ and its f).
    public init(_ encoding: FixedPointEncoding) {
        ringBits = encoding.ring.bitWidth
        fractionBits = encoding.fractionBits
        wrapShift = Int64(64 - ringBits)
    }

    /// ℓ bits with f fraction bits; the same bounds as `FixedPointEncoding` (1 ≤ ℓ ≤ 64, 0 ≤ f ≤ ℓ − 2).
    public init(ringBits: Int, fractionBits: Int) throws {
        self.init(try FixedPointEncoding(ring: Ring(bitWidth: ringBits), fractionBits: fractionBits))
    }

    public var description: String { "Z_2^\(ringBits), \(fractionBits) fraction bits" }

    /// The ring of SecretSharing with this ℓ.
    public var ring: Ring { try! Ring(bitWidth: ringBits) }

    /// 2^f as an integer.
    @inlinable public var one: Int64 { Int64(1) << Int64(fractionBits) }

    /// The signed representative of x mod 2^ℓ.
    @inline(__always) public func wrap(_ x: Int64) -> Int64 { (x << wrapShift) >> wrapShift }

    /// floor(wrap(x) / 2^k): the exact truncation of a ring element (see the type's comment).
    @inline(__always) public func truncate(_ x: Int64, by k: Int) -> Int64 { wrap(x) >> Int64(k) }

    /// The truncated product of two elements at f fraction bits: floor(wrap(a·b) / 2^f).
    @inline(__always) public func multiply(_ a: Int64, _ b: Int64) -> Int64 { truncate(a &* b, by: fractionBits) }

    /// round(x·2^bits) mod 2^ℓ (half to even); used once per weight at load time and for the client's
    /// inputs. Non-finite values and values beyond 2^62 map to 0 / saturate before wrapping.
    public func encode(_ x: Double, fractionBits bits: Int? = nil) -> Int64 {
        let scaled = (x * Double(sign: .plus, exponent: bits ?? fractionBits, significand: 1)).rounded(.toNearestOrEven)
        guard scaled.isFinite else { return 0 }
        return wrap(Int64(max(min(scaled, 0x1p62), -0x1p62)))
    }

    /// The real an element stands for at `bits` fraction bits (default f).
    public func decode(_ x: Int64, fractionBits bits: Int? = nil) -> Double {
        Double(wrap(x)) / Double(sign: .plus, exponent: bits ?? fractionBits, significand: 1)
    }

    /// The element as `SecretSharing`'s `UInt64` ring element (low ℓ bits).
    public func ringElement(_ x: Int64) -> UInt64 { ring.element(x) }
}
