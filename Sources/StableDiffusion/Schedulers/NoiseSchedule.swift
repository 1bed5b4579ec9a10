import Foundation

/// The training noise schedule ᾱ_t shared by every sampler, in float32 as diffusers holds it.
///
/// Matches: diffusers 0.42.1 `betas`/`alphas_cumprod` of scheduling_pndm.py and siblings, built with
/// torch 2.15 CPU `torch.linspace` (fused multiply-add from either end) and `torch.cumprod`
/// (float32 factors, double accumulator).
struct NoiseSchedule: Sendable {
    /// ᾱ_t = Π_{s≤t} (1 − β_s) for t in 0..<T.
    let alphasCumprod: [Float]

    /// The most training timesteps a config may declare: ten times the 1000 of every SD model.
    /// The schedule holds one value per timestep, so a config file asking for 10^12 is refused
    /// instead of allocating terabytes.
    static let maximumTrainTimestepCount = 10_000

    init(_ configuration: SchedulerConfiguration) throws {
        let count = configuration.trainTimestepCount
        guard (2...Self.maximumTrainTimestepCount).contains(count) else {
            throw SchedulerError.invalidParameter(
                name: "num_train_timesteps", value: "\(count)", expected: "2...\(Self.maximumTrainTimestepCount) (SD v1.x uses 1000)")
        }
        // The samplers add the offset to step · stride; past the training range it only makes
        // invalid timesteps, and near Int.max it would overflow that sum.
        guard (0..<count).contains(configuration.stepsOffset) else {
            throw SchedulerError.invalidParameter(
                name: "steps_offset", value: "\(configuration.stepsOffset)", expected: "0..<\(count) (SD v1.x uses 1)")
        }
        guard configuration.predictionType == "epsilon" else {
            throw SchedulerError.unsupportedConfiguration(
                key: "prediction_type", value: configuration.predictionType,
                hint: "only epsilon prediction (SD v1.x) is implemented")
        }
        guard !configuration.rescaleBetasZeroSNR else {
            throw SchedulerError.unsupportedConfiguration(
                key: "rescale_betas_zero_snr", value: "true", hint: "this SD 2.x option is not implemented")
        }
        let betas: [Float]
        if let trained = configuration.trainedBetas {
            guard trained.count == count else {
                throw SchedulerError.invalidParameter(
                    name: "trained_betas", value: "\(trained.count) values", expected: "\(count) values")
            }
            betas = trained.map { Float($0) }
        } else {
            switch configuration.betaSchedule {
            case .linear:
                betas = Self.torchLinspace(Float(configuration.betaStart), Float(configuration.betaEnd), count)
            case .scaledLinear:
                betas = Self.torchLinspace(
                    Float(configuration.betaStart.squareRoot()), Float(configuration.betaEnd.squareRoot()), count
                ).map { $0 * $0 }
            case .squaredCosineCapV2:
                betas = Self.squaredCosineBetas(count)
            }
        }
        guard betas.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw SchedulerError.invalidParameter(name: "betas", value: "out of range", expected: "every β in (0, 1)")
        }
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= Double(1 - beta)
            return Float(product)
        }
    }

    /// torch.linspace for float32 on the CPU: `start + step·i` for the first half and
    /// `end − step·(n−1−i)` for the second, each a single fused multiply-add.
    static func torchLinspace(_ start: Float, _ end: Float, _ count: Int) -> [Float] {
        let step = (end - start) / Float(count - 1)
        let half = count / 2
        return (0..<count).map { i in
            i < half ? start.addingProduct(step, Float(i)) : end.addingProduct(-step, Float(count - 1 - i))
        }
    }

    /// diffusers' `betas_for_alpha_bar` with the cosine ᾱ of Nichol & Dhariwal, capped at 0.999.
    static func squaredCosineBetas(_ count: Int) -> [Float] {
        func alphaBar(_ t: Double) -> Double {
            let c = cos((t + 0.008) / 1.008 * Double.pi / 2)
            return c * c
        }
        return (0..<count).map { i in
            let t1 = Double(i) / Double(count)
            let t2 = Double(i + 1) / Double(count)
            return Float(min(1 - alphaBar(t2) / alphaBar(t1), 0.999))
        }
    }

    /// The Karras/Euler noise levels σ_t = √((1 − ᾱ_t)/ᾱ_t), computed in float32 as diffusers does.
    var sigmas: [Float] {
        alphasCumprod.map { ((1 - $0) / $0).squareRoot() }
    }
}
