import Tensor

/// The residual block of the UNet and the VAE (diffusers `ResnetBlock2D`, `time_embedding_norm`
/// "default"): GroupNorm → SiLU → conv 3×3 (+ projected time embedding) → GroupNorm → SiLU →
/// conv 3×3, added to the input (through a 1×1 `conv_shortcut` when the channel count changes)
/// and divided by `outputScaleFactor`.
///
/// Matches: diffusers 0.42.1 `models/resnet.py` `ResnetBlock2D` (dropout is identity at inference).
struct ResnetBlock2D: Sendable {
    let norm1: GroupNorm
    let conv1: Conv2D
    /// Projects the (already SiLU-activated) time embedding to a per-channel bias; UNet only.
    let timeEmbeddingProjection: Linear?
    let norm2: GroupNorm
    let conv2: Conv2D
    let convShortcut: Conv2D?
    let outputScaleFactor: Float

    /// - Parameters:
    ///   - timeEmbeddingChannels: width of the UNet's time embedding, or `nil` in the VAE.
    init(
        _ weights: CheckpointWeights, inChannels: Int, outChannels: Int, timeEmbeddingChannels: Int?,
        groupCount: Int, epsilon: Float, outputScaleFactor: Float = 1
    ) throws {
        norm1 = try GroupNorm(weights.scoped("norm1"), channels: inChannels, groupCount: groupCount, epsilon: epsilon)
        conv1 = try Conv2D(
            weights.scoped("conv1"), inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1)
        timeEmbeddingProjection = try timeEmbeddingChannels.map {
            try Linear(weights.scoped("time_emb_proj"), inFeatures: $0, outFeatures: outChannels)
        }
        norm2 = try GroupNorm(weights.scoped("norm2"), channels: outChannels, groupCount: groupCount, epsilon: epsilon)
        conv2 = try Conv2D(
            weights.scoped("conv2"), inChannels: outChannels, outChannels: outChannels, kernelSize: 3, padding: 1)
        convShortcut = inChannels == outChannels
            ? nil
            : try Conv2D(weights.scoped("conv_shortcut"), inChannels: inChannels, outChannels: outChannels, kernelSize: 1)
        self.outputScaleFactor = outputScaleFactor
    }

    /// - Parameters:
    ///   - x: `[N, in, H, W]`.
    ///   - activatedTimeEmbedding: `silu(temb)` `[N, temb]` (computed once per UNet forward), or
    ///     `nil` in the VAE.
    /// - Returns: `[N, out, H, W]`.
    func callAsFunction(_ x: Tensor, activatedTimeEmbedding: Tensor? = nil) throws -> Tensor {
        var h = try conv1(norm1(x, applyingSiLU: true))
        if let projection = timeEmbeddingProjection, let temb = activatedTimeEmbedding {
            let bias = try projection(temb)
            h = try h + bias.reshaped([bias.shape[0], bias.shape[1], 1, 1])
        }
        let shortcut = try convShortcut.map { try $0(x) } ?? x
        let output = try conv2(norm2(h, applyingSiLU: true), residual: shortcut)
        return outputScaleFactor == 1 ? output : output / outputScaleFactor
    }
}
