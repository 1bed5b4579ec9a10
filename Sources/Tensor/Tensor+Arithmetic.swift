extension Tensor {
    /// Elementwise sum with NumPy/PyTorch broadcasting (e.g. `x + bias.reshaped([1, C, 1, 1])`).
    ///
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast.
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try combined(lhs, rhs, operation: "+") { $0 + $1 }
    }

    /// Elementwise difference with broadcasting.
    ///
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast.
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try combined(lhs, rhs, operation: "-") { $0 - $1 }
    }

    /// Elementwise product with broadcasting.
    ///
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast.
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try combined(lhs, rhs, operation: "*") { $0 * $1 }
    }

    /// Elementwise quotient with broadcasting.
    ///
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast.
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try combined(lhs, rhs, operation: "/") { $0 / $1 }
    }

    /// Adds `rhs` (broadcast to `lhs`'s shape) into `lhs` in place, without allocating when `lhs`
    /// holds the only reference to its storage — the residual connections of a network.
    ///
    /// - Throws: `TensorError.shapeMismatch` when `rhs` does not broadcast to `lhs.shape`.
    public static func += (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combineInPlace(rhs, operation: "+=") { $0 + $1 }
    }

    /// Subtracts `rhs` (broadcast to `lhs`'s shape) from `lhs` in place.
    ///
    /// - Throws: `TensorError.shapeMismatch` when `rhs` does not broadcast to `lhs.shape`.
    public static func -= (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combineInPlace(rhs, operation: "-=") { $0 - $1 }
    }

    /// Multiplies `lhs` by `rhs` (broadcast to `lhs`'s shape) in place.
    ///
    /// - Throws: `TensorError.shapeMismatch` when `rhs` does not broadcast to `lhs.shape`.
    public static func *= (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combineInPlace(rhs, operation: "*=") { $0 * $1 }
    }

    /// Every element multiplied by `rhs`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.mapped { $0 * FloatVector(repeating: rhs) }
    }

    /// Every element multiplied by `lhs`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor {
        rhs * lhs
    }

    /// Every element divided by `rhs`.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.mapped { $0 / FloatVector(repeating: rhs) }
    }

    /// `rhs` added to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.mapped { $0 + FloatVector(repeating: rhs) }
    }

    /// `rhs` subtracted from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.mapped { $0 - FloatVector(repeating: rhs) }
    }

    /// Every element negated.
    public static prefix func - (operand: Tensor) -> Tensor {
        operand.mapped { -$0 }
    }

    /// Multiplies every element by `rhs` in place.
    public static func *= (lhs: inout Tensor, rhs: Float) {
        lhs.mapInPlace { $0 * FloatVector(repeating: rhs) }
    }

    /// Every element limited to `bounds` (as `torch.clamp`).
    public func clamped(to bounds: ClosedRange<Float>) -> Tensor {
        let lower = FloatVector(repeating: bounds.lowerBound)
        let upper = FloatVector(repeating: bounds.upperBound)
        return mapped { VectorMath.minimum(VectorMath.maximum($0, lower), upper) }
    }

    /// The shape two operands broadcast to (NumPy rules: align trailing extents; each pair must
    /// be equal or contain a 1), or `nil` when they do not broadcast.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// A new tensor with `transform` applied to every element, vectorized and split across cores.
    @inline(__always)
    func mapped(_ transform: (FloatVector) -> FloatVector) -> Tensor {
        Tensor(shape: shape) { output in
            scalars.withUnsafeBufferPointer { input in
                let source = input.baseAddress!, destination = output.baseAddress!
                Parallel.forEachElementRange(count: input.count) { range in
                    VectorMath.map(
                        source + range.lowerBound, destination + range.lowerBound, count: range.count, transform)
                }
            }
        }
    }

    /// Applies `transform` to every element in place.
    @inline(__always)
    mutating func mapInPlace(_ transform: (FloatVector) -> FloatVector) {
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            Parallel.forEachElementRange(count: buffer.count) { range in
                VectorMath.map(base + range.lowerBound, base + range.lowerBound, count: range.count, transform)
            }
        }
    }

    @inline(__always)
    static func combined(
        _ lhs: Tensor, _ rhs: Tensor, operation: String, _ combine: (FloatVector, FloatVector) -> FloatVector
    ) throws -> Tensor {
        guard let outputShape = broadcastShape(lhs.shape, rhs.shape) else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "right operand",
                expected: "a shape broadcastable with \(lhs.shape)", found: rhs.shape)
        }
        return Tensor(shape: outputShape) { output in
            lhs.scalars.withUnsafeBufferPointer { a in
                rhs.scalars.withUnsafeBufferPointer { b in
                    broadcastCombine(
                        a.baseAddress!, lhs.shape, b.baseAddress!, rhs.shape,
                        into: output.baseAddress!, shape: outputShape, combine)
                }
            }
        }
    }

    @inline(__always)
    mutating func combineInPlace(
        _ rhs: Tensor, operation: String, _ combine: (FloatVector, FloatVector) -> FloatVector
    ) throws {
        guard Tensor.broadcastShape(shape, rhs.shape) == shape else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "right operand",
                expected: "a shape broadcastable to \(shape)", found: rhs.shape)
        }
        let outputShape = shape
        scalars.withUnsafeMutableBufferPointer { output in
            rhs.scalars.withUnsafeBufferPointer { b in
                Tensor.broadcastCombine(
                    output.baseAddress!, outputShape, b.baseAddress!, rhs.shape,
                    into: output.baseAddress!, shape: outputShape, combine)
            }
        }
    }

    /// Writes `combine(a, b)` over the broadcast `shape`. Dimensions are merged where both operands
    /// are contiguous (or both broadcast) across them, so the inner loop runs over the longest
    /// possible run, either vector–vector or vector–scalar.
    @inline(__always)
    static func broadcastCombine(
        _ a: UnsafePointer<Float>, _ aShape: [Int], _ b: UnsafePointer<Float>, _ bShape: [Int],
        into destination: UnsafeMutablePointer<Float>, shape: [Int],
        _ combine: (FloatVector, FloatVector) -> FloatVector
    ) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let aStrides = broadcastStrides(aShape, to: shape)
        let bStrides = broadcastStrides(bShape, to: shape)
        var dims: [(extent: Int, a: Int, b: Int)] = []
        for i in shape.indices where shape[i] != 1 {
            if let last = dims.last, last.a == aStrides[i] * shape[i], last.b == bStrides[i] * shape[i] {
                dims[dims.count - 1] = (last.extent * shape[i], aStrides[i], bStrides[i])
            } else {
                dims.append((shape[i], aStrides[i], bStrides[i]))
            }
        }
        let inner = dims.last ?? (extent: 1, a: 1, b: 1)
        let outer = Array(dims.dropLast())
        let rowCount = total / inner.extent
        Parallel.forEachRange(count: rowCount, work: total) { rows in
            var index = [Int](repeating: 0, count: outer.count)
            var remainder = rows.lowerBound
            var aOffset = 0, bOffset = 0
            for d in stride(from: outer.count - 1, through: 0, by: -1) {
                index[d] = remainder % outer[d].extent
                remainder /= outer[d].extent
                aOffset += index[d] * outer[d].a
                bOffset += index[d] * outer[d].b
            }
            for row in rows {
                let out = destination + row * inner.extent
                switch (inner.a, inner.b) {
                case (0, 0):
                    let value = combine(FloatVector(repeating: a[aOffset]), FloatVector(repeating: b[bOffset]))
                    out.update(repeating: value[0], count: inner.extent)
                case (0, _):
                    let splat = FloatVector(repeating: a[aOffset])
                    VectorMath.map(b + bOffset, out, count: inner.extent) { combine(splat, $0) }
                case (_, 0):
                    let splat = FloatVector(repeating: b[bOffset])
                    VectorMath.map(a + aOffset, out, count: inner.extent) { combine($0, splat) }
                default:
                    VectorMath.zip(a + aOffset, b + bOffset, out, count: inner.extent, combine)
                }
                var d = outer.count - 1
                while d >= 0 {
                    index[d] += 1
                    aOffset += outer[d].a
                    bOffset += outer[d].b
                    if index[d] < outer[d].extent { break }
                    aOffset -= outer[d].a * outer[d].extent
                    bOffset -= outer[d].b * outer[d].extent
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// Element strides of an operand of shape `operandShape` read through the broadcast `shape`:
    /// 0 along broadcast (extent-1 or missing) dimensions.
    static func broadcastStrides(_ operandShape: [Int], to shape: [Int]) -> [Int] {
        let offset = shape.count - operandShape.count
        var strides = [Int](repeating: 0, count: shape.count)
        var running = 1
        for i in stride(from: operandShape.count - 1, through: 0, by: -1) {
            strides[i + offset] = operandShape[i] == 1 ? 0 : running
            running *= operandShape[i]
        }
        return strides
    }
}
