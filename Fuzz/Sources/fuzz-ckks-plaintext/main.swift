import CKKS
import FuzzSupport

/// `Plaintext(deserializing:context:)`; an accepted plaintext re-serializes to the input, decodes,
/// and is added to and multiplied with a ciphertext, as an evaluator would.
struct PlaintextTarget: FuzzTarget {
    let fixtures: CKKSFixtures

    init() throws { fixtures = try CKKSFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        guard let plaintext = try? Plaintext(deserializing: bytes, context: fixtures.context) else { return }
        FuzzCheck.roundTrip(plaintext.serialized(), bytes, "plaintext")
        _ = Encoder(context: fixtures.context).decode(plaintext)
        let evaluator = Evaluator(context: fixtures.context)
        _ = try? evaluator.add(fixtures.ciphertext, plaintext)
        _ = try? evaluator.multiply(fixtures.seededCiphertext, plaintext)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        try CKKSFixtures().plaintexts.enumerated().map { ("plaintext-\($0.offset)", $0.element.serialized()) }
    }
}

FuzzMain.run(PlaintextTarget.self)
