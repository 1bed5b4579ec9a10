import Tensor

/// The VAE encoder (diffusers `Encoder`, `double_z`): `conv_in`, `DownEncoderBlock2D`s (ResNets,
/// then a stride-2 downsampler except in the last block), the mid block, GroupNorm, SiLU, and
/// `conv_out` to the mean and log-variance channels.
///
/// Matches: diffusers 0.42.1 `models/autoencoders/vae.py` `Encoder`, `unet_2d_blocks.py` `DownEncoderBlock2D`.
struct VAEEncoder: Sendable {
    /// One `DownEncoderBlock2D`.
    struct DownBlock: Sendable {
        let resnets: [ResnetBlock2D]
        let downsampler: Downsample2D?
    }

    let convIn: Conv2D
    let downBlocks: [DownBlock]
    let midBlock: VAEMidBlock
    let convNormOut: GroupNorm
    let convOut: Conv2D

    init(_ weights: CheckpointWeights, config: AutoencoderKLConfig) throws {
        let channels = config.blockOutChannels, groups = config.normNumGroups
        let epsilon: Float = 1e-6
        convIn = try Conv2D(
            weights.scoped("conv_in"), inChannels: config.inChannels, outChannels: channels[0], kernelSize: 3, padding: 1)
        downBlocks = try channels.indices.map { i in
            let block = weights.scoped("down_blocks").scoped(String(i))
            let inChannels = i == 0 ? channels[0] : channels[i - 1]
            let resnets = try (0..<config.layersPerBlock).map {
                try ResnetBlock2D(
                    block.scoped("resnets").scoped(String($0)), inChannels: $0 == 0 ? inChannels : channels[i],
                    outChannels: channels[i], timeEmbeddingChannels: nil, groupCount: groups, epsilon: epsilon)
            }
            let downsampler = i < channels.count - 1
                ? try Downsample2D(block.scoped("downsamplers").scoped("0"), channels: channels[i], padding: 0)
                : nil
            return DownBlock(resnets: resnets, downsampler: downsampler)
        }
        let deepest = channels[channels.count - 1]
        midBlock = try VAEMidBlock(
            weights.scoped("mid_block"), channels: deepest, groupCount: groups, epsilon: epsilon,
            addAttention: config.midBlockAddAttention)
        convNormOut = try GroupNorm(weights.scoped("conv_norm_out"), channels: deepest, groupCount: groups, epsilon: epsilon)
        convOut = try Conv2D(
            weights.scoped("conv_out"), inChannels: deepest, outChannels: 2 * config.latentChannels, kernelSize: 3,
            padding: 1)
    }

    /// `[N, in_channels, H, W]` → `[N, 2·latent_channels, H/f, W/f]` (mean, then log-variance).
    func callAsFunction(_ image: Tensor) throws -> Tensor {
        var h = try convIn(image)
        for block in downBlocks {
            for resnet in block.resnets { h = try resnet(h) }
            if let downsampler = block.downsampler { h = try downsampler(h) }
        }
        h = try midBlock(h)
        return try convOut(convNormOut(h, applyingSiLU: true))
    }
}
