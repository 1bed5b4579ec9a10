import Foundation
import Tensor
import _TestSupport
import XCTest

/// Unit roundoff of float32 (2^-24): the bound on the relative error of one rounded operation.
let float32Roundoff = 0x1p-24

/// A tensor of uniform values in `range`.
func randomTensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1, generator: inout SeededGenerator) -> Tensor {
    Tensor(shape: shape) { buffer in
        for index in buffer.indices { buffer[index] = Float.random(in: range, using: &generator) }
    }
}

/// Row-major strides of a shape.
func strides(of shape: [Int]) -> [Int] {
    var result = [Int](repeating: 1, count: shape.count)
    for axis in stride(from: shape.count - 2, through: 0, by: -1) {
        result[axis] = result[axis + 1] * shape[axis + 1]
    }
    return result
}

/// The reference value of one output element: the exact-ish value (in double) and the sum of
/// magnitudes of the terms that produced it, which bounds the float32 rounding error.
struct Reference {
    var value: Double
    var magnitude: Double
}

/// Checks `actual` against `expected` element by element with a tolerance of
/// `bound(reference)`; reports the first few failures with their index.
func assertClose(
    _ actual: Tensor, _ expected: [Double], tolerance: (Int, Double) -> Double,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.scalarCount, expected.count, "element count \(message)", file: file, line: line)
    var failures = 0
    for (index, (a, e)) in zip(actual.scalars, expected).enumerated() {
        let allowed = tolerance(index, e)
        if !(abs(Double(a) - e) <= allowed) {
            failures += 1
            if failures <= 5 {
                XCTFail("\(message) element \(index): got \(a), expected \(e) (allowed error \(allowed))", file: file, line: line)
            }
        }
    }
}

/// Checks a GEMM-like result against its reference with the classical worst-case error bound of a
/// float32 dot product of `termCount` terms, γ = termCount·u·Σ|terms| (plus a few roundings for the
/// bias and residual). Any summation order satisfies it, blocked or fused.
func assertWithinDotProductBound(
    _ actual: Tensor, _ expected: [Reference], termCount: Int,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    let gamma = Double(termCount + 3) * float32Roundoff
    assertClose(
        actual, expected.map(\.value), tolerance: { index, _ in gamma * expected[index].magnitude + 1e-30 },
        message, file: file, line: line)
}

/// Checks with a relative-plus-absolute tolerance.
func assertClose(
    _ actual: Tensor, _ expected: [Double], relative: Double, absolute: Double,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    assertClose(
        actual, expected, tolerance: { _, e in absolute + relative * abs(e) }, message, file: file, line: line)
}

/// Asserts that `body` throws a `TensorError` and returns it.
@discardableResult
func assertThrowsTensorError<T>(
    _ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line
) -> TensorError? {
    do {
        _ = try body()
        XCTFail("expected a TensorError", file: file, line: line)
        return nil
    } catch let error as TensorError {
        return error
    } catch {
        XCTFail("expected a TensorError, got \(error)", file: file, line: line)
        return nil
    }
}
