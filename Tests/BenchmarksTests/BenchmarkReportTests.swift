@_spi(Testing) import CKKS
import Benchmarks
import Foundation
import XCTest

/// The JSON the benchmarks print is what tools/bench/compare.py reads: one line, keys sorted, and
/// for `hediff ckks bench --json` the keys `params`, `ops.<name>.median_s|min_s` and `sizes`.
final class BenchmarkReportTests: XCTestCase {
    func testCKKSReportIsOneSortedJSONLineWithTheAnchorKeys() throws {
        let parameters = try CKKSParameters.insecureForTests(polyDegree: 1024, coefficientModulusBits: [50, 40, 50], scale: 0x1p40)
        let report = try CKKSBenchmark(parameters: parameters, repetitions: 2, iterations: 1, operations: ["encode", "rotate"])
            .run(name: "tiny")
        let line = try report.jsonLine()
        XCTAssertFalse(line.contains("\n"))
        XCTAssertTrue(line.hasPrefix(#"{"ops":{"encode":{"median_s":"#), line)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(json["params"] as? String, "tiny")
        let ops = try XCTUnwrap(json["ops"] as? [String: [String: Double]])
        XCTAssertEqual(Set(ops.keys), ["encode", "rotate"])
        for timing in ops.values {
            XCTAssertEqual(Set(timing.keys), ["median_s", "min_s"])
        }
        let sizes = try XCTUnwrap(json["sizes"] as? [String: Int])
        XCTAssertEqual(Set(sizes.keys), ["ciphertext_bytes", "ciphertext_seeded_bytes"])
    }
}
