import Tensor

extension StableDiffusionPipeline {
    /// The text encoder states the UNet is conditioned on, one row per UNet batch entry:
    /// with guidance the negative prompts' states, then the prompts' (diffusers' `encode_prompt`
    /// and `torch.cat([negative_prompt_embeds, prompt_embeds])`), each repeated `batchSize` times.
    ///
    /// Reports every truncated prompt through `progress`.
    func encodePrompts(
        _ configuration: GenerationConfiguration, progress: (GenerationProgress) -> Void
    ) throws -> Tensor {
        let conditional = try encode(configuration.prompts, negative: false, configuration, progress)
        guard configuration.usesGuidance else { return conditional }
        let negatives = try resolvedNegativePrompts(configuration)
        let unconditional = try encode(negatives, negative: true, configuration, progress)
        return try Tensor.concatenated([unconditional, conditional], axis: 0)
    }

    /// One negative prompt per prompt: empty when none is given, the single one repeated, or as given.
    private func resolvedNegativePrompts(_ configuration: GenerationConfiguration) throws -> [String] {
        let count = configuration.prompts.count
        switch configuration.negativePrompts.count {
        case 0: return Array(repeating: "", count: count)
        case 1: return Array(repeating: configuration.negativePrompts[0], count: count)
        case count: return configuration.negativePrompts
        default:
            throw PipelineError.invalidSetting(
                name: "negative prompts", value: "\(configuration.negativePrompts.count) texts",
                expected: "none, one, or one per prompt (\(count))")
        }
    }

    /// Encoder states `[texts.count · batchSize, 77, width]`, each text's rows next to each other.
    private func encode(
        _ texts: [String], negative: Bool, _ configuration: GenerationConfiguration,
        _ progress: (GenerationProgress) -> Void
    ) throws -> Tensor {
        let tokenized = texts.map { tokenizer.inputIDs(for: $0) }
        for (text, tokens) in zip(texts, tokenized) where tokens.droppedTokenCount > 0 {
            progress(.promptTruncated(PromptTruncation(
                prompt: text, isNegative: negative, droppedTokenCount: tokens.droppedTokenCount,
                keptTokenCount: tokenizer.maxLength - 2)))
        }
        let states = try textEncoder(tokenIDs: tokenized.map(\.inputIDs))
        guard configuration.batchSize > 1 else { return states }
        let rows = try (0..<texts.count).flatMap { index in
            let row = try states.sliced(axis: 0, range: index..<(index + 1))
            return Array(repeating: row, count: configuration.batchSize)
        }
        return try Tensor.concatenated(rows, axis: 0)
    }
}
