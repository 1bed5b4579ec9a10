import ModularArithmetic

extension RNSPolynomial where Form == Evaluation {
    /// Divides by the last prime with rounding and drops its limb: x ↦ round(x / q_last).
    ///
    /// The last limb is brought to coefficient form, offset by ⌊q_last/2⌋ so that the division
    /// rounds to nearest, reduced into each remaining prime, transformed back and subtracted;
    /// the difference is exactly divisible by q_last, so multiplying by q_last^-1 mod q_i divides.
    /// Used for CKKS rescaling and for the final step of key switching (division by P).
    public mutating func divideAndRoundByLastPrime() {
        precondition(limbCount >= 2, "needs at least two limbs")
        let n = degree
        let last = limbCount - 1
        let lastTables = basis.tables[last]
        let qLast = lastTables.modulus
        let half = qLast.value >> 1
        var top = Array(limb(last))
        top.withUnsafeMutableBufferPointer { lastTables.inverse($0.baseAddress!) }
        for k in 0..<n { top[k] = qLast.add(top[k], half) }
        let tables = basis.tables
        top.withUnsafeBufferPointer { source in
            let sourceAddress = UInt(bitPattern: source.baseAddress!)
            withResidues { base in
                let address = UInt(bitPattern: base)
                Parallel.forEach(last) { i in
                    let q = tables[i].modulus
                    let src = UnsafePointer<UInt64>(bitPattern: sourceAddress)!
                    let dst = UnsafeMutablePointer<UInt64>(bitPattern: address)! + i * n
                    let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
                    defer { scratch.deallocate() }
                    let halfModQ = q.reduce(half)
                    if qLast.value <= 2 * q.value {
                        // src < q_last ≤ 2q, so src + 2q − (half mod q) < 4q: the NTT takes inputs
                        // below 4q, no reduction needed.
                        let offset = 2 * q.value - halfModQ
                        for k in 0..<n { scratch[k] = src[k] &+ offset }
                    } else {
                        for k in 0..<n { scratch[k] = q.subtract(q.reduce(src[k]), halfModQ) }
                    }
                    tables[i].forward(scratch)
                    // (dst − t)·q_last^-1 with dst + q − t < 2q; Shoup accepts any 64-bit input.
                    let inverse = q.shoup(q.inverse(q.reduce(qLast.value))!)
                    for k in 0..<n {
                        dst[k] = q.multiply(dst[k] &+ q.value &- scratch[k], by: inverse)
                    }
                }
            }
        }
        dropLastLimbs()
    }
}
