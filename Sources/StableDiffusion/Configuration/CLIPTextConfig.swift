/// `text_encoder/config.json` of a transformers `CLIPTextModel`, with transformers' defaults
/// for absent keys (transformers 5.24 `configuration_clip.py`).
public struct CLIPTextConfig: Sendable, Equatable, Decodable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var hiddenLayerCount: Int
    public var attentionHeadCount: Int
    /// Longest token sequence the position embedding covers (77 for CLIP).
    public var maxPositionEmbeddings: Int
    /// "quick_gelu" for SD v1.x (OpenAI CLIP); "gelu" for OpenCLIP encoders.
    public var hiddenAct: String
    public var layerNormEps: Double
    /// The config's declared storage dtype ("float32", "float16"); informational.
    public var dtype: String?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case hiddenLayerCount = "num_hidden_layers", attentionHeadCount = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps", dtype, torchDtype = "torch_dtype"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.value(.vocabSize, default: 49408)
        hiddenSize = try c.value(.hiddenSize, default: 512)
        intermediateSize = try c.value(.intermediateSize, default: 2048)
        hiddenLayerCount = try c.value(.hiddenLayerCount, default: 12)
        attentionHeadCount = try c.value(.attentionHeadCount, default: 8)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, default: 77)
        hiddenAct = try c.value(.hiddenAct, default: "quick_gelu")
        layerNormEps = try c.value(.layerNormEps, default: 1e-5)
        dtype = try c.decodeIfPresent(String.self, forKey: .dtype)
            ?? c.decodeIfPresent(String.self, forKey: .torchDtype)
    }
}
