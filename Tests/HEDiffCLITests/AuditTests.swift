import Foundation
import XCTest

/// `hediff audit` on the embedded model: it has teeth (the paper's protocol with a known seed is
/// rebuilt exactly, and with random noise still well above chance), and the default protocol
/// leaves the evaluator at chance.
final class AuditTests: XCTestCase {
    private static let prompt = "a large red circle on the left, blue background"

    private func audit(_ arguments: [String]) throws -> [String: Any] {
        let result = try HEDiffProcess.run(["audit", "--prompt", Self.prompt, "--json", "--calibration-runs", "4"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    private func attack(_ report: [String: Any], _ name: String) throws -> [String: Any] {
        let attacks = try XCTUnwrap(report["attacks"] as? [[String: Any]])
        return try XCTUnwrap(attacks.first { $0["name"] as? String == name }, "\(name) missing")
    }

    func testThePaperProtocolIsRebuiltFromItsMessages() throws {
        let seeded = try audit(["--privacy", "paper", "--seed", "0", "--seed-budget", "16"])
        XCTAssertEqual(seeded["seed_found"] as? Int, 0)
        XCTAssertGreaterThanOrEqual(try attack(seeded, "seed-search")["psnr_db"] as? Double ?? 0, 40)
        XCTAssertEqual(try attack(seeded, "seed-search")["attributes_matched"] as? Int, 3, "background, colour and position read back")
        let real = try XCTUnwrap(seeded["real_attributes"] as? [String: String])
        XCTAssertEqual(real, ["background": "blue", "shape": "red", "position": "left"])
        XCTAssertEqual(seeded["noise"] as? String, "seeded")

        let random = try audit(["--privacy", "paper", "--seed-budget", "256"])
        XCTAssertEqual(random["noise"] as? String, "random")
        XCTAssertNil(random["seed_found"] as? Int)
        let inversion = try attack(random, "affine-inversion")
        XCTAssertGreaterThan(inversion["recovered_fraction"] as? Double ?? 0, 0.4, "most of x_T appears in plaintext remainders")
        XCTAssertGreaterThanOrEqual(inversion["psnr_db"] as? Double ?? 0, 20)
        XCTAssertGreaterThanOrEqual(random["max_psnr_db"] as? Double ?? 0, (random["chance_psnr_db"] as? Double ?? 0) + 10)
    }

    func testTheDefaultLeavesTheEvaluatorAtChance() throws {
        let report = try audit([])
        XCTAssertEqual(report["mode"] as? String, "packed")
        XCTAssertEqual(report["noise"] as? String, "random")
        let chance = try XCTUnwrap(report["chance_psnr_db"] as? Double)
        for attack in try XCTUnwrap(report["attacks"] as? [[String: Any]]) {
            XCTAssertEqual(attack["recovered_fraction"] as? Double, 0, "\(attack)")
            if let psnr = attack["psnr_db"] as? Double { XCTAssertLessThanOrEqual(psnr, chance + 1, "\(attack)") }
        }
    }
}
