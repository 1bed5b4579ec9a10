import Crypto
import _CryptoExtras
@_spi(Testing) import RingArithmetic
import XCTest
import _TestSupport

/// The CSPRNG against AES-256-CTR as published and as computed by OpenSSL, and its buffer hygiene.
final class AESCTRGeneratorTests: XCTestCase {
    /// NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt.
    static let nistKey = bytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")

    /// The AES-CTR primitive itself on the published vector (initial counter f0f1…feff).
    func testAESCTRPrimitiveMatchesNISTSP80038AF55() throws {
        let plaintext = Self.bytes("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
        let nonce = try AES._CTR.Nonce(nonceBytes: Self.bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"))
        let ciphertext = try AES._CTR.encrypt(plaintext, using: SymmetricKey(data: Self.nistKey), nonce: nonce)
        XCTAssertEqual(Array(ciphertext), Self.bytes("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
            + "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"))
    }

    /// The generator keyed with the F.5.5 key, its stream chosen so that the first counter block
    /// is f0f1f2f3f4f5f6f7 ‖ 00000000 ‖ 00000000 (stream u64 LE ‖ chunk u32 LE ‖ block u32 BE).
    /// Expected keystream computed independently with OpenSSL 3 (AES-256-CTR over zero bytes):
    ///   K=603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4
    ///   head -c 65536 /dev/zero | openssl enc -aes-256-ctr -K $K -iv f0f1f2f3f4f5f6f70000000000000000 | xxd -p
    ///   head -c 32 /dev/zero | openssl enc -aes-256-ctr -K $K -iv f0f1f2f3f4f5f6f70100000000000000 | xxd -p
    /// (first 64 bytes, last 16 bytes of chunk 0; first 32 bytes of chunk 1; Python's
    /// `cryptography` 48.0 gives the same bytes).
    func testKeystreamMatchesOpenSSLInOurCounterLayout() throws {
        let seed = try XCTUnwrap(RandomSeed(bytes: Self.nistKey))
        var generator = AESCTRGenerator(seed: seed, stream: 0xF7F6_F5F4_F3F2_F1F0)
        var stream = [UInt8](repeating: 0, count: (1 << 16) + 32)
        stream.withUnsafeMutableBytes { generator.fill($0) }
        XCTAssertEqual(Array(stream[0..<64]), Self.bytes("b4b0374fbf3694c871e1d290c5ba13a7125f28bc6d2414dde799a2f216cf5f82"
            + "7aefdadd04ce861a9ef718138d77f35e0bf016af4a27816e13fd6ced1d090a04"))
        XCTAssertEqual(Array(stream[((1 << 16) - 16)..<(1 << 16)]), Self.bytes("e1ad80abb85263f0523e3e41abb4d98b"))
        XCTAssertEqual(Array(stream[(1 << 16)...]), Self.bytes("81c5b3227162836b2e8a94a4be4701ca831a5c704a62a0ace7af2225b594ae56"))
        // next() reads the same stream, little-endian.
        var words = AESCTRGenerator(seed: seed, stream: 0xF7F6_F5F4_F3F2_F1F0)
        XCTAssertEqual(words.next(), 0xC894_36BF_4F37_B0B4)
    }

    /// A copy continues the stream exactly as the original does, across refills of either.
    func testACopyDrawsWhatItsOriginalDraws() {
        var original = AESCTRGenerator(seed: RandomSeed(bytes: [UInt8](repeating: 7, count: 32))!)
        _ = original.next()
        var copy = original
        var a = [UInt8](repeating: 0, count: 3 << 16), b = a
        a.withUnsafeMutableBytes { original.fill($0) }
        b.withUnsafeMutableBytes { copy.fill($0) }
        XCTAssertEqual(a, b)
    }

    /// Every keystream buffer is zeroed when released, and no copy of a chunk outlives its use.
    func testKeystreamIsZeroedWhenReleased() {
        let log = WipeLog()
        SecureZero.observing(log.record) {
            var generator = AESCTRGenerator.system()
            var sink = [UInt8](repeating: 0, count: (1 << 16) + 8)
            sink.withUnsafeMutableBytes { generator.fill($0) }
        }
        XCTAssertEqual(log.count("AES-CTR keystream"), 1, "the generator's buffer, once, on release")
        XCTAssertEqual(log.count("AES-CTR chunk"), 2, "each chunk's temporary copy")
        XCTAssertTrue(log.allZero)
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }
}
