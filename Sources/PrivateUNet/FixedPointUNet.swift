import SecretSharing
import StableDiffusion
import Tensor

/// The fixed-point reference U-Net: a plaintext integer implementation of exactly what the private
/// U-Net's 2PC protocol computes (private-unet/DESIGN.md §2), for SD v1.x `UNet2DConditionModel`s.
///
/// Every activation is an element of Z_{2^ℓ} at f fraction bits (`FixedPointFormat`); weights are
/// encoded once at load as round(w·2^f), biases as round(b·2^(2f)) added to the product accumulator;
/// each product sum is reduced to the ring and truncated by f with exact floor (the protocol's exact
/// truncation). Nonlinearities are integer procedures (`PiecewiseActivation`, `FixedPointMath`).
/// The server's plaintext parts stay in floating point and are rounded into the ring: the timestep
/// embedding MLP and every ResNet's `time_emb_proj(SiLU(temb))` (§2.3). Norm affines that feed a
/// linear layer and 1/√d are folded into weights (§2.3). The input latent and the text states are the
/// client's inputs, encoded at f bits; the output ε is decoded from f bits.
///
/// Samples of a batch are evaluated one after another (the protocol's CFG stacking does not change
/// any value). Attach a `RangeRecorder` with `recording(into:)` to collect the audit's maxima.
public struct FixedPointUNet: NoisePredictor {
    public let config: UNet2DConditionConfig
    public let format: FixedPointFormat
    public let math: FixedPointMath
    /// The ring in which the norms sum d² (≥ ℓ): 52 by default (11.8 bits of headroom in the audit), see `FixedNorm`.
    public let varianceRingBits: Int
    public private(set) var recorder: RangeRecorder?
    let silu: PiecewiseActivation
    let gelu: PiecewiseActivation
    let timeLinear1: (weight: Tensor, bias: Tensor)
    let timeLinear2: (weight: Tensor, bias: Tensor)
    let convIn: FixedConv2D
    let downBlocks: [FixedDownBlock]
    let mid: (first: FixedResnetBlock, attention: FixedTransformer, second: FixedResnetBlock)
    let upBlocks: [FixedUpBlock]
    let normOut: FixedNorm
    let convOut: FixedConv2D

    /// Builds the model `config` describes from `weights` (float32 parameters, encoded here once).
    ///
    /// - Throws: `ModelConfigurationError` for configurations outside SD v1.x, `PrivateUNetError` for
    ///   options the reference does not implement or missing/mis-shaped tensors.
    public init(
        config: UNet2DConditionConfig, weights archive: any TensorArchive, format: FixedPointFormat = .audited,
        math: FixedPointMath? = nil, varianceRingBits: Int = 52
    ) throws {
        guard (format.ringBits...64).contains(varianceRingBits) else {
            throw PrivateUNetError.unsupported("variance ring of \(varianceRingBits) bits (must lie in ℓ…64)")
        }
        self.varianceRingBits = varianceRingBits
        try SDv1Support.check(config, file: "UNet2DConditionModel config")
        guard config.midBlockScaleFactor == 1, config.resnetOutScaleFactor == 1 else {
            throw PrivateUNetError.unsupported("output scale factors other than 1")
        }
        self.config = config
        self.format = format
        self.math = math ?? FixedPointMath(format: format)
        recorder = nil
        silu = .silu(format)
        gelu = .gelu(format)
        let root = WeightReader(archive)
        let channels = config.blockOutChannels, timeChannels = 4 * channels[0]
        func floatLinear(_ scope: WeightReader, _ inputs: Int, _ outputs: Int) throws -> (weight: Tensor, bias: Tensor) {
            (try Tensor(shape: [outputs, inputs], scalars: scope.values("weight", count: inputs * outputs).map(Float.init)),
             try Tensor(shape: [outputs], scalars: scope.values("bias", count: outputs).map(Float.init)))
        }
        timeLinear1 = try floatLinear(root.scoped("time_embedding").scoped("linear_1"), channels[0], timeChannels)
        timeLinear2 = try floatLinear(root.scoped("time_embedding").scoped("linear_2"), timeChannels, timeChannels)
        convIn = try FixedConv2D(
            root.scoped("conv_in"), name: "conv_in", inChannels: config.inChannels, outChannels: channels[0], kernelSize: 3,
            padding: 1, format: format)
        let settings = FixedBlockSettings(
            timeChannels: timeChannels, groupCount: config.normNumGroups, epsilon: config.normEps,
            contextWidth: config.crossAttentionDim, format: format)
        let count = channels.count
        downBlocks = try (0..<count).map { i in
            try FixedDownBlock(
                root.scoped("down_blocks").scoped(String(i)), name: "down_blocks.\(i)",
                crossAttention: config.downBlockTypes[i] == "CrossAttnDownBlock2D",
                inChannels: i == 0 ? channels[0] : channels[i - 1], outChannels: channels[i],
                layerCount: config.layersPerBlock[i], headCount: config.attentionHeadCounts[i],
                transformerLayers: config.transformerLayersPerBlock[i], downsample: i < count - 1,
                downsamplePadding: config.downsamplePadding, settings: settings)
        }
        let midWeights = root.scoped("mid_block"), last = channels[count - 1]
        mid = (
            try settings.resnet(midWeights.scoped("resnets").scoped("0"), name: "mid_block.resnets.0", last, last),
            try settings.transformer(
                midWeights.scoped("attentions").scoped("0"), name: "mid_block.attentions.0", channels: last,
                headCount: config.attentionHeadCounts[count - 1], layers: config.transformerLayersPerBlock[count - 1]),
            try settings.resnet(midWeights.scoped("resnets").scoped("1"), name: "mid_block.resnets.1", last, last))
        let reversed = Array(channels.reversed())
        upBlocks = try (0..<count).map { i in
            let level = count - 1 - i
            return try FixedUpBlock(
                root.scoped("up_blocks").scoped(String(i)), name: "up_blocks.\(i)",
                crossAttention: config.upBlockTypes[i] == "CrossAttnUpBlock2D",
                inChannels: reversed[min(i + 1, count - 1)], outChannels: reversed[i],
                previousOutChannels: reversed[max(i - 1, 0)], layerCount: config.layersPerBlock[level] + 1,
                headCount: config.attentionHeadCounts[level], transformerLayers: config.transformerLayersPerBlock[level],
                upsample: i < count - 1, settings: settings)
        }
        normOut = try FixedNorm.load(
            root.scoped("conv_norm_out"), name: "conv_norm_out", channels: channels[0], groupCount: config.normNumGroups,
            epsilon: config.normEps, foldedAway: false, format: format).norm
        convOut = try FixedConv2D(
            root.scoped("conv_out"), name: "conv_out", inChannels: channels[0], outChannels: config.outChannels,
            kernelSize: 3, padding: 1, format: format)
    }

    /// Opens `folder`'s U-Net weights and builds the model from its config.
    public init(source: ModelSource, format: FixedPointFormat = .audited, varianceRingBits: Int = 52) throws {
        try self.init(config: source.unet, weights: source.weights(for: .unet), format: format, varianceRingBits: varianceRingBits)
    }

    private init(copying model: FixedPointUNet, recorder: RangeRecorder?) {
        self = model
        self.recorder = recorder
    }

    /// The same model, recording ranges into `recorder` on every evaluation.
    public func recording(into recorder: RangeRecorder?) -> FixedPointUNet {
        FixedPointUNet(copying: self, recorder: recorder)
    }

    var context: EvaluationContext {
        EvaluationContext(
            format: format, math: math, silu: silu, gelu: gelu, recorder: recorder, varianceRingBits: varianceRingBits)
    }

    /// ε for `sample` `[N, in, H, W]` at `timestep`, conditioned on `encoderHiddenStates` `[N, S, ctx]`,
    /// computed in the ring and decoded to floats.
    public func callAsFunction(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor) throws -> Tensor {
        let multiple = 1 << (config.blockOutChannels.count - 1)
        guard sample.rank == 4, sample.shape[1] == config.inChannels, sample.shape[0] > 0,
              sample.shape[2] > 0, sample.shape[3] > 0, sample.shape[2] % multiple == 0, sample.shape[3] % multiple == 0
        else {
            throw PrivateUNetError.invalidInput("sample \(sample.shape), expected [N, \(config.inChannels), H, W] with H, W multiples of \(multiple)")
        }
        let states = encoderHiddenStates
        guard states.rank == 3, states.shape[0] == sample.shape[0], states.shape[2] == config.crossAttentionDim else {
            throw PrivateUNetError.invalidInput("encoderHiddenStates \(states.shape), expected [\(sample.shape[0]), S, \(config.crossAttentionDim)]")
        }
        let batch = sample.shape[0], height = sample.shape[2], width = sample.shape[3]
        let timeBiases = try self.timeBiases(timestep: timestep)
        let perSample = config.inChannels * height * width, perText = states.shape[1] * states.shape[2]
        var output = [Float]()
        output.reserveCapacity(batch * config.outChannels * height * width)
        for n in 0..<batch {
            let x = sample.scalars[(n * perSample)..<((n + 1) * perSample)].map { format.encode(Double($0)) }
            let text = states.scalars[(n * perText)..<((n + 1) * perText)].map { format.encode(Double($0)) }
            let epsilon = evaluate(x, height: height, width: width, text: text, textCount: states.shape[1], timeBiases: timeBiases)
            output.append(contentsOf: epsilon.map { Float(format.decode($0)) })
        }
        return try Tensor(shape: [batch, config.outChannels, height, width], scalars: output)
    }

    /// Every ResNet's conv1 time bias, in evaluation order (down, mid, up), from the float MLP.
    func timeBiases(timestep: Float) throws -> [[Int64]] {
        let sinusoid = try Tensor.timestepEmbedding(
            timesteps: [timestep], dimension: config.blockOutChannels[0], flipSinToCos: config.flipSinToCos,
            downscaleFreqShift: Float(config.freqShift))
        let hidden = try sinusoid.linear(weight: timeLinear1.weight, bias: timeLinear1.bias).silu()
        let activated = try hidden.linear(weight: timeLinear2.weight, bias: timeLinear2.bias).silu()
        let resnets = downBlocks.flatMap(\.resnets) + [mid.first, mid.second] + upBlocks.flatMap(\.resnets)
        return try resnets.map { try $0.timeBias(activatedEmbedding: activated, format: format) }
    }

    /// One sample through the network, all in the ring: input `[in, H, W]`, text `[S, ctx]`, result `[out, H, W]`.
    func evaluate(_ x: [Int64], height: Int, width: Int, text: [Int64], textCount: Int, timeBiases: [[Int64]]) -> [Int64] {
        let context = self.context
        var biases = timeBiases[...]
        var state = FeatureMap(values: convIn(x, height: height, width: width, context: context).values, height: height, width: width)
        var skips = [state]
        for block in downBlocks {
            state = block(state, text: text, textCount: textCount, biases: &biases, skips: &skips, context: context)
        }
        state.values = mid.first(state.values, height: state.height, width: state.width, timeBias: biases.removeFirst(), context: context)
        state.values = mid.attention(state.values, plane: state.plane, text: text, textCount: textCount, context: context)
        state.values = mid.second(state.values, height: state.height, width: state.width, timeBias: biases.removeFirst(), context: context)
        for block in upBlocks {
            state = block(state, text: text, textCount: textCount, biases: &biases, skips: &skips, context: context)
        }
        var h = normOut.groupNorm(state.values, plane: state.plane, context: context)
        silu.apply(&h)
        context.record("conv_norm_out.silu", stored: h)
        return convOut(h, height: state.height, width: state.width, context: context).values
    }
}

/// One sample's activations `[C, H, W]` with their spatial size.
struct FeatureMap: Sendable {
    var values: [Int64]
    var height: Int
    var width: Int
    var plane: Int { height * width }
    var channels: Int { values.count / plane }
}
