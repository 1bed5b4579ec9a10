@_spi(Testing) import Tensor
import XCTest
import _TestSupport

/// Winograd's weight transform through the AVX-512 kernel and the Swift loop: the kernel does the same
/// operations in the same order, so the bits must agree (the Swift loop's accuracy is checked against a
/// double-precision convolution in TensorWinogradConvolutionTests). Kernel counts cover whole groups of 16
/// and of 8, tails, and a single kernel.
final class WinogradWeightKernelTests: XCTestCase {
    func testAVX512KernelMatchesTheSwiftLoopBitForBit() throws {
        try XCTSkipUnless(Tensor.hasAVX512Kernels, "this CPU has no AVX-512")
        var generator = SeededGenerator(seed: 52)
        for pairs in [1, 7, 8, 15, 16, 17, 40, 160, 1027] {
            let weights = (0..<(9 * pairs)).map { _ in Float(Double(generator.next() >> 11) * 0x1p-53 * 2 - 1) }
            let portable = Tensor.winogradTransformedWeights(weights, avx512: false)
            let vectorized = Tensor.winogradTransformedWeights(weights, avx512: true)
            XCTAssertFalse(portable.contains { $0.isNaN }, "every output written, \(pairs) kernels")
            XCTAssertEqual(portable.map(\.bitPattern), vectorized.map(\.bitPattern), "\(pairs) kernels")
        }
    }
}
