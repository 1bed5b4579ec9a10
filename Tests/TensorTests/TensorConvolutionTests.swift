import Tensor
import XCTest
import _TestSupport

final class TensorConvolutionTests: XCTestCase {
    /// Direct 7-deep loop convolution in double precision, with the magnitude that bounds the float32 error.
    private func referenceConv2d(
        _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Padding2D, residual: Tensor?
    ) -> (shape: [Int], values: [Reference]) {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let ho = (h + padding.top + padding.bottom - kh) / stride + 1
        let wo = (w + padding.left + padding.right - kw) / stride + 1
        var values: [Reference] = []
        for b in 0..<n {
            for o in 0..<cout {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var r = Reference(value: 0, magnitude: 0)
                        for c in 0..<cin {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * stride + ky - padding.top, ix = ox * stride + kx - padding.left
                                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                    let term = Double(x[b, c, iy, ix]) * Double(weight[o, c, ky, kx])
                                    r.value += term
                                    r.magnitude += abs(term)
                                }
                            }
                        }
                        for extra in [bias.map { Double($0[o]) }, residual.map { Double($0[b, o, oy, ox]) }] {
                            if let extra {
                                r.value += extra
                                r.magnitude += abs(extra)
                            }
                        }
                        values.append(r)
                    }
                }
            }
        }
        return ([n, cout, ho, wo], values)
    }

    private func check(
        input: [Int], weight: [Int], stride: Int, padding: Padding2D, bias: Bool, residual: Bool, seed: UInt64,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var generator = SeededGenerator(seed: seed)
        let x = randomTensor(input, generator: &generator)
        let w = randomTensor(weight, generator: &generator)
        let b = bias ? randomTensor([weight[0]], generator: &generator) : nil
        let reference0 = referenceConv2d(x, weight: w, bias: nil, stride: stride, padding: padding, residual: nil)
        let r = residual ? randomTensor(reference0.shape, generator: &generator) : nil
        let result = try x.conv2d(weight: w, bias: b, stride: stride, padding: padding, residual: r)
        let reference = referenceConv2d(x, weight: w, bias: b, stride: stride, padding: padding, residual: r)
        XCTAssertEqual(result.shape, reference.shape, file: file, line: line)
        assertWithinDotProductBound(
            result, reference.values, termCount: weight[1] * weight[2] * weight[3] + 2,
            "conv \(input) * \(weight) stride \(stride) padding \(padding)", file: file, line: line)
    }

    func testThreeByThreeSamePadding() throws {
        try check(input: [2, 5, 9, 7], weight: [4, 5, 3, 3], stride: 1, padding: 1, bias: true, residual: false, seed: 40)
    }

    func testThreeByThreeStrideTwoDownsampling() throws {
        try check(input: [1, 3, 9, 8], weight: [6, 3, 3, 3], stride: 2, padding: 1, bias: true, residual: false, seed: 41)
    }

    func testAsymmetricPaddingOfTheVAEEncoderDownsampler() throws {
        let padding = Padding2D(top: 0, bottom: 1, left: 0, right: 1)
        try check(input: [2, 4, 8, 8], weight: [4, 4, 3, 3], stride: 2, padding: padding, bias: true, residual: false, seed: 42)
    }

    func testPointwiseConvolutionWithResidual() throws {
        try check(input: [2, 6, 5, 5], weight: [3, 6, 1, 1], stride: 1, padding: 0, bias: true, residual: true, seed: 43)
        try check(input: [1, 6, 4, 3], weight: [7, 6, 1, 1], stride: 1, padding: 0, bias: false, residual: false, seed: 44)
    }

    func testThreeByThreeWithResidualAndNoBias() throws {
        try check(input: [2, 3, 6, 6], weight: [5, 3, 3, 3], stride: 1, padding: 1, bias: false, residual: true, seed: 45)
    }

    func testUnusualKernelsStridesAndPaddings() throws {
        try check(input: [1, 2, 11, 9], weight: [3, 2, 4, 2], stride: 3, padding: 2, bias: true, residual: false, seed: 46)
        try check(input: [1, 2, 3, 3], weight: [2, 2, 3, 3], stride: 1, padding: 0, bias: true, residual: false, seed: 47)
        try check(input: [1, 2, 5, 5], weight: [2, 2, 1, 1], stride: 2, padding: 1, bias: true, residual: false, seed: 48)
        try check(input: [1, 1, 2, 2], weight: [1, 1, 5, 5], stride: 1, padding: 2, bias: false, residual: false, seed: 49)
    }

    func testLargeInputIsTiledIntoSeveralUnfoldings() throws {
        // 256·9 = 2304 patch rows × 1000 columns exceeds the scratch bound, so every output row is its own tile.
        try check(input: [1, 256, 3, 1000], weight: [2, 256, 3, 3], stride: 1, padding: 1, bias: true, residual: true, seed: 50)
    }

    func testRejectsMismatchedOperands() {
        let x = Tensor(zeros: [1, 4, 8, 8])
        let error = assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [8, 3, 3, 3]), bias: nil, padding: 1))
        XCTAssertEqual(
            error,
            .shapeMismatch(operation: "conv2d", operand: "weight", expected: "[Cout, 4, kH, kW] for input [1, 4, 8, 8]", found: [8, 3, 3, 3]))
        assertThrowsTensorError(try Tensor(zeros: [4, 8, 8]).conv2d(weight: Tensor(zeros: [8, 4, 3, 3]), bias: nil))
        assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [8, 4, 3, 3]), bias: Tensor(zeros: [4])))
        assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [8, 4, 3, 3]), bias: nil, stride: 0))
        assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [8, 4, 9, 9]), bias: nil))
        assertThrowsTensorError(try x.conv2d(weight: Tensor(zeros: [8, 4, 3, 3]), bias: nil, padding: 1, residual: Tensor(zeros: [1, 8, 6, 6])))
    }
}
