import Benchmarks
import CKKS
import XCTest

/// The statistics of the constant-time test, and its power to detect a leak. No test here times
/// the library's own code: timing on a shared machine is noisy, and the verdict on the library
/// comes from `hediff ckks bench --constant-time`.
final class ConstantTimeTestTests: XCTestCase {
    /// Welch's t against scipy.stats.ttest_ind(a, b, equal_var=False) (scipy 1.17.1).
    func testWelchStatisticMatchesScipy() {
        let cases: [([Double], [Double], Double)] = [
            ([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], -1.8973665961010275),
            ([10.5, 11.25, 9.75, 10.0, 12.5, 11.0, 10.25], [9.0, 9.5, 10.75, 8.25, 9.25], 2.5941499058276456),
        ]
        for (a, b, expected) in cases {
            var test = WelchTTest()
            // Interleaved, as the constant-time test adds them.
            for i in 0..<max(a.count, b.count) {
                if i < a.count { test.add(a[i], toClass: 0) }
                if i < b.count { test.add(b[i], toClass: 1) }
            }
            XCTAssertEqual(test.t, expected, accuracy: 1e-12)
            XCTAssertEqual(test.count.0, a.count)
            XCTAssertEqual(test.mean.1, b.reduce(0, +) / Double(b.count), accuracy: 1e-12)
        }
        var empty = WelchTTest()
        empty.add(1, toClass: 0)
        XCTAssertEqual(empty.t, 0, "no variance yet: no evidence either way")
    }

    /// The analysis on synthetic timings: identical classes give t = 0; a shift of the fixed
    /// class is found even when a few huge outliers (preemption) in that class would hide it from
    /// the uncropped test, because a cropped test sees it.
    func testAnalysisCropsOutliersAndFindsAShift() {
        let base = (0..<4000).map { Double(1000 + ($0 * 37) % 101) }
        let classes = (0..<4000).map { ($0 / 2 + $0) % 2 }
        let same = ConstantTimeTest.analyze(name: "same", classes: "", times: base, classOf: classes)
        XCTAssertFalse(same.leak_detected)
        XCTAssertLessThan(same.max_abs_t, 4.5)

        var shifted = zip(base, classes).map { $1 == 0 ? $0 + 10 : $0 }
        let randomClass = classes.indices.filter { classes[$0] == 1 }
        for i in stride(from: 0, to: randomClass.count, by: 200) { shifted[randomClass[i]] = 1e9 }
        let result = ConstantTimeTest.analyze(name: "shifted", classes: "", times: shifted, classOf: classes)
        XCTAssertLessThan(abs(result.t_uncropped), 4.5, "the outliers dominate the uncropped variance")
        XCTAssertTrue(result.leak_detected)
        // scipy on the same crops: t = −3.17 uncropped, 10.30 below the 99th percentile.
        XCTAssertEqual(result.t_uncropped, -3.169414140860178, accuracy: 1e-9)
        XCTAssertEqual(result.max_abs_t, 10.295000133323487, accuracy: 1e-9)
        XCTAssertEqual(result.max_abs_t_percentile, 0.99)
    }

    /// The harness run end to end on the deliberately leaky early-exit comparison (not the
    /// library's code): a scan of 8192 words against a return at the first one differs by
    /// microseconds, which no load on the machine hides from 2000 measurements.
    func testHarnessFlagsTheLeakyReference() throws {
        let result = try ConstantTimeTest(measurements: 2000).run(ConstantTimeTest.leakyReference(wordCount: 8192))
        XCTAssertTrue(result.leak_detected, "max |t| \(result.max_abs_t)")
        XCTAssertGreaterThan(result.mean_fixed_ns, result.mean_random_ns, "the full scan is the slow class")
        XCTAssertEqual(result.measurements_fixed + result.measurements_random, 2000)
    }
}
