import Tensor

/// One pre-LayerNorm layer of the CLIP text transformer: causal multi-head self-attention
/// (`q_proj`/`k_proj`/`v_proj`/`out_proj`, all with bias) and an MLP (`fc1`, activation, `fc2`),
/// each with a residual.
///
/// Matches: transformers 5.24.0 `models/clip/modeling_clip.py` `CLIPEncoderLayer`.
struct CLIPEncoderLayer: Sendable {
    /// `hidden_act`: OpenAI CLIP (SD v1.x) uses quick_gelu.
    enum Activation: String, Sendable {
        case quickGELU = "quick_gelu"
        case gelu
    }

    let layerNorm1: LayerNorm
    let query: Linear
    let key: Linear
    let value: Linear
    let output: Linear
    let headCount: Int
    let layerNorm2: LayerNorm
    let fc1: Linear
    let fc2: Linear
    let activation: Activation

    init(
        _ weights: CheckpointWeights, width: Int, intermediateWidth: Int, headCount: Int, activation: Activation,
        epsilon: Float
    ) throws {
        let attention = weights.scoped("self_attn")
        layerNorm1 = try LayerNorm(weights.scoped("layer_norm1"), width: width, epsilon: epsilon)
        query = try Linear(attention.scoped("q_proj"), inFeatures: width, outFeatures: width)
        key = try Linear(attention.scoped("k_proj"), inFeatures: width, outFeatures: width)
        value = try Linear(attention.scoped("v_proj"), inFeatures: width, outFeatures: width)
        output = try Linear(attention.scoped("out_proj"), inFeatures: width, outFeatures: width)
        layerNorm2 = try LayerNorm(weights.scoped("layer_norm2"), width: width, epsilon: epsilon)
        fc1 = try Linear(weights.scoped("mlp").scoped("fc1"), inFeatures: width, outFeatures: intermediateWidth)
        fc2 = try Linear(weights.scoped("mlp").scoped("fc2"), inFeatures: intermediateWidth, outFeatures: width)
        self.headCount = headCount
        self.activation = activation
    }

    /// `[B, L, width]` → `[B, L, width]`.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let normalized = try layerNorm1(x)
        let attended = try Tensor.scaledDotProductAttention(
            query: query(normalized), key: key(normalized), value: value(normalized), headCount: headCount,
            causal: true)
        let h = try output(attended, residual: x)
        let hidden = try fc1(layerNorm2(h))
        let activated = activation == .quickGELU ? hidden.quickGELU() : hidden.gelu()
        return try fc2(activated, residual: h)
    }
}
