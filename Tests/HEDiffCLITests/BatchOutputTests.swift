import Foundation
import Imaging
import XCTest

/// Prompt files, images per prompt, `--output-dir` naming, the metadata every PNG carries,
/// random plaintext seeds and `--save-every`, run as a user would.
final class BatchOutputTests: XCTestCase {
    private static let model = CLITests.tinyModel

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func files(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    func testAPromptFileWritesNamedImagesWithTheirParameters() throws {
        let directory = try temporaryDirectory()
        let promptFile = directory.appendingPathComponent("prompts.txt")
        try "a red circle\n\n  a blue square  \na red circle\n".write(to: promptFile, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let result = try HEDiffProcess.run([
            "generate", "--model", Self.model, "--prompt-file", promptFile.path, "--images", "2", "--steps", "2",
            "--seed", "7", "--privacy", "off", "--output-dir", output.path, "--negative-prompt", "blurry",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try files(in: output), [
            "a_blue_square.7.1.png", "a_blue_square.7.2.png",
            "a_red_circle.7.1-2.png", "a_red_circle.7.1.png", "a_red_circle.7.2-2.png", "a_red_circle.7.2.png",
        ])
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 6)
        let bytes = [UInt8](try Data(contentsOf: output.appendingPathComponent("a_blue_square.7.2.png")))
        let parameters = try XCTUnwrap(PNG.text(in: bytes).first { $0.keyword == "parameters" }?.value)
        XCTAssertTrue(parameters.hasPrefix("a blue square\nNegative prompt: blurry\nSteps: 2, Sampler: plms, CFG scale: "), parameters)
        XCTAssertTrue(parameters.contains("Seed: 7, Size: 32x32, Model: tiny-sd"), parameters)
        XCTAssertTrue(parameters.hasSuffix("Privacy: off"), parameters)
        // The same prompt and seed twice: the same image under two names.
        XCTAssertEqual(try Data(contentsOf: output.appendingPathComponent("a_red_circle.7.1.png")),
                       try Data(contentsOf: output.appendingPathComponent("a_red_circle.7.1-2.png")))
    }

    func testAPlaintextRunWithoutSeedDrawsOneAndRerunningWithItRepeatsTheImage() throws {
        let directory = try temporaryDirectory()
        let first = directory.appendingPathComponent("first.png"), second = directory.appendingPathComponent("second.png")
        let run = try HEDiffProcess.run(["generate", "--model", Self.model, "--prompt", "x", "--steps", "2", "--privacy", "off", "--output", first.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let line = try XCTUnwrap(run.stderr.split(separator: "\n").first { $0.hasPrefix("seed ") })
        let seed = try XCTUnwrap(line.split(separator: " ").dropFirst().first.map(String.init))
        XCTAssertNotNil(UInt64(seed), String(line))
        let again = try HEDiffProcess.run(["generate", "--model", Self.model, "--prompt", "x", "--steps", "2", "--privacy", "off", "--seed", seed, "--output", second.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second))
        let parameters = PNG.text(in: [UInt8](try Data(contentsOf: first))).first { $0.keyword == "parameters" }?.value ?? ""
        XCTAssertTrue(parameters.contains("Seed: \(seed),"), parameters)
    }

    func testPrivateRunsAreNamedRandomAndRecordTheirMode() throws {
        let directory = try temporaryDirectory()
        let result = try HEDiffProcess.run(["generate", "--model", Self.model, "--prompt", "a cat", "--steps", "2", "--output-dir", directory.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try files(in: directory), ["a_cat.random.png"])
        let parameters = PNG.text(in: [UInt8](try Data(contentsOf: directory.appendingPathComponent("a_cat.random.png"))))
            .first { $0.keyword == "parameters" }?.value ?? ""
        XCTAssertTrue(parameters.contains("Seed: random"), parameters)
        XCTAssertTrue(parameters.contains("Privacy: packed, HE parameters: "), parameters)
    }

    func testSaveEveryWritesTheIntermediateImages() throws {
        let directory = try temporaryDirectory()
        let output = directory.appendingPathComponent("final.png")
        let result = try HEDiffProcess.run([
            "generate", "--model", Self.model, "--prompt", "x", "--sampler", "ddim", "--steps", "4", "--save-every", "2", "--output", output.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try files(in: directory), ["final.png", "final.step-0002.png", "final.step-0004.png"])
        // DDIM applies one update per step: the last intermediate image is the final latent decoded.
        XCTAssertEqual(try PNG.read(from: directory.appendingPathComponent("final.step-0004.png")).pixels,
                       try PNG.read(from: output).pixels)
    }

    /// A JPEG start image of any size: resized to its size rounded down to the model's multiple
    /// (45x37 → 40x32 for the fixture model), or to --width/--height.
    func testImageToImageTakesAJPEGOfAnySize() throws {
        let directory = try temporaryDirectory()
        let jpeg = CLITests.root.appendingPathComponent("Tests/Fixtures/resize/source.jpg").path
        let own = directory.appendingPathComponent("own.png"), given = directory.appendingPathComponent("given.png")
        var result = try HEDiffProcess.run(["generate", "--model", Self.model, "--prompt", "x", "--steps", "2", "--image", jpeg, "--output", own.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("resizing the start image from 45x37 to 40x32"), result.stderr)
        var image = try PNG.read(from: own)
        XCTAssertEqual([image.width, image.height], [40, 32])
        result = try HEDiffProcess.run([
            "generate", "--model", Self.model, "--prompt", "x", "--steps", "2", "--image", jpeg, "--width", "24", "--height", "48",
            "--privacy", "off", "--output", given.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        image = try PNG.read(from: given)
        XCTAssertEqual([image.width, image.height], [24, 48])
        let parameters = PNG.text(in: [UInt8](try Data(contentsOf: given))).first { $0.keyword == "parameters" }?.value ?? ""
        XCTAssertTrue(parameters.contains("Denoising strength: 0.8"), parameters)
    }

    /// A scheduler config without clip_sample makes DDIM clip x̂₀ (diffusers' default): fine in
    /// plaintext, refused up front in a private mode with how to turn it off.
    func testClippingDDIMRunsInPlaintextAndIsRefusedPrivately() throws {
        let directory = try temporaryDirectory()
        let model = directory.appendingPathComponent("model")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.model), to: model)
        let config = model.appendingPathComponent("scheduler/scheduler_config.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        json.removeValue(forKey: "clip_sample")
        try JSONSerialization.data(withJSONObject: json).write(to: config)
        let output = directory.appendingPathComponent("clipped.png")
        let refused = try HEDiffProcess.run(["generate", "--model", model.path, "--prompt", "x", "--sampler", "ddim", "--steps", "2", "--output", output.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("clip_sample"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
        let plain = try HEDiffProcess.run([
            "generate", "--model", model.path, "--prompt", "x", "--sampler", "ddim", "--steps", "2", "--privacy", "off", "--output", output.path,
        ])
        XCTAssertEqual(plain.status, 0, plain.stderr)
    }

    func testBadBatchOptionsGiveOneErrorLineAndNoOutput() throws {
        let directory = try temporaryDirectory()
        let empty = directory.appendingPathComponent("empty.txt")
        try "\n  \n".write(to: empty, atomically: true, encoding: .utf8)
        let cases: [[String]] = [
            ["--prompt", "x", "--prompt-file", empty.path, "--output-dir", directory.path],
            ["--prompt-file", empty.path, "--output-dir", directory.path],
            ["--prompt-file", "/nonexistent/prompts.txt", "--output-dir", directory.path],
            ["--prompt", "x", "--output", directory.appendingPathComponent("a.png").path, "--output-dir", directory.path],
            ["--prompt", "x", "--output-dir", directory.appendingPathComponent("missing").path],
            ["--prompt", "x", "--images", "0", "--output-dir", directory.path],
            ["--prompt", "x", "--save-every", "0", "--output-dir", directory.path],
            ["--prompt", "x", "--sampler", "euler-a", "--karras", "--output-dir", directory.path],
            ["--prompt", "x", "--image", empty.path, "--output-dir", directory.path],
        ]
        for arguments in cases {
            let result = try HEDiffProcess.run(["generate", "--model", Self.model] + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") || $0.hasPrefix("error:") }
            XCTAssertEqual(errorLines.count, 1, "\(arguments): \(result.stderr)")
            XCTAssertEqual(try files(in: directory), ["empty.txt"], "\(arguments) left a file")
        }
    }
}
