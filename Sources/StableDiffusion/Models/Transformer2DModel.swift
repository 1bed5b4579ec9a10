import Tensor

/// The spatial transformer of the UNet's cross-attention blocks (diffusers `Transformer2DModel`,
/// continuous input): GroupNorm, `proj_in` (1×1 convolution, or linear with
/// `use_linear_projection`), the image as `H·W` tokens through `transformer_blocks`, `proj_out`,
/// plus the input.
///
/// Matches: diffusers 0.42.1 `models/transformers/transformer_2d.py` `Transformer2DModel`.
struct Transformer2DModel: Sendable {
    /// `proj_in`/`proj_out`: pointwise convolutions in SD v1.x, linear layers in SD 2.x.
    enum Projection: Sendable {
        case convolution(Conv2D)
        case linear(Linear)
    }

    let norm: GroupNorm
    let projectionIn: Projection
    let blocks: [BasicTransformerBlock]
    let projectionOut: Projection

    init(
        _ weights: CheckpointWeights, channels: Int, headCount: Int, layerCount: Int, contextWidth: Int,
        groupCount: Int, linearProjection: Bool
    ) throws {
        func projection(_ name: String) throws -> Projection {
            linearProjection
                ? .linear(try Linear(weights.scoped(name), inFeatures: channels, outFeatures: channels))
                : .convolution(
                    try Conv2D(weights.scoped(name), inChannels: channels, outChannels: channels, kernelSize: 1))
        }
        norm = try GroupNorm(weights.scoped("norm"), channels: channels, groupCount: groupCount, epsilon: 1e-6)
        projectionIn = try projection("proj_in")
        let blockWeights = weights.scoped("transformer_blocks")
        blocks = try (0..<layerCount).map {
            try BasicTransformerBlock(
                blockWeights.scoped(String($0)), width: channels, headCount: headCount, contextWidth: contextWidth)
        }
        projectionOut = try projection("proj_out")
    }

    /// - Parameters:
    ///   - x: `[N, C, H, W]`.
    ///   - context: the text encoder states `[N, S, cross_attention_dim]`.
    func callAsFunction(_ x: Tensor, context: Tensor) throws -> Tensor {
        let height = x.shape[2], width = x.shape[3]
        let normalized = try norm(x)
        var tokens: Tensor
        switch projectionIn {
        case let .convolution(conv): tokens = try Transformer2DModel.tokens(conv(normalized))
        case let .linear(linear): tokens = try linear(Transformer2DModel.tokens(normalized))
        }
        for block in blocks {
            tokens = try block(tokens, context: context)
        }
        switch projectionOut {
        case let .convolution(conv):
            return try conv(Transformer2DModel.image(tokens, height: height, width: width), residual: x)
        case let .linear(linear):
            let image = try Transformer2DModel.image(linear(tokens), height: height, width: width)
            return try image + x
        }
    }

    /// `[N, C, H, W]` → `[N, H·W, C]`.
    static func tokens(_ image: Tensor) throws -> Tensor {
        try image.reshaped([image.shape[0], image.shape[1], -1]).permuted([0, 2, 1])
    }

    /// `[N, H·W, C]` → `[N, C, H, W]`.
    static func image(_ tokens: Tensor, height: Int, width: Int) throws -> Tensor {
        try tokens.permuted([0, 2, 1]).reshaped([tokens.shape[0], tokens.shape[2], height, width])
    }
}
