@_spi(Testing) import CKKS
import Foundation
@_spi(Testing) import RingArithmetic
import XCTest
import _TestSupport

/// Secret material is zeroed once used and never shown: the observer of `SecureZero` sees each
/// secret buffer wiped (and all zero), and descriptions and reflections show none of it.
final class SecretHygieneTests: XCTestCase {
    private static let parameters = Result {
        try CKKSParameters.insecureForTests(polyDegree: 1024, coefficientModulusBits: [40, 40, 50], scale: 0x1p25)
    }

    /// The labels wiped while `body` runs, checking that every wiped buffer was all zero.
    private func wipes(_ body: () throws -> Void) rethrows -> WipeLog {
        let log = WipeLog()
        try SecureZero.observing(log.record, during: body)
        XCTAssertTrue(log.allZero, "a wiped buffer still held nonzero bytes")
        return log
    }

    func testKeyGenerationWipesWhatDeterminesTheKeys() throws {
        let context = try CKKSContext(parameters: Self.parameters.get())
        let generator = KeyGenerator(context: context)
        let secretKey = generator.generateSecretKey()
        let keyLog = wipes { _ = generator.generateSecretKey() }
        XCTAssertEqual(keyLog.count("ternary secret key"), 1)
        XCTAssertEqual(keyLog.count("ternary random bytes"), 1)
        XCTAssertGreaterThanOrEqual(keyLog.count("AES-CTR keystream"), 1, "the generator that drew the key")
        XCTAssertEqual(keyLog.count("secret key"), 1, "the key, released at once")
        XCTAssertEqual(keyLog.count("secret key restriction"), context.maxLevel + 1)

        let publicLog = try wipes { _ = try generator.generatePublicKey(for: secretKey) }
        XCTAssertEqual(publicLog.count("key error"), 1)
        XCTAssertEqual(publicLog.count("a·s"), 1)
        let relinearizationLog = try wipes { _ = try generator.generateRelinearizationKey(for: secretKey) }
        XCTAssertEqual(relinearizationLog.count("s²"), 1)
        XCTAssertEqual(relinearizationLog.count("key error"), context.maxLevel + 1, "one per key-switching digit")
        let galoisLog = try wipes { _ = try generator.generateGaloisKeys(for: secretKey, rotations: [1, 2], conjugation: true) }
        XCTAssertEqual(galoisLog.count("s(X^g)"), 3)
    }

    func testDecryptionWipesItsTemporaries() throws {
        let context = try CKKSContext(parameters: Self.parameters.get())
        let generator = KeyGenerator(context: context)
        let secretKey = generator.generateSecretKey()
        let encryptor = Encryptor(publicKey: try generator.generatePublicKey(for: secretKey))
        let decryptor = Decryptor(secretKey: secretKey)
        let ciphertext = try encryptor.encrypt([0.5, -0.25])
        let plainLog = try wipes { _ = try decryptor.decryptValues(ciphertext) }
        XCTAssertEqual(plainLog.count("raw decryption"), 1)
        XCTAssertEqual(plainLog.count("decoded coefficients"), 2, "the coefficient-form copy and its values")
        let sharingLog = try wipes { _ = try decryptor.decryptForSharing(ciphertext) }
        XCTAssertEqual(sharingLog.count("raw decryption"), 1)
        let product = try Evaluator(context: context).multiplyWithoutRelinearization(ciphertext, ciphertext)
        let squareLog = try wipes { _ = try decryptor.decrypt(product) }
        XCTAssertEqual(squareLog.count("s²"), 1)
    }

    func testSecretsStayOutOfDescriptionsAndReflection() throws {
        let context = try CKKSContext(parameters: Self.parameters.get())
        let secretKey = KeyGenerator(context: context).generateSecretKey()
        var dumped = ""
        dump(secretKey, to: &dumped)
        // A reflected key would list its 3·1024 residues; the redacted one is a line.
        XCTAssertLessThan(dumped.count, 200, dumped)
        XCTAssertFalse(String(describing: secretKey).contains("["), String(describing: secretKey))

        let seedBytes = [UInt8](repeating: 0xA5, count: 32)
        let seed = try XCTUnwrap(RandomSeed(bytes: seedBytes))
        var seedText = ""
        dump(seed, to: &seedText)
        XCTAssertFalse(seedText.contains("165"), seedText)
        XCTAssertFalse(String(describing: seed).contains("165"))

        var generator = AESCTRGenerator(seed: seed)
        let first = generator.next()
        var generatorText = ""
        dump(generator, to: &generatorText)
        XCTAssertLessThan(generatorText.count, 200, "the 64 KiB keystream buffer must not be reflected")
        XCTAssertFalse(generatorText.contains(String(generator.next())))
        XCTAssertNotEqual(first, 0)
    }
}
