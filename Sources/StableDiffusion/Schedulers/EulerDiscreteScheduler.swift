import Foundation
import Tensor

/// Euler's method on the probability-flow ODE in σ parametrization (k-diffusion's `sample_euler`).
///
/// Matches: diffusers 0.42.1 schedulers/scheduling_euler_discrete.py (epsilon prediction, linear
/// σ interpolation or Karras spacing with fractional timesteps, `s_churn` = 0).
///
/// Affine form. diffusers computes x̂₀ = x − σ ε, d = (x − x̂₀)/σ = ε and `x_prev = x + d · (σ' − σ)`,
/// so `a = 1` and `term = (σ' − σ) · ε`, a function of ε only. The U-Net input is rescaled by
/// `scaleModelInput` (x / √(σ² + 1)); that touches only the plaintext model input, not the update.
public struct EulerDiscreteScheduler: Scheduler {
    public let timesteps: [Float]
    /// σ for each timestep followed by the final σ (0, or σ_min).
    public let sigmas: [Float]
    public let initNoiseSigma: Float
    public private(set) var stepIndex = 0
    public var requiresNoise: Bool { false }

    /// Builds the sampler for `stepCount` steps.
    public init(configuration: SchedulerConfiguration, stepCount: Int) throws {
        guard configuration.interpolationType == "linear" else {
            throw SchedulerError.unsupportedConfiguration(
                key: "interpolation_type", value: configuration.interpolationType, hint: "use linear")
        }
        let schedule = try NoiseSchedule(configuration)
        let trainCount = configuration.trainTimestepCount
        try TimestepGrid.checkStepCount(stepCount, trainCount: trainCount)
        let spacing = configuration.timestepSpacing ?? .linspace

        let descending: [Float]
        switch spacing {
        case .linspace:
            descending = TimestepGrid.linspace(0, Double(trainCount - 1), stepCount).reversed().map { Float($0) }
        case .leading:
            let ratio = trainCount / stepCount
            descending = (0..<stepCount).reversed().map { Float($0 * ratio) + Float(configuration.stepsOffset) }
        case .trailing:
            let ratio = Double(trainCount) / Double(stepCount)
            descending = TimestepGrid.round(TimestepGrid.arange(Double(trainCount), 0, -ratio)).map { Float($0) - 1 }
        }
        let grid = try TimestepGrid.validated(descending.map { Double($0) }, trainCount: trainCount).map { Float($0) }

        let table = schedule.sigmas
        let interpolated = grid.map { interpolate(table, at: Double($0)) }
        let last = try finalSigma(configuration, schedule)
        if configuration.useKarrasSigmas {
            // Karras spacing between the grid's extreme σs; each σ's fractional training timestep.
            let karras = karrasSigmas(
                sigmaMin: Double(interpolated.last ?? 0), sigmaMax: Double(interpolated.first ?? 0), count: stepCount)
            let logSigmas = table.map { Float(log(Double($0))) }
            timesteps = karras.map { Float(timestep(forSigma: $0, logSigmas: logSigmas)) }
            sigmas = karras.map { Float($0) } + [last]
        } else {
            timesteps = grid
            sigmas = interpolated + [last]
        }
        let maxSigma = sigmas.max() ?? 0
        initNoiseSigma = spacing == .leading ? (maxSigma * maxSigma + 1).squareRoot() : maxSigma
    }

    public func scaleModelInput(_ sample: Tensor) throws -> Tensor {
        try checkStepIndex(stepIndex)
        return try SigmaSampling.scaleModelInput(sample, sigma: sigmas[stepIndex])
    }

    public mutating func step(modelOutput: Tensor, noise: Tensor?) throws -> SchedulerStep {
        try checkStepIndex(stepIndex)
        let dt = sigmas[stepIndex + 1] - sigmas[stepIndex]
        let timestep = timesteps[stepIndex]
        stepIndex += 1
        return SchedulerStep(
            timestep: timestep, latentCoefficient: 1,
            term: try Tensor(shape: modelOutput.shape, scalars: LatentMath.combination([Double(dt)], [modelOutput.scalars])))
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
