import Foundation
import Tensor

/// The arithmetic the schedulers share, in one place: numpy-compatible timestep grids, σ
/// interpolation and the final σ, and dense elementwise combinations of latent-shaped buffers.

/// numpy-compatible index arithmetic used to lay out inference timesteps.
enum TimestepGrid {
    /// `np.linspace(start, stop, count)` in double precision.
    static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }

    /// `np.arange(start, stop, step)` in double precision.
    static func arange(_ start: Double, _ stop: Double, _ step: Double) -> [Double] {
        let count = max(0, Int(((stop - start) / step).rounded(.up)))
        return (0..<count).map { start + Double($0) * step }
    }

    /// `np.round`: halves to even.
    static func round(_ values: [Double]) -> [Double] {
        values.map { $0.rounded(.toNearestOrEven) }
    }

    /// Checks that every timestep indexes the training schedule.
    static func validated(_ timesteps: [Double], trainCount: Int) throws -> [Double] {
        for t in timesteps where !(t >= 0 && t <= Double(trainCount - 1)) {
            throw SchedulerError.invalidParameter(
                name: "timesteps", value: "\(t)",
                expected: "values in 0...\(trainCount - 1); check steps_offset, timestep_spacing and the step count")
        }
        return timesteps
    }

    /// Checks an inference step count against the training schedule.
    static func checkStepCount(_ stepCount: Int, trainCount: Int) throws {
        guard stepCount >= 1 && stepCount <= trainCount else {
            throw SchedulerError.invalidParameter(
                name: "step count", value: "\(stepCount)", expected: "1...\(trainCount)")
        }
    }
}

/// Dense elementwise arithmetic on flat float32 buffers, accumulated in double.
enum LatentMath {
    /// `Σ_k weights[k] · terms[k]`, elementwise; every term has the same count.
    static func combination(_ weights: [Double], _ terms: [[Float]]) -> [Float] {
        let count = terms.first?.count ?? 0
        var accumulator = [Double](repeating: 0, count: count)
        for (weight, term) in zip(weights, terms) where weight != 0 {
            term.withUnsafeBufferPointer { t in
                accumulator.withUnsafeMutableBufferPointer { a in
                    for i in a.indices { a[i] += weight * Double(t[i]) }
                }
            }
        }
        return accumulator.map { Float($0) }
    }

    /// Throws unless `tensorShape` equals the latent shape fixed by the first step.
    static func checkShape(_ tensorShape: [Int], against latentShape: [Int]?) throws {
        if let latentShape, latentShape != tensorShape {
            throw SchedulerError.shapeMismatch(expected: latentShape, found: tensorShape)
        }
    }
}

/// The σ appended after the last timestep: 0 or σ at training step 0, per `final_sigmas_type`.
func finalSigma(_ configuration: SchedulerConfiguration, _ schedule: NoiseSchedule) throws -> Float {
    switch configuration.finalSigmasType {
    case "zero": return 0
    case "sigma_min": return schedule.sigmas[0]
    default:
        throw SchedulerError.unsupportedConfiguration(
            key: "final_sigmas_type", value: configuration.finalSigmasType, hint: "use zero or sigma_min")
    }
}

/// `np.interp(x, arange(table.count), table)`: linear interpolation in double, exact at grid points.
func interpolate(_ table: [Float], at x: Double) -> Float {
    let last = table.count - 1
    if x <= 0 { return table[0] }
    if x >= Double(last) { return table[last] }
    let low = Int(x.rounded(.down))
    if x == Double(low) { return table[low] }
    let slope = Double(table[low + 1]) - Double(table[low])
    return Float(slope * (x - Double(low)) + Double(table[low]))
}

/// Karras et al. (2022) noise levels: `count` σs from `sigmaMax` down to `sigmaMin`, evenly spaced
/// in σ^(1/ρ) with ρ = 7 (k-diffusion's `get_sigmas_karras`), in double precision.
///
/// Matches: diffusers 0.42.1 `_convert_to_karras` (scheduling_euler_discrete.py).
func karrasSigmas(sigmaMin: Double, sigmaMax: Double, count: Int) -> [Double] {
    let rho = 7.0
    let minInverse = pow(sigmaMin, 1 / rho), maxInverse = pow(sigmaMax, 1 / rho)
    return TimestepGrid.linspace(0, 1, count).map { pow(maxInverse + $0 * (minInverse - maxInverse), rho) }
}

/// The (fractional) training timestep whose σ is `sigma`: linear interpolation of log σ over the
/// training schedule's log σs, clamped to it.
///
/// Matches: diffusers 0.42.1 `_sigma_to_t` (scheduling_euler_discrete.py); `logSigmas` are the
/// float32 logs numpy computes from the float32 σ table.
func timestep(forSigma sigma: Double, logSigmas: [Float]) -> Double {
    let logSigma = log(max(sigma, 1e-10))
    // The last index whose log σ is ≤ log σ(sigma), at most count − 2.
    let below = logSigmas.lastIndex { Double($0) <= logSigma } ?? 0
    let low = min(below, logSigmas.count - 2)
    let lowValue = Double(logSigmas[low]), highValue = Double(logSigmas[low + 1])
    let w = min(max((lowValue - logSigma) / (lowValue - highValue), 0), 1)
    return (1 - w) * Double(low) + w * Double(low + 1)
}

/// What the σ-parametrized samplers (Euler, Euler ancestral) share: the model input scaled to unit
/// variance, and image-to-image noising at a σ.
enum SigmaSampling {
    /// x / √(σ² + 1).
    static func scaleModelInput(_ sample: Tensor, sigma: Float) throws -> Tensor {
        let divisor = (sigma * sigma + 1).squareRoot()
        return try Tensor(shape: sample.shape, scalars: sample.scalars.map { $0 / divisor })
    }

    /// `x₀ + σ · noise`.
    static func addNoise(to original: Tensor, noise: Tensor, sigma: Float) throws -> Tensor {
        guard noise.shape == original.shape else {
            throw SchedulerError.shapeMismatch(expected: original.shape, found: noise.shape)
        }
        return try Tensor(
            shape: original.shape, scalars: LatentMath.combination([1, Double(sigma)], [original.scalars, noise.scalars]))
    }
}
