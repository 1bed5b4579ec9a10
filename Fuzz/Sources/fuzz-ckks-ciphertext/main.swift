import CKKS
import FuzzSupport

/// `Ciphertext(deserializing:context:)` in both forms: full (two or three polynomials) and seeded
/// (a seed that re-expands c_1, and c_0). An accepted ciphertext re-serializes to the input, is
/// decrypted, and goes through the evaluator's common operations.
struct CiphertextTarget: FuzzTarget {
    let fixtures: CKKSFixtures
    let evaluator: Evaluator
    let decryptor: Decryptor

    init() throws {
        fixtures = try CKKSFixtures()
        evaluator = Evaluator(context: fixtures.context, relinearizationKey: fixtures.relinearizationKey)
        decryptor = Decryptor(secretKey: fixtures.secretKey)
    }

    func fuzz(_ bytes: [UInt8]) {
        guard let ciphertext = try? Ciphertext(deserializing: bytes, context: fixtures.context) else { return }
        FuzzCheck.roundTrip(ciphertext.serialized(), bytes, "ciphertext")
        _ = try? decryptor.decryptValues(ciphertext)
        _ = try? evaluator.add(ciphertext, fixtures.ciphertext)
        _ = try? evaluator.multiply(ciphertext, scalar: 0.5)
        _ = try? evaluator.relinearize(ciphertext)
        _ = try? evaluator.rescale(ciphertext)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let fixtures = try CKKSFixtures()
        return [
            ("ciphertext-full", fixtures.ciphertext.serialized()),
            ("ciphertext-seeded", fixtures.seededCiphertext.serialized()),
            ("ciphertext-product", fixtures.productCiphertext.serialized()),
        ]
    }
}

FuzzMain.run(CiphertextTarget.self)
