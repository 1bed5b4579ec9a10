import ModularArithmetic

/// A polynomial of Z_Q[X]/(X^N + 1) in RNS form: one limb of N residues per prime of its basis,
/// in the form `Form` (`Coefficient` or `Evaluation`, see `PolynomialForm`).
///
/// Storage is one contiguous buffer, limb-major. What every form supports — additions, negation,
/// products by integer constants, dropping and selecting limbs — is here; the transforms between
/// forms, ring products, automorphisms and rescaling are in the extensions for the forms they
/// need. Operations between two polynomials require the same basis; a mismatch is a programming
/// error inside the library (the CKKS layer validates user input before it reaches here) and traps.
public struct RNSPolynomial<Form: PolynomialForm>: Sendable, Equatable {
    /// The primes of the limbs.
    public private(set) var basis: RNSBasis
    /// limbCount · N residues, limb i at [i·N, (i+1)·N).
    public var data: [UInt64]

    /// The zero polynomial.
    public init(basis: RNSBasis) {
        self.basis = basis
        self.data = [UInt64](repeating: 0, count: basis.count * basis.degree)
    }

    /// A polynomial from its residues in form `Form`; the caller guarantees every residue is
    /// below its prime.
    public init(basis: RNSBasis, data: [UInt64]) {
        precondition(data.count == basis.count * basis.degree, "residue count does not match the basis")
        self.basis = basis
        self.data = data
    }

    /// The ring degree N.
    @inlinable public var degree: Int { basis.degree }
    /// The number of limbs.
    @inlinable public var limbCount: Int { basis.count }

    /// The residues of limb `i`.
    public func limb(_ i: Int) -> ArraySlice<UInt64> {
        data[(i * degree)..<((i + 1) * degree)]
    }

    /// Removes the last `count` limbs (no rounding: the value is simply read modulo a smaller Q).
    public mutating func dropLastLimbs(_ count: Int = 1) {
        precondition(count <= limbCount, "cannot drop more limbs than the polynomial has")
        data.removeLast(count * degree)
        basis = basis.prefix(limbCount - count)
    }

    /// Keeps only the limbs whose indices are listed, in that order.
    public func selectingLimbs(_ indices: [Int]) -> RNSPolynomial {
        var out = [UInt64]()
        out.reserveCapacity(indices.count * degree)
        for i in indices { out.append(contentsOf: limb(i)) }
        return RNSPolynomial(basis: RNSBasis(tables: indices.map { basis.tables[$0] }), data: out)
    }

    /// Runs `body` with a mutable pointer to limb `i`.
    @inlinable
    public mutating func withLimb<R>(_ i: Int, _ body: (UnsafeMutablePointer<UInt64>) throws -> R) rethrows -> R {
        let n = degree
        return try data.withUnsafeMutableBufferPointer { try body($0.baseAddress! + i * n) }
    }

    /// Runs `body` with a mutable pointer to all residues.
    @inlinable
    public mutating func withResidues<R>(_ body: (UnsafeMutablePointer<UInt64>) throws -> R) rethrows -> R {
        try data.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}

// MARK: - Arithmetic in either form

extension RNSPolynomial {
    /// self[j] = op(q_i, self[j], other[j]) for every residue: the one loop behind the
    /// element-wise operations of either form (the ring product reuses it in evaluation form).
    @inline(__always)
    mutating func combine(_ other: RNSPolynomial, _ op: (Modulus, UInt64, UInt64) -> UInt64) {
        precondition(basis == other.basis, "operands have different bases")
        let n = degree
        let moduli = basis.moduli
        other.data.withUnsafeBufferPointer { rhs in
            data.withUnsafeMutableBufferPointer { lhs in
                for (i, q) in moduli.enumerated() {
                    let offset = i * n
                    for j in offset..<(offset + n) { lhs[j] = op(q, lhs[j], rhs[j]) }
                }
            }
        }
    }

    /// self += other.
    public mutating func add(_ other: RNSPolynomial) { combine(other) { $0.add($1, $2) } }
    /// self −= other.
    public mutating func subtract(_ other: RNSPolynomial) { combine(other) { $0.subtract($1, $2) } }

    /// self = −self.
    public mutating func negate() {
        let n = degree
        let moduli = basis.moduli
        data.withUnsafeMutableBufferPointer { a in
            for (i, q) in moduli.enumerated() {
                for j in (i * n)..<((i + 1) * n) { a[j] = q.negate(a[j]) }
            }
        }
    }

    /// Multiplies limb i by the residue scalars[i] (an integer constant in RNS form): a constant
    /// scales coefficients and evaluations alike.
    public mutating func multiply(byResidues scalars: [UInt64]) {
        precondition(scalars.count == limbCount, "one residue per limb expected")
        let n = degree
        let moduli = basis.moduli
        data.withUnsafeMutableBufferPointer { a in
            for (i, q) in moduli.enumerated() {
                let w = q.shoup(scalars[i])
                for j in (i * n)..<((i + 1) * n) { a[j] = q.multiply(a[j], by: w) }
            }
        }
    }
}
