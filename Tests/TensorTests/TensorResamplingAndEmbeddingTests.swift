import Foundation
import Tensor
import XCTest
import _TestSupport

final class TensorResamplingAndEmbeddingTests: XCTestCase {
    func testNearestUpsamplingRepeatsEachPixelTwiceInBothDirections() throws {
        var generator = SeededGenerator(seed: 70)
        let x = randomTensor([2, 3, 5, 7], generator: &generator)
        let y = try x.upsampledNearest2x()
        XCTAssertEqual(y.shape, [2, 3, 10, 14])
        for n in 0..<2 { for c in 0..<3 { for i in 0..<10 { for j in 0..<14 {
            XCTAssertEqual(y[n, c, i, j], x[n, c, i / 2, j / 2])
        } } } }
        assertThrowsTensorError(try Tensor(zeros: [3, 5, 7]).upsampledNearest2x())
    }

    /// The diffusers formula evaluated in double precision.
    private func referenceEmbedding(_ t: Double, dimension: Int, flip: Bool, shift: Double) -> [Double] {
        let half = dimension / 2
        let arguments = (0..<half).map { t * Foundation.exp(-Foundation.log(10_000) * Double($0) / (Double(half) - shift)) }
        let sines = arguments.map(Foundation.sin), cosines = arguments.map(Foundation.cos)
        return (flip ? cosines + sines : sines + cosines) + (dimension % 2 == 1 ? [0] : [])
    }

    func testTimestepEmbeddingMatchesTheDiffusersFormula() throws {
        let timesteps: [Float] = [0, 1, 261, 999]
        for (dimension, flip, shift) in [(320, true, 0.0), (8, false, 1.0), (7, true, 1.0)] {
            let embedding = try Tensor.timestepEmbedding(
                timesteps: timesteps, dimension: dimension, flipSinToCos: flip, downscaleFreqShift: Float(shift))
            XCTAssertEqual(embedding.shape, [timesteps.count, dimension])
            let expected = timesteps.flatMap { referenceEmbedding(Double($0), dimension: dimension, flip: flip, shift: shift) }
            // The argument t·f is rounded to float32 through three operations (as PyTorch does), an error of
            // up to about 4·u·t; sin and cos move by at most as much.
            assertClose(embedding, expected, tolerance: { index, _ in
                4 * float32Roundoff * Double(timesteps[index / dimension]) + float32Roundoff
            }, "dimension \(dimension)")
        }
        let zero = try Tensor.timestepEmbedding(timesteps: [0], dimension: 4, flipSinToCos: true, downscaleFreqShift: 1)
        XCTAssertEqual(zero.scalars, [1, 1, 0, 0])
        assertThrowsTensorError(try Tensor.timestepEmbedding(timesteps: [1], dimension: 1, flipSinToCos: true, downscaleFreqShift: 0))
        assertThrowsTensorError(try Tensor.timestepEmbedding(timesteps: [1], dimension: 2, flipSinToCos: true, downscaleFreqShift: 1))
    }
}
