import ArgumentParser

/// The `hediff` command-line tool: privacy-preserving Stable Diffusion on CKKS.
@main
struct HEDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hediff",
        abstract: "Privacy-preserving Stable Diffusion on CKKS homomorphic encryption.",
        subcommands: [CKKSCommand.self, BenchCommand.self])
}

/// `hediff bench …`: benchmarks of the system's parts.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (release build).",
        subcommands: [BenchStepCommand.self])
}
