extension Tensor {
    /// Nearest-neighbour 2× upsampling of an `[N, C, H, W]` tensor to `[N, C, 2H, 2W]` (as
    /// `F.interpolate(scale_factor: 2, mode: "nearest")`, used by SD's upsamplers).
    ///
    /// - Throws: `TensorError.shapeMismatch` when the tensor is not rank 4.
    public func upsampledNearest2x() throws -> Tensor {
        guard rank == 4 else {
            throw TensorError.shapeMismatch(operation: "upsampledNearest2x", operand: "input", expected: "[N, C, H, W]", found: shape)
        }
        let planes = shape[0] * shape[1], height = shape[2], width = shape[3]
        return Tensor(shape: [shape[0], shape[1], 2 * height, 2 * width]) { output in
            scalars.withUnsafeBufferPointer { input in
                let source = input.baseAddress!, destination = output.baseAddress!
                Parallel.forEachRange(count: planes * height, work: 4 * scalarCount) { rows in
                    for row in rows {
                        let inputRow = source + row * width
                        let outputRow = destination + row * 4 * width
                        for x in 0..<width {
                            outputRow[2 * x] = inputRow[x]
                            outputRow[2 * x + 1] = inputRow[x]
                        }
                        (outputRow + 2 * width).update(from: outputRow, count: 2 * width)
                    }
                }
            }
        }
    }
}
