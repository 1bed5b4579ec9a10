import Foundation
import Imaging
import StableDiffusion
import Tensor
import XCTest

/// Complete 10-step diffusers runs of `Tests/Fixtures/tiny-sd` (`records/pipelines.*`, made by
/// tools/fixtures): every sampler with guidance 7.5, and a two-prompt PLMS batch. The final latents
/// must agree within 1e-3 relative to their largest magnitude; the latents after every step are
/// checked through the latent-update seam, and the decoded images within 1e-3 and one 8-bit level.
final class PipelineFixtureTests: XCTestCase {
    static let latentTolerance: Float = 1e-3

    /// A plaintext update that keeps every latent it produces.
    struct RecordingUpdate: LatentUpdateStrategy {
        var latents: [Tensor] = []
        var stepIndices: [Int] = []

        mutating func apply(_ step: SchedulerStep, to latent: Tensor, stepIndex: Int) throws -> Tensor {
            let next = try step.apply(to: latent)
            latents.append(next)
            stepIndices.append(stepIndex)
            return next
        }
    }

    static let pipeline = Result { try StableDiffusionPipeline(folder: DiffusersModelFolder(url: Fixtures.tinyModel)) }

    func testPLMSMatchesDiffusers() throws { try checkRun("plms.batch1", sampler: .plms) }
    func testDDIMMatchesDiffusers() throws { try checkRun("ddim.batch1", sampler: .ddim) }
    func testEulerMatchesDiffusers() throws { try checkRun("euler.batch1", sampler: .euler) }
    func testDPMSolverPlusPlus2MMatchesDiffusers() throws { try checkRun("dpmpp2m.batch1", sampler: .dpmpp2m) }
    func testTwoPromptBatchMatchesDiffusers() throws { try checkRun("plms.batch2", sampler: .plms) }

    /// The same model as a CompVis/LDM `.ckpt` (which diffusers' `from_single_file` reads as the
    /// folder, checked by tools/fixtures/make_single_file_fixtures.py) gives the folder's run.
    func testSingleFileCheckpointMatchesDiffusers() throws {
        let folder = try DiffusersModelFolder(url: Fixtures.tinyModel)
        let checkpoint = try SingleFileCheckpoint(url: Fixtures.singleFile.appendingPathComponent("tiny-sd.ckpt"))
        let source = try checkpoint.source(
            unet: folder.unet, vae: folder.vae, textEncoder: folder.textEncoder, scheduler: folder.scheduler,
            tokenizerURL: folder.tokenizerURL)
        try checkRun("plms.batch1", sampler: .plms, pipeline: StableDiffusionPipeline(source: source))
    }

    private func checkRun(_ key: String, sampler: GenerationConfiguration.Sampler, pipeline: StableDiffusionPipeline? = nil) throws {
        let pipeline = try pipeline ?? Self.pipeline.get()
        let meta = try XCTUnwrap(Self.metadata()[key] as? [String: Any])
        var configuration = GenerationConfiguration(
            prompts: try XCTUnwrap(meta["prompt"] as? [String]),
            negativePrompts: try XCTUnwrap(meta["negative_prompt"] as? [String]))
        configuration.sampler = sampler
        configuration.seed = UInt64(try XCTUnwrap(meta["seed"] as? Int))
        configuration.stepCount = try XCTUnwrap(meta["num_inference_steps"] as? Int)
        configuration.guidanceScale = try XCTUnwrap(meta["guidance_scale"] as? Double)
        configuration.width = try XCTUnwrap(meta["width"] as? Int)
        configuration.height = try XCTUnwrap(meta["height"] as? Int)
        let records = try SafeTensors(contentsOf: Fixtures.records.appendingPathComponent("pipelines.safetensors"))

        var update = RecordingUpdate()
        var reportedSteps: [Int] = []
        var reportedCounts: Set<Int> = []
        let result = try pipeline.generate(configuration, latentUpdate: &update) { event in
            if case let .step(index, count, _) = event {
                reportedSteps.append(index)
                reportedCounts.insert(count)
            }
        }

        let stepLatents = try records.tensor(named: "\(key).step_latents")
        let stepCount = stepLatents.shape[0]
        XCTAssertEqual(update.stepIndices, Array(0..<stepCount))
        XCTAssertEqual(reportedSteps, Array(1...stepCount))
        XCTAssertEqual(reportedCounts, [stepCount])
        var worstStep: Float = 0
        for (index, latent) in update.latents.enumerated() {
            let expected = try stepLatents.sliced(axis: 0, range: index..<(index + 1)).reshaped(latent.shape)
            worstStep = max(worstStep, Self.relativeError(latent, expected))
        }
        let final = Self.relativeError(result.latents, try records.tensor(named: "\(key).latents"))
        let finalAbsolute = Self.absoluteError(result.latents, try records.tensor(named: "\(key).latents"))

        let decoded = try pipeline.vae.decode(result.latents / pipeline.vae.scalingFactor)
        let decodedError = Self.relativeError(decoded, try records.tensor(named: "\(key).decoded"))
        let expectedImage = try records.tensor(named: "\(key).image")
        let levels = try Self.largestLevelDifference(result.images, expectedImage)
        print("\(key): final latents max relative error \(final) (absolute \(finalAbsolute)), worst step \(worstStep), "
            + "decoded \(decodedError), image \(levels) levels")
        XCTAssertLessThan(final, Self.latentTolerance)
        XCTAssertLessThan(worstStep, Self.latentTolerance)
        XCTAssertLessThan(decodedError, Self.latentTolerance)
        XCTAssertLessThanOrEqual(levels, 1)
    }

    static func metadata() throws -> [String: Any] {
        let data = try Data(contentsOf: Fixtures.records.appendingPathComponent("pipelines.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// max |actual − expected| / max |expected|.
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
        guard actual.shape == expected.shape else { return .infinity }
        let scale = expected.scalars.map(abs).max() ?? 0
        let difference = absoluteError(actual, expected)
        return scale == 0 ? difference : difference / scale
    }

    static func absoluteError(_ actual: Tensor, _ expected: Tensor) -> Float {
        guard actual.shape == expected.shape else { return .infinity }
        return zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    /// Largest difference in 8-bit levels between our images and diffusers' `[N, H, W, 3]` output in [0, 1].
    static func largestLevelDifference(_ images: [PixelImage], _ expected: Tensor) throws -> Int {
        XCTAssertEqual(images.count, expected.shape[0])
        var worst = 0
        for (n, image) in images.enumerated() {
            let plane = image.width * image.height * 3
            for i in 0..<plane {
                let reference = Int((expected.scalars[n * plane + i] * 255).rounded(.toNearestOrEven))
                worst = max(worst, abs(Int(image.pixels[i]) - reference))
            }
        }
        return worst
    }
}
