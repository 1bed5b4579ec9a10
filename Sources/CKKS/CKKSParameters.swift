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

    /// A parameter set that skips the security check. For tests and experiments only: the name
    /// says so at every call site.
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
        let specialBits = coefficientModulusBits.last!
        guard coefficientModulusBits.dropLast().allSatisfy({ $0 <= specialBits }) else {
            throw .invalidParameters("the special prime (last) must be at least as large as every data prime")
        }
        guard log2(scale) < Double(coefficientModulusBits.dropLast().reduce(0, +) - 1) else {
            throw .invalidParameters("scale 2^\(log2(scale)) leaves no room below the data modulus (\(coefficientModulusBits.dropLast().reduce(0, +)) bits)")
        }
        do {
            self.coefficientModuli = try Primes.nttFriendly(bitSizes: coefficientModulusBits, polyDegree: polyDegree)
        } catch {
            throw .invalidParameters(error.description)
        }
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

extension CKKSParameters {
    /// The HE-Diffusion paper's reference set (TenSEAL): N = 8192, primes [31, 26×6, 31], Δ = 2^26.
    /// Six data levels below the top; 218 bits in total, exactly the 128-bit bound.
    public static let n8192_q31_26x6_31_scale26 = preset(polyDegree: 8192, bits: [31, 26, 26, 26, 26, 26, 26, 31], scale: 0x1p26)

    /// A set tailored to the depth-1 encrypted denoising update x' = a·x + b.
    ///
    /// N = 4096 (2048 slots) with primes [38, 33 | 38], Δ = 2^30: the latent is encrypted at
    /// level 1, multiplied by the scalar a encoded at scale q_1 and rescaled, which returns the
    /// scale to exactly Δ; the plaintext term is added at level 0. q_0 ≈ 2^38 leaves 2^7 of
    /// headroom for |x'| (SD latents stay within a few units) and Δ = 2^30 gives about 20 bits of
    /// precision after the error of encryption and rescaling. 109 bits: the 128-bit bound at N = 4096.
    public static let n4096_q38_33_38_scale30 = preset(polyDegree: 4096, bits: [38, 33, 38], scale: 0x1p30)

    /// A single-prime set for one product by plaintext scalars or vectors without rescaling, such
    /// as the denoising update x′ = a·x + b.
    ///
    /// N = 4096 with one 54-bit data prime and a 55-bit special prime (109 bits, the 128-bit
    /// bound), Δ = 2^28: a factor encoded at 2^18 takes the product to 2^46, leaving 2^7 of
    /// headroom for |x′| below the prime. Every ciphertext has a single limb, so encryption,
    /// the update and decryption each cost one NTT per polynomial.
    public static let n4096_q54_55_scale28 = preset(polyDegree: 4096, bits: [54, 55], scale: 0x1p28)

    /// A built-in preset; each is validated by the security tests, so a failure here is a
    /// programming error in this file.
    private static func preset(polyDegree: Int, bits: [Int], scale: Double) -> CKKSParameters {
        do {
            return try CKKSParameters(polyDegree: polyDegree, coefficientModulusBits: bits, scale: scale)
        } catch {
            fatalError("built-in CKKS preset N=\(polyDegree) \(bits) is invalid: \(error)")
        }
    }
}
