extension Tensor {
    /// Group normalization (as `torch.nn.GroupNorm`) of an `[N, C, …]` tensor: the channels are
    /// split into `groupCount` groups, each group of each sample is normalized to zero mean and unit
    /// (biased) variance, then scaled by `weight[c]` and shifted by `bias[c]`.
    ///
    /// `applyingSiLU` fuses the SiLU that follows almost every group norm in SD's ResNet blocks, saving
    /// a pass over memory. Statistics use two passes accumulated in double precision.
    ///
    /// - Throws: `TensorError.invalidShape` when the rank is below 2 or `C` is not divisible by
    ///   `groupCount`; `TensorError.shapeMismatch` when `weight` or `bias` is not `[C]`.
    public func groupNorm(
        groupCount: Int, weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5, applyingSiLU: Bool = false
    ) throws -> Tensor {
        let operation = "groupNorm"
        guard rank >= 2 else {
            throw TensorError.invalidShape(operation: operation, shape: shape, reason: "expected [N, C, …]")
        }
        let batch = shape[0], channels = shape[1]
        guard groupCount > 0, channels % groupCount == 0 else {
            throw TensorError.invalidShape(
                operation: operation, shape: shape, reason: "\(channels) channels are not divisible into \(groupCount) groups")
        }
        try Tensor.checkVector(weight, length: channels, operation: operation, operand: "weight")
        try Tensor.checkVector(bias, length: channels, operation: operation, operand: "bias")
        let spatial = shape[2...].reduce(1, *)
        let groupChannels = channels / groupCount
        let groupSize = groupChannels * spatial
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: channels)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: channels)
        return Tensor(shape: shape) { output in
            guard groupSize > 0 else { return }
            scalars.withUnsafeBufferPointer { input in
                let source = input.baseAddress!, destination = output.baseAddress!
                Parallel.forEachRange(count: batch * groupCount, work: scalarCount) { range in
                    for item in range {
                        let block = item * groupSize
                        let mean = VectorMath.sum(source + block, count: groupSize) / Double(groupSize)
                        let variance = VectorMath.sumOfSquaredDeviations(
                            source + block, count: groupSize, mean: Float(mean)) / Double(groupSize)
                        let inverseDeviation = 1 / (variance + Double(epsilon)).squareRoot()
                        let firstChannel = (item % groupCount) * groupChannels
                        for c in 0..<groupChannels {
                            let scale = Double(gamma[firstChannel + c]) * inverseDeviation
                            let shift = Double(beta[firstChannel + c]) - mean * scale
                            let offset = block + c * spatial
                            Tensor.affine(
                                source + offset, destination + offset, count: spatial,
                                scale: Float(scale), shift: Float(shift), applyingSiLU: applyingSiLU)
                        }
                    }
                }
            }
        }
    }

    /// Layer normalization (as `torch.nn.LayerNorm` over the last dimension): each row is normalized
    /// to zero mean and unit (biased) variance, then scaled by `weight` and shifted by `bias`.
    ///
    /// - Throws: `TensorError.invalidShape` for rank 0; `TensorError.shapeMismatch` when `weight`
    ///   or `bias` is not `[D]`, `D` being the last extent.
    public func layerNorm(weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) throws -> Tensor {
        let operation = "layerNorm"
        guard let width = shape.last else {
            throw TensorError.invalidShape(operation: operation, shape: shape, reason: "needs at least one dimension")
        }
        try Tensor.checkVector(weight, length: width, operation: operation, operand: "weight")
        try Tensor.checkVector(bias, length: width, operation: operation, operand: "bias")
        let rows = shape.dropLast().reduce(1, *)
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: width)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: width)
        return Tensor(shape: shape) { output in
            guard rows > 0 else { return }
            scalars.withUnsafeBufferPointer { input in
                gamma.withUnsafeBufferPointer { gammaBuffer in
                    beta.withUnsafeBufferPointer { betaBuffer in
                        let source = input.baseAddress!, destination = output.baseAddress!
                        let g = gammaBuffer.baseAddress!, b = betaBuffer.baseAddress!
                        Parallel.forEachRange(count: rows, work: scalarCount) { range in
                            for row in range {
                                let x = source + row * width
                                let mean = VectorMath.sum(x, count: width) / Double(width)
                                let variance = VectorMath.sumOfSquaredDeviations(x, count: width, mean: Float(mean))
                                    / Double(width)
                                let m = FloatVector(repeating: Float(mean))
                                let r = FloatVector(repeating: Float(1 / (variance + Double(epsilon)).squareRoot()))
                                var i = 0
                                let y = destination + row * width
                                while i + VectorMath.width <= width {
                                    let normalized = (VectorMath.load(x + i) - m) * r
                                    VectorMath.store(normalized * VectorMath.load(g + i) + VectorMath.load(b + i), to: y + i)
                                    i += VectorMath.width
                                }
                                while i < width {
                                    y[i] = (x[i] - Float(mean)) * r[0] * g[i] + b[i]
                                    i += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `y = x·scale + shift`, optionally followed by SiLU, over `count` floats.
    @inline(__always)
    static func affine(
        _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
        scale: Float, shift: Float, applyingSiLU: Bool
    ) {
        let a = FloatVector(repeating: scale), b = FloatVector(repeating: shift)
        if applyingSiLU {
            VectorMath.map(source, destination, count: count) {
                let y = $0 * a + b
                return y * VectorMath.sigmoid(y)
            }
        } else {
            VectorMath.map(source, destination, count: count) { $0 * a + b }
        }
    }

    /// Checks that an optional per-channel parameter has shape `[length]`.
    static func checkVector(_ vector: Tensor?, length: Int, operation: String, operand: String) throws {
        guard let vector else { return }
        guard vector.shape == [length] else {
            throw TensorError.shapeMismatch(operation: operation, operand: operand, expected: "[\(length)]", found: vector.shape)
        }
    }
}
