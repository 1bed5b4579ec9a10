import Foundation
import XCTest

/// The `hediff` binary run as a user would: results on good input, and on bad input one clear
/// error line, a non-zero exit and no output file.
final class CLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tinyModel = root.appendingPathComponent("Tests/Fixtures/tiny-sd").path

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try HEDiffProcess.run(arguments)
    }

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hediff-cli-\(UUID().uuidString)-\(name)").path
    }

    func testPrivateGenerationWritesAnImageAndAReport() throws {
        let output = temporaryPath("out.png"), report = temporaryPath("report.json")
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: report) }
        let result = try run(["generate", "--model", Self.tinyModel, "--prompt", "a red circle", "--steps", "3",
                              "--output", output, "--report", report])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        XCTAssertEqual((json?["steps"] as? [Any])?.count, 4, "PLMS: steps + 1 noise predictions")
        XCTAssertEqual(json?["mode"] as? String, "sparse")
        XCTAssertTrue(result.stderr.contains("encrypted"), "per-step table on stderr")
    }

    /// Steps and guidance come from the command line, else from the model folder's
    /// generation_defaults.json, else SD v1.x's 50 and 7.5; the run says which it used.
    func testSamplingDefaultsFromTheModelFolder() throws {
        let model = temporaryPath("model"), output = temporaryPath("out.png")
        defer { try? FileManager.default.removeItem(atPath: model); try? FileManager.default.removeItem(atPath: output) }
        try FileManager.default.copyItem(atPath: Self.tinyModel, toPath: model)
        try Data(#"{"guidance_scale": 2.5, "num_inference_steps": 2}"#.utf8)
            .write(to: URL(fileURLWithPath: model).appendingPathComponent("generation_defaults.json"))
        var result = try run(["generate", "--model", model, "--prompt", "a red circle", "--output", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("plms, 2 steps, guidance 2.5, seed 0"), result.stderr)
        result = try run(["generate", "--model", model, "--prompt", "a red circle", "--guidance", "4", "--output", output])
        XCTAssertTrue(result.stderr.contains("2 steps, guidance 4.0"), result.stderr)
        try FileManager.default.removeItem(atPath: URL(fileURLWithPath: model).appendingPathComponent("generation_defaults.json").path)
        result = try run(["generate", "--model", model, "--prompt", "a red circle", "--privacy", "off", "--output", output])
        XCTAssertTrue(result.stderr.contains("plms, 50 steps, guidance 7.5"), result.stderr)
        try Data(#"{"num_inference_steps": -3}"#.utf8)
            .write(to: URL(fileURLWithPath: model).appendingPathComponent("generation_defaults.json"))
        try FileManager.default.removeItem(atPath: output)
        result = try run(["generate", "--model", model, "--prompt", "a red circle", "--output", output])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("num_inference_steps"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testCompareReportsMetrics() throws {
        let result = try run(["compare", "--model", Self.tinyModel, "--prompt", "a blue square", "--steps", "3", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        XCTAssertGreaterThanOrEqual(json?["psnr_db"] as? Double ?? 0, 40)
        XCTAssertLessThan(json?["latent_max_abs_error"] as? Double ?? 1, 1e-3)
    }

    func testBadInputGivesOneErrorLineAndNoOutput() throws {
        let output = temporaryPath("never.png")
        let cases: [[String]] = [
            ["generate", "--model", "/nonexistent/model", "--prompt", "x", "--output", output],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--output", "/nonexistent/dir/out.png"],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--threshold", "2", "--output", output],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--privacy", "bogus", "--output", output],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--baseline-sample", "5", "--output", output],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--image", "/nonexistent.png", "--output", output],
            ["bench", "step", "--privacy", "off"],
            ["ckks", "bench", "--operations", "nonsense"],
        ]
        for arguments in cases {
            let result = try run(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") || $0.hasPrefix("error:") }
            XCTAssertEqual(errorLines.count, 1, "\(arguments): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(arguments) left a file")
        }
    }
}
