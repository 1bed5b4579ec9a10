import Tensor

/// Single-head spatial self-attention of the VAE's mid block (diffusers `Attention` built with
/// `residual_connection` and a `group_norm`): GroupNorm, the `H·W` positions as tokens, q/k/v
/// with biases, `to_out.0`, plus the input.
///
/// Matches: diffusers 0.42.1 `models/attention_processor.py` `Attention` + `AttnProcessor2_0`
/// (4-D input path, `heads = channels / attention_head_dim = 1`).
struct VAEAttention: Sendable {
    let groupNorm: GroupNorm
    let attention: CrossAttention

    init(_ weights: CheckpointWeights, channels: Int, groupCount: Int, epsilon: Float) throws {
        groupNorm = try GroupNorm(weights.scoped("group_norm"), channels: channels, groupCount: groupCount, epsilon: epsilon)
        attention = try CrossAttention(
            weights, queryWidth: channels, contextWidth: channels, headCount: 1, projectionBias: true)
    }

    /// `[N, C, H, W]` → `[N, C, H, W]`.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let height = x.shape[2], width = x.shape[3]
        let tokens = try Transformer2DModel.tokens(groupNorm(x))
        let attended = try attention(tokens, residual: Transformer2DModel.tokens(x))
        return try Transformer2DModel.image(attended, height: height, width: width)
    }
}

/// The VAE encoder's and decoder's middle (diffusers `UNetMidBlock2D` without time embedding):
/// ResNet, attention (unless `mid_block_add_attention` is false), ResNet.
///
/// Matches: diffusers 0.42.1 `models/unets/unet_2d_blocks.py` `UNetMidBlock2D` (one layer).
struct VAEMidBlock: Sendable {
    let firstResnet: ResnetBlock2D
    let attention: VAEAttention?
    let secondResnet: ResnetBlock2D

    init(_ weights: CheckpointWeights, channels: Int, groupCount: Int, epsilon: Float, addAttention: Bool) throws {
        let resnets = weights.scoped("resnets")
        func resnet(_ index: Int) throws -> ResnetBlock2D {
            try ResnetBlock2D(
                resnets.scoped(String(index)), inChannels: channels, outChannels: channels, timeEmbeddingChannels: nil,
                groupCount: groupCount, epsilon: epsilon)
        }
        firstResnet = try resnet(0)
        attention = addAttention
            ? try VAEAttention(
                weights.scoped("attentions").scoped("0"), channels: channels, groupCount: groupCount, epsilon: epsilon)
            : nil
        secondResnet = try resnet(1)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try firstResnet(x)
        if let attention { h = try attention(h) }
        return try secondResnet(h)
    }
}
