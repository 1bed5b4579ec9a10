import Foundation
import XCTest

/// `--model FILE`, `--config` and `--vae` as a user runs them: a single-file checkpoint of the
/// fixture model gives the folder's image byte for byte; bad files give one error line and no output.
final class SingleFileModelTests: XCTestCase {
    private static let fixtures = CLITests.root.appendingPathComponent("Tests/Fixtures")
    private static let folder = fixtures.appendingPathComponent("tiny-sd").path
    private static let checkpoint = fixtures.appendingPathComponent("single-file/tiny-sd.ckpt").path
    private static let halfCheckpoint = fixtures.appendingPathComponent("single-file/tiny-sd.fp16-ema.safetensors").path

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hediff-single-\(UUID().uuidString)-\(name)").path
    }

    private func generate(_ model: [String], output: String, privacy: String = "off") throws -> (status: Int32, stderr: String) {
        let result = try HEDiffProcess.run(
            ["generate"] + model + ["--prompt", "a red circle", "--steps", "4", "--seed", "5", "--privacy", privacy, "--output", output])
        return (result.status, result.stderr)
    }

    func testACheckpointFileGivesTheFoldersImage() throws {
        let fromFolder = temporaryPath("folder.png"), fromFile = temporaryPath("file.png"), withVAE = temporaryPath("vae.png")
        defer { for path in [fromFolder, fromFile, withVAE] { try? FileManager.default.removeItem(atPath: path) } }
        var result = try generate(["--model", Self.folder], output: fromFolder)
        XCTAssertEqual(result.status, 0, result.stderr)
        result = try generate(["--model", Self.checkpoint, "--config", Self.folder], output: fromFile)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fromFile)), try Data(contentsOf: URL(fileURLWithPath: fromFolder)))
        // The folder's own VAE in place of the file's (the same weights): the same image again.
        result = try generate(["--model", Self.checkpoint, "--config", Self.folder, "--vae", Self.folder], output: withVAE)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: withVAE)), try Data(contentsOf: URL(fileURLWithPath: fromFolder)))
    }

    func testAFloat16CheckpointRunsPrivately() throws {
        let output = temporaryPath("half.png")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try generate(["--model", Self.halfCheckpoint, "--config", Self.folder], output: output, privacy: "packed")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
    }

    func testBadModelFilesGiveOneErrorLineAndNoOutput() throws {
        let output = temporaryPath("never.png")
        let notAModel = temporaryPath("notes.safetensors")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notAModel))
        defer { try? FileManager.default.removeItem(atPath: notAModel) }
        let cases: [([String], String)] = [
            (["--model", Self.fixtures.appendingPathComponent("single-file/refused-global.ckpt").path], "posix.system"),
            (["--model", Self.checkpoint], "expected [49408, 768]"),
            (["--model", notAModel], "safetensors"),
            (["--model", Self.folder, "--config", Self.folder], "--config applies to a single-file"),
            (["--model", Self.checkpoint, "--config", Self.folder, "--vae", "/nonexistent/vae"], "does not exist"),
            (["--model", Self.fixtures.appendingPathComponent("tiny-sd/unet/diffusion_pytorch_model.safetensors").path], "diffusers layout"),
        ]
        for (arguments, expected) in cases {
            let result = try generate(arguments, output: output)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") || $0.hasPrefix("error:") }
            XCTAssertEqual(errorLines.count, 1, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(arguments) left a file")
        }
    }
}
