import ArgumentParser

/// The `hediff` command-line tool: privacy-preserving Stable Diffusion on CKKS.
@main
struct HEDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hediff",
        abstract: "Privacy-preserving Stable Diffusion on CKKS homomorphic encryption.",
        subcommands: [GenerateCommand.self, CompareCommand.self, TokenizeCommand.self, BenchCommand.self, CKKSCommand.self])
}
