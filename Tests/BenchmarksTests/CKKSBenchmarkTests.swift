@_spi(Testing) import CKKS
import Benchmarks
import Foundation
import XCTest

/// `hediff ckks bench --json` encodes this report; tools/bench/compare.py reads its keys `params`,
/// `ops.<name>.median_s|min_s` and `sizes`.
final class CKKSBenchmarkTests: XCTestCase {
    func testReportHasTheKeysCompareReads() throws {
        let parameters = try CKKSParameters.insecureForTests(polyDegree: 1024, coefficientModulusBits: [50, 40, 50], scale: 0x1p40)
        let report = try CKKSBenchmark(parameters: parameters, repetitions: 2, iterations: 1, operations: ["encode", "rotate"])
            .run(name: "tiny")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["params", "ops", "sizes"])
        XCTAssertEqual(json["params"] as? String, "tiny")
        let ops = try XCTUnwrap(json["ops"] as? [String: [String: Double]])
        XCTAssertEqual(Set(ops.keys), ["encode", "rotate"])
        for timing in ops.values {
            XCTAssertEqual(Set(timing.keys), ["median_s", "min_s"])
            XCTAssertLessThanOrEqual(try XCTUnwrap(timing["min_s"]), try XCTUnwrap(timing["median_s"]))
        }
        let sizes = try XCTUnwrap(json["sizes"] as? [String: Int])
        XCTAssertEqual(Set(sizes.keys), ["ciphertext_bytes", "ciphertext_seeded_bytes"])
    }
}
