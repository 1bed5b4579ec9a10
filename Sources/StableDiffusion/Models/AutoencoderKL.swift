import Tensor

/// The Stable Diffusion v1.x VAE (diffusers `AutoencoderKL`), built from its `config.json`:
/// images in [-1, 1] to latent distributions (`encode`) and latents back to images (`decode`).
///
/// Like diffusers' `vae.encode`/`vae.decode`, neither applies `scalingFactor`: a pipeline
/// multiplies sampled latents by it after encoding and divides by it before decoding.
///
/// Matches: diffusers 0.42.1 `models/autoencoders/autoencoder_kl.py` `AutoencoderKL`.
public struct AutoencoderKL: Sendable {
    public let config: AutoencoderKLConfig
    let encoder: VAEEncoder?
    let quantConv: Conv2D?
    let postQuantConv: Conv2D?
    let decoder: VAEDecoder

    /// Builds the VAE that `config` describes and reads its parameters from `weights`.
    ///
    /// - Parameter loadingEncoder: `false` skips the encoder's weights (text-to-image and the
    ///   key holder only decode); `encode` then throws.
    /// - Throws: `ModelConfigurationError` for block types or options outside SD v1.x VAEs (`SDv1Support`),
    ///   `SafeTensorsError` naming any missing or mis-shaped tensor.
    public init(config: AutoencoderKLConfig, weights: any TensorArchive, loadingEncoder: Bool = true) throws {
        try self.init(config: config, checkpoint: CheckpointWeights(weights), loadingEncoder: loadingEncoder)
    }

    /// Builds the model that `config` describes with seeded random parameters (uniform in
    /// ±1/√fan-in), for benchmarks that need the real architecture but no checkpoint.
    public init(config: AutoencoderKLConfig, randomWeightsSeed seed: UInt64, loadingEncoder: Bool = true) throws {
        try self.init(config: config, checkpoint: CheckpointWeights(randomSeed: seed), loadingEncoder: loadingEncoder)
    }

    /// Builds the model that `config` describes from the parameters `checkpoint` supplies.
    init(config: AutoencoderKLConfig, checkpoint root: CheckpointWeights, loadingEncoder: Bool) throws {
        try SDv1Support.check(config, file: "AutoencoderKL config")
        self.config = config
        let latent = config.latentChannels
        encoder = loadingEncoder ? try VAEEncoder(root.scoped("encoder"), config: config) : nil
        quantConv = loadingEncoder && config.useQuantConv
            ? try Conv2D(root.scoped("quant_conv"), inChannels: 2 * latent, outChannels: 2 * latent, kernelSize: 1)
            : nil
        postQuantConv = config.usePostQuantConv
            ? try Conv2D(root.scoped("post_quant_conv"), inChannels: latent, outChannels: latent, kernelSize: 1)
            : nil
        decoder = try VAEDecoder(root.scoped("decoder"), config: config)
    }

    /// Opens `folder`'s VAE weights and builds the model from its config.
    public init(folder: DiffusersModelFolder, loadingEncoder: Bool = true) throws {
        try self.init(config: folder.vae, weights: folder.weights(for: .vae), loadingEncoder: loadingEncoder)
    }

    /// Latents are multiplied by this after encoding and divided by it before decoding (0.18215 in SD v1.x).
    public var scalingFactor: Float { Float(config.scalingFactor) }

    /// Image pixels per latent pixel along each side.
    public var downsamplingFactor: Int { config.downsamplingFactor }

    /// Decodes latents (already divided by `scalingFactor`) `[N, latent_channels, h, w]` to images
    /// `[N, out_channels, h·f, w·f]` in about [-1, 1] (unclamped, as diffusers returns them).
    ///
    /// - Throws: `ModelError.invalidInput` for a tensor of the wrong shape.
    public func decode(_ latents: Tensor) throws -> Tensor {
        guard latents.rank == 4, latents.shape[1] == config.latentChannels, latents.scalarCount > 0 else {
            throw ModelError.invalidInput(
                model: "AutoencoderKL", input: "latents", expected: "[N, \(config.latentChannels), h, w]",
                found: "\(latents.shape)")
        }
        return try decoder(postQuantConv.map { try $0(latents) } ?? latents)
    }

    /// Encodes images `[N, in_channels, H, W]` in [-1, 1], H and W multiples of
    /// `downsamplingFactor`, to the latent distribution (before `scalingFactor`).
    ///
    /// - Throws: `ModelError.invalidInput` for a tensor of the wrong shape or when the encoder was
    ///   not loaded.
    public func encode(_ images: Tensor) throws -> LatentDistribution {
        guard let encoder else {
            throw ModelError.invalidInput(
                model: "AutoencoderKL", input: "encode", expected: "a VAE loaded with loadingEncoder: true",
                found: "a decoder-only VAE")
        }
        let factor = downsamplingFactor
        guard images.rank == 4, images.shape[1] == config.inChannels, images.shape[0] > 0,
              images.shape[2] > 0, images.shape[3] > 0, images.shape[2] % factor == 0, images.shape[3] % factor == 0
        else {
            throw ModelError.invalidInput(
                model: "AutoencoderKL", input: "images",
                expected: "[N, \(config.inChannels), H, W] with H and W multiples of \(factor)", found: "\(images.shape)")
        }
        let encoded = try encoder(images)
        let moments = try quantConv.map { try $0(encoded) } ?? encoded
        return try LatentDistribution(moments: moments)
    }
}
