import Foundation
import StableDiffusion
import Tensor
import XCTest

/// Configs and checkpoints that do not fit are refused with errors naming what is wrong.
final class ModelLoadingErrorTests: XCTestCase {
    func testMissingTensorIsNamed() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        XCTAssertThrowsError(try UNet2DConditionModel(config: folder.unet, weights: folder.weights(for: .vae))) { error in
            guard case let SafeTensorsError.missingTensor(_, tensor) = error else {
                return XCTFail("expected missingTensor, got \(error)")
            }
            XCTAssertEqual(tensor, "time_embedding.linear_1.weight")
        }
    }

    func testMisShapedTensorNamesExpectedAndFoundShapes() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        var config = folder.unet
        config.crossAttentionDim = 64
        XCTAssertThrowsError(try UNet2DConditionModel(config: config, weights: folder.weights(for: .unet))) { error in
            guard case let SafeTensorsError.shapeMismatch(_, tensor, expected, found) = error else {
                return XCTFail("expected shapeMismatch, got \(error)")
            }
            XCTAssertEqual(tensor, "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight")
            XCTAssertEqual(expected, [16, 64])
            XCTAssertEqual(found, [16, 32])
        }
    }

    func testUnsupportedBlockTypeIsNamed() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        var unetConfig = folder.unet
        unetConfig.downBlockTypes[1] = "AttnDownBlock2D"
        XCTAssertThrowsError(try UNet2DConditionModel(config: unetConfig, weights: folder.weights(for: .unet))) { error in
            XCTAssertEqual(
                error as? ModelConfigurationError,
                .unsupportedOption(
                    file: "UNet2DConditionModel config", key: "down_block_types", value: "AttnDownBlock2D",
                    hint: "SD v1.x uses CrossAttnDownBlock2D and DownBlock2D"))
            XCTAssertTrue("\(error)".contains("AttnDownBlock2D"))
        }
        var vaeConfig = folder.vae
        vaeConfig.upBlockTypes[0] = "AttnUpDecoderBlock2D"
        XCTAssertThrowsError(try AutoencoderKL(config: vaeConfig, weights: folder.weights(for: .vae))) { error in
            XCTAssertTrue("\(error)".contains("AttnUpDecoderBlock2D"), "\(error)")
        }
    }

    func testWrongInputShapesAreRefused() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        let unet = try UNet2DConditionModel(folder: folder)
        let states = Tensor(zeros: [1, 77, 32])
        XCTAssertThrowsError(try unet(Tensor(zeros: [1, 4, 15, 16]), timestep: 1, encoderHiddenStates: states))
        XCTAssertThrowsError(try unet(Tensor(zeros: [2, 4, 16, 16]), timestep: 1, encoderHiddenStates: states))
        let encoder = try CLIPTextEncoder(folder: folder)
        XCTAssertThrowsError(try encoder(tokenIDs: [Array(repeating: 0, count: 78)]))
        XCTAssertThrowsError(try encoder(tokenIDs: [[49408]]))
    }
}
