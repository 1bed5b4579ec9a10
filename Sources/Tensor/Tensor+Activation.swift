import TensorKernels

extension Tensor {
    /// SiLU (swish), x·σ(x): the activation of SD's ResNet blocks and time embedding.
    public func silu() -> Tensor {
        mapped { $0 * VectorMath.sigmoid($0) }
    }

    /// Exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2 (PyTorch's default `approximate="none"`), as used by
    /// the UNet's feed-forward; absolute error about 1e-7·|x| from the erf approximation.
    public func gelu() -> Tensor {
        mapped(Tensor.geluVector)
    }

    /// Quick GELU, x·σ(1.702·x): the activation of CLIP's text encoder MLP.
    public func quickGELU() -> Tensor {
        mapped { $0 * VectorMath.sigmoid($0 * FloatVector(repeating: 1.702)) }
    }

    /// The logistic function σ(x) = 1 / (1 + e^-x), elementwise.
    public func sigmoid() -> Tensor {
        mapped(VectorMath.sigmoid)
    }

    /// e^x, elementwise (relative error below 3e-7).
    public func exp() -> Tensor {
        mapped(VectorMath.exp)
    }

    /// GEGLU's gating: splits the last dimension into halves `(hidden, gate)` and returns
    /// `hidden · gelu(gate)`, as diffusers' `GEGLU` does after its projection, in one pass.
    ///
    /// - Throws: `TensorError.invalidShape` when the last extent is odd or the tensor is rank 0.
    public func geglu() throws -> Tensor {
        guard let last = shape.last, last % 2 == 0 else {
            throw TensorError.invalidShape(
                operation: "geglu", shape: shape, reason: "the last extent must be even (hidden and gate halves)")
        }
        let half = last / 2
        let rows = scalarCount / max(last, 1)
        var outputShape = shape
        outputShape[outputShape.count - 1] = half
        return Tensor(shape: outputShape) { output in
            scalars.withUnsafeBufferPointer { input in
                let source = input.baseAddress!, destination = output.baseAddress!
                Parallel.forEachRange(count: rows, work: scalarCount) { range in
                    for row in range {
                        Tensor.gegluRow(hidden: source + row * last, gate: source + row * last + half, into: destination + row * half, count: half)
                    }
                }
            }
        }
    }

    /// out = hidden ⊙ GELU(gate) for one row of `count` floats: the AVX-512 kernel
    /// `hediff_geglu_avx512` where the CPU has it (the loop is bound by erf's instruction count), else
    /// Swift SIMD.
    @inline(__always)
    static func gegluRow(hidden: UnsafePointer<Float>, gate: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, avx512: Bool = AVX512Kernels.enabled) {
        if avx512 {
            hediff_geglu_avx512(hidden, gate, out, count)
        } else {
            VectorMath.zip(hidden, gate, out, count: count) { $0 * Tensor.geluVector($1) }
        }
    }

    /// Softmax over the last dimension, computed stably (max subtracted before exponentiation).
    ///
    /// - Throws: `TensorError.invalidShape` for a rank-0 tensor.
    public func softmax() throws -> Tensor {
        guard let last = shape.last else {
            throw TensorError.invalidShape(operation: "softmax", shape: shape, reason: "needs at least one dimension")
        }
        var result = self
        result.scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, last > 0 else { return }
            let rows = buffer.count / last
            Parallel.forEachRange(count: rows, work: buffer.count) { range in
                for row in range { Tensor.softmaxRow(base + row * last, count: last) }
            }
        }
        return result
    }

    @inline(__always)
    static func geluVector(_ x: FloatVector) -> FloatVector {
        x * FloatVector(repeating: 0.5) * (1 + VectorMath.erf(x * FloatVector(repeating: 0.707_106_77)))
    }

    /// Replaces `count` (> 0) floats with their softmax, in place.
    @inline(__always)
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
        let scale = FloatVector(repeating: 1 / exponentiateRow(row, count: count))
        VectorMath.map(row, row, count: count) { $0 * scale }
    }

    /// Replaces `count` (> 0) floats x with e^(x − max x), in place, and returns their sum: a softmax
    /// without its final scaling, which attention applies to its much smaller output instead.
    ///
    /// On CPUs with AVX-512 the C kernel `hediff_exponentiate_row_avx512` runs the same algorithm on
    /// sixteen lanes per instruction (this loop was ≈ 30 % of attention's time, bound by its instruction
    /// count; its share of a single-threaded UNet forward fell from 9.8 % to 4.1 %).
    @inline(__always)
    static func exponentiateRow(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        if AVX512Kernels.enabled { return hediff_exponentiate_row_avx512(row, count) }
        return exponentiateRowPortably(row, count: count)
    }

    /// `exponentiateRow` in Swift SIMD: what CPUs without AVX-512 run.
    @inline(__always)
    static func exponentiateRowPortably(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let maximum = FloatVector(repeating: VectorMath.max(row, count: count))
        var sum = FloatVector()
        var i = 0
        while i + VectorMath.width <= count {
            let e = VectorMath.boundedExp(VectorMath.load(row + i) - maximum)
            sum += e
            VectorMath.store(e, to: row + i)
            i += VectorMath.width
        }
        if i < count {
            let tail = count - i
            let e = VectorMath.boundedExp(VectorMath.loadPartial(row + i, count: tail) - maximum)
                .replacing(with: 0, where: VectorMath.laneIndices .>= Int32(tail))
            sum += e
            VectorMath.storePartial(e, to: row + i, count: tail)
        }
        return sum.sum()
    }
}
