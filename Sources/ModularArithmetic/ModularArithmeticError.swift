/// Errors of the modular-arithmetic layer.
public enum ModularArithmeticError: Error, Equatable, CustomStringConvertible {
    /// The value cannot serve as a modulus (even, < 3, or wider than `Modulus.maxBitWidth` bits).
    case invalidModulus(UInt64)
    /// Not enough NTT-friendly primes of the requested size exist for this ring degree.
    case notEnoughPrimes(bitWidth: Int, polyDegree: Int, requested: Int)
    /// A prime bit width outside the supported range.
    case unsupportedPrimeBitWidth(Int)
    /// The ring degree is not a power of two in the supported range.
    case invalidPolyDegree(Int)

    public var description: String {
        switch self {
        case .invalidModulus(let q):
            return "invalid modulus \(q): it must be odd, at least 3 and below 2^\(Modulus.maxBitWidth)"
        case .notEnoughPrimes(let bits, let n, let count):
            return "cannot find \(count) distinct \(bits)-bit primes congruent to 1 mod \(2 * n)"
        case .unsupportedPrimeBitWidth(let bits):
            return "prime bit width \(bits) is outside the supported range 17...\(Modulus.maxBitWidth)"
        case .invalidPolyDegree(let n):
            return "ring degree \(n) is not a power of two in 2...65536"
        }
    }
}
