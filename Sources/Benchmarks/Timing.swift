/// The timing of a repeated operation: the median and the minimum over the repetitions, in
/// seconds, under the JSON keys the anchors print (`median_s`, `min_s`). The median is the
/// typical cost; the minimum, the run least disturbed by the rest of the machine.
public struct Timing: Sendable, Codable, Equatable {
    public var median_s: Double
    public var min_s: Double

    /// The timing of the repetitions that took `seconds` (at least one). The median of an even
    /// count is the mean of the middle two, as Python's `statistics.median` in the anchors.
    public init(seconds: [Double]) {
        precondition(!seconds.isEmpty, "a timing needs at least one repetition")
        let sorted = seconds.sorted()
        let middle = sorted.count / 2
        median_s = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min_s = sorted[0]
    }

    /// Times `repetitions` batches of `iterations` calls of `body` on the monotonic clock
    /// (`ContinuousClock`, the one clock the benchmarks read) and returns the per-call timing.
    /// `beforeEach` receives each repetition's number, from 1, before it starts. Warming up is
    /// the caller's: these calls are all timed.
    public static func measure(
        repetitions: Int, iterations: Int = 1, beforeEach: (Int) -> Void = { _ in }, _ body: () throws -> Void
    ) rethrows -> Timing {
        let (repetitions, iterations) = (max(1, repetitions), max(1, iterations))
        var perCall: [Double] = []
        for repetition in 1...repetitions {
            beforeEach(repetition)
            let start = ContinuousClock.now
            for _ in 0..<iterations { try body() }
            perCall.append(seconds(ContinuousClock.now - start) / Double(iterations))
        }
        return Timing(seconds: perCall)
    }

    /// A duration of the monotonic clock in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
