import ArgumentParser

@main
struct HEDiff: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hediff", abstract: "Privacy-preserving Stable Diffusion on CKKS.")
}
