import Foundation
import StableDiffusion
import Tensor
import XCTest

/// The text encoder, UNet and VAE of `Tests/Fixtures/tiny-sd` against one float32 forward of each
/// in transformers/diffusers (`records/modules.*`), within 1e-4 relative to the largest reference value.
final class ModelFixtureTests: XCTestCase {
    let tolerance: Float = 1e-4

    func testTextEncoderMatchesTransformers() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        let encoder = try CLIPTextEncoder(folder: folder)
        let meta = try XCTUnwrap(ModelRecords.metadata("modules")["text_encoder"] as? [String: Any])
        let ids = try XCTUnwrap(meta["input_ids"] as? [[Int]])
        let expected = try ModelRecords.tensors("modules").tensor(named: "text_encoder.last_hidden_state")

        let error = ModelRecords.relativeError(try encoder(tokenIDs: ids), expected)
        print("text encoder last_hidden_state: max relative error \(error)")
        XCTAssertLessThan(error, tolerance)
    }

    func testUNetNoisePredictionMatchesDiffusers() throws {
        let unet = try UNet2DConditionModel(folder: DiffusersModelFolder(url: ModelRecords.tinyModel))
        let records = try ModelRecords.tensors("modules")
        let sample = try records.tensor(named: "unet.sample")
        let states = try records.tensor(named: "unet.encoder_hidden_states")
        for timestep in [801, 1, 999] {
            let expected = try records.tensor(named: "unet.noise_pred.t\(timestep)")
            let error = ModelRecords.relativeError(
                try unet(sample, timestep: Float(timestep), encoderHiddenStates: states), expected)
            print("UNet noise prediction at t = \(timestep): max relative error \(error)")
            XCTAssertLessThan(error, tolerance, "t = \(timestep)")
        }
    }

    func testVAEDecodeMatchesDiffusers() throws {
        let vae = try AutoencoderKL(folder: DiffusersModelFolder(url: ModelRecords.tinyModel), loadingEncoder: false)
        let records = try ModelRecords.tensors("modules")
        let decoded = try vae.decode(records.tensor(named: "vae.decode.latent"))

        let error = ModelRecords.relativeError(decoded, try records.tensor(named: "vae.decode.sample"))
        print("VAE decode: max relative error \(error)")
        XCTAssertLessThan(error, tolerance)
        XCTAssertEqual(vae.scalingFactor, 0.18215)
    }

    func testVAEEncodeMatchesDiffusers() throws {
        let vae = try AutoencoderKL(folder: DiffusersModelFolder(url: ModelRecords.tinyModel))
        let records = try ModelRecords.tensors("modules")
        let distribution = try vae.encode(records.tensor(named: "vae.encode.image"))

        let meanError = ModelRecords.relativeError(distribution.mean, try records.tensor(named: "vae.encode.mean"))
        let stdError = ModelRecords.relativeError(
            distribution.standardDeviation, try records.tensor(named: "vae.encode.std"))
        print("VAE encode: max relative error mean \(meanError), std \(stdError)")
        XCTAssertLessThan(meanError, tolerance)
        XCTAssertLessThan(stdError, tolerance)
    }
}
