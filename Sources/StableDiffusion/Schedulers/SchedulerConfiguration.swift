/// A diffusers `scheduler_config.json`, the fields our samplers read.
///
/// Fields whose diffusers default differs between scheduler classes are optional here and resolved
/// by each scheduler, so that one SD v1 config file can build any sampler as `from_config` does.
/// DDIM's sample clipping and thresholding run in plaintext only (the step is then not affine in
/// the latent: `Scheduler.isAffine`); options SD v1.x does not use are refused with
/// `SchedulerError.unsupportedConfiguration`.
public struct SchedulerConfiguration: Sendable, Equatable, Decodable {
    /// How the training noise schedule β_t is laid out.
    public enum BetaSchedule: String, Sendable, Decodable {
        case linear
        case scaledLinear = "scaled_linear"
        case squaredCosineCapV2 = "squaredcos_cap_v2"
    }

    /// How inference timesteps are picked among the training timesteps.
    public enum TimestepSpacing: String, Sendable, Decodable {
        case leading, trailing, linspace
    }

    /// Number of training timesteps (T).
    public var trainTimestepCount: Int = 1000
    /// β at the first training timestep.
    public var betaStart: Double = 0.0001
    /// β at the last training timestep.
    public var betaEnd: Double = 0.02
    public var betaSchedule: BetaSchedule = .linear
    /// Explicit β values, overriding `betaStart`/`betaEnd`/`betaSchedule` when present.
    public var trainedBetas: [Double]? = nil
    /// Added to "leading" timesteps (SD v1 uses 1).
    public var stepsOffset: Int = 0
    /// Whether ᾱ before the first training step is 1 (else ᾱ_0); PNDM defaults to false, DDIM to true.
    public var setAlphaToOne: Bool? = nil
    /// Defaults to leading for PNDM and DDIM, linspace for Euler and DPM-Solver.
    public var timestepSpacing: TimestepSpacing? = nil
    /// Only "epsilon" is supported.
    public var predictionType: String = "epsilon"
    /// PNDM: must be true (PLMS without the Runge–Kutta warm-up); diffusers' default is false.
    public var skipPRKSteps: Bool? = nil
    /// DDIM: must be false (clipping x₀ is not affine); diffusers' default is true.
    public var clipSample: Bool? = nil
    /// The bound of `clip_sample` (diffusers' default 1).
    public var clipSampleRange: Double = 1
    /// Dynamic thresholding of x̂₀ (DDIM only, plaintext only: it is not affine in the latent).
    public var thresholding: Bool = false
    /// The quantile of |x̂₀| that thresholding clamps to (diffusers' default 0.995).
    public var dynamicThresholdingRatio: Double = 0.995
    /// The largest threshold (diffusers' default 1).
    public var sampleMaxValue: Double = 1
    /// Must be false (zero-terminal-SNR rescaling is an SD 2.x option).
    public var rescaleBetasZeroSNR: Bool = false
    /// Euler: "linear" interpolation of σ over timesteps.
    public var interpolationType: String = "linear"
    /// Euler and DPM-Solver: must be false.
    public var useKarrasSigmas: Bool = false
    /// Euler and DPM-Solver: last σ, "zero" or "sigma_min".
    public var finalSigmasType: String = "zero"
    /// DPM-Solver: multistep order, 1 or 2.
    public var solverOrder: Int = 2
    /// DPM-Solver: must be "dpmsolver++".
    public var algorithmType: String = "dpmsolver++"
    /// DPM-Solver: second-order variant, "midpoint" or "heun".
    public var solverType: String = "midpoint"
    /// DPM-Solver: use first order for the last steps of short runs.
    public var lowerOrderFinal: Bool = true
    /// DPM-Solver: use first order for the last step.
    public var eulerAtFinal: Bool = false

    /// A configuration with diffusers' class defaults.
    public init() {}

    /// The SD v1.4/v1.5 `scheduler/scheduler_config.json`.
    public static let stableDiffusionV1: SchedulerConfiguration = {
        var c = SchedulerConfiguration()
        c.betaStart = 0.00085
        c.betaEnd = 0.012
        c.betaSchedule = .scaledLinear
        c.stepsOffset = 1
        c.setAlphaToOne = false
        c.skipPRKSteps = true
        c.clipSample = false
        return c
    }()

    enum CodingKeys: String, CodingKey {
        case trainTimestepCount = "num_train_timesteps"
        case betaStart = "beta_start"
        case betaEnd = "beta_end"
        case betaSchedule = "beta_schedule"
        case trainedBetas = "trained_betas"
        case stepsOffset = "steps_offset"
        case setAlphaToOne = "set_alpha_to_one"
        case timestepSpacing = "timestep_spacing"
        case predictionType = "prediction_type"
        case skipPRKSteps = "skip_prk_steps"
        case clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range"
        case thresholding
        case dynamicThresholdingRatio = "dynamic_thresholding_ratio", sampleMaxValue = "sample_max_value"
        case rescaleBetasZeroSNR = "rescale_betas_zero_snr"
        case interpolationType = "interpolation_type"
        case useKarrasSigmas = "use_karras_sigmas"
        case finalSigmasType = "final_sigmas_type"
        case solverOrder = "solver_order"
        case algorithmType = "algorithm_type"
        case solverType = "solver_type"
        case lowerOrderFinal = "lower_order_final"
        case eulerAtFinal = "euler_at_final"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        trainTimestepCount = try value(.trainTimestepCount, trainTimestepCount)
        betaStart = try value(.betaStart, betaStart)
        betaEnd = try value(.betaEnd, betaEnd)
        betaSchedule = try value(.betaSchedule, betaSchedule)
        trainedBetas = try c.decodeIfPresent([Double].self, forKey: .trainedBetas)
        stepsOffset = try value(.stepsOffset, stepsOffset)
        setAlphaToOne = try c.decodeIfPresent(Bool.self, forKey: .setAlphaToOne)
        timestepSpacing = try c.decodeIfPresent(TimestepSpacing.self, forKey: .timestepSpacing)
        predictionType = try value(.predictionType, predictionType)
        skipPRKSteps = try c.decodeIfPresent(Bool.self, forKey: .skipPRKSteps)
        clipSample = try c.decodeIfPresent(Bool.self, forKey: .clipSample)
        clipSampleRange = try value(.clipSampleRange, clipSampleRange)
        thresholding = try value(.thresholding, thresholding)
        dynamicThresholdingRatio = try value(.dynamicThresholdingRatio, dynamicThresholdingRatio)
        sampleMaxValue = try value(.sampleMaxValue, sampleMaxValue)
        rescaleBetasZeroSNR = try value(.rescaleBetasZeroSNR, rescaleBetasZeroSNR)
        interpolationType = try value(.interpolationType, interpolationType)
        useKarrasSigmas = try value(.useKarrasSigmas, useKarrasSigmas)
        finalSigmasType = try value(.finalSigmasType, finalSigmasType)
        solverOrder = try value(.solverOrder, solverOrder)
        algorithmType = try value(.algorithmType, algorithmType)
        solverType = try value(.solverType, solverType)
        lowerOrderFinal = try value(.lowerOrderFinal, lowerOrderFinal)
        eulerAtFinal = try value(.eulerAtFinal, eulerAtFinal)
    }
}

extension SchedulerConfiguration {
    /// Refuses `use_karras_sigmas` for a sampler that diffusers gives no Karras spacing
    /// (Euler ancestral), rather than run something no reference defines.
    func checkNoKarrasSigmas(sampler: String) throws {
        guard !useKarrasSigmas else {
            throw SchedulerError.unsupportedConfiguration(
                key: "use_karras_sigmas", value: "true", hint: "diffusers' \(sampler) has no Karras σ spacing; set it to false")
        }
    }
}
