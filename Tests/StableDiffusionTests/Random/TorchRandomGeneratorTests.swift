import Foundation
import StableDiffusion
import XCTest

/// `TorchRandomGenerator` against `torch.randn` records (tools/fixtures, `records/randn.*`).
final class TorchRandomGeneratorTests: XCTestCase {
    /// Distance in units of the last place between two finite floats of the same sign.
    private func ulps(_ a: Float, _ b: Float) -> Int {
        if a == b { return 0 }
        guard a.sign == b.sign else { return Int.max }
        return abs(Int(a.bitPattern) - Int(b.bitPattern))
    }

    func testRandnMatchesTorch() throws {
        let records = try FixtureRecords("randn")
        let cases = try XCTUnwrap((records.metadata as? [String: Any])?["cases"] as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 5)
        var compared = 0
        for entry in cases {
            let seed = (entry["seed"] as! NSNumber).uint64Value
            var generator = TorchRandomGenerator(seed: seed)
            for call in entry["calls"] as! [[String: Any]] {
                let shape = (call["shape"] as! [NSNumber]).map { $0.intValue }
                let expected = try records.tensor(call["tensor"] as! String)
                let actual = try generator.randn(shape: shape)
                XCTAssertEqual(actual.shape, expected.shape)
                // torch's vectorized path uses SLEEF log/sin/cos, ours the C library's: a few ulps apart.
                let worst = zip(actual.scalars, expected.scalars).map { ulps($0, $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 4, "seed \(seed) shape \(shape)")
                compared += actual.scalars.count
            }
        }
        XCTAssertGreaterThan(compared, 16_000)
    }

    func testScalarPathIsExact() throws {
        let records = try FixtureRecords("randn")
        let cases = try XCTUnwrap((records.metadata as? [String: Any])?["cases"] as? [[String: Any]])
        for entry in cases {
            var generator = TorchRandomGenerator(seed: (entry["seed"] as! NSNumber).uint64Value)
            for call in entry["calls"] as! [[String: Any]] {
                let shape = (call["shape"] as! [NSNumber]).map { $0.intValue }
                let actual = try generator.randn(shape: shape)
                if actual.scalars.count < 16 {
                    XCTAssertEqual(actual.scalars, try records.tensor(call["tensor"] as! String).scalars)
                }
            }
        }
    }

    func testNegativeExtentIsRejected() {
        var generator = TorchRandomGenerator(seed: 0)
        XCTAssertThrowsError(try generator.randn(shape: [2, -1])) { error in
            XCTAssertEqual(error as? RandomError, .invalidShape([2, -1]))
        }
    }
}
