import Tensor

/// The output size of a run, in pixels.
struct ImageSize: Equatable {
    let width: Int
    let height: Int
}

extension StableDiffusionPipeline {
    /// Checks every setting of `configuration` against this model and returns the output size:
    /// the configured one, else the start image's, else the model's native size; within
    /// `GenerationConfiguration`'s size limits.
    func checkedSize(_ configuration: GenerationConfiguration) throws -> ImageSize {
        try configuration.checkSettings()
        let start = configuration.initImage
        let native = defaultImageSide
        let multiple = imageSideMultiple
        var sides: [Int] = []
        for (name, value, fromImage) in [
            ("width", configuration.width, start?.image.width), ("height", configuration.height, start?.image.height),
        ] {
            guard let side = value ?? fromImage ?? native else {
                throw PipelineError.invalidSetting(
                    name: name, value: "unset", expected: "a value: the UNet config has no sample_size to default to")
            }
            guard side > 0, side % multiple == 0 else {
                throw PipelineError.invalidSetting(
                    name: name, value: "\(side)", expected: "a positive multiple of \(multiple) for this model")
            }
            sides.append(side)
        }
        try GenerationConfiguration.checkImageSize(
            width: sides[0], height: sides[1], promptCount: configuration.prompts.count, batchSize: configuration.batchSize)
        let size = ImageSize(width: sides[0], height: sides[1])
        if let start {
            guard start.image.width == size.width, start.image.height == size.height else {
                throw PipelineError.initImageSizeMismatch(
                    width: start.image.width, height: start.image.height, expectedWidth: size.width,
                    expectedHeight: size.height)
            }
        }
        return size
    }

    /// The first latent of the run, drawn from `generator` in diffusers' order, with `scheduler`
    /// set to the first step it runs.
    ///
    /// Text-to-image: `randn(shape) · init_noise_sigma`. Image-to-image: the start image's VAE
    /// latent sample times the scaling factor, repeated over the batch, forward-diffused with one
    /// `randn(shape)` to the first of the last `⌊steps · strength⌋` steps.
    func initialLatents<Generator: NoiseGenerator>(
        _ configuration: GenerationConfiguration, size: ImageSize, scheduler: inout any Scheduler,
        generator: inout Generator
    ) throws -> Tensor {
        let factor = vae.downsamplingFactor
        let shape = [configuration.imageCount, unet.config.inChannels, size.height / factor, size.width / factor]
        guard let start = configuration.initImage else {
            return try generator.randn(shape: shape) * scheduler.initNoiseSigma
        }
        let steps = configuration.stepCount
        let noisedStepCount = min(Int(Double(steps) * start.strength), steps)
        guard noisedStepCount > 0 else {
            throw PipelineError.noStepsToRun(stepCount: steps, strength: start.strength)
        }
        let beginIndex = steps - noisedStepCount
        try scheduler.setBeginIndex(beginIndex)
        let encoded = try vae.encode(start.image.tensor()).sample(using: &generator) * vae.scalingFactor
        let original = try Tensor.concatenated(Array(repeating: encoded, count: configuration.imageCount), axis: 0)
        let noise = try generator.randn(shape: shape)
        return try scheduler.addNoise(to: original, noise: noise, at: beginIndex)
    }
}
