import Foundation
import Imaging
import StableDiffusion
import Tensor
import XCTest

/// Image-to-image runs of `Tests/Fixtures/tiny-sd` against diffusers' `StableDiffusionImg2ImgPipeline`
/// (`records/img2img.*`, tools/fixtures/make_img2img_fixtures.py): strength → first step, the start
/// image's VAE sample and the forward-diffusion noise drawn from the seed in diffusers' order, DDIM's
/// variance noise after them, and a start image repeated over a batch.
final class PipelineImageToImageTests: XCTestCase {
    func testPLMSStrength06MatchesDiffusers() throws {
        try checkRun("plms.strength06", sampler: .plms)
    }

    func testEulerStrength075MatchesDiffusers() throws {
        try checkRun("euler.strength075", sampler: .euler)
    }

    func testStochasticDDIMBatchMatchesDiffusers() throws {
        try checkRun("ddim_eta05.strength08.batch2", sampler: .ddim)
    }

    private func checkRun(_ key: String, sampler: GenerationConfiguration.Sampler) throws {
        let pipeline = try PipelineFixtureTests.pipeline.get()
        let data = try Data(contentsOf: Fixtures.records.appendingPathComponent("img2img.json"))
        let all = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let meta = try XCTUnwrap(all[key] as? [String: Any])
        let start = try PNG.read(from: Fixtures.records.appendingPathComponent("img2img_start.png"))

        var configuration = GenerationConfiguration(
            prompt: try XCTUnwrap(meta["prompt"] as? String),
            negativePrompt: try XCTUnwrap(meta["negative_prompt"] as? String))
        configuration.sampler = sampler
        configuration.seed = UInt64(try XCTUnwrap(meta["seed"] as? Int))
        configuration.stepCount = try XCTUnwrap(meta["num_inference_steps"] as? Int)
        configuration.guidanceScale = try XCTUnwrap(meta["guidance_scale"] as? Double)
        configuration.ddimEta = try XCTUnwrap(meta["eta"] as? Double)
        configuration.batchSize = try XCTUnwrap(meta["num_images_per_prompt"] as? Int)
        configuration.initImage = .init(image: start, strength: try XCTUnwrap(meta["strength"] as? Double))

        let records = try SafeTensors(contentsOf: Fixtures.records.appendingPathComponent("img2img.safetensors"))
        var update = PipelineFixtureTests.RecordingUpdate()
        let result = try pipeline.generate(configuration, latentUpdate: &update)

        let stepLatents = try records.tensor(named: "\(key).step_latents")
        XCTAssertEqual(update.latents.count, stepLatents.shape[0], "steps run")
        var worstStep: Float = 0
        for (index, latent) in update.latents.enumerated() where index < stepLatents.shape[0] {
            let expected = try stepLatents.sliced(axis: 0, range: index..<(index + 1)).reshaped(latent.shape)
            worstStep = max(worstStep, PipelineFixtureTests.relativeError(latent, expected))
        }
        let expectedLatents = try records.tensor(named: "\(key).latents")
        let final = PipelineFixtureTests.relativeError(result.latents, expectedLatents)
        let levels = try PipelineFixtureTests.largestLevelDifference(
            result.images, records.tensor(named: "\(key).image"))
        print("\(key): \(update.latents.count) steps, final latents max relative error \(final), "
            + "worst step \(worstStep), image \(levels) levels")
        XCTAssertLessThan(final, PipelineFixtureTests.latentTolerance)
        XCTAssertLessThan(worstStep, PipelineFixtureTests.latentTolerance)
        XCTAssertLessThanOrEqual(levels, 1)
    }
}
