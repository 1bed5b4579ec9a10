/// The spatial transformer (`Transformer2DModel` with one `BasicTransformerBlock` per layer) on ring
/// elements: GroupNorm (affine folded into `proj_in`), `proj_in`, tokens through the blocks, `proj_out`,
/// plus the input. Blocks: LayerNorm (affine folded into the next linear layers) → self-attention,
/// → cross-attention on the text states, → GEGLU feed-forward (hidden · GELU(gate), one truncated
/// product), each with its residual.
struct FixedTransformer: Sendable {
    struct Block: Sendable {
        let norm1: FixedNorm
        let selfAttention: FixedAttention
        let norm2: FixedNorm
        let crossAttention: FixedAttention
        let norm3: FixedNorm
        let feedForwardIn: FixedLinear
        let feedForwardOut: FixedLinear
        let name: String
        let innerWidth: Int
    }

    let name: String
    let channels: Int
    let norm: FixedNorm
    let projectionIn: FixedLinear
    let blocks: [Block]
    let projectionOut: FixedLinear

    init(
        _ weights: WeightReader, name: String, channels: Int, headCount: Int, layerCount: Int, contextWidth: Int,
        groupCount: Int, format: FixedPointFormat
    ) throws {
        self.name = name
        self.channels = channels
        let (norm, gamma, beta) = try FixedNorm.load(
            weights.scoped("norm"), name: name + ".norm", channels: channels, groupCount: groupCount, epsilon: 1e-6,
            foldedAway: true, format: format)
        self.norm = norm
        projectionIn = try FixedLinear(
            weights.scoped("proj_in"), name: name + ".proj_in", inFeatures: channels, outFeatures: channels,
            inputAffine: (gamma, beta), format: format)
        blocks = try (0..<layerCount).map { index in
            let blockName = name + ".transformer_blocks.\(index)"
            let block = weights.scoped("transformer_blocks").scoped(String(index))
            func layerNorm(_ n: String) throws -> (FixedNorm, (gamma: [Double], beta: [Double])) {
                let (norm, gamma, beta) = try FixedNorm.load(
                    block.scoped(n), name: blockName + "." + n, channels: channels, groupCount: 1, epsilon: 1e-5,
                    foldedAway: true, format: format)
                return (norm, (gamma, beta))
            }
            let (norm1, affine1) = try layerNorm("norm1")
            let (norm2, affine2) = try layerNorm("norm2")
            let (norm3, affine3) = try layerNorm("norm3")
            let inner = 4 * channels
            return Block(
                norm1: norm1,
                selfAttention: try FixedAttention(
                    block.scoped("attn1"), name: blockName + ".attn1", width: channels, contextWidth: channels,
                    headCount: headCount, queryNorm: affine1, selfAttention: true, format: format),
                norm2: norm2,
                crossAttention: try FixedAttention(
                    block.scoped("attn2"), name: blockName + ".attn2", width: channels, contextWidth: contextWidth,
                    headCount: headCount, queryNorm: affine2, selfAttention: false, format: format),
                norm3: norm3,
                feedForwardIn: try FixedLinear(
                    block.scoped("ff").scoped("net").scoped("0").scoped("proj"), name: blockName + ".ff.net.0.proj",
                    inFeatures: channels, outFeatures: 2 * inner, inputAffine: affine3, format: format),
                feedForwardOut: try FixedLinear(
                    block.scoped("ff").scoped("net").scoped("2"), name: blockName + ".ff.net.2", inFeatures: inner,
                    outFeatures: channels, format: format),
                name: blockName, innerWidth: inner)
        }
        projectionOut = try FixedLinear(
            weights.scoped("proj_out"), name: name + ".proj_out", inFeatures: channels, outFeatures: channels, format: format)
    }

    /// `x` is `[C, plane]`; `text` is `[textCount, contextWidth]` at f fraction bits.
    func callAsFunction(_ x: [Int64], plane: Int, text: [Int64], textCount: Int, context: EvaluationContext) -> [Int64] {
        let format = context.format
        let normalized = norm.groupNorm(x, plane: plane, context: context)
        var tokens = projectionIn(transposed(normalized, rows: channels, columns: plane), count: plane, context: context)
        for block in blocks {
            let n1 = block.norm1.layerNorm(tokens, count: plane, context: context)
            tokens = block.selfAttention(n1, count: plane, source: n1, sourceCount: plane, residual: tokens, context: context)
            let n2 = block.norm2.layerNorm(tokens, count: plane, context: context)
            tokens = block.crossAttention(n2, count: plane, source: text, sourceCount: textCount, residual: tokens, context: context)
            let n3 = block.norm3.layerNorm(tokens, count: plane, context: context)
            let projected = block.feedForwardIn(n3, count: plane, context: context)
            let inner = block.innerWidth
            var gated = [Int64](repeating: 0, count: plane * inner)
            var largestProduct: Int64 = 0
            for row in 0..<plane {
                for j in 0..<inner {
                    let hidden = projected[row * 2 * inner + j], gate = projected[row * 2 * inner + inner + j]
                    let product = hidden &* context.gelu(gate)
                    largestProduct = max(largestProduct, product == .min ? .max : abs(product))
                    gated[row * inner + j] = format.truncate(product, by: format.fractionBits)
                }
            }
            context.record(block.name + ".geglu", stored: gated, accumulator: largestProduct)
            tokens = block.feedForwardOut(gated, count: plane, context: context).adding(tokens, format)
        }
        let projected = projectionOut(tokens, count: plane, context: context)
        return transposed(projected, rows: plane, columns: channels).adding(x, format)
    }
}

/// `[rows, columns]` → `[columns, rows]`.
func transposed(_ x: [Int64], rows: Int, columns: Int) -> [Int64] {
    var out = [Int64](repeating: 0, count: x.count)
    for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = x[r * columns + c] } }
    return out
}
