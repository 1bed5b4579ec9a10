import Tensor
import XCTest
import _TestSupport

/// Winograd F(4×4, 3×3) against a double-precision direct convolution.
///
/// Tolerance, from the algorithm's structure rather than from our output: the result is
/// `Aᵀ[Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)]A`, and every float32 rounding in it is bounded by u times the
/// magnitude of the value rounded. Replacing every matrix and operand by its absolute value bounds
/// all those magnitudes at once, so the error is at most γ·|Aᵀ|[Σ_c (|G||g_c||G|ᵀ) ⊙ (|Bᵀ||d_c||B|)]|A|
/// with γ = (Cin + 16)·u (Cin for the GEMM's sum, 16 for the depth of the transforms and the
/// bias/residual). The matrices below are Lavin and Gray's, typed in here independently of the
/// implementation.
final class TensorWinogradConvolutionTests: XCTestCase {
    private let inputMatrix: [[Double]] = [  // Bᵀ
        [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
        [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
    ]
    private let kernelMatrix: [[Double]] = [  // G
        [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
    ]
    private let outputMatrix: [[Double]] = [  // Aᵀ
        [1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1],
    ]

    /// L·X·Rᵀ on small dense matrices.
    private func sandwich(_ l: [[Double]], _ x: [[Double]], _ r: [[Double]]) -> [[Double]] {
        let lx = l.map { row in (0..<x[0].count).map { j in zip(row, x).reduce(0) { $0 + $1.0 * $1.1[j] } } }
        return lx.map { row in r.map { rRow in zip(row, rRow).reduce(0) { $0 + $1.0 * $1.1 } } }
    }

    private func absolute(_ m: [[Double]]) -> [[Double]] { m.map { $0.map(abs) } }

    /// Direct convolution in double precision, and the Winograd magnitude bound of every output.
    private func reference(
        _ x: Tensor, _ w: Tensor, bias: Tensor?, residual: Tensor?, padding: Padding2D
    ) -> (values: [Double], bounds: [Double]) {
        let (n, cin, h, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = w.shape[0]
        let ho = h + padding.top + padding.bottom - 2, wo = width + padding.left + padding.right - 2
        func input(_ b: Int, _ c: Int, _ y: Int, _ xx: Int) -> Double {
            y >= 0 && y < h && xx >= 0 && xx < width ? Double(x[b, c, y, xx]) : 0
        }
        var values = [Double](repeating: 0, count: n * cout * ho * wo)
        var bounds = values
        let (absB, absG, absA) = (absolute(inputMatrix), absolute(kernelMatrix), absolute(outputMatrix))
        for b in 0..<n {
            for o in 0..<cout {
                for ty in 0..<(ho + 3) / 4 {
                    for tx in 0..<(wo + 3) / 4 {
                        var product = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
                        for c in 0..<cin {
                            let d = (0..<6).map { i in (0..<6).map { j in abs(input(b, c, 4 * ty + i - padding.top, 4 * tx + j - padding.left)) } }
                            let g = (0..<3).map { i in (0..<3).map { j in abs(Double(w[o, c, i, j])) } }
                            let transformedInput = sandwich(absB, d, absB)
                            let transformedKernel = sandwich(absG, g, absG)
                            for i in 0..<6 { for j in 0..<6 { product[i][j] += transformedInput[i][j] * transformedKernel[i][j] } }
                        }
                        let magnitude = sandwich(absA, product, absA)
                        for i in 0..<4 where 4 * ty + i < ho {
                            for j in 0..<4 where 4 * tx + j < wo {
                                let (oy, ox) = (4 * ty + i, 4 * tx + j)
                                var value = 0.0
                                for c in 0..<cin {
                                    for ky in 0..<3 {
                                        for kx in 0..<3 {
                                            value += input(b, c, oy + ky - padding.top, ox + kx - padding.left) * Double(w[o, c, ky, kx])
                                        }
                                    }
                                }
                                var extra = 0.0
                                if let bias { extra += abs(Double(bias[o])); value += Double(bias[o]) }
                                if let residual { extra += abs(Double(residual[b, o, oy, ox])); value += Double(residual[b, o, oy, ox]) }
                                let index = ((b * cout + o) * ho + oy) * wo + ox
                                values[index] = value
                                bounds[index] = magnitude[i][j] + extra
                            }
                        }
                    }
                }
            }
        }
        return (values, bounds)
    }

    private func check(
        input: [Int], outputChannels: Int, padding: Padding2D = 1, bias: Bool = true, residual: Bool = false,
        seed: UInt64, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var generator = SeededGenerator(seed: seed)
        let x = randomTensor(input, generator: &generator)
        let w = randomTensor([outputChannels, input[1], 3, 3], generator: &generator)
        let b = bias ? randomTensor([outputChannels], generator: &generator) : nil
        let outputShape = [input[0], outputChannels, input[2] + padding.top + padding.bottom - 2, input[3] + padding.left + padding.right - 2]
        let r = residual ? randomTensor(outputShape, generator: &generator) : nil
        let result = try x.conv2d(weight: w, bias: b, padding: padding, residual: r, algorithm: .winograd)
        XCTAssertEqual(result.shape, outputShape, file: file, line: line)
        let expected = reference(x, w, bias: b, residual: r, padding: padding)
        let gamma = Double(input[1] + 16) * float32Roundoff
        assertClose(
            result, expected.values, tolerance: { index, _ in gamma * expected.bounds[index] + 1e-30 },
            "winograd \(input) → \(outputChannels) padding \(padding)", file: file, line: line)
        // The errors are far inside the bound; they are also small in absolute terms.
        let im2col = try x.conv2d(weight: w, bias: b, padding: padding, residual: r, algorithm: .im2col)
        let largest = zip(result.scalars, im2col.scalars).map { abs($0 - $1) }.max() ?? 0
        let scale = im2col.scalars.map(abs).max() ?? 1
        XCTAssertLessThan(largest, 1e-5 * max(scale, 1), "winograd vs im2col", file: file, line: line)
    }

    func testSamePaddingWholeTiles() throws {
        try check(input: [2, 5, 8, 32], outputChannels: 4, seed: 70)
    }

    func testCroppedTilesAndPartialLaneGroups() throws {
        // 7×13 outputs: a partial tile in both directions and one group of 4 real tiles in 8 lanes.
        try check(input: [1, 3, 7, 13], outputChannels: 6, bias: false, residual: true, seed: 71)
        try check(input: [1, 2, 9, 37], outputChannels: 3, residual: true, seed: 72)
    }

    func testOtherPaddings() throws {
        try check(input: [1, 3, 10, 11], outputChannels: 2, padding: 0, seed: 73)
        try check(input: [1, 2, 6, 9], outputChannels: 2, padding: Padding2D(top: 2, bottom: 0, left: 1, right: 2), seed: 74)
    }

    func testAutomaticChoiceOnALargeMapWithManyChannels() throws {
        // 64×64 with 24 channels in and out takes the Winograd path under `.automatic`, in chunks
        // of tile rows; both algorithms must agree with the reference.
        var generator = SeededGenerator(seed: 75)
        let x = randomTensor([1, 24, 40, 64], generator: &generator)
        let w = randomTensor([24, 24, 3, 3], generator: &generator)
        let automatic = try x.conv2d(weight: w, bias: nil, padding: 1)
        let expected = reference(x, w, bias: nil, residual: nil, padding: 1)
        let gamma = Double(24 + 16) * float32Roundoff
        assertClose(automatic, expected.values, tolerance: { index, _ in gamma * expected.bounds[index] + 1e-30 }, "automatic")
    }

    /// A layer whose transformed weights exceed the 64 MiB budget (36·1,024·520 floats) runs in
    /// blocks of output channels. Same bound as `reference`, computed with flat arrays (the
    /// transformed input magnitudes once per channel and tile, the kernels' once per pair).
    func testOutputChannelBlocksOfALargeLayer() throws {
        var generator = SeededGenerator(seed: 76)
        let (cin, cout, size) = (1024, 520, 8)
        let x = randomTensor([1, cin, size, size], generator: &generator)
        let w = randomTensor([cout, cin, 3, 3], generator: &generator)
        let result = try x.conv2d(weight: w, bias: nil, padding: 1, algorithm: .winograd)
        let xs = x.scalars.map(Double.init), ws = w.scalars.map(Double.init)
        let (absB, absG, absA) = (absolute(inputMatrix), absolute(kernelMatrix), absolute(outputMatrix))
        let tiles = size / 4
        func pixel(_ c: Int, _ y: Int, _ xx: Int) -> Double {
            y >= 0 && y < size && xx >= 0 && xx < size ? xs[(c * size + y) * size + xx] : 0
        }
        // |Bᵀ||d||B| for every (tile, channel).
        var transformedInputs = [[Double]](repeating: [], count: tiles * tiles * cin)
        for t in 0..<tiles * tiles {
            for c in 0..<cin {
                let d = (0..<6).map { i in (0..<6).map { j in abs(pixel(c, 4 * (t / tiles) + i - 1, 4 * (t % tiles) + j - 1)) } }
                transformedInputs[t * cin + c] = sandwich(absB, d, absB).flatMap { $0 }
            }
        }
        let gamma = Double(cin + 16) * float32Roundoff
        var failures = 0
        for o in 0..<cout {
            var products = [Double](repeating: 0, count: tiles * tiles * 36)
            for c in 0..<cin {
                let g = (0..<3).map { i in (0..<3).map { j in abs(ws[(o * cin + c) * 9 + 3 * i + j]) } }
                let kernel = sandwich(absG, g, absG).flatMap { $0 }
                for t in 0..<tiles * tiles {
                    let input = transformedInputs[t * cin + c]
                    for position in 0..<36 { products[t * 36 + position] += input[position] * kernel[position] }
                }
            }
            for t in 0..<tiles * tiles {
                let p = (0..<6).map { i in Array(products[(t * 36 + 6 * i)..<(t * 36 + 6 * i + 6)]) }
                let magnitude = sandwich(absA, p, absA)
                for i in 0..<4 {
                    for j in 0..<4 {
                        let (oy, ox) = (4 * (t / tiles) + i, 4 * (t % tiles) + j)
                        var value = 0.0
                        for c in 0..<cin {
                            for ky in 0..<3 {
                                for kx in 0..<3 { value += pixel(c, oy + ky - 1, ox + kx - 1) * ws[(o * cin + c) * 9 + 3 * ky + kx] }
                            }
                        }
                        let got = Double(result.scalars[(o * size + oy) * size + ox])
                        if !(abs(got - value) <= gamma * magnitude[i][j]), failures < 5 {
                            failures += 1
                            XCTFail("output (\(o), \(oy), \(ox)): \(got), expected \(value) within \(gamma * magnitude[i][j])")
                        }
                    }
                }
            }
        }
    }

    func testWinogradRefusesOtherKernels() {
        let x = Tensor(zeros: [1, 2, 8, 8])
        assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [2, 2, 3, 3]), bias: nil, stride: 2, padding: 1, algorithm: .winograd))
        assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [2, 2, 1, 1]), bias: nil, algorithm: .winograd))
    }
}
