import ArgumentParser
import StableDiffusion

/// The model, prompt and sampler options shared by `generate` and `compare`.
struct SamplingOptions: ParsableArguments {
    @Option(help: "A diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/); default: the embedded tiny-shapes model.")
    var model: String?

    @Option(help: "The text to generate.")
    var prompt: String

    @Option(help: "The text to steer away from.")
    var negativePrompt: String = ""

    @Option(help: "Denoising steps.")
    var steps: Int = 50

    @Option(help: "Classifier-free guidance scale; 1 or less turns guidance off.")
    var guidance: Double = 7.5

    @Option(help: "Sampler: plms, ddim, euler or dpmpp2m.")
    var sampler: GenerationConfiguration.Sampler = .plms

    @Option(help: "Seed of the torch-compatible noise generator.")
    var seed: UInt64 = 0

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard guidance.isFinite else { throw ValidationError("--guidance must be a number") }
    }

    /// The generation these options describe (the caller adds size, batch and image-to-image).
    func configuration() -> GenerationConfiguration {
        var configuration = GenerationConfiguration(prompt: prompt, negativePrompt: negativePrompt)
        configuration.stepCount = steps
        configuration.guidanceScale = guidance
        configuration.sampler = sampler
        configuration.seed = seed
        return configuration
    }
}
