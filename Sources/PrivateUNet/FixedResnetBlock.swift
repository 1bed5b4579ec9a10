import Tensor

/// `ResnetBlock2D` on ring elements: GroupNorm (with its affine) → SiLU → conv 3×3 whose bias also
/// carries the time-embedding term (computed in floating point by the server, rounded to 2f bits,
/// DESIGN.md §2.3) → GroupNorm → SiLU → conv 3×3, plus the (1×1-projected) input.
struct FixedResnetBlock: Sendable {
    let name: String
    let norm1: FixedNorm
    let conv1: FixedConv2D
    /// `time_emb_proj` in floats: weight `[out, temb]`, bias `[out]` (the server's plaintext side).
    let timeProjection: Tensor
    let timeBias: Tensor
    let norm2: FixedNorm
    let conv2: FixedConv2D
    let shortcut: FixedLinear?
    let inChannels: Int
    let outChannels: Int

    init(
        _ weights: WeightReader, name: String, inChannels: Int, outChannels: Int, timeChannels: Int, groupCount: Int,
        epsilon: Double, format: FixedPointFormat
    ) throws {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        norm1 = try FixedNorm.load(
            weights.scoped("norm1"), name: name + ".norm1", channels: inChannels, groupCount: groupCount, epsilon: epsilon,
            foldedAway: false, format: format).norm
        conv1 = try FixedConv2D(
            weights.scoped("conv1"), name: name + ".conv1", inChannels: inChannels, outChannels: outChannels,
            kernelSize: 3, padding: 1, format: format)
        let projection = weights.scoped("time_emb_proj")
        timeProjection = try Tensor(
            shape: [outChannels, timeChannels],
            scalars: projection.values("weight", count: outChannels * timeChannels).map(Float.init))
        timeBias = try Tensor(shape: [outChannels], scalars: projection.values("bias", count: outChannels).map(Float.init))
        norm2 = try FixedNorm.load(
            weights.scoped("norm2"), name: name + ".norm2", channels: outChannels, groupCount: groupCount,
            epsilon: epsilon, foldedAway: false, format: format).norm
        conv2 = try FixedConv2D(
            weights.scoped("conv2"), name: name + ".conv2", inChannels: outChannels, outChannels: outChannels,
            kernelSize: 3, padding: 1, format: format)
        shortcut = inChannels == outChannels
            ? nil
            : try FixedLinear(
                weights.scoped("conv_shortcut"), name: name + ".conv_shortcut", inFeatures: inChannels,
                outFeatures: outChannels, format: format)
    }

    /// The time-embedding bias of conv1, `[out]` at 2f fraction bits, from `silu(temb)` `[1, temb]` (floats).
    func timeBias(activatedEmbedding: Tensor, format: FixedPointFormat) throws -> [Int64] {
        let projected = try activatedEmbedding.linear(weight: timeProjection, bias: timeBias)
        return projected.scalars.map { format.encode(Double($0), fractionBits: 2 * format.fractionBits) }
    }

    func callAsFunction(_ x: [Int64], height: Int, width: Int, timeBias: [Int64], context: EvaluationContext) -> [Int64] {
        let plane = height * width
        var h = norm1.groupNorm(x, plane: plane, context: context)
        context.silu.apply(&h)
        context.record(name + ".silu1", stored: h)
        h = conv1(h, height: height, width: width, extraBias: timeBias, context: context).values
        h = norm2.groupNorm(h, plane: plane, context: context)
        context.silu.apply(&h)
        context.record(name + ".silu2", stored: h)
        h = conv2(h, height: height, width: width, context: context).values
        let skip = shortcut.map {
            transposed($0(transposed(x, rows: inChannels, columns: plane), count: plane, context: context), rows: plane, columns: outChannels)
        } ?? x
        let output = h.adding(skip, context.format)
        context.record(name, stored: output)
        return output
    }
}
