/// The Stable Diffusion v1.x architecture this library builds, as one rule set over the three
/// component configs: the block types it implements, the options of later models it does not,
/// and the sizes that must be positive and divide evenly (checked before anything divides by them).
///
/// `DiffusersModelFolder` checks a folder's configs here when it opens them, and the models'
/// initializers check the config they are given here too, so the two can never disagree. Every
/// refusal is a `ModelConfigurationError.unsupportedOption` naming the file (or, for a config
/// built in code, the component), the key, the value and what SD v1.x uses instead.
public enum SDv1Support {
    public static let unetDownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"]
    public static let unetUpBlockTypes = ["CrossAttnUpBlock2D", "UpBlock2D"]
    public static let unetMidBlockType = "UNetMidBlock2DCrossAttn"
    public static let vaeDownBlockType = "DownEncoderBlock2D"
    public static let vaeUpBlockType = "UpDecoderBlock2D"
    /// The most blocks a UNet or VAE may have. SD v1.x has 4; each further block halves the
    /// latent again, and past this the side multiple (2^blocks) exceeds any image size accepted.
    public static let maximumBlockCount = 8

    /// Refuses a UNet config outside SD v1.x; `file` names it in the error.
    public static func check(_ config: UNet2DConditionConfig, file: String) throws {
        let rules = Rules(file: file, component: "SD v1.x UNets")
        for type in config.downBlockTypes where !unetDownBlockTypes.contains(type) {
            throw rules.refuse("down_block_types", type, "SD v1.x uses " + unetDownBlockTypes.joined(separator: " and "))
        }
        for type in config.upBlockTypes where !unetUpBlockTypes.contains(type) {
            throw rules.refuse("up_block_types", type, "SD v1.x uses " + unetUpBlockTypes.joined(separator: " and "))
        }
        guard config.midBlockType == unetMidBlockType else {
            throw rules.refuse("mid_block_type", config.midBlockType ?? "null", "SD v1.x uses \(unetMidBlockType)")
        }
        let sdV1Values: [(String, Any, Bool)] = [
            ("act_fn", config.actFn, config.actFn == "silu"),
            ("class_embed_type", config.classEmbedType ?? "null", config.classEmbedType == nil),
            ("addition_embed_type", config.additionEmbedType ?? "null", config.additionEmbedType == nil),
            ("encoder_hid_dim", config.encoderHidDim.map(String.init) ?? "null", config.encoderHidDim == nil),
            ("time_cond_proj_dim", config.timeCondProjDim.map(String.init) ?? "null", config.timeCondProjDim == nil),
            ("time_embedding_type", config.timeEmbeddingType, config.timeEmbeddingType == "positional"),
            ("resnet_time_scale_shift", config.resnetTimeScaleShift, config.resnetTimeScaleShift == "default"),
            ("only_cross_attention", config.onlyCrossAttention, !config.onlyCrossAttention),
            ("dual_cross_attention", config.dualCrossAttention, !config.dualCrossAttention),
            ("center_input_sample", config.centerInputSample, !config.centerInputSample),
            ("conv_in_kernel", config.convInKernel, config.convInKernel == 3),
            ("conv_out_kernel", config.convOutKernel, config.convOutKernel == 3),
            ("time_embedding_dim", config.timeEmbeddingDim.map(String.init) ?? "null",
             config.timeEmbeddingDim == nil || config.timeEmbeddingDim == 4 * (config.blockOutChannels.first ?? 0)),
            ("time_embedding_act_fn", config.timeEmbeddingActFn ?? "null", config.timeEmbeddingActFn == nil),
            ("timestep_post_act", config.timestepPostAct ?? "null", config.timestepPostAct == nil),
            ("resnet_skip_time_act", config.resnetSkipTimeAct, !config.resnetSkipTimeAct),
            ("resnet_out_scale_factor", config.resnetOutScaleFactor, config.resnetOutScaleFactor == 1),
            ("cross_attention_norm", config.crossAttentionNorm ?? "null", config.crossAttentionNorm == nil),
            ("attention_type", config.attentionType, config.attentionType == "default"),
            ("mid_block_only_cross_attention", config.midBlockOnlyCrossAttention.map { "\($0)" } ?? "null",
             config.midBlockOnlyCrossAttention != true),
            ("class_embeddings_concat", config.classEmbeddingsConcat, !config.classEmbeddingsConcat),
            ("num_class_embeds", config.numClassEmbeds.map(String.init) ?? "null", config.numClassEmbeds == nil),
        ]
        for (key, value, supported) in sdV1Values where !supported {
            throw rules.refuse(key, value, "SD v1.x UNets do not use this option")
        }
        try rules.positive([
            ("in_channels", config.inChannels), ("out_channels", config.outChannels),
            ("norm_num_groups", config.normNumGroups), ("cross_attention_dim", config.crossAttentionDim),
        ])
        try rules.blocks(config.blockOutChannels)
        try rules.positive("layers_per_block", config.layersPerBlock)
        try rules.positive("transformer_layers_per_block", config.transformerLayersPerBlock)
        try rules.positive("attention_head_dim", config.attentionHeadCounts)
        for (block, channels) in config.blockOutChannels.enumerated() {
            let heads = config.attentionHeadCounts[block]
            guard channels % config.normNumGroups == 0, channels % heads == 0 else {
                throw rules.refuse(
                    "block_out_channels", config.blockOutChannels,
                    "block \(block) has \(channels) channels, not divisible by norm_num_groups \(config.normNumGroups) "
                        + "and its \(heads) attention heads")
            }
        }
    }

    /// Refuses a VAE config outside SD v1.x; `file` names it in the error.
    public static func check(_ config: AutoencoderKLConfig, file: String) throws {
        let rules = Rules(file: file, component: "SD v1.x VAEs")
        for type in config.downBlockTypes where type != vaeDownBlockType {
            throw rules.refuse("down_block_types", type, "SD v1.x VAEs use \(vaeDownBlockType)")
        }
        for type in config.upBlockTypes where type != vaeUpBlockType {
            throw rules.refuse("up_block_types", type, "SD v1.x VAEs use \(vaeUpBlockType)")
        }
        if let shift = config.shiftFactor {
            throw rules.refuse("shift_factor", shift, "SD v1.x VAEs have no latent shift (this is an SD3/Flux VAE)")
        }
        guard config.actFn == "silu" else { throw rules.refuse("act_fn", config.actFn, "SD v1.x VAEs use silu") }
        guard config.scalingFactor.isFinite, config.scalingFactor > 0 else {
            throw rules.refuse("scaling_factor", config.scalingFactor, "latents are divided by it: a positive number (0.18215 in SD v1.x)")
        }
        try rules.positive([
            ("in_channels", config.inChannels), ("out_channels", config.outChannels),
            ("latent_channels", config.latentChannels), ("norm_num_groups", config.normNumGroups),
            ("layers_per_block", config.layersPerBlock),
        ])
        try rules.blocks(config.blockOutChannels)
        for (block, channels) in config.blockOutChannels.enumerated() where channels % config.normNumGroups != 0 {
            throw rules.refuse(
                "block_out_channels", config.blockOutChannels,
                "block \(block) has \(channels) channels, not divisible by norm_num_groups \(config.normNumGroups)")
        }
    }

    /// Refuses a text encoder config outside SD v1.x; `file` names it in the error.
    public static func check(_ config: CLIPTextConfig, file: String) throws {
        _ = try activation(of: config, file: file)
    }

    /// The text encoder's activation, after checking the whole config.
    static func activation(of config: CLIPTextConfig, file: String) throws -> CLIPEncoderLayer.Activation {
        let rules = Rules(file: file, component: "CLIP text encoders")
        guard let activation = CLIPEncoderLayer.Activation(rawValue: config.hiddenAct) else {
            throw rules.refuse("hidden_act", config.hiddenAct, "CLIP text encoders use quick_gelu or gelu")
        }
        try rules.positive([
            ("vocab_size", config.vocabSize), ("hidden_size", config.hiddenSize),
            ("intermediate_size", config.intermediateSize), ("num_hidden_layers", config.hiddenLayerCount),
            ("num_attention_heads", config.attentionHeadCount), ("max_position_embeddings", config.maxPositionEmbeddings),
        ])
        guard config.hiddenSize % config.attentionHeadCount == 0 else {
            throw rules.refuse(
                "num_attention_heads", config.attentionHeadCount,
                "hidden_size \(config.hiddenSize) must be divisible by the head count")
        }
        return activation
    }

    /// The refusals of one config file.
    private struct Rules {
        let file: String
        /// Plural of the component, for hints ("SD v1.x UNets").
        let component: String

        func refuse(_ key: String, _ value: Any, _ hint: String) -> ModelConfigurationError {
            .unsupportedOption(file: file, key: key, value: "\(value)", hint: hint)
        }

        /// Sizes and counts that later code divides by or builds that many of.
        func positive(_ values: [(key: String, value: Int)]) throws {
            for (key, value) in values where value <= 0 {
                throw refuse(key, value, "\(component) need a positive value")
            }
        }

        /// One positive value per block.
        func positive(_ key: String, _ values: [Int]) throws {
            guard values.allSatisfy({ $0 > 0 }) else { throw refuse(key, values, "every block needs a positive value") }
        }

        /// `block_out_channels`: 1 to `maximumBlockCount` blocks of positive width.
        func blocks(_ channels: [Int]) throws {
            guard (1...SDv1Support.maximumBlockCount).contains(channels.count) else {
                throw refuse(
                    "block_out_channels", channels, "\(component) have 1 to \(SDv1Support.maximumBlockCount) blocks (SD v1.x: 4)")
            }
            try positive("block_out_channels", channels)
        }
    }
}
