@_spi(Testing) import CKKS
import Foundation
import RingArithmetic

extension ConstantTimeTest {
    /// The operations `operations(parameters:)` builds, in report order. The last is a
    /// deliberately leaky reference that shows the test can fail.
    public static let operationNames = [
        "decrypt", "relinearize", "rotate", "sample_ternary", "sample_binomial", "sample_flooding", "reference_leaky_compare",
    ]

    /// The secret-dependent operations of the library at one parameter set, with one fixed and
    /// one random class each (see `classes` of each), plus the leaky reference.
    ///
    /// - decrypt: decryption and decoding (c_0 + c_1·s, inverse NTT, CRT composition, rounding).
    ///   The fixed message has the largest magnitude the modulus allows (up to 2^48, coefficients
    ///   above 2^63 when Q has room: the corner where a variable-time CRT takes its multi-word
    ///   path); random messages have magnitudes 2^u, u uniform, most below it.
    /// - relinearize, rotate: key switching's digit decomposition. The fixed input is the zero
    ///   ciphertext, whose digits all sit on one side of q_j/2 (a branch there would be perfectly
    ///   predicted); random inputs are fresh encryptions of random messages.
    /// - sample_*: the secret-key (ternary), encryption-error (centered binomial) and flooding
    ///   (Gaussian) samplers, on a fixed seed against fresh seeds.
    public static func operations(parameters: CKKSParameters, names: Set<String>? = nil) throws -> [Operation] {
        let context = try CKKSContext(parameters: parameters)
        let keys = KeyGenerator(context: context)
        let secretKey = keys.generateSecretKey()
        let evaluator = Evaluator(
            context: context,
            relinearizationKey: try keys.generateRelinearizationKey(for: secretKey),
            galoisKeys: try keys.generateGaloisKeys(for: secretKey, rotations: [1]))
        let encryptor = Encryptor(secretKey: secretKey)
        let decryptor = Decryptor(secretKey: secretKey)
        var generator = AESCTRGenerator.system()
        let slots = context.slotCount
        let degree = parameters.polyDegree
        // Messages up to 2^top keep the encoded coefficients (at most Δ·max|value|) below Q/4.
        let logQ = context.dataBasis.moduli.reduce(0.0) { $0 + Double($1.bitWidth) }
        let top = min(48.0, (logQ - Double(parameters.scale.exponent) - 3).rounded(.down))
        func uniform() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
        func message(magnitude: Double) -> [Double] { (0..<slots).map { _ in (2 * uniform() - 1) * magnitude } }

        let fixedMessage = message(magnitude: exp2(top))
        let fixedCiphertext = try encryptor.encrypt(fixedMessage)
        let zero = try evaluator.multiply(fixedCiphertext, integer: 0)
        let fixedSeed = RandomSeed.system()
        // Both classes prepare alike (a fresh random input is made for either, and the fixed
        // class then uses its fixed one), so that the work before the timed call — which leaves
        // keys, tables and the allocator in different states — does not differ by class.
        /// A ciphertext of class c, rewritten into fresh memory (negated twice) so that neither
        /// class finds its input in cache more than the other.
        func ciphertext(_ c: Int, fixed: Ciphertext) throws -> Ciphertext {
            let random = try encryptor.encrypt(message(magnitude: exp2(top * uniform())))
            return try evaluator.negate(evaluator.negate(c == 0 ? fixed : random))
        }
        func generatorOfClass(_ c: Int) -> AESCTRGenerator {
            let random = RandomSeed.system()
            return AESCTRGenerator(seed: c == 0 ? fixedSeed : random, stream: 7)
        }

        var all: [Operation] = []
        all.append(Operation(name: "decrypt", classes: "fixed message of the largest magnitude (coefficients above 2^63 where Q allows) vs random messages of random magnitude") { c in
            let input = try ciphertext(c, fixed: fixedCiphertext)
            return { _ = try decryptor.decryptValues(input) }
        })
        all.append(Operation(name: "relinearize", classes: "zero ciphertext vs fresh encryptions (key switching of c_2)") { c in
            let factor = try ciphertext(c, fixed: zero)
            let input = try evaluator.multiplyWithoutRelinearization(factor, factor)
            return { _ = try evaluator.relinearize(input) }
        })
        all.append(Operation(name: "rotate", classes: "zero ciphertext vs fresh encryptions (key switching of c_1)") { c in
            let input = try ciphertext(c, fixed: zero)
            return { _ = try evaluator.rotate(input, by: 1) }
        })
        all.append(Operation(name: "sample_ternary", classes: "fixed seed vs fresh seeds (secret key: ternary, embedded in the key basis)") { c in
            var random = generatorOfClass(c)
            return { _ = Sampling.embed(Sampling.ternary(degree: degree, using: &random), basis: context.keyBasis) }
        })
        all.append(Operation(name: "sample_binomial", classes: "fixed seed vs fresh seeds (encryption error: centered binomial, embedded)") { c in
            var random = generatorOfClass(c)
            return { _ = Sampling.embed(Sampling.centeredBinomial(degree: degree, using: &random), basis: context.dataBasis) }
        })
        all.append(Operation(name: "sample_flooding", classes: "fixed seed vs fresh seeds (Gaussian flooding of decryptForSharing)") { c in
            var random = generatorOfClass(c)
            let input = try evaluator.negate(evaluator.negate(fixedCiphertext))
            return { _ = try decryptor.decryptForSharing(input, statisticalSecurityBits: 30, using: &random) }
        })
        all.append(leakyReference(wordCount: degree))
        return all.filter { names?.contains($0.name) ?? true }
    }
}
