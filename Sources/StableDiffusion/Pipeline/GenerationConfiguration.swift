import Imaging

/// Everything one `StableDiffusionPipeline.generate` call needs besides the model.
///
/// Defaults follow diffusers' `StableDiffusionPipeline.__call__` (50 steps, guidance 7.5) and the
/// paper's sampler (PLMS). Leaving `width`/`height` `nil` uses the model's native size, the UNet's
/// `sample_size` times the VAE's downsampling factor (512 for SD v1.x). Sizes are limited
/// (`maximumImageSide`, `maximumPixelCount`); `checkSettings()` checks what needs no model.
public struct GenerationConfiguration: Sendable, Equatable {
    /// The sampler driving the denoising loop.
    public enum Sampler: String, Sendable, CaseIterable {
        /// PNDM in PLMS mode (`skip_prk_steps`), the HE-Diffusion paper's sampler.
        case plms
        /// DDIM with stochasticity `ddimEta`.
        case ddim
        /// Euler discrete.
        case euler
        /// DPM-Solver++ 2M.
        case dpmpp2m
        /// Euler ancestral: fresh noise at every step.
        case eulerAncestral = "euler-a"
    }

    /// Image-to-image start: the image to noise and denoise, and how much of the schedule to run.
    public struct InitImage: Sendable, Equatable {
        /// The starting image; its size must equal the generation size.
        public var image: PixelImage
        /// Fraction of the denoising schedule to run, in (0, 1]: 1 ignores the image's content,
        /// small values keep it close to the original.
        public var strength: Double

        public init(image: PixelImage, strength: Double = 0.8) {
            self.image = image
            self.strength = strength
        }
    }

    /// The texts to generate, one batch entry each (diffusers' `prompt` list); at least one.
    public var prompts: [String]
    /// The texts to steer away from: none (diffusers' empty unconditional prompt), one for every
    /// prompt, or one per prompt in order.
    public var negativePrompts: [String] = []
    /// Number of denoising steps (before image-to-image strength trims them).
    public var stepCount: Int = 50
    /// Classifier-free guidance scale w: `ε = ε_uncond + w · (ε_cond − ε_uncond)`; guidance is off at w ≤ 1.
    public var guidanceScale: Double = 7.5
    public var sampler: Sampler = .plms
    /// Seed of the torch-compatible generator drawing the initial (and DDIM's) noise.
    public var seed: UInt64 = 0
    /// Output width in pixels, a multiple of 8 of at most `maximumImageSide` (2048); `nil` is the
    /// model's native size.
    public var width: Int? = nil
    /// Output height in pixels, a multiple of 8 of at most `maximumImageSide` (2048); `nil` is the
    /// model's native size.
    public var height: Int? = nil
    /// Images generated per prompt (diffusers' `num_images_per_prompt`), ≥ 1; the batch holds
    /// `prompts.count · batchSize` images, each prompt's images next to each other, of at most
    /// `maximumPixelCount` pixels together.
    public var batchSize: Int = 1
    /// The image-to-image start; `nil` generates from pure noise (text-to-image).
    public var initImage: InitImage? = nil
    /// DDIM's stochasticity η in [0, 1]; ignored by the other samplers.
    public var ddimEta: Double = 0
    /// Karras et al.'s σ spacing (diffusers' `use_karras_sigmas`) for Euler and DPM-Solver++ 2M;
    /// the scheduler config's own setting is used when this is `false`.
    public var useKarrasSigmas = false

    /// One prompt (and optionally one negative prompt) with every other setting at its default.
    public init(prompt: String, negativePrompt: String = "") {
        prompts = [prompt]
        negativePrompts = negativePrompt.isEmpty ? [] : [negativePrompt]
    }

    /// Several prompts generated together, with their negative prompts (none, one for all, or one each).
    public init(prompts: [String], negativePrompts: [String] = []) {
        self.prompts = prompts
        self.negativePrompts = negativePrompts
    }

    /// Number of images the run produces.
    public var imageCount: Int { prompts.count * batchSize }

    /// Whether the noise prediction is guided, which doubles the UNet batch (diffusers' `guidance_scale > 1`).
    public var usesGuidance: Bool { guidanceScale > 1 }
}
