import CKKS
import FuzzSupport
import HEDiffusion

/// The evaluator's side of an update: `UpdateRequest(deserializing:context:expectedShape:)` for the
/// session's parameters and latent shape. An accepted request re-serializes to the input, and the
/// evaluator computes its reply (`UpdateEvaluator.respond`), as `hediff`'s evaluator does with every
/// request it receives.
struct UpdateRequestTarget: FuzzTarget {
    let fixtures: MessageFixtures

    init() throws { fixtures = try MessageFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        let evaluator = fixtures.evaluator
        guard let request = try? UpdateRequest(deserializing: bytes, context: evaluator.context, expectedShape: evaluator.latentShape)
        else { return }
        FuzzCheck.roundTrip(request.serialized(context: evaluator.context), bytes, "update request")
        _ = try? evaluator.respond(to: request).serialized(context: evaluator.context)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let fixtures = try MessageFixtures()
        return fixtures.exchanges.map {
            ("request-\($0.mode.rawValue)", $0.request.serialized(context: $0.keyHolder.context))
        }
    }
}

FuzzMain.run(UpdateRequestTarget.self)
