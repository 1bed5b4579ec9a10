/// Errors of the polynomial-ring layer.
public enum RingArithmeticError: Error, Equatable, CustomStringConvertible {
    /// The ring degree is not a power of two.
    case invalidDegree(Int)
    /// The modulus is not ≡ 1 (mod 2N), so the negacyclic NTT does not exist.
    case notNTTFriendly(modulus: UInt64, degree: Int)
    /// The operating system's entropy source failed.
    case entropyUnavailable

    public var description: String {
        switch self {
        case .invalidDegree(let n): return "ring degree \(n) is not a power of two"
        case .notNTTFriendly(let q, let n): return "modulus \(q) is not congruent to 1 mod \(2 * n)"
        case .entropyUnavailable: return "the operating system's random number generator failed"
        }
    }
}
