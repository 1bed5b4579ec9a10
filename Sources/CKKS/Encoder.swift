import Foundation
import ModularArithmetic
import RingArithmetic

/// Encodes vectors of up to N/2 real or complex values into plaintexts and decodes them back,
/// through the canonical embedding: values ↦ polynomial m with m(ζ^(5^j)) ≈ Δ·value_j.
public struct Encoder: Sendable {
    public let context: CKKSContext

    public init(context: CKKSContext) {
        self.context = context
    }

    /// Encodes real values (missing slots are zero) at `scale` (default: the parameters' Δ)
    /// and `level` (default: the top level).
    public func encode(_ values: [Double], scale: Double? = nil, level: Int? = nil) throws(CKKSError) -> Plaintext {
        try encode(complex: values.map { Complex($0) }, scale: scale, level: level)
    }

    /// Encodes complex values (missing slots are zero).
    public func encode(complex values: [Complex], scale: Double? = nil, level: Int? = nil) throws(CKKSError) -> Plaintext {
        let (polynomial, scale) = try encodeCoefficients(values, scale: scale, level: level)
        return Plaintext(context: context, polynomial: polynomial.forwardNTT(), scale: scale)
    }

    /// The encoding of `values` in coefficient form (not yet transformed), with its scale: lets
    /// encryption add its error before a single NTT.
    func encodeCoefficients(_ values: [Complex], scale: Double?, level: Int?) throws(CKKSError) -> (RNSPolynomial<Coefficient>, Double) {
        let n = context.slotCount
        guard values.count <= n else { throw .tooManyValues(count: values.count, slotCount: n) }
        let level = level ?? context.maxLevel
        try context.checkLevel(level)
        let scale = scale ?? context.parameters.scale
        guard scale.isFinite, scale > 0 else { throw .valueOutOfRange("scale must be positive and finite") }
        var slots = values + [Complex](repeating: Complex(0), count: n - values.count)
        guard slots.allSatisfy({ $0.real.isFinite && $0.imaginary.isFinite }) else {
            throw .valueOutOfRange("values must be finite")
        }
        context.embedding.interpolate(&slots)
        var coefficients = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            coefficients[i] = (slots[i].real * scale).rounded()
            coefficients[i + n] = (slots[i].imaginary * scale).rounded()
        }
        return (try integerPolynomial(coefficients, level: level), scale)
    }

    /// Decodes all N/2 slots of a plaintext.
    public func decodeComplex(_ plaintext: Plaintext) -> [Complex] {
        var polynomial = plaintext.polynomial.inverseNTT()
        var coefficients = CRTComposer(basis: polynomial.basis).centeredValues(of: polynomial)
        // Decoded plaintexts are decryptions: their coefficients carry the error, which the
        // slots (rounded by the FFT) do not give back exactly.
        polynomial.wipe("decoded coefficients")
        defer { SecureZero.zero(&coefficients, "decoded coefficients") }
        return decodeCoefficients(coefficients, scale: plaintext.scale)
    }

    /// Decodes the real parts of all N/2 slots.
    public func decode(_ plaintext: Plaintext) -> [Double] {
        decodeComplex(plaintext).map(\.real)
    }

    /// Slot values of a real coefficient vector divided by `scale`.
    func decodeCoefficients(_ coefficients: [Double], scale: Double) -> [Complex] {
        let n = context.slotCount
        var slots = (0..<n).map { Complex(coefficients[$0] / scale, coefficients[$0 + n] / scale) }
        context.embedding.evaluate(&slots)
        return slots
    }

    /// An integer constant c in RNS form at `level`, for multiplying by a scalar.
    func integerResidues(_ value: Double, level: Int) throws(CKKSError) -> [UInt64] {
        let moduli = context.basis(atLevel: level).moduli
        return try moduli.map { q throws(CKKSError) in try Encoder.residue(of: value, modulo: q) }
    }

    /// Rounds real coefficients to integers and reduces them into each prime of the level.
    func integerPolynomial(_ coefficients: [Double], level: Int) throws(CKKSError) -> RNSPolynomial<Coefficient> {
        let basis = context.basis(atLevel: level)
        let logQ = basis.moduli.reduce(0.0) { $0 + log2(Double($1.value)) }
        let largest = coefficients.reduce(0.0) { max($0, abs($1)) }
        guard largest == 0 || log2(largest) < logQ - 1 else {
            throw .valueOutOfRange("encoded coefficients reach 2^\(Int(log2(largest))), above half the \(Int(logQ))-bit modulus at level \(level); lower the scale or the values")
        }
        var polynomial = RNSPolynomial<Coefficient>(basis: basis)
        let n = context.parameters.polyDegree
        polynomial.withResidues { out in
            for (i, q) in basis.moduli.enumerated() {
                for j in 0..<n { out[i * n + j] = Encoder.residueUnchecked(of: coefficients[j], modulo: q) }
            }
        }
        return polynomial
    }

    static func residue(of value: Double, modulo q: Modulus) throws(CKKSError) -> UInt64 {
        guard value.isFinite else { throw .valueOutOfRange("value must be finite") }
        return residueUnchecked(of: value.rounded(), modulo: q)
    }

    /// The residue of an integral double of any magnitude: x = ±m·2^e with a 53-bit m.
    @inline(__always)
    static func residueUnchecked(of value: Double, modulo q: Modulus) -> UInt64 {
        if abs(value) < 0x1p63 {
            return q.reduce(signed: Int64(value))
        }
        let exponent = value.exponent - 52
        let mantissa = UInt64(abs(value).significandBitPattern | (1 << 52))
        let r = q.multiply(q.reduce(mantissa), q.power(2, UInt64(exponent)))
        return value < 0 ? q.negate(r) : r
    }
}
