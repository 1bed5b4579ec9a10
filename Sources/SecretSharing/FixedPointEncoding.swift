/// Fixed-point numbers in a ring Z_{2^ℓ}: a real x is stored as round(x · 2^f) mod 2^ℓ, with f = `fractionBits`.
///
/// The private U-Net uses ℓ = 37, f = 12 (private-unet/DESIGN.md §2.1): ±2^24 of representable range,
/// with 2^12 of integer headroom for products at 2f fraction bits before truncation.
public struct FixedPointEncoding: Sendable, Hashable {
    public let ring: Ring
    /// f, the number of fraction bits.
    public let fractionBits: Int

    /// The design's encoding: Z_{2^37} with 12 fraction bits.
    public static let design = FixedPointEncoding(validatedRing: .z37, fractionBits: 12)

    /// An encoding with f fraction bits in `ring`; at least one integer bit beside the sign must remain.
    public init(ring: Ring, fractionBits: Int) throws {
        guard fractionBits >= 0, fractionBits <= ring.bitWidth - 2 else {
            throw SecretSharingError.invalidFractionBits(fractionBits: fractionBits, ringBitWidth: ring.bitWidth)
        }
        self.init(validatedRing: ring, fractionBits: fractionBits)
    }

    private init(validatedRing ring: Ring, fractionBits: Int) {
        self.ring = ring
        self.fractionBits = fractionBits
    }

    /// 2^f.
    public var scale: Double { Double(sign: .plus, exponent: fractionBits, significand: 1) }

    /// The exclusive bound on |x|: 2^(ℓ−1−f).
    public var magnitudeLimit: Double { Double(sign: .plus, exponent: ring.bitWidth - 1 - fractionBits, significand: 1) }

    /// round(x · 2^f) mod 2^ℓ, rounding half to even; throws for non-finite values and for values whose
    /// scaled magnitude does not fit the signed range [−2^(ℓ−1), 2^(ℓ−1)).
    public func encode(_ x: Double) throws -> UInt64 {
        guard x.isFinite else { throw SecretSharingError.nonFiniteValue }
        let scaled = (x * scale).rounded(.toNearestOrEven)
        let bound = Double(sign: .plus, exponent: ring.bitWidth - 1, significand: 1)
        guard scaled >= -bound, scaled < bound else { throw SecretSharingError.valueOutOfRange(limit: magnitudeLimit) }
        return ring.element(Int64(scaled))
    }

    /// Encodes every value; throws on the first one that does not fit.
    public func encode(_ values: [Double]) throws -> [UInt64] { try values.map { try encode($0) } }

    /// The real number an element stands for: its signed value divided by 2^f.
    public func decode(_ element: UInt64) -> Double { Double(ring.signedValue(element)) / scale }

    public func decode(_ elements: [UInt64]) -> [Double] { elements.map { decode($0) } }
}
