import Tensor
import XCTest

/// Tensors with a zero extent (an empty batch, no tokens) must pass through every kernel with the
/// right output shape instead of trapping.
final class TensorEmptyTests: XCTestCase {
    func testEmptyTensorsFlowThroughEveryKernel() throws {
        let e = Tensor(zeros: [0, 4, 3, 3])
        XCTAssertEqual(e.silu().shape, [0, 4, 3, 3])
        XCTAssertEqual(try (e + e).shape, [0, 4, 3, 3])
        XCTAssertEqual(try e.permuted([0, 2, 3, 1]).shape, [0, 3, 3, 4])
        XCTAssertEqual(try e.softmax().shape, [0, 4, 3, 3])
        XCTAssertEqual(try e.groupNorm(groupCount: 2, weight: nil, bias: nil).shape, [0, 4, 3, 3])
        XCTAssertEqual(try e.conv2d(weight: Tensor(zeros: [2, 4, 3, 3]), bias: Tensor(zeros: [2]), padding: 1).shape, [0, 2, 3, 3])
        XCTAssertEqual(try e.upsampledNearest2x().shape, [0, 4, 6, 6])
        XCTAssertEqual(try Tensor.concatenated([e, e], axis: 0).shape, [0, 4, 3, 3])
        XCTAssertEqual(try e.sliced(axis: 1, range: 1..<1).shape, [0, 0, 3, 3])
        XCTAssertEqual(try Tensor(zeros: [0, 5]).linear(weight: Tensor(zeros: [3, 5]), bias: Tensor(zeros: [3])).shape, [0, 3])
        XCTAssertEqual(try Tensor(zeros: [0, 4]).geglu().shape, [0, 2])
        XCTAssertEqual(try Tensor(zeros: [2, 0]).layerNorm(weight: nil, bias: nil).shape, [2, 0])
        XCTAssertEqual(
            try Tensor.scaledDotProductAttention(
                query: Tensor(zeros: [1, 0, 4]), key: Tensor(zeros: [1, 3, 4]), value: Tensor(zeros: [1, 3, 4]), headCount: 2
            ).shape, [1, 0, 4])
    }

    func testEmptyReductionsGiveTheirNeutralResult() throws {
        // A linear layer without inputs is its bias; a product over an empty inner extent is zero.
        let linear = try Tensor(zeros: [2, 0]).linear(weight: Tensor(zeros: [3, 0]), bias: Tensor(repeating: 1, shape: [3]))
        XCTAssertEqual(linear, Tensor(repeating: 1, shape: [2, 3]))
        XCTAssertEqual(try Tensor.matmul(Tensor(zeros: [2, 3, 0]), Tensor(zeros: [0, 4])), Tensor(zeros: [2, 3, 4]))
        let noChannels = try Tensor(zeros: [1, 0, 4, 4]).conv2d(weight: Tensor(zeros: [2, 0, 3, 3]), bias: Tensor(repeating: 1, shape: [2]), padding: 1)
        XCTAssertEqual(noChannels, Tensor(repeating: 1, shape: [1, 2, 4, 4]))
        let noChannelsNoBias = try Tensor(zeros: [1, 0, 4, 4]).conv2d(weight: Tensor(zeros: [2, 0, 1, 1]), bias: nil)
        XCTAssertEqual(noChannelsNoBias, Tensor(zeros: [1, 2, 4, 4]))
        let noKeys = try Tensor.scaledDotProductAttention(
            query: Tensor(repeating: 1, shape: [1, 2, 4]), key: Tensor(zeros: [1, 0, 4]), value: Tensor(zeros: [1, 0, 4]), headCount: 2)
        XCTAssertEqual(noKeys, Tensor(zeros: [1, 2, 4]))
    }
}
