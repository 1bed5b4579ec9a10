import Foundation
import Tensor

/// DPM-Solver++ multistep (order 1 or 2; "2M" with the defaults), data prediction, midpoint or Heun.
///
/// Matches: diffusers 0.42.1 schedulers/scheduling_dpmsolver_multistep.py (`algorithm_type`
/// dpmsolver++, `convert_model_output`, first- and second-order updates, `lower_order_final`).
///
/// Affine form. With α = 1/√(σ²+1), s = σα, λ = log α − log s, h = λ' − λ and φ = α'(e^{−h} − 1):
/// - the data prediction is `m = (x − s ε)/α`, affine in the latent it was computed from;
/// - first order: `x_prev = (s'/s) x − φ m₀`;
/// - second order: `x_prev = (s'/s) x − φ D₀ + c D₁` with `D₀ = m₀`, `D₁ = (m₀ − m₁)/r`, `r = h₋₁/h`,
///   `c = −φ/2` (midpoint) or `α'((e^{−h} − 1)/h + 1)` (Heun).
/// Every data prediction is kept as an affine form `m = p · x + q` of the *current* latent, with
/// `q` built from ε's only: m₀ has `p = 1/α`, `q = −(s/α) ε₀`, and after an update
/// `x_prev = A x + T` the stored form is re-expressed in `x_prev` as `p/A · x_prev + (q − p/A · T)`.
/// So `a = s'/s + Σ c_k p_k` and `term = Σ c_k q_k` never depend on a latent value: the previous
/// x₀ prediction enters through the ε history and the previous steps' terms, exactly as the
/// evaluator could compute it.
public struct DPMSolverMultistepScheduler: Scheduler {
    public let timesteps: [Float]
    /// σ for each timestep followed by the final σ (0, or σ_min).
    public let sigmas: [Float]
    public let initNoiseSigma: Float = 1
    public private(set) var stepIndex = 0
    public var requiresNoise: Bool { false }

    private let order: Int
    private let heun: Bool
    private let lowerOrderFinal: Bool
    private let eulerAtFinal: Bool
    private let finalSigmaIsZero: Bool
    /// Updates taken since the start, capped at `order` (diffusers' `lower_order_nums`).
    private var lowerOrderCount = 0
    /// The previous data prediction as `p · x + q` in the current latent x.
    private var previousPrediction: (p: Double, q: [Float])?
    private var latentShape: [Int]?

    /// Builds the sampler for `stepCount` steps.
    public init(configuration: SchedulerConfiguration, stepCount: Int) throws {
        guard configuration.algorithmType == "dpmsolver++" else {
            throw SchedulerError.unsupportedConfiguration(
                key: "algorithm_type", value: configuration.algorithmType, hint: "only dpmsolver++ is implemented")
        }
        guard !configuration.thresholding else {
            throw SchedulerError.unsupportedConfiguration(
                key: "thresholding", value: "true", hint: "dynamic thresholding is implemented for DDIM only; set it to false")
        }
        guard configuration.solverOrder == 1 || configuration.solverOrder == 2 else {
            throw SchedulerError.unsupportedConfiguration(
                key: "solver_order", value: "\(configuration.solverOrder)", hint: "use 1 or 2")
        }
        guard configuration.solverType == "midpoint" || configuration.solverType == "heun" else {
            throw SchedulerError.unsupportedConfiguration(
                key: "solver_type", value: configuration.solverType, hint: "use midpoint or heun")
        }
        let schedule = try NoiseSchedule(configuration)
        let trainCount = configuration.trainTimestepCount
        try TimestepGrid.checkStepCount(stepCount, trainCount: trainCount)
        order = configuration.solverOrder
        heun = configuration.solverType == "heun"
        lowerOrderFinal = configuration.lowerOrderFinal
        eulerAtFinal = configuration.eulerAtFinal

        let descending: [Double]
        switch configuration.timestepSpacing ?? .linspace {
        case .linspace:
            descending = TimestepGrid.round(TimestepGrid.linspace(0, Double(trainCount - 1), stepCount + 1))
                .reversed().dropLast()
        case .leading:
            let ratio = trainCount / (stepCount + 1)
            descending = (1...stepCount).reversed().map { Double($0 * ratio + configuration.stepsOffset) }
        case .trailing:
            let ratio = Double(trainCount) / Double(stepCount)
            descending = TimestepGrid.round(TimestepGrid.arange(Double(trainCount), 0, -ratio)).map { $0 - 1 }
        }
        let table = schedule.sigmas
        let last = try finalSigma(configuration, schedule)
        finalSigmaIsZero = configuration.finalSigmasType == "zero"
        if configuration.useKarrasSigmas {
            // Karras spacing over the whole training range, timesteps rounded to the grid.
            let karras = karrasSigmas(sigmaMin: Double(table.first ?? 0), sigmaMax: Double(table.last ?? 0), count: stepCount)
            let logSigmas = table.map { Float(log(Double($0))) }
            let rounded = TimestepGrid.round(karras.map { timestep(forSigma: $0, logSigmas: logSigmas) })
            timesteps = try TimestepGrid.validated(rounded, trainCount: trainCount).map { Float($0) }
            sigmas = karras.map { Float($0) } + [last]
        } else {
            timesteps = try TimestepGrid.validated(descending, trainCount: trainCount).map { Float($0) }
            sigmas = timesteps.map { table[Int($0)] } + [last]
        }
    }

    public func scaleModelInput(_ sample: Tensor) throws -> Tensor { sample }

    public mutating func step(modelOutput: Tensor, noise: Tensor?) throws -> SchedulerStep {
        try checkStepIndex(stepIndex)
        try LatentMath.checkShape(modelOutput.shape, against: latentShape)
        latentShape = modelOutput.shape
        let i = stepIndex
        let isLast = i == timesteps.count - 1
        let useFirstOrder = order == 1 || lowerOrderCount < 1
            || (isLast && (eulerAtFinal || (lowerOrderFinal && timesteps.count < 15) || finalSigmaIsZero))

        let current = NoiseLevel(sigmas[i])
        let next = NoiseLevel(sigmas[i + 1])
        let h = next.lambda - current.lambda
        let phi = next.alpha * (exp(-h) - 1)
        // The current data prediction m₀ = p₀ x + q₀.
        let p0 = 1 / current.alpha
        let q0Weight = -current.scale / current.alpha

        var coefficient = next.scale / current.scale
        var term: [Float]
        if useFirstOrder || previousPrediction == nil {
            coefficient -= phi * p0
            term = LatentMath.combination([-phi * q0Weight], [modelOutput.scalars])
        } else {
            let previous = NoiseLevel(sigmas[i - 1])
            let r = (current.lambda - previous.lambda) / h
            let d1Weight = heun ? next.alpha * ((exp(-h) - 1) / h + 1) : -0.5 * phi
            let c0 = -phi + d1Weight / r
            let c1 = -d1Weight / r
            let m1 = previousPrediction!
            coefficient += c0 * p0 + c1 * m1.p
            term = LatentMath.combination([c0 * q0Weight, c1], [modelOutput.scalars, m1.q])
        }
        if order == 2 && !isLast {
            let p = p0 / coefficient
            previousPrediction = (p, LatentMath.combination([q0Weight, -p], [modelOutput.scalars, term]))
        }
        lowerOrderCount = min(lowerOrderCount + 1, order)
        stepIndex += 1
        return SchedulerStep(
            timestep: timesteps[i], latentCoefficient: coefficient,
            term: try Tensor(shape: modelOutput.shape, scalars: term))
    }

    public mutating func setBeginIndex(_ index: Int) throws {
        try checkStepIndex(index)
        stepIndex = index
        lowerOrderCount = 0
        previousPrediction = nil
        latentShape = nil
    }

    /// `α · x₀ + s · noise` at the noise level of `timesteps[index]`.
    public func addNoise(to original: Tensor, noise: Tensor, at index: Int) throws -> Tensor {
        try checkStepIndex(index)
        guard noise.shape == original.shape else {
            throw SchedulerError.shapeMismatch(expected: original.shape, found: noise.shape)
        }
        let level = NoiseLevel(sigmas[index])
        return try Tensor(
            shape: original.shape,
            scalars: LatentMath.combination([level.alpha, level.scale], [original.scalars, noise.scalars]))
    }
}

/// The VP quantities of a VE noise level σ: α = 1/√(σ²+1), s = σα and the log-SNR λ = log α − log s.
private struct NoiseLevel {
    let alpha: Double
    let scale: Double
    let lambda: Double

    init(_ sigma: Float) {
        let s = Double(sigma)
        alpha = 1 / (s * s + 1).squareRoot()
        scale = s * alpha
        lambda = log(alpha) - log(scale)
    }
}
