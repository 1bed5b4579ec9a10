/// What `StableDiffusionPipeline` reports while it runs, in order.
public enum GenerationProgress: Sendable, Equatable {
    /// A prompt was longer than the text encoder's context and lost its last tokens, as diffusers
    /// truncates it (diffusers logs a warning; callers should show this one).
    case promptTruncated(PromptTruncation)
    /// One denoising step finished.
    /// - Parameters:
    ///   - index: 1-based number of the finished step.
    ///   - count: the number of steps in this run (noise-predictor evaluations; PLMS makes one
    ///     more than requested, image-to-image fewer).
    ///   - seconds: wall-clock time of this step (noise prediction and latent update).
    case step(index: Int, count: Int, seconds: Double)
}

/// A prompt cut at the text encoder's token limit.
public struct PromptTruncation: Sendable, Equatable {
    /// The prompt as given.
    public let prompt: String
    /// Whether it is a negative prompt.
    public let isNegative: Bool
    /// Tokens dropped from its end.
    public let droppedTokenCount: Int
    /// Tokens kept (the limit without the begin and end tokens; 75 for CLIP).
    public let keptTokenCount: Int

    public init(prompt: String, isNegative: Bool, droppedTokenCount: Int, keptTokenCount: Int) {
        self.prompt = prompt
        self.isNegative = isNegative
        self.droppedTokenCount = droppedTokenCount
        self.keptTokenCount = keptTokenCount
    }
}
