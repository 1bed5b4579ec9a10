extension Tensor {
    /// The same elements viewed with a new shape (no data movement). One extent may be `-1`, in
    /// which case it is inferred from the element count.
    ///
    /// - Throws: `TensorError.invalidShape` when the element counts differ or the shape is malformed.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let operation = "reshaped"
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidShape(
                operation: operation, shape: newShape, reason: "at most one extent may be -1 and none may be below -1")
        }
        var resolved = newShape
        if let axis = inferred.first {
            let known = newShape.enumerated().reduce(1) { $1.offset == axis ? $0 : $0 * $1.element }
            guard known > 0, scalarCount % known == 0 else {
                throw TensorError.invalidShape(
                    operation: operation, shape: newShape,
                    reason: "cannot infer the -1 extent for \(scalarCount) elements (from shape \(shape))")
            }
            resolved[axis] = scalarCount / known
        }
        guard resolved.reduce(1, *) == scalarCount else {
            throw TensorError.invalidShape(
                operation: operation, shape: newShape,
                reason: "holds \(resolved.reduce(1, *)) elements but the tensor of shape \(shape) has \(scalarCount)")
        }
        var result = self
        result.shape = resolved
        return result
    }

    /// The tensor with its dimensions reordered: dimension `i` of the result is dimension
    /// `axes[i]` of `self` (as `torch.permute`). The elements are copied into the new order.
    ///
    /// - Throws: `TensorError.invalidArgument` when `axes` is not a permutation of `0..<rank`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw TensorError.invalidArgument(
                operation: "permuted", message: "axes \(axes) are not a permutation of 0..<\(rank) for shape \(shape)")
        }
        if axes == Array(0..<rank) { return self }
        var sourceStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            sourceStrides[axis] = sourceStrides[axis + 1] * shape[axis + 1]
        }
        let outputShape = axes.map { shape[$0] }
        let strides = axes.map { sourceStrides[$0] }
        return Tensor(shape: outputShape) { output in
            scalars.withUnsafeBufferPointer { input in
                Tensor.gather(
                    from: input.baseAddress!, strides: strides, shape: outputShape, into: output.baseAddress!)
            }
        }
    }

    /// The tensor with two dimensions swapped (as `torch.transpose`).
    ///
    /// - Throws: `TensorError.invalidArgument` when an axis is out of range.
    public func transposed(_ axis0: Int, _ axis1: Int) throws -> Tensor {
        guard (0..<rank).contains(axis0), (0..<rank).contains(axis1) else {
            throw TensorError.invalidArgument(
                operation: "transposed", message: "axes \(axis0), \(axis1) out of range for shape \(shape)")
        }
        var axes = Array(0..<rank)
        axes.swapAt(axis0, axis1)
        return try permuted(axes)
    }

    /// The sub-tensor whose index along `axis` lies in `range` (as `tensor.narrow`), copied.
    ///
    /// - Throws: `TensorError.invalidArgument` when the axis or the range is out of bounds.
    public func sliced(axis: Int, range: Range<Int>) throws -> Tensor {
        guard (0..<rank).contains(axis) else {
            throw TensorError.invalidArgument(operation: "sliced", message: "axis \(axis) out of range for shape \(shape)")
        }
        guard range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            throw TensorError.invalidArgument(
                operation: "sliced",
                message: "range \(range) out of bounds for extent \(shape[axis]) of axis \(axis) in shape \(shape)")
        }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var outputShape = shape
        outputShape[axis] = range.count
        let runLength = range.count * inner
        let sourceRun = shape[axis] * inner
        return Tensor(shape: outputShape) { output in
            scalars.withUnsafeBufferPointer { input in
                for o in 0..<outer {
                    (output.baseAddress! + o * runLength).update(
                        from: input.baseAddress! + o * sourceRun + range.lowerBound * inner, count: runLength)
                }
            }
        }
    }

    /// The tensors joined along `axis` (as `torch.cat`); all other extents must agree.
    ///
    /// - Throws: `TensorError.invalidArgument` for an empty list or a bad axis,
    ///   `TensorError.shapeMismatch` when the other extents differ.
    public static func concatenated(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        let operation = "concatenated"
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: operation, message: "needs at least one tensor")
        }
        guard (0..<first.rank).contains(axis) else {
            throw TensorError.invalidArgument(
                operation: operation, message: "axis \(axis) out of range for shape \(first.shape)")
        }
        for (index, tensor) in tensors.enumerated() {
            let matches = tensor.rank == first.rank
                && (0..<first.rank).allSatisfy { $0 == axis || tensor.shape[$0] == first.shape[$0] }
            guard matches else {
                var pattern = first.shape.map(String.init)
                pattern[axis] = "*"
                throw TensorError.shapeMismatch(
                    operation: operation, operand: "tensor \(index)",
                    expected: "[\(pattern.joined(separator: ", "))]", found: tensor.shape)
            }
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        var outputShape = first.shape
        outputShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let outputRun = outputShape[axis] * inner
        return Tensor(shape: outputShape) { output in
            var offset = 0
            for tensor in tensors {
                let run = tensor.shape[axis] * inner
                tensor.scalars.withUnsafeBufferPointer { input in
                    for o in 0..<outer {
                        (output.baseAddress! + o * outputRun + offset).update(
                            from: input.baseAddress! + o * run, count: run)
                    }
                }
                offset += run
            }
        }
    }

    /// Splits the tensor along `axis` into consecutive pieces of the given extents (as `torch.split`).
    ///
    /// - Throws: `TensorError.invalidArgument` when the sizes do not add up to the axis extent.
    public func split(sizes: [Int], axis: Int) throws -> [Tensor] {
        guard (0..<rank).contains(axis) else {
            throw TensorError.invalidArgument(operation: "split", message: "axis \(axis) out of range for shape \(shape)")
        }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[axis] else {
            throw TensorError.invalidArgument(
                operation: "split", message: "sizes \(sizes) do not add up to extent \(shape[axis]) of axis \(axis) in shape \(shape)")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try sliced(axis: axis, range: start..<(start + size))
        }
    }

    /// Splits the tensor along `axis` into `count` equal pieces (as `torch.chunk` when the extent divides).
    ///
    /// - Throws: `TensorError.invalidArgument` when the extent is not divisible by `count`.
    public func chunked(_ count: Int, axis: Int) throws -> [Tensor] {
        guard (0..<rank).contains(axis) else {
            throw TensorError.invalidArgument(operation: "chunked", message: "axis \(axis) out of range for shape \(shape)")
        }
        guard count > 0, shape[axis] % count == 0 else {
            throw TensorError.invalidArgument(
                operation: "chunked", message: "extent \(shape[axis]) of axis \(axis) in shape \(shape) is not divisible into \(count) chunks")
        }
        return try split(sizes: [Int](repeating: shape[axis] / count, count: count), axis: axis)
    }

    /// Copies the strided view (`shape`, `strides` in elements) of `source` into `destination` in
    /// row-major order. Consecutive dimensions that are contiguous in the source are merged first so
    /// that the innermost loop is as long as possible.
    static func gather(
        from source: UnsafePointer<Float>, strides: [Int], shape: [Int], into destination: UnsafeMutablePointer<Float>
    ) {
        var dims: [(extent: Int, stride: Int)] = []
        for (extent, stride) in zip(shape, strides) where extent != 1 {
            if let last = dims.last, last.stride == stride * extent {
                dims[dims.count - 1] = (last.extent * extent, stride)
            } else {
                dims.append((extent, stride))
            }
        }
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        guard let innermost = dims.last else {
            destination[0] = source[0]
            return
        }
        let outerDims = Array(dims.dropLast())
        let outerCount = total / innermost.extent
        Parallel.forEachRange(count: outerCount, work: total) { rows in
            var index = [Int](repeating: 0, count: outerDims.count)
            var remainder = rows.lowerBound
            var sourceOffset = 0
            for d in stride(from: outerDims.count - 1, through: 0, by: -1) {
                index[d] = remainder % outerDims[d].extent
                remainder /= outerDims[d].extent
                sourceOffset += index[d] * outerDims[d].stride
            }
            for row in rows {
                let out = destination + row * innermost.extent
                if innermost.stride == 1 {
                    out.update(from: source + sourceOffset, count: innermost.extent)
                } else {
                    var s = source + sourceOffset
                    for i in 0..<innermost.extent {
                        out[i] = s.pointee
                        s += innermost.stride
                    }
                }
                var d = outerDims.count - 1
                while d >= 0 {
                    index[d] += 1
                    sourceOffset += outerDims[d].stride
                    if index[d] < outerDims[d].extent { break }
                    sourceOffset -= outerDims[d].stride * outerDims[d].extent
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}
