import CKKS
import Foundation
import HEDiffusion
import StableDiffusion
import Tensor

/// A whole generation at SD v1.5 size with random weights (no download) — text encoder, every
/// U-Net step, every encrypted update, the VAE decode — timed per phase: the paper's
/// "minute-level" table on this machine. The phases are read off the pipeline's step events:
/// text encoding ends when the first step starts, decoding starts when the last step ends, and
/// each step's time splits into the HE update (the key holder's report) and the rest (the U-Net
/// with guidance, and the sampler). Per-step figures are per U-Net evaluation (PLMS makes
/// steps + 1 of them, each followed by one update).
public struct GenerationBenchmark: Sendable {
    /// Per-phase seconds of one generation, in the JSON `hediff bench generate --json` prints.
    public struct Report: Sendable, Codable, Equatable {
        public var size: Int
        public var steps: Int
        /// U-Net evaluations (with guidance, each on a batch of two): PLMS takes steps + 1.
        public var unet_evaluations: Int
        public var privacy: String
        public var he_parameters: String
        public var text_encoder_s: Double
        public var unet_s: Double
        public var unet_per_step_s: Double
        public var he_s: Double
        public var he_per_step_s: Double
        public var vae_s: Double
        public var total_s: Double
        /// The HE updates' share of the whole run.
        public var he_fraction: Double
        public var corename: String
        public var peak_rss_bytes: Int
    }

    public let size: Int
    public let steps: Int
    public let privacy: PrivacyMode
    public let parameters: CKKSParameters.Preset
    /// A CLIP BPE tokenizer folder (SD v1.x's vocabulary).
    public let tokenizerURL: URL

    public init(size: Int, steps: Int, privacy: PrivacyMode, parameters: CKKSParameters.Preset, tokenizerURL: URL) {
        self.size = size
        self.steps = steps
        self.privacy = privacy
        self.parameters = parameters
        self.tokenizerURL = tokenizerURL
    }

    /// Builds the models (not timed), then runs and times one generation. `progress` receives a
    /// line per phase and per step.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        progress("building the SD v1.5 text encoder, UNet and VAE with random weights…")
        let pipeline = StableDiffusionPipeline(
            tokenizer: try CLIPTokenizer(folder: tokenizerURL),
            textEncoder: try CLIPTextEncoder(config: SDv1ReferenceConfigs.textEncoder(), randomWeightsSeed: 0),
            unet: try UNet2DConditionModel(config: SDv1ReferenceConfigs.unet(), randomWeightsSeed: 0),
            vae: try AutoencoderKL(config: SDv1ReferenceConfigs.vae(), randomWeightsSeed: 0, loadingEncoder: false),
            schedulerConfiguration: try SDv1ReferenceConfigs.scheduler())
        var configuration = GenerationConfiguration(prompt: "a photograph of an astronaut riding a horse")
        configuration.width = size
        configuration.height = size
        configuration.stepCount = steps
        var update = EncryptedLatentUpdate(session: try PrivateUpdateSession(mode: privacy, parameters: parameters.parameters))
        // Reproducible noise: the benchmark times the work, it protects nothing.
        var noise = GenerationNoise.seeded(0)
        let clock = ContinuousClock()
        let start = clock.now
        var firstStepStart: ContinuousClock.Instant?
        var lastStepEnd = start
        var stepSeconds = 0.0
        var evaluations = 0
        _ = try pipeline.generate(configuration, latentUpdate: &update, noise: &noise) { event in
            guard case let .step(index, count, seconds) = event else { return }
            let now = clock.now
            if firstStepStart == nil { firstStepStart = now - .seconds(seconds) }
            lastStepEnd = now
            stepSeconds += seconds
            evaluations = index
            progress(String(format: "step %d/%d: %.2f s", index, count, seconds))
        }
        let end = clock.now
        let he = update.reports.reduce(0) { $0 + $1.total }
        let total = Timing.seconds(end - start)
        let unet = max(stepSeconds - he, 0)
        let perEvaluation = Double(max(evaluations, 1))
        return Report(
            size: size, steps: steps, unet_evaluations: evaluations, privacy: privacy.rawValue, he_parameters: parameters.rawValue,
            text_encoder_s: Timing.seconds((firstStepStart ?? start) - start), unet_s: unet, unet_per_step_s: unet / perEvaluation,
            he_s: he, he_per_step_s: he / perEvaluation, vae_s: Timing.seconds(end - lastStepEnd), total_s: total,
            he_fraction: total > 0 ? he / total : 0, corename: blasCoreName, peak_rss_bytes: peakResidentBytes)
    }
}
