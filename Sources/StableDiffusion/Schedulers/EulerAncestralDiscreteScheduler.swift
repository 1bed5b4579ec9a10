import Tensor

/// Euler ancestral sampling (k-diffusion's `sample_euler_ancestral`): an Euler step down to
/// σ_down, then fresh noise of scale σ_up, so that σ_down² + σ_up² = σ_next².
///
/// Matches: diffusers 0.42.1 schedulers/scheduling_euler_ancestral_discrete.py (epsilon
/// prediction; linear σ interpolation — diffusers gives this sampler no Karras spacing).
///
/// Affine form. With x̂₀ = x − σ ε the derivative is ε, so `x_next = x + (σ_down − σ) ε + σ_up z`:
/// `a = 1` and `term = (σ_down − σ) · ε + σ_up · z`. The noise z is drawn by whoever holds the
/// generator: the torch-compatible one in plaintext runs, the key holder's cryptographic one in
/// private runs, where it is encrypted with the term and never seen by the evaluator.
public struct EulerAncestralDiscreteScheduler: Scheduler {
    public let timesteps: [Float]
    /// σ for each timestep followed by 0.
    public let sigmas: [Float]
    public let initNoiseSigma: Float
    public private(set) var stepIndex = 0
    public var requiresNoise: Bool { true }

    /// Builds the sampler for `stepCount` steps.
    public init(configuration: SchedulerConfiguration, stepCount: Int) throws {
        try configuration.checkNoKarrasSigmas(sampler: "EulerAncestralDiscreteScheduler")
        // The ancestral sampler ends at σ = 0 whatever the config says (diffusers ignores final_sigmas_type here).
        var euler = configuration
        euler.finalSigmasType = "zero"
        let grid = try EulerDiscreteScheduler(configuration: euler, stepCount: stepCount)
        timesteps = grid.timesteps
        sigmas = grid.sigmas
        initNoiseSigma = grid.initNoiseSigma
    }

    public func scaleModelInput(_ sample: Tensor) throws -> Tensor {
        try checkStepIndex(stepIndex)
        return try SigmaSampling.scaleModelInput(sample, sigma: sigmas[stepIndex])
    }

    public mutating func step(modelOutput: Tensor, noise: Tensor?) throws -> SchedulerStep {
        try checkStepIndex(stepIndex)
        guard let noise else { throw SchedulerError.missingNoise }
        guard noise.shape == modelOutput.shape else {
            throw SchedulerError.shapeMismatch(expected: modelOutput.shape, found: noise.shape)
        }
        // In float32, as diffusers computes them from its float32 σ table.
        let from = sigmas[stepIndex], to = sigmas[stepIndex + 1]
        let up = (to * to * (from * from - to * to) / (from * from)).squareRoot()
        let down = (to * to - up * up).squareRoot()
        let timestep = timesteps[stepIndex]
        stepIndex += 1
        return SchedulerStep(
            timestep: timestep, latentCoefficient: 1,
            term: try Tensor(
                shape: modelOutput.shape,
                scalars: LatentMath.combination([Double(down - from), Double(up)], [modelOutput.scalars, noise.scalars])))
    }

    public mutating func setBeginIndex(_ index: Int) throws {
        try checkStepIndex(index)
        stepIndex = index
    }

    /// `x₀ + σ · noise` at the σ of `timesteps[index]`.
    public func addNoise(to original: Tensor, noise: Tensor, at index: Int) throws -> Tensor {
        try checkStepIndex(index)
        return try SigmaSampling.addNoise(to: original, noise: noise, sigma: sigmas[index])
    }
}
