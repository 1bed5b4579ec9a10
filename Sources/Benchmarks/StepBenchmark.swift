import CKKS
import HEDiffusion
import StableDiffusion
import Tensor

/// Measures the HE overhead of one denoising step on an SD v1.5 latent (4×64×64 at 512×512):
/// a PLMS step from the middle of a 50-step run on a torch-seeded Gaussian latent and noise
/// prediction, repeated; every stage's median over the repetitions.
public struct StepBenchmark: Sendable {
    /// The JSON shape of `hediff bench step --json`.
    public struct Report: Sendable, Codable {
        public struct PerStep: Sendable, Codable {
            public var select: Double
            public var encrypt: Double
            public var evaluate: Double
            public var decrypt_merge: Double
            public var total: Double
        }
        public var mode: String
        public var he_params: String
        public var per_step_s: PerStep
        public var encrypted_fraction: Double
        public var extrapolated: Bool
        public var bytes_to_evaluator: Int
        public var bytes_to_key_holder: Int
        public var max_abs_error: Double
    }

    public let mode: PrivacyMode
    public let preset: CKKSParameters.Preset
    public let threshold: Double
    public let repetitions: Int
    public let baselineSample: Int?
    public let shape: [Int]

    public init(mode: PrivacyMode, preset: CKKSParameters.Preset, threshold: Double = 0.01, repetitions: Int = 9,
                baselineSample: Int? = nil, shape: [Int] = [1, 4, 64, 64]) {
        self.mode = mode
        self.preset = preset
        self.threshold = threshold
        self.repetitions = max(1, repetitions)
        self.baselineSample = baselineSample
        self.shape = shape
    }

    public func run() throws -> Report {
        let session = try PrivateUpdateSession(mode: mode, parameters: preset.parameters, threshold: threshold, baselineSample: baselineSample)
        var scheduler = try PNDMScheduler(configuration: .stableDiffusionV1, stepCount: 50)
        var generator = TorchRandomGenerator(seed: 0)
        let latent = try generator.randn(shape: shape)
        var step = try scheduler.step(modelOutput: try generator.randn(shape: shape))
        for _ in 0..<4 { step = try scheduler.step(modelOutput: try generator.randn(shape: shape)) }
        let expected = try step.apply(to: latent)
        var reports: [StepReport] = []
        var maxError = 0.0
        _ = try session.update(latent, with: step)
        for _ in 0..<repetitions {
            let (result, report) = try session.update(latent, with: step)
            reports.append(report)
            maxError = max(maxError, zip(result.scalars, expected.scalars).map { Double(abs($0 - $1)) }.max() ?? 0)
        }
        func median(_ values: [Double]) -> Double { Timing(seconds: values).median_s }
        let last = reports[reports.count - 1]
        return Report(
            mode: mode.rawValue, he_params: preset.rawValue,
            per_step_s: .init(
                select: median(reports.map(\.select)), encrypt: median(reports.map(\.encrypt)),
                evaluate: median(reports.map(\.evaluate)), decrypt_merge: median(reports.map(\.decryptMerge)),
                total: median(reports.map(\.total))),
            encrypted_fraction: last.encryptedFraction, extrapolated: last.extrapolated,
            bytes_to_evaluator: last.bytesToEvaluator, bytes_to_key_holder: last.bytesToKeyHolder,
            max_abs_error: maxError)
    }
}
