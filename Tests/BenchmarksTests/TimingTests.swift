import Benchmarks
import XCTest

/// The one timing helper the benchmarks share: its median and minimum (oracle: Python's
/// `statistics.median` and `min`, which the anchors use, worked by hand) and its repetitions.
final class TimingTests: XCTestCase {
    func testMedianAndMinimumFollowTheAnchors() {
        XCTAssertEqual(Timing(seconds: [0.3, 0.1, 0.2]).median_s, 0.2)
        XCTAssertEqual(Timing(seconds: [0.3, 0.1, 0.2]).min_s, 0.1)
        XCTAssertEqual(Timing(seconds: [4, 1, 3, 2]).median_s, 2.5, "even count: the mean of the middle two")
        XCTAssertEqual(Timing(seconds: [7]), Timing(seconds: [7, 7]))
    }

    func testMeasureTimesEveryRepetitionAndIteration() {
        var calls = 0
        var announced: [Int] = []
        let timing = Timing.measure(repetitions: 3, iterations: 4, beforeEach: { announced.append($0) }) { calls += 1 }
        XCTAssertEqual(calls, 12)
        XCTAssertEqual(announced, [1, 2, 3])
        XCTAssertGreaterThanOrEqual(timing.min_s, 0)
        XCTAssertGreaterThanOrEqual(timing.median_s, timing.min_s)
    }
}
