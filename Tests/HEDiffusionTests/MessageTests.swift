import CKKS
import HEDiffusion
import StableDiffusion
import Tensor
import XCTest

/// Update requests and replies: round trips in every mode, and rejection of malformed or
/// mismatched messages.
final class MessageTests: XCTestCase {
    static let shape = [1, 4, 8, 8]
    static let parameters = CKKSParameters.Preset.update.parameters

    /// A key holder's request for one PLMS step on a seeded latent, and what it needs to check the reply.
    static func request(_ mode: PrivacyMode, threshold: Double = 0.01) throws -> (KeyHolder, UpdateRequest, KeyHolder.PendingUpdate, Tensor, SchedulerStep) {
        let keyHolder = try KeyHolder(parameters: parameters, mode: mode, threshold: threshold)
        var generator = TorchRandomGenerator(seed: 1)
        let latent = try generator.randn(shape: shape)
        var scheduler = try PNDMScheduler(configuration: .stableDiffusionV1, stepCount: 10)
        let step = try scheduler.step(modelOutput: generator.randn(shape: shape))
        let (request, pending) = try keyHolder.request(step, latent: latent, selection: keyHolder.select(latent), stepIndex: 3)
        return (keyHolder, request, pending, latent, step)
    }

    func testEveryModeRoundTripsAndUpdatesTheLatent() throws {
        for mode in [PrivacyMode.packed, .sparse, .elementwise, .paper] {
            let (keyHolder, request, pending, latent, step) = try Self.request(mode)
            let evaluator = try UpdateEvaluator(parameters: Self.parameters, latentShape: Self.shape)
            let bytes = request.serialized(context: keyHolder.context)
            let received = try UpdateRequest(deserializing: bytes, context: evaluator.context, expectedShape: Self.shape)
            XCTAssertEqual(received.stepIndex, 3)
            XCTAssertEqual(received.latentCoefficient, step.latentCoefficient)
            XCTAssertEqual(received.latent.indices, request.latent.indices)
            XCTAssertEqual(received.latent.ciphertexts, request.latent.ciphertexts)
            XCTAssertEqual(received.serialized(context: evaluator.context), bytes, "\(mode): re-serialization is byte-identical")
            switch received.term {
            case .encrypted: XCTAssertNotEqual(mode, .paper, "only the paper's protocol sends the term in plaintext")
            case .plaintext(let term, let remainder):
                XCTAssertEqual(mode, .paper)
                XCTAssertEqual(term, step.term)
                let encrypted = Set(request.latent.indices)
                for i in 0..<latent.scalars.count where !encrypted.contains(UInt32(i)) {
                    XCTAssertEqual(remainder.scalars[i], latent.scalars[i])
                }
            }
            let replyBytes = try evaluator.respond(to: bytes)
            let reply = try UpdateReply(deserializing: replyBytes, context: keyHolder.context, expectedShape: Self.shape)
            XCTAssertEqual(reply.remainder != nil, mode == .paper, "\(mode)")
            let result = try keyHolder.complete(pending, with: reply)
            let expected = try step.apply(to: latent)
            let error = zip(result.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThanOrEqual(Double(error), EncryptedUpdateTests.bound(Self.parameters, a: step.latentCoefficient, magnitude: 5), "\(mode)")
        }
    }

    /// Threshold 1 leaves every point unencrypted: a message with no ciphertexts, which must still
    /// carry the real fingerprint and round-trip.
    func testTheEmptySetMessageRoundTrips() throws {
        for mode in [PrivacyMode.sparse, .paper] {
            let (keyHolder, request, pending, latent, step) = try Self.request(mode, threshold: 1)
            XCTAssertTrue(request.latent.indices.isEmpty)
            let evaluator = try UpdateEvaluator(parameters: Self.parameters, latentShape: Self.shape)
            let replyBytes = try evaluator.respond(to: request.serialized(context: keyHolder.context))
            let reply = try UpdateReply(deserializing: replyBytes, context: keyHolder.context, expectedShape: Self.shape)
            let result = try keyHolder.complete(pending, with: reply)
            XCTAssertEqual(result, try step.apply(to: latent), "\(mode): nothing encrypted, the update is exact")
        }
    }

    func testMalformedAndMismatchedRequestsAreRejected() throws {
        let (keyHolder, request, _, _, _) = try Self.request(.paper)
        let bytes = request.serialized(context: keyHolder.context)
        let evaluator = try UpdateEvaluator(parameters: Self.parameters, latentShape: Self.shape)
        let other = try UpdateEvaluator(parameters: CKKSParameters.Preset.paperReference.parameters, latentShape: Self.shape)
        XCTAssertThrowsError(try other.respond(to: bytes)) { XCTAssertTrue("\($0)".contains("other CKKS parameters"), "\($0)") }
        let otherShape = try UpdateEvaluator(parameters: Self.parameters, latentShape: [1, 4, 8, 16])
        XCTAssertThrowsError(try otherShape.respond(to: bytes)) { XCTAssertTrue("\($0)".contains("session's latent"), "\($0)") }
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            XCTAssertThrowsError(try evaluator.respond(to: Array(bytes.prefix(cut))), "truncated at \(cut)")
        }
        XCTAssertThrowsError(try evaluator.respond(to: bytes + [0]))
        // Every flip of the magic, version, fingerprint (bytes 0–13), rank and extents (18–34),
        // flags and values per ciphertext (43–47) must be rejected; flips elsewhere (the step
        // index, a_t, seeds, residues, remainder values) may yield another valid message but must
        // never crash.
        let headerBits = Array(0..<14 * 8) + Array(18 * 8..<35 * 8) + Array(43 * 8..<48 * 8)
        for bit in headerBits {
            var flipped = bytes
            flipped[bit / 8] ^= 1 << (bit % 8)
            XCTAssertThrowsError(try evaluator.respond(to: flipped), "header bit \(bit)")
        }
        var generator = TorchRandomGenerator(seed: 77)
        for _ in 0..<300 {
            var flipped = bytes
            let bit = Int(generator.nextUInt32() % UInt32(bytes.count * 8))
            flipped[bit / 8] ^= 1 << (bit % 8)
            _ = try? evaluator.respond(to: flipped)
        }
    }

    /// A short message announcing a huge count is refused before anything is allocated for it:
    /// shapes are bounded by the session's latent, counts by the bytes that remain.
    func testAShortMessageWithAHugeCountIsRefusedWithoutAllocating() throws {
        let (keyHolder, request, _, _, _) = try Self.request(.packed)
        var bytes = request.serialized(context: keyHolder.context)
        // The header up to the extents: magic 4, version 2, fingerprint 8, step 4, rank 1 = 19.
        for (offset, value) in [(19, UInt32(1 << 30)), (23, UInt32(1 << 30))] {
            var huge = bytes
            withUnsafeBytes(of: value.littleEndian) { for i in 0..<4 { huge[offset + i] = $0[i] } }
            XCTAssertThrowsError(try UpdateRequest(deserializing: Array(huge.prefix(64)), context: keyHolder.context, expectedShape: Self.shape))
        }
        // A ciphertext count of 2^32 − 1 right after a valid bitmap.
        let countOffset = 19 + 16 + 8 + 1 + 4 + (Self.shape.reduce(1, *) + 7) / 8
        for i in 0..<4 { bytes[countOffset + i] = 0xFF }
        XCTAssertThrowsError(try UpdateRequest(deserializing: bytes, context: keyHolder.context, expectedShape: Self.shape)) {
            XCTAssertTrue("\($0)".contains("ciphertexts"), "\($0)")
        }
    }
}
