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

/// What `audit-ranges` prints: per layer the largest magnitudes (as reals) and the headroom in bits.
struct RangeAuditReport: Encodable {
    struct Layer: Encodable {
        let name: String
        let storedMaximum: Double
        /// nil for "no value recorded" (an infinite headroom).
        let storedHeadroomBits: Double?
        let accumulatorMaximum: Double?
        let accumulatorRingBits: Int?
        let accumulatorHeadroomBits: Double?

        enum CodingKeys: String, CodingKey {
            case name, storedMaximum = "stored_max", storedHeadroomBits = "stored_headroom_bits"
            case accumulatorMaximum = "accumulator_max", accumulatorRingBits = "accumulator_ring_bits"
            case accumulatorHeadroomBits = "accumulator_headroom_bits"
        }
    }

    let ringBits: Int
    let fractionBits: Int
    let varianceRingBits: Int
    let prompts: Int
    let steps: Int
    /// U-Net evaluations (batch 2 with guidance).
    let evaluations: Int
    let seconds: Double
    let secondsPerEvaluation: Double
    let minimumStoredHeadroomBits: Double?
    let minimumAccumulatorHeadroomBits: Double?
    let layers: [Layer]

    enum CodingKeys: String, CodingKey {
        case ringBits = "ring_bits", fractionBits = "fraction_bits", varianceRingBits = "variance_ring_bits"
        case prompts, steps, evaluations, seconds, secondsPerEvaluation = "seconds_per_evaluation"
        case minimumStoredHeadroomBits = "min_stored_headroom_bits"
        case minimumAccumulatorHeadroomBits = "min_accumulator_headroom_bits", layers
    }

    init(
        recorder: RangeRecorder, format: FixedPointFormat, varianceRingBits: Int, prompts: Int, steps: Int,
        evaluations: Int, seconds: Double
    ) {
        ringBits = format.ringBits
        fractionBits = format.fractionBits
        self.varianceRingBits = varianceRingBits
        self.prompts = prompts
        self.steps = steps
        self.evaluations = evaluations
        self.seconds = seconds
        secondsPerEvaluation = evaluations > 0 ? seconds / Double(evaluations) : 0
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        layers = recorder.layers.map { name, entry in
            let hasAccumulator = entry.accumulator > 0
            return Layer(
                name: name, storedMaximum: format.decode(entry.stored),
                storedHeadroomBits: finite(RangeRecorder.headroom(entry.stored, ringBits: format.ringBits)),
                accumulatorMaximum: hasAccumulator
                    ? Double(entry.accumulator) / Double(sign: .plus, exponent: entry.accumulatorFractionBits, significand: 1) : nil,
                accumulatorRingBits: hasAccumulator ? entry.accumulatorRingBits : nil,
                accumulatorHeadroomBits: hasAccumulator
                    ? finite(RangeRecorder.headroom(entry.accumulator, ringBits: entry.accumulatorRingBits)) : nil)
        }
        minimumStoredHeadroomBits = layers.compactMap(\.storedHeadroomBits).min()
        minimumAccumulatorHeadroomBits = layers.compactMap(\.accumulatorHeadroomBits).min()
    }

    var table: String {
        func bits(_ x: Double?) -> String { x.map { String(format: "%6.2f", $0) } ?? "     -" }
        var lines = [
            "fixed-point U-Net range audit: Z_2^\(ringBits), \(fractionBits) fraction bits (norms' Σd² in Z_2^\(varianceRingBits)); "
                + "\(prompts) prompts × \(steps) steps = \(evaluations) evaluations in "
                + String(format: "%.1f s (%.3f s each)", seconds, secondsPerEvaluation),
            "layer".padding(toLength: 72, withPad: " ", startingAt: 0) + "   stored max  headroom   accum. max  ring  headroom",
        ]
        for layer in layers {
            lines.append(
                layer.name.padding(toLength: 72, withPad: " ", startingAt: 0)
                    + String(format: " %12.4g", layer.storedMaximum) + "    " + bits(layer.storedHeadroomBits)
                    + (layer.accumulatorMaximum.map { String(format: " %12.4g", $0) } ?? "            -")
                    + (layer.accumulatorRingBits.map { String(format: " %5d", $0) } ?? "     -")
                    + "    " + bits(layer.accumulatorHeadroomBits))
        }
        lines.append("minimum headroom: stored \(bits(minimumStoredHeadroomBits)) bits, accumulators \(bits(minimumAccumulatorHeadroomBits)) bits")
        return lines.joined(separator: "\n")
    }
}
