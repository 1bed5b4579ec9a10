import Foundation
@_spi(Testing) import Tensor
import XCTest
import _TestSupport

/// Softmax's row kernel (e^(x − max x) in place, and the sum), through each implementation this CPU can
/// run, against Double's exp. The AVX-512 kernel must also agree with the portable loop to a few float32
/// roundings, since it is meant to be the same algorithm.
final class ExponentiateRowTests: XCTestCase {
    private var generator = SeededGenerator(seed: 31)

    func testBothImplementationsAgainstDoubleExp() {
        let implementations = Tensor.hasAVX512Kernels ? [false, true] : [false]
        for width in [1, 2, 15, 16, 17, 31, 33, 77, 256, 4096, 4099] {
            var row = (0..<width).map { _ in Float(Double(generator.next() >> 11) * 0x1p-53 * 60 - 40) }
            // Edges: entries far below the maximum (flushed to 0 below e^−87.33) and one −∞ (a masked key).
            if width > 3 {
                row[1] = row.max()! - 87.2
                row[2] = row.max()! - 200
                row[3] = -.infinity
            }
            let maximum = Double(row.max()!)
            let expected = row.map { Foundation.exp(Double($0) - maximum) }
            var outputs: [[Float]] = []
            for avx512 in implementations {
                let (values, sum) = Tensor.exponentiatedRow(row, avx512: avx512)
                for (index, (value, exact)) in zip(values, expected).enumerated() {
                    // Rounding x − max to float32 (|x − max|·u relative) plus exp's own 3e-7; below the
                    // smallest normal the result is 0.
                    let shift = maximum - Double(row[index])
                    let tolerance = exact < 1.2e-38 ? 1.2e-38 : exact * (shift * 0x1p-24 + 3e-7)
                    XCTAssertEqual(Double(value), exact, accuracy: tolerance, "width \(width), index \(index), AVX-512 \(avx512)")
                }
                let exactSum = expected.reduce(0, +)
                XCTAssertEqual(Double(sum), exactSum, accuracy: exactSum * (Double(width) * 0x1p-24 + 1e-6), "sum, width \(width)")
                outputs.append(values)
            }
            if outputs.count == 2 {
                for (a, b) in zip(outputs[0], outputs[1]) { XCTAssertEqual(a, b, accuracy: max(a, b) * 4e-7, "width \(width)") }
            }
        }
    }
}
