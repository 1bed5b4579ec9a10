import Foundation
import StableDiffusion
import Tensor
import XCTest

/// Checkpoint variants load to the same model: older tensor names — VAE attention as
/// `query`/`key`/`value`/`proj_attn` (diffusers < 0.14), text encoder with and without the
/// `text_model.` prefix (transformers 4 vs 5) — and the SD 2.x-style linear `proj_in`/`proj_out`
/// computes what the pointwise convolutions compute.
final class CheckpointVariantTests: XCTestCase {
    func testLegacyVAEAttentionNamesLoad() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        let legacy = try ModelRecords.rewritten(self, folder.weights(for: .vae)) { name, tensor in
            let renames = [(".to_q.", ".query."), (".to_k.", ".key."), (".to_v.", ".value."), (".to_out.0.", ".proj_attn.")]
            let legacyName = renames.reduce(name) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
            return (legacyName, tensor)
        }
        let latent = try ModelRecords.tensors("modules").tensor(named: "vae.decode.latent")
        let reference = try AutoencoderKL(folder: folder).decode(latent)
        XCTAssertEqual(try AutoencoderKL(config: folder.vae, weights: legacy).decode(latent), reference)
    }

    func testTextEncoderLoadsWithAndWithoutTextModelPrefix() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        let original = try folder.weights(for: .textEncoder)
        let prefix = "text_model."
        let hasPrefix = original.names.allSatisfy { $0.hasPrefix(prefix) }
        let other = try ModelRecords.rewritten(self, original) { name, tensor in
            (hasPrefix ? String(name.dropFirst(prefix.count)) : prefix + name, tensor)
        }
        let ids = [[49406, 320, 1125, 49407, 49407]]
        let reference = try CLIPTextEncoder(config: folder.textEncoder, weights: original)(tokenIDs: ids)
        XCTAssertEqual(try CLIPTextEncoder(config: folder.textEncoder, weights: other)(tokenIDs: ids), reference)
    }

    func testLinearProjectionMatchesPointwiseConvolution() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        let linear = try ModelRecords.rewritten(self, folder.weights(for: .unet)) { name, tensor in
            let isProjection = name.hasSuffix("proj_in.weight") || name.hasSuffix("proj_out.weight")
            return (name, isProjection ? try tensor.reshaped([tensor.shape[0], tensor.shape[1]]) : tensor)
        }
        var config = folder.unet
        config.useLinearProjection = true
        let records = try ModelRecords.tensors("modules")
        let sample = try records.tensor(named: "unet.sample")
        let states = try records.tensor(named: "unet.encoder_hidden_states")
        let expected = try records.tensor(named: "unet.noise_pred.t801")

        let predicted = try UNet2DConditionModel(config: config, weights: linear)(
            sample, timestep: 801, encoderHiddenStates: states)
        XCTAssertLessThan(ModelRecords.relativeError(predicted, expected), 1e-4)
    }
}
