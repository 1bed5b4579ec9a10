import Foundation
@_spi(Testing) import Tensor
import XCTest
import _TestSupport

/// GEGLU's row kernel, hidden ⊙ GELU(gate) with GELU by erf, through each implementation this CPU can run,
/// against Double's erf; the AVX-512 kernel must also agree with the portable loop to a few roundings.
final class GatedGELUTests: XCTestCase {
    private var generator = SeededGenerator(seed: 41)

    func testBothImplementationsAgainstDoubleErf() {
        let implementations = Tensor.hasAVX512Kernels ? [false, true] : [false]
        for width in [1, 15, 16, 17, 40, 1280, 1283] {
            var gate = (0..<width).map { _ in Float(Double(generator.next() >> 11) * 0x1p-53 * 16 - 8) }
            let hidden = (0..<width).map { _ in Float(Double(generator.next() >> 11) * 0x1p-53 * 4 - 2) }
            // Edges: 0, ±0, tails where erf saturates, and NaN-free extremes.
            for (index, value) in [0, -0.0, 6, -6, 30, -30, 1e-6].enumerated() where index < width { gate[index] = Float(value) }
            var outputs: [[Float]] = []
            for avx512 in implementations {
                let out = Tensor.gatedGELU(hidden: hidden, gate: gate, avx512: avx512)
                for index in 0..<width {
                    let g = Double(gate[index]), h = Double(hidden[index])
                    let exact = h * g / 2 * (1 + Foundation.erf(g / 2.0.squareRoot()))
                    // erf's 2e-7 absolute error, scaled by |h·g|/2, plus a few float32 roundings.
                    let tolerance = abs(h * g) / 2 * 2e-7 + abs(exact) * 6e-7 + 1e-30
                    XCTAssertEqual(Double(out[index]), exact, accuracy: tolerance, "width \(width), index \(index), AVX-512 \(avx512)")
                }
                outputs.append(out)
            }
            if outputs.count == 2 {
                // The two round differently (the C kernel fuses multiply-adds), and 1 + erf(g) cancels for
                // negative g, so they agree to erf's absolute error scaled by |h·g|/2, not relatively.
                for index in 0..<width {
                    let scale = Double(abs(hidden[index] * gate[index])) / 2
                    XCTAssertEqual(Double(outputs[0][index]), Double(outputs[1][index]), accuracy: scale * 4e-7 + Double(abs(outputs[0][index])) * 1e-6 + 1e-30, "width \(width)")
                }
            }
        }
    }
}
