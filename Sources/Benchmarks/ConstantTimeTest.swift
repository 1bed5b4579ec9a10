import CKKS
import Dispatch
import RingArithmetic

/// A dudect-style statistical timing test (Reparaz, Balasch, Verbauwhede, "Dude, is my code
/// constant time?", DATE 2017): does an operation's running time depend on its secret input?
///
/// Each measurement draws a class at random from the CSPRNG — 0 for a fixed secret input, 1 for a
/// fresh random one — prepares an input of that class (untimed), and times one call with a
/// nanosecond monotonic clock. The classes are interleaved at random so that drift and load from
/// other processes fall on both alike. Welch's t statistic then compares the two timing
/// distributions: on all measurements, and on the measurements below several percentiles
/// (cropping removes the long upper tail of interrupts and preemption, where a small leak
/// drowns). The largest |t| is reported; |t| above 4.5 rejects "same distribution" at a
/// confidence beyond 1 − 10^-5 and is read as a leak. Below 4.5 means no leak was detected at this
/// number of measurements: evidence, not proof, and weaker the fewer measurements there are.
public struct ConstantTimeTest: Sendable {
    /// |t| above which a leak is reported (dudect's threshold).
    public static let threshold = 4.5

    /// The percentiles at which the measurements are cropped, besides the uncropped set.
    public static let cropPercentiles = [0.5, 0.75, 0.9, 0.95, 0.99]

    /// An operation under test. `prepare(c)` builds an input of class `c` (0 fixed, 1 random)
    /// outside the timed region and returns the call to time.
    public struct Operation {
        public let name: String
        /// What the two classes are, for the report.
        public let classes: String
        public let prepare: (Int) throws -> () throws -> Void

        public init(name: String, classes: String, prepare: @escaping (Int) throws -> () throws -> Void) {
            self.name = name
            self.classes = classes
            self.prepare = prepare
        }
    }

    /// The outcome for one operation.
    public struct Result: Sendable, Codable, Equatable {
        public var name: String
        public var classes: String
        /// Measurements per class.
        public var measurements_fixed: Int
        public var measurements_random: Int
        /// Mean time per class, nanoseconds (uncropped).
        public var mean_fixed_ns: Double
        public var mean_random_ns: Double
        /// t on all measurements, and the largest |t| over all crops with the crop it came from
        /// (a percentile, or 1 for the uncropped set).
        public var t_uncropped: Double
        public var max_abs_t: Double
        public var max_abs_t_percentile: Double
        /// max_abs_t > threshold.
        public var leak_detected: Bool
    }

    /// Measurements per operation (both classes together).
    public let measurements: Int

    public init(measurements: Int) {
        self.measurements = max(measurements, 4)
    }

    /// Runs the test on `operation`. The first few calls warm caches and are not recorded.
    public func run(_ operation: Operation) throws -> Result {
        var generator = AESCTRGenerator.system()
        let warmUp = max(4, measurements / 50)
        var classes = [Int](), times = [Double]()
        classes.reserveCapacity(measurements)
        times.reserveCapacity(measurements)
        var bits: UInt64 = 0, bitsLeft = 0
        for index in 0..<(warmUp + measurements) {
            if bitsLeft == 0 { (bits, bitsLeft) = (generator.next(), 64) }
            let c = Int(bits & 1)
            bits >>= 1
            bitsLeft -= 1
            let call = try operation.prepare(c)
            let start = DispatchTime.now().uptimeNanoseconds
            try call()
            let end = DispatchTime.now().uptimeNanoseconds
            if index >= warmUp {
                classes.append(c)
                times.append(Double(end &- start))
            }
        }
        return ConstantTimeTest.analyze(name: operation.name, classes: operation.classes, times: times, classOf: classes)
    }

    /// The statistics of recorded timings (exposed for tests of the analysis itself).
    public static func analyze(name: String, classes: String, times: [Double], classOf: [Int]) -> Result {
        precondition(times.count == classOf.count, "one class per measurement")
        let sorted = times.sorted()
        let cutoffs = [(1.0, Double.infinity)] + cropPercentiles.map { p in
            (p, sorted.isEmpty ? Double.infinity : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))])
        }
        var tests = [WelchTTest](repeating: WelchTTest(), count: cutoffs.count)
        for (time, c) in zip(times, classOf) {
            for (k, cutoff) in cutoffs.enumerated() where time <= cutoff.1 { tests[k].add(time, toClass: c) }
        }
        var best = (t: 0.0, percentile: 1.0)
        for (k, test) in tests.enumerated() where abs(test.t) > abs(best.t) { best = (test.t, cutoffs[k].0) }
        let all = tests[0]
        return Result(
            name: name, classes: classes, measurements_fixed: all.count.0, measurements_random: all.count.1,
            mean_fixed_ns: all.mean.0, mean_random_ns: all.mean.1, t_uncropped: all.t,
            max_abs_t: abs(best.t), max_abs_t_percentile: best.percentile, leak_detected: abs(best.t) > threshold)
    }
}
