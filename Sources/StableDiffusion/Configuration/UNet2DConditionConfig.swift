/// `unet/config.json` of a diffusers `UNet2DConditionModel`, with diffusers' defaults for
/// absent keys (diffusers 0.42 `unet_2d_condition.py`).
///
/// Per-block settings that diffusers accepts as one value or a list are stored as one value
/// per down block.
public struct UNet2DConditionConfig: Sendable, Equatable, Decodable {
    public var sampleSize: Int?
    public var inChannels: Int
    public var outChannels: Int
    public var centerInputSample: Bool
    /// Sinusoidal timestep embedding: cos before sin when true.
    public var flipSinToCos: Bool
    /// Sinusoidal timestep embedding: frequency shift (`downscale_freq_shift`).
    public var freqShift: Double
    public var downBlockTypes: [String]
    public var midBlockType: String?
    public var upBlockTypes: [String]
    public var blockOutChannels: [Int]
    /// ResNet layers per down block (up blocks have one more).
    public var layersPerBlock: [Int]
    public var downsamplePadding: Int
    public var midBlockScaleFactor: Double
    public var actFn: String
    public var normNumGroups: Int
    public var normEps: Double
    /// Width of the text encoder states fed to cross-attention.
    public var crossAttentionDim: Int
    public var transformerLayersPerBlock: [Int]
    /// Attention heads per down block. diffusers stores this under `attention_head_dim` for
    /// SD v1.x configs (a historical misnomer) and reads `num_attention_heads` first when set.
    public var attentionHeadCounts: [Int]
    public var useLinearProjection: Bool
    public var upcastAttention: Bool
    public var onlyCrossAttention: Bool
    public var dualCrossAttention: Bool
    public var resnetTimeScaleShift: String
    public var timeEmbeddingType: String
    public var classEmbedType: String?
    public var additionEmbedType: String?
    public var encoderHidDim: Int?
    public var timeCondProjDim: Int?
    public var convInKernel: Int
    public var convOutKernel: Int
    /// Options of later UNets that SD v1.x leaves at their defaults; decoded only so that a
    /// folder setting them is refused instead of computed wrongly.
    public var timeEmbeddingDim: Int?
    public var timeEmbeddingActFn: String?
    public var timestepPostAct: String?
    public var resnetSkipTimeAct: Bool
    public var resnetOutScaleFactor: Double
    public var crossAttentionNorm: String?
    public var attentionType: String
    public var midBlockOnlyCrossAttention: Bool?
    public var classEmbeddingsConcat: Bool
    public var numClassEmbeds: Int?

    enum CodingKeys: String, CodingKey {
        case sampleSize = "sample_size", inChannels = "in_channels", outChannels = "out_channels"
        case centerInputSample = "center_input_sample", flipSinToCos = "flip_sin_to_cos", freqShift = "freq_shift"
        case downBlockTypes = "down_block_types", midBlockType = "mid_block_type", upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case downsamplePadding = "downsample_padding", midBlockScaleFactor = "mid_block_scale_factor"
        case actFn = "act_fn", normNumGroups = "norm_num_groups", normEps = "norm_eps"
        case crossAttentionDim = "cross_attention_dim", transformerLayersPerBlock = "transformer_layers_per_block"
        case attentionHeadDim = "attention_head_dim", numAttentionHeads = "num_attention_heads"
        case useLinearProjection = "use_linear_projection", upcastAttention = "upcast_attention"
        case onlyCrossAttention = "only_cross_attention", dualCrossAttention = "dual_cross_attention"
        case resnetTimeScaleShift = "resnet_time_scale_shift", timeEmbeddingType = "time_embedding_type"
        case classEmbedType = "class_embed_type", additionEmbedType = "addition_embed_type"
        case encoderHidDim = "encoder_hid_dim", timeCondProjDim = "time_cond_proj_dim"
        case convInKernel = "conv_in_kernel", convOutKernel = "conv_out_kernel"
        case timeEmbeddingDim = "time_embedding_dim", timeEmbeddingActFn = "time_embedding_act_fn"
        case timestepPostAct = "timestep_post_act", resnetSkipTimeAct = "resnet_skip_time_act"
        case resnetOutScaleFactor = "resnet_out_scale_factor", crossAttentionNorm = "cross_attention_norm"
        case attentionType = "attention_type", midBlockOnlyCrossAttention = "mid_block_only_cross_attention"
        case classEmbeddingsConcat = "class_embeddings_concat", numClassEmbeds = "num_class_embeds"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampleSize = try c.decodeIfPresent(Int.self, forKey: .sampleSize)
        inChannels = try c.value(.inChannels, default: 4)
        outChannels = try c.value(.outChannels, default: 4)
        centerInputSample = try c.value(.centerInputSample, default: false)
        flipSinToCos = try c.value(.flipSinToCos, default: true)
        freqShift = try c.value(.freqShift, default: 0)
        downBlockTypes = try c.value(
            .downBlockTypes,
            default: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        midBlockType = c.contains(.midBlockType)
            ? try c.decodeIfPresent(String.self, forKey: .midBlockType) : "UNetMidBlock2DCrossAttn"
        upBlockTypes = try c.value(
            .upBlockTypes, default: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"])
        blockOutChannels = try c.value(.blockOutChannels, default: [320, 640, 1280, 1280])
        let blockCount = downBlockTypes.count
        layersPerBlock = try c.perBlock(.layersPerBlock, default: 2, blockCount: blockCount)
        downsamplePadding = try c.value(.downsamplePadding, default: 1)
        midBlockScaleFactor = try c.value(.midBlockScaleFactor, default: 1)
        actFn = try c.value(.actFn, default: "silu")
        normNumGroups = try c.value(.normNumGroups, default: 32)
        normEps = try c.value(.normEps, default: 1e-5)
        crossAttentionDim = try c.value(.crossAttentionDim, default: 1280)
        transformerLayersPerBlock = try c.perBlock(.transformerLayersPerBlock, default: 1, blockCount: blockCount)
        let headsKey: CodingKeys = try c.contains(.numAttentionHeads) && !c.decodeNil(forKey: .numAttentionHeads)
            ? .numAttentionHeads : .attentionHeadDim
        attentionHeadCounts = try c.perBlock(headsKey, default: 8, blockCount: blockCount)
        useLinearProjection = try c.value(.useLinearProjection, default: false)
        upcastAttention = try c.value(.upcastAttention, default: false)
        onlyCrossAttention = try c.value(.onlyCrossAttention, default: false)
        dualCrossAttention = try c.value(.dualCrossAttention, default: false)
        resnetTimeScaleShift = try c.value(.resnetTimeScaleShift, default: "default")
        timeEmbeddingType = try c.value(.timeEmbeddingType, default: "positional")
        classEmbedType = try c.decodeIfPresent(String.self, forKey: .classEmbedType)
        additionEmbedType = try c.decodeIfPresent(String.self, forKey: .additionEmbedType)
        encoderHidDim = try c.decodeIfPresent(Int.self, forKey: .encoderHidDim)
        timeCondProjDim = try c.decodeIfPresent(Int.self, forKey: .timeCondProjDim)
        convInKernel = try c.value(.convInKernel, default: 3)
        convOutKernel = try c.value(.convOutKernel, default: 3)
        timeEmbeddingDim = try c.decodeIfPresent(Int.self, forKey: .timeEmbeddingDim)
        timeEmbeddingActFn = try c.decodeIfPresent(String.self, forKey: .timeEmbeddingActFn)
        timestepPostAct = try c.decodeIfPresent(String.self, forKey: .timestepPostAct)
        resnetSkipTimeAct = try c.value(.resnetSkipTimeAct, default: false)
        resnetOutScaleFactor = try c.value(.resnetOutScaleFactor, default: 1)
        crossAttentionNorm = try c.decodeIfPresent(String.self, forKey: .crossAttentionNorm)
        attentionType = try c.value(.attentionType, default: "default")
        midBlockOnlyCrossAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockOnlyCrossAttention)
        classEmbeddingsConcat = try c.value(.classEmbeddingsConcat, default: false)
        numClassEmbeds = try c.decodeIfPresent(Int.self, forKey: .numClassEmbeds)
        guard upBlockTypes.count == blockCount, blockOutChannels.count == blockCount else {
            throw DecodingError.dataCorruptedError(
                forKey: .blockOutChannels, in: c,
                debugDescription: "down_block_types, up_block_types and block_out_channels must have the same length")
        }
    }
}
