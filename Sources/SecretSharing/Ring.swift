/// The ring Z_{2^ℓ} (ℓ = `bitWidth`) with elements stored in the low ℓ bits of a `UInt64`.
///
/// Every element a method returns is reduced (high 64 − ℓ bits zero). Arithmetic is machine arithmetic
/// followed by a mask, which is why the private U-Net's shares live in a power-of-two ring
/// (private-unet/DESIGN.md §1, §2.1). Signed values use two's complement: an element x stands for
/// x − 2^ℓ when its most significant bit (bit ℓ − 1) is set.
public struct Ring: Sendable, Hashable, CustomStringConvertible {
    /// ℓ, the number of bits of an element.
    public let bitWidth: Int
    /// 2^ℓ − 1.
    public let mask: UInt64

    /// The design's ring Z_{2^37} (private-unet/DESIGN.md §2.1).
    public static let z37 = Ring(validatedBitWidth: 37)

    /// Z_{2^ℓ} for 1 ≤ ℓ ≤ 64.
    public init(bitWidth: Int) throws {
        guard (1...64).contains(bitWidth) else { throw SecretSharingError.invalidRingBitWidth(bitWidth) }
        self.init(validatedBitWidth: bitWidth)
    }

    private init(validatedBitWidth bitWidth: Int) {
        self.bitWidth = bitWidth
        self.mask = bitWidth == 64 ? UInt64.max : (UInt64(1) << UInt64(bitWidth)) &- 1
    }

    public var description: String { "Z_2^\(bitWidth)" }

    /// x mod 2^ℓ.
    @inlinable public func reduce(_ x: UInt64) -> UInt64 { x & mask }

    @inlinable public func add(_ a: UInt64, _ b: UInt64) -> UInt64 { (a &+ b) & mask }

    @inlinable public func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 { (a &- b) & mask }

    @inlinable public func negate(_ a: UInt64) -> UInt64 { (0 &- a) & mask }

    @inlinable public func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 { (a &* b) & mask }

    /// Bit ℓ − 1 of a reduced element: the sign in two's complement.
    @inlinable public func mostSignificantBit(_ a: UInt64) -> Bool { (a >> UInt64(bitWidth - 1)) & 1 == 1 }

    /// The signed value an element stands for, in [−2^(ℓ−1), 2^(ℓ−1)).
    @inlinable public func signedValue(_ a: UInt64) -> Int64 {
        let shift = UInt64(64 - bitWidth)
        return Int64(bitPattern: a << shift) >> Int64(shift)
    }

    /// The element standing for a signed integer, i.e. `value` mod 2^ℓ.
    @inlinable public func element(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) & mask }

    /// The smallest signed value, −2^(ℓ−1), as an element.
    public var minimumSigned: UInt64 { UInt64(1) << UInt64(bitWidth - 1) }

    /// A uniform element.
    @inlinable public func random<G: RandomNumberGenerator>(using generator: inout G) -> UInt64 {
        generator.next() & mask
    }

    /// Arithmetic right shift by `k` bits of the signed value (floor(x / 2^k)), as an element: the plaintext
    /// function that exact truncation computes on shares.
    @inlinable public func arithmeticShiftRight(_ a: UInt64, by k: Int) -> UInt64 {
        element(signedValue(a) >> Int64(k))
    }
}
