import StableDiffusion
import Tensor

/// The pipeline's latent-update strategy for private generation: every sampler step goes through
/// a `PrivateUpdateSession` (select and encrypt, evaluate on ciphertexts, decrypt and merge), and
/// each step's costs are recorded.
public struct EncryptedLatentUpdate: LatentUpdateStrategy {
    public let session: PrivateUpdateSession
    /// One report per applied step, in order.
    public private(set) var reports: [StepReport] = []

    public init(session: PrivateUpdateSession) {
        self.session = session
    }

    public mutating func apply(_ step: SchedulerStep, to latent: Tensor, stepIndex: Int) throws -> Tensor {
        let (result, report) = try session.update(latent, with: step, stepIndex: stepIndex)
        reports.append(report)
        return result
    }

    /// The whole run's report, recording where its noise came from.
    public func runReport(noise: NoiseOrigin) -> PrivateRunReport {
        PrivateRunReport(mode: session.mode, noise: noise, threshold: session.keyHolder.selector.threshold,
                         parameters: session.keyHolder.context.parameters.description, steps: reports)
    }
}

/// Per-step and total HE costs of one private generation (`--report report.json`).
public struct PrivateRunReport: Sendable, Codable, Equatable {
    public var mode: PrivacyMode
    /// `random` (the key holder's CSPRNG) or `seeded` (the torch-compatible generator).
    public var noise: NoiseOrigin
    public var threshold: Double
    public var parameters: String
    public var steps: [StepReport]

    /// The sum of every step's report (fractions averaged).
    public var totals: StepReport {
        var total = StepReport()
        for step in steps {
            total.select += step.select
            total.encrypt += step.encrypt
            total.evaluate += step.evaluate
            total.decryptMerge += step.decryptMerge
            total.encryptedCount += step.encryptedCount
            total.bytesToEvaluator += step.bytesToEvaluator
            total.bytesToKeyHolder += step.bytesToKeyHolder
            total.extrapolated = total.extrapolated || step.extrapolated
        }
        total.encryptedFraction = steps.isEmpty ? 0 : steps.map(\.encryptedFraction).reduce(0, +) / Double(steps.count)
        return total
    }
}
