import Foundation
import HEDiffusion
import Imaging
import XCTest

/// The embedded tiny-shapes model: a private generation with the default settings must draw the
/// colours and the position it is asked for (read by `ShapesAttributes`, the classifier of
/// tools/train-tiny/evaluate.py reduced to colours and position).
final class DefaultModelTests: XCTestCase {
    func testPrivateGenerationDrawsThePromptedColoursAndPosition() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-default-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: output) }
        // No --model: the embedded default, with its generation_defaults.json, in the default
        // private mode (packed); a fixed seed keeps the check deterministic. (Red circle on the
        // left is one of the triples held out of training.)
        let result = try HEDiffProcess.run(["generate", "--prompt", "a large red circle on the left, blue background",
                                            "--seed", "0", "--output", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("encrypted"), "ran with the encrypted update")
        let image = try PNG.read(from: output)
        XCTAssertEqual(image.channelCount, 3)
        let found = try XCTUnwrap(ShapesAttributes(image: image))
        XCTAssertEqual(found.background, "blue")
        XCTAssertEqual(found.shape, "red")
        XCTAssertEqual(found.position, "left")
    }
}
