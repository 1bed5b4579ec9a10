import Tensor

/// Multi-head attention with its projections (diffusers `Attention` with the default processor):
/// `to_q` from the hidden states, `to_k`/`to_v` from the context (the text encoder states for
/// cross-attention, the hidden states themselves for self-attention), softmax(q·kᵀ/√d)·v per head,
/// then `to_out.0`.
///
/// Matches: diffusers 0.42.1 `models/attention_processor.py` `Attention` + `AttnProcessor2_0`.
struct CrossAttention: Sendable {
    let query: Linear
    let key: Linear
    let value: Linear
    let output: Linear
    let headCount: Int

    /// - Parameters:
    ///   - contextWidth: width of the key/value source (`cross_attention_dim`, or `queryWidth`
    ///     for self-attention).
    ///   - projectionBias: whether `to_q`/`to_k`/`to_v` have biases (false in the UNet, true in the VAE).
    init(
        _ weights: CheckpointWeights, queryWidth: Int, contextWidth: Int, headCount: Int, projectionBias: Bool
    ) throws {
        query = try Linear(weights.scoped("to_q"), inFeatures: queryWidth, outFeatures: queryWidth, bias: projectionBias)
        key = try Linear(weights.scoped("to_k"), inFeatures: contextWidth, outFeatures: queryWidth, bias: projectionBias)
        value = try Linear(weights.scoped("to_v"), inFeatures: contextWidth, outFeatures: queryWidth, bias: projectionBias)
        output = try Linear(weights.scoped("to_out").scoped("0"), inFeatures: queryWidth, outFeatures: queryWidth)
        self.headCount = headCount
    }

    /// - Parameters:
    ///   - x: `[B, L, queryWidth]`.
    ///   - context: `[B, S, contextWidth]`, or `nil` for self-attention.
    ///   - residual: added to the output projection (the transformer block's skip connection).
    /// - Returns: `[B, L, queryWidth]`.
    func callAsFunction(_ x: Tensor, context: Tensor? = nil, residual: Tensor? = nil) throws -> Tensor {
        let source = context ?? x
        let attended = try Tensor.scaledDotProductAttention(
            query: query(x), key: key(source), value: value(source), headCount: headCount)
        return try output(attended, residual: residual)
    }
}
