import ModularArithmetic

/// Reconstructs integers modulo Q = ∏ q_i from their residues (Chinese remaindering) with exact
/// multi-word arithmetic, returning the centered value in (−Q/2, Q/2] as a Double (rounded to
/// the nearest double when it has more than 53 significant bits).
public struct CRTComposer: Sendable {
    let moduli: [Modulus]
    /// Q as little-endian 64-bit words.
    let product: [UInt64]
    /// Q / q_i as words, and (Q / q_i)^-1 mod q_i.
    let cofactors: [[UInt64]]
    let cofactorInverses: [ShoupOperand]

    public init(basis: RNSBasis) {
        let moduli = basis.moduli
        self.moduli = moduli
        let words = moduli.count + 1
        func multiply(_ a: [UInt64], _ b: UInt64) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: words)
            var carry: UInt64 = 0
            for i in 0..<words {
                let p = a[i].multipliedFullWidth(by: b)
                let (sum, overflow) = p.low.addingReportingOverflow(carry)
                out[i] = sum
                carry = p.high &+ (overflow ? 1 : 0)
            }
            return out
        }
        var q = [UInt64](repeating: 0, count: words)
        q[0] = 1
        for m in moduli { q = multiply(q, m.value) }
        product = q
        cofactors = moduli.indices.map { i in
            var c = [UInt64](repeating: 0, count: words)
            c[0] = 1
            for (j, m) in moduli.enumerated() where j != i { c = multiply(c, m.value) }
            return c
        }
        cofactorInverses = moduli.indices.map { i in
            let q = moduli[i]
            var residue: UInt64 = 1
            for (j, m) in moduli.enumerated() where j != i { residue = q.multiply(residue, q.reduce(m.value)) }
            return q.shoup(q.inverse(residue)!)
        }
    }

    /// Centered integer values of a coefficient-form polynomial, as Doubles.
    ///
    /// Constant time, because the values are decryptions: every coefficient takes the same
    /// multi-word path whatever its size. With y_i = x_i·(Q/q_i)^-1 mod q_i and k = round(Σ y_i/q_i)
    /// (in floating point, converted without a branch), v = Σ y_i·(Q/q_i) − k·Q is computed in
    /// L words (L primes, Q < 2^(61·L)) two's complement; v is the centered value, or off by ±Q
    /// when x sits within rounding error of ±Q/2, which one masked correction fixes. The sign and
    /// magnitude are then taken with masks and converted to a Double.
    public func centeredValues(of polynomial: RNSPolynomial<Coefficient>) -> [Double] {
        let n = polynomial.degree
        let count = moduli.count
        if count == 1 {
            let q = moduli[0]
            return polynomial.data.map { Double(q.centered($0)) }
        }
        let words = count
        // Row i < L: Q/q_i; row L: −Q mod 2^(64·L), multiplied by k. All in L words.
        var rows = [UInt64](repeating: 0, count: (count + 1) * words)
        for i in 0..<count {
            for t in 0..<words { rows[i * words + t] = cofactors[i][t] }
        }
        var borrow: UInt64 = 1
        for t in 0..<words {
            let (d, o) = (~product[t]).addingReportingOverflow(borrow)
            rows[count * words + t] = d
            borrow = o ? 1 : 0
        }
        let productWords = Array(product.prefix(words))
        // ⌊Q/2⌋ (Q is odd).
        var half = productWords
        for t in 0..<words { half[t] = (productWords[t] >> 1) | (t + 1 < words ? productWords[t + 1] << 63 : 0) }
        let inverseModuli = moduli.map { 1 / Double($0.value) }
        var result = [Double](repeating: 0, count: n)
        // Per-coefficient scratch: the L+1 digits (the last is k), then the L-word value.
        var scratch = [UInt64](repeating: 0, count: count + 1 + words)
        polynomial.data.withUnsafeBufferPointer { data in
            rows.withUnsafeBufferPointer { rows in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    let digits = scratch.baseAddress!, value = digits + count + 1
                    let negativeProduct = rows.baseAddress! + count * words
                    for j in 0..<n {
                        var fraction = 0.0
                        for (i, q) in moduli.enumerated() {
                            let y = q.multiply(data[i * n + j], by: cofactorInverses[i])
                            digits[i] = y
                            fraction += Double(Int64(bitPattern: y)) * inverseModuli[i]
                        }
                        // round(fraction) for 0 ≤ fraction < 2^51: adding 1.5·2^52 leaves it in the
                        // low mantissa bits.
                        digits[count] = (fraction + 0x1.8p52).bitPattern & ((1 << 51) - 1)
                        value.initialize(repeating: 0, count: words)
                        for i in 0...count {
                            CRTComposer.multiplyAdd(value, rows.baseAddress! + i * words, digits[i], words: words)
                        }
                        // v > ⌊Q/2⌋: subtract Q; v < −⌊Q/2⌋: add Q (at most one applies).
                        let above = CRTComposer.signMask(ofSum: half, value, negateSecond: true, words: words)
                        let below = CRTComposer.signMask(ofSum: value, half, negateSecond: false, words: words)
                        var carry: UInt64 = 0
                        for t in 0..<words {
                            let addend = (negativeProduct[t] & above) | (productWords[t] & below)
                            let (s1, o1) = value[t].addingReportingOverflow(addend)
                            let (s2, o2) = s1.addingReportingOverflow(carry)
                            value[t] = s2
                            carry = ConstantTime.bit(o1) | ConstantTime.bit(o2)
                        }
                        result[j] = CRTComposer.toDouble(value, words: words)
                    }
                }
            }
        }
        SecureZero.zero(&scratch, "CRT digits and composed coefficient")
        return result
    }

    /// value += row · digit modulo 2^(64·words).
    @inline(__always)
    private static func multiplyAdd(_ value: UnsafeMutablePointer<UInt64>, _ row: UnsafePointer<UInt64>, _ digit: UInt64, words: Int) {
        var carry: UInt64 = 0
        for t in 0..<words {
            let p = row[t].multipliedFullWidth(by: digit)
            let (s1, o1) = value[t].addingReportingOverflow(p.low)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            value[t] = s2
            carry = p.high &+ ConstantTime.bit(o1) &+ ConstantTime.bit(o2)
        }
    }

    /// All ones when a + b (or a − b) is negative as a two's-complement multi-word number.
    @inline(__always)
    private static func signMask(ofSum a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, negateSecond: Bool, words: Int) -> UInt64 {
        var carry: UInt64 = negateSecond ? 1 : 0
        let flip: UInt64 = negateSecond ? ~0 : 0
        var top: UInt64 = 0
        for t in 0..<words {
            let (s1, o1) = a[t].addingReportingOverflow(b[t] ^ flip)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            top = s2
            carry = ConstantTime.bit(o1) | ConstantTime.bit(o2)
        }
        return ConstantTime.signMask(top)
    }

    /// The Double nearest a two's-complement multi-word integer, which is overwritten with its
    /// magnitude (sign and magnitude by masks; each word converted exactly in two 32-bit halves,
    /// then rounded once, as `Double(UInt64)` rounds).
    @inline(__always)
    private static func toDouble(_ value: UnsafeMutablePointer<UInt64>, words: Int) -> Double {
        let sign = ConstantTime.signMask(value[words - 1])
        var carry = sign & 1
        for t in 0..<words {
            let (m, o) = (value[t] ^ sign).addingReportingOverflow(carry)
            value[t] = m
            carry = ConstantTime.bit(o)
        }
        var magnitude = 0.0
        for t in stride(from: words - 1, through: 0, by: -1) {
            let m = value[t]
            magnitude = magnitude * 0x1p64 + (Double(Int64(m >> 32)) * 0x1p32 + Double(Int64(m & 0xFFFF_FFFF)))
        }
        return Double(bitPattern: magnitude.bitPattern | (sign & (1 << 63)))
    }
}
