import ArgumentParser
import Foundation
import HEDiffusion
import Imaging
import StableDiffusion

/// `hediff compare`: the same generation in plaintext and with the encrypted update, and how far
/// apart they end up.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run plaintext and encrypted generation on the same noise; print latent error, PSNR and SSIM.")

    @OptionGroup(title: "Model")
    var model: ModelOptions

    @OptionGroup(title: "Prompt and sampler")
    var sampling: SamplingOptions

    @Option(help: "Write the two images as PREFIX-plain.png and PREFIX-private.png.")
    var output: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup(title: "Privacy")
    var privacy: PrivacyOptions

    func validate() throws {
        _ = try sampling.requiredPrompt()
        guard privacy.privacy.isPrivate else { throw ValidationError("--privacy off compares nothing; choose packed, sparse, elementwise or paper") }
    }

    func run() throws {
        let outputs = try output.map { try OutputFiles(path: $0 + "-plain.png", count: 1) }
        let privateOutputs = try output.map { try OutputFiles(path: $0 + "-private.png", count: 1) }
        try privacy.checkOutputs()
        let source = try model.source()
        let configuration = sampling.configuration(defaults: source.generationDefaults)
        try privacy.checkAffine(configuration, source: source)
        let pipeline = try StableDiffusionPipeline(source: source, loadingVAEEncoder: false)
        // Both runs draw the same noise: two copies of one generator, before either draws.
        let noise = privacy.makeNoise(seed: sampling.seed)
        printError(SamplingOptions.summary(configuration, noise: noise.origin))
        printError("plaintext run…")
        let start = Date()
        var plainUpdate = PlaintextLatentUpdate()
        var plainNoise = noise.twin
        let plain = try pipeline.generate(configuration, latentUpdate: &plainUpdate, noise: &plainNoise)
        let plainSeconds = Date().timeIntervalSince(start)
        printError("encrypted run (\(privacy.privacy.rawValue), \(privacy.heParams.rawValue))…")
        var update = try privacy.makeUpdate()
        let privateStart = Date()
        var privateNoise = noise.twin
        let encrypted = try pipeline.generate(configuration, latentUpdate: &update, noise: &privateNoise)
        let privateSeconds = Date().timeIntervalSince(privateStart)
        let (maxError, meanError) = try LatentComparison.absoluteError(plain.latents, encrypted.latents)
        let psnr = try ImageComparison.psnr(plain.images[0], encrypted.images[0])
        let ssim = try ImageComparison.ssim(plain.images[0], encrypted.images[0])
        let overhead = update.runReport(noise: noise.origin).totals.total
        try outputs?.write(plain.images)
        try privateOutputs?.write(encrypted.images)
        if json {
            let fields: [String: Any] = [
                "latent_max_abs_error": maxError, "latent_mean_abs_error": meanError,
                "psnr_db": psnr.isFinite ? psnr : 999, "ssim": ssim,
                "plain_s": plainSeconds, "private_s": privateSeconds, "he_overhead_s": overhead,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print(String(format: "latent: max |error| %.3g, mean |error| %.3g", maxError, meanError))
        print(String(format: "image: PSNR %@ dB, SSIM %.6f", psnr.isFinite ? String(format: "%.2f", psnr) : "∞", ssim))
        print(String(format: "time: plaintext %.2f s, encrypted %.2f s (HE overhead %.3f s, %.2f%%)",
                     plainSeconds, privateSeconds, overhead, 100 * overhead / max(plainSeconds, 1e-9)))
    }
}
