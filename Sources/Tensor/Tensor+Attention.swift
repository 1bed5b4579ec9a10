import TensorKernels

extension Tensor {
    /// Multi-head scaled dot-product attention, softmax(Q·Kᵀ·scale)·V per head, for self- and
    /// cross-attention (as diffusers' `Attention` after its projections).
    ///
    /// Where the CPU has AVX-512 (and the attention is not causal), each block of 32 queries of a head is
    /// one call of the fused kernel `hediff_attention_block_avx512` (`runFused`): scores, an online
    /// softmax and the weighted sum of values in registers and the L1 cache, never through SGEMM (whose
    /// packing and narrow 40-wide operands cost more than the multiplications). Elsewhere:
    ///
    /// Heads are read in place from the projected tensors (head `h` is columns `h·d..<(h+1)·d`), so
    /// nothing is split or permuted. The work is cut into (batch entry, head, block of query rows)
    /// items handed out to the cores; each core multiplies its block with Kᵀ by a single-threaded
    /// SGEMM into a private, cache-sized score buffer, exponentiates it in place, multiplies it with
    /// V straight into the output's head columns and only then divides by the softmax sums (a
    /// `dv`-wide row instead of an `Lk`-wide one). Memory is bounded by one block per core, never the
    /// full `Lq × Lk` score matrix, and the cores never wait for each other between the steps.
    ///
    /// - Parameters:
    ///   - query: `[B, Lq, H·d]`.
    ///   - key: `[B, Lk, H·d]`.
    ///   - value: `[B, Lk, H·dv]`.
    ///   - headCount: the number of heads `H`.
    ///   - scale: the score scale; `nil` means 1/√d.
    ///   - causal: when `true`, query `i` attends only to keys `j ≤ i` (CLIP's text encoder).
    /// - Returns: `[B, Lq, H·dv]`, heads concatenated as diffusers' `batch_to_head_dim` leaves them
    ///   (zeros when there are no keys).
    /// - Throws: `TensorError.shapeMismatch` for mismatched operands, `TensorError.invalidArgument`
    ///   when the widths are not divisible by `headCount`.
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, headCount: Int, scale: Float? = nil, causal: Bool = false
    ) throws -> Tensor {
        try scaledDotProductAttention(
            query: query, key: key, value: value, headCount: headCount, scale: scale, causal: causal,
            fused: AVX512Kernels.enabled && !causal)
    }

    /// `scaledDotProductAttention` through the fused AVX-512 kernel (`fused: true`, only where the CPU has
    /// it, not causal) or the blocked SGEMM path: for tests of both paths.
    @_spi(Testing)
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, headCount: Int, scale: Float?, causal: Bool, fused: Bool
    ) throws -> Tensor {
        precondition(!fused || (hediff_avx512_available() == 1 && !causal), "the fused kernel needs AVX-512 and no causal mask")
        let operation = "scaledDotProductAttention"
        guard query.rank == 3 else {
            throw TensorError.shapeMismatch(operation: operation, operand: "query", expected: "[B, Lq, H·d]", found: query.shape)
        }
        let batch = query.shape[0], queryLength = query.shape[1], queryWidth = query.shape[2]
        guard key.rank == 3, key.shape[0] == batch, key.shape[2] == queryWidth else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "key", expected: "[\(batch), Lk, \(queryWidth)]", found: key.shape)
        }
        let keyLength = key.shape[1]
        guard value.rank == 3, value.shape[0] == batch, value.shape[1] == keyLength else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "value", expected: "[\(batch), \(keyLength), H·dv]", found: value.shape)
        }
        let valueWidth = value.shape[2]
        guard headCount > 0, queryWidth % headCount == 0, valueWidth % headCount == 0 else {
            throw TensorError.invalidArgument(
                operation: operation,
                message: "widths \(queryWidth) (query/key) and \(valueWidth) (value) must be divisible by \(headCount) heads")
        }
        guard !causal || queryLength <= keyLength else {
            throw TensorError.invalidArgument(
                operation: operation, message: "causal attention needs Lq ≤ Lk, got Lq = \(queryLength), Lk = \(keyLength)")
        }
        let headWidth = queryWidth / headCount, valueHeadWidth = valueWidth / headCount
        let attention = AttentionGeometry(
            queryLength: queryLength, keyLength: keyLength, headWidth: headWidth, valueHeadWidth: valueHeadWidth,
            headCount: headCount, scale: scale ?? 1 / Float(headWidth).squareRoot(), causal: causal)
        return Tensor(shape: [batch, queryLength, valueWidth]) { output in
            guard keyLength > 0 else {
                output.baseAddress!.update(repeating: 0, count: output.count)
                return
            }
            query.scalars.withUnsafeBufferPointer { q in
                key.scalars.withUnsafeBufferPointer { k in
                    value.scalars.withUnsafeBufferPointer { v in
                        if fused {
                            attention.runFused(
                                batch: batch, query: q.baseAddress!, key: k.baseAddress!, value: v.baseAddress!,
                                output: output.baseAddress!)
                        } else {
                            attention.run(
                                batch: batch, query: q.baseAddress!, key: k.baseAddress!, value: v.baseAddress!,
                                output: output.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}

/// The sizes of one attention call and the blocked algorithm.
struct AttentionGeometry {
    let queryLength: Int, keyLength: Int, headWidth: Int, valueHeadWidth: Int, headCount: Int
    let scale: Float, causal: Bool

    /// Target size of one core's score block, in floats (4 MiB): 256 query rows at 4,096 keys.
    /// Each block's GEMMs repack the head's keys and values, so taller blocks amortise that
    /// packing (with 40-wide heads it costs as much as the multiplication at 64 rows); the block
    /// still fits the last-level cache between the two GEMMs and the softmax.
    static let scoreBlockSize = 1 << 20

    var queryWidth: Int { headWidth * headCount }
    var valueWidth: Int { valueHeadWidth * headCount }

    func run(
        batch: Int, query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let blockRows = max(1, min(queryLength, AttentionGeometry.scoreBlockSize / keyLength))
        let blocksPerHead = (queryLength + blockRows - 1) / blockRows
        let itemCount = batch * headCount * blocksPerHead
        // Every head's keys transposed and values gathered into contiguous matrices, once per call,
        // so that every block's GEMMs read unit-stride operands.
        let (keysTransposed, values) = gatherHeads(batch: batch, key: key, value: value, transposingKeys: true)
        let pointers = UncheckedSendable((query, keysTransposed.pointer, values.pointer, output))
        Parallel.forEachItem(count: itemCount, makeState: { ScratchBuffer(count: blockRows * (keyLength + 1)) }) {
            item, scratch in
            let (query, keysTransposed, values, output) = pointers.value
            let block = item % blocksPerHead
            let pair = item / blocksPerHead
            let head = pair % headCount
            let entry = pair / headCount
            let firstRow = block * blockRows
            attend(
                query: query + entry * queryLength * queryWidth + head * headWidth,
                keysTransposed: keysTransposed + pair * headWidth * keyLength,
                values: values + pair * keyLength * valueHeadWidth,
                output: output + entry * queryLength * valueWidth + head * valueHeadWidth,
                firstRow: firstRow, rowCount: min(blockRows, queryLength - firstRow),
                scores: scratch.pointer, inverseSums: scratch.pointer + blockRows * keyLength)
        }
    }

    /// The whole call through `hediff_attention_block_avx512`: each head's keys and values gathered into
    /// contiguous `[Lk × d]` and `[Lk × dv]` matrices once (read in place, eight 40-wide heads apart, the
    /// kernel ran at two thirds of the speed), then one item per (batch entry, head, 32 queries), handed
    /// out in head order so that consecutive items on a core reuse the head's keys and values from its
    /// cache. Not for causal attention.
    func runFused(
        batch: Int, query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        precondition(!causal, "the fused kernel has no causal mask")
        let (keys, values) = gatherHeads(batch: batch, key: key, value: value, transposingKeys: false)
        let lanes = 32
        let blocksPerHead = (queryLength + lanes - 1) / lanes
        let scratchCount = hediff_attention_scratch_count(headWidth, valueHeadWidth)
        let pointers = UncheckedSendable((query, keys.pointer, values.pointer, output))
        Parallel.forEachItem(count: batch * headCount * blocksPerHead, makeState: { ScratchBuffer(count: scratchCount) }) {
            item, scratch in
            let (query, keys, values, output) = pointers.value
            let pair = item / blocksPerHead, firstRow = item % blocksPerHead * lanes
            let head = pair % headCount, entry = pair / headCount
            hediff_attention_block_avx512(
                query + (entry * queryLength + firstRow) * queryWidth + head * headWidth, queryWidth,
                min(lanes, queryLength - firstRow),
                keys + pair * keyLength * headWidth, headWidth, values + pair * keyLength * valueHeadWidth, valueHeadWidth,
                keyLength, headWidth, valueHeadWidth, scale,
                output + (entry * queryLength + firstRow) * valueWidth + head * valueHeadWidth, valueWidth,
                scratch.pointer)
        }
    }

    /// Every (batch entry, head)'s keys and values gathered into contiguous matrices, once per call: keys
    /// as `[d × Lk]` when `transposingKeys` (for the SGEMM path) or `[Lk × d]`, values as `[Lk × dv]`,
    /// head pair `entry · H + head` after head pair.
    private func gatherHeads(
        batch: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>, transposingKeys: Bool
    ) -> (keys: ScratchBuffer, values: ScratchBuffer) {
        let keys = ScratchBuffer(count: batch * keyLength * queryWidth)
        let values = ScratchBuffer(count: batch * keyLength * valueWidth)
        let gathered = UncheckedSendable((keys.pointer, values.pointer))
        Parallel.forEachRange(count: batch * headCount, work: batch * keyLength * (queryWidth + valueWidth)) { range in
            let (keys, values) = gathered.value
            for pair in range {
                let entry = pair / headCount, head = pair % headCount
                let keySource = key + entry * keyLength * queryWidth + head * headWidth
                let keyDestination = keys + pair * keyLength * headWidth
                let valueSource = value + entry * keyLength * valueWidth + head * valueHeadWidth
                let valueDestination = values + pair * keyLength * valueHeadWidth
                for position in 0..<keyLength {
                    let keyRow = keySource + position * queryWidth
                    if transposingKeys {
                        for i in 0..<headWidth { keyDestination[i * keyLength + position] = keyRow[i] }
                    } else {
                        (keyDestination + position * headWidth).update(from: keyRow, count: headWidth)
                    }
                    (valueDestination + position * valueHeadWidth).update(from: valueSource + position * valueWidth, count: valueHeadWidth)
                }
            }
        }
        return (keys, values)
    }

    /// One item: query rows `firstRow..<firstRow + rowCount` of one head of one batch entry.
    /// `query` and `output` point at the head's first column; `keysTransposed` is the head's
    /// `[d × Lk]` and `values` its `[Lk × dv]`.
    private func attend(
        query: UnsafePointer<Float>, keysTransposed: UnsafePointer<Float>, values: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, firstRow: Int, rowCount: Int,
        scores: UnsafeMutablePointer<Float>, inverseSums: UnsafeMutablePointer<Float>
    ) {
        sgemm(
            m: rowCount, n: keyLength, k: headWidth, alpha: scale,
            a: query + firstRow * queryWidth, lda: queryWidth,
            b: keysTransposed, ldb: keyLength,
            c: scores, ldc: keyLength)
        for row in 0..<rowCount {
            let scoreRow = scores + row * keyLength
            let visible = causal ? min(keyLength, firstRow + row + 1) : keyLength
            inverseSums[row] = 1 / Tensor.exponentiateRow(scoreRow, count: visible)
            (scoreRow + visible).update(repeating: 0, count: keyLength - visible)
        }
        let outputBlock = output + firstRow * valueWidth
        sgemm(
            m: rowCount, n: valueHeadWidth, k: keyLength,
            a: scores, lda: keyLength,
            b: values, ldb: valueHeadWidth,
            c: outputBlock, ldc: valueWidth)
        for row in 0..<rowCount {
            let scale = FloatVector(repeating: inverseSums[row])
            let outputRow = outputBlock + row * valueWidth
            VectorMath.map(outputRow, outputRow, count: valueHeadWidth) { $0 * scale }
        }
    }
}
