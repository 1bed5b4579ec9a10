import Tensor

/// The Stable Diffusion v1.x text encoder (transformers `CLIPTextModel`), returning
/// `last_hidden_state`: token + position embeddings, pre-LayerNorm transformer layers with
/// causal self-attention, and the final LayerNorm.
///
/// Checkpoints name the tensors `text_model.…` (transformers ≤ 4) or without that prefix
/// (transformers 5); both load.
///
/// Matches: transformers 5.24.0 `models/clip/modeling_clip.py` `CLIPTextTransformer`.
public struct CLIPTextEncoder: Sendable {
    public let config: CLIPTextConfig
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNorm

    /// Builds the encoder that `config` describes and reads its parameters from `weights`.
    ///
    /// - Throws: `ModelConfigurationError` for options outside SD v1.x text encoders (`SDv1Support`),
    ///   `SafeTensorsError` naming any missing or mis-shaped tensor.
    public init(config: CLIPTextConfig, weights: any TensorArchive) throws {
        try self.init(config: config, checkpoint: CheckpointWeights(weights))
    }

    /// Builds the model that `config` describes with seeded random parameters (uniform in
    /// ±1/√fan-in), for benchmarks that need the real architecture but no checkpoint.
    public init(config: CLIPTextConfig, randomWeightsSeed seed: UInt64) throws {
        try self.init(config: config, checkpoint: CheckpointWeights(randomSeed: seed))
    }

    /// Builds the model that `config` describes from the parameters `checkpoint` supplies.
    init(config: CLIPTextConfig, checkpoint file: CheckpointWeights) throws {
        let activation = try SDv1Support.activation(of: config, file: "CLIPTextModel config")
        self.config = config
        let root = file.contains("text_model.embeddings.token_embedding.weight") ? file.scoped("text_model") : file
        let width = config.hiddenSize
        let embeddings = root.scoped("embeddings")
        tokenEmbedding = try embeddings.scoped("token_embedding").tensor("weight", shape: [config.vocabSize, width])
        positionEmbedding = try embeddings.scoped("position_embedding").tensor(
            "weight", shape: [config.maxPositionEmbeddings, width])
        let epsilon = Float(config.layerNormEps)
        layers = try (0..<config.hiddenLayerCount).map {
            try CLIPEncoderLayer(
                root.scoped("encoder").scoped("layers").scoped(String($0)), width: width,
                intermediateWidth: config.intermediateSize, headCount: config.attentionHeadCount,
                activation: activation, epsilon: epsilon)
        }
        finalLayerNorm = try LayerNorm(root.scoped("final_layer_norm"), width: width, epsilon: epsilon)
    }

    /// Opens `folder`'s text encoder weights and builds the encoder from its config.
    public init(folder: DiffusersModelFolder) throws {
        try self.init(config: folder.textEncoder, weights: folder.weights(for: .textEncoder))
    }

    /// `last_hidden_state` `[B, L, hidden_size]` for `B` token sequences of equal length `L`
    /// (≤ `max_position_embeddings`; 77 after the tokenizer's padding).
    ///
    /// - Throws: `ModelError.invalidInput` for ragged or over-long sequences and ids outside the vocabulary.
    public func callAsFunction(tokenIDs: [[Int]]) throws -> Tensor {
        let length = tokenIDs.first?.count ?? 0
        guard !tokenIDs.isEmpty, length > 0, length <= config.maxPositionEmbeddings,
              tokenIDs.allSatisfy({ $0.count == length })
        else {
            throw ModelError.invalidInput(
                model: "CLIPTextModel", input: "tokenIDs",
                expected: "one or more sequences of equal length 1...\(config.maxPositionEmbeddings)",
                found: "\(tokenIDs.count) sequences of lengths \(Set(tokenIDs.map(\.count)).sorted())")
        }
        if let bad = tokenIDs.joined().first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw ModelError.invalidInput(
                model: "CLIPTextModel", input: "token id", expected: "0..<\(config.vocabSize)", found: "\(bad)")
        }
        var h = embed(tokenIDs, length: length)
        for layer in layers {
            h = try layer(h)
        }
        return try finalLayerNorm(h)
    }

    /// Token embedding rows plus position embedding rows, `[B, L, width]`.
    private func embed(_ tokenIDs: [[Int]], length: Int) -> Tensor {
        let width = config.hiddenSize
        return Tensor(shape: [tokenIDs.count, length, width]) { output in
            tokenEmbedding.withUnsafeBufferPointer { tokens in
                positionEmbedding.withUnsafeBufferPointer { positions in
                    for (row, ids) in tokenIDs.enumerated() {
                        for (position, id) in ids.enumerated() {
                            let destination = (row * length + position) * width
                            for i in 0..<width {
                                output[destination + i] = tokens[id * width + i] + positions[position * width + i]
                            }
                        }
                    }
                }
            }
        }
    }
}
