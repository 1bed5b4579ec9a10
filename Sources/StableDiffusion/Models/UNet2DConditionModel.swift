import Tensor

/// The Stable Diffusion v1.x noise predictor (diffusers `UNet2DConditionModel`), built from its
/// `config.json` and loaded once from its checkpoint.
///
/// Forward pass: sinusoidal timestep embedding → `time_embedding` (linear, SiLU, linear) →
/// `conv_in` → down blocks (keeping skip tensors) → mid block → up blocks (consuming them) →
/// GroupNorm, SiLU, `conv_out`.
///
/// Matches: diffusers 0.42.1 `models/unets/unet_2d_condition.py` `UNet2DConditionModel`.
public struct UNet2DConditionModel: Sendable {
    public let config: UNet2DConditionConfig
    let timeLinear1: Linear
    let timeLinear2: Linear
    let convIn: Conv2D
    let downBlocks: [UNetDownBlock]
    let midBlock: UNetMidBlock
    let upBlocks: [UNetUpBlock]
    let convNormOut: GroupNorm
    let convOut: Conv2D

    /// Builds the model that `config` describes and reads its parameters from `weights`.
    ///
    /// - Throws: `ModelConfigurationError` for block types or options outside SD v1.x (`SDv1Support`),
    ///   `SafeTensorsError` naming any missing or mis-shaped tensor.
    public init(config: UNet2DConditionConfig, weights: any TensorArchive) throws {
        try self.init(config: config, checkpoint: CheckpointWeights(weights))
    }

    /// Builds the model that `config` describes with seeded random parameters (uniform in
    /// ±1/√fan-in), for benchmarks that need the real architecture but no checkpoint.
    public init(config: UNet2DConditionConfig, randomWeightsSeed seed: UInt64) throws {
        try self.init(config: config, checkpoint: CheckpointWeights(randomSeed: seed))
    }

    /// Builds the model that `config` describes from the parameters `checkpoint` supplies.
    init(config: UNet2DConditionConfig, checkpoint root: CheckpointWeights) throws {
        try SDv1Support.check(config, file: "UNet2DConditionModel config")
        self.config = config
        let channels = config.blockOutChannels
        let timeInput = channels[0], timeChannels = 4 * channels[0]
        let timeEmbedding = root.scoped("time_embedding")
        timeLinear1 = try Linear(timeEmbedding.scoped("linear_1"), inFeatures: timeInput, outFeatures: timeChannels)
        timeLinear2 = try Linear(timeEmbedding.scoped("linear_2"), inFeatures: timeChannels, outFeatures: timeChannels)
        convIn = try Conv2D(
            root.scoped("conv_in"), inChannels: config.inChannels, outChannels: channels[0], kernelSize: 3, padding: 1)
        let settings = UNetBlockSettings(
            timeEmbeddingChannels: timeChannels, groupCount: config.normNumGroups, epsilon: Float(config.normEps),
            contextWidth: config.crossAttentionDim, linearProjection: config.useLinearProjection)
        let blockCount = channels.count
        downBlocks = try (0..<blockCount).map { i in
            try UNetDownBlock(
                root.scoped("down_blocks").scoped(String(i)),
                crossAttention: config.downBlockTypes[i] == "CrossAttnDownBlock2D",
                inChannels: i == 0 ? channels[0] : channels[i - 1], outChannels: channels[i],
                layerCount: config.layersPerBlock[i], headCount: config.attentionHeadCounts[i],
                transformerLayerCount: config.transformerLayersPerBlock[i], addDownsample: i < blockCount - 1,
                downsamplePadding: config.downsamplePadding, settings: settings)
        }
        midBlock = try UNetMidBlock(
            root.scoped("mid_block"), channels: channels[blockCount - 1],
            headCount: config.attentionHeadCounts[blockCount - 1],
            transformerLayerCount: config.transformerLayersPerBlock[blockCount - 1],
            outputScaleFactor: Float(config.midBlockScaleFactor), settings: settings)
        let reversedChannels = Array(channels.reversed())
        upBlocks = try (0..<blockCount).map { i in
            let level = blockCount - 1 - i
            return try UNetUpBlock(
                root.scoped("up_blocks").scoped(String(i)),
                crossAttention: config.upBlockTypes[i] == "CrossAttnUpBlock2D",
                inChannels: reversedChannels[min(i + 1, blockCount - 1)], outChannels: reversedChannels[i],
                previousOutChannels: reversedChannels[max(i - 1, 0)], layerCount: config.layersPerBlock[level] + 1,
                headCount: config.attentionHeadCounts[level],
                transformerLayerCount: config.transformerLayersPerBlock[level], addUpsample: i < blockCount - 1,
                settings: settings)
        }
        convNormOut = try GroupNorm(
            root.scoped("conv_norm_out"), channels: channels[0], groupCount: config.normNumGroups,
            epsilon: Float(config.normEps))
        convOut = try Conv2D(
            root.scoped("conv_out"), inChannels: channels[0], outChannels: config.outChannels, kernelSize: 3, padding: 1)
    }

    /// Opens `folder`'s UNet weights and builds the model from its config.
    public init(folder: DiffusersModelFolder) throws {
        try self.init(config: folder.unet, weights: folder.weights(for: .unet))
    }

    /// Latent height and width must be multiples of this (one halving per downsampler).
    public var spatialMultiple: Int { 1 << (config.blockOutChannels.count - 1) }

    /// The predicted noise ε for `sample` at `timestep`, conditioned on the text states.
    ///
    /// - Parameters:
    ///   - sample: the (scheduler-scaled) latent `[N, in_channels, H, W]`, H and W multiples of
    ///     `spatialMultiple`.
    ///   - timestep: the diffusion timestep, shared by the whole batch.
    ///   - encoderHiddenStates: the text encoder output `[N, S, cross_attention_dim]`.
    /// - Returns: `[N, out_channels, H, W]`.
    /// - Throws: `ModelError.invalidInput` for inputs of the wrong shape.
    public func callAsFunction(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor) throws -> Tensor {
        try checkInputs(sample, encoderHiddenStates)
        let batch = sample.shape[0]
        let sinusoid = try Tensor.timestepEmbedding(
            timesteps: Array(repeating: timestep, count: batch), dimension: config.blockOutChannels[0],
            flipSinToCos: config.flipSinToCos, downscaleFreqShift: Float(config.freqShift))
        let activatedTemb = try timeLinear2(timeLinear1(sinusoid).silu()).silu()

        var skips: [Tensor] = []
        var h = try convIn(sample)
        skips.append(h)
        for block in downBlocks {
            h = try block(h, temb: activatedTemb, context: encoderHiddenStates, skips: &skips)
        }
        h = try midBlock(h, temb: activatedTemb, context: encoderHiddenStates)
        for block in upBlocks {
            h = try block(h, temb: activatedTemb, context: encoderHiddenStates, skips: &skips)
        }
        return try convOut(convNormOut(h, applyingSiLU: true))
    }

    private func checkInputs(_ sample: Tensor, _ states: Tensor) throws {
        let model = "UNet2DConditionModel"
        let multiple = spatialMultiple
        guard sample.rank == 4, sample.shape[1] == config.inChannels, sample.shape[0] > 0,
              sample.shape[2] > 0, sample.shape[3] > 0,
              sample.shape[2] % multiple == 0, sample.shape[3] % multiple == 0
        else {
            throw ModelError.invalidInput(
                model: model, input: "sample",
                expected: "[N, \(config.inChannels), H, W] with H and W multiples of \(multiple)", found: "\(sample.shape)")
        }
        guard states.rank == 3, states.shape[0] == sample.shape[0], states.shape[2] == config.crossAttentionDim else {
            throw ModelError.invalidInput(
                model: model, input: "encoderHiddenStates",
                expected: "[\(sample.shape[0]), S, \(config.crossAttentionDim)]", found: "\(states.shape)")
        }
    }
}
