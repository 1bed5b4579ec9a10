import Tensor
import XCTest
import _TestSupport

final class TensorMatrixMultiplicationTests: XCTestCase {
    func testLinearMatchesNaiveDotProducts() throws {
        var generator = SeededGenerator(seed: 30)
        for (leading, inFeatures, outFeatures, useBias, useResidual) in [
            ([2, 7], 13, 5, true, false), ([3], 64, 33, false, false), ([2, 3, 4], 9, 16, true, true), ([1], 1, 1, true, true),
        ] {
            let x = randomTensor(leading + [inFeatures], generator: &generator)
            let weight = randomTensor([outFeatures, inFeatures], generator: &generator)
            let bias = useBias ? randomTensor([outFeatures], generator: &generator) : nil
            let residual = useResidual ? randomTensor(leading + [outFeatures], generator: &generator) : nil
            let result = try x.linear(weight: weight, bias: bias, residual: residual)
            XCTAssertEqual(result.shape, leading + [outFeatures])
            var expected: [Reference] = []
            for row in 0..<leading.reduce(1, *) {
                for o in 0..<outFeatures {
                    var r = Reference(value: 0, magnitude: 0)
                    for i in 0..<inFeatures {
                        let term = Double(x.scalars[row * inFeatures + i]) * Double(weight.scalars[o * inFeatures + i])
                        r.value += term
                        r.magnitude += abs(term)
                    }
                    for extra in [bias.map { Double($0.scalars[o]) }, residual.map { Double($0.scalars[row * outFeatures + o]) }] {
                        if let extra {
                            r.value += extra
                            r.magnitude += abs(extra)
                        }
                    }
                    expected.append(r)
                }
            }
            assertWithinDotProductBound(result, expected, termCount: inFeatures + 2, "linear \(leading) \(inFeatures)→\(outFeatures)")
        }
    }

    func testLinearRejectsMismatchedShapes() {
        let x = Tensor(zeros: [2, 4])
        let error = assertThrowsTensorError(try x.linear(weight: Tensor(zeros: [3, 5]), bias: nil))
        XCTAssertEqual(error, .shapeMismatch(operation: "linear", operand: "input", expected: "[…, 5] to match weight [3, 5]", found: [2, 4]))
        assertThrowsTensorError(try x.linear(weight: Tensor(zeros: [3, 4]), bias: Tensor(zeros: [4])))
        assertThrowsTensorError(try x.linear(weight: Tensor(zeros: [3, 4]), bias: nil, residual: Tensor(zeros: [2, 4])))
        assertThrowsTensorError(try x.linear(weight: Tensor(zeros: [12]), bias: nil))
    }

    func testBatchedMatmulWithTranspositions() throws {
        var generator = SeededGenerator(seed: 31)
        let (batch, m, k, n) = (3, 5, 11, 7)
        for (transposeA, transposeB, sharedB) in [(false, false, false), (true, false, false), (false, true, false), (true, true, true)] {
            let a = randomTensor(transposeA ? [batch, k, m] : [batch, m, k], generator: &generator)
            let bShape = transposeB ? [n, k] : [k, n]
            let b = randomTensor(sharedB ? bShape : [batch] + bShape, generator: &generator)
            let result = try Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB, alpha: 0.5)
            XCTAssertEqual(result.shape, [batch, m, n])
            var expected: [Reference] = []
            for p in 0..<batch {
                for i in 0..<m {
                    for j in 0..<n {
                        var r = Reference(value: 0, magnitude: 0)
                        for q in 0..<k {
                            let av = transposeA ? a[p, q, i] : a[p, i, q]
                            let bv = sharedB ? (transposeB ? b[j, q] : b[q, j]) : (transposeB ? b[p, j, q] : b[p, q, j])
                            let term = 0.5 * Double(av) * Double(bv)
                            r.value += term
                            r.magnitude += abs(term)
                        }
                        expected.append(r)
                    }
                }
            }
            assertWithinDotProductBound(result, expected, termCount: k + 1, "transposeA \(transposeA) transposeB \(transposeB)")
        }
        assertThrowsTensorError(try Tensor.matmul(Tensor(zeros: [2, 3, 4]), Tensor(zeros: [2, 5, 6])))
        assertThrowsTensorError(try Tensor.matmul(Tensor(zeros: [2, 3, 4]), Tensor(zeros: [3, 4, 6])))
        assertThrowsTensorError(try Tensor.matmul(Tensor(zeros: [4]), Tensor(zeros: [4, 6])))
    }
}
