import Tensor

/// PNDM in PLMS mode (`skip_prk_steps`), the sampler of the HE-Diffusion paper.
///
/// Matches: diffusers 0.42.1 schedulers/scheduling_pndm.py (`step_plms`, `_get_prev_sample`).
///
/// Affine form. diffusers' update is `x_prev = a(t, t') · x + b(t, t') · ε'` with
/// `a = √(ᾱ_t' / ᾱ_t)`, `b = −(ᾱ_t' − ᾱ_t) / (ᾱ_t √(1 − ᾱ_t') + √(ᾱ_t (1 − ᾱ_t) ᾱ_t'))` and ε' the
/// linear multistep combination of the last ≤ 4 predictions (1; (3, −1)/2; (23, −16, 5)/12;
/// (55, −59, 37, −9)/24). So `term = b · ε'` depends only on the ε history. The one exception is
/// the second call, which diffusers applies to the *first* call's input x₀ with ε' = (ε₀ + ε₁)/2;
/// since the current latent is `x₁ = a₀ x₀ + term₀`, that update is rewritten exactly as
/// `x_prev = (a/a₀) · x₁ + (b · ε' − (a/a₀) · term₀)`, again latent-free.
public struct PNDMScheduler: Scheduler {
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    public private(set) var stepIndex = 0
    public var requiresNoise: Bool { false }

    private let schedule: NoiseSchedule
    private let finalAlphaCumprod: Float
    /// `T / n`, the stride diffusers uses to find the previous timestep.
    private let stride: Int
    /// Calls since the last (re)start; diffusers' `counter`.
    private var counter = 0
    /// The last ≤ 4 noise predictions in the multistep history (diffusers' `ets`).
    private var history: [[Float]] = []
    /// The first call's update, needed to rewrite the second call in terms of the current latent.
    private var firstStep: (coefficient: Double, term: [Float])?
    private var latentShape: [Int]?

    /// Builds the sampler for `stepCount` denoising steps (`stepCount + 1` noise predictions).
    public init(configuration: SchedulerConfiguration, stepCount: Int) throws {
        guard configuration.skipPRKSteps == true else {
            throw SchedulerError.unsupportedConfiguration(
                key: "skip_prk_steps", value: "\(configuration.skipPRKSteps ?? false)",
                hint: "only PLMS (skip_prk_steps true, as in SD v1 configs) is implemented")
        }
        schedule = try NoiseSchedule(configuration)
        let trainCount = configuration.trainTimestepCount
        try TimestepGrid.checkStepCount(stepCount, trainCount: trainCount)
        finalAlphaCumprod = configuration.setAlphaToOne == true ? 1 : schedule.alphasCumprod[0]
        let stride = trainCount / stepCount
        self.stride = stride

        let ascending: [Double]
        switch configuration.timestepSpacing ?? .leading {
        case .linspace:
            ascending = TimestepGrid.round(TimestepGrid.linspace(0, Double(trainCount - 1), stepCount))
        case .leading:
            ascending = (0..<stepCount).map { Double($0 * stride + configuration.stepsOffset) }
        case .trailing:
            let ratio = Double(trainCount) / Double(stepCount)
            ascending = TimestepGrid.round(TimestepGrid.arange(Double(trainCount), 0, -ratio)).reversed().map { $0 - 1 }
        }
        let grid = try TimestepGrid.validated(ascending, trainCount: trainCount)
        let plms = grid.count >= 2 ? Array(grid.dropLast()) + [grid[grid.count - 2], grid[grid.count - 1]] : grid
        timesteps = plms.reversed().map { Float($0) }
    }

    public func scaleModelInput(_ sample: Tensor) throws -> Tensor { sample }

    public mutating func step(modelOutput: Tensor, noise: Tensor?) throws -> SchedulerStep {
        try checkStepIndex(stepIndex)
        try LatentMath.checkShape(modelOutput.shape, against: latentShape)
        latentShape = modelOutput.shape
        let eps = modelOutput.scalars
        let passed = Int(timesteps[stepIndex])

        let coefficient: Double
        let term: [Float]
        if counter == 1, let first = firstStep, let previous = history.last {
            let (a, b) = try coefficients(from: passed + stride, to: passed)
            let ratio = a / first.coefficient
            coefficient = ratio
            term = LatentMath.combination([b / 2, b / 2, -ratio], [eps, previous, first.term])
        } else {
            history = history.suffix(3) + [eps]
            let (a, b) = try coefficients(from: passed, to: passed - stride)
            let weights: [Double]
            switch history.count {
            case 1: weights = [1]
            case 2: weights = [-1.0 / 2, 3.0 / 2]
            case 3: weights = [5.0 / 12, -16.0 / 12, 23.0 / 12]
            default: weights = [-9.0 / 24, 37.0 / 24, -59.0 / 24, 55.0 / 24]
            }
            coefficient = a
            term = LatentMath.combination(weights.map { $0 * b }, history)
            if counter == 0 { firstStep = (a, term) }
        }
        counter += 1
        stepIndex += 1
        return SchedulerStep(
            timestep: Float(passed), latentCoefficient: coefficient,
            term: try Tensor(shape: modelOutput.shape, scalars: term))
    }

    public mutating func setBeginIndex(_ index: Int) throws {
        try checkStepIndex(index)
        stepIndex = index
        counter = 0
        history = []
        firstStep = nil
        latentShape = nil
    }

    public func addNoise(to original: Tensor, noise: Tensor, at index: Int) throws -> Tensor {
        try checkStepIndex(index)
        return try schedule.addNoise(to: original, noise: noise, timestep: Int(timesteps[index]))
    }

    /// `(a, b)` of diffusers' `_get_prev_sample` from timestep `t` to `previous` (ᾱ_final below 0).
    private func coefficients(from t: Int, to previous: Int) throws -> (Double, Double) {
        guard t < schedule.alphasCumprod.count else {
            throw SchedulerError.invalidParameter(
                name: "timestep", value: "\(t)", expected: "below num_train_timesteps \(schedule.alphasCumprod.count)")
        }
        let alpha = Double(schedule.alphasCumprod[t])
        let alphaPrevious = Double(previous >= 0 ? schedule.alphasCumprod[previous] : finalAlphaCumprod)
        let a = (alphaPrevious / alpha).squareRoot()
        let denominator = alpha * (1 - alphaPrevious).squareRoot()
            + (alpha * (1 - alpha) * alphaPrevious).squareRoot()
        return (a, -(alphaPrevious - alpha) / denominator)
    }
}

extension NoiseSchedule {
    /// `√ᾱ_t · x₀ + √(1 − ᾱ_t) · noise`, diffusers' `add_noise` of the DDPM-family samplers.
    func addNoise(to original: Tensor, noise: Tensor, timestep: Int) throws -> Tensor {
        guard noise.shape == original.shape else {
            throw SchedulerError.shapeMismatch(expected: original.shape, found: noise.shape)
        }
        let alpha = alphasCumprod[timestep]
        let signal = Double(alpha.squareRoot())
        let noiseScale = Double((1 - alpha).squareRoot())
        return try Tensor(
            shape: original.shape,
            scalars: LatentMath.combination([signal, noiseScale], [original.scalars, noise.scalars]))
    }
}
