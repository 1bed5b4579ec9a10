import ArgumentParser
import Benchmarks
import Foundation

/// `hediff bench …`: benchmarks of the system's parts (release build).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (release build).",
        subcommands: [BenchUNetCommand.self, BenchVAECommand.self, BenchTextCommand.self, BenchStepCommand.self, BenchGenerateCommand.self, BenchTwoPartyCommand.self])
}

/// Options shared by the model benchmarks.
struct ModelBenchOptions: ParsableArguments {
    @Option(help: "Timed forwards after the warm-up.")
    var repetitions: Int = 3

    @Flag(help: "Print {\"median_s\", \"min_s\", \"gflops\", \"corename\", \"peak_rss_bytes\"} as JSON instead of a sentence.")
    var json = false

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
    }

    /// Times `component` and prints the report.
    func run(_ component: ModelBenchmark.Component) throws {
        let report = try ModelBenchmark(component: component, repetitions: repetitions).run { printError($0) }
        if json {
            try printJSONLine(report)
        } else {
            print("\(component.rawValue): " + String(
                format: "median %.3f s, min %.3f s over %d forwards, %.1f GFLOP/s (%.1f GFLOP per forward)",
                report.median_s, report.min_s, repetitions, report.gflops, component.gigaflop))
        }
    }
}

/// `hediff bench unet`.
struct BenchUNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unet",
        abstract: "One forward of the SD v1.5 UNet (random weights): batch 2 on a 64x64 latent, 77x768 text states.")

    @OptionGroup var options: ModelBenchOptions

    func run() throws { try options.run(.unet) }
}

/// `hediff bench vae`.
struct BenchVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae", abstract: "The SD v1.5 VAE (random weights) decoding one 4x64x64 latent to 512x512.")

    @OptionGroup var options: ModelBenchOptions

    func run() throws { try options.run(.vae) }
}

/// `hediff bench text`.
struct BenchTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text", abstract: "The SD v1.5 CLIP text encoder (random weights) on 77 tokens.")

    @OptionGroup var options: ModelBenchOptions

    func run() throws { try options.run(.text) }
}
