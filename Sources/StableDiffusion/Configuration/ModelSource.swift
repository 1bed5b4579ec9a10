import Foundation

/// A Stable Diffusion v1.x model ready to load: its component configs, tokenizer folder, sampler
/// config, recommended settings, and where each component's weights come from — a diffusers
/// folder (`DiffusersModelFolder.source`), a single-file checkpoint (`SingleFileCheckpoint`), or
/// either with another VAE (`replacingVAE`).
///
/// Configs are read and checked when the source is made; weights are opened when a component is
/// built (`StableDiffusionPipeline(source:)`).
public struct ModelSource: Sendable {
    /// What the model was loaded from, for messages and image metadata.
    public var location: String
    public var unet: UNet2DConditionConfig
    public var vae: AutoencoderKLConfig
    public var textEncoder: CLIPTextConfig
    public var scheduler: SchedulerConfiguration
    /// A folder with `vocab.json` + `merges.txt` or `tokenizer.json`; `CLIPTokenizer(folder:)` reads it.
    public var tokenizerURL: URL
    /// Recommended sampling settings (empty when the source has none).
    public var generationDefaults: GenerationDefaults
    /// Opens the weights of one component, under the diffusers names its modules ask for.
    var weights: @Sendable (DiffusersModelFolder.Component) throws -> any TensorArchive
    /// The LoRAs merged into the weights, and which of their modules loading used.
    var loraApplication: LoRAApplication?
    /// The weights without LoRAs, so that merging more LoRAs wraps the base once.
    var plainWeights: @Sendable (DiffusersModelFolder.Component) throws -> any TensorArchive

    /// A source from its parts; `weights` opens one component's archive when called.
    public init(
        location: String, unet: UNet2DConditionConfig, vae: AutoencoderKLConfig, textEncoder: CLIPTextConfig,
        scheduler: SchedulerConfiguration, tokenizerURL: URL, generationDefaults: GenerationDefaults = GenerationDefaults(),
        weights: @escaping @Sendable (DiffusersModelFolder.Component) throws -> any TensorArchive
    ) {
        self.location = location
        self.unet = unet
        self.vae = vae
        self.textEncoder = textEncoder
        self.scheduler = scheduler
        self.tokenizerURL = tokenizerURL
        self.generationDefaults = generationDefaults
        self.weights = weights
        self.plainWeights = weights
    }

    /// Opens `component`'s weights.
    public func weights(for component: DiffusersModelFolder.Component) throws -> any TensorArchive {
        try weights(component)
    }

    /// The source's CLIP tokenizer.
    public func tokenizer() throws -> CLIPTokenizer {
        try CLIPTokenizer(folder: tokenizerURL)
    }

    /// This model with `loras` merged into the UNet and text-encoder weights as they load
    /// (diffusers' `load_lora_weights` + `fuse_lora`), in addition to any merged before.
    public func merging(_ loras: [LoRA]) -> ModelSource {
        guard !loras.isEmpty else { return self }
        var copy = self
        let application = LoRAApplication(loras: (loraApplication?.loras ?? []) + loras)
        let plain = loraApplication == nil ? weights : self.plainWeights
        copy.loraApplication = application
        copy.weights = { component in
            let base = try plain(component)
            switch component {
            case .unet: return LoRAMergedArchive(base: base, target: .unet, application: application)
            case .textEncoder: return LoRAMergedArchive(base: base, target: .textEncoder, application: application)
            case .vae: return base
            }
        }
        copy.plainWeights = plain
        return copy
    }

    /// After the components have loaded: every merged LoRA module adapted some weight.
    ///
    /// - Throws: `ModelConfigurationError.unsupportedModel` naming a module that matched nothing.
    public func checkLoRAApplied() throws {
        try loraApplication?.checkEveryModuleApplied()
    }

    /// This model with another VAE (diffusers' `vae=` argument): `config` and `weights` replace
    /// the VAE's; its latent channels must match the UNet's.
    ///
    /// - Throws: `ModelConfigurationError.inconsistentComponents` when the latent channels differ.
    public func replacingVAE(config: AutoencoderKLConfig, weights vaeWeights: @escaping @Sendable () throws -> any TensorArchive) throws -> ModelSource {
        guard config.latentChannels == unet.inChannels else {
            throw ModelConfigurationError.inconsistentComponents(
                reason: "the VAE has \(config.latentChannels) latent channels, the UNet \(unet.inChannels)")
        }
        var copy = self
        copy.vae = config
        let others = weights, plain = plainWeights
        copy.weights = { $0 == .vae ? try vaeWeights() : try others($0) }
        copy.plainWeights = { $0 == .vae ? try vaeWeights() : try plain($0) }
        return copy
    }
}

extension DiffusersModelFolder {
    /// The folder as a model source: its configs, tokenizer, defaults and safetensors weights.
    public var source: ModelSource {
        let folder = self
        return ModelSource(
            location: url.path, unet: unet, vae: vae, textEncoder: textEncoder, scheduler: scheduler,
            tokenizerURL: tokenizerURL, generationDefaults: generationDefaults, weights: { try folder.weights(for: $0) })
    }
}
