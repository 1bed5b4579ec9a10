import Foundation
import StableDiffusion
import XCTest

final class DiffusersModelFolderTests: XCTestCase {
    func testReadsTinyModelConfigs() throws {
        let model = try DiffusersModelFolder(url: Fixtures.tinyModel)
        XCTAssertEqual(model.pipelineClassName, "StableDiffusionPipeline")
        XCTAssertEqual(model.unet.blockOutChannels, [16, 32])
        XCTAssertEqual(model.unet.downBlockTypes, ["CrossAttnDownBlock2D", "DownBlock2D"])
        XCTAssertEqual(model.unet.upBlockTypes, ["UpBlock2D", "CrossAttnUpBlock2D"])
        XCTAssertEqual(model.unet.layersPerBlock, [2, 2])
        XCTAssertEqual(model.unet.attentionHeadCounts, [2, 2])
        XCTAssertEqual(model.unet.crossAttentionDim, 32)
        XCTAssertEqual(model.unet.normNumGroups, 8)
        XCTAssertEqual(model.unet.sampleSize, 16)
        XCTAssertEqual(model.vae.blockOutChannels, [16, 32])
        XCTAssertEqual(model.vae.layersPerBlock, 2)
        XCTAssertEqual(model.vae.latentChannels, 4)
        XCTAssertEqual(model.vae.scalingFactor, 0.18215)
        XCTAssertEqual(model.vae.downsamplingFactor, 2)
        XCTAssertEqual(model.textEncoder.hiddenSize, 32)
        XCTAssertEqual(model.textEncoder.hiddenLayerCount, 2)
        XCTAssertEqual(model.textEncoder.attentionHeadCount, 4)
        XCTAssertEqual(model.textEncoder.hiddenAct, "quick_gelu")
        XCTAssertEqual(model.textEncoder.dtype, "float16")
        XCTAssertEqual(model.scheduler.betaSchedule, .scaledLinear)
        XCTAssertEqual(model.scheduler.stepsOffset, 1)
        XCTAssertNil(model.scheduler.timestepSpacing, "absent in SD v1.5's file; each scheduler picks its default")
        XCTAssertEqual(try model.weightsURL(for: .unet).lastPathComponent, "diffusion_pytorch_model.safetensors")
        XCTAssertEqual(try model.weightsURL(for: .textEncoder).lastPathComponent, "model.safetensors")
        let unet = try model.weights(for: .unet)
        XCTAssertEqual(unet.tensors["conv_in.weight"]?.shape, [16, 4, 3, 3])
        XCTAssertEqual(try model.tokenizer().inputIDs(for: "a cat").inputIDs.prefix(4), [49406, 320, 2368, 49407])
    }

    /// A copy of the tiny model whose JSON files can be edited per test.
    private func editableCopy() throws -> URL {
        let folder = try Fixtures.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("model")
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: copy)
        return copy
    }

    private func edit(_ file: URL, _ change: (inout [String: Any]) -> Void) throws {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: file)
    }

    private func assertRefused(_ url: URL, containing fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try DiffusersModelFolder(url: url), line: line) { error in
            XCTAssertTrue(error is ModelConfigurationError, "\(error)", line: line)
            XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
        }
    }

    func testDefaultsForAbsentKeys() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("unet/config.json")) { config in
            for key in ["flip_sin_to_cos", "freq_shift", "mid_block_type", "norm_eps", "act_fn", "downsample_padding"] {
                config[key] = nil
            }
        }
        let unet = try DiffusersModelFolder(url: model).unet
        XCTAssertTrue(unet.flipSinToCos)
        XCTAssertEqual(unet.freqShift, 0)
        XCTAssertEqual(unet.midBlockType, "UNetMidBlock2DCrossAttn")
        XCTAssertEqual(unet.normEps, 1e-5)
        XCTAssertEqual(unet.downsamplePadding, 1)
    }

    func testPerBlockListsAndHeadCounts() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("unet/config.json")) { config in
            config["attention_head_dim"] = [1, 2]
            config["layers_per_block"] = [1, 2]
        }
        var unet = try DiffusersModelFolder(url: model).unet
        XCTAssertEqual(unet.attentionHeadCounts, [1, 2])
        XCTAssertEqual(unet.layersPerBlock, [1, 2])
        try edit(model.appendingPathComponent("unet/config.json")) { config in config["num_attention_heads"] = 4 }
        unet = try DiffusersModelFolder(url: model).unet
        XCTAssertEqual(unet.attentionHeadCounts, [4, 4])
        try edit(model.appendingPathComponent("unet/config.json")) { config in config["layers_per_block"] = [1, 2, 3] }
        assertRefused(model, containing: "layers_per_block")
    }

    func testGenerationDefaults() throws {
        let model = try editableCopy()
        XCTAssertEqual(try DiffusersModelFolder(url: model).generationDefaults, GenerationDefaults(), "absent file: no recommendation")
        let file = model.appendingPathComponent(GenerationDefaults.fileName)
        try Data(#"{"guidance_scale": 3, "num_inference_steps": 25, "note": "ignored"}"#.utf8).write(to: file)
        XCTAssertEqual(try DiffusersModelFolder(url: model).generationDefaults, GenerationDefaults(guidanceScale: 3, stepCount: 25))
        try Data(#"{"guidance_scale": 4.5}"#.utf8).write(to: file)
        XCTAssertEqual(try DiffusersModelFolder(url: model).generationDefaults, GenerationDefaults(guidanceScale: 4.5))
        for (json, fragment) in [
            (#"{"num_inference_steps": 0}"#, "num_inference_steps"),
            (#"{"guidance_scale": -1}"#, "guidance_scale"),
            (#"{"guidance_scale": "high"}"#, "guidance_scale"),
            (#"[3]"#, GenerationDefaults.fileName),
        ] {
            try Data(json.utf8).write(to: file)
            assertRefused(model, containing: fragment)
        }
    }

    func testRefusesStableDiffusion2() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("unet/config.json")) { config in
            config["use_linear_projection"] = true
        }
        assertRefused(model, containing: "Stable Diffusion 2.x")
    }

    func testRefusesVPrediction() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("scheduler/scheduler_config.json")) { config in
            config["prediction_type"] = "v_prediction"
        }
        assertRefused(model, containing: "v_prediction")
    }

    func testRefusesSDXL() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("model_index.json")) { index in
            index["_class_name"] = "StableDiffusionXLPipeline"
            index["text_encoder_2"] = ["transformers", "CLIPTextModelWithProjection"]
        }
        assertRefused(model, containing: "SDXL")
    }

    func testRefusesInpaintingAndForeignBlocks() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("unet/config.json")) { config in config["in_channels"] = 9 }
        assertRefused(model, containing: "inpainting")
        try edit(model.appendingPathComponent("unet/config.json")) { config in
            config["in_channels"] = 4
            config["down_block_types"] = ["SimpleCrossAttnDownBlock2D", "DownBlock2D"]
        }
        assertRefused(model, containing: "SimpleCrossAttnDownBlock2D")
    }

    /// Options of later UNets change the computation; each must be refused, not ignored.
    func testRefusesUNetOptionsBeyondSDv1() throws {
        let changes: [(String, Any)] = [
            ("time_embedding_dim", 100), ("time_embedding_act_fn", "silu"), ("timestep_post_act", "silu"),
            ("resnet_skip_time_act", true), ("resnet_out_scale_factor", 2.0), ("cross_attention_norm", "group_norm"),
            ("attention_type", "gated"), ("mid_block_only_cross_attention", true), ("class_embeddings_concat", true),
            ("num_class_embeds", 10),
        ]
        for (key, value) in changes {
            let model = try editableCopy()
            try edit(model.appendingPathComponent("unet/config.json")) { config in config[key] = value }
            assertRefused(model, containing: key)
        }
        let model = try editableCopy()
        try edit(model.appendingPathComponent("unet/config.json")) { config in
            config["time_embedding_dim"] = 64
            config["attention_type"] = "default"
            config["resnet_out_scale_factor"] = 1.0
        }
        XCTAssertNoThrow(try DiffusersModelFolder(url: model), "SD v1.x's own values are accepted")
    }

    /// Zero sizes are refused by key before anything divides by them (these used to trap on a
    /// division by zero while the folder was checked).
    func testRefusesZeroSizesByKey() throws {
        let cases: [(String, String, Any)] = [
            ("unet/config.json", "norm_num_groups", 0), ("unet/config.json", "attention_head_dim", 0),
            ("unet/config.json", "attention_head_dim", [2, 0]), ("unet/config.json", "layers_per_block", 0),
            ("unet/config.json", "transformer_layers_per_block", 0), ("vae/config.json", "norm_num_groups", 0),
            ("vae/config.json", "layers_per_block", 0), ("vae/config.json", "scaling_factor", 0),
            ("text_encoder/config.json", "num_attention_heads", 0), ("text_encoder/config.json", "num_hidden_layers", -1),
        ]
        for (file, key, value) in cases {
            let model = try editableCopy()
            try edit(model.appendingPathComponent(file)) { config in config[key] = value }
            XCTAssertThrowsError(try DiffusersModelFolder(url: model), "\(key) = \(value)") { error in
                guard case let .unsupportedOption(path, found, _, _)? = error as? ModelConfigurationError else {
                    return XCTFail("\(key) = \(value): \(error)")
                }
                XCTAssertTrue(path.hasSuffix(file), path)
                XCTAssertEqual(found, key)
            }
        }
    }

    /// More blocks than `SDv1Support.maximumBlockCount` would make the side multiple 2^blocks overflow.
    func testRefusesTooManyBlocks() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("vae/config.json")) { config in
            config["block_out_channels"] = Array(repeating: 16, count: 65)
            config["down_block_types"] = Array(repeating: "DownEncoderBlock2D", count: 65)
            config["up_block_types"] = Array(repeating: "UpDecoderBlock2D", count: 65)
        }
        assertRefused(model, containing: "1 to 8 blocks")
    }

    /// The folder and the models apply the same rules: a config refused when a folder is opened is
    /// refused with the same key when the model is built from it in code.
    func testModelsApplyTheFolderRules() throws {
        let folder = try DiffusersModelFolder(url: Fixtures.tinyModel)
        var unet = folder.unet
        unet.normNumGroups = 0
        XCTAssertThrowsError(try UNet2DConditionModel(config: unet, randomWeightsSeed: 0)) { error in
            guard case .unsupportedOption(_, "norm_num_groups", _, _)? = error as? ModelConfigurationError else {
                return XCTFail("\(error)")
            }
        }
        var vae = folder.vae
        vae.actFn = "gelu"
        XCTAssertThrowsError(try AutoencoderKL(config: vae, randomWeightsSeed: 0)) { error in
            guard case .unsupportedOption(_, "act_fn", _, _)? = error as? ModelConfigurationError else { return XCTFail("\(error)") }
        }
        var text = folder.textEncoder
        text.attentionHeadCount = 0
        XCTAssertThrowsError(try CLIPTextEncoder(config: text, randomWeightsSeed: 0)) { error in
            guard case .unsupportedOption(_, "num_attention_heads", _, _)? = error as? ModelConfigurationError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testInconsistentComponents() throws {
        let model = try editableCopy()
        try edit(model.appendingPathComponent("unet/config.json")) { config in config["cross_attention_dim"] = 64 }
        XCTAssertThrowsError(try DiffusersModelFolder(url: model)) { error in
            guard case .inconsistentComponents? = error as? ModelConfigurationError else { return XCTFail("\(error)") }
        }
    }

    func testMissingAndMalformedFiles() throws {
        let model = try editableCopy()
        try FileManager.default.removeItem(at: model.appendingPathComponent("vae/config.json"))
        XCTAssertThrowsError(try DiffusersModelFolder(url: model)) { error in
            guard case .missingFile(let path, _)? = error as? ModelConfigurationError else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("vae/config.json"), path)
        }
        try Data(#"{"block_out_channels": "wide"}"#.utf8).write(to: model.appendingPathComponent("vae/config.json"))
        XCTAssertThrowsError(try DiffusersModelFolder(url: model)) { error in
            guard case .invalidConfig(let file, let reason)? = error as? ModelConfigurationError else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("vae/config.json"), file)
            XCTAssertTrue(reason.contains("block_out_channels"), reason)
        }
        assertRefused(model.appendingPathComponent("unet"), containing: "model_index.json")
    }

    func testMissingWeightsSayWhatToDo() throws {
        let model = try editableCopy()
        let weights = model.appendingPathComponent("vae/diffusion_pytorch_model.safetensors")
        try FileManager.default.removeItem(at: weights)
        try Data().write(to: model.appendingPathComponent("vae/diffusion_pytorch_model.bin"))
        let folder = try DiffusersModelFolder(url: model)
        XCTAssertThrowsError(try folder.weightsURL(for: .vae)) { error in
            XCTAssertTrue("\(error)".contains("safe_serialization"), "\(error)")
        }
    }
}
