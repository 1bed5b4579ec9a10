import Foundation
import TensorKernels

/// Whether Tensor's loops with an AVX-512 variant in the C target `TensorKernels` (softmax's exponential,
/// GEGLU, Winograd's weight transform, fused attention) run it, decided once per process: yes when the CPU and the OS
/// support AVX-512F, unless the environment sets HEDIFF_AVX512=off (to compare the two on one machine). The
/// Swift code is compiled for AVX2 at most, so that one binary runs on every x86-64 machine; the C kernels
/// enable AVX-512 per function.
enum AVX512Kernels {
    static let enabled = hediff_avx512_available() == 1 && ProcessInfo.processInfo.environment["HEDIFF_AVX512"] != "off"
}

extension Tensor {
    /// `values` with every x replaced by e^(x − max x) and their sum, through the AVX-512 kernel
    /// (`avx512: true`, only where the CPU has it) or the portable Swift loop: for tests of both paths.
    @_spi(Testing)
    public static func exponentiatedRow(_ values: [Float], avx512: Bool) -> (values: [Float], sum: Float) {
        precondition(!values.isEmpty, "a row needs at least one value")
        precondition(!avx512 || hediff_avx512_available() == 1, "this CPU has no AVX-512")
        var row = values
        let sum = row.withUnsafeMutableBufferPointer { buffer in
            avx512 ? hediff_exponentiate_row_avx512(buffer.baseAddress!, buffer.count)
                : exponentiateRowPortably(buffer.baseAddress!, count: buffer.count)
        }
        return (row, sum)
    }

    /// hidden ⊙ GELU(gate) through the AVX-512 kernel (`avx512: true`, only where the CPU has it) or the
    /// portable Swift loop: for tests of both paths.
    @_spi(Testing)
    public static func gatedGELU(hidden: [Float], gate: [Float], avx512: Bool) -> [Float] {
        precondition(hidden.count == gate.count, "hidden and gate must have the same length")
        precondition(!avx512 || hediff_avx512_available() == 1, "this CPU has no AVX-512")
        var out = [Float](repeating: .nan, count: hidden.count)
        hidden.withUnsafeBufferPointer { h in
            gate.withUnsafeBufferPointer { g in
                out.withUnsafeMutableBufferPointer { o in
                    guard let hb = h.baseAddress, let gb = g.baseAddress, let ob = o.baseAddress else { return }
                    gegluRow(hidden: hb, gate: gb, into: ob, count: o.count, avx512: avx512)
                }
            }
        }
        return out
    }

    /// Winograd F(4×4, 3×3)'s transformed weights of `weights` (3×3 kernels, 9 floats each): 36 matrices of
    /// one value per kernel, through the AVX-512 kernel or the portable Swift loop; for tests of both paths.
    @_spi(Testing)
    public static func winogradTransformedWeights(_ weights: [Float], avx512: Bool) -> [Float] {
        precondition(weights.count % 9 == 0, "3×3 kernels take 9 floats each")
        precondition(!avx512 || hediff_avx512_available() == 1, "this CPU has no AVX-512")
        let pairs = weights.count / 9
        var out = [Float](repeating: .nan, count: 36 * pairs)
        weights.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                guard let wb = w.baseAddress, let ob = o.baseAddress else { return }
                WinogradConvolution.transformWeights(wb, pairs: pairs, into: ob, avx512: avx512)
            }
        }
        return out
    }

    /// Whether this CPU runs the AVX-512 kernels (for tests to know which paths they can reach).
    @_spi(Testing)
    public static var hasAVX512Kernels: Bool { hediff_avx512_available() == 1 }
}
