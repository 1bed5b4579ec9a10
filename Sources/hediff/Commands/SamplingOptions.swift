import ArgumentParser
import HEDiffusion
import StableDiffusion

/// The prompt and sampler options shared by `generate`, `compare` and `audit`.
struct SamplingOptions: ParsableArguments {
    @Option(help: "The text to generate.")
    var prompt: String?

    @Option(help: "The text to steer away from.")
    var negativePrompt: String = ""

    @Option(parsing: .unconditional, help: "Denoising steps (default: the model's generation_defaults.json, else 50).")
    var steps: Int?

    @Option(parsing: .unconditional, help: "Classifier-free guidance scale; 1 or less turns guidance off (default: the model's generation_defaults.json, else 7.5).")
    var guidance: Double?

    @Option(help: "Sampler: plms, ddim, euler, euler-a or dpmpp2m.")
    var sampler: GenerationConfiguration.Sampler = .plms

    @Flag(help: "Karras σ spacing (diffusers' use_karras_sigmas) for euler and dpmpp2m.")
    var karras = false

    @Option(parsing: .unconditional, help: "DDIM stochasticity eta in [0, 1] (0: deterministic).")
    var eta: Double = 0

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Seed of the torch-compatible noise generator (plaintext runs without one draw a seed and print it).",
        discussion: """
            In a private mode the noise comes from the key holder's cryptographic generator unless a \
            seed is given; with a seed, whoever knows or guesses it can rebuild the image from the \
            evaluator's messages (hediff audit).
            """))
    var seed: UInt64?

    /// Steps and guidance when neither the command line nor the model folder sets them: SD v1.x's
    /// customary values.
    static let fallbackStepCount = 50
    static let fallbackGuidanceScale = 7.5
    /// The seed of plaintext runs without `--seed` (diffusers' examples' habit).
    static let plaintextSeed: UInt64 = 0

    func validate() throws {
        if karras, ![.euler, .dpmpp2m].contains(sampler) {
            throw ValidationError("--karras applies to --sampler euler or dpmpp2m (diffusers gives \(sampler.rawValue) no Karras spacing)")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        guard (0...1).contains(eta) else { throw ValidationError("--eta must be in [0, 1]") }
        if let guidance, !guidance.isFinite { throw ValidationError("--guidance must be a number") }
    }

    /// `--prompt`, for the commands that take exactly one.
    func requiredPrompt() throws -> String {
        guard let prompt else { throw ValidationError("Missing expected argument '--prompt <prompt>'") }
        return prompt
    }

    /// A seed for a plaintext run without `--seed`: drawn from the system's generator in the
    /// torch seed range, printed so that the run can be repeated.
    static func randomSeed() -> UInt64 {
        UInt64.random(in: 0..<(1 << 32))
    }

    /// The generation these options describe for `prompt` (default: `--prompt`), with steps and
    /// guidance taken from the command line, else from the model's `defaults`, else from the
    /// fallbacks (the caller adds size, batch and image-to-image).
    func configuration(defaults: GenerationDefaults, prompt: String? = nil) -> GenerationConfiguration {
        var configuration = GenerationConfiguration(prompt: prompt ?? self.prompt ?? "", negativePrompt: negativePrompt)
        configuration.stepCount = steps ?? defaults.stepCount ?? Self.fallbackStepCount
        configuration.guidanceScale = guidance ?? defaults.guidanceScale ?? Self.fallbackGuidanceScale
        configuration.sampler = sampler
        configuration.useKarrasSigmas = karras
        configuration.ddimEta = eta
        configuration.seed = seed ?? Self.plaintextSeed
        return configuration
    }

    /// One line for stderr: the settings a run uses, so that defaults taken from the model are
    /// visible; `noise` says where the noise comes from.
    static func summary(_ configuration: GenerationConfiguration, noise: NoiseOrigin) -> String {
        let source = noise == .seeded ? "seed \(configuration.seed)" : "noise from the key holder's CSPRNG"
        return "\(configuration.sampler.rawValue), \(configuration.stepCount) steps, guidance \(configuration.guidanceScale), \(source)"
    }
}
