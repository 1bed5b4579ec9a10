import CKKS
import HEDiffusion
import StableDiffusion
import Tensor
import XCTest

/// Encrypted-latent messages: round trips, and rejection of malformed or mismatched ones.
final class MessageTests: XCTestCase {
    private func message() throws -> (KeyHolder, EncryptedLatent, Tensor) {
        let keyHolder = try KeyHolder(parameters: HEParameterPreset.tailored.parameters, mode: .sparse)
        var generator = TorchRandomGenerator(seed: 1)
        let latent = try generator.randn(shape: [1, 4, 8, 8])
        return (keyHolder, try keyHolder.encrypt(latent, selection: keyHolder.select(latent)), latent)
    }

    func testRoundTripPreservesTheLatent() throws {
        let (keyHolder, encrypted, latent) = try message()
        let evaluator = try UpdateEvaluator(parameters: keyHolder.evaluatorParameters)
        let received = try evaluator.receive(encrypted.serialized())
        XCTAssertEqual(received.encrypted.indices, encrypted.encrypted.indices)
        XCTAssertEqual(received.encrypted.ciphertexts, encrypted.encrypted.ciphertexts)
        XCTAssertEqual(received.remainder, encrypted.remainder)
        let decrypted = try keyHolder.decrypt(received)
        XCTAssertLessThan(zip(decrypted.scalars, latent.scalars).map { abs($0 - $1) }.max()!, 1e-5)
    }

    func testMalformedAndMismatchedMessagesAreRejected() throws {
        let (_, encrypted, _) = try message()
        let bytes = encrypted.serialized()
        let evaluator = try UpdateEvaluator(parameters: HEParameterPreset.tailored.parameters)
        let other = try UpdateEvaluator(parameters: HEParameterPreset.reference.parameters)
        XCTAssertThrowsError(try other.receive(bytes)) { XCTAssertTrue("\($0)".contains("other CKKS parameters"), "\($0)") }
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            XCTAssertThrowsError(try evaluator.receive(Array(bytes.prefix(cut))), "truncated at \(cut)")
        }
        XCTAssertThrowsError(try evaluator.receive(bytes + [0]))
        // Every flip in the header (magic, version, fingerprint, rank, extents, values per
        // ciphertext: the first 35 bytes) must be rejected; flips elsewhere (seeds, residues,
        // remainder values) may yield another valid message but must never crash.
        var generator = SystemRandomNumberGenerator()
        for bit in 0..<(35 * 8) {
            var flipped = bytes
            flipped[bit / 8] ^= 1 << (bit % 8)
            XCTAssertThrowsError(try evaluator.receive(flipped), "header bit \(bit)")
        }
        for _ in 0..<300 {
            var flipped = bytes
            let bit = Int.random(in: 0..<(bytes.count * 8), using: &generator)
            flipped[bit / 8] ^= 1 << (bit % 8)
            // A payload bit may still decode to valid values; what must not happen is a crash.
            _ = try? evaluator.receive(flipped)
        }
        // A term of the wrong shape is refused by the update.
        XCTAssertThrowsError(try encrypted.adding(Tensor(zeros: [1, 4, 8, 9])))
    }
}
