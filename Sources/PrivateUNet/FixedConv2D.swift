/// A 2-D convolution on ring elements: weights round(w·2^f), bias round(b·2^(2f)) added to the
/// accumulator, products summed at 2f fraction bits in wrapping 64-bit arithmetic, then one
/// truncation by f (`FixedPointFormat.truncate`). Images are `[C, H, W]` per sample.
struct FixedConv2D: Sendable {
    let name: String
    let inChannels: Int
    let outChannels: Int
    let kernelSize: Int
    let stride: Int
    let padding: Int
    /// `[out, in, k, k]` at f fraction bits.
    let weight: [Int64]
    /// `[out]` at 2f fraction bits.
    let bias: [Int64]

    init(
        _ weights: WeightReader, name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: Int, format: FixedPointFormat
    ) throws {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let w = try weights.values("weight", count: outChannels * inChannels * kernelSize * kernelSize)
        let b = try weights.values("bias", count: outChannels)
        weight = w.map { format.encode($0) }
        bias = b.map { format.encode($0, fractionBits: 2 * format.fractionBits) }
    }

    /// The convolution of `x` (`[inChannels, height, width]`), plus `extraBias` (2f fraction bits, per output
    /// channel: the ResNet's time-embedding term), truncated to f fraction bits.
    func callAsFunction(
        _ x: [Int64], height: Int, width: Int, extraBias: [Int64]? = nil, context: EvaluationContext
    ) -> (values: [Int64], height: Int, width: Int) {
        let format = context.format
        let paddedHeight = height + 2 * padding, paddedWidth = width + 2 * padding
        let outHeight = (paddedHeight - kernelSize) / stride + 1, outWidth = (paddedWidth - kernelSize) / stride + 1
        var padded = [Int64](repeating: 0, count: inChannels * paddedHeight * paddedWidth)
        for c in 0..<inChannels {
            for y in 0..<height {
                let source = (c * height + y) * width, target = (c * paddedHeight + y + padding) * paddedWidth + padding
                for xIndex in 0..<width { padded[target + xIndex] = x[source + xIndex] }
            }
        }
        let plane = outHeight * outWidth
        var output = [Int64](repeating: 0, count: outChannels * plane)
        var largestAccumulator: Int64 = 0
        let k = kernelSize, s = stride
        padded.withUnsafeBufferPointer { input in
            weight.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { out in
                    var accumulator = [Int64](repeating: 0, count: plane)
                    accumulator.withUnsafeMutableBufferPointer { acc in
                        for o in 0..<outChannels {
                            let start = bias[o] &+ (extraBias?[o] ?? 0)
                            for index in 0..<plane { acc[index] = start }
                            for c in 0..<inChannels {
                                let channel = c * paddedHeight * paddedWidth
                                for ky in 0..<k {
                                    for kx in 0..<k {
                                        let weightValue = w[((o * inChannels + c) * k + ky) * k + kx]
                                        for y in 0..<outHeight {
                                            let row = channel + (y * s + ky) * paddedWidth + kx
                                            let outRow = y * outWidth
                                            if s == 1 {
                                                for xIndex in 0..<outWidth {
                                                    acc[outRow + xIndex] = acc[outRow + xIndex] &+ weightValue &* input[row + xIndex]
                                                }
                                            } else {
                                                for xIndex in 0..<outWidth {
                                                    acc[outRow + xIndex] = acc[outRow + xIndex] &+ weightValue &* input[row + xIndex * s]
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            largestAccumulator = max(largestAccumulator, maximumMagnitude(UnsafeBufferPointer(acc)))
                            for index in 0..<plane { out[o * plane + index] = format.truncate(acc[index], by: format.fractionBits) }
                        }
                    }
                }
            }
        }
        context.record(name, stored: output, accumulator: largestAccumulator)
        return (output, outHeight, outWidth)
    }
}

/// A token linear layer `[L, in] → [L, out]` on ring elements, with a norm's affine (γ, β) and a
/// public scale folded into it in floating point before encoding (DESIGN.md §2.3: LayerNorm affines
/// and 1/√d into W_q): W' = s·W·diag(γ), b' = s·(b + W·β). Also serves 1×1 convolutions on
/// `[C, H·W]` images read as tokens.
struct FixedLinear: Sendable {
    let name: String
    let inFeatures: Int
    let outFeatures: Int
    /// `[out, in]` at f fraction bits.
    let weight: [Int64]
    /// `[out]` at 2f fraction bits.
    let bias: [Int64]

    init(
        _ weights: WeightReader, name: String, inFeatures: Int, outFeatures: Int, hasBias: Bool = true,
        inputAffine: (gamma: [Double], beta: [Double])? = nil, scale: Double = 1, format: FixedPointFormat
    ) throws {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        var w = try weights.values("weight", count: outFeatures * inFeatures)
        var b = hasBias ? try weights.values("bias", count: outFeatures) : [Double](repeating: 0, count: outFeatures)
        if let (gamma, beta) = inputAffine {
            for o in 0..<outFeatures {
                for i in 0..<inFeatures {
                    b[o] += w[o * inFeatures + i] * beta[i]
                    w[o * inFeatures + i] *= gamma[i]
                }
            }
        }
        weight = w.map { format.encode($0 * scale) }
        bias = b.map { format.encode($0 * scale, fractionBits: 2 * format.fractionBits) }
    }

    /// `tokens` (`[count, in]`) → `[count, out]` at f fraction bits.
    func callAsFunction(_ tokens: [Int64], count: Int, context: EvaluationContext) -> [Int64] {
        let format = context.format
        var output = [Int64](repeating: 0, count: count * outFeatures)
        var largestAccumulator: Int64 = 0
        tokens.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                for row in 0..<count {
                    let input = row * inFeatures
                    for o in 0..<outFeatures {
                        var accumulator = bias[o]
                        let weights = o * inFeatures
                        for i in 0..<inFeatures { accumulator = accumulator &+ x[input + i] &* w[weights + i] }
                        largestAccumulator = max(largestAccumulator, accumulator == .min ? .max : abs(accumulator))
                        output[row * outFeatures + o] = format.truncate(accumulator, by: format.fractionBits)
                    }
                }
            }
        }
        context.record(name, stored: output, accumulator: largestAccumulator)
        return output
    }
}
