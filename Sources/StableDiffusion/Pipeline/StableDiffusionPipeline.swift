import Foundation
import Imaging
import Tensor

/// Stable Diffusion v1.x text-to-image and image-to-image generation on the CPU: the tokenizer,
/// text encoder, UNet and VAE of one diffusers model folder, with the samplers built from its
/// scheduler config.
///
/// Matches: diffusers 0.42.1 pipelines/stable_diffusion/pipeline_stable_diffusion.py and
/// pipeline_stable_diffusion_img2img.py (`__call__`, `encode_prompt`, `prepare_latents`,
/// `get_timesteps`), checked by the complete 10-step runs in Tests/Fixtures/records/pipelines.
public struct StableDiffusionPipeline: Sendable {
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextEncoder
    public let unet: UNet2DConditionModel
    /// What the denoising loop asks for ε: `unet` unless replaced (e.g. by a fixed-point reference of it).
    public var noisePredictor: any NoisePredictor
    public let vae: AutoencoderKL
    /// The folder's `scheduler_config.json`; every sampler is built from it, as diffusers' `from_config` does.
    public let schedulerConfiguration: SchedulerConfiguration

    public init(
        tokenizer: CLIPTokenizer, textEncoder: CLIPTextEncoder, unet: UNet2DConditionModel, vae: AutoencoderKL,
        schedulerConfiguration: SchedulerConfiguration
    ) {
        self.tokenizer = tokenizer
        self.textEncoder = textEncoder
        self.unet = unet
        self.noisePredictor = unet
        self.vae = vae
        self.schedulerConfiguration = schedulerConfiguration
    }

    /// Loads every component of `source`: a diffusers folder, a single-file checkpoint, or either with another VAE.
    ///
    /// - Parameter loadingVAEEncoder: `false` skips the VAE encoder, which only image-to-image needs.
    /// - Throws: the component's error naming the missing file or tensor, or the unsupported option.
    public init(source: ModelSource, loadingVAEEncoder: Bool = true) throws {
        self.init(
            tokenizer: try source.tokenizer(),
            textEncoder: try CLIPTextEncoder(config: source.textEncoder, weights: source.weights(for: .textEncoder)),
            unet: try UNet2DConditionModel(config: source.unet, weights: source.weights(for: .unet)),
            vae: try AutoencoderKL(config: source.vae, weights: source.weights(for: .vae), loadingEncoder: loadingVAEEncoder),
            schedulerConfiguration: source.scheduler)
        try source.checkLoRAApplied()
    }

    /// Loads every component of `folder`.
    public init(folder: DiffusersModelFolder, loadingVAEEncoder: Bool = true) throws {
        try self.init(source: folder.source, loadingVAEEncoder: loadingVAEEncoder)
    }

    /// The output size when a configuration leaves it `nil`: the UNet's `sample_size` in pixels
    /// (512 for SD v1.x), or `nil` when the UNet config has no `sample_size`.
    public var defaultImageSide: Int? {
        unet.config.sampleSize.map { $0 * vae.downsamplingFactor }
    }

    /// Image sides must be multiples of this: 8 (as diffusers requires) and whole latents that the
    /// UNet can halve at every level.
    public var imageSideMultiple: Int {
        let latentMultiple = vae.downsamplingFactor * unet.spatialMultiple
        return latentMultiple * 8 / gcd(latentMultiple, 8)
    }

    /// Runs `configuration` with plaintext latent updates and decodes the images.
    public func generate(
        _ configuration: GenerationConfiguration, progress: (GenerationProgress) -> Void = { _ in }
    ) throws -> GenerationResult {
        var update = PlaintextLatentUpdate()
        return try generate(configuration, latentUpdate: &update, progress: progress)
    }

    /// Runs `configuration`, letting `latentUpdate` apply every sampler step, and decodes the images;
    /// the noise comes from the torch-compatible generator seeded with `configuration.seed`.
    public func generate<Strategy: LatentUpdateStrategy>(
        _ configuration: GenerationConfiguration, latentUpdate: inout Strategy,
        progress: (GenerationProgress) -> Void = { _ in }
    ) throws -> GenerationResult {
        var noise = TorchRandomGenerator(seed: configuration.seed)
        return try generate(configuration, latentUpdate: &latentUpdate, noise: &noise, progress: progress)
    }

    /// Runs `configuration` with every random draw taken from `noise` (`configuration.seed` is then
    /// unused), letting `latentUpdate` apply every sampler step, and decodes the images.
    public func generate<Strategy: LatentUpdateStrategy, Noise: NoiseGenerator>(
        _ configuration: GenerationConfiguration, latentUpdate: inout Strategy, noise: inout Noise,
        progress: (GenerationProgress) -> Void = { _ in }
    ) throws -> GenerationResult {
        let latents = try denoise(configuration, latentUpdate: &latentUpdate, noise: &noise, progress: progress)
        return GenerationResult(images: try decode(latents), latents: latents)
    }

    /// The denoising loop: the final latents (scaled by the VAE's scaling factor, diffusers'
    /// `output_type="latent"`), without decoding them. Every random draw — the initial latent,
    /// the image-to-image encoder sample and forward noise, DDIM's variance noise — comes from
    /// `noise`, in diffusers' order.
    public func denoise<Strategy: LatentUpdateStrategy, Noise: NoiseGenerator>(
        _ configuration: GenerationConfiguration, latentUpdate: inout Strategy, noise generator: inout Noise,
        progress: (GenerationProgress) -> Void = { _ in }
    ) throws -> Tensor {
        let size = try checkedSize(configuration)
        let textStates = try encodePrompts(configuration, progress: progress)
        var scheduler = try configuration.makeScheduler(schedulerConfiguration)
        var latents = try initialLatents(configuration, size: size, scheduler: &scheduler, generator: &generator)

        let first = scheduler.stepIndex
        let count = scheduler.timesteps.count - first
        let guided = configuration.usesGuidance
        for stepIndex in 0..<count {
            let start = ContinuousClock.now
            let timestep = scheduler.timesteps[first + stepIndex]
            let input = try scheduler.scaleModelInput(latents)
            let prediction = try noisePredictor(
                guided ? Tensor.concatenated([input, input], axis: 0) : input, timestep: timestep,
                encoderHiddenStates: textStates)
            let noise = try guided ? Self.guide(prediction, scale: configuration.guidanceScale) : prediction
            let step = try scheduler.step(modelOutput: noise, generator: &generator)
            let updated = try latentUpdate.apply(step, to: latents, stepIndex: stepIndex)
            guard updated.shape == latents.shape else {
                throw PipelineError.latentShapeChanged(expected: latents.shape, found: updated.shape)
            }
            latents = updated
            let elapsed = ContinuousClock.now - start
            progress(.step(index: stepIndex + 1, count: count, seconds: elapsed.seconds))
        }
        return latents
    }

    /// Images of final latents (as `denoise` returns them): divided by the scaling factor,
    /// decoded by the VAE, and quantized as diffusers' "pil" output.
    public func decode(_ latents: Tensor) throws -> [PixelImage] {
        try PixelImage.images(fromDecoded: vae.decode(latents / vae.scalingFactor))
    }

    /// Classifier-free guidance on a `[2N, …]` prediction whose first half is unconditional:
    /// `ε_uncond + w · (ε_cond − ε_uncond)`, evaluated as diffusers writes it.
    static func guide(_ prediction: Tensor, scale: Double) throws -> Tensor {
        let halves = try prediction.chunked(2, axis: 0)
        return try halves[0] + Float(scale) * (halves[1] - halves[0])
    }

    private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// What `StableDiffusionPipeline.generate` returns.
public struct GenerationResult: Sendable {
    /// One image per batch entry, each prompt's images next to each other.
    public let images: [PixelImage]
    /// The final latents `[N, 4, h, w]` before decoding (diffusers' `output_type="latent"`).
    public let latents: Tensor
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
