/// A dense float32 tensor in row-major layout (NCHW for images), with value semantics.
///
/// Storage is one contiguous `[Float]`, so copies are copy-on-write and every kernel can hand
/// the buffer straight to BLAS. Shape checks that depend on caller input throw `TensorError`;
/// nothing here crashes on a bad shape.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public internal(set) var shape: [Int]
    /// Elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]

    /// Wraps `scalars` (row-major) in a tensor of the given shape.
    ///
    /// - Throws: `TensorError.invalidShape` for a negative extent, `TensorError.scalarCountMismatch`
    ///   when `scalars.count` is not the product of `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        try Tensor.validate(shape: shape, operation: "Tensor.init")
        let count = shape.reduce(1, *)
        guard count == scalars.count else {
            throw TensorError.scalarCountMismatch(shape: shape, scalarCount: scalars.count)
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    ///
    /// Every extent must be non-negative; a negative extent is a programming error and traps.
    public init(repeating value: Float, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(repeating:shape:): negative extent in \(shape)")
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of the given shape whose elements are written by `initializer` without being zeroed
    /// first, for loaders and kernels that fill every element themselves.
    ///
    /// `initializer` must write every element of the buffer it receives. A negative extent traps.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:initializingWith:): negative extent in \(shape)")
        let count = shape.reduce(1, *)
        self.shape = shape
        self.scalars = try [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            try initializer(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initializedCount = count
        }
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// Number of elements (the product of `shape`).
    public var scalarCount: Int { scalars.count }

    /// The element at a full multi-index (one index per dimension), for tests and inspection;
    /// kernels never go through this. Out-of-range indices trap.
    public subscript(_ indices: Int...) -> Float {
        scalars[offset(of: indices)]
    }

    /// Calls `body` with a read-only view of the elements in row-major order.
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable view of the elements, for in-place kernels written outside this
    /// module; the shape cannot change.
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        try scalars.withUnsafeMutableBufferPointer { try body($0) }
    }

    private func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "Tensor subscript: \(indices.count) indices for rank \(shape.count)")
        var offset = 0
        for (index, extent) in zip(indices, shape) {
            precondition(index >= 0 && index < extent, "Tensor subscript: index \(indices) out of range for shape \(shape)")
            offset = offset * extent + index
        }
        return offset
    }

    static func validate(shape: [Int], operation: String) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape(operation: operation, shape: shape, reason: "extents must be non-negative")
        }
    }
}

extension Tensor: CustomStringConvertible {
    /// The shape and the first few elements, for logs and test failures.
    public var description: String {
        let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(head)\(scalars.count > 8 ? ", …" : "")])"
    }
}
