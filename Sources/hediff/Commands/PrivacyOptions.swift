import ArgumentParser
import CKKS
import Foundation
import HEDiffusion
import Imaging
import StableDiffusion

/// The options that choose how the denoising update is protected, shared by `generate`,
/// `compare` and `audit`.
struct PrivacyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "packed (default), sparse, elementwise, paper or off.",
        discussion: """
            packed: every latent value and the update's term encrypted; the evaluator sees ciphertexts, \
            the coefficient a_t and the step index. sparse: the paper's min-distortion selection, \
            hardened; the evaluator also sees which points are encrypted. elementwise: packed, one \
            value per ciphertext (the paper's baseline). paper: the paper's exact protocol, for \
            reproduction: plaintext remainder and term, rebuildable by the evaluator. In every mode \
            the noise predictor (U-Net) sees the plaintext latent (docs/THREAT-MODEL.md).
            """))
    var privacy: PrivacyMode = .packed

    @Option(help: "Selection threshold: the fraction of the total distortion left unencrypted (sparse, paper).")
    var threshold: Double = 0.01

    @Option(name: .customLong("he-params"), help: "CKKS parameters: \(CKKSParameters.Preset.summary); 'tailored' is read as update.")
    var heParams: CKKSParameters.Preset = .update

    @Option(name: .customLong("baseline-sample"), help: "elementwise only: encrypt this many elements per step and extrapolate the time.")
    var baselineSample: Int?

    @Option(help: "Write the per-step HE report as JSON to this file.")
    var report: String?

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        if let sample = baselineSample, sample <= 0 { throw ValidationError("--baseline-sample must be positive") }
        if baselineSample != nil, privacy != .elementwise { throw ValidationError("--baseline-sample applies to --privacy elementwise only") }
    }

    /// Checks, before any work, that the report can be written.
    func checkOutputs() throws {
        if let report { try OutputFiles.check(report) }
    }

    /// Refuses, before the weights load, a sampler whose update is not affine in the latent
    /// (DDIM with `clip_sample`) in a private mode, saying how to turn the clipping off.
    func checkAffine(_ configuration: GenerationConfiguration, source: ModelSource) throws {
        guard privacy.isPrivate, !(try configuration.makeScheduler(source.scheduler).isAffine) else { return }
        throw ValidationErrorMessage("--privacy \(privacy.rawValue): " + SchedulerError.notAffine.description)
    }

    /// Refuses, before the weights load, an image too small for the min-distortion selection
    /// (`sparse`, `paper`): its latent must be at least `HILLCostMap.minimumExtent` points a side.
    /// A size taken from `--image` is checked at the first step instead.
    func checkLatentSize(width: Int?, height: Int?, source: ModelSource) throws {
        guard privacy.selectsPoints else { return }
        let factor = source.vae.downsamplingFactor
        let native = source.unet.sampleSize.map { $0 * factor }
        let minimum = HILLCostMap.minimumExtent * factor
        for (name, side) in [("width", width ?? native), ("height", height ?? native)] {
            if let side, side < minimum {
                throw ValidationErrorMessage(
                    "--\(name) \(side) is too small for --privacy \(privacy.rawValue): the selection needs latents of at least "
                        + "\(HILLCostMap.minimumExtent)x\(HILLCostMap.minimumExtent), images of at least \(minimum)x\(minimum) px for this model")
            }
        }
    }

    /// The noise of a run: torch-compatible with `seed` (always in plaintext, where it defaults
    /// to 0), else from the key holder's CSPRNG. Prints the warnings this choice calls for.
    func makeNoise(seed: UInt64?) -> GenerationNoise {
        if privacy == .paper {
            printError("warning: --privacy paper sends the remainder and the term in plaintext: the evaluator can rebuild "
                + "most of the image (hediff audit), and re-sent decryptions expose the key (IND-CPA-D); for reproduction only")
        }
        guard privacy.isPrivate else { return .seeded(seed ?? SamplingOptions.plaintextSeed) }
        guard let seed else { return .random() }
        printError("warning: with --seed the noise is reproducible: whoever knows or guesses the seed can rebuild the image "
            + "from the evaluator's messages; omit --seed for noise from the key holder's CSPRNG")
        return .seeded(seed)
    }

    /// The strategy for `privacy`.
    func makeUpdate() throws -> EncryptedLatentUpdate {
        EncryptedLatentUpdate(session: try PrivateUpdateSession(
            mode: privacy, parameters: heParams.parameters, threshold: threshold, baselineSample: baselineSample))
    }

    /// Prints the per-step table and totals to stderr and writes the JSON report if asked.
    func finish(_ run: PrivateRunReport) throws {
        guard privacy.isPrivate else { return }
        printError("step  select  encrypt  evaluate  dec+merge   total  encrypted  bytes→eval  bytes→key")
        for (index, step) in run.steps.enumerated() {
            printError(Self.row(String(index + 1), step))
        }
        let totals = run.totals
        printError(Self.row("all", totals))
        if totals.extrapolated {
            printError("element-wise times extrapolated from \(baselineSample ?? 0) elements per step")
        }
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(run)
            try FileDestination.write(Array(data), to: URL(fileURLWithPath: report))
        }
    }

    private static func row(_ label: String, _ step: StepReport) -> String {
        label.padding(toLength: 4, withPad: " ", startingAt: 0) + String(format: " %6.1fms %7.1fms %8.1fms %9.1fms %6.1fms %8.1f%% %11d %10d",
               step.select * 1e3, step.encrypt * 1e3, step.evaluate * 1e3, step.decryptMerge * 1e3,
               step.total * 1e3, step.encryptedFraction * 100, step.bytesToEvaluator, step.bytesToKeyHolder)
    }
}
