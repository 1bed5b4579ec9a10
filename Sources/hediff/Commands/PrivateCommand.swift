import ArgumentParser
import Foundation
import PrivateUNet
import StableDiffusion

/// `hediff private …`: the private U-Net's tools (DESIGN.md's private-unet milestones).
struct PrivateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "private",
        abstract: "Tools of the private (two-party) U-Net.",
        subcommands: [AuditRangesCommand.self])
}

/// `hediff private audit-ranges`: runs the fixed-point reference U-Net over prompts × steps and reports
/// per layer the largest magnitude seen in the ring and the headroom left in its ℓ bits.
struct AuditRangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-ranges",
        abstract: "Largest magnitudes of the fixed-point U-Net per layer, and the headroom left in the ring.",
        discussion: """
            Generates (without decoding) prompt i with seed i, plaintext PLMS, through the fixed-point reference \
            U-Net, recording per layer the largest |value| stored (f fraction bits) and the largest product \
            accumulator before truncation (2f fraction bits; the norms' sums of squares in their wider ring). \
            Headroom = ring bits − 1 − log2(largest magnitude); negative means the ring wrapped. \
            Default prompts: the 48 held-out prompts of tools/train-tiny/evaluate.py.
            """)

    @OptionGroup(title: "Model")
    var model: ModelOptions

    @Option(help: "A prompt file: one prompt per line, or evaluate.py's TSV (file<TAB>prompt); default: the 48 held-out prompts.",
            completion: .file())
    var prompts: String?

    @Option(parsing: .unconditional, help: "Use only the first N prompts.")
    var promptCount: Int?

    @Option(parsing: .unconditional, help: "Denoising steps per prompt.")
    var steps: Int = 25

    @Option(parsing: .unconditional, help: "Ring bits ℓ of the reference (default 42, the reference's; the design's 37).")
    var ringBits: Int = 42

    @Option(parsing: .unconditional, help: "Fraction bits f (the design's 12).")
    var fractionBits: Int = 12

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        if let promptCount, promptCount < 1 { throw ValidationError("--prompt-count must be at least 1") }
        guard (1...1000).contains(steps) else { throw ValidationError("--steps must lie in 1…1000") }
        guard (8...62).contains(ringBits), fractionBits >= 1, 2 * fractionBits < ringBits else {
            throw ValidationError("--ring-bits must lie in 8…62 and --fraction-bits in 1…(ring bits − 1)/2")
        }
    }

    func run() throws {
        var list = try prompts.map { try PromptList.read($0).map { $0.split(separator: "\t").last.map(String.init) ?? $0 } }
            ?? HeldOutPrompts.all
        if let promptCount { list = Array(list.prefix(promptCount)) }
        let source = try model.source()
        let format = try FixedPointFormat(ringBits: ringBits, fractionBits: fractionBits)
        printError("loading \(source.location)…")
        var pipeline = try StableDiffusionPipeline(source: source, loadingVAEEncoder: false)
        let recorder = RangeRecorder()
        let fixed = try FixedPointUNet(source: source, format: format).recording(into: recorder)
        pipeline.noisePredictor = fixed
        let defaults = source.generationDefaults
        let start = ContinuousClock.now
        var evaluations = 0
        for (index, prompt) in list.enumerated() {
            var configuration = GenerationConfiguration(prompt: prompt)
            configuration.stepCount = steps
            configuration.guidanceScale = defaults.guidanceScale ?? SamplingOptions.fallbackGuidanceScale
            configuration.seed = UInt64(index)
            var update = PlaintextLatentUpdate()
            var noise = TorchRandomGenerator(seed: configuration.seed)
            _ = try pipeline.denoise(configuration, latentUpdate: &update, noise: &noise)
            evaluations += steps
            printError("prompt \(index + 1)/\(list.count) done: \(prompt)")
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let report = RangeAuditReport(
            recorder: recorder, format: format, varianceRingBits: fixed.varianceRingBits, prompts: list.count,
            steps: steps, evaluations: evaluations, seconds: seconds)
        if json { try printJSONLine(report) } else { print(report.table) }
    }
}
