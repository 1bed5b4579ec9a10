/// GroupNorm and LayerNorm on ring elements (private-unet/DESIGN.md §2.4).
///
/// Per group of n elements: μ = ⌊Σx / n⌋ (a ring sum and an exact division by the public n, as
/// CrypTFlow2's division by a public constant); d = x − μ; Σd² at 2f fraction bits **without**
/// truncation (the design keeps the variance at 24 fraction bits so that ε = 10⁻⁵ does not underflow)
/// **in the wider ring Z_{2^`varianceRingBits`}** (52 by default: d extended by 10 bits from ℓ = 42, one
/// COT per element in the protocol) — in Z_{2^37} this sum wraps for the tiny model's 1,024-element
/// groups (−2.6 bits of headroom on one evaluation; docs/TWO-PARTY.md records the correction);
/// var = ⌊Σd² / n⌋ + round(ε·2^(2f)), back in Z_{2^ℓ}; r = rsqrt(var) as mantissa·2^e (`FixedPointMath`);
/// per channel s = ⌊r_m·γ / 2^f⌋ (or r_m when the affine is folded into the next linear layer);
/// y = ⌊d·s·2^e / 2^f⌋ + β. The audit records the outputs and |Σd²| (accumulator) under the norm's name, |Σx| under `.sum`,
/// |d·s| under `.scaling`.
struct FixedNorm: Sendable {
    let name: String
    let channels: Int
    let groupCount: Int
    /// round(ε·2^(2f)).
    let epsilon: Int64
    /// γ at f fraction bits and β at f fraction bits, or nil when folded away.
    let affine: (gamma: [Int64], beta: [Int64])?

    init(name: String, channels: Int, groupCount: Int, epsilon: Double, affine: (gamma: [Double], beta: [Double])?, format: FixedPointFormat) {
        self.name = name
        self.channels = channels
        self.groupCount = groupCount
        self.epsilon = format.encode(epsilon, fractionBits: 2 * format.fractionBits)
        self.affine = affine.map { ($0.gamma.map { format.encode($0) }, $0.beta.map { format.encode($0) }) }
    }

    /// Reads `norm.weight` / `norm.bias`; `foldedAway` skips the affine (the caller folds it into a linear layer).
    static func load(
        _ weights: WeightReader, name: String, channels: Int, groupCount: Int, epsilon: Double, foldedAway: Bool,
        format: FixedPointFormat
    ) throws -> (norm: FixedNorm, gamma: [Double], beta: [Double]) {
        let gamma = try weights.values("weight", count: channels), beta = try weights.values("bias", count: channels)
        let norm = FixedNorm(
            name: name, channels: channels, groupCount: groupCount, epsilon: epsilon,
            affine: foldedAway ? nil : (gamma, beta), format: format)
        return (norm, gamma, beta)
    }

    /// Normalises the group of `count` elements starting at `base`; `channel(j)` is the j-th element's channel.
    private func normalizeGroup(
        _ values: inout [Int64], base: Int, count: Int, channel: (Int) -> Int, context: EvaluationContext,
        largestSum: inout Int64, largestSquares: inout Int64, largestScaling: inout Int64
    ) {
        let format = context.format
        let statistics = context.math.normalizationStatistics(
            values[base..<(base + count)], epsilon: epsilon, varianceRingBits: context.varianceRingBits)
        largestSum = max(largestSum, abs(statistics.sum))
        largestSquares = max(largestSquares, statistics.sumOfSquares == .min ? .max : abs(statistics.sumOfSquares))
        let r = statistics.reciprocalDeviation
        for j in 0..<count {
            let c = channel(j)
            let d = format.wrap(values[base + j] &- statistics.mean)
            let s = affine.map { format.multiply(r.mantissa, $0.gamma[c]) } ?? r.mantissa
            let product = d &* s
            largestScaling = max(largestScaling, product == .min ? .max : abs(product))
            var y = context.math.scale(product, exponent: r.exponent)
            if let affine { y = format.wrap(y &+ affine.beta[c]) }
            values[base + j] = y
        }
    }

    /// GroupNorm of an image `[C, plane]`.
    func groupNorm(_ x: [Int64], plane: Int, context: EvaluationContext) -> [Int64] {
        var values = x
        let perGroup = channels / groupCount
        var largestSum: Int64 = 0, largestSquares: Int64 = 0, largestScaling: Int64 = 0
        for g in 0..<groupCount {
            let base = g * perGroup * plane
            normalizeGroup(
                &values, base: base, count: perGroup * plane, channel: { g * perGroup + $0 / plane },
                context: context, largestSum: &largestSum, largestSquares: &largestSquares, largestScaling: &largestScaling)
        }
        recordRanges(values, largestSum: largestSum, largestSquares: largestSquares, largestScaling: largestScaling, context: context)
        return values
    }

    /// LayerNorm of tokens `[count, C]` over each token's channels.
    func layerNorm(_ x: [Int64], count: Int, context: EvaluationContext) -> [Int64] {
        var values = x
        var largestSum: Int64 = 0, largestSquares: Int64 = 0, largestScaling: Int64 = 0
        for row in 0..<count {
            let base = row * channels
            normalizeGroup(
                &values, base: base, count: channels, channel: { $0 }, context: context,
                largestSum: &largestSum, largestSquares: &largestSquares, largestScaling: &largestScaling)
        }
        recordRanges(values, largestSum: largestSum, largestSquares: largestSquares, largestScaling: largestScaling, context: context)
        return values
    }

    /// Output magnitudes and |Σd²| (2f fraction bits) under the norm's name, |Σx| under `name.sum`, and the
    /// product d·s before its scaling by 2^e under `name.scaling` (an accumulator in Z_{2^ℓ}).
    private func recordRanges(
        _ output: [Int64], largestSum: Int64, largestSquares: Int64, largestScaling: Int64, context: EvaluationContext
    ) {
        guard let recorder = context.recorder else { return }
        recorder.record(name + ".sum", stored: largestSum)
        recorder.record(
            name + ".scaling", stored: 0, accumulator: largestScaling, accumulatorFractionBits: 2 * context.format.fractionBits,
            accumulatorRingBits: context.format.ringBits)
        recorder.record(
            name, stored: maximumMagnitude(output), accumulator: largestSquares,
            accumulatorFractionBits: 2 * context.format.fractionBits, accumulatorRingBits: context.varianceRingBits)
    }
}
