import ArgumentParser
import Foundation
import StableDiffusion

/// Which model to load: a diffusers folder or a single-file checkpoint, optionally with another
/// VAE and LoRAs, and for a single file the configs that describe it.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A diffusers model folder, or a single-file SD v1.x checkpoint (.safetensors or .ckpt); default: the embedded tiny-shapes model.",
        discussion: """
            A single file must be in the original CompVis/LDM layout (model.diffusion_model.*, \
            first_stage_model.*, cond_stage_model.transformer.*), float32, float16 or bfloat16; EMA \
            weights are used when present. A .ckpt is read without executing anything: a pickle that \
            references anything but tensors is refused.
            """),
        completion: .file())
    var model: String?

    @Option(help: "Another VAE: a diffusers model folder, a VAE folder (config.json + weights) or a VAE file (.safetensors or .ckpt).",
            completion: .file())
    var vae: String?

    @Option(help: "With a single-file --model: a diffusers model folder whose configs, tokenizer and scheduler describe it (for non-standard sizes); default: SD v1.x's.",
            completion: .directory)
    var config: String?

    @Option(name: .customLong("lora"), help: ArgumentHelp(
        "A LoRA to merge into the UNet and text encoder, FILE or FILE:SCALE (default scale 1); repeatable.",
        discussion: "kohya/A1111 (lora_unet_…, lora_te_…, alpha) and diffusers/PEFT (unet.…lora_A/lora_B) layouts; a module that matches no weight is an error.",
        valueName: "file[:scale]"),
        completion: .file())
    var loras: [String] = []

    func validate() throws {
        if config != nil, model == nil { throw ValidationError("--config describes a single-file --model; give one") }
        for lora in loras { _ = try Self.parseLoRA(lora) }
    }

    /// `FILE` or `FILE:SCALE`: the part after the last colon is the scale when it reads as a finite number.
    static func parseLoRA(_ argument: String) throws -> (path: String, scale: Float) {
        if let colon = argument.lastIndex(of: ":"), let scale = Float(argument[argument.index(after: colon)...]) {
            guard scale.isFinite else { throw ValidationError("--lora \(argument): the scale must be a finite number") }
            return (String(argument[..<colon]), scale)
        }
        return (argument, 1)
    }

    /// Whether the run uses the embedded tiny-shapes model (whose attributes the audit can read).
    var isEmbeddedModel: Bool {
        (try? DefaultModel.resolve(model))?.standardizedFileURL.lastPathComponent == DefaultModel.name
    }

    /// The model these options name, its configs read and checked (weights open when it loads).
    func source() throws -> ModelSource {
        let url = try DefaultModel.resolve(model)
        var source: ModelSource
        if DefaultModel.isDirectory(url) {
            guard config == nil else { throw ValidationErrorMessage("--config applies to a single-file --model, not to the folder \(url.path)") }
            source = try DiffusersModelFolder(url: url).source
        } else {
            let checkpoint = try SingleFileCheckpoint(url: url)
            if let config {
                let folder = try DiffusersModelFolder(url: URL(fileURLWithPath: config))
                source = try checkpoint.source(
                    unet: folder.unet, vae: folder.vae, textEncoder: folder.textEncoder, scheduler: folder.scheduler,
                    tokenizerURL: folder.tokenizerURL, generationDefaults: folder.generationDefaults, requiresVAE: vae == nil)
            } else {
                // SD v1.x's architecture; its tokenizer is CLIP ViT-L/14's BPE, which the embedded model ships.
                source = try checkpoint.source(
                    unet: SDv1ReferenceConfigs.unet(), vae: SDv1ReferenceConfigs.vae(),
                    textEncoder: SDv1ReferenceConfigs.textEncoder(), scheduler: SDv1ReferenceConfigs.scheduler(),
                    tokenizerURL: DefaultModel.resolve(nil).appendingPathComponent("tokenizer"), requiresVAE: vae == nil)
            }
        }
        if let vae { source = try source.replacingVAE(with: URL(fileURLWithPath: vae)) }
        return source.merging(try loras.map(Self.parseLoRA).map { try LoRA(url: URL(fileURLWithPath: $0.path), scale: $0.scale) })
    }
}
