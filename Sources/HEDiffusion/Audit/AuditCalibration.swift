import StableDiffusion
import Tensor

/// The attacker's own generations with the public model: no prompt, its own random noise, the
/// run's public settings. They give the evaluator a prior over final latents (their mean) and,
/// in the selection modes, how the selected coordinates relate to the final latent.
struct AuditCalibration {
    /// Each run's final latent, flat.
    let finalLatents: [[Double]]
    /// Each run's fraction of steps in which each point was selected for encryption (all 1 when
    /// the mode encrypts every point).
    let encryptedFrequencies: [[Double]]

    /// `runs` unconditional generations (guidance 1: with an empty prompt both halves of
    /// classifier-free guidance are equal, so the result is the same at half the cost).
    init(pipeline: StableDiffusionPipeline, publicConfiguration: GenerationConfiguration, runs: Int,
         selector: MinDistortionSelector?) throws {
        var configuration = publicConfiguration
        configuration.prompts = [""]
        configuration.negativePrompts = []
        configuration.guidanceScale = 1
        var latents: [[Double]] = []
        var frequencies: [[Double]] = []
        for _ in 0..<runs {
            var recorder = SelectionRecorder(selector: selector)
            var noise = SecureNoiseGenerator()
            let final = try pipeline.denoise(configuration, latentUpdate: &recorder, noise: &noise)
            latents.append(final.scalars.map(Double.init))
            frequencies.append(recorder.frequencies(count: final.scalars.count))
        }
        finalLatents = latents
        encryptedFrequencies = frequencies
    }

    /// The mean final latent.
    var meanLatent: [Double] {
        guard let first = finalLatents.first else { return [] }
        var sum = [Double](repeating: 0, count: first.count)
        for latent in finalLatents { for i in sum.indices { sum[i] += latent[i] } }
        return sum.map { $0 / Double(finalLatents.count) }
    }
}

/// Applies every step in plaintext and counts, per point, the steps whose selection encrypted it.
private struct SelectionRecorder: LatentUpdateStrategy {
    let selector: MinDistortionSelector?
    private var counts: [Int] = []
    private var steps = 0

    init(selector: MinDistortionSelector?) { self.selector = selector }

    mutating func apply(_ step: SchedulerStep, to latent: Tensor, stepIndex: Int) throws -> Tensor {
        if counts.isEmpty { counts = [Int](repeating: 0, count: latent.scalars.count) }
        if let selector {
            for i in try selector.select(latent).encryptedIndices { counts[Int(i)] += 1 }
        }
        steps += 1
        return try step.apply(to: latent)
    }

    func frequencies(count: Int) -> [Double] {
        guard selector != nil, steps > 0 else { return [Double](repeating: 1, count: count) }
        return counts.map { Double($0) / Double(steps) }
    }
}
