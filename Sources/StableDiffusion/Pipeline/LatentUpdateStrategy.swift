import Tensor

/// Who applies each sampler update to the latent: the seam between the denoising loop and the
/// privacy layer (DESIGN.md §4).
///
/// `StableDiffusionPipeline` computes the noise prediction and the scheduler's affine step
/// `x_prev = a · x_t + term`, then hands both to the strategy instead of updating the latent
/// itself. `PlaintextLatentUpdate` applies the step to the tensor; the HE layer supplies a
/// strategy that applies it to an encrypted latent and returns the key holder's decryption,
/// so this module never sees encryption.
public protocol LatentUpdateStrategy {
    /// The latent after `step`.
    ///
    /// - Parameters:
    ///   - step: the scheduler's update for the current noise prediction.
    ///   - latent: the current latent `x_t`, `[N, C, h, w]`.
    ///   - stepIndex: the position of this update in the run, from 0 to the number of steps − 1
    ///     (image-to-image runs count from their first step).
    /// - Returns: `x_prev`, the same shape as `latent`.
    mutating func apply(_ step: SchedulerStep, to latent: Tensor, stepIndex: Int) throws -> Tensor
}

/// Applies every update to the plaintext latent, as diffusers does.
public struct PlaintextLatentUpdate: LatentUpdateStrategy, Sendable {
    public init() {}

    public mutating func apply(_ step: SchedulerStep, to latent: Tensor, stepIndex: Int) throws -> Tensor {
        try step.apply(to: latent)
    }
}
