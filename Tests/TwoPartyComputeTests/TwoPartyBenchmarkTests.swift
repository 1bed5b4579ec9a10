import Foundation
import SecretSharing
import TwoPartyCompute
import XCTest

/// The benchmark report: its traffic figures follow the cost formulas, and its JSON carries the keys the
/// issue asks `hediff bench 2pc --json` to print.
final class TwoPartyBenchmarkTests: XCTestCase {
    func testReportMatchesFormulasAndEncodesTheIssueKeys() throws {
        let elements = 1 << 10
        let report = try TwoPartyBenchmark.run(transport: .tcp, cotCount: 1 << 14, elements: elements)
        // DReLU in Z_2^37: a 36-bit millionaire.
        let comparison = millionaireCost(n: elements, bits: 36)
        XCTAssertEqual(report.comparisonBitsPerElement, Double(8 * (comparison.serverBytes + comparison.clientBytes)) / Double(elements))
        XCTAssertEqual(report.comparisonRounds, max(comparison.serverFlights, comparison.clientFlights))
        // Approximate truncation by 12: one 12-bit COT.
        XCTAssertEqual(report.truncationBitsPerElement, Double(8 * (iknpColumnBytes(elements) + packedBytes(elements, bits: 12))) / Double(elements))
        XCTAssertEqual(report.truncationRounds, 1)
        XCTAssertGreaterThan(report.cotPerSecond, 0)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        for key in ["cot_per_second", "comparison_bits_per_element", "comparison_rounds", "truncation_bits_per_element"] {
            XCTAssertNotNil(json?[key], key)
        }
    }
}
