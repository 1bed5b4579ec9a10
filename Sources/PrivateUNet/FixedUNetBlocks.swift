/// Settings shared by the blocks of one fixed-point U-Net.
struct FixedBlockSettings {
    let timeChannels: Int
    let groupCount: Int
    let epsilon: Double
    let contextWidth: Int
    let format: FixedPointFormat

    func resnet(_ weights: WeightReader, name: String, _ inChannels: Int, _ outChannels: Int) throws -> FixedResnetBlock {
        try FixedResnetBlock(
            weights, name: name, inChannels: inChannels, outChannels: outChannels, timeChannels: timeChannels,
            groupCount: groupCount, epsilon: epsilon, format: format)
    }

    func transformer(_ weights: WeightReader, name: String, channels: Int, headCount: Int, layers: Int) throws -> FixedTransformer {
        try FixedTransformer(
            weights, name: name, channels: channels, headCount: headCount, layerCount: layers, contextWidth: contextWidth,
            groupCount: groupCount, format: format)
    }

    /// A block's `attentions.0 … attentions.(count − 1)`, one transformer per ResNet.
    func transformers(
        _ block: WeightReader, name: String, count: Int, channels: Int, headCount: Int, layers: Int
    ) throws -> [FixedTransformer] {
        try (0..<count).map {
            try transformer(
                block.scoped("attentions").scoped(String($0)), name: "\(name).attentions.\($0)", channels: channels,
                headCount: headCount, layers: layers)
        }
    }
}

/// `CrossAttnDownBlock2D` / `DownBlock2D` and its stride-2 downsampler, on ring elements.
struct FixedDownBlock: Sendable {
    let resnets: [FixedResnetBlock]
    let attentions: [FixedTransformer]
    let downsampler: FixedConv2D?

    init(
        _ weights: WeightReader, name: String, crossAttention: Bool, inChannels: Int, outChannels: Int, layerCount: Int,
        headCount: Int, transformerLayers: Int, downsample: Bool, downsamplePadding: Int, settings: FixedBlockSettings
    ) throws {
        resnets = try (0..<layerCount).map {
            try settings.resnet(
                weights.scoped("resnets").scoped(String($0)), name: "\(name).resnets.\($0)",
                $0 == 0 ? inChannels : outChannels, outChannels)
        }
        attentions = crossAttention
            ? try settings.transformers(
                weights, name: name, count: layerCount, channels: outChannels, headCount: headCount, layers: transformerLayers)
            : []
        guard !downsample || downsamplePadding == 1 else {
            throw PrivateUNetError.unsupported("downsample_padding \(downsamplePadding) (SD v1.x uses 1)")
        }
        downsampler = downsample
            ? try FixedConv2D(
                weights.scoped("downsamplers").scoped("0").scoped("conv"), name: "\(name).downsamplers.0",
                inChannels: outChannels, outChannels: outChannels, kernelSize: 3, stride: 2, padding: 1, format: settings.format)
            : nil
    }

    func callAsFunction(
        _ x: FeatureMap, text: [Int64], textCount: Int, biases: inout ArraySlice<[Int64]>, skips: inout [FeatureMap],
        context: EvaluationContext
    ) -> FeatureMap {
        var h = x
        for (index, resnet) in resnets.enumerated() {
            h.values = resnet(h.values, height: h.height, width: h.width, timeBias: biases.removeFirst(), context: context)
            if !attentions.isEmpty {
                h.values = attentions[index](h.values, plane: h.plane, text: text, textCount: textCount, context: context)
            }
            skips.append(h)
        }
        if let downsampler {
            let result = downsampler(h.values, height: h.height, width: h.width, context: context)
            h = FeatureMap(values: result.values, height: result.height, width: result.width)
            skips.append(h)
        }
        return h
    }
}

/// `CrossAttnUpBlock2D` / `UpBlock2D`: skip concatenation (local), ResNets, transformers, nearest 2×
/// upsampling (local) and its 3×3 convolution, on ring elements.
struct FixedUpBlock: Sendable {
    let resnets: [FixedResnetBlock]
    let attentions: [FixedTransformer]
    let upsampler: FixedConv2D?

    init(
        _ weights: WeightReader, name: String, crossAttention: Bool, inChannels: Int, outChannels: Int,
        previousOutChannels: Int, layerCount: Int, headCount: Int, transformerLayers: Int, upsample: Bool,
        settings: FixedBlockSettings
    ) throws {
        resnets = try (0..<layerCount).map { index in
            let skipChannels = index == layerCount - 1 ? inChannels : outChannels
            let inputChannels = index == 0 ? previousOutChannels : outChannels
            return try settings.resnet(
                weights.scoped("resnets").scoped(String(index)), name: "\(name).resnets.\(index)",
                inputChannels + skipChannels, outChannels)
        }
        attentions = crossAttention
            ? try settings.transformers(
                weights, name: name, count: layerCount, channels: outChannels, headCount: headCount, layers: transformerLayers)
            : []
        upsampler = upsample
            ? try FixedConv2D(
                weights.scoped("upsamplers").scoped("0").scoped("conv"), name: "\(name).upsamplers.0",
                inChannels: outChannels, outChannels: outChannels, kernelSize: 3, padding: 1, format: settings.format)
            : nil
    }

    func callAsFunction(
        _ x: FeatureMap, text: [Int64], textCount: Int, biases: inout ArraySlice<[Int64]>, skips: inout [FeatureMap],
        context: EvaluationContext
    ) -> FeatureMap {
        var h = x
        for (index, resnet) in resnets.enumerated() {
            let skip = skips.removeLast()
            let joined = h.values + skip.values  // channel concatenation of [C, H, W] maps
            h.values = resnet(joined, height: h.height, width: h.width, timeBias: biases.removeFirst(), context: context)
            if !attentions.isEmpty {
                h.values = attentions[index](h.values, plane: h.plane, text: text, textCount: textCount, context: context)
            }
        }
        if let upsampler {
            let doubled = upsampledNearest(h)
            let result = upsampler(doubled.values, height: doubled.height, width: doubled.width, context: context)
            h = FeatureMap(values: result.values, height: result.height, width: result.width)
        }
        return h
    }

    private func upsampledNearest(_ x: FeatureMap) -> FeatureMap {
        let height = 2 * x.height, width = 2 * x.width, channels = x.channels
        var out = [Int64](repeating: 0, count: channels * height * width)
        for c in 0..<channels {
            for y in 0..<height {
                for xi in 0..<width { out[(c * height + y) * width + xi] = x.values[(c * x.height + y / 2) * x.width + xi / 2] }
            }
        }
        return FeatureMap(values: out, height: height, width: width)
    }
}
