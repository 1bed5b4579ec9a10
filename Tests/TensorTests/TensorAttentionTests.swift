import Foundation
@_spi(Testing) import Tensor
import XCTest
import _TestSupport

final class TensorAttentionTests: XCTestCase {
    /// Attention computed head by head in double precision: scores, a max-shifted softmax, weighted sum.
    /// Returns the outputs and, per output, Σ p·|v| (the scale of its rounding error).
    private func referenceAttention(
        query: Tensor, key: Tensor, value: Tensor, heads: Int, scale: Double, causal: Bool
    ) -> (values: [Double], magnitudes: [Double]) {
        let (batch, lq, width) = (query.shape[0], query.shape[1], query.shape[2])
        let lk = key.shape[1], vWidth = value.shape[2]
        let d = width / heads, dv = vWidth / heads
        var values = [Double](repeating: 0, count: batch * lq * vWidth), magnitudes = values
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<lq {
                    var scores = [Double](repeating: -.infinity, count: lk)
                    for j in 0..<lk where !causal || j <= i {
                        var s = 0.0
                        for c in 0..<d { s += Double(query[b, i, h * d + c]) * Double(key[b, j, h * d + c]) }
                        scores[j] = s * scale
                    }
                    let m = scores.max()!
                    let e = scores.map { Foundation.exp($0 - m) }
                    let total = e.reduce(0, +)
                    for c in 0..<dv {
                        var out = 0.0, magnitude = 0.0
                        for j in 0..<lk {
                            out += e[j] / total * Double(value[b, j, h * dv + c])
                            magnitude += e[j] / total * abs(Double(value[b, j, h * dv + c]))
                        }
                        values[(b * lq + i) * vWidth + h * dv + c] = out
                        magnitudes[(b * lq + i) * vWidth + h * dv + c] = magnitude
                    }
                }
            }
        }
        return (values, magnitudes)
    }

    private func check(
        batch: Int, queryLength: Int, keyLength: Int, heads: Int, headWidth: Int, valueHeadWidth: Int,
        causal: Bool, scale: Float?, seed: UInt64, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var generator = SeededGenerator(seed: seed)
        let q = randomTensor([batch, queryLength, heads * headWidth], in: -2...2, generator: &generator)
        let k = randomTensor([batch, keyLength, heads * headWidth], in: -2...2, generator: &generator)
        let v = randomTensor([batch, keyLength, heads * valueHeadWidth], generator: &generator)
        let s = Double(scale ?? 1 / Float(headWidth).squareRoot())
        let reference = referenceAttention(query: q, key: k, value: v, heads: heads, scale: s, causal: causal)
        // A score's absolute error is at most (d+2)·u·scale·Σ|q·k| ≤ (d+2)·u·scale·4d here; it perturbs each
        // probability by that much relatively, as do exp (3e-7) and the normalizing sum (Lk·u); the
        // weighted sum of Lk values adds Lk·u relative to Σp|v|. The fused kernel's online softmax rescales
        // its partial sums once per 128-key block, a rounding each, well inside the Lk·u terms.
        let scoreError = Double(headWidth + 2) * float32Roundoff * s * 4 * Double(headWidth)
        let relative = 2 * scoreError + 3e-7 + 2 * Double(keyLength + 4) * float32Roundoff
        // Both paths where this CPU has the fused AVX-512 kernel (it does not take causal attention).
        for fused in Tensor.hasAVX512Kernels && !causal ? [false, true] : [false] {
            let result = try Tensor.scaledDotProductAttention(
                query: q, key: k, value: v, headCount: heads, scale: scale, causal: causal, fused: fused)
            XCTAssertEqual(result.shape, [batch, queryLength, heads * valueHeadWidth], file: file, line: line)
            assertClose(
                result, reference.values, tolerance: { index, _ in relative * reference.magnitudes[index] + 1e-30 },
                "attention Lq \(queryLength) Lk \(keyLength) causal \(causal) fused \(fused)", file: file, line: line)
        }
    }

    func testSelfAttentionWithSeveralHeads() throws {
        try check(batch: 2, queryLength: 19, keyLength: 19, heads: 3, headWidth: 8, valueHeadWidth: 8, causal: false, scale: nil, seed: 60)
    }

    func testCrossAttentionWithDifferentLengthsAndValueWidth() throws {
        try check(batch: 2, queryLength: 33, keyLength: 7, heads: 2, headWidth: 5, valueHeadWidth: 3, causal: false, scale: 0.3, seed: 61)
    }

    func testCausalAttentionAsInCLIP() throws {
        try check(batch: 1, queryLength: 21, keyLength: 21, heads: 4, headWidth: 4, valueHeadWidth: 4, causal: true, scale: nil, seed: 62)
    }

    func testLongSequencesAreProcessedInQueryBlocks() throws {
        // 4000 queries × 300 keys exceed the score block bound, so the queries are split into several blocks.
        try check(batch: 1, queryLength: 4000, keyLength: 300, heads: 2, headWidth: 2, valueHeadWidth: 2, causal: false, scale: nil, seed: 63)
    }

    func testHeadWidthsOfStableDiffusionWithQueryAndKeyTails() throws {
        // SD's 40- and 80-wide heads; 77 queries end in a partial block of 32 lanes; 300 keys span three
        // 128-key blocks of the online softmax, the last one partial, and end in a partial 12-key tile.
        try check(batch: 2, queryLength: 77, keyLength: 300, heads: 2, headWidth: 40, valueHeadWidth: 40, causal: false, scale: nil, seed: 64)
        try check(batch: 1, queryLength: 45, keyLength: 77, heads: 3, headWidth: 80, valueHeadWidth: 80, causal: false, scale: nil, seed: 65)
        // Value heads wider than a 12-column chunk and of a different width than the query heads.
        try check(batch: 1, queryLength: 32, keyLength: 129, heads: 2, headWidth: 13, valueHeadWidth: 29, causal: false, scale: nil, seed: 66)
    }

    func testSoftmaxMaximumThatGrowsAcrossKeyBlocksIsRescaled() throws {
        // Scores rise with the key index, so every 128-key block raises each query's running maximum by
        // tens and the fused kernel must rescale all it has accumulated (by e^(m_old − m_new)) each time;
        // without the rescaling the early blocks would outweigh the late ones by e^(tens).
        let queries = 40, keys = 520, width = 8
        var generator = SeededGenerator(seed: 67)
        let q = try Tensor(shape: [1, queries, width], scalars: (0..<queries * width).map { _ in Float.random(in: 0.5...1, using: &generator) })
        let k = try Tensor(shape: [1, keys, width], scalars: (0..<keys * width).map { index in Float(index / width) / 40 })
        let v = randomTensor([1, keys, width], generator: &generator)
        let reference = referenceAttention(query: q, key: k, value: v, heads: 1, scale: 1, causal: false)
        for fused in Tensor.hasAVX512Kernels ? [false, true] : [false] {
            let result = try Tensor.scaledDotProductAttention(query: q, key: k, value: v, headCount: 1, scale: 1, causal: false, fused: fused)
            // Scores reach 8 · 1 · 13 = 104: their rounding (d·u relative) moves a probability by ≈ 104·d·u.
            let relative = 2 * 104 * Double(width + 2) * float32Roundoff + 3e-7 + 2 * Double(keys + 4) * float32Roundoff
            assertClose(result, reference.values, tolerance: { index, _ in relative * reference.magnitudes[index] + 1e-30 },
                        "rising scores, fused \(fused)")
        }
    }

    func testRejectsMismatchedOperands() {
        let q = Tensor(zeros: [2, 5, 8])
        assertThrowsTensorError(try Tensor.scaledDotProductAttention(query: q, key: Tensor(zeros: [2, 5, 6]), value: Tensor(zeros: [2, 5, 8]), headCount: 2))
        assertThrowsTensorError(try Tensor.scaledDotProductAttention(query: q, key: Tensor(zeros: [2, 5, 8]), value: Tensor(zeros: [2, 4, 8]), headCount: 2))
        assertThrowsTensorError(try Tensor.scaledDotProductAttention(query: q, key: q, value: q, headCount: 3))
        assertThrowsTensorError(try Tensor.scaledDotProductAttention(query: Tensor(zeros: [5, 8]), key: q, value: q, headCount: 2))
        assertThrowsTensorError(try Tensor.scaledDotProductAttention(query: q, key: Tensor(zeros: [2, 3, 8]), value: Tensor(zeros: [2, 3, 8]), headCount: 2, causal: true))
    }
}
