import CKKS
/// Welch's two-sample t statistic, accumulated online (Welford's update, numerically stable for
/// the millions of nanosecond timings a constant-time test collects).
///
/// t = (mean_0 − mean_1) / √(var_0/n_0 + var_1/n_1) with the unbiased sample variances. Unlike
/// Student's test it does not assume the two classes have equal variances, which timing
/// distributions of a leaky operation usually do not.
public struct WelchTTest: Sendable, Equatable {
    private var counts: [Double] = [0, 0]
    private var means: [Double] = [0, 0]
    private var squaredDeviations: [Double] = [0, 0]

    public init() {}

    /// Adds one observation to class 0 or 1.
    public mutating func add(_ value: Double, toClass c: Int) {
        precondition(c == 0 || c == 1, "Welch's test has two classes")
        counts[c] += 1
        let delta = value - means[c]
        means[c] += delta / counts[c]
        squaredDeviations[c] += delta * (value - means[c])
    }

    /// Observations per class.
    public var count: (Int, Int) { (Int(counts[0]), Int(counts[1])) }

    /// The class means.
    public var mean: (Double, Double) { (means[0], means[1]) }

    /// The statistic, or 0 while a class has fewer than two observations (no variance yet).
    public var t: Double {
        guard counts[0] > 1, counts[1] > 1 else { return 0 }
        let variance0 = squaredDeviations[0] / (counts[0] - 1)
        let variance1 = squaredDeviations[1] / (counts[1] - 1)
        let standardError = (variance0 / counts[0] + variance1 / counts[1]).squareRoot()
        guard standardError > 0 else { return means[0] == means[1] ? 0 : .infinity }
        return (means[0] - means[1]) / standardError
    }
}
