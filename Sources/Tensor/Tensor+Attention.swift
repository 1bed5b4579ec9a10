extension Tensor {
    /// Multi-head scaled dot-product attention, softmax(Q·Kᵀ·scale)·V per head, for self- and
    /// cross-attention (as diffusers' `Attention` after its projections).
    ///
    /// Heads are read in place from the projected tensors (head `h` is columns `h·d..<(h+1)·d`), so
    /// nothing is split or permuted. For each batch entry and head, blocks of query rows are
    /// multiplied with Kᵀ by SGEMM into a bounded score buffer, soft-maxed in place across cores,
    /// and multiplied with V by SGEMM straight into the output's head columns. Memory is bounded
    /// by the block, never the full `Lq × Lk` score matrix.
    ///
    /// - Parameters:
    ///   - query: `[B, Lq, H·d]`.
    ///   - key: `[B, Lk, H·d]`.
    ///   - value: `[B, Lk, H·dv]`.
    ///   - headCount: the number of heads `H`.
    ///   - scale: the score scale; `nil` means 1/√d.
    ///   - causal: when `true`, query `i` attends only to keys `j ≤ i` (CLIP's text encoder).
    /// - Returns: `[B, Lq, H·dv]`, heads concatenated as diffusers' `batch_to_head_dim` leaves them.
    /// - Throws: `TensorError.shapeMismatch` for mismatched operands, `TensorError.invalidArgument`
    ///   when the widths are not divisible by `headCount`.
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, headCount: Int, scale: Float? = nil, causal: Bool = false
    ) throws -> Tensor {
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
                        for b in 0..<batch {
                            attention.run(
                                query: q.baseAddress! + b * queryLength * queryWidth,
                                key: k.baseAddress! + b * keyLength * queryWidth,
                                value: v.baseAddress! + b * keyLength * valueWidth,
                                output: output.baseAddress! + b * queryLength * valueWidth)
                        }
                    }
                }
            }
        }
    }
}

/// The sizes of one attention call (one batch entry at a time) and the blocked algorithm.
struct AttentionGeometry {
    let queryLength: Int, keyLength: Int, headWidth: Int, valueHeadWidth: Int, headCount: Int
    let scale: Float, causal: Bool

    /// Upper bound on the score block, in floats (4 MiB), to keep it cache-resident between the
    /// two GEMMs and the softmax.
    static let scoreLimit = 1 << 20

    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let queryWidth = headWidth * headCount, valueWidth = valueHeadWidth * headCount
        let blockRows = max(1, min(queryLength, AttentionGeometry.scoreLimit / keyLength))
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * keyLength)
        defer { scores.deallocate() }
        for head in 0..<headCount {
            for firstRow in stride(from: 0, to: queryLength, by: blockRows) {
                let rows = min(blockRows, queryLength - firstRow)
                sgemm(
                    transposeB: true, m: rows, n: keyLength, k: headWidth, alpha: scale,
                    a: query + firstRow * queryWidth + head * headWidth, lda: queryWidth,
                    b: key + head * headWidth, ldb: queryWidth,
                    c: scores, ldc: keyLength)
                softmaxRows(scores, rowCount: rows, firstRow: firstRow)
                sgemm(
                    m: rows, n: valueHeadWidth, k: keyLength,
                    a: scores, lda: keyLength,
                    b: value + head * valueHeadWidth, ldb: valueWidth,
                    c: output + firstRow * valueWidth + head * valueHeadWidth, ldc: valueWidth)
            }
        }
    }

    /// Soft-maxes each score row in place; with `causal`, row `i` keeps keys `0...i` and zeroes the rest.
    func softmaxRows(_ scores: UnsafeMutablePointer<Float>, rowCount: Int, firstRow: Int) {
        Parallel.forEachRange(count: rowCount, work: rowCount * keyLength) { rows in
            for row in rows {
                let scoreRow = scores + row * keyLength
                let visible = causal ? min(keyLength, firstRow + row + 1) : keyLength
                Tensor.softmaxRow(scoreRow, count: visible)
                (scoreRow + visible).update(repeating: 0, count: keyLength - visible)
            }
        }
    }
}
