import ArgumentParser
import Foundation
import HEDiffusion
import Imaging
import StableDiffusion

/// `hediff audit`: a private generation, then the evaluator's attacks on its transcript.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Run a private generation, then attack its transcript as the evaluator would; score each reconstruction against the real image.",
        discussion: """
            The attacks use only the messages the evaluator received and public information (model, sampler, \
            steps, guidance, size, CKKS parameters, threshold): seed search, affine-dynamics inversion, \
            term recurrence, and the mask alone. Chance is the better of two reconstructions made without the \
            transcript. docs/THREAT-MODEL.md explains each and tabulates them.
            """)

    @OptionGroup(title: "Model")
    var model: ModelOptions

    @OptionGroup(title: "Prompt and sampler")
    var sampling: SamplingOptions

    @OptionGroup(title: "Privacy")
    var privacy: PrivacyOptions

    @Option(help: "Seeds of the torch-compatible generator the seed search tries (0 ..< N).")
    var seedBudget: Int = 65_536

    @Option(help: "The attacker's own generations (its prior, the mask statistics and chance).")
    var calibrationRuns: Int = 8

    @Option(help: "Write the real image, each reconstruction and the chance baseline side by side to this PNG.")
    var grid: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        _ = try sampling.requiredPrompt()
        guard privacy.privacy.isPrivate else { throw ValidationError("--privacy off sends the evaluator nothing to audit") }
        guard privacy.baselineSample == nil else { throw ValidationError("--baseline-sample does not apply to an audit") }
        guard seedBudget >= 1 else { throw ValidationError("--seed-budget must be at least 1") }
        guard calibrationRuns >= 1 else { throw ValidationError("--calibration-runs must be at least 1") }
    }

    func run() throws {
        let gridOutput = try grid.map { try OutputFiles(path: $0, count: 1) }
        try privacy.checkOutputs()
        let source = try model.source()
        try privacy.checkLatentSize(width: nil, height: nil, source: source)
        let configuration = sampling.configuration(defaults: source.generationDefaults)
        try privacy.checkAffine(configuration, source: source)
        let pipeline = try StableDiffusionPipeline(source: source, loadingVAEEncoder: false)
        var update = try privacy.makeUpdate()
        var noise = privacy.makeNoise(seed: sampling.seed)
        printError(SamplingOptions.summary(configuration, noise: noise.origin))
        printError("private generation (\(privacy.privacy.rawValue), \(privacy.heParams.rawValue))…")
        let result = try pipeline.generate(configuration, latentUpdate: &update, noise: &noise)
        try privacy.finish(update.runReport(noise: noise.origin))

        printError("attacking the transcript (\(update.session.transcript.requests.count) requests)…")
        let view = try EvaluatorView(
            requests: update.session.transcript.requests, parameters: privacy.heParams.parameters, shape: result.latents.shape)
        var audit = try PrivacyAudit(pipeline: pipeline, configuration: configuration, mode: privacy.privacy, threshold: privacy.threshold)
        audit.seedBudget = seedBudget
        audit.calibrationRuns = calibrationRuns
        audit.readsShapesAttributes = model.isEmbeddedModel
        let outcome = try audit.run(view: view, noise: noise.origin, truth: result.images[0])
        try gridOutput?.write([try outcome.grid(truth: result.images[0])])
        if json {
            try printJSONLine(outcome.report)
        } else {
            print(Self.table(outcome.report))
        }
        if let grid { printError("grid: real | \(outcome.attacks.map(\.entry.name).joined(separator: " | ")) | chance → \(grid)") }
    }

    /// The report as a table, one row per reconstruction.
    static func table(_ report: AuditReport) -> String {
        var lines = ["audit — privacy \(report.mode.rawValue), noise \(report.noise.rawValue)"]
        if let real = report.realAttributes {
            lines.append("real image: \(real.shape) shape, \(real.background) background, \(real.position)")
        }
        lines.append("reconstruction     PSNR dB   SSIM   recovered  attributes  status")
        for entry in report.attacks + report.baselines {
            let psnr = entry.psnrDB.map { String(format: "%7.2f", $0) } ?? "      –"
            let ssim = entry.ssim.map { String(format: "%6.3f", $0) } ?? "     –"
            let attributes = entry.attributesMatched.map { "\($0)/3 match" } ?? "         –"
            lines.append(entry.name.padding(toLength: 17, withPad: " ", startingAt: 0)
                + " \(psnr)  \(ssim)  " + String(format: "%8.1f%%", entry.recoveredFraction * 100) + "  \(attributes)  \(entry.status)")
        }
        lines.append(String(format: "chance %.2f dB; best attack %.2f dB (%+.2f dB)", report.chancePSNRDB, report.maxPSNRDB,
                            report.maxPSNRDB - report.chancePSNRDB))
        return lines.joined(separator: "\n")
    }
}
