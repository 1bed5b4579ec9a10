import Foundation
import Tensor
import XCTest
import _TestSupport

final class TensorNormalizationTests: XCTestCase {
    /// Two-pass group norm in double precision. Also returns the magnitude that bounds the float32
    /// error: |x·a| + |mean·a| + |b| (the kernel computes x·a + (b − mean·a)).
    private func referenceGroupNorm(
        _ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, epsilon: Double, silu: Bool
    ) -> (values: [Double], magnitudes: [Double]) {
        let n = x.shape[0], c = x.shape[1], spatial = x.scalarCount / (n * c), perGroup = c / groups
        var values = [Double](repeating: 0, count: x.scalarCount), magnitudes = values
        for sample in 0..<n {
            for group in 0..<groups {
                let start = (sample * c + group * perGroup) * spatial, count = perGroup * spatial
                let block = x.scalars[start..<(start + count)].map(Double.init)
                let mean = block.reduce(0, +) / Double(count)
                let variance = block.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
                for i in 0..<count {
                    let channel = group * perGroup + i / spatial
                    let a = Double(weight?.scalars[channel] ?? 1) / (variance + epsilon).squareRoot()
                    let b = Double(bias?.scalars[channel] ?? 0)
                    let y = (block[i] - mean) * a + b
                    values[start + i] = silu ? y / (1 + Foundation.exp(-y)) : y
                    magnitudes[start + i] = abs(block[i] * a) + abs(mean * a) + abs(b)
                }
            }
        }
        return (values, magnitudes)
    }

    func testGroupNormMatchesTwoPassDoubleReference() throws {
        var generator = SeededGenerator(seed: 20)
        for (shape, groups, affine, silu) in [
            ([2, 8, 5, 3], 4, true, false), ([1, 6, 7, 7], 3, true, true), ([2, 4, 9], 2, false, false),
            ([2, 64, 16, 16], 32, true, true),
        ] {
            let x = randomTensor(shape, in: -3...5, generator: &generator)
            let weight = affine ? randomTensor([shape[1]], in: 0.5...1.5, generator: &generator) : nil
            let bias = affine ? randomTensor([shape[1]], generator: &generator) : nil
            let result = try x.groupNorm(groupCount: groups, weight: weight, bias: bias, epsilon: 1e-6, applyingSiLU: silu)
            let reference = referenceGroupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: 1e-6, silu: silu)
            // Statistics are summed in float lanes of groupSize/16 terms each (error groupSize/16·u relative to
            // mean|x|); the affine step adds a few roundings; SiLU adds its 6e-7 relative.
            let groupSize = x.scalarCount / (shape[0] * groups)
            let gamma = Double(groupSize / 16 + 16) * float32Roundoff
            assertClose(result, reference.values, tolerance: { index, e in
                gamma * 4 * reference.magnitudes[index] + (silu ? 6e-7 * abs(e) : 0) + 1e-30
            }, "\(shape) groups \(groups)")
        }
    }

    func testGroupNormRejectsBadShapes() {
        let x = Tensor(zeros: [1, 6, 2, 2])
        assertThrowsTensorError(try x.groupNorm(groupCount: 4, weight: nil, bias: nil))
        let error = assertThrowsTensorError(try x.groupNorm(groupCount: 3, weight: Tensor(zeros: [5]), bias: nil))
        XCTAssertEqual(error, .shapeMismatch(operation: "groupNorm", operand: "weight", expected: "[6]", found: [5]))
        assertThrowsTensorError(try Tensor(zeros: [6]).groupNorm(groupCount: 3, weight: nil, bias: nil))
    }

    func testLayerNormMatchesTwoPassDoubleReference() throws {
        var generator = SeededGenerator(seed: 21)
        for width in [5, 16, 77, 320] {
            let x = randomTensor([2, 3, width], in: -2...6, generator: &generator)
            let weight = randomTensor([width], in: 0.5...1.5, generator: &generator)
            let bias = randomTensor([width], generator: &generator)
            let result = try x.layerNorm(weight: weight, bias: bias, epsilon: 1e-5)
            var expected: [Double] = [], magnitudes: [Double] = []
            for row in 0..<6 {
                let values = x.scalars[(row * width)..<((row + 1) * width)].map(Double.init)
                let mean = values.reduce(0, +) / Double(width)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
                let r = 1 / (variance + 1e-5).squareRoot()
                for (i, v) in values.enumerated() {
                    let g = Double(weight.scalars[i]), b = Double(bias.scalars[i])
                    expected.append((v - mean) * r * g + b)
                    magnitudes.append((abs(v) + abs(mean)) * r * abs(g) + abs(b))
                }
            }
            let gamma = Double(width / 16 + 16) * float32Roundoff
            assertClose(result, expected, tolerance: { index, _ in gamma * 4 * magnitudes[index] + 1e-30 }, "width \(width)")
        }
        let plain = try Tensor(shape: [1, 4], scalars: [1, 2, 3, 4]).layerNorm(weight: nil, bias: nil, epsilon: 0)
        assertClose(plain, [-3, -1, 1, 3].map { $0 / 5.0.squareRoot() }, relative: 1e-6, absolute: 1e-7)
        assertThrowsTensorError(try Tensor(zeros: [2, 4]).layerNorm(weight: Tensor(zeros: [3]), bias: nil))
    }
}
