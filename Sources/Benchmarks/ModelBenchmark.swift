import Foundation
import StableDiffusion
import Tensor

/// Times one forward of an SD v1.5-sized model built from its config with random weights (no
/// download), on the inputs of the PyTorch anchors (../shared/anchors/bench_sd_torch.py): the UNet
/// at batch 2 (guidance) on a 64×64 latent with 77×768 text states, the VAE decoding one 4×64×64
/// latent, the text encoder on one 77-token sequence. One warm-up forward, then `repetitions`
/// timed ones; the report gives the median and minimum and the GFLOP/s at the median.
public struct ModelBenchmark: Sendable {
    /// The model to time.
    public enum Component: String, Sendable, CaseIterable {
        case unet, vae, text

        /// Floating-point work of one forward in GFLOP (2 per multiply-add), as PyTorch's
        /// `FlopCounterMode` counts it for the same configs and inputs
        /// (../shared/anchors/DIFFUSION-ANCHORS.md, table 1).
        public var gigaflop: Double {
            switch self {
            case .unet: return 1606.5
            case .vae: return 2514.5
            case .text: return 13.3
            }
        }
    }

    /// Timing of one component, in the JSON shape the anchors print.
    public struct Report: Sendable, Codable, Equatable {
        public var median_s: Double
        public var min_s: Double
        /// GFLOP/s at the median time.
        public var gflops: Double
        /// The OpenBLAS kernel set that ran the GEMMs (`openblas_get_corename`).
        public var corename: String
        /// The process's peak resident memory after the forwards, in bytes.
        public var peak_rss_bytes: Int
    }

    public let component: Component
    public let repetitions: Int

    public init(component: Component, repetitions: Int = 3) {
        self.component = component
        self.repetitions = max(1, repetitions)
    }

    /// Builds the model, runs the warm-up and the timed forwards. `progress` receives a line
    /// before each phase.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        progress("building the SD v1.5 \(component.rawValue) with random weights…")
        let forward = try makeForward()
        progress("warm-up forward…")
        _ = try forward()
        let timing = try Timing.measure(
            repetitions: repetitions, beforeEach: { progress("timed forward \($0)/\(repetitions)…") }
        ) { _ = try forward() }
        return Report(
            median_s: timing.median_s, min_s: timing.min_s, gflops: component.gigaflop / timing.median_s,
            corename: blasCoreName, peak_rss_bytes: peakResidentBytes)
    }

    /// The model and its input, as a closure running one forward.
    private func makeForward() throws -> () throws -> Tensor {
        var inputs = TorchRandomGenerator(seed: 0)
        switch component {
        case .unet:
            let unet = try UNet2DConditionModel(config: SDv1ReferenceConfigs.unet(), randomWeightsSeed: 0)
            let sample = try inputs.randn(shape: [2, 4, 64, 64])
            let states = try inputs.randn(shape: [2, 77, 768])
            return { try unet(sample, timestep: 500, encoderHiddenStates: states) }
        case .vae:
            let vae = try AutoencoderKL(
                config: SDv1ReferenceConfigs.vae(), randomWeightsSeed: 0, loadingEncoder: false)
            let latent = try inputs.randn(shape: [1, 4, 64, 64])
            return { try vae.decode(latent) }
        case .text:
            let config = try SDv1ReferenceConfigs.textEncoder()
            let encoder = try CLIPTextEncoder(config: config, randomWeightsSeed: 0)
            let ids = (0..<77).map { _ in Int(inputs.nextUInt32() % UInt32(config.vocabSize)) }
            return { try encoder(tokenIDs: [ids]) }
        }
    }
}
