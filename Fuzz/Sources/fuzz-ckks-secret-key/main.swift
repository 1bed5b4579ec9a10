import CKKS
import FuzzSupport

/// `SecretKey(deserializing:context:)`; an accepted key re-serializes to the input and decrypts a
/// ciphertext, as a key holder restoring its key would.
struct SecretKeyTarget: FuzzTarget {
    let fixtures: CKKSFixtures

    init() throws { fixtures = try CKKSFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        guard let key = try? SecretKey(deserializing: bytes, context: fixtures.context) else { return }
        FuzzCheck.roundTrip(key.serialized(), bytes, "secret key")
        _ = try? Decryptor(secretKey: key).decryptValues(fixtures.ciphertext)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let fixtures = try CKKSFixtures()
        let other = KeyGenerator(context: fixtures.context).generateSecretKey()
        return [("secret-key-1", fixtures.secretKey.serialized()), ("secret-key-2", other.serialized())]
    }
}

FuzzMain.run(SecretKeyTarget.self)
