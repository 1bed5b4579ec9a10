import Foundation
import Imaging
import XCTest

/// `generate --unet-arithmetic` and `private audit-ranges`, run as a user would, on the embedded
/// tiny-shapes model (the fixed-point reference implements SD v1.x's U-Net at 16×16 latents).
final class PrivateUNetCLITests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let model = root.appendingPathComponent("Models/tiny-shapes").path

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-fixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testFixedArithmeticWritesAPNGThatSaysSo() throws {
        let directory = try temporaryDirectory()
        let output = directory.appendingPathComponent("fixed.png")
        let result = try HEDiffProcess.run([
            "generate", "--model", Self.model, "--prompt", "a large red circle on the left, black background", "--steps", "3",
            "--seed", "1", "--privacy", "off", "--unet-arithmetic", "fixed", "--output", output.path,
        ], timeout: 300)
        XCTAssertEqual(result.status, 0, result.stderr)
        let bytes = [UInt8](try Data(contentsOf: output))
        let image = try PNG.decode(bytes)
        let parameters = try XCTUnwrap(PNG.text(in: bytes).first { $0.keyword == "parameters" }?.value)
        XCTAssertTrue(parameters.hasSuffix("Privacy: off, U-Net arithmetic: fixed (Z_2^42, 12 fraction bits)"), parameters)

        // The float run with the same settings differs (a little) and does not carry the field.
        let floatOutput = directory.appendingPathComponent("float.png")
        let floatResult = try HEDiffProcess.run([
            "generate", "--model", Self.model, "--prompt", "a large red circle on the left, black background", "--steps", "3",
            "--seed", "1", "--privacy", "off", "--output", floatOutput.path,
        ], timeout: 300)
        XCTAssertEqual(floatResult.status, 0, floatResult.stderr)
        let floatBytes = [UInt8](try Data(contentsOf: floatOutput))
        let floatParameters = try XCTUnwrap(PNG.text(in: floatBytes).first { $0.keyword == "parameters" }?.value)
        XCTAssertFalse(floatParameters.contains("U-Net arithmetic"), floatParameters)
        let floatImage = try PNG.decode(floatBytes)
        XCTAssertEqual([floatImage.width, floatImage.height], [image.width, image.height])
        XCTAssertNotEqual(floatImage.pixels, image.pixels)
    }

    func testABadArithmeticIsRefusedInOneLine() throws {
        let directory = try temporaryDirectory()
        let output = directory.appendingPathComponent("never.png")
        let result = try HEDiffProcess.run([
            "generate", "--model", Self.model, "--prompt", "x", "--unet-arithmetic", "double", "--output", output.path,
        ])
        XCTAssertNotEqual(result.status, 0)
        let firstLine = try XCTUnwrap(result.stderr.split(separator: "\n").first)
        XCTAssertTrue(firstLine.contains("'double'") && firstLine.contains("--unet-arithmetic"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testFormatOptionsNeedFixedArithmeticAndSaneWidths() throws {
        let directory = try temporaryDirectory()
        let output = directory.appendingPathComponent("never.png").path
        let base = ["generate", "--model", Self.model, "--prompt", "x", "--steps", "1", "--output", output]
        let floatWithRing = try HEDiffProcess.run(base + ["--fixed-ring-bits", "44"])
        XCTAssertNotEqual(floatWithRing.status, 0)
        XCTAssertTrue(floatWithRing.stderr.contains("need --unet-arithmetic fixed"), floatWithRing.stderr)
        let tooNarrow = try HEDiffProcess.run(base + ["--unet-arithmetic", "fixed", "--fixed-ring-bits", "20", "--fixed-fraction-bits", "12"])
        XCTAssertNotEqual(tooNarrow.status, 0)
        XCTAssertTrue(tooNarrow.stderr.contains("--fixed-ring-bits must lie in"), tooNarrow.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testAuditRangesReportsEveryLayerWithHeadroom() throws {
        let result = try HEDiffProcess.run([
            "private", "audit-ranges", "--model", Self.model, "--prompt-count", "1", "--steps", "2", "--json",
        ], timeout: 300)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["ring_bits"] as? Int, 42)
        XCTAssertEqual(report["fraction_bits"] as? Int, 12)
        XCTAssertEqual(report["evaluations"] as? Int, 2)
        let layers = try XCTUnwrap(report["layers"] as? [[String: Any]])
        let names = layers.compactMap { $0["name"] as? String }
        XCTAssertTrue(names.contains("conv_in") && names.contains("conv_out"), "\(names)")
        XCTAssertTrue(names.contains("mid_block.attentions.0.transformer_blocks.0.attn2.logits"), "\(names)")
        // Headroom is ℓ − 1 − log2(max): recompute it from the reported maximum of conv_in.
        let convIn = try XCTUnwrap(layers.first { $0["name"] as? String == "conv_in" })
        let maximum = try XCTUnwrap(convIn["stored_max"] as? Double)
        let headroom = try XCTUnwrap(convIn["stored_headroom_bits"] as? Double)
        XCTAssertEqual(headroom, 41 - Foundation.log2(maximum * 4096), accuracy: 1e-9)
        XCTAssertGreaterThan(try XCTUnwrap(report["min_stored_headroom_bits"] as? Double), 0)
    }

    func testAuditRangesRejectsBadCounts() throws {
        let result = try HEDiffProcess.run(["private", "audit-ranges", "--prompt-count", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--prompt-count must be at least 1"), result.stderr)
    }

    /// The audit's default prompts are evaluate.py's held-out list (its --write-prompts output, committed).
    func testDefaultPromptsAreTheHeldOutList() throws {
        let tsv = try String(contentsOf: Self.root.appendingPathComponent("tools/private-unet/held-out-prompts.tsv"), encoding: .utf8)
        let expected = tsv.split(separator: "\n").map { String($0.split(separator: "\t")[1]) }
        XCTAssertEqual(expected.count, 48)
        XCTAssertEqual(HeldOutPromptsProbe.prompts(from: Self.root), expected)
    }
}

/// Reads the Swift array of held-out prompts from its source file (the test bundle cannot import an
/// executable's internal types), so the two lists are compared as written.
enum HeldOutPromptsProbe {
    static func prompts(from root: URL) -> [String] {
        let source = (try? String(
            contentsOf: root.appendingPathComponent("Sources/hediff/Commands/HeldOutPrompts.swift"), encoding: .utf8)) ?? ""
        return source.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("\""), trimmed.hasSuffix("\",") else { return nil }
            return String(trimmed.dropFirst().dropLast(2))
        }
    }
}
