import StableDiffusion
import Tensor

/// A latent update that hands every `interval`-th latent (the key holder's view: after the
/// update, decrypted in private modes) to `observe`, for `--save-every`.
struct ObservedLatentUpdate<Inner: LatentUpdateStrategy>: LatentUpdateStrategy {
    var inner: Inner
    let interval: Int
    let observe: (_ latent: Tensor, _ step: Int) throws -> Void

    mutating func apply(_ step: SchedulerStep, to latent: Tensor, stepIndex: Int) throws -> Tensor {
        let next = try inner.apply(step, to: latent, stepIndex: stepIndex)
        if (stepIndex + 1) % interval == 0 { try observe(next, stepIndex + 1) }
        return next
    }
}
