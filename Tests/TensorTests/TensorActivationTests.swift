import Foundation
import Tensor
import XCTest
import _TestSupport

final class TensorActivationTests: XCTestCase {
    private var generator = SeededGenerator(seed: 10)

    /// Inputs covering the saturated tails, the origin, and more than one SIMD vector plus a tail.
    private func inputs() -> Tensor {
        var t = randomTensor([3, 7, 13], in: -12...12, generator: &generator)
        t.withUnsafeMutableBufferPointer { buffer in
            for (i, x) in [0, -0.0, 1e-8, -1e-8, 30, -30, 100, -100, 88.5, -88.5].enumerated() { buffer[i] = Float(x) }
        }
        return t
    }

    func testExpHasRelativeErrorBelowThreeTenthsOfAMillionth() {
        let x = randomTensor([1000], in: -87.3...88, generator: &generator)
        // The polynomial's truncation error is 1.2e-7 and about six float32 roundings add ~1.2e-7 more.
        assertClose(x.exp(), x.scalars.map { Foundation.exp(Double($0)) }, relative: 3e-7, absolute: 0)
    }

    func testSigmoidAndSiLU() {
        let x = inputs()
        // σ inherits exp's 3e-7 plus a rounding in 1 + e and one in the division. Where e^-x saturates
        // (x in [-88.72, -88)) σ is off by less than 1e-38 absolute, and x·σ by less than 1e-36.
        let sigmoid = x.scalars.map { 1 / (1 + Foundation.exp(-Double($0))) }
        assertClose(x.sigmoid(), sigmoid, relative: 5e-7, absolute: 1e-38)
        assertClose(x.silu(), zip(x.scalars, sigmoid).map { Double($0) * $1 }, relative: 6e-7, absolute: 1e-36)
        XCTAssertEqual(try Tensor(shape: [2], scalars: [-100, 100]).silu().scalars, [0, 100])
    }

    func testQuickGELU() {
        let x = inputs()
        let expected = x.scalars.map { Double($0) / (1 + Foundation.exp(-1.702 * Double($0))) }
        // One more rounding than SiLU for the product 1.702·x, whose relative error shifts σ by at most |1.702x|·u.
        assertClose(x.quickGELU(), expected, tolerance: { index, e in
            let xi = Double(x.scalars[index])
            return 6e-7 * abs(e) + abs(xi) * abs(1.702 * xi) * float32Roundoff + 1e-37
        })
    }

    func testExactGELUMatchesErfDefinition() {
        let x = inputs()
        let expected = x.scalars.map { 0.5 * Double($0) * (1 + Foundation.erf(Double($0) / 2.0.squareRoot())) }
        // erf is approximated to 1.5e-7 absolute (A&S 7.1.26), about 2e-7 after float32 rounding,
        // which moves GELU by |x|/2 · 2e-7; the remaining operations add a few ulps.
        assertClose(x.gelu(), expected, tolerance: { index, e in
            1e-7 * abs(Double(x.scalars[index])) + 4 * float32Roundoff * abs(e) + 1e-37
        })
    }

    func testGEGLUGatesTheFirstHalfWithGELUOfTheSecond() throws {
        let x = randomTensor([2, 5, 2 * 37], in: -4...4, generator: &generator)
        let result = try x.geglu()
        XCTAssertEqual(result.shape, [2, 5, 37])
        var expected: [Double] = []
        var bounds: [Double] = []
        for row in 0..<10 {
            for i in 0..<37 {
                let hidden = Double(x.scalars[row * 74 + i]), gate = Double(x.scalars[row * 74 + 37 + i])
                let gelu = 0.5 * gate * (1 + Foundation.erf(gate / 2.0.squareRoot()))
                expected.append(hidden * gelu)
                bounds.append(abs(hidden) * (1e-7 * abs(gate) + 5 * float32Roundoff * abs(gelu)) + 1e-37)
            }
        }
        assertClose(result, expected, tolerance: { index, _ in bounds[index] })
        assertThrowsTensorError(try Tensor(zeros: [2, 3]).geglu())
    }

    func testSoftmaxOverLastDimension() throws {
        for width in [1, 7, 16, 77, 100] {
            let x = randomTensor([3, 4, width], in: -20...20, generator: &generator)
            let result = try x.softmax()
            var expected: [Double] = [], relative: [Double] = []
            for row in 0..<12 {
                let values = x.scalars[(row * width)..<((row + 1) * width)].map(Double.init)
                let m = values.max()!
                let e = values.map { Foundation.exp($0 - m) }
                let s = e.reduce(0, +)
                expected += e.map { $0 / s }
                // Rounding x − max to float32 shifts the exponent by up to |x − max|·u (relative error of
                // e^x); exp adds 3e-7 per term, the float sum width·u, the scaling one rounding; the sum's
                // terms carry the row's largest shift.
                let spread = m - values.min()!
                relative += values.map { (m - $0) * float32Roundoff + spread * float32Roundoff + 6e-7 + Double(width + 2) * float32Roundoff }
            }
            assertClose(result, expected, tolerance: { index, e in relative[index] * e + 1e-37 }, "width \(width)")
        }
        let large = try Tensor(shape: [1, 3], scalars: [1000, 1000, -1000]).softmax()
        XCTAssertEqual(large.scalars, [0.5, 0.5, 0])
        XCTAssertEqual(try Tensor(shape: [5], scalars: [0, -.infinity, -100, -87.4, 89]).exp().scalars, [1, 0, 0, 0, .infinity])
        assertThrowsTensorError(try Tensor(repeating: 1, shape: []).softmax())
    }
}
