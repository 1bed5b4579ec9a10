import CKKS
import FuzzSupport
import HEDiffusion

/// The key holder's side of an update: `UpdateReply(deserializing:context:expectedShape:)`. An
/// accepted reply re-serializes to the input, and the key holder checks it against its pending
/// request, decrypts and merges it (`KeyHolder.complete`), as a private generation does each step.
struct UpdateReplyTarget: FuzzTarget {
    let fixtures: MessageFixtures

    init() throws { fixtures = try MessageFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        let context = fixtures.evaluator.context
        guard let reply = try? UpdateReply(deserializing: bytes, context: context, expectedShape: FuzzParameters.latentShape)
        else { return }
        FuzzCheck.roundTrip(reply.serialized(context: context), bytes, "update reply")
        let exchange = fixtures.exchange(answeredBy: reply)
        _ = try? exchange.keyHolder.complete(exchange.pending, with: reply)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let fixtures = try MessageFixtures()
        return try fixtures.exchanges.map {
            ("reply-\($0.mode.rawValue)", try fixtures.evaluator.respond(to: $0.request).serialized(context: fixtures.evaluator.context))
        }
    }
}

FuzzMain.run(UpdateReplyTarget.self)
