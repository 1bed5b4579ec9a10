import Foundation
import ModularArithmetic
import RingArithmetic

/// Encrypts plaintexts under a public key, or under the secret key (symmetric encryption, whose
/// c_1 is expanded from a 32-byte seed so that the ciphertext serializes at about half size).
public final class Encryptor: @unchecked Sendable {
    public let context: CKKSContext
    private enum Key {
        case publicKey(PublicKey)
        case secretKey(SecretKey)
    }
    private let key: Key
    private var generator = AESCTRGenerator.system()
    private let lock = NSLock()

    /// An encryptor for anyone holding the public key.
    public init(publicKey: PublicKey) {
        self.context = publicKey.context
        self.key = .publicKey(publicKey)
    }

    /// A symmetric encryptor for the secret-key holder.
    public init(secretKey: SecretKey) {
        self.context = secretKey.context
        self.key = .secretKey(secretKey)
    }

    /// The standard deviation of one centered-binomial error coefficient.
    static let errorDeviation = (Double(Sampling.binomialEta) / 2).squareRoot()

    /// Encrypts a plaintext at its level and scale.
    public func encrypt(_ plaintext: Plaintext) throws(CKKSError) -> Ciphertext {
        guard plaintext.context.isCompatible(with: context) else { throw .contextMismatch }
        var result = encryptZero(level: plaintext.level, message: nil)
        result.polynomials[0].add(plaintext.polynomial)
        result.scale = plaintext.scale
        return result
    }

    /// Encodes and encrypts real values at `level` (default: top) and `scale` (default: Δ).
    /// The encoding stays in coefficient form so that the error is added before a single NTT.
    public func encrypt(_ values: [Double], scale: Double? = nil, level: Int? = nil) throws(CKKSError) -> Ciphertext {
        let (message, scale) = try Encoder(context: context).encodeCoefficients(values.map { Complex($0) }, scale: scale, level: level)
        var result = encryptZero(level: message.limbCount - 1, message: message)
        result.scale = scale
        return result
    }

    /// Draws from the shared CSPRNG: the only step of an encryption that must not run
    /// concurrently, so that encryptions on several threads share the rest of the work.
    private func draw<T>(_ body: (inout AESCTRGenerator) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&generator)
    }

    /// `coefficients` (a centered-binomial error) plus `message`, transformed in place.
    private func errorPolynomial(_ coefficients: [Int8], basis: RNSBasis, message: RNSPolynomial<Coefficient>? = nil) -> RNSPolynomial<Evaluation> {
        var e = Sampling.embed(coefficients, basis: basis)
        if let message { e.add(message) }
        return (consume e).forwardNTT()
    }

    /// An encryption of `message` (zero when nil) at `level`, scale 1. Safe to call from several
    /// threads: only the draws from the CSPRNG are serialized.
    func encryptZero(level: Int, message: RNSPolynomial<Coefficient>?) -> Ciphertext {
        let basis = context.basis(atLevel: level)
        let degree = basis.degree
        let n = Double(context.parameters.polyDegree)
        switch key {
        case .secretKey(let secretKey):
            let seed = RandomSeed.system()
            let error = draw { Sampling.centeredBinomial(degree: degree, using: &$0) }
            let a = Encryptor.expandUniform(seed: seed, basis: basis)
            // c_0 = e + m − a·s, computed as −(a·s − (e + m)).
            var c0 = errorPolynomial(error, basis: basis, message: message)
            c0.negate()
            secretKey.multiplyAdd(a, into: &c0)
            c0.negate()
            return Ciphertext(context: context, polynomials: [c0, a], scale: 1, seed: seed,
                              noiseEstimate: Encryptor.errorDeviation)
        case .publicKey(let publicKey):
            let (ternary, e0, e1) = draw { generator in
                (Sampling.ternary(degree: degree, using: &generator),
                 Sampling.centeredBinomial(degree: degree, using: &generator),
                 Sampling.centeredBinomial(degree: degree, using: &generator))
            }
            let u = Sampling.embed(ternary, basis: basis).forwardNTT()
            let indices = Array(0...level)
            var c0 = publicKey.b.selectingLimbs(indices)
            var c1 = publicKey.a.selectingLimbs(indices)
            c0.multiply(u)
            c1.multiply(u)
            c0.add(errorPolynomial(e0, basis: basis, message: message))
            c1.add(errorPolynomial(e1, basis: basis))
            let deviation = Encryptor.errorDeviation * (4 * n / 3 + 1).squareRoot()
            return Ciphertext(context: context, polynomials: [c0, c1], scale: 1, noiseEstimate: deviation)
        }
    }

    /// The uniform polynomial c_1 of a seeded symmetric ciphertext.
    static func expandUniform(seed: RandomSeed, basis: RNSBasis) -> RNSPolynomial<Evaluation> {
        var expander = AESCTRGenerator(seed: seed, stream: 1)
        return Sampling.uniform(basis: basis, form: Evaluation.self, using: &expander)
    }
}
