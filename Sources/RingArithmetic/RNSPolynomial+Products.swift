import ModularArithmetic

/// Ring products: pointwise in evaluation form, hence defined only there.
extension RNSPolynomial where Form == Evaluation {
    /// self ·= other (the ring product, pointwise).
    public mutating func multiply(_ other: RNSPolynomial) { combine(other) { $0.multiply($1, $2) } }

    /// self += a · b (products accumulated).
    public mutating func multiplyAdd(_ a: RNSPolynomial, _ b: RNSPolynomial) {
        precondition(basis == a.basis && basis == b.basis, "operands have different bases")
        let n = degree
        let moduli = basis.moduli
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                data.withUnsafeMutableBufferPointer { out in
                    for (i, q) in moduli.enumerated() {
                        for j in (i * n)..<((i + 1) * n) {
                            out[j] = q.add(out[j], q.multiply(pa[j], pb[j]))
                        }
                    }
                }
            }
        }
    }

    /// Shoup quotients floor(w · 2^64 / q_i) of every residue w: with them, multiplying other
    /// polynomials by this one (a key, used many times) costs one high and two low products.
    public func shoupQuotients() -> [UInt64] {
        let n = degree
        var quotients = [UInt64](repeating: 0, count: data.count)
        for (i, q) in basis.moduli.enumerated() {
            for j in (i * n)..<((i + 1) * n) { quotients[j] = q.shoup(data[j]).quotient }
        }
        return quotients
    }

    /// self += a · b, where `quotients` are b's `shoupQuotients()`.
    public mutating func multiplyAdd(_ a: RNSPolynomial, _ b: RNSPolynomial, shoupQuotients quotients: [UInt64]) {
        precondition(basis == a.basis && basis == b.basis && quotients.count == b.data.count,
                     "operands have different bases")
        let n = degree
        let moduli = basis.moduli
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                quotients.withUnsafeBufferPointer { pq in
                    data.withUnsafeMutableBufferPointer { out in
                        for (i, q) in moduli.enumerated() {
                            for j in (i * n)..<((i + 1) * n) {
                                let product = q.multiply(pa[j], by: ShoupOperand(value: pb[j], quotient: pq[j]))
                                out[j] = q.add(out[j], product)
                            }
                        }
                    }
                }
            }
        }
    }
}
