import CKKS
import Dispatch
import StableDiffusion
import Tensor

/// What one encrypted update cost: the per-stage wall time, how much was encrypted, and the bytes
/// that cross the wire in each direction.
public struct StepReport: Sendable, Codable, Equatable {
    public var select: Double = 0
    public var encrypt: Double = 0
    public var evaluate: Double = 0
    public var decryptMerge: Double = 0
    public var encryptedFraction: Double = 0
    public var encryptedCount = 0
    public var bytesToEvaluator = 0
    public var bytesToKeyHolder = 0
    /// True when element-wise timings were measured on a sample and scaled to the whole latent.
    public var extrapolated = false

    /// select + encrypt + evaluate + decrypt/merge (the HE overhead of the step), seconds.
    public var total: Double { select + encrypt + evaluate + decryptMerge }

    public init() {}
}

/// One key holder and one evaluator in a process, exchanging serialized messages exactly as over
/// a network, so that every step's bytes are the real wire bytes.
public final class PrivateUpdateSession: @unchecked Sendable {
    public let mode: PrivacyMode
    public let keyHolder: KeyHolder
    public let evaluator: UpdateEvaluator
    /// For `.elementwise`: encrypt only this many elements and extrapolate their time to the
    /// whole latent (the rest is updated in plaintext); nil encrypts every element.
    public let baselineSample: Int?

    public init(mode: PrivacyMode, parameters: CKKSParameters, threshold: Double = 0.01, baselineSample: Int? = nil) throws(HEDiffusionError) {
        self.mode = mode
        keyHolder = try KeyHolder(parameters: parameters, mode: mode, threshold: threshold)
        evaluator = try UpdateEvaluator(parameters: keyHolder.evaluatorParameters)
        self.baselineSample = mode == .elementwise ? baselineSample : nil
    }

    /// Applies `step` to `latent` under this session's mode and reports the cost.
    public func update(_ latent: Tensor, with step: SchedulerStep) throws -> (Tensor, StepReport) {
        var report = StepReport()
        if mode == .off {
            return (try step.apply(to: latent), report)
        }
        var clock = Stopwatch()
        var selection = try keyHolder.select(latent)
        report.select = clock.lap()
        let fullCount = selection.encryptedIndices.count
        if let sample = baselineSample, sample < fullCount {
            selection = PointSelection(shape: selection.shape, encryptedIndices: Array(selection.encryptedIndices.prefix(max(sample, 1))),
                                       totalDistortion: selection.totalDistortion, removedDistortion: selection.removedDistortion)
        }
        let outgoing = try keyHolder.encrypt(latent, selection: selection).serialized()
        report.encrypt = clock.lap()
        let received = try evaluator.receive(outgoing)
        let returning = try evaluator.apply(step, to: received).serialized()
        report.evaluate = clock.lap()
        let result = try keyHolder.decrypt(try EncryptedLatent(deserializing: returning, context: keyHolder.context))
        report.decryptMerge = clock.lap()
        report.encryptedCount = fullCount
        report.encryptedFraction = Double(fullCount) / Double(max(latent.scalars.count, 1))
        report.bytesToEvaluator = outgoing.count
        report.bytesToKeyHolder = returning.count
        let sampled = selection.encryptedIndices.count
        if sampled < fullCount {
            let factor = Double(fullCount) / Double(sampled)
            report.encrypt *= factor
            report.evaluate *= factor
            report.decryptMerge *= factor
            report.bytesToEvaluator = Int(Double(report.bytesToEvaluator) * factor)
            report.bytesToKeyHolder = Int(Double(report.bytesToKeyHolder) * factor)
            report.extrapolated = true
        }
        return (result, report)
    }
}

/// Wall-clock laps.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the previous lap (or creation).
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) * 1e-9
    }
}
