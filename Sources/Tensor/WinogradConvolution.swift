import TensorKernels

/// 3×3 stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2016, interpolation points 0, ±1, ±2, ±½, ∞).
///
/// Each 4×4 block of outputs of one channel pair comes from a 6×6 input tile d and the 3×3 kernel
/// g as `Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A`: 36 multiplications instead of 144. Summed over input channels,
/// the element-wise products become 36 independent GEMMs, one per tile position ξ,
/// `M_ξ [Cout × T] = U_ξ [Cout × Cin] · V_ξ [Cin × T]` over T tiles, so the work that remains
/// runs in OpenBLAS at GEMM speed with 4× fewer multiplications than im2col.
///
/// The three passes (input transform, GEMMs, output transform) run over chunks of whole tile rows
/// sized to bound the scratch memory, each pass split across cores. The transforms work on eight
/// horizontally adjacent tiles at once (one SIMD lane each): the input rows are first split by
/// column modulo 4 ("phases"), so that every tap of eight tiles is one contiguous vector load.
///
/// Rounding: the transforms multiply by powers of two and by 1/6, 1/12, 1/24 (G), so the result
/// differs from a direct sum by a few units of the float32 rounding of the terms' magnitude
/// (Lavin and Gray measure F(4×4, 3×3) at ~10⁻⁶ relative error in fp32; the tests bound it
/// against a double-precision direct convolution).
struct WinogradConvolution {
    let geometry: ConvolutionGeometry
    /// Tile rows per image and tiles per row (4×4 outputs each, the last ones cropped).
    let tileRows: Int, tilesPerRow: Int
    /// Tiles per row rounded up to whole SIMD groups; the extra tiles read zeros and are dropped.
    let paddedTilesPerRow: Int

    typealias Lanes = SIMD8<Float>
    static let laneCount = Lanes.scalarCount
    /// Scratch floats allowed for each of the transformed inputs and the GEMM outputs of a chunk
    /// (16 MiB each).
    static let chunkBudget = 1 << 22
    /// Scratch floats allowed for transformed weights (64 MiB).
    static let weightBudget = 1 << 24

    /// Entries per phase of an input row: the tiles' columns 4q … 4q + 5 for every padded tile,
    /// rounded up to whole 4-lane shuffles.
    var phaseLength: Int { (paddedTilesPerRow + 1 + 3) / 4 * 4 }

    init(_ geometry: ConvolutionGeometry) {
        self.geometry = geometry
        tileRows = (geometry.outputHeight + 3) / 4
        tilesPerRow = (geometry.outputWidth + 3) / 4
        paddedTilesPerRow = (tilesPerRow + Self.laneCount - 1) / Self.laneCount * Self.laneCount
    }

    /// Whether the algorithm computes this convolution, and whether it is worth it: a 3×3 stride-1
    /// kernel, rows at least a SIMD group of tiles wide (narrower maps would waste most lanes) and
    /// enough channels that the GEMMs, not the transforms, dominate.
    static func isApplicable(_ g: ConvolutionGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == 1 && g.outputHeight > 0 && g.outputWidth > 0
            && g.inputChannels > 0 && g.outputChannels > 0
    }

    static func isProfitable(_ g: ConvolutionGeometry) -> Bool {
        isApplicable(g) && (g.outputWidth + 3) / 4 >= laneCount && g.inputChannels >= 16 && g.outputChannels >= 16
    }

    /// Computes the convolution into `output`, adding to what is there when `accumulate` (bias and
    /// residual prefilled by the caller).
    ///
    /// Output channels are taken in blocks whose transformed weights fit `weightBudget` (a
    /// 1,280-channel layer's would take 236 MB at once); with one block the weights are transformed
    /// once for all chunks of tiles, with several each chunk transforms them again, block by block.
    func run(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let g = geometry
        let (inputChannels, outputChannels) = (g.inputChannels, g.outputChannels)
        let blockChannels = max(1, min(outputChannels, Self.weightBudget / (36 * inputChannels)))
        let blockCount = (outputChannels + blockChannels - 1) / blockChannels
        let transformedWeights = ScratchBuffer(count: 36 * blockChannels * inputChannels)
        if blockCount == 1 {
            Self.transformWeights(weight, pairs: outputChannels * inputChannels, into: transformedWeights.pointer)
        }

        let totalRows = g.batch * tileRows
        let rowsPerChunk = max(1, min(totalRows, Self.chunkBudget / (36 * max(inputChannels, blockChannels) * paddedTilesPerRow)))
        let chunkTiles = rowsPerChunk * paddedTilesPerRow
        let transformedInput = ScratchBuffer(count: 36 * inputChannels * chunkTiles)
        let products = ScratchBuffer(count: 36 * blockChannels * chunkTiles)
        let pointers = UncheckedSendable((input, output, transformedWeights.pointer, transformedInput.pointer, products.pointer))

        var firstRow = 0
        while firstRow < totalRows {
            let rows = min(rowsPerChunk, totalRows - firstRow)
            let tiles = rows * paddedTilesPerRow
            let chunkStart = firstRow
            // 1. Bᵀ d B for every (tile row, input channel).
            Parallel.forEachRange(count: rows * inputChannels, work: tiles * inputChannels * 36) { range in
                let (input, _, _, v, _) = pointers.value
                let phases = ScratchBuffer(count: 28 * phaseLength)
                for item in range {
                    let row = item / inputChannels, channel = item % inputChannels
                    transformInputRow(
                        input, tileRow: chunkStart + row, channel: channel, phases: phases.pointer,
                        into: v + channel * tiles + row * paddedTilesPerRow, positionStride: inputChannels * tiles)
                }
            }
            for block in 0..<blockCount {
                let firstChannel = block * blockChannels
                let channels = min(blockChannels, outputChannels - firstChannel)
                if blockCount > 1 {
                    Self.transformWeights(
                        weight + firstChannel * inputChannels * 9, pairs: channels * inputChannels,
                        into: transformedWeights.pointer)
                }
                // 2. One GEMM per tile position.
                Parallel.forEachItem(count: 36, makeState: {}) { position, _ in
                    let (_, _, u, v, m) = pointers.value
                    sgemm(
                        m: channels, n: tiles, k: inputChannels,
                        a: u + position * channels * inputChannels, lda: inputChannels,
                        b: v + position * inputChannels * tiles, ldb: tiles,
                        c: m + position * channels * tiles, ldc: tiles)
                }
                // 3. Aᵀ M A into the output, for every (tile row, output channel of the block).
                Parallel.forEachRange(count: rows * channels, work: tiles * channels * 36) { range in
                    let (_, output, _, _, m) = pointers.value
                    for item in range {
                        let row = item / channels, channel = item % channels
                        transformOutputRow(
                            from: m + channel * tiles + row * paddedTilesPerRow, positionStride: channels * tiles,
                            tileRow: chunkStart + row, channel: firstChannel + channel, output: output,
                            accumulate: accumulate)
                    }
                }
            }
            firstRow += rows
        }
    }

    /// U = G g Gᵀ for `pairs` consecutive kernels (a block of output channels × every input
    /// channel), stored as 36 matrices `[channels × Cin]` (one per tile position), eight kernels at
    /// a time (one per lane), so that every store is a contiguous vector. Where the CPU has AVX-512 the C
    /// kernel `hediff_winograd_weights_avx512` does the same operations sixteen kernels at a time, with
    /// gathers for the taps instead of the lane-by-lane loads below (this transform was 2.8 % of a
    /// single-threaded UNet forward).
    static func transformWeights(
        _ weight: UnsafePointer<Float>, pairs: Int, into u: UnsafeMutablePointer<Float>, avx512: Bool = AVX512Kernels.enabled
    ) {
        let pointer = UncheckedSendable(u)
        if avx512 {
            Parallel.forEachRange(count: (pairs + 15) / 16, work: pairs * 36) { range in
                hediff_winograd_weights_avx512(weight, pairs, 16 * range.lowerBound, min(16 * range.upperBound, pairs), pointer.value)
            }
            return
        }
        let groups = (pairs + Self.laneCount - 1) / Self.laneCount
        Parallel.forEachRange(count: groups, work: pairs * 36) { range in
            let u = pointer.value
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36 + 18) { transformed in
                let t = transformed.baseAddress! + 36
                for group in range {
                    let first = group * Self.laneCount, count = min(Self.laneCount, pairs - first)
                    @inline(__always) func tap(_ k: Int) -> Lanes {
                        var lanes = Lanes.zero
                        for lane in 0..<count { lanes[lane] = weight[(first + lane) * 9 + k] }
                        return lanes
                    }
                    // Columns first: t = G g (6×3, t[3·row + column]), then each of its six rows · Gᵀ.
                    for column in 0..<3 {
                        let c = Self.kernelTransform(tap(column), tap(3 + column), tap(6 + column))
                        t[column] = c.0; t[3 + column] = c.1; t[6 + column] = c.2
                        t[9 + column] = c.3; t[12 + column] = c.4; t[15 + column] = c.5
                    }
                    for row in 0..<6 {
                        let r = Self.kernelTransform(t[3 * row], t[3 * row + 1], t[3 * row + 2])
                        let base = transformed.baseAddress! + 6 * row
                        base[0] = r.0; base[1] = r.1; base[2] = r.2; base[3] = r.3; base[4] = r.4; base[5] = r.5
                    }
                    for position in 0..<36 {
                        let destination = u + position * pairs + first
                        if count == Self.laneCount {
                            VectorMath.store(transformed[position], to: destination)
                        } else {
                            for lane in 0..<count { destination[lane] = transformed[position][lane] }
                        }
                    }
                }
            }
        }
    }

    /// G·(g0, g1, g2) on eight kernels at once.
    @inline(__always)
    static func kernelTransform(_ g0: Lanes, _ g1: Lanes, _ g2: Lanes) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
        let sum = (g0 + g1 + g2) * (-1 / 6 as Float), alternating = (g0 - g1 + g2) * (-1 / 6 as Float)
        let weighted = g0 * (1 / 24 as Float) + g2 * (1 / 6 as Float), middle = g1 * (1 / 12 as Float)
        return (g0 * 0.25, sum, alternating, weighted + middle, weighted - middle, g2)
    }

    /// Bᵀ·(d0 … d5) on eight tiles at once.
    @inline(__always)
    static func inputTransform(_ d: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
        let (d0, d1, d2, d3, d4, d5) = d
        let a = d4 - 4 * d2, b = d3 - 4 * d1
        let c = d4 - d2, e = 2 * (d3 - d1)
        return (4 * d0 - 5 * d2 + d4, a + b, a - b, c + e, c - e, 4 * d1 - 5 * d3 + d5)
    }

    /// Aᵀ·(m0 … m5) on eight tiles at once.
    @inline(__always)
    static func outputTransform(_ m: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)) -> (Lanes, Lanes, Lanes, Lanes) {
        let (m0, m1, m2, m3, m4, m5) = m
        let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
        return (m0 + sum12 + sum34, difference12 + 2 * difference34, sum12 + 4 * sum34, difference12 + 8 * difference34 + m5)
    }

    /// Transforms the tiles of one tile row of one input channel. `v` points at the row's first
    /// tile in position 0; position ξ is `ξ·positionStride` further on.
    func transformInputRow(
        _ input: UnsafePointer<Float>, tileRow: Int, channel: Int, phases: UnsafeMutablePointer<Float>,
        into v: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        let g = geometry
        let image = tileRow / tileRows, firstInputRow = (tileRow % tileRows) * 4 - g.padding.top
        let plane = input + (image * g.inputChannels + channel) * g.height * g.width
        // phases[(r·4 + p)·phaseLength + q] = input row firstInputRow + r, column 4q + p − left (0
        // outside): each row is copied into a zero-padded line, then split four ways by vector shuffles.
        let phaseLength = self.phaseLength
        let line = phases + 24 * phaseLength
        let lineLength = 4 * phaseLength
        let leading = min(g.padding.left, lineLength), copied = min(g.width, lineLength - leading)
        line.update(repeating: 0, count: leading)
        (line + leading + copied).update(repeating: 0, count: lineLength - leading - copied)
        for r in 0..<6 {
            let y = firstInputRow + r
            let rowPhases = phases + r * 4 * phaseLength
            guard y >= 0, y < g.height else {
                rowPhases.update(repeating: 0, count: 4 * phaseLength)
                continue
            }
            (line + leading).update(from: plane + y * g.width, count: copied)
            for q in stride(from: 0, to: phaseLength, by: 4) {
                let v = VectorMath.load(line + 4 * q, as: SIMD16<Float>.self)
                let (even, odd) = (v.evenHalf, v.oddHalf)
                VectorMath.store(even.evenHalf, to: rowPhases + q)
                VectorMath.store(odd.evenHalf, to: rowPhases + phaseLength + q)
                VectorMath.store(even.oddHalf, to: rowPhases + 2 * phaseLength + q)
                VectorMath.store(odd.oddHalf, to: rowPhases + 3 * phaseLength + q)
            }
        }
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36) { s in
            for group in stride(from: 0, to: paddedTilesPerRow, by: Self.laneCount) {
                // Column k of a tile starting at 4q is phase k % 4 at index q + k / 4.
                @inline(__always) func load(_ r: Int, _ k: Int) -> Lanes {
                    VectorMath.load(phases + (r * 4 + k % 4) * phaseLength + group + k / 4, as: Lanes.self)
                }
                // Bᵀ d column by column (s[6i + k] is row i of column k), then each row · B.
                for k in 0..<6 {
                    let t = Self.inputTransform((load(0, k), load(1, k), load(2, k), load(3, k), load(4, k), load(5, k)))
                    s[k] = t.0; s[6 + k] = t.1; s[12 + k] = t.2; s[18 + k] = t.3; s[24 + k] = t.4; s[30 + k] = t.5
                }
                for i in 0..<6 {
                    let t = Self.inputTransform((s[6 * i], s[6 * i + 1], s[6 * i + 2], s[6 * i + 3], s[6 * i + 4], s[6 * i + 5]))
                    let base = v + (6 * i) * positionStride + group
                    VectorMath.store(t.0, to: base)
                    VectorMath.store(t.1, to: base + positionStride)
                    VectorMath.store(t.2, to: base + 2 * positionStride)
                    VectorMath.store(t.3, to: base + 3 * positionStride)
                    VectorMath.store(t.4, to: base + 4 * positionStride)
                    VectorMath.store(t.5, to: base + 5 * positionStride)
                }
            }
        }
    }

    /// Transforms the GEMM outputs of one tile row of one output channel back into 4×4 output
    /// blocks, cropping the blocks that extend past the output.
    func transformOutputRow(
        from m: UnsafePointer<Float>, positionStride: Int, tileRow: Int, channel: Int,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let g = geometry
        let image = tileRow / tileRows, firstOutputRow = (tileRow % tileRows) * 4
        let plane = output + (image * g.outputChannels + channel) * g.outputPlane
        let rowCount = min(4, g.outputHeight - firstOutputRow)
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 28) { z in
            let block = UnsafeMutableRawPointer(z.baseAddress! + 24).assumingMemoryBound(to: Float.self)
            for group in stride(from: 0, to: tilesPerRow, by: Self.laneCount) {
                @inline(__always) func load(_ position: Int) -> Lanes {
                    VectorMath.load(m + position * positionStride + group, as: Lanes.self)
                }
                // Aᵀ M column by column (z[6i + k] is row i of column k), then each of the four rows · A.
                for k in 0..<6 {
                    let t = Self.outputTransform((load(k), load(6 + k), load(12 + k), load(18 + k), load(24 + k), load(30 + k)))
                    z[k] = t.0; z[6 + k] = t.1; z[12 + k] = t.2; z[18 + k] = t.3
                }
                let firstColumn = group * 4, columnCount = min(4 * Self.laneCount, g.outputWidth - firstColumn)
                for i in 0..<rowCount {
                    let y = Self.outputTransform((z[6 * i], z[6 * i + 1], z[6 * i + 2], z[6 * i + 3], z[6 * i + 4], z[6 * i + 5]))
                    let destination = plane + (firstOutputRow + i) * g.outputWidth + firstColumn
                    if columnCount == 4 * Self.laneCount {
                        // Output column 4·lane + j is y.j[lane]: interleave into four vectors.
                        let out = (
                            Lanes(y.0[0], y.1[0], y.2[0], y.3[0], y.0[1], y.1[1], y.2[1], y.3[1]),
                            Lanes(y.0[2], y.1[2], y.2[2], y.3[2], y.0[3], y.1[3], y.2[3], y.3[3]),
                            Lanes(y.0[4], y.1[4], y.2[4], y.3[4], y.0[5], y.1[5], y.2[5], y.3[5]),
                            Lanes(y.0[6], y.1[6], y.2[6], y.3[6], y.0[7], y.1[7], y.2[7], y.3[7]))
                        if accumulate {
                            VectorMath.store(VectorMath.load(destination, as: Lanes.self) + out.0, to: destination)
                            VectorMath.store(VectorMath.load(destination + 8, as: Lanes.self) + out.1, to: destination + 8)
                            VectorMath.store(VectorMath.load(destination + 16, as: Lanes.self) + out.2, to: destination + 16)
                            VectorMath.store(VectorMath.load(destination + 24, as: Lanes.self) + out.3, to: destination + 24)
                        } else {
                            VectorMath.store(out.0, to: destination)
                            VectorMath.store(out.1, to: destination + 8)
                            VectorMath.store(out.2, to: destination + 16)
                            VectorMath.store(out.3, to: destination + 24)
                        }
                        continue
                    }
                    // The last, cropped group: output column 4·lane + j is block[8j + lane].
                    z[24] = y.0; z[25] = y.1; z[26] = y.2; z[27] = y.3
                    if accumulate {
                        for column in 0..<columnCount { destination[column] += block[(column & 3) * 8 + (column >> 2)] }
                    } else {
                        for column in 0..<columnCount { destination[column] = block[(column & 3) * 8 + (column >> 2)] }
                    }
                }
            }
        }
    }
}
