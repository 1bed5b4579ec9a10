import CKKS
import FuzzSupport

/// `GaloisKeys(deserializing:context:)`; accepted keys re-serialize to the input and rotate and
/// conjugate, as an evaluator receiving them would (operations without a key throw).
struct GaloisKeysTarget: FuzzTarget {
    let fixtures: CKKSFixtures

    init() throws { fixtures = try CKKSFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        guard let keys = try? GaloisKeys(deserializing: bytes, context: fixtures.context) else { return }
        FuzzCheck.roundTrip(keys.serialized(context: fixtures.context), bytes, "Galois keys")
        let evaluator = Evaluator(context: fixtures.context, galoisKeys: keys)
        _ = try? evaluator.rotate(fixtures.ciphertext, by: 1)
        _ = try? evaluator.conjugate(fixtures.seededCiphertext)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let fixtures = try CKKSFixtures()
        let keys = KeyGenerator(context: fixtures.context)
        return [
            ("galois-keys-rotations-conjugation", fixtures.galoisKeys.serialized(context: fixtures.context)),
            ("galois-keys-one", try keys.generateGaloisKeys(for: fixtures.secretKey, rotations: [1]).serialized(context: fixtures.context)),
            ("galois-keys-none", try keys.generateGaloisKeys(for: fixtures.secretKey, rotations: []).serialized(context: fixtures.context)),
        ]
    }
}

FuzzMain.run(GaloisKeysTarget.self)
