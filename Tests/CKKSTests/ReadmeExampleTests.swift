import CKKS
import XCTest

/// The README's usage example, compiled and run so that it cannot rot. Keep the two in sync.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        // README: begin
        let context = try CKKSContext(parameters: .n8192_q31_26x6_31_scale26)
        let keys = KeyGenerator(context: context)
        let secretKey = keys.generateSecretKey()
        let publicKey = try keys.generatePublicKey(for: secretKey)

        let encryptor = Encryptor(publicKey: publicKey)
        let x = try encryptor.encrypt([0.5, -1.25, 2.0])            // level 6, scale 2^26
        let bias = try Encoder(context: context).encode([1, 1, 1], level: 5)

        let evaluator = Evaluator(context: context)                   // holds no secret
        let y = try evaluator.rescale(x * 0.9) + bias                 // 0.9·x + 1 at level 5

        let values = try Decryptor(secretKey: secretKey).decryptValues(y)
        // values.prefix(3) ≈ [1.45, -0.125, 2.8]
        // README: end
        for (value, expected) in zip(values.prefix(3), [1.45, -0.125, 2.8]) {
            XCTAssertEqual(value, expected, accuracy: 1e-3)
        }
    }
}
