/// Zero padding added around the two spatial dimensions of a convolution input. Symmetric in SD
/// except the VAE encoder's downsampler, which pads only bottom and right.
public struct Padding2D: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// Rows of zeros above the input.
    public var top: Int
    /// Rows of zeros below the input.
    public var bottom: Int
    /// Columns of zeros left of the input.
    public var left: Int
    /// Columns of zeros right of the input.
    public var right: Int

    /// Padding with each side given separately (as `F.pad(x, (left, right, top, bottom))`).
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    /// The same padding on all four sides (as `nn.Conv2d(padding: p)`).
    public init(_ all: Int) {
        self.init(top: all, bottom: all, left: all, right: all)
    }

    /// The same padding on all four sides, written as a literal: `padding: 1`.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}

/// How `conv2d` computes a convolution.
public enum ConvolutionAlgorithm: Sendable, Equatable {
    /// Winograd F(4×4, 3×3) for 3×3 stride-1 kernels on maps at least 29 columns wide with ≥ 16
    /// channels in and out (4× fewer multiplications); im2col + GEMM for everything else.
    case automatic
    /// Unfold tiles of the input (im2col) and multiply them by the weights: any kernel.
    case im2col
    /// Winograd F(4×4, 3×3): 3×3 stride-1 kernels only (see `WinogradConvolution`).
    case winograd
}

extension Tensor {
    /// 2-D convolution (as `torch.nn.Conv2d` with groups = 1 and dilation = 1) of an `[N, Cin, H, W]`
    /// input.
    ///
    /// Computed as GEMMs (`algorithm`): 3×3 stride-1 kernels on large enough maps by Winograd's
    /// F(4×4, 3×3) (`WinogradConvolution`); a 1×1 stride-1 convolution multiplies the weight directly with the input;
    /// any other kernel unfolds tiles of output rows (im2col) into a bounded per-core scratch buffer
    /// and multiplies `weight [Cout, Cin·kH·kW]` with it, writing straight into the output; tiles
    /// are shared out across cores. Bias and residual are written first and accumulated by the GEMM.
    ///
    /// - Parameters:
    ///   - weight: `[Cout, Cin, kH, kW]`, the PyTorch layout, used as is (it already is the GEMM's
    ///     left matrix, so there is nothing to repack).
    ///   - bias: `[Cout]`, or `nil`.
    ///   - stride: step in both spatial dimensions (≥ 1).
    ///   - padding: zeros around the input.
    ///   - residual: a tensor of the output's shape to add (a ResNet block's shortcut), or `nil`.
    ///   - algorithm: `.automatic` (the default) picks the fastest; the others force one, for tests
    ///     and benchmarks.
    /// - Returns: `[N, Cout, Hout, Wout]` with `Hout = (H + top + bottom − kH) / stride + 1`.
    /// - Throws: `TensorError.shapeMismatch` for mismatched operands, `TensorError.invalidArgument`
    ///   for a non-positive stride, negative padding, a kernel larger than the padded input, or
    ///   `.winograd` for a kernel that is not 3×3 with stride 1.
    public func conv2d(
        weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Padding2D = 0, residual: Tensor? = nil,
        algorithm: ConvolutionAlgorithm = .automatic
    ) throws -> Tensor {
        let operation = "conv2d"
        guard rank == 4 else {
            throw TensorError.shapeMismatch(operation: operation, operand: "input", expected: "[N, Cin, H, W]", found: shape)
        }
        guard weight.rank == 4, weight.shape[1] == shape[1] else {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "weight", expected: "[Cout, \(shape[1]), kH, kW] for input \(shape)",
                found: weight.shape)
        }
        guard stride >= 1, padding.top >= 0, padding.bottom >= 0, padding.left >= 0, padding.right >= 0 else {
            throw TensorError.invalidArgument(
                operation: operation, message: "stride must be ≥ 1 and padding ≥ 0 (got stride \(stride), padding \(padding))")
        }
        let geometry = ConvolutionGeometry(
            batch: shape[0], inputChannels: shape[1], height: shape[2], width: shape[3],
            outputChannels: weight.shape[0], kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
            stride: stride, padding: padding)
        guard geometry.outputHeight > 0, geometry.outputWidth > 0 else {
            throw TensorError.invalidArgument(
                operation: operation,
                message: "kernel \(weight.shape[2])×\(weight.shape[3]) does not fit input \(shape) with padding \(padding)")
        }
        try Tensor.checkVector(bias, length: geometry.outputChannels, operation: operation, operand: "bias")
        if algorithm == .winograd, !WinogradConvolution.isApplicable(geometry) {
            throw TensorError.invalidArgument(
                operation: operation, message: "Winograd F(4×4, 3×3) needs a 3×3 kernel with stride 1 (got \(weight.shape[2])×\(weight.shape[3]), stride \(stride))")
        }
        let useWinograd = algorithm == .winograd || (algorithm == .automatic && WinogradConvolution.isProfitable(geometry))
        let outputShape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
        if let residual, residual.shape != outputShape {
            throw TensorError.shapeMismatch(
                operation: operation, operand: "residual", expected: "\(outputShape)", found: residual.shape)
        }
        return Tensor(shape: outputShape) { output in
            let destination = output.baseAddress!
            let accumulate = Tensor.prefill(
                destination, rowCount: geometry.batch * geometry.outputChannels, rowLength: geometry.outputPlane,
                bias: bias, residual: residual, biasAlongRows: true)
            scalars.withUnsafeBufferPointer { input in
                weight.scalars.withUnsafeBufferPointer { w in
                    if useWinograd {
                        WinogradConvolution(geometry).run(
                            input: input.baseAddress!, weight: w.baseAddress!, output: destination, accumulate: accumulate)
                    } else {
                        geometry.run(
                            input: input.baseAddress!, weight: w.baseAddress!, output: destination, accumulate: accumulate)
                    }
                }
            }
        }
    }
}

/// The sizes of one convolution and the GEMM-based algorithm that computes it.
struct ConvolutionGeometry {
    let batch: Int, inputChannels: Int, height: Int, width: Int
    let outputChannels: Int, kernelHeight: Int, kernelWidth: Int
    let stride: Int, padding: Padding2D

    /// Upper bound on one worker's im2col buffer, in floats (16 MiB).
    static let scratchLimit = 1 << 22
    /// Output columns per tile worth aiming for: wide enough for an efficient GEMM. Every tile's
    /// GEMM repacks its block of weights, so narrow tiles of a layer with many input channels (a
    /// 16×16 map at 1,280 channels: weights of 11,520 columns) spend as long packing as multiplying.
    static let targetTileColumns = 256

    var outputHeight: Int { (height + padding.top + padding.bottom - kernelHeight) / stride + 1 }
    var outputWidth: Int { (width + padding.left + padding.right - kernelWidth) / stride + 1 }
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the unfolded input: one per (input channel, kernel row, kernel column).
    var patchLength: Int { inputChannels * kernelHeight * kernelWidth }

    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == Padding2D(0)
    }

    func run(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let beta: Float = accumulate ? 1 : 0
        let inputPlane = height * width
        guard patchLength > 0 else {
            // No input channels: the result is the bias and residual alone.
            if !accumulate { output.update(repeating: 0, count: batch * outputChannels * outputPlane) }
            return
        }
        if isPointwise {
            parallelSGEMM(
                batch: batch, m: outputChannels, n: outputPlane, k: inputChannels,
                a: weight, lda: inputChannels,
                b: input, ldb: outputPlane, strideB: inputChannels * inputPlane,
                beta: beta, c: output, ldc: outputPlane, strideC: outputChannels * outputPlane)
            return
        }
        // Work items: (group of batch entries, tile of output rows, block of output channels). Each
        // worker unfolds its tile into its own scratch buffer and multiplies it by a single-threaded
        // GEMM, so no core ever waits for another between the two steps. Small maps put several
        // whole images side by side in one tile (and one GEMM), through a per-worker output buffer.
        let wantedRows = (ConvolutionGeometry.targetTileColumns + outputWidth - 1) / outputWidth
        let fittingRows = ConvolutionGeometry.scratchLimit / (patchLength * outputWidth)
        let rowsPerTile = max(1, min(outputHeight, wantedRows, fittingRows))
        let tilesPerImage = (outputHeight + rowsPerTile - 1) / rowsPerTile
        let entriesPerTile = tilesPerImage == 1
            ? max(1, min(batch, ConvolutionGeometry.targetTileColumns / outputPlane,
                         ConvolutionGeometry.scratchLimit / (patchLength * outputPlane)))
            : 1
        let entryGroups = (batch + entriesPerTile - 1) / entriesPerTile
        let tiling = GEMMTiling(
            batch: entryGroups * tilesPerImage, m: outputChannels, n: entriesPerTile * rowsPerTile * outputWidth, k: patchLength,
            splitColumns: false)
        let channelBlocks = tiling.rowBlocks
        let itemCount = entryGroups * tilesPerImage * channelBlocks
        let pointers = UncheckedSendable((input, weight, output))
        let tileColumns = rowsPerTile * outputWidth * entriesPerTile
        let productCount = entriesPerTile > 1 ? outputChannels * tileColumns : 0
        Parallel.forEachItem(count: itemCount, makeState: { ScratchBuffer(count: patchLength * tileColumns + productCount) }) {
            item, scratch in
            let (input, weight, output) = pointers.value
            let channelBlock = item % channelBlocks
            let tile = (item / channelBlocks) % tilesPerImage
            let group = item / (channelBlocks * tilesPerImage)
            let channels = tiling.range(channelBlock, of: channelBlocks, extent: outputChannels)
            let weightBlock = weight + channels.lowerBound * patchLength
            if entriesPerTile == 1 {
                let firstRow = tile * rowsPerTile
                let rows = min(rowsPerTile, outputHeight - firstRow)
                let columns = rows * outputWidth
                unfold(
                    image: input + group * inputChannels * inputPlane, firstRow: firstRow, rowCount: rows,
                    into: scratch.pointer, rowStride: columns)
                sgemm(
                    m: channels.count, n: columns, k: patchLength,
                    a: weightBlock, lda: patchLength, b: scratch.pointer, ldb: columns,
                    beta: beta,
                    c: output + (group * outputChannels + channels.lowerBound) * outputPlane + firstRow * outputWidth,
                    ldc: outputPlane)
                return
            }
            // Whole images side by side: entry j of the group is columns j·plane..<(j+1)·plane.
            let firstEntry = group * entriesPerTile
            let entries = min(entriesPerTile, batch - firstEntry)
            let columns = entries * outputPlane
            for j in 0..<entries {
                unfold(
                    image: input + (firstEntry + j) * inputChannels * inputPlane, firstRow: 0, rowCount: outputHeight,
                    into: scratch.pointer + j * outputPlane, rowStride: columns)
            }
            let products = scratch.pointer + patchLength * tileColumns
            sgemm(
                m: channels.count, n: columns, k: patchLength,
                a: weightBlock, lda: patchLength, b: scratch.pointer, ldb: columns,
                c: products, ldc: columns)
            for j in 0..<entries {
                for (i, channel) in channels.enumerated() {
                    let source = products + i * columns + j * outputPlane
                    let destination = output + ((firstEntry + j) * outputChannels + channel) * outputPlane
                    if accumulate {
                        VectorMath.zip(destination, source, destination, count: outputPlane) { $0 + $1 }
                    } else {
                        destination.update(from: source, count: outputPlane)
                    }
                }
            }
        }
    }

    /// im2col for output rows `firstRow..<firstRow + rowCount`: row `(c·kH + ky)·kW + kx` of the
    /// result (`rowStride` floats apart) holds, for every output position of the tile, the input
    /// value that kernel tap multiplies (zero in the padding).
    func unfold(
        image: UnsafePointer<Float>, firstRow: Int, rowCount: Int, into scratch: UnsafeMutablePointer<Float>, rowStride: Int
    ) {
        let columns = rowStride
        for patchRow in 0..<patchLength {
            let kx = patchRow % kernelWidth
            let ky = (patchRow / kernelWidth) % kernelHeight
            let channel = patchRow / (kernelWidth * kernelHeight)
            let plane = image + channel * height * width
            // Output columns whose input column lies inside the image: ox·stride + kx − left ∈ [0, width).
            let firstColumn = min(outputWidth, max(0, (padding.left - kx + stride - 1) / stride))
            let endColumn = max(firstColumn, min(outputWidth, (width + padding.left - kx + stride - 1) / stride))
            for r in 0..<rowCount {
                let destination = scratch + patchRow * columns + r * outputWidth
                let inputRow = (firstRow + r) * stride + ky - padding.top
                guard inputRow >= 0, inputRow < height else {
                    destination.update(repeating: 0, count: outputWidth)
                    continue
                }
                destination.update(repeating: 0, count: firstColumn)
                let source = plane + inputRow * width + firstColumn * stride + kx - padding.left
                if stride == 1 {
                    (destination + firstColumn).update(from: source, count: endColumn - firstColumn)
                } else {
                    for i in 0..<(endColumn - firstColumn) { destination[firstColumn + i] = source[i * stride] }
                }
                (destination + endColumn).update(repeating: 0, count: outputWidth - endColumn)
            }
        }
    }
}
