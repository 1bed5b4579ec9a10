import Tensor

/// The VAE decoder (diffusers `Decoder`): `conv_in`, the mid block, `UpDecoderBlock2D`s
/// (`layers_per_block + 1` ResNets, then a 2× upsampler except in the last block), GroupNorm,
/// SiLU, `conv_out` to image channels.
///
/// Matches: diffusers 0.42.1 `models/autoencoders/vae.py` `Decoder`, `unet_2d_blocks.py` `UpDecoderBlock2D`.
struct VAEDecoder: Sendable {
    /// One `UpDecoderBlock2D`.
    struct UpBlock: Sendable {
        let resnets: [ResnetBlock2D]
        let upsampler: Upsample2D?
    }

    let convIn: Conv2D
    let midBlock: VAEMidBlock
    let upBlocks: [UpBlock]
    let convNormOut: GroupNorm
    let convOut: Conv2D

    init(_ weights: CheckpointWeights, config: AutoencoderKLConfig) throws {
        let reversed = Array(config.blockOutChannels.reversed()), groups = config.normNumGroups
        let epsilon: Float = 1e-6
        convIn = try Conv2D(
            weights.scoped("conv_in"), inChannels: config.latentChannels, outChannels: reversed[0], kernelSize: 3,
            padding: 1)
        midBlock = try VAEMidBlock(
            weights.scoped("mid_block"), channels: reversed[0], groupCount: groups, epsilon: epsilon,
            addAttention: config.midBlockAddAttention)
        upBlocks = try reversed.indices.map { i in
            let block = weights.scoped("up_blocks").scoped(String(i))
            let inChannels = i == 0 ? reversed[0] : reversed[i - 1]
            let resnets = try (0...config.layersPerBlock).map {
                try ResnetBlock2D(
                    block.scoped("resnets").scoped(String($0)), inChannels: $0 == 0 ? inChannels : reversed[i],
                    outChannels: reversed[i], timeEmbeddingChannels: nil, groupCount: groups, epsilon: epsilon)
            }
            let upsampler = i < reversed.count - 1
                ? try Upsample2D(block.scoped("upsamplers").scoped("0"), channels: reversed[i])
                : nil
            return UpBlock(resnets: resnets, upsampler: upsampler)
        }
        let shallowest = config.blockOutChannels[0]
        convNormOut = try GroupNorm(
            weights.scoped("conv_norm_out"), channels: shallowest, groupCount: groups, epsilon: epsilon)
        convOut = try Conv2D(
            weights.scoped("conv_out"), inChannels: shallowest, outChannels: config.outChannels, kernelSize: 3, padding: 1)
    }

    /// `[N, latent_channels, h, w]` → `[N, out_channels, h·f, w·f]`.
    func callAsFunction(_ latents: Tensor) throws -> Tensor {
        var h = try midBlock(convIn(latents))
        for block in upBlocks {
            for resnet in block.resnets { h = try resnet(h) }
            if let upsampler = block.upsampler { h = try upsampler(h) }
        }
        return try convOut(convNormOut(h, applyingSiLU: true))
    }
}
