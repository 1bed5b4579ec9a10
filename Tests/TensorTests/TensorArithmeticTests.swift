import Tensor
import XCTest
import _TestSupport

final class TensorArithmeticTests: XCTestCase {
    /// Naive broadcasting: index each operand through its (right-aligned) multi-index.
    private func naive(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> (shape: [Int], values: [Double]) {
        let rank = max(a.rank, b.rank)
        let pa = [Int](repeating: 1, count: rank - a.rank) + a.shape
        let pb = [Int](repeating: 1, count: rank - b.rank) + b.shape
        let shape = zip(pa, pb).map { max($0, $1) }
        let out = strides(of: shape), sa = strides(of: pa), sb = strides(of: pb)
        var values: [Double] = []
        for flat in 0..<shape.reduce(1, *) {
            var ia = 0, ib = 0
            for d in 0..<rank {
                let i = (flat / out[d]) % shape[d]
                ia += (pa[d] == 1 ? 0 : i) * sa[d]
                ib += (pb[d] == 1 ? 0 : i) * sb[d]
            }
            values.append(Double(op(a.scalars[ia], b.scalars[ib])))
        }
        return (shape, values)
    }

    func testBroadcastingBinaryOperationsMatchNaiveIndexing() throws {
        var generator = SeededGenerator(seed: 3)
        let cases: [([Int], [Int])] = [
            ([2, 3, 4, 5], [2, 3, 4, 5]), ([2, 3, 4, 5], [1, 3, 1, 1]), ([2, 3, 4, 5], [5]),
            ([2, 3, 1, 5], [1, 1, 4, 1]), ([3, 1], [1, 17]), ([2, 3, 4, 5], [2, 3, 1, 1]),
            ([1], [4, 33]), ([2, 77, 40], [40]), ([1, 1], [1, 1]),
        ]
        for (sa, sb) in cases {
            let a = randomTensor(sa, generator: &generator)
            let b = randomTensor(sb, in: 0.5...2, generator: &generator)
            // Each elementwise operation is a single correctly rounded float32 operation: exact match.
            for (name, op, reference) in [
                ("+", { try $0 + $1 } as (Tensor, Tensor) throws -> Tensor, { $0 + $1 } as (Float, Float) -> Float),
                ("-", { try $0 - $1 }, { $0 - $1 }), ("*", { try $0 * $1 }, { $0 * $1 }), ("/", { try $0 / $1 }, { $0 / $1 }),
            ] {
                let result = try op(a, b)
                let expected = naive(a, b, reference)
                XCTAssertEqual(result.shape, expected.shape, "\(sa) \(name) \(sb)")
                XCTAssertEqual(result.scalars.map(Double.init), expected.values, "\(sa) \(name) \(sb)")
            }
        }
        assertThrowsTensorError(try Tensor(zeros: [2, 3]) + Tensor(zeros: [4]))
    }

    func testInPlaceOperationsAndScalars() throws {
        var generator = SeededGenerator(seed: 4)
        let a = randomTensor([2, 4, 3, 3], generator: &generator)
        let bias = randomTensor([1, 4, 1, 1], generator: &generator)
        var b = a
        try b += bias
        XCTAssertEqual(b, try a + bias)
        XCTAssertEqual(a, try b - bias, "the copy kept its own storage")
        try b -= bias
        try b *= bias
        XCTAssertEqual(b, try a * bias)
        var c = a
        try c += c
        XCTAssertEqual(c, a * 2)
        assertThrowsTensorError(try c += Tensor(zeros: [2, 4, 3, 4]))
        var small = bias
        assertThrowsTensorError(try small += a)

        XCTAssertEqual((a * 3).scalars, a.scalars.map { $0 * 3 })
        XCTAssertEqual((3 * a).scalars, a.scalars.map { $0 * 3 })
        XCTAssertEqual((a / 3).scalars, a.scalars.map { $0 / 3 })
        XCTAssertEqual((a + 0.5).scalars, a.scalars.map { $0 + 0.5 })
        XCTAssertEqual((a - 0.5).scalars, a.scalars.map { $0 - 0.5 })
        XCTAssertEqual((-a).scalars, a.scalars.map { -$0 })
        var d = a
        d *= 0.25
        XCTAssertEqual(d.scalars, a.scalars.map { $0 * 0.25 })
        XCTAssertEqual(a.clamped(to: -0.5...0.25).scalars, a.scalars.map { min(max($0, -0.5), 0.25) })
        XCTAssertEqual(Tensor.broadcastShape([2, 1, 3], [4, 1]), [2, 4, 3])
        XCTAssertNil(Tensor.broadcastShape([2, 3], [4]))
    }

    func testLargeTensorsSplitAcrossCoresGiveTheSameResult() throws {
        var generator = SeededGenerator(seed: 5)
        let a = randomTensor([2, 64, 33, 33], generator: &generator)
        let bias = randomTensor([1, 64, 1, 1], generator: &generator)
        let sum = try a + bias
        for index in stride(from: 0, to: a.scalarCount, by: 97) {
            XCTAssertEqual(sum.scalars[index], a.scalars[index] + bias.scalars[(index / (33 * 33)) % 64])
        }
    }
}
