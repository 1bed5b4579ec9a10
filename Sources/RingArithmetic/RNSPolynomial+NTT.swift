// The transforms between the two forms. Each consumes its operand and transforms the residues in
// place: a value not used afterwards (pass it with `consume` to be sure) changes type without a
// copy and, when it is a secret, without leaving its other form behind in memory.

extension RNSPolynomial where Form == Coefficient {
    /// The NTT evaluations of this polynomial, limbs in parallel, computed in place.
    public consuming func forwardNTT() -> RNSPolynomial<Evaluation> {
        transformLimbs { tables, limb in tables.forward(limb) }
        return RNSPolynomial<Evaluation>(basis: basis, data: data)
    }
}

extension RNSPolynomial where Form == Evaluation {
    /// The coefficients of this polynomial, limbs in parallel, computed in place.
    public consuming func inverseNTT() -> RNSPolynomial<Coefficient> {
        transformLimbs { tables, limb in tables.inverse(limb) }
        return RNSPolynomial<Coefficient>(basis: basis, data: data)
    }
}

extension RNSPolynomial {
    /// Runs `transform` on every limb with its prime's tables, limbs in parallel.
    fileprivate mutating func transformLimbs(_ transform: @escaping @Sendable (NTTTables, UnsafeMutablePointer<UInt64>) -> Void) {
        let n = degree
        let tables = basis.tables
        withResidues { base in
            let address = UInt(bitPattern: base)
            Parallel.forEach(tables.count) { i in
                transform(tables[i], UnsafeMutablePointer<UInt64>(bitPattern: address)! + i * n)
            }
        }
    }
}
