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
    public func centeredValues(of polynomial: RNSPolynomial<Coefficient>) -> [Double] {
        let n = polynomial.degree
        if moduli.count == 1 {
            let q = moduli[0]
            return polynomial.data.map { Double(q.centered($0)) }
        }
        let words = product.count
        var result = [Double](repeating: 0, count: n)
        var accumulator = [UInt64](repeating: 0, count: words)
        var halfProduct = product
        var carry: UInt64 = 0
        for i in stride(from: words - 1, through: 0, by: -1) {
            let w = halfProduct[i]
            halfProduct[i] = (w >> 1) | (carry << 63)
            carry = w & 1
        }
        let inverseModuli = moduli.map { 1 / Double($0.value) }
        let cofactorsLow = cofactors.map { $0[0] }
        let productLow = product[0]
        var digits = [UInt64](repeating: 0, count: moduli.count)
        // When Q < 2^64 the fast path's value must also be the centered representative, |x| ≤ (Q − 1)/2.
        let centeredLimit: UInt64 = product.dropFirst().allSatisfy { $0 == 0 } ? product[0] >> 1 : UInt64.max
        polynomial.data.withUnsafeBufferPointer { data in
            for j in 0..<n {
                // Fast path: x = Σ y_i·(Q/q_i) − k·Q with k = round(Σ y_i/q_i), evaluated modulo
                // 2^64. The result is exact when |x| < 2^63, which the check below proves: a value
                // below 2^63 in magnitude that matches every residue is the centered representative.
                var fraction = 0.0
                var wrapped: UInt64 = 0
                for (i, q) in moduli.enumerated() {
                    let y = q.multiply(data[i * n + j], by: cofactorInverses[i])
                    digits[i] = y
                    fraction += Double(y) * inverseModuli[i]
                    wrapped &+= y &* cofactorsLow[i]
                }
                let k = fraction.rounded()
                let candidate = Int64(bitPattern: wrapped &- UInt64(k) &* productLow)
                var matches = candidate.magnitude <= centeredLimit
                for (i, q) in moduli.enumerated() where matches && q.reduce(signed: candidate) != data[i * n + j] {
                    matches = false
                    break
                }
                if matches {
                    result[j] = Double(candidate)
                    continue
                }
                for i in 0..<words { accumulator[i] = 0 }
                for i in moduli.indices {
                    let y = digits[i]
                    var c: UInt64 = 0
                    let cofactor = cofactors[i]
                    for k in 0..<words {
                        let p = cofactor[k].multipliedFullWidth(by: y)
                        let (s1, o1) = accumulator[k].addingReportingOverflow(p.low)
                        let (s2, o2) = s1.addingReportingOverflow(c)
                        accumulator[k] = s2
                        c = p.high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                    }
                }
                while !CRTComposer.less(accumulator, product) { CRTComposer.subtract(&accumulator, product) }
                if CRTComposer.less(halfProduct, accumulator) {
                    var negative = product
                    CRTComposer.subtract(&negative, accumulator)
                    result[j] = -CRTComposer.toDouble(negative)
                } else {
                    result[j] = CRTComposer.toDouble(accumulator)
                }
            }
        }
        return result
    }

    private static func less(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
        return false
    }

    private static func subtract(_ a: inout [UInt64], _ b: [UInt64]) {
        var borrow = false
        for i in 0..<a.count {
            let (d1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            a[i] = d2
            borrow = o1 || o2
        }
    }

    private static func toDouble(_ a: [UInt64]) -> Double {
        var value = 0.0
        for w in a.reversed() { value = value * 0x1p64 + Double(w) }
        return value
    }
}
