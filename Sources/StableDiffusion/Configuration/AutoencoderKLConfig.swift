/// `vae/config.json` of a diffusers `AutoencoderKL`, with diffusers' defaults for absent keys
/// (diffusers 0.42 `autoencoder_kl.py`).
public struct AutoencoderKLConfig: Sendable, Equatable, Decodable {
    public var inChannels: Int
    public var outChannels: Int
    public var downBlockTypes: [String]
    public var upBlockTypes: [String]
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    public var actFn: String
    public var latentChannels: Int
    public var normNumGroups: Int
    public var sampleSize: Int
    /// Latents are multiplied by this after encoding and divided by it before decoding.
    public var scalingFactor: Double
    public var shiftFactor: Double?
    public var useQuantConv: Bool
    public var usePostQuantConv: Bool
    public var midBlockAddAttention: Bool

    /// Image pixels per latent pixel along each side: 2^(number of blocks − 1).
    public var downsamplingFactor: Int { 1 << max(blockOutChannels.count - 1, 0) }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels"
        case downBlockTypes = "down_block_types", upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block", actFn = "act_fn"
        case latentChannels = "latent_channels", normNumGroups = "norm_num_groups", sampleSize = "sample_size"
        case scalingFactor = "scaling_factor", shiftFactor = "shift_factor"
        case useQuantConv = "use_quant_conv", usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inChannels = try c.value(.inChannels, default: 3)
        outChannels = try c.value(.outChannels, default: 3)
        downBlockTypes = try c.value(.downBlockTypes, default: ["DownEncoderBlock2D"])
        upBlockTypes = try c.value(.upBlockTypes, default: ["UpDecoderBlock2D"])
        blockOutChannels = try c.value(.blockOutChannels, default: [64])
        layersPerBlock = try c.value(.layersPerBlock, default: 1)
        actFn = try c.value(.actFn, default: "silu")
        latentChannels = try c.value(.latentChannels, default: 4)
        normNumGroups = try c.value(.normNumGroups, default: 32)
        sampleSize = try c.value(.sampleSize, default: 32)
        scalingFactor = try c.value(.scalingFactor, default: 0.18215)
        shiftFactor = try c.decodeIfPresent(Double.self, forKey: .shiftFactor)
        useQuantConv = try c.value(.useQuantConv, default: true)
        usePostQuantConv = try c.value(.usePostQuantConv, default: true)
        midBlockAddAttention = try c.value(.midBlockAddAttention, default: true)
        guard downBlockTypes.count == blockOutChannels.count, upBlockTypes.count == blockOutChannels.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .blockOutChannels, in: c,
                debugDescription: "down_block_types, up_block_types and block_out_channels must have the same length")
        }
    }
}
