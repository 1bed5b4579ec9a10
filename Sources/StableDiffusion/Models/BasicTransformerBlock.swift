import Tensor

/// One transformer layer of the UNet (diffusers `BasicTransformerBlock`, `norm_type` "layer_norm"):
/// pre-LayerNorm self-attention, cross-attention on the text states, and a GEGLU feed-forward
/// (`ff.net.0.proj` to 2×4×width, `hidden · gelu(gate)`, `ff.net.2` back), each with a residual.
///
/// Matches: diffusers 0.42.1 `models/attention.py` `BasicTransformerBlock` and `FeedForward`/`GEGLU`.
struct BasicTransformerBlock: Sendable {
    let norm1: LayerNorm
    let selfAttention: CrossAttention
    let norm2: LayerNorm
    let crossAttention: CrossAttention
    let norm3: LayerNorm
    let feedForwardIn: Linear
    let feedForwardOut: Linear

    init(_ weights: CheckpointWeights, width: Int, headCount: Int, contextWidth: Int) throws {
        let epsilon: Float = 1e-5
        let innerWidth = 4 * width
        norm1 = try LayerNorm(weights.scoped("norm1"), width: width, epsilon: epsilon)
        selfAttention = try CrossAttention(
            weights.scoped("attn1"), queryWidth: width, contextWidth: width, headCount: headCount, projectionBias: false)
        norm2 = try LayerNorm(weights.scoped("norm2"), width: width, epsilon: epsilon)
        crossAttention = try CrossAttention(
            weights.scoped("attn2"), queryWidth: width, contextWidth: contextWidth, headCount: headCount,
            projectionBias: false)
        norm3 = try LayerNorm(weights.scoped("norm3"), width: width, epsilon: epsilon)
        let feedForward = weights.scoped("ff").scoped("net")
        feedForwardIn = try Linear(
            feedForward.scoped("0").scoped("proj"), inFeatures: width, outFeatures: 2 * innerWidth)
        feedForwardOut = try Linear(feedForward.scoped("2"), inFeatures: innerWidth, outFeatures: width)
    }

    /// - Parameters:
    ///   - x: `[B, L, width]` (L = H·W tokens).
    ///   - context: the text encoder states `[B, S, cross_attention_dim]`.
    func callAsFunction(_ x: Tensor, context: Tensor) throws -> Tensor {
        var h = try selfAttention(norm1(x), residual: x)
        h = try crossAttention(norm2(h), context: context, residual: h)
        return try feedForwardOut(feedForwardIn(norm3(h)).geglu(), residual: h)
    }
}
