import CKKS
import FuzzSupport

/// `PublicKey(deserializing:context:)`; an accepted key re-serializes to the input and encrypts, as
/// a party receiving it would.
struct PublicKeyTarget: FuzzTarget {
    let fixtures: CKKSFixtures

    init() throws { fixtures = try CKKSFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        guard let key = try? PublicKey(deserializing: bytes, context: fixtures.context) else { return }
        FuzzCheck.roundTrip(key.serialized(), bytes, "public key")
        _ = try? Encryptor(publicKey: key).encrypt([1, -2, 3.5])
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        [("public-key", try CKKSFixtures().publicKey.serialized())]
    }
}

FuzzMain.run(PublicKeyTarget.self)
