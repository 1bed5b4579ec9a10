/// An odd word-size modulus q < 2^62 with the precomputed constants for fast reduction.
///
/// Products of two residues are reduced with a 128-bit Barrett reduction; multiplications by a
/// value known in advance use Shoup's method (`ShoupOperand`), which needs one high multiply and
/// two low multiplies and no division. The bound q < 2^62 leaves the headroom that Harvey's lazy
/// NTT butterflies need (intermediate values up to 4q).
///
/// Constant time: the residue arithmetic (reductions, add, subtract, negate, centering, the
/// signed residue) runs the same instructions whatever the values, because residues are often
/// secret (a key, a decryption). Conditional subtractions are arithmetic on a mask made from a
/// sign bit (`ConstantTime`), never a branch; tools/constant-time/check-asm.sh checks the
/// generated code. `power` and `inverse` branch on their exponent and input, which are public.
public struct Modulus: Sendable, Hashable {
    /// The modulus value q.
    public let value: UInt64
    /// floor(2^128 / q), split in two words, for Barrett reduction of 128-bit products.
    @usableFromInline let barrettHigh: UInt64
    @usableFromInline let barrettLow: UInt64
    /// Number of significant bits of q.
    public let bitWidth: Int

    /// The largest supported modulus bit width.
    public static let maxBitWidth = 61

    /// Creates a modulus; fails if q is even, smaller than 3 or wider than `maxBitWidth` bits.
    public init(_ value: UInt64) throws(ModularArithmeticError) {
        guard value >= 3, value & 1 == 1, value < (1 << UInt64(Modulus.maxBitWidth)) else {
            throw .invalidModulus(value)
        }
        self.value = value
        self.bitWidth = UInt64.bitWidth - value.leadingZeroBitCount
        // floor(2^128 / q) by long division of (1, 0, 0) in base 2^64.
        let (q1, r1) = value.dividingFullWidth((high: 1, low: 0))
        let (q0, _) = value.dividingFullWidth((high: r1, low: 0))
        self.barrettHigh = q1
        self.barrettLow = q0
    }

    /// x mod q for any 64-bit x.
    @inlinable @inline(__always)
    public func reduce(_ x: UInt64) -> UInt64 {
        // One-word Barrett: floor(x * floor(2^128/q) / 2^128) underestimates x/q by at most 2,
        // so x − estimate·q < 3q < 2^63.
        let hi = x.multipliedFullWidth(by: barrettHigh).high
        return ConstantTime.subtractIfAtLeast(ConstantTime.subtractIfAtLeast(x &- hi &* value, value), value)
    }

    /// (high · 2^64 + low) mod q for a 128-bit value with high < q (e.g. a product of residues).
    @inlinable @inline(__always)
    public func reduce(high: UInt64, low: UInt64) -> UInt64 {
        // Barrett with the 128-bit constant m = floor(2^128/q): estimate floor(x·m / 2^128).
        let lowLow = low.multipliedFullWidth(by: barrettLow).high
        let lowHigh = low.multipliedFullWidth(by: barrettHigh)
        let highLow = high.multipliedFullWidth(by: barrettLow)
        // Only the carries of the middle word are needed; the word itself is discarded.
        let (mid, c1) = lowHigh.low.addingReportingOverflow(lowLow)
        let c2 = mid.addingReportingOverflow(highLow.low).overflow
        let carry = ConstantTime.bit(c1) &+ ConstantTime.bit(c2)
        let quotient = high &* barrettHigh &+ lowHigh.high &+ highLow.high &+ carry
        return ConstantTime.subtractIfAtLeast(low &- quotient &* value, value)
    }

    /// a · b mod q for residues a, b < q.
    @inlinable @inline(__always)
    public func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return reduce(high: p.high, low: p.low)
    }

    /// a + b mod q for residues a, b < q.
    @inlinable @inline(__always)
    public func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        ConstantTime.subtractIfAtLeast(a &+ b, value)
    }

    /// a − b mod q for residues a, b < q.
    @inlinable @inline(__always)
    public func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let d = a &- b
        return d &+ (value & ConstantTime.signMask(d))
    }

    /// −a mod q for a residue a < q.
    @inlinable @inline(__always)
    public func negate(_ a: UInt64) -> UInt64 {
        // q − a is in (0, q]; only a = 0 gives q, which the conditional subtraction maps to 0.
        ConstantTime.subtractIfAtLeast(value &- a, value)
    }

    /// base^exponent mod q.
    public func power(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
        var result: UInt64 = 1
        var b = reduce(base)
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = multiply(result, b) }
            b = multiply(b, b)
            e >>= 1
        }
        return result
    }

    /// The inverse of a modulo q, or nil when gcd(a, q) ≠ 1.
    public func inverse(_ a: UInt64) -> UInt64? {
        var (oldR, r) = (Int128(reduce(a)), Int128(value))
        var (oldS, s) = (Int128(1), Int128(0))
        while r != 0 {
            let quotient = oldR / r
            (oldR, r) = (r, oldR - quotient * r)
            (oldS, s) = (s, oldS - quotient * s)
        }
        guard oldR == 1 else { return nil }
        let q = Int128(value)
        return UInt64(((oldS % q) + q) % q)
    }

    /// The residue of a signed integer.
    @inlinable @inline(__always)
    public func reduce(signed x: Int64) -> UInt64 {
        let negative = UInt64(bitPattern: x &>> 63)
        // |x| by two's complement under the mask (2^63 for Int64.min, which wraps correctly).
        let r = reduce((UInt64(bitPattern: x) ^ negative) &- negative)
        return r ^ ((r ^ negate(r)) & negative)
    }

    /// The centered representative of a residue, in (−q/2, q/2].
    @inlinable @inline(__always)
    public func centered(_ a: UInt64) -> Int64 {
        // ⌊q/2⌋ − a borrows exactly when a > ⌊q/2⌋.
        Int64(bitPattern: a &- (value & ConstantTime.signMask((value >> 1) &- a)))
    }

    /// Precomputes Shoup's quotient for multiplying many values by the same residue w < q.
    @inlinable @inline(__always)
    public func shoup(_ w: UInt64) -> ShoupOperand {
        ShoupOperand(value: w, quotient: value.dividingFullWidth((high: w, low: 0)).quotient)
    }

    /// x · w mod q, lazily reduced to [0, 2q), for any 64-bit x.
    @inlinable @inline(__always)
    public func multiplyLazy(_ x: UInt64, by w: ShoupOperand) -> UInt64 {
        let estimate = x.multipliedFullWidth(by: w.quotient).high
        return x &* w.value &- estimate &* value
    }

    /// x · w mod q, fully reduced, for any 64-bit x.
    @inlinable @inline(__always)
    public func multiply(_ x: UInt64, by w: ShoupOperand) -> UInt64 {
        ConstantTime.subtractIfAtLeast(multiplyLazy(x, by: w), value)
    }
}

/// A residue w together with floor(w · 2^64 / q), for Shoup multiplication by w.
public struct ShoupOperand: Sendable, Hashable {
    public let value: UInt64
    public let quotient: UInt64

    @inlinable
    public init(value: UInt64, quotient: UInt64) {
        self.value = value
        self.quotient = quotient
    }
}
