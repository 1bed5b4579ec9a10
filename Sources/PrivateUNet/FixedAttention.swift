/// Multi-head attention on ring elements (private-unet/DESIGN.md §2.6).
///
/// q, k, v come from `FixedLinear`s (1/√d and the preceding LayerNorm's affine folded into their
/// weights). Per head: logits = ⌊q·kᵀ / 2^f⌋; the row maximum is subtracted (the exact shift: the
/// reference's stand-in for the design's public shift, whose bound the audit's `logit_spread`
/// entries measure); p = exp(·) by `FixedPointMath.exp` (clip included); the row sum of p stays
/// at f bits; PV = ⌊p·v / 2^f⌋; and 1/row-sum (`reciprocal`, normalised) is applied **after** PV:
/// out = ⌊PV·r_m·2^e / 2^f⌋. Audit entries: `.logits`, `.logit_spread` (max over rows of
/// max − min), `.row_sum`, `.pv`, `.attention` (the normalised output; its accumulator is PV·r_m before
/// the scaling). exp's own products need no entry: they are bounded by construction (`FixedPointMath`).
struct FixedAttention: Sendable {
    let name: String
    let query: FixedLinear
    let key: FixedLinear
    let value: FixedLinear
    let output: FixedLinear
    let headCount: Int
    let width: Int

    init(
        _ weights: WeightReader, name: String, width: Int, contextWidth: Int, headCount: Int,
        queryNorm: (gamma: [Double], beta: [Double]), selfAttention: Bool, format: FixedPointFormat
    ) throws {
        self.name = name
        self.headCount = headCount
        self.width = width
        let headWidth = Double(width / headCount)
        query = try FixedLinear(
            weights.scoped("to_q"), name: name + ".to_q", inFeatures: width, outFeatures: width, hasBias: false,
            inputAffine: queryNorm, scale: 1 / headWidth.squareRoot(), format: format)
        let contextAffine = selfAttention ? queryNorm : nil
        key = try FixedLinear(
            weights.scoped("to_k"), name: name + ".to_k", inFeatures: contextWidth, outFeatures: width, hasBias: false,
            inputAffine: contextAffine, format: format)
        value = try FixedLinear(
            weights.scoped("to_v"), name: name + ".to_v", inFeatures: contextWidth, outFeatures: width, hasBias: false,
            inputAffine: contextAffine, format: format)
        output = try FixedLinear(
            weights.scoped("to_out").scoped("0"), name: name + ".to_out", inFeatures: width, outFeatures: width, format: format)
    }

    /// - Parameters:
    ///   - normalized: the (affine-free) LayerNorm output `[count, width]`.
    ///   - source: `[sourceCount, contextWidth]`: the same normalized tokens for self-attention, the text states otherwise.
    ///   - residual: added to the output projection.
    func callAsFunction(
        _ normalized: [Int64], count: Int, source: [Int64], sourceCount: Int, residual: [Int64], context: EvaluationContext
    ) -> [Int64] {
        let format = context.format, f = format.fractionBits
        let q = query(normalized, count: count, context: context)
        let k = key(source, count: sourceCount, context: context)
        let v = value(source, count: sourceCount, context: context)
        let headWidth = width / headCount
        var attended = [Int64](repeating: 0, count: count * width)
        var largestLogitAccumulator: Int64 = 0, largestLogit: Int64 = 0, largestSpread: Int64 = 0
        var largestRowSum: Int64 = 0, largestPVAccumulator: Int64 = 0, largestPV: Int64 = 0, largestNormalising: Int64 = 0
        var logits = [Int64](repeating: 0, count: sourceCount)
        for head in 0..<headCount {
            let offset = head * headWidth
            for row in 0..<count {
                var rowMaximum = Int64.min, rowMinimum = Int64.max
                for s in 0..<sourceCount {
                    var accumulator: Int64 = 0
                    for j in 0..<headWidth { accumulator = accumulator &+ q[row * width + offset + j] &* k[s * width + offset + j] }
                    largestLogitAccumulator = max(largestLogitAccumulator, abs(accumulator))
                    let logit = format.truncate(accumulator, by: f)
                    logits[s] = logit
                    rowMaximum = max(rowMaximum, logit)
                    rowMinimum = min(rowMinimum, logit)
                    largestLogit = max(largestLogit, abs(logit))
                }
                largestSpread = max(largestSpread, rowMaximum - rowMinimum)
                let (rowSum, reciprocal) = context.math.softmaxNumerators(&logits, maximum: rowMaximum)
                largestRowSum = max(largestRowSum, abs(rowSum))
                for j in 0..<headWidth {
                    var accumulator: Int64 = 0
                    for s in 0..<sourceCount { accumulator = accumulator &+ logits[s] &* v[s * width + offset + j] }
                    largestPVAccumulator = max(largestPVAccumulator, abs(accumulator))
                    let pv = format.truncate(accumulator, by: f)
                    largestPV = max(largestPV, abs(pv))
                    let normalising = pv &* reciprocal.mantissa
                    largestNormalising = max(largestNormalising, abs(normalising))
                    attended[row * width + offset + j] = context.math.scale(normalising, exponent: reciprocal.exponent)
                }
            }
        }
        if let recorder = context.recorder {
            recorder.record(name + ".logits", stored: largestLogit, accumulator: largestLogitAccumulator, accumulatorFractionBits: 2 * f, accumulatorRingBits: format.ringBits)
            recorder.record(name + ".logit_spread", stored: largestSpread)
            recorder.record(name + ".row_sum", stored: largestRowSum)
            recorder.record(name + ".pv", stored: largestPV, accumulator: largestPVAccumulator, accumulatorFractionBits: 2 * f, accumulatorRingBits: format.ringBits)
            recorder.record(
                name + ".attention", stored: maximumMagnitude(attended), accumulator: largestNormalising,
                accumulatorFractionBits: 2 * f, accumulatorRingBits: format.ringBits)
        }
        return output(attended, count: count, context: context).adding(residual, format)
    }
}
