import Foundation
import StableDiffusion
import Tensor
import XCTest

/// Checkpoints saved under older tensor names load to the same model: VAE attention as
/// `query`/`key`/`value`/`proj_attn` (diffusers < 0.14), text encoder with and without the
/// `text_model.` prefix (transformers 4 vs 5).
final class CheckpointNamingTests: XCTestCase {
    func testLegacyVAEAttentionNamesLoad() throws {
        let folder = try DiffusersModelFolder(url: ModelRecords.tinyModel)
        let legacy = try rewritten(folder.weights(for: .vae)) { name in
            [(".to_q.", ".query."), (".to_k.", ".key."), (".to_v.", ".value."), (".to_out.0.", ".proj_attn.")]
                .reduce(name) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
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
        let other = try rewritten(original) { hasPrefix ? String($0.dropFirst(prefix.count)) : prefix + $0 }
        let ids = [[49406, 320, 1125, 49407, 49407]]
        let reference = try CLIPTextEncoder(config: folder.textEncoder, weights: original)(tokenIDs: ids)
        XCTAssertEqual(try CLIPTextEncoder(config: folder.textEncoder, weights: other)(tokenIDs: ids), reference)
    }

    /// A copy of `file` (as float32) with every tensor renamed, in a temporary file.
    private func rewritten(_ file: SafeTensors, rename: (String) -> String) throws -> SafeTensors {
        var entries: [String: SafeTensorsWriter.Entry] = [:]
        for name in file.names {
            let tensor = try file.tensor(named: name)
            entries[rename(name)] = SafeTensorsWriter.Entry(shape: tensor.shape, scalars: tensor.scalars)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-models-\(UUID().uuidString).safetensors")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsWriter().write(entries, to: url)
        return try SafeTensors(contentsOf: url)
    }
}
