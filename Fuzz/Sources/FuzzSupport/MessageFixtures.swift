import CKKS
import HEDiffusion
import StableDiffusion
import Tensor

/// One fuzzed update session under `FuzzParameters.messages`: a key holder per privacy mode with
/// its request for one PLMS step on a seeded latent, what it remembers until the reply
/// (`PendingUpdate`), and the evaluator that answers.
///
/// The latent, the step and the selection are deterministic, so every process agrees on the
/// coordinates a reply must carry; the keys are fresh per process (a seed's ciphertexts then
/// decrypt to noise, which the key holder must handle like any other reply).
public final class MessageFixtures {
    public struct Exchange {
        public let mode: PrivacyMode
        public let keyHolder: KeyHolder
        public let request: UpdateRequest
        public let pending: KeyHolder.PendingUpdate
    }

    /// The modes whose messages seed the targets: the paper's protocol (plaintext term and
    /// remainder), the hardened sparse mode (coordinates and an encrypted term) and packed (every
    /// point). `elementwise` is left out: one ciphertext per value makes its messages 30 times larger.
    public static let modes: [PrivacyMode] = [.paper, .sparse, .packed]

    public let evaluator: UpdateEvaluator
    public let exchanges: [Exchange]

    public init() throws {
        let parameters = FuzzParameters.messages
        let shape = FuzzParameters.latentShape
        evaluator = try UpdateEvaluator(parameters: parameters, latentShape: shape)
        var generator = TorchRandomGenerator(seed: 1)
        let latent = try generator.randn(shape: shape)
        var scheduler = try PNDMScheduler(configuration: .stableDiffusionV1, stepCount: 10)
        let step = try scheduler.step(modelOutput: generator.randn(shape: shape))
        exchanges = try Self.modes.map { mode in
            let keyHolder = try KeyHolder(parameters: parameters, mode: mode, threshold: 0.05)
            let (request, pending) = try keyHolder.request(step, latent: latent, selection: keyHolder.select(latent), stepIndex: 3)
            return Exchange(mode: mode, keyHolder: keyHolder, request: request, pending: pending)
        }
    }

    /// The exchange whose reply form (with or without a plaintext remainder) `reply` has.
    public func exchange(answeredBy reply: UpdateReply) -> Exchange {
        exchanges.first { ($0.mode == .paper) == (reply.remainder != nil) }!
    }
}
