import Crypto
import Foundation
import ModularArithmetic

/// A validated, immutable CKKS parameter set.
///
/// The coefficient modulus is a chain of NTT-friendly primes generated deterministically from
/// bit sizes, SEAL-style: the first `coefficientModulusBits.count − 1` primes are the data primes
/// q_0 … q_L (a ciphertext at level ℓ lives modulo q_0⋯q_ℓ), and the last prime is the special
/// prime P used only inside key switching.
public struct CKKSParameters: Sendable, Hashable, CustomStringConvertible {
    /// Ring degree N (a power of two, 2^11 … 2^15): N/2 complex slots.
    public let polyDegree: Int
    /// Bit sizes of the primes, data primes first and the special prime last.
    public let coefficientModulusBits: [Int]
    /// The primes q_0 … q_L, P.
    public let coefficientModuli: [UInt64]
    /// Default encoding scale Δ.
    public let scale: Double

    /// A parameter set that is 128-bit secure by the HomomorphicEncryption.org standard; throws
    /// `CKKSError.insecureParameters` otherwise.
    public init(polyDegree: Int, coefficientModulusBits: [Int], scale: Double) throws(CKKSError) {
        try self.init(unchecked: polyDegree, coefficientModulusBits: coefficientModulusBits, scale: scale)
        try SecurityStandard.validate(polyDegree: polyDegree, totalBits: totalModulusBits)
    }

    /// A parameter set that skips the security check. For tests and experiments only: reachable
    /// through `@_spi(Testing) import CKKS`, and the name says so at every call site.
    @_spi(Testing)
    public static func insecureForTests(polyDegree: Int, coefficientModulusBits: [Int], scale: Double) throws(CKKSError) -> CKKSParameters {
        try CKKSParameters(unchecked: polyDegree, coefficientModulusBits: coefficientModulusBits, scale: scale)
    }

    private init(unchecked polyDegree: Int, coefficientModulusBits: [Int], scale: Double) throws(CKKSError) {
        guard polyDegree >= 16, polyDegree <= 32768, polyDegree & (polyDegree - 1) == 0 else {
            throw .invalidParameters("ring degree \(polyDegree) must be a power of two in 16...32768")
        }
        guard coefficientModulusBits.count >= 2 else {
            throw .invalidParameters("need at least one data prime and the special prime")
        }
        guard scale.isFinite, scale >= 2 else {
            throw .invalidParameters("scale must be a finite number ≥ 2")
        }
        guard log2(scale) < Double(coefficientModulusBits.dropLast().reduce(0, +) - 1) else {
            throw .invalidParameters("scale 2^\(log2(scale)) leaves no room below the data modulus (\(coefficientModulusBits.dropLast().reduce(0, +)) bits)")
        }
        let primes: [UInt64]
        do {
            // The special prime is generated first, so that it is the largest prime of its bit size
            // and data primes of that size come below it.
            let specialFirst = [coefficientModulusBits.last!] + coefficientModulusBits.dropLast()
            let generated = try Primes.nttFriendly(bitSizes: specialFirst, polyDegree: polyDegree)
            primes = Array(generated.dropFirst()) + [generated[0]]
        } catch {
            throw .invalidParameters(error.description)
        }
        // Key switching divides by P the error of every digit, each below its data prime: P must
        // exceed every data prime as a number (equal bit sizes are not enough).
        guard primes.dropLast().allSatisfy({ $0 < primes.last! }) else {
            throw .invalidParameters("the special prime P (last) must be larger than every data prime; give it at least as many bits as the largest")
        }
        self.coefficientModuli = primes
        self.polyDegree = polyDegree
        self.coefficientModulusBits = coefficientModulusBits
        self.scale = scale
    }

    /// Number of complex slots, N/2.
    public var slotCount: Int { polyDegree / 2 }
    /// The highest level, L: fresh ciphertexts have L + 1 data primes.
    public var maxLevel: Int { coefficientModuli.count - 2 }
    /// The data primes q_0 … q_L.
    public var dataModuli: [UInt64] { Array(coefficientModuli.dropLast()) }
    /// The special prime P.
    public var specialModulus: UInt64 { coefficientModuli.last! }
    /// log2(Q·P) rounded up per prime, as the security standard counts it.
    public var totalModulusBits: Int {
        coefficientModuli.reduce(0) { $0 + (UInt64.bitWidth - $1.leadingZeroBitCount) }
    }

    /// SHA-256 of the canonical encoding (N, primes, scale), truncated to 8 bytes: tags every
    /// serialized object so that data made under other parameters is refused.
    public var fingerprint: [UInt8] {
        var canonical = Data()
        canonical.append(contentsOf: withUnsafeBytes(of: UInt32(polyDegree).littleEndian, Array.init))
        for q in coefficientModuli { canonical.append(contentsOf: withUnsafeBytes(of: q.littleEndian, Array.init)) }
        canonical.append(contentsOf: withUnsafeBytes(of: scale.bitPattern.littleEndian, Array.init))
        return Array(SHA256.hash(data: canonical).prefix(8))
    }

    public var description: String {
        "CKKS(N=\(polyDegree), bits=\(coefficientModulusBits), scale=2^\(log2(scale)))"
    }
}
