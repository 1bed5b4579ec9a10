import ArgumentParser
import Benchmarks
import CKKS
import HEDiffusion

/// `hediff bench generate`: one whole SD v1.5-size generation with random weights, timed per
/// phase (text encoder, U-Net per step, HE per step, VAE).
struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "A whole SD v1.5-size generation (random weights, no download), timed per phase.",
        discussion: "PLMS with guidance 7.5 on one prompt; the tokenizer is the embedded model's (CLIP ViT-L/14's vocabulary).")

    @Option(parsing: .unconditional, help: "Image side in pixels, a multiple of 8.")
    var size: Int = 512

    @Option(parsing: .unconditional, help: "Denoising steps.")
    var steps: Int = 50

    @Option(help: "off, packed, sparse, elementwise or paper.")
    var privacy: PrivacyMode = .packed

    @Option(name: .customLong("he-params"), help: "CKKS parameters: update, reference or depth1-rescale.")
    var heParams: CKKSParameters.Preset = .update

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard size >= 64, size % 8 == 0 else { throw ValidationError("--size must be a multiple of 8, at least 64") }
        try GenerationLimits.check(width: size, height: size, batchSize: 1)
        guard (1...1000).contains(steps) else { throw ValidationError("--steps must be in 1…1000") }
    }

    func run() throws {
        let benchmark = GenerationBenchmark(
            size: size, steps: steps, privacy: privacy, parameters: heParams,
            tokenizerURL: try DefaultModel.resolve(nil).appendingPathComponent("tokenizer"))
        let report = try benchmark.run { printError($0) }
        if json {
            try printJSONLine(report)
            return
        }
        print(String(
            format: "%dx%d, %d steps, %@: total %.1f s = text %.2f s + U-Net %.1f s (%.2f s/step) + HE %.3f s (%.4f s/step, %.3f%%) + VAE %.1f s; %@, peak %.2f GB",
            size, size, steps, privacy.rawValue, report.total_s, report.text_encoder_s, report.unet_s, report.unet_per_step_s,
            report.he_s, report.he_per_step_s, 100 * report.he_fraction, report.vae_s, report.corename,
            Double(report.peak_rss_bytes) / 1e9))
    }
}
