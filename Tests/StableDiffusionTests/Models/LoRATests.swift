import Foundation
import StableDiffusion
import XCTest

/// LoRAs merged at load against diffusers: Tests/Fixtures/lora/fused.safetensors holds every
/// parameter diffusers changed when it loaded and fused each LoRA (`load_lora_weights`,
/// `fuse_lora(lora_scale:)`); our merged weights must equal those, and every other weight must
/// stay the folder's.
final class LoRATests: XCTestCase {
    private static let directory = Fixtures.root.appendingPathComponent("lora")

    func testKohyaLoRAMatchesDiffusersFusedWeights() throws { try checkFused("kohya") }
    func testPEFTLoRAMatchesDiffusersFusedWeights() throws { try checkFused("peft") }

    /// Both LoRAs at once: the deltas add (diffusers fuses them one after the other).
    func testTwoLoRAsBuildAPipelineAndEveryModuleApplies() throws {
        let folder = try DiffusersModelFolder(url: Fixtures.tinyModel)
        let loras = try ["kohya", "peft"].map { try LoRA(url: Self.directory.appendingPathComponent("\($0).safetensors"), scale: 0.5) }
        XCTAssertNoThrow(try StableDiffusionPipeline(source: folder.source.merging(loras), loadingVAEEncoder: false))
    }

    func testAModuleThatMatchesNothingIsAnError() throws {
        let url = try renamedCopy(of: "kohya", replacing: "lora_unet_down_blocks_0_attentions_0_proj_in", with: "lora_unet_down_blocks_0_attentions_0_proj_xx")
        let folder = try DiffusersModelFolder(url: Fixtures.tinyModel)
        let source = folder.source.merging([try LoRA(url: url, scale: 1)])
        XCTAssertThrowsError(try StableDiffusionPipeline(source: source, loadingVAEEncoder: false)) { error in
            XCTAssertTrue("\(error)".contains("down_blocks_0_attentions_0_proj_xx"), "\(error)")
            XCTAssertTrue("\(error)".contains("matches no weight"), "\(error)")
        }
    }

    func testAKeyOfAnotherLayoutIsAnError() throws {
        let url = try renamedCopy(of: "kohya", replacing: "lora_te_text_model", with: "lora_xx_text_model")
        XCTAssertThrowsError(try LoRA(url: url, scale: 1)) { error in
            XCTAssertTrue("\(error)".contains("lora_xx_text_model"), "\(error)")
        }
    }

    // MARK: Helpers

    private func checkFused(_ name: String) throws {
        let meta = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory.appendingPathComponent("fused.json"))) as? [String: Any])
        let scale = try XCTUnwrap((meta["scales"] as? [String: Double])?[name])
        let changed = Set(try XCTUnwrap((meta["changed"] as? [String: [String]])?[name]))
        let records = try SafeTensors(contentsOf: Self.directory.appendingPathComponent("fused.safetensors"))
        let folder = try DiffusersModelFolder(url: Fixtures.tinyModel)
        let lora = try LoRA(url: Self.directory.appendingPathComponent("\(name).safetensors"), scale: Float(scale))
        let merged = folder.source.merging([lora])
        var seenChanged = 0
        var worst: Float = 0
        for (component, prefix) in [(DiffusersModelFolder.Component.unet, "unet."), (.textEncoder, "text_encoder.")] {
            let base = try folder.weights(for: component)
            let adapted = try merged.weights(for: component)
            for tensor in base.names where !tensor.hasSuffix("position_ids") {
                let values = try adapted.floats(named: tensor)
                let key = prefix + tensor
                if changed.contains(key) {
                    let expected = try records.floats(named: name + "." + key)
                    XCTAssertEqual(values.count, expected.count, key)
                    worst = max(worst, zip(values, expected).map { abs($0 - $1) }.max() ?? 0)
                    seenChanged += 1
                } else {
                    XCTAssertEqual(values, try base.floats(named: tensor), "\(key) changed, but diffusers leaves it")
                }
            }
        }
        print("\(name): \(seenChanged) fused weights, largest difference from diffusers \(worst)")
        XCTAssertEqual(seenChanged, changed.count)
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertNoThrow(try merged.checkLoRAApplied())
    }

    /// A copy of a fixture LoRA with one string of its header replaced by another of the same length.
    private func renamedCopy(of name: String, replacing old: String, with new: String) throws -> URL {
        precondition(old.utf8.count == new.utf8.count)
        var data = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).safetensors"))
        while let range = data.range(of: Data(old.utf8)) { data.replaceSubrange(range, with: Data(new.utf8)) }
        let directory = try Fixtures.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("\(name).safetensors")
        try data.write(to: url)
        return url
    }
}
