import Foundation
import XCTest

/// `hediff bench 2pc --json` prints the two-party figures issue 13 asks for, from counted bytes.
final class BenchTwoPartyTests: XCTestCase {
    func testJSONCarriesThePrivateUNetFoundationsFigures() throws {
        for transport in ["loopback", "tcp"] {
            let result = try HEDiffProcess.run(["bench", "2pc", "--transport", transport, "--cot-count", "65536", "--elements", "512", "--json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(json["transport"] as? String, transport)
            XCTAssertEqual(json["cot_count"] as? Int, 65536)
            XCTAssertGreaterThan(try XCTUnwrap(json["cot_per_second"] as? Double), 0)
            // DReLU moves kilobits per element over a handful of rounds; truncation by 12 bits, one round.
            XCTAssertGreaterThan(try XCTUnwrap(json["comparison_bits_per_element"] as? Double), 100)
            XCTAssertGreaterThan(try XCTUnwrap(json["comparison_rounds"] as? Int), 1)
            XCTAssertGreaterThan(try XCTUnwrap(json["truncation_bits_per_element"] as? Double), 0)
            XCTAssertEqual(json["truncation_rounds"] as? Int, 1)
        }
        XCTAssertNotEqual(try HEDiffProcess.run(["bench", "2pc", "--cot-count", "0"]).status, 0)
    }
}
