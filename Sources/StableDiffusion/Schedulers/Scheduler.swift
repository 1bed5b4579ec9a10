import Tensor

/// A diffusion sampler whose every update is affine in the current latent.
///
/// Each call to `step` consumes the noise prediction ε for `timesteps[stepIndex]` and returns
/// the update `x_prev = a · x_t + term` as a `SchedulerStep` (DESIGN.md §4). The scheduler never
/// sees the latent itself: `term` is built only from the ε history (and DDIM's variance noise),
/// so the same step can be applied to a plaintext `Tensor` or to an encrypted latent through
/// `LatentAlgebra`. Each conforming type documents how its diffusers update is rewritten in that form.
public protocol Scheduler: Sendable {
    /// Timesteps at which the noise predictor is evaluated, in call order (PLMS repeats one).
    var timesteps: [Float] { get }
    /// Standard deviation of the initial noise; the first latent is `randn · initNoiseSigma`.
    var initNoiseSigma: Float { get }
    /// Index into `timesteps` of the next `step` call.
    var stepIndex: Int { get }
    /// Whether the next `step` needs a standard-normal `noise` tensor (DDIM with eta > 0).
    var requiresNoise: Bool { get }
    /// Whether every step is `a · x + term` (`SchedulerStep.isAffine`), so that it can run on an
    /// encrypted latent; false for DDIM with `clip_sample`.
    var isAffine: Bool { get }
    /// The noise predictor's input for the current step, `sample` rescaled where the sampler asks for it.
    func scaleModelInput(_ sample: Tensor) throws -> Tensor
    /// Consumes the noise prediction for `timesteps[stepIndex]` and returns the affine update.
    /// - Parameter noise: standard-normal noise of the prediction's shape when `requiresNoise`, else `nil`.
    mutating func step(modelOutput: Tensor, noise: Tensor?) throws -> SchedulerStep
    /// Starts sampling at `timesteps[index]` with an empty history (image-to-image strength).
    mutating func setBeginIndex(_ index: Int) throws
    /// Forward-diffuses `original` to the noise level of `timesteps[index]` (image-to-image start).
    func addNoise(to original: Tensor, noise: Tensor, at index: Int) throws -> Tensor
}

extension Scheduler {
    public var isAffine: Bool { true }

    /// Throws `SchedulerError.stepOutOfRange` unless `index` is a valid position in `timesteps`.
    func checkStepIndex(_ index: Int) throws {
        guard index >= 0 && index < timesteps.count else {
            throw SchedulerError.stepOutOfRange(index: index, count: timesteps.count)
        }
    }

    /// `step(modelOutput:noise:)` for samplers that need no noise.
    public mutating func step(modelOutput: Tensor) throws -> SchedulerStep {
        try step(modelOutput: modelOutput, noise: nil)
    }

    /// `step(modelOutput:noise:)` drawing the noise, only when needed, from `generator`,
    /// in the order diffusers draws it (one `randn` of the prediction's shape per noisy step).
    public mutating func step<Generator: NoiseGenerator>(modelOutput: Tensor, generator: inout Generator) throws -> SchedulerStep {
        let noise = requiresNoise ? try generator.randn(shape: modelOutput.shape) : nil
        return try step(modelOutput: modelOutput, noise: noise)
    }
}
