import Foundation
import Imaging
import XCTest

/// `--model FILE`, `--config` and `--vae` as a user runs them: a single-file checkpoint of the
/// fixture model gives the folder's image pixel for pixel; bad files give one error line and no output.
final class SingleFileModelTests: XCTestCase {
    private static let fixtures = CLITests.root.appendingPathComponent("Tests/Fixtures")
    private static let folder = fixtures.appendingPathComponent("tiny-sd").path
    private static let checkpoint = fixtures.appendingPathComponent("single-file/tiny-sd.ckpt").path
    private static let halfCheckpoint = fixtures.appendingPathComponent("single-file/tiny-sd.fp16-ema.safetensors").path

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hediff-single-\(UUID().uuidString)-\(name)").path
    }

    /// The pixels of a PNG (the files' metadata differ: it names the model and the LoRAs).
    private func pixels(_ path: String) throws -> [UInt8] {
        try PNG.read(from: URL(fileURLWithPath: path)).pixels
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
        XCTAssertEqual(try pixels(fromFile), try pixels(fromFolder))
        // The folder's own VAE in place of the file's (the same weights): the same image again.
        result = try generate(["--model", Self.checkpoint, "--config", Self.folder, "--vae", Self.folder], output: withVAE)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try pixels(withVAE), try pixels(fromFolder))
    }

    func testAFloat16CheckpointRunsPrivately() throws {
        let output = temporaryPath("half.png")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try generate(["--model", Self.halfCheckpoint, "--config", Self.folder], output: output, privacy: "packed")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
    }

    /// `--lora FILE:SCALE` changes the image; scale 0 leaves the folder's image.
    func testLoRAsChangeTheImageByTheirScale() throws {
        let plain = temporaryPath("plain.png"), none = temporaryPath("zero.png"), adapted = temporaryPath("lora.png")
        defer { for path in [plain, none, adapted] { try? FileManager.default.removeItem(atPath: path) } }
        let lora = Self.fixtures.appendingPathComponent("lora/kohya.safetensors").path
        XCTAssertEqual(try generate(["--model", Self.folder], output: plain).status, 0)
        var result = try generate(["--model", Self.folder, "--lora", lora + ":0"], output: none)
        XCTAssertEqual(result.status, 0, result.stderr)
        result = try generate(["--model", Self.folder, "--lora", lora + ":1.5", "--lora", Self.fixtures.appendingPathComponent("lora/peft.safetensors").path], output: adapted)
        XCTAssertEqual(result.status, 0, result.stderr)
        let reference = try pixels(plain)
        XCTAssertEqual(try pixels(none), reference)
        XCTAssertNotEqual(try pixels(adapted), reference)
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
            (["--model", Self.folder, "--lora", "/nonexistent/lora.safetensors:0.5"], "/nonexistent/lora.safetensors"),
            (["--model", Self.folder, "--lora", Self.halfCheckpoint], "not a LoRA key"),
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
