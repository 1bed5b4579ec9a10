extension Tensor {
    /// A fully connected layer (as `torch.nn.Linear`): `self · weightᵀ + bias (+ residual)` over the
    /// last dimension, computed as one GEMM over all leading dimensions, tiled across cores.
    ///
    /// - Parameters:
    ///   - weight: `[out, in]`, the PyTorch layout, used as is.
    ///   - bias: `[out]`, or `nil`.
    ///   - residual: a tensor of the output's shape added to the result inside the GEMM (the
    ///     skip connection after an attention output or feed-forward projection), or `nil`.
    /// - Returns: `[…, out]` for `self` of shape `[…, in]`.
    /// - Throws: `TensorError.shapeMismatch` for mismatched operands.
    public func linear(weight: Tensor, bias: Tensor?, residual: Tensor? = nil) throws -> Tensor {
        let operation = "linear"
        guard weight.rank == 2 else {
            throw TensorError.shapeMismatch(operation: operation, operand: "weight", expected: "[out, in]", found: weight.shape)
        }
        let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
        guard let last = shape.last, last == inFeatures else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "input", expected: "[…, \(inFeatures)] to match weight \(weight.shape)",
                found: shape)
        }
        try Tensor.checkVector(bias, length: outFeatures, operation: operation, operand: "bias")
        var outputShape = shape
        outputShape[outputShape.count - 1] = outFeatures
        if let residual, residual.shape != outputShape {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "residual", expected: "\(outputShape)", found: residual.shape)
        }
        let rows = shape.dropLast().reduce(1, *)
        return Tensor(shape: outputShape) { output in
            let destination = output.baseAddress!
            let accumulate = Tensor.prefill(
                destination, rowCount: rows, rowLength: outFeatures, bias: bias, residual: residual,
                biasAlongRows: false)
            guard rows > 0, outFeatures > 0 else { return }
            scalars.withUnsafeBufferPointer { input in
                weight.scalars.withUnsafeBufferPointer { w in
                    parallelSGEMM(
                        transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                        a: input.baseAddress!, lda: max(inFeatures, 1), b: w.baseAddress!, ldb: max(inFeatures, 1),
                        beta: accumulate ? 1 : 0, c: destination, ldc: outFeatures)
                }
            }
        }
    }

    /// Batched matrix product (as `torch.matmul` without broadcasting of batch extents):
    /// `alpha · op(a) · op(b)` for every leading index, where `op` transposes the last two
    /// dimensions when asked. `b` may also be a single matrix shared by every batch entry.
    ///
    /// - Parameters:
    ///   - a: `[…, M, K]` (or `[…, K, M]` with `transposeA`).
    ///   - b: `[…, K, N]` (or `[…, N, K]` with `transposeB`) with the same leading extents, or rank 2.
    /// - Returns: `[…, M, N]`.
    /// - Throws: `TensorError.shapeMismatch` when the inner or batch extents disagree.
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1
    ) throws -> Tensor {
        let operation = "matmul"
        guard a.rank >= 2 else {
            throw TensorError.shapeMismatch(operation: operation, operand: "a", expected: "[…, M, K]", found: a.shape)
        }
        guard b.rank == 2 || b.shape.dropLast(2) == a.shape.dropLast(2) else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "b",
                expected: "rank 2 or leading extents \(Array(a.shape.dropLast(2))) like a \(a.shape)", found: b.shape)
        }
        let aRows = a.shape[a.rank - 2], aColumns = a.shape[a.rank - 1]
        let bRows = b.shape[b.rank - 2], bColumns = b.shape[b.rank - 1]
        let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
        let (bk, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
        guard k == bk else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "b",
                expected: "inner extent \(k) to match a \(a.shape)\(transposeA ? " (transposed)" : "")", found: b.shape)
        }
        let batch = a.shape.dropLast(2).reduce(1, *)
        let bStride = b.rank == 2 ? 0 : bRows * bColumns
        let outputShape = Array(a.shape.dropLast(2)) + [m, n]
        return Tensor(shape: outputShape) { output in
            let destination = output.baseAddress!
            guard k > 0 else {
                destination.update(repeating: 0, count: output.count)
                return
            }
            guard m > 0, n > 0 else { return }
            a.scalars.withUnsafeBufferPointer { aBuffer in
                b.scalars.withUnsafeBufferPointer { bBuffer in
                    parallelSGEMM(
                        batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: aBuffer.baseAddress!, lda: aColumns, strideA: aRows * aColumns,
                        b: bBuffer.baseAddress!, ldb: bColumns, strideB: bStride,
                        c: destination, ldc: n, strideC: m * n)
                }
            }
        }
    }

    /// Writes the additive terms of a GEMM output into `destination` (`rowCount` rows of
    /// `rowLength`): the residual if any, plus the bias per column (`biasAlongRows == false`, a
    /// linear layer) or per row (`true`, a convolution's output channels, repeating for every
    /// batch entry). Returns whether anything
    /// was written, i.e. whether the GEMM must accumulate (beta = 1).
    static func prefill(
        _ destination: UnsafeMutablePointer<Float>, rowCount: Int, rowLength: Int,
        bias: Tensor?, residual: Tensor?, biasAlongRows: Bool
    ) -> Bool {
        guard bias != nil || residual != nil else { return false }
        let total = rowCount * rowLength
        if let residual {
            residual.scalars.withUnsafeBufferPointer { r in
                destination.update(from: r.baseAddress!, count: total)
            }
        }
        guard let bias else { return true }
        bias.scalars.withUnsafeBufferPointer { biasBuffer in
            let b = biasBuffer.baseAddress!
            let hasResidual = residual != nil
            let biasLength = biasBuffer.count
            Parallel.forEachRange(count: rowCount, work: total) { rows in
                for row in rows {
                    let out = destination + row * rowLength
                    if biasAlongRows {
                        let value = b[row % biasLength]
                        if hasResidual {
                            VectorMath.map(out, out, count: rowLength) { $0 + FloatVector(repeating: value) }
                        } else {
                            out.update(repeating: value, count: rowLength)
                        }
                    } else if hasResidual {
                        VectorMath.zip(out, b, out, count: rowLength) { $0 + $1 }
                    } else {
                        out.update(from: b, count: rowLength)
                    }
                }
            }
        }
        return true
    }
}
