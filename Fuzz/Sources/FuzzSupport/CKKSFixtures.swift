import CKKS

/// Keys and ciphertexts under `FuzzParameters.objects`, made fresh in each process: the objects that
/// seed the CKKS targets, and the operands a target uses to do with a deserialized object what an
/// application would (decrypt with a key read, relinearize with a key read, …).
public final class CKKSFixtures {
    public let context: CKKSContext
    public let secretKey: SecretKey
    public let publicKey: PublicKey
    public let relinearizationKey: RelinearizationKey
    /// Rotations by 1 and 2 and conjugation.
    public let galoisKeys: GaloisKeys
    /// Encrypted under the public key at the top level: full form.
    public let ciphertext: Ciphertext
    /// Encrypted under the secret key at level 0: seeded form.
    public let seededCiphertext: Ciphertext
    /// The unrelinearized square of `ciphertext`: three polynomials.
    public let productCiphertext: Ciphertext
    /// Encoded at the top level and at level 0.
    public let plaintexts: [Plaintext]

    public init() throws {
        context = try CKKSContext(parameters: FuzzParameters.objects)
        let keys = KeyGenerator(context: context)
        secretKey = keys.generateSecretKey()
        publicKey = try keys.generatePublicKey(for: secretKey)
        relinearizationKey = try keys.generateRelinearizationKey(for: secretKey)
        galoisKeys = try keys.generateGaloisKeys(for: secretKey, rotations: [1, 2], conjugation: true)
        let values = (0..<context.slotCount).map { Double($0) / 8 - 1 }
        ciphertext = try Encryptor(publicKey: publicKey).encrypt(values)
        seededCiphertext = try Encryptor(secretKey: secretKey).encrypt(values, level: 0)
        productCiphertext = try Evaluator(context: context).multiplyWithoutRelinearization(ciphertext, ciphertext)
        let encoder = Encoder(context: context)
        plaintexts = [try encoder.encode(values), try encoder.encode(values, level: 0)]
    }
}
