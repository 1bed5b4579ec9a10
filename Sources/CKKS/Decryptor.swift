import Foundation
import ModularArithmetic
import RingArithmetic

/// Decrypts ciphertexts with the secret key.
///
/// `decrypt` is for the key holder's own use. Values that will be shown to anyone else must go
/// through `decryptForSharing`, which floods the decryption with fresh noise: raw CKKS
/// decryptions leak the error, from which IND-CPA-D attacks (Li–Micciancio 2021) recover the key.
public struct Decryptor: Sendable {
    public let context: CKKSContext
    private let secretKey: SecretKey

    public init(secretKey: SecretKey) {
        self.context = secretKey.context
        self.secretKey = secretKey
    }

    /// c_0 + c_1·s (+ c_2·s²) as a plaintext at the ciphertext's level and scale.
    public func decrypt(_ ciphertext: Ciphertext) throws(CKKSError) -> Plaintext {
        guard ciphertext.context.isCompatible(with: context) else { throw .contextMismatch }
        var result = ciphertext.polynomials[0]
        secretKey.multiplyAdd(ciphertext.polynomials[1], into: &result)
        if ciphertext.size == 3 {
            var square = secretKey.restricted(toLevel: ciphertext.level)
            square.multiply(square)
            result.multiplyAdd(ciphertext.polynomials[2], square)
            square.wipe("s²")
        }
        return Plaintext(context: context, polynomial: result, scale: ciphertext.scale)
    }

    /// Decrypts and decodes the real parts of all slots (key holder's own use). The raw
    /// decryption, which carries the error, is wiped once decoded.
    public func decryptValues(_ ciphertext: Ciphertext) throws(CKKSError) -> [Double] {
        var plaintext = try decrypt(ciphertext)
        defer { plaintext.polynomial.wipe("raw decryption") }
        return Encoder(context: context).decode(plaintext)
    }

    /// Decrypts and decodes with noise flooding, for values another party will see.
    ///
    /// Before decoding, every coefficient receives independent Gaussian noise of standard
    /// deviation σ_f = 2^(λ/2) · 6 · σ̂, where σ̂ is the ciphertext's tracked error estimate and
    /// λ the statistical security parameter (default 30): the output's distribution then hides
    /// the original error, so decryptions reveal nothing usable about s. The cost in precision is
    /// about λ/2 + log2(6·σ̂·√N) bits below the scale.
    public func decryptForSharing(_ ciphertext: Ciphertext, statisticalSecurityBits: Int = 30) throws(CKKSError) -> [Double] {
        var generator = AESCTRGenerator.system()
        return try decryptForSharing(ciphertext, statisticalSecurityBits: statisticalSecurityBits, using: &generator)
    }

    /// `decryptForSharing` with the flooding noise drawn from `generator`: for tests that need
    /// the draw to reproduce. A known generator makes the noise known, hence the SPI.
    @_spi(Testing)
    public func decryptForSharing(
        _ ciphertext: Ciphertext, statisticalSecurityBits: Int, using generator: inout AESCTRGenerator
    ) throws(CKKSError) -> [Double] {
        guard statisticalSecurityBits >= 0, statisticalSecurityBits <= 128 else {
            throw .invalidParameters("statistical security must be in 0...128 bits")
        }
        var polynomial = try decrypt(ciphertext).polynomial.inverseNTT()
        var coefficients = CRTComposer(basis: polynomial.basis).centeredValues(of: polynomial)
        polynomial.wipe("raw decryption")
        let deviation = Decryptor.floodingDeviation(noiseEstimate: ciphertext.noiseEstimate, statisticalSecurityBits: statisticalSecurityBits)
        for j in coefficients.indices {
            coefficients[j] += (deviation * Decryptor.standardNormal(using: &generator)).rounded()
        }
        return Encoder(context: context).decodeCoefficients(coefficients, scale: ciphertext.scale).map(\.real)
    }

    /// σ_f for a ciphertext error estimate σ̂.
    public static func floodingDeviation(noiseEstimate: Double, statisticalSecurityBits: Int) -> Double {
        Foundation.pow(2, Double(statisticalSecurityBits) / 2) * 6 * max(noiseEstimate, 1)
    }

    /// A standard normal sample (Box–Muller on 53-bit uniforms from the CSPRNG).
    private static func standardNormal(using generator: inout AESCTRGenerator) -> Double {
        let u1 = (Double(generator.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(generator.next() >> 11) * 0x1p-53
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
