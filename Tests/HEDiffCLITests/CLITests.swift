import Foundation
import Imaging
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

    func testPrivateGenerationWritesAnImageAReportAndItsTranscript() throws {
        let output = temporaryPath("out.png"), report = temporaryPath("report.json"), transcript = temporaryPath("transcript")
        defer { for path in [output, report, transcript] { try? FileManager.default.removeItem(atPath: path) } }
        let result = try run(["generate", "--model", Self.tinyModel, "--prompt", "a red circle", "--steps", "3",
                              "--output", output, "--report", report, "--transcript", transcript])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.count, 4, "PLMS: steps + 1 noise predictions")
        XCTAssertEqual(json["mode"] as? String, "packed")
        XCTAssertEqual(json["noise"] as? String, "random")
        XCTAssertTrue(result.stderr.contains("encrypted"), "per-step table on stderr")
        // The report's bytes are the sizes of the messages exactly as sent.
        for (index, step) in steps.enumerated() {
            for (direction, key) in [("request", "bytesToEvaluator"), ("reply", "bytesToKeyHolder")] {
                let file = URL(fileURLWithPath: transcript).appendingPathComponent(String(format: "step-%04d-%@.bin", index + 1, direction))
                let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
                XCTAssertEqual(size, step[key] as? Int, "step \(index + 1) \(direction)")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: transcript).count, 8)
    }

    /// Without --seed a private run draws fresh noise from the key holder's CSPRNG: two runs give
    /// different images. With --seed they draw the same noise — the images then differ only by the
    /// CKKS error of fresh keys (at most a pixel level) — and the run says why that is risky.
    func testPrivateNoiseIsFreshUnlessSeeded() throws {
        let paths = (0..<4).map { temporaryPath("run\($0).png") }
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        func generate(_ path: String, _ extra: [String]) throws -> (stderr: String, pixels: [UInt8]) {
            let result = try run(["generate", "--model", Self.tinyModel, "--prompt", "a red circle", "--steps", "3", "--output", path] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return (result.stderr, try PNG.read(from: URL(fileURLWithPath: path)).pixels)
        }
        func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int { zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0 }
        let fresh1 = try generate(paths[0], []), fresh2 = try generate(paths[1], [])
        XCTAssertGreaterThan(maxDifference(fresh1.pixels, fresh2.pixels), 16, "two runs without --seed share their noise")
        let seeded1 = try generate(paths[2], ["--seed", "5"]), seeded2 = try generate(paths[3], ["--seed", "5"])
        XCTAssertLessThanOrEqual(maxDifference(seeded1.pixels, seeded2.pixels), 1)
        XCTAssertEqual(seeded1.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") && $0.contains("seed") }.count, 1, seeded1.stderr)
        XCTAssertFalse(fresh1.stderr.contains("warning:"), fresh1.stderr)
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
        XCTAssertTrue(result.stderr.contains("plms, 2 steps, guidance 2.5, noise from the key holder's CSPRNG"), result.stderr)
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

    /// The JSON form tools/bench/compare.py reads: the last line of stdout, keys sorted.
    func testBenchmarkJSONIsOneLineWithSortedKeys() throws {
        let result = try run(["ckks", "bench", "--json", "--params", "update", "--operations", "encode",
                              "--repetitions", "1", "--iterations", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stdout)
        XCTAssertTrue(result.stdout.hasPrefix(#"{"ops":{"encode":{"median_s":"#), result.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["params"] as? String, "update")
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
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--privacy", "off", "--transcript", temporaryPath("t"), "--output", output],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--transcript", NSTemporaryDirectory(), "--output", output],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--report", "/nonexistent/dir/r.json", "--output", output],
            ["audit", "--model", Self.tinyModel, "--prompt", "x", "--privacy", "off"],
            ["generate", "--model", Self.tinyModel, "--prompt", "x", "--privacy", "sparse", "--width", "8", "--height", "8", "--output", output],
            ["bench", "step", "--privacy", "off"],
            ["ckks", "bench", "--operations", "nonsense"],
            ["ckks", "bench", "--constant-time", "--operations", "ntt_forward"],
            ["ckks", "bench", "--constant-time", "--measurements", "10"],
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
