import Imaging
import StableDiffusion
import XCTest

/// Output sizes are capped up front: at most 2048 pixels a side and 2048² = 4 194 304 pixels a
/// run (the limits written out here by hand, not read from the code), refused with the setting's
/// name before any model runs.
final class GenerationLimitsTests: XCTestCase {
    private func refusal(_ change: (inout GenerationConfiguration) -> Void) -> String? {
        var configuration = GenerationConfiguration(prompt: "a cat")
        change(&configuration)
        do {
            try configuration.checkSettings()
            return nil
        } catch let PipelineError.invalidSetting(name, _, _) {
            return name
        } catch {
            return "unexpected \(error)"
        }
    }

    func testSidesAndPixelCountAreCapped() {
        XCTAssertEqual(refusal { $0.width = 100_000; $0.height = 100_000 }, "width")
        XCTAssertEqual(refusal { $0.height = 2056 }, "height")
        XCTAssertEqual(refusal { $0.width = -8 }, "width")
        XCTAssertEqual(refusal { $0.width = 2048; $0.height = 2048; $0.batchSize = 2 }, "batch size")
        XCTAssertEqual(refusal { $0.width = 512; $0.height = 512; $0.batchSize = 17 }, "batch size")
        XCTAssertEqual(refusal { $0.prompts = ["a", "b"]; $0.width = 512; $0.height = 512; $0.batchSize = 9 }, "batch size")
        XCTAssertEqual(refusal { $0.batchSize = Int.max }, "batch size", "no overflow trap")
        XCTAssertEqual(refusal { $0.prompts = ["a", "b", "c"]; $0.batchSize = Int.max / 2 }, "batch size", "no overflow trap")
    }

    func testSizesWithinTheCapPass() {
        XCTAssertNil(refusal { $0.width = 2048; $0.height = 2048 })
        XCTAssertNil(refusal { $0.width = 512; $0.height = 512; $0.batchSize = 16 })
        XCTAssertNil(refusal { $0.prompts = ["a", "b"]; $0.width = 512; $0.height = 512; $0.batchSize = 8 })
    }

    /// The pipeline applies the caps to the size it resolves, including a start image's own size,
    /// before drawing noise or encoding the image.
    func testPipelineRefusesOversizedStartImageAndBatch() throws {
        let pipeline = try PipelineFixtureTests.pipeline.get()
        let wide = try PixelImage(width: 4096, height: 8, channelCount: 3, pixels: [UInt8](repeating: 0, count: 4096 * 8 * 3))
        var configuration = GenerationConfiguration(prompt: "a cat")
        configuration.initImage = .init(image: wide, strength: 0.5)
        XCTAssertThrowsError(try pipeline.generate(configuration)) { error in
            guard case .invalidSetting("width", "4096", _)? = error as? PipelineError else { return XCTFail("\(error)") }
        }
        configuration = GenerationConfiguration(prompt: "a cat")
        configuration.batchSize = Int.max / 2
        XCTAssertThrowsError(try pipeline.generate(configuration)) { error in
            guard case .invalidSetting("batch size", _, _)? = error as? PipelineError else { return XCTFail("\(error)") }
        }
    }
}
