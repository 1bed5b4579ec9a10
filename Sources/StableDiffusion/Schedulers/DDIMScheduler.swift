import Tensor

/// DDIM with stochasticity `eta` ≥ 0 (eta = 0 is the deterministic sampler).
///
/// Matches: diffusers 0.42.1 schedulers/scheduling_ddim.py (`step`, epsilon prediction,
/// `clip_sample` with `clip_sample_range`, dynamic `thresholding`).
///
/// Affine form. With x̂₀ = (x − √(1−ᾱ_t) ε)/√ᾱ_t, diffusers computes
/// `x_prev = √ᾱ_t' · x̂₀ + √(1 − ᾱ_t' − σ²) · ε + σ z`, σ = eta · √((1−ᾱ_t')/(1−ᾱ_t) · (1 − ᾱ_t/ᾱ_t')).
/// Expanding x̂₀: `a = √(ᾱ_t'/ᾱ_t)` and
/// `term = (√(1 − ᾱ_t' − σ²) − √ᾱ_t' · √(1−ᾱ_t)/√ᾱ_t) · ε + σ · z`, a function of ε and z only.
/// With `clip_sample` (diffusers' default when a config omits the key; SD v1 configs turn it off)
/// x̂₀ is clamped first: that step is not affine (`SchedulerStep.clipping`) and runs only on a
/// plaintext latent.
public struct DDIMScheduler: Scheduler {
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    public private(set) var stepIndex = 0
    /// The stochasticity η; 0 is deterministic DDIM, 1 matches DDPM's variance.
    public let eta: Double
    public var requiresNoise: Bool { eta > 0 }
    /// The `clip_sample` bound on x̂₀, or `nil` when the update is affine.
    public let clipRange: Double?
    public var isAffine: Bool { clipRange == nil }
    /// Dynamic thresholding's quantile and largest threshold, or `nil`.
    private let thresholding: (ratio: Double, maximum: Double)?

    private let schedule: NoiseSchedule
    private let finalAlphaCumprod: Float
    private let stride: Int

    /// Builds the sampler for `stepCount` steps with stochasticity `eta` in [0, 1].
    public init(configuration: SchedulerConfiguration, stepCount: Int, eta: Double = 0) throws {
        guard eta >= 0 && eta <= 1 else {
            throw SchedulerError.invalidParameter(name: "eta", value: "\(eta)", expected: "a value in [0, 1]")
        }
        // diffusers' DDIMScheduler clips unless the config says otherwise; thresholding replaces clipping.
        clipRange = configuration.thresholding || configuration.clipSample ?? true ? configuration.clipSampleRange : nil
        if let clipRange, !(clipRange > 0) {
            throw SchedulerError.invalidParameter(name: "clip_sample_range", value: "\(clipRange)", expected: "a positive number")
        }
        if configuration.thresholding {
            guard (0...1).contains(configuration.dynamicThresholdingRatio), configuration.sampleMaxValue >= 1 else {
                throw SchedulerError.invalidParameter(
                    name: "dynamic_thresholding_ratio / sample_max_value",
                    value: "\(configuration.dynamicThresholdingRatio) / \(configuration.sampleMaxValue)", expected: "a ratio in [0, 1] and a maximum ≥ 1")
            }
            thresholding = (configuration.dynamicThresholdingRatio, configuration.sampleMaxValue)
        } else {
            thresholding = nil
        }
        self.eta = eta
        schedule = try NoiseSchedule(configuration)
        let trainCount = configuration.trainTimestepCount
        try TimestepGrid.checkStepCount(stepCount, trainCount: trainCount)
        finalAlphaCumprod = configuration.setAlphaToOne ?? true ? 1 : schedule.alphasCumprod[0]
        let stride = trainCount / stepCount
        self.stride = stride

        let descending: [Double]
        switch configuration.timestepSpacing ?? .leading {
        case .linspace:
            descending = TimestepGrid.round(TimestepGrid.linspace(0, Double(trainCount - 1), stepCount)).reversed()
        case .leading:
            descending = (0..<stepCount).reversed().map { Double($0 * stride + configuration.stepsOffset) }
        case .trailing:
            let ratio = Double(trainCount) / Double(stepCount)
            descending = TimestepGrid.round(TimestepGrid.arange(Double(trainCount), 0, -ratio)).map { $0 - 1 }
        }
        timesteps = try TimestepGrid.validated(descending, trainCount: trainCount).map { Float($0) }
    }

    public func scaleModelInput(_ sample: Tensor) throws -> Tensor { sample }

    public mutating func step(modelOutput: Tensor, noise: Tensor?) throws -> SchedulerStep {
        try checkStepIndex(stepIndex)
        let t = Int(timesteps[stepIndex])
        let previous = t - stride
        let alpha = Double(schedule.alphasCumprod[t])
        let alphaPrevious = Double(previous >= 0 ? schedule.alphasCumprod[previous] : finalAlphaCumprod)
        let variance = (1 - alphaPrevious) / (1 - alpha) * (1 - alpha / alphaPrevious)
        let sigma = eta * variance.squareRoot()
        let epsWeight = max(0, 1 - alphaPrevious - sigma * sigma).squareRoot()
            - alphaPrevious.squareRoot() * (1 - alpha).squareRoot() / alpha.squareRoot()

        var weights = [epsWeight]
        var terms = [modelOutput.scalars]
        if eta > 0 {
            guard let noise else { throw SchedulerError.missingNoise }
            guard noise.shape == modelOutput.shape else {
                throw SchedulerError.shapeMismatch(expected: modelOutput.shape, found: noise.shape)
            }
            weights.append(sigma)
            terms.append(noise.scalars)
        }
        stepIndex += 1
        if let clipRange {
            // x_prev = √ᾱ_prev · clamp((x − √(1−ᾱ) ε)/√ᾱ) + √(1 − ᾱ_prev − σ²) ε (+ σ z).
            weights[0] = max(0, 1 - alphaPrevious - sigma * sigma).squareRoot()
            let offset = LatentMath.combination([-(1 - alpha).squareRoot() / alpha.squareRoot()], [modelOutput.scalars])
            return SchedulerStep(
                timestep: Float(t), latentCoefficient: 0,
                term: try Tensor(shape: modelOutput.shape, scalars: LatentMath.combination(weights, terms)),
                clipping: .init(
                    scale: 1 / alpha.squareRoot(), offset: try Tensor(shape: modelOutput.shape, scalars: offset),
                    range: clipRange, weight: alphaPrevious.squareRoot(), dynamic: thresholding))
        }
        return SchedulerStep(
            timestep: Float(t), latentCoefficient: (alphaPrevious / alpha).squareRoot(),
            term: try Tensor(shape: modelOutput.shape, scalars: LatentMath.combination(weights, terms)))
    }

    public mutating func setBeginIndex(_ index: Int) throws {
        try checkStepIndex(index)
        stepIndex = index
    }

    public func addNoise(to original: Tensor, noise: Tensor, at index: Int) throws -> Tensor {
        try checkStepIndex(index)
        return try schedule.addNoise(to: original, noise: noise, timestep: Int(timesteps[index]))
    }
}
