import ModularArithmetic

/// A polynomial of Z_Q[X]/(X^N + 1) in RNS form: one limb of N residues per prime of its basis,
/// either as coefficients or as NTT evaluations.
///
/// Storage is one contiguous buffer, limb-major. Operations between two polynomials require the
/// same basis and the same form; a mismatch is a programming error inside the library (the CKKS
/// layer validates user input before it reaches here) and traps.
public struct RNSPolynomial: Sendable, Equatable {
    /// The primes of the limbs.
    public private(set) var basis: RNSBasis
    /// True when the limbs hold NTT evaluations, false when they hold coefficients.
    public var isNTTForm: Bool
    /// limbCount · N residues, limb i at [i·N, (i+1)·N).
    public var data: [UInt64]

    /// The zero polynomial.
    public init(basis: RNSBasis, isNTTForm: Bool) {
        self.basis = basis
        self.isNTTForm = isNTTForm
        self.data = [UInt64](repeating: 0, count: basis.count * basis.degree)
    }

    /// A polynomial from its residues; the caller guarantees every residue is below its prime.
    public init(basis: RNSBasis, isNTTForm: Bool, data: [UInt64]) {
        precondition(data.count == basis.count * basis.degree, "residue count does not match the basis")
        self.basis = basis
        self.isNTTForm = isNTTForm
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
        return RNSPolynomial(basis: RNSBasis(tables: indices.map { basis.tables[$0] }), isNTTForm: isNTTForm, data: out)
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

// MARK: - Transforms

extension RNSPolynomial {
    /// Converts coefficients to NTT evaluations, limbs in parallel.
    public mutating func forwardNTT() {
        precondition(!isNTTForm, "polynomial is already in NTT form")
        transformLimbs { tables, limb in tables.forward(limb) }
        isNTTForm = true
    }

    /// Converts NTT evaluations to coefficients, limbs in parallel.
    public mutating func inverseNTT() {
        precondition(isNTTForm, "polynomial is already in coefficient form")
        transformLimbs { tables, limb in tables.inverse(limb) }
        isNTTForm = false
    }

    /// Runs `transform` on every limb with its prime's tables, limbs in parallel.
    private mutating func transformLimbs(_ transform: @escaping @Sendable (NTTTables, UnsafeMutablePointer<UInt64>) -> Void) {
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

// MARK: - Arithmetic

extension RNSPolynomial {
    @inline(__always)
    private mutating func combine(_ other: RNSPolynomial, _ op: (Modulus, UInt64, UInt64) -> UInt64) {
        precondition(basis == other.basis && isNTTForm == other.isNTTForm, "operands have different bases or forms")
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
    /// self ⊙= other (pointwise; a ring product when both are in NTT form).
    public mutating func multiply(_ other: RNSPolynomial) {
        precondition(isNTTForm, "ring products need NTT form")
        combine(other) { $0.multiply($1, $2) }
    }

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

    /// self += a ⊙ b (pointwise products accumulated, NTT form).
    public mutating func multiplyAdd(_ a: RNSPolynomial, _ b: RNSPolynomial) {
        precondition(basis == a.basis && basis == b.basis && isNTTForm && a.isNTTForm && b.isNTTForm,
                     "operands have different bases or forms")
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

    /// self += a ⊙ b, where `quotients` are b's `shoupQuotients()` (NTT form).
    public mutating func multiplyAdd(_ a: RNSPolynomial, _ b: RNSPolynomial, shoupQuotients quotients: [UInt64]) {
        precondition(basis == a.basis && basis == b.basis && isNTTForm && a.isNTTForm && b.isNTTForm
                     && quotients.count == b.data.count, "operands have different bases or forms")
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

    /// Multiplies limb i by the residue scalars[i] (an integer constant in RNS form).
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

    /// The image of the polynomial under X ↦ X^g (g odd), in the same form.
    ///
    /// In coefficient form X^i maps to ±X^(i·g mod N); in NTT form the automorphism permutes the
    /// evaluation points, and the permutation is computed once per call from the bit-reversed order.
    /// `permutation` may pass the result of `galoisPermutation(element: g, degree: N)` computed
    /// in advance (NTT form only).
    public func applyingGalois(element g: Int, permutation precomputed: [UInt32]? = nil) -> RNSPolynomial {
        let n = degree
        let twoN = 2 * n
        precondition(g & 1 == 1 && g > 0 && g < twoN, "Galois element must be odd and below 2N")
        var out = RNSPolynomial(basis: basis, isNTTForm: isNTTForm)
        let moduli = basis.moduli
        if isNTTForm {
            let permutation = precomputed ?? RNSPolynomial.galoisPermutation(element: g, degree: n)
            precondition(permutation.count == n, "permutation does not match the ring degree")
            permutation.withUnsafeBufferPointer { perm in
                data.withUnsafeBufferPointer { src in
                    out.data.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<moduli.count {
                            let offset = i * n
                            for k in 0..<n { dst[offset + k] = src[offset + Int(perm[k])] }
                        }
                    }
                }
            }
        } else {
            data.withUnsafeBufferPointer { src in
                out.data.withUnsafeMutableBufferPointer { dst in
                    for (i, q) in moduli.enumerated() {
                        let offset = i * n
                        for k in 0..<n {
                            let target = (k * g) % twoN
                            if target < n {
                                dst[offset + target] = src[offset + k]
                            } else {
                                dst[offset + target - n] = q.negate(src[offset + k])
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// For NTT form: output slot k takes input slot perm[k].
    ///
    /// Slot k holds the value at ψ^(2·rev(k)+1); the automorphism's output there is the input's
    /// value at ψ^(g·(2·rev(k)+1)), which sits in the slot whose exponent is that odd number.
    public static func galoisPermutation(element g: Int, degree n: Int) -> [UInt32] {
        let logN = n.trailingZeroBitCount
        let mask = 2 * n - 1
        var perm = [UInt32](repeating: 0, count: n)
        for k in 0..<n {
            let exponent = (2 * bitReverse(k, bits: logN) + 1)
            let mapped = (exponent * g) & mask
            perm[k] = UInt32(bitReverse((mapped - 1) >> 1, bits: logN))
        }
        return perm
    }
}
