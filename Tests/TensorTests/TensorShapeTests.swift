import Tensor
import XCTest
import _TestSupport

final class TensorShapeTests: XCTestCase {
    func testInitValidatesCountAndShape() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.rank, 2)
        XCTAssertEqual(t.scalarCount, 6)
        XCTAssertEqual(t[1, 2], 6)
        XCTAssertEqual(
            assertThrowsTensorError(try Tensor(shape: [2, 3], scalars: [1, 2])),
            .scalarCountMismatch(shape: [2, 3], scalarCount: 2))
        assertThrowsTensorError(try Tensor(shape: [-1, 3], scalars: []))
        XCTAssertEqual(Tensor(zeros: [2, 2]).scalars, [0, 0, 0, 0])
        XCTAssertEqual(Tensor(repeating: 7, shape: [3]).scalars, [7, 7, 7])
    }

    func testErrorMessagesNameExpectedAndFoundShapes() {
        let error = TensorError.shapeMismatch(operation: "conv2d", operand: "weight", expected: "[Cout, 4, kH, kW]", found: [8, 3, 3, 3])
        XCTAssertEqual(error.description, "conv2d: weight has shape [8, 3, 3, 3], expected [Cout, 4, kH, kW]")
    }

    func testReshapeInfersOneExtent() throws {
        let t = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        XCTAssertEqual(try t.reshaped([6, -1]).shape, [6, 4])
        XCTAssertEqual(try t.reshaped([6, -1]).scalars, t.scalars)
        assertThrowsTensorError(try t.reshaped([5, -1]))
        assertThrowsTensorError(try t.reshaped([-1, -1]))
        assertThrowsTensorError(try t.reshaped([2, 3]))
    }

    func testPermuteMatchesIndexArithmetic() throws {
        var generator = SeededGenerator(seed: 1)
        let shape = [2, 3, 4, 5]
        let t = randomTensor(shape, generator: &generator)
        for axes in [[0, 2, 3, 1], [3, 2, 1, 0], [1, 0, 2, 3], [0, 1, 3, 2], [0, 1, 2, 3]] {
            let p = try t.permuted(axes)
            XCTAssertEqual(p.shape, axes.map { shape[$0] })
            let outStrides = strides(of: p.shape), inStrides = strides(of: shape)
            for flat in 0..<p.scalarCount {
                var source = 0
                for (d, axis) in axes.enumerated() { source += (flat / outStrides[d]) % p.shape[d] * inStrides[axis] }
                XCTAssertEqual(p.scalars[flat], t.scalars[source], "axes \(axes) element \(flat)")
            }
        }
        let big = randomTensor([2, 64, 300], generator: &generator)
        let transposed = try big.transposed(1, 2)
        XCTAssertEqual(transposed[1, 299, 63], big[1, 63, 299])
        XCTAssertEqual(try transposed.transposed(1, 2), big)
        assertThrowsTensorError(try t.permuted([0, 1, 1, 2]))
        assertThrowsTensorError(try t.transposed(0, 4))
    }

    func testSliceConcatSplitChunk() throws {
        var generator = SeededGenerator(seed: 2)
        let t = randomTensor([2, 6, 3], generator: &generator)
        let slice = try t.sliced(axis: 1, range: 2..<5)
        XCTAssertEqual(slice.shape, [2, 3, 3])
        for n in 0..<2 { for c in 0..<3 { for x in 0..<3 { XCTAssertEqual(slice[n, c, x], t[n, c + 2, x]) } } }
        let batchSlice = try t.sliced(axis: 0, range: 1..<2)
        XCTAssertEqual(batchSlice.scalars, Array(t.scalars[18..<36]))

        let parts = try t.split(sizes: [1, 2, 3], axis: 1)
        XCTAssertEqual(parts.map(\.shape), [[2, 1, 3], [2, 2, 3], [2, 3, 3]])
        XCTAssertEqual(try Tensor.concatenated(parts, axis: 1), t)
        let chunks = try t.chunked(2, axis: 0)
        XCTAssertEqual(chunks.count, 2)
        XCTAssertEqual(try Tensor.concatenated(chunks, axis: 0), t)
        let lastAxis = try t.chunked(3, axis: 2)
        XCTAssertEqual(lastAxis[2][1, 4, 0], t[1, 4, 2])
        XCTAssertEqual(try Tensor.concatenated(lastAxis, axis: 2), t)

        assertThrowsTensorError(try t.sliced(axis: 1, range: 4..<7))
        assertThrowsTensorError(try t.split(sizes: [1, 2], axis: 1))
        assertThrowsTensorError(try t.chunked(4, axis: 1))
        assertThrowsTensorError(try Tensor.concatenated([], axis: 0))
        let error = assertThrowsTensorError(try Tensor.concatenated([t, Tensor(zeros: [2, 6, 4])], axis: 1))
        XCTAssertEqual(error, .shapeMismatch(operation: "concatenated", operand: "tensor 1", expected: "[2, *, 3]", found: [2, 6, 4]))
    }
}
