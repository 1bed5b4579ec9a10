import Foundation

/// Errors of the CKKS library. Messages name the problem and never carry secret values.
public enum CKKSError: Error, Equatable, CustomStringConvertible {
    /// A parameter set is malformed (degree, prime sizes, scale).
    case invalidParameters(String)
    /// A parameter set is below 128-bit classical security; `maxBits` is the standard's bound.
    case insecureParameters(polyDegree: Int, totalBits: Int, maxBits: Int)
    /// More values than slots.
    case tooManyValues(count: Int, slotCount: Int)
    /// A value times the scale does not fit below half the modulus at that level.
    case valueOutOfRange(String)
    /// A level outside 0...maxLevel, or an operation that needs a level the operand lacks.
    case invalidLevel(level: Int, maxLevel: Int)
    /// Operands at different levels.
    case levelMismatch(Int, Int)
    /// Operands at different scales.
    case scaleMismatch(Double, Double)
    /// Operands built on different parameter sets.
    case contextMismatch
    /// A ciphertext of the wrong size for the operation (e.g. relinearizing a 2-polynomial one).
    case invalidCiphertextSize(Int)
    /// A rotation or conjugation whose Galois key was not generated.
    case missingGaloisKey(element: Int)
    /// Rescaling at level 0.
    case cannotRescaleAtLowestLevel
    /// Malformed serialized data.
    case deserialization(String)

    public var description: String {
        switch self {
        case .invalidParameters(let why): return "invalid CKKS parameters: \(why)"
        case .insecureParameters(let n, let bits, let max):
            return "parameters are below 128-bit security: N=\(n) allows at most \(max) bits of coefficient modulus (special prime included), these use \(bits)"
        case .tooManyValues(let count, let slots): return "\(count) values do not fit in \(slots) slots"
        case .valueOutOfRange(let why): return "value out of range: \(why)"
        case .invalidLevel(let level, let max): return "level \(level) is outside 0...\(max)"
        case .levelMismatch(let a, let b): return "operands are at different levels (\(a) and \(b)); align them first"
        case .scaleMismatch(let a, let b): return "operands have different scales (2^\(log2(a)) and 2^\(log2(b))); align them first"
        case .contextMismatch: return "operands belong to different CKKS parameter sets"
        case .invalidCiphertextSize(let size): return "ciphertext has \(size) polynomials, which this operation does not accept"
        case .missingGaloisKey(let g): return "no Galois key for element \(g); generate keys for this rotation"
        case .cannotRescaleAtLowestLevel: return "cannot rescale a ciphertext at level 0"
        case .deserialization(let why): return "malformed serialized data: \(why)"
        }
    }
}
