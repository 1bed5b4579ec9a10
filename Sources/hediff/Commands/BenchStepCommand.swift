import ArgumentParser
import Benchmarks
import CKKS
import Foundation
import HEDiffusion

/// `hediff bench step`: the HE overhead of one denoising step.
struct BenchStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time the encrypted update of one PLMS step on a 4x64x64 latent (SD v1.5 at 512x512).")

    @Option(help: "packed (default), sparse, elementwise (one ciphertext per element) or paper (the paper's exact protocol).")
    var privacy: PrivacyMode = .packed

    @Option(name: .customLong("he-params"), help: "CKKS parameters: \(CKKSParameters.Preset.summary); 'tailored' is read as update.")
    var heParams: CKKSParameters.Preset = .update

    @Option(help: "Selection threshold (fraction of the distortion left unencrypted).")
    var threshold: Double = 0.01

    @Option(help: "Timed repetitions (median reported).")
    var repetitions: Int = 9

    @Option(name: .customLong("baseline-sample"), help: "elementwise only: encrypt this many elements and extrapolate to the whole latent.")
    var baselineSample: Int?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        if let sample = baselineSample, sample <= 0 { throw ValidationError("--baseline-sample must be positive") }
        guard privacy != .off else { throw ValidationError("--privacy off has no HE overhead to measure") }
    }

    func run() throws {
        let sample = privacy == .elementwise ? (baselineSample ?? 256) : nil
        let report = try StepBenchmark(mode: privacy, preset: heParams, threshold: threshold, repetitions: repetitions, baselineSample: sample).run()
        if json {
            try printJSONLine(report)
            return
        }
        let s = report.per_step_s
        print("HE overhead of one step — privacy \(report.mode), he-params \(report.he_params), 4x64x64 latent")
        print(String(format: "select %.2f ms, encrypt %.2f ms, evaluate %.2f ms, decrypt+merge %.2f ms: total %.2f ms%@",
                     s.select * 1e3, s.encrypt * 1e3, s.evaluate * 1e3, s.decrypt_merge * 1e3, s.total * 1e3,
                     report.extrapolated ? " (extrapolated from \(sample ?? 0) elements)" : ""))
        print(String(format: "encrypted %.1f%% of the points; %d bytes to the evaluator, %d back; max |error| %.2e",
                     report.encrypted_fraction * 100, report.bytes_to_evaluator, report.bytes_to_key_holder, report.max_abs_error))
    }
}

extension PrivacyMode: ExpressibleByArgument {}
