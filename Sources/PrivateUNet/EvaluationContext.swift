/// What every layer of one fixed-point evaluation shares: the format, the nonlinear procedures and
/// the optional range recorder.
struct EvaluationContext: Sendable {
    let format: FixedPointFormat
    let math: FixedPointMath
    let silu: PiecewiseActivation
    let gelu: PiecewiseActivation
    let recorder: RangeRecorder?
    /// The ring of the norms' sums of squares (`FixedNorm`).
    let varianceRingBits: Int

    /// Records `stored`'s largest magnitude and an accumulator magnitude (2f fraction bits) for `layer`.
    func record(_ layer: String, stored: [Int64], accumulator: Int64 = 0) {
        guard let recorder else { return }
        recorder.record(
            layer, stored: maximumMagnitude(stored), accumulator: accumulator,
            accumulatorFractionBits: accumulator == 0 ? 0 : 2 * format.fractionBits,
            accumulatorRingBits: accumulator == 0 ? 0 : format.ringBits)
    }
}

extension Array where Element == Int64 {
    /// Element-wise ring sum.
    func adding(_ other: [Int64], _ format: FixedPointFormat) -> [Int64] {
        precondition(count == other.count, "ring sum of different lengths")
        return (0..<count).map { format.wrap(self[$0] &+ other[$0]) }
    }
}
