import Tensor

/// Settings shared by every block of one UNet, taken from its config.
struct UNetBlockSettings {
    let timeEmbeddingChannels: Int
    let groupCount: Int
    let epsilon: Float
    let contextWidth: Int
    let linearProjection: Bool

    /// The `attentions.<i>` transformers of a cross-attention block, one per layer.
    func transformers(
        _ weights: CheckpointWeights, count: Int, channels: Int, headCount: Int, transformerLayerCount: Int
    ) throws -> [Transformer2DModel] {
        try (0..<count).map {
            try Transformer2DModel(
                weights.scoped("attentions").scoped(String($0)), channels: channels, headCount: headCount,
                layerCount: transformerLayerCount, contextWidth: contextWidth,
                groupCount: groupCount, linearProjection: linearProjection)
        }
    }
}

/// A down block: `CrossAttnDownBlock2D` (ResNet + transformer per layer) or `DownBlock2D`
/// (ResNets only), then an optional `Downsample2D`. Every layer's output and the downsampled
/// output are kept for the up path's skip connections.
///
/// Matches: diffusers 0.42.1 `models/unets/unet_2d_blocks.py` `CrossAttnDownBlock2D`, `DownBlock2D`.
struct UNetDownBlock: Sendable {
    let resnets: [ResnetBlock2D]
    /// One transformer per ResNet in a cross-attention block; empty in a `DownBlock2D`.
    let attentions: [Transformer2DModel]
    let downsampler: Downsample2D?

    init(
        _ weights: CheckpointWeights, crossAttention: Bool, inChannels: Int, outChannels: Int, layerCount: Int,
        headCount: Int, transformerLayerCount: Int, addDownsample: Bool, downsamplePadding: Int,
        settings: UNetBlockSettings
    ) throws {
        resnets = try (0..<layerCount).map {
            try ResnetBlock2D(
                weights.scoped("resnets").scoped(String($0)), inChannels: $0 == 0 ? inChannels : outChannels,
                outChannels: outChannels, timeEmbeddingChannels: settings.timeEmbeddingChannels,
                groupCount: settings.groupCount, epsilon: settings.epsilon)
        }
        attentions = crossAttention
            ? try settings.transformers(
                weights, count: layerCount, channels: outChannels, headCount: headCount,
                transformerLayerCount: transformerLayerCount)
            : []
        downsampler = addDownsample
            ? try Downsample2D(
                weights.scoped("downsamplers").scoped("0"), channels: outChannels, padding: downsamplePadding)
            : nil
    }

    /// Returns the block output and appends the tensors the up path will concatenate to `skips`.
    func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor, skips: inout [Tensor]) throws -> Tensor {
        var h = x
        for (index, resnet) in resnets.enumerated() {
            h = try resnet(h, activatedTimeEmbedding: temb)
            if !attentions.isEmpty { h = try attentions[index](h, context: context) }
            skips.append(h)
        }
        if let downsampler {
            h = try downsampler(h)
            skips.append(h)
        }
        return h
    }
}

/// The middle of the UNet (`UNetMidBlock2DCrossAttn`): a ResNet, then (transformer, ResNet) per layer.
///
/// Matches: diffusers 0.42.1 `models/unets/unet_2d_blocks.py` `UNetMidBlock2DCrossAttn` (one layer in SD).
struct UNetMidBlock: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]

    init(
        _ weights: CheckpointWeights, channels: Int, headCount: Int, transformerLayerCount: Int,
        outputScaleFactor: Float, settings: UNetBlockSettings
    ) throws {
        let layerCount = 1
        resnets = try (0...layerCount).map {
            try ResnetBlock2D(
                weights.scoped("resnets").scoped(String($0)), inChannels: channels, outChannels: channels,
                timeEmbeddingChannels: settings.timeEmbeddingChannels, groupCount: settings.groupCount,
                epsilon: settings.epsilon, outputScaleFactor: outputScaleFactor)
        }
        attentions = try (0..<layerCount).map {
            try Transformer2DModel(
                weights.scoped("attentions").scoped(String($0)), channels: channels, headCount: headCount,
                layerCount: transformerLayerCount, contextWidth: settings.contextWidth,
                groupCount: settings.groupCount, linearProjection: settings.linearProjection)
        }
    }

    func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor) throws -> Tensor {
        var h = try resnets[0](x, activatedTimeEmbedding: temb)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = try resnet(attention(h, context: context), activatedTimeEmbedding: temb)
        }
        return h
    }
}

/// An up block: `CrossAttnUpBlock2D` or `UpBlock2D`. Each layer concatenates the latest unused
/// skip tensor along channels before its ResNet; an optional `Upsample2D` follows.
///
/// Matches: diffusers 0.42.1 `models/unets/unet_2d_blocks.py` `CrossAttnUpBlock2D`, `UpBlock2D`.
struct UNetUpBlock: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let upsampler: Upsample2D?

    /// - Parameters:
    ///   - inChannels: channels of the deepest skip this block consumes (its last layer's skip).
    ///   - previousOutChannels: channels coming from the block below.
    ///   - layerCount: `layers_per_block + 1`.
    init(
        _ weights: CheckpointWeights, crossAttention: Bool, inChannels: Int, outChannels: Int,
        previousOutChannels: Int, layerCount: Int, headCount: Int, transformerLayerCount: Int, addUpsample: Bool,
        settings: UNetBlockSettings
    ) throws {
        resnets = try (0..<layerCount).map { index in
            let skipChannels = index == layerCount - 1 ? inChannels : outChannels
            let inputChannels = index == 0 ? previousOutChannels : outChannels
            return try ResnetBlock2D(
                weights.scoped("resnets").scoped(String(index)), inChannels: inputChannels + skipChannels,
                outChannels: outChannels, timeEmbeddingChannels: settings.timeEmbeddingChannels,
                groupCount: settings.groupCount, epsilon: settings.epsilon)
        }
        attentions = crossAttention
            ? try settings.transformers(
                weights, count: layerCount, channels: outChannels, headCount: headCount,
                transformerLayerCount: transformerLayerCount)
            : []
        upsampler = addUpsample ? try Upsample2D(weights.scoped("upsamplers").scoped("0"), channels: outChannels) : nil
    }

    /// Consumes this block's skip tensors from the end of `skips`.
    func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor, skips: inout [Tensor]) throws -> Tensor {
        var h = x
        for (index, resnet) in resnets.enumerated() {
            let skip = skips.removeLast()
            h = try resnet(Tensor.concatenated([h, skip], axis: 1), activatedTimeEmbedding: temb)
            if !attentions.isEmpty { h = try attentions[index](h, context: context) }
        }
        if let upsampler { h = try upsampler(h) }
        return h
    }
}
