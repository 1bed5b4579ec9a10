import Imaging
import StableDiffusion
import Tensor
import XCTest

/// Settings the pipeline refuses, with the error naming the setting, before any model runs.
final class PipelineConfigurationTests: XCTestCase {
    func testRejectsBadSettings() throws {
        let pipeline = try PipelineFixtureTests.pipeline.get()
        let image = try PixelImage(width: 32, height: 32, channelCount: 3, pixels: [UInt8](repeating: 128, count: 32 * 32 * 3))
        let cases: [(String, (inout GenerationConfiguration) -> Void)] = [
            ("prompts", { $0.prompts = [] }),
            ("steps", { $0.stepCount = 0 }),
            ("guidance scale", { $0.guidanceScale = .nan }),
            ("batch size", { $0.batchSize = 0 }),
            ("DDIM eta", { $0.ddimEta = 1.5 }),
            ("width", { $0.width = 36 }),
            ("height", { $0.height = -8 }),
            ("strength", { $0.initImage = .init(image: image, strength: 0) }),
            ("negative prompts", { $0.prompts = ["a", "b", "c"]; $0.negativePrompts = ["x", "y"] }),
        ]
        for (name, change) in cases {
            var configuration = GenerationConfiguration(prompt: "a cat")
            configuration.stepCount = 2
            change(&configuration)
            XCTAssertThrowsError(try pipeline.generate(configuration), name) { error in
                guard case let .invalidSetting(setting, _, _) = error as? PipelineError else {
                    return XCTFail("\(name): unexpected error \(error)")
                }
                XCTAssertEqual(setting, name)
            }
        }
    }

    func testRejectsStartImageOfAnotherSizeAndTooLittleStrength() throws {
        let pipeline = try PipelineFixtureTests.pipeline.get()
        let image = try PixelImage(width: 32, height: 32, channelCount: 3, pixels: [UInt8](repeating: 9, count: 32 * 32 * 3))
        var configuration = GenerationConfiguration(prompt: "a cat")
        configuration.initImage = .init(image: image, strength: 0.5)
        configuration.width = 64
        XCTAssertThrowsError(try pipeline.generate(configuration)) { error in
            XCTAssertEqual(
                error as? PipelineError,
                .initImageSizeMismatch(width: 32, height: 32, expectedWidth: 64, expectedHeight: 32))
        }
        configuration.width = nil
        configuration.stepCount = 10
        configuration.initImage?.strength = 0.05
        XCTAssertThrowsError(try pipeline.generate(configuration)) { error in
            XCTAssertEqual(error as? PipelineError, .noStepsToRun(stepCount: 10, strength: 0.05))
        }
    }

    func testDefaultsAndTruncationReport() throws {
        let pipeline = try PipelineFixtureTests.pipeline.get()
        XCTAssertEqual(pipeline.defaultImageSide, 32)
        let configuration = GenerationConfiguration(prompt: "x")
        XCTAssertEqual(configuration.stepCount, 50)
        XCTAssertEqual(configuration.guidanceScale, 7.5)
        XCTAssertEqual(configuration.sampler, .plms)

        var long = GenerationConfiguration(prompt: Array(repeating: "word", count: 80).joined(separator: " "))
        long.stepCount = 1
        var truncations: [PromptTruncation] = []
        let result = try pipeline.generate(long) { event in
            if case let .promptTruncated(truncation) = event { truncations.append(truncation) }
        }
        XCTAssertEqual(truncations.map(\.droppedTokenCount), [5])
        XCTAssertEqual(truncations.first?.isNegative, false)
        XCTAssertEqual(result.images.count, 1)
        XCTAssertEqual(result.images.first?.width, 32)
    }
}
