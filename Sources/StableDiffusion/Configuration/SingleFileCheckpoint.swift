import Foundation

/// A Stable Diffusion v1.x model in one file, in the original CompVis/LDM layout
/// (`model.diffusion_model.*`, `first_stage_model.*`, `cond_stage_model.transformer.*`): a
/// `.safetensors` file or a PyTorch `.ckpt` (read without executing anything), float32, float16
/// or bfloat16, with or without EMA weights.
///
/// When the file carries EMA copies of the UNet (`model_ema.*`), those are used, as the original
/// inference scripts do; `usesEMA` says so. The architecture comes from `ModelSource`'s configs
/// (SD v1.x's by default), and every tensor's shape is checked against them as it loads.
///
/// Matches: diffusers 0.42.1 `StableDiffusionPipeline.from_single_file` (with `config=` for
/// non-standard sizes), checked against it by Tests/Fixtures/single-file.
public struct SingleFileCheckpoint: Sendable {
    public let url: URL
    /// True when the UNet is read from the file's EMA weights.
    public let usesEMA: Bool
    /// True when the file holds a VAE (`first_stage_model.*`); without one, `--vae` must supply it.
    public let hasVAE: Bool
    private let archive: any TensorArchive

    /// Opens `url` (a zip is read as a PyTorch checkpoint, anything else as safetensors) and
    /// checks that it is an SD v1.x checkpoint in the LDM layout.
    ///
    /// - Throws: `SafeTensorsError` / `CheckpointError` when the file cannot be read,
    ///   `ModelConfigurationError.unsupportedModel` naming the family found (SDXL, SD 2.x,
    ///   inpainting, a diffusers-layout file) when it is not one.
    public init(url: URL) throws {
        self.url = url
        let names: [String]
        (archive, names) = try Self.openArchive(url)
        func refuse(_ reason: String) -> ModelConfigurationError { .unsupportedModel(file: url.path, reason: reason) }
        if names.contains(where: { $0.hasPrefix("conditioner.embedders.") }) { throw refuse("this is an SDXL checkpoint") }
        if names.contains(where: { $0.hasPrefix("cond_stage_model.model.") }) {
            throw refuse("this is a Stable Diffusion 2.x checkpoint (OpenCLIP text encoder)")
        }
        guard let convIn = archive.shape(of: LDMCheckpointNames.unetPrefix + "input_blocks.0.0.weight") else {
            throw refuse(
                names.contains(where: { $0.hasPrefix("down_blocks.") || $0.hasPrefix("unet.") })
                    ? "this file is in diffusers layout; pass the diffusers model folder instead"
                    : "no model.diffusion_model.* tensors: not a CompVis/LDM Stable Diffusion checkpoint")
        }
        if convIn.count == 4, convIn[1] != 4 {
            throw refuse(convIn[1] == 9 ? "an inpainting checkpoint (UNet in_channels 9)" : "UNet in_channels \(convIn[1]), SD v1.x has 4")
        }
        usesEMA = archive.shape(of: LDMCheckpointNames.ema(ofUNet: "input_blocks.0.0.weight")) != nil
        hasVAE = archive.shape(of: LDMCheckpointNames.vaePrefix + "decoder.conv_in.weight") != nil
    }

    /// The model with `unet`, `vae` and `textEncoder` as its architecture (SD v1.x's by default,
    /// or a diffusers folder's for non-standard sizes), the sampler config `scheduler`, and the
    /// tokenizer folder `tokenizerURL` (SD v1.x uses CLIP ViT-L/14's vocabulary).
    ///
    /// - Throws: `ModelConfigurationError.missingFile` when the file holds no VAE and
    ///   `requiresVAE` (pass `false` when `replacingVAE` will supply one).
    public func source(
        unet: UNet2DConditionConfig, vae: AutoencoderKLConfig, textEncoder: CLIPTextConfig,
        scheduler: SchedulerConfiguration, tokenizerURL: URL, generationDefaults: GenerationDefaults = GenerationDefaults(),
        requiresVAE: Bool = true
    ) throws -> ModelSource {
        guard hasVAE || !requiresVAE else {
            throw ModelConfigurationError.missingFile(
                path: url.path + " (first_stage_model.*)", hint: "the checkpoint holds no VAE; pass one with --vae")
        }
        let archive = self.archive
        let usesEMA = self.usesEMA
        return ModelSource(
            location: url.path, unet: unet, vae: vae, textEncoder: textEncoder, scheduler: scheduler,
            tokenizerURL: tokenizerURL, generationDefaults: generationDefaults
        ) { component in
            switch component {
            case .unet: return Self.unetArchive(archive, config: unet, usesEMA: usesEMA)
            case .vae: return Self.vaeArchive(archive, config: vae)
            case .textEncoder: return Self.textEncoderArchive(archive)
            }
        }
    }

    /// The UNet's parameters under diffusers names: the EMA copy first when the file has one.
    static func unetArchive(_ archive: any TensorArchive, config: UNet2DConditionConfig, usesEMA: Bool) -> any TensorArchive {
        RenamedTensorArchive(base: archive) { name in
            guard let ldm = LDMCheckpointNames.unet(name, config: config) else { return [] }
            let plain = RenamedTensorArchive.Candidate(name: LDMCheckpointNames.unetPrefix + ldm)
            return usesEMA ? [RenamedTensorArchive.Candidate(name: LDMCheckpointNames.ema(ofUNet: ldm)), plain] : [plain]
        }
    }

    /// The VAE's parameters under diffusers names, from a full checkpoint (`first_stage_model.`),
    /// a stand-alone LDM VAE file (no prefix), or a diffusers-layout VAE file (the names as asked).
    static func vaeArchive(_ archive: any TensorArchive, config: AutoencoderKLConfig) -> any TensorArchive {
        RenamedTensorArchive(base: archive) { name in
            guard let ldm = LDMCheckpointNames.vae(name, config: config) else { return [.init(name: name)] }
            return [
                .init(name: LDMCheckpointNames.vaePrefix + ldm.name, squeezesUnitKernel: ldm.squeezesUnitKernel),
                .init(name: ldm.name, squeezesUnitKernel: ldm.squeezesUnitKernel),
                .init(name: name),
            ]
        }
    }

    /// The text encoder's parameters under transformers names.
    static func textEncoderArchive(_ archive: any TensorArchive) -> any TensorArchive {
        RenamedTensorArchive(base: archive) { name in
            [.init(name: LDMCheckpointNames.textEncoderPrefix + LDMCheckpointNames.textEncoder(name))]
        }
    }

    /// Opens a weight file by its content: a zip (`PK\3\4`, what `torch.save` writes) as a
    /// PyTorch checkpoint, anything else as safetensors; returns it with its tensor names.
    static func openArchive(_ url: URL) throws -> (any TensorArchive, [String]) {
        let handle = try? FileHandle(forReadingFrom: url)
        let magic = try? handle?.read(upToCount: 4)
        try? handle?.close()
        if magic == Data([0x50, 0x4B, 0x03, 0x04]) {
            let checkpoint = try PyTorchCheckpoint(contentsOf: url)
            return (checkpoint, checkpoint.names)
        }
        let file = try SafeTensors(contentsOf: url)
        return (file, file.names)
    }
}
