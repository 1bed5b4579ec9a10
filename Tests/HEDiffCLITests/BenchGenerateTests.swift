import Foundation
import XCTest

/// `hediff bench generate --json`: a whole SD v1.5-size run (random weights) timed per phase.
final class BenchGenerateTests: XCTestCase {
    func testTheWholeRunIsTimedPerPhase() throws {
        let result = try HEDiffProcess.run(["bench", "generate", "--size", "64", "--steps", "2", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["steps"] as? Int, 2)
        XCTAssertEqual(json["unet_evaluations"] as? Int, 3, "PLMS evaluates the U-Net steps + 1 times")
        XCTAssertEqual(json["privacy"] as? String, "packed")
        let phases = try ["text_encoder_s", "unet_s", "he_s", "vae_s"].map { try XCTUnwrap(json[$0] as? Double, $0) }
        let total = try XCTUnwrap(json["total_s"] as? Double)
        XCTAssertTrue(phases.allSatisfy { $0 > 0 }, "\(json)")
        XCTAssertLessThanOrEqual(phases.reduce(0, +), total * 1.001)
        XCTAssertGreaterThan(phases.reduce(0, +), total * 0.9, "the phases account for the run")
        XCTAssertFalse((json["corename"] as? String ?? "").isEmpty)
        XCTAssertGreaterThan(json["peak_rss_bytes"] as? Int ?? 0, 1 << 30, "SD v1.5-size weights")
    }
}
