import CKKS
import Dispatch
import StableDiffusion
import Tensor

/// What one encrypted update cost: the per-stage wall time, how much was encrypted, and the sizes
/// of the two messages that crossed the wire.
public struct StepReport: Sendable, Codable, Equatable {
    public var select: Double = 0
    public var encrypt: Double = 0
    public var evaluate: Double = 0
    public var decryptMerge: Double = 0
    public var encryptedFraction: Double = 0
    public var encryptedCount = 0
    /// The request's size in bytes (scaled up when `extrapolated`).
    public var bytesToEvaluator = 0
    /// The reply's size in bytes (scaled up when `extrapolated`).
    public var bytesToKeyHolder = 0
    /// True when element-wise timings were measured on a sample and scaled to the whole latent.
    public var extrapolated = false

    /// select + encrypt + evaluate + decrypt/merge (the HE overhead of the step), seconds.
    public var total: Double { select + encrypt + evaluate + decryptMerge }

    public init() {}
}

/// One key holder and one evaluator in a process, exchanging the serialized request and reply of
/// every step exactly as over a network: the evaluator works only from the request's bytes, the
/// key holder only from the reply's, and every message is kept in `transcript`.
public final class PrivateUpdateSession: @unchecked Sendable {
    public let mode: PrivacyMode
    public let keyHolder: KeyHolder
    /// For `.elementwise`: encrypt only this many elements and extrapolate their time to the
    /// whole latent (the key holder updates the rest itself); nil encrypts every element.
    public let baselineSample: Int?
    /// Every message exchanged so far.
    public private(set) var transcript = Transcript()
    /// The evaluator, set up when the first step fixes the latent's shape.
    public private(set) var evaluator: UpdateEvaluator?

    public init(mode: PrivacyMode, parameters: CKKSParameters, threshold: Double = 0.01, baselineSample: Int? = nil) throws(HEDiffusionError) {
        self.mode = mode
        keyHolder = try KeyHolder(parameters: parameters, mode: mode, threshold: threshold)
        self.baselineSample = mode == .elementwise ? baselineSample : nil
    }

    /// Applies `step` (the `stepIndex`-th update of the run) to `latent` under this session's mode
    /// and reports the cost.
    public func update(_ latent: Tensor, with step: SchedulerStep, stepIndex: Int = 0) throws -> (Tensor, StepReport) {
        var report = StepReport()
        if mode == .off {
            return (try step.apply(to: latent), report)
        }
        // Only a x + term can be computed on ciphertexts; a clamp of x̂₀ cannot.
        guard step.isAffine else { throw SchedulerError.notAffine }
        let evaluator = try evaluator(for: latent.shape)
        var clock = Stopwatch()
        var selection = try keyHolder.select(latent)
        report.select = clock.lap()
        let fullCount = selection.encryptedIndices.count
        if let sample = baselineSample, sample < fullCount {
            selection = PointSelection(shape: selection.shape, encryptedIndices: Array(selection.encryptedIndices.prefix(max(sample, 1))),
                                       totalDistortion: selection.totalDistortion, removedDistortion: selection.removedDistortion)
        }
        let context = keyHolder.context
        let (request, pending) = try keyHolder.request(step, latent: latent, selection: selection, stepIndex: stepIndex)
        let outgoing = request.serialized(context: context)
        report.encrypt = clock.lap()
        let returning = try evaluator.respond(to: outgoing)
        report.evaluate = clock.lap()
        let reply = try UpdateReply(deserializing: returning, context: context, expectedShape: latent.shape)
        let result = try keyHolder.complete(pending, with: reply)
        report.decryptMerge = clock.lap()
        transcript.record(stepIndex: stepIndex, .request, outgoing)
        transcript.record(stepIndex: stepIndex, .reply, returning)
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

    /// The session's evaluator; the first call fixes the latent shape, later calls must match it.
    private func evaluator(for shape: [Int]) throws(HEDiffusionError) -> UpdateEvaluator {
        if let evaluator {
            guard evaluator.latentShape == shape else { throw .shapeMismatch(expected: evaluator.latentShape, found: shape) }
            return evaluator
        }
        let made = try UpdateEvaluator(parameters: keyHolder.context.parameters, latentShape: shape)
        evaluator = made
        return made
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
