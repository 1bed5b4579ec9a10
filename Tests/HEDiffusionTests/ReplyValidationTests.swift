import CKKS
import HEDiffusion
import StableDiffusion
import Tensor
import XCTest

/// The key holder refuses a reply that does not answer its request: every structural field forged
/// in turn. (An active evaluator could otherwise make it decrypt chosen ciphertexts and, in the
/// paper's protocol, re-send the raw decryptions: the IND-CPA-D setting.)
final class ReplyValidationTests: XCTestCase {
    private func honest(_ mode: PrivacyMode) throws -> (KeyHolder, KeyHolder.PendingUpdate, UpdateReply, UpdateRequest) {
        let (keyHolder, request, pending, _, _) = try MessageTests.request(mode)
        let evaluator = try UpdateEvaluator(parameters: MessageTests.parameters, latentShape: MessageTests.shape)
        return (keyHolder, pending, try evaluator.respond(to: request), request)
    }

    private func assertRefused(_ keyHolder: KeyHolder, _ pending: KeyHolder.PendingUpdate, _ reply: UpdateReply, _ what: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try keyHolder.complete(pending, with: reply), what, file: file, line: line) {
            XCTAssertTrue("\($0)".contains("reply refused"), "\(what): \($0)", file: file, line: line)
        }
    }

    func testTheHonestReplyIsAccepted() throws {
        for mode in [PrivacyMode.packed, .sparse, .paper] {
            let (keyHolder, pending, reply, _) = try honest(mode)
            XCTAssertNoThrow(try keyHolder.complete(pending, with: reply), "\(mode)")
        }
    }

    func testForgedRepliesAreRefused() throws {
        let (keyHolder, pending, reply, request) = try honest(.sparse)
        let context = keyHolder.context
        let evaluator = Evaluator(context: context)
        let latent = reply.latent
        func forged(indices: [UInt32]? = nil, valuesPerCiphertext: Int? = nil, ciphertexts: [Ciphertext]? = nil,
                    stepIndex: Int? = nil, remainder: Tensor? = nil) throws -> UpdateReply {
            let tensor = try SparseEncryptedTensor(
                shape: latent.shape, indices: indices ?? latent.indices, valuesPerCiphertext: valuesPerCiphertext ?? latent.valuesPerCiphertext,
                ciphertexts: ciphertexts ?? latent.ciphertexts)
            return try UpdateReply(stepIndex: stepIndex ?? reply.stepIndex, latent: tensor, remainder: remainder)
        }
        assertRefused(keyHolder, pending, try forged(stepIndex: reply.stepIndex + 1), "step index")
        // Other coordinates (one point moved), same count.
        let selected = Set(latent.indices)
        let unselected = try XCTUnwrap((0..<UInt32(latent.shape.reduce(1, *))).first { !selected.contains($0) })
        let moved = (Array(latent.indices.dropFirst()) + [unselected]).sorted()
        assertRefused(keyHolder, pending, try forged(indices: moved), "coordinates")
        // A smaller packing needs more ciphertexts: the count and the packing both differ.
        let half = latent.valuesPerCiphertext / 2
        let split = try SparseEncryptedTensor.encrypting(
            Tensor(zeros: latent.shape), at: latent.indices, valuesPerCiphertext: half,
            encryptor: Encryptor(secretKey: KeyGenerator(context: context).generateSecretKey()), level: keyHolder.updateLevel)
        assertRefused(keyHolder, pending, try UpdateReply(stepIndex: reply.stepIndex, latent: split, remainder: nil), "packing")
        // The wrong level: the request's own fresh ciphertexts (level unchanged, scale Δ).
        assertRefused(keyHolder, pending, try forged(ciphertexts: request.latent.ciphertexts), "scale Δ instead of Δ·2^k")
        if context.maxLevel > keyHolder.updateLevel {
            let higher = try Encryptor(secretKey: KeyGenerator(context: context).generateSecretKey())
                .encrypt([0], scale: keyHolder.productScale, level: keyHolder.updateLevel + 1)
            assertRefused(keyHolder, pending, try forged(ciphertexts: [higher] + latent.ciphertexts.dropFirst()), "level")
        }
        // A relabelled scale.
        let rescaled = try latent.ciphertexts.map { try evaluator.multiply($0, integer: 1) }.map { c -> Ciphertext in
            try evaluator.setScale(c, to: c.scale * (1 + 0x1p-30))
        }
        assertRefused(keyHolder, pending, try forged(ciphertexts: rescaled), "scale")
        // A three-polynomial ciphertext (an unrelinearized product).
        let squared = try latent.ciphertexts.map { try evaluator.multiplyWithoutRelinearization($0, $0) }
        assertRefused(keyHolder, pending, try forged(ciphertexts: squared), "size")
        // A plaintext remainder that was never sent (hardened modes re-release nothing).
        assertRefused(keyHolder, pending, try forged(remainder: Tensor(zeros: latent.shape)), "unsolicited remainder")
        // The paper's reply without its remainder.
        let (paperHolder, paperPending, paperReply, _) = try honest(.paper)
        assertRefused(paperHolder, paperPending, try UpdateReply(stepIndex: paperReply.stepIndex, latent: paperReply.latent, remainder: nil),
                      "missing remainder")
    }

    func testRepliesOfAnotherShapeOrParameterSetDoNotParse() throws {
        let (keyHolder, _, reply, _) = try honest(.packed)
        let bytes = reply.serialized(context: keyHolder.context)
        XCTAssertThrowsError(try UpdateReply(deserializing: bytes, context: keyHolder.context, expectedShape: [1, 4, 8, 9]))
        let other = try CKKSContext(parameters: CKKSParameters.Preset.paperReference.parameters)
        XCTAssertThrowsError(try UpdateReply(deserializing: bytes, context: other, expectedShape: MessageTests.shape))
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            XCTAssertThrowsError(try UpdateReply(deserializing: Array(bytes.prefix(cut)), context: keyHolder.context, expectedShape: MessageTests.shape))
        }
    }

    /// Values beyond the parameters' headroom would wrap around the modulus: refused before encrypting.
    func testValuesBeyondTheHeadroomAreRefused() throws {
        let keyHolder = try KeyHolder(parameters: MessageTests.parameters, mode: .packed)
        var latent = Tensor(zeros: MessageTests.shape)
        latent.withUnsafeMutableBufferPointer { $0[5] = Float(SparseEncryptedTensor.valueBound) * 2 }
        let step = SchedulerStep(timestep: 1, latentCoefficient: 1, term: Tensor(zeros: MessageTests.shape))
        XCTAssertThrowsError(try keyHolder.request(step, latent: latent, selection: keyHolder.select(latent), stepIndex: 0)) {
            guard case HEDiffusionError.valueOutOfRange = $0 else { return XCTFail("\($0)") }
        }
        let inside = try Tensor(shape: MessageTests.shape, scalars: [Float](repeating: Float(SparseEncryptedTensor.valueBound) / 2, count: 256))
        let doubling = SchedulerStep(timestep: 1, latentCoefficient: 3, term: Tensor(zeros: MessageTests.shape))
        XCTAssertThrowsError(try keyHolder.request(doubling, latent: inside, selection: keyHolder.select(inside), stepIndex: 0),
                             "the updated latent would leave the range")
    }
}
