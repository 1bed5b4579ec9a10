#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif
import OTKernels

/// Transposes IKNP's 128 × m bit matrix (128 rows of m bits, the PRG columns) into m blocks of 128 bits
/// (one per OT): bit i of block j = bit j of row i.
///
/// Three implementations, the first the CPU supports being used:
/// - AVX2, in the `OTKernels` C target (`hediff_transpose128_avx2`, enabled per function, chosen by
///   CPUID so the package needs no compiler flags): the SSE2 scheme below on 32 rows at once, one
///   row group per 128-bit lane, so each VPMOVMSKB yields 32 bits of an output block.
/// - SSE2, here: per 16 rows × 16 bytes, a 16 × 16 byte transpose in SSE registers (four rounds of
///   PUNPCKLBW/PUNPCKHBW on neighbouring registers, which also bit-reverses the register order — so rows
///   are loaded in bit-reversed order), then PMOVMSKB collects bit 7 of a byte column for 16 rows at once
///   and a shift by one brings up the next bit (the technique of the SSE transposes in OT-extension
///   libraries, re-derived here; the unpack schedule was checked by simulation).
/// - Portable, bit by bit, for other CPUs.
public enum BitTranspose {
    /// Which code transposes.
    public enum Implementation: Sendable, CaseIterable {
        /// AVX2 when available, else SSE2 on x86-64, else portable.
        case automatic
        /// The SSE2 Swift version on x86-64 (the portable one elsewhere).
        case sse2
        /// Bit by bit, whatever the CPU.
        case portable
    }

    /// Whether this CPU (and its OS) runs AVX2 code (CPUID and XGETBV).
    public static let avx2Available = hediff_avx2_available() == 1

    /// The transpose of `rows`: 128 rows of `rowBytes` bytes (a multiple of 16), row i starting at byte
    /// i · rowStride (rowBytes when nil; bytes between rows are ignored); `rowBytes · 8` blocks. The array
    /// form of the kernel IKNP runs on its scratch buffers.
    public static func transpose(_ rows: [UInt8], rowStride: Int? = nil, rowBytes: Int,
                                 implementation: Implementation = .automatic) -> [Block] {
        let stride = rowStride ?? rowBytes
        precondition(rowBytes >= 0 && rowBytes % 16 == 0 && stride >= rowBytes, "rows of 16·k bytes, no overlap")
        precondition(rows.count >= 127 * stride + rowBytes, "128 rows")
        var out = [Block](repeating: Block(), count: rowBytes * 8)
        guard rowBytes > 0 else { return out }
        rows.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                transpose128(rows: source.baseAddress!, rowStride: stride, rowBytes: rowBytes,
                             into: destination.baseAddress!, implementation: implementation)
            }
        }
        return out
    }

    /// Row i starts at rows + i · rowStride and holds `rowBytes` bytes (a multiple of 16, ≤ rowStride);
    /// writes `rowBytes · 8` blocks to `out`. A row stride that is not a multiple of 4 KiB keeps the rows'
    /// cache lines from evicting each other (IKNP pads its rows for that).
    static func transpose128(rows: UnsafePointer<UInt8>, rowStride: Int, rowBytes: Int, into out: UnsafeMutablePointer<Block>,
                             implementation: Implementation = .automatic) {
        switch implementation {
        case .automatic where avx2Available:
            hediff_transpose128_avx2(rows, rowStride, rowBytes / 16, UnsafeMutableRawPointer(out).assumingMemoryBound(to: UInt8.self))
        case .automatic, .sse2:
            #if arch(x86_64)
            transposeSSE2(rows: rows, rowStride: rowStride, rowBytes: rowBytes, into: out)
            #else
            transposePortable(rows: rows, rowStride: rowStride, rowBytes: rowBytes, into: out)
            #endif
        case .portable:
            transposePortable(rows: rows, rowStride: rowStride, rowBytes: rowBytes, into: out)
        }
    }

    @inline(__always) private static func bitReversed4(_ i: Int) -> Int {
        ((i & 1) << 3) | ((i & 2) << 1) | ((i & 4) >> 1) | ((i & 8) >> 3)
    }

    #if arch(x86_64)
    private static func transposeSSE2(rows: UnsafePointer<UInt8>, rowStride: Int, rowBytes: Int, into out: UnsafeMutablePointer<Block>) {
        let outBytes = UnsafeMutableRawPointer(out)
        let source = UnsafeRawPointer(rows)
        withUnsafeTemporaryAllocation(of: SIMD2<Int64>.self, capacity: 32) { buffer in
            let first = buffer.baseAddress!, second = first + 16
            for group in 0..<8 {
                for b in 0..<(rowBytes / 16) {
                    for i in 0..<16 {
                        first[i] = (source + (16 * group + bitReversed4(i)) * rowStride + 16 * b).loadUnaligned(as: SIMD2<Int64>.self)
                    }
                    var from = first, to = second
                    for _ in 0..<4 {
                        for i in 0..<8 {
                            to[i] = _mm_unpacklo_epi8(from[2 * i], from[2 * i + 1])
                            to[i + 8] = _mm_unpackhi_epi8(from[2 * i], from[2 * i + 1])
                        }
                        swap(&from, &to)
                    }
                    // from[i] now holds byte column 16b + bitReversed4(i) of rows 16·group … 16·group + 15.
                    for i in 0..<16 {
                        var x = from[i]
                        let column = 16 * b + bitReversed4(i)
                        let top = outBytes + (8 * column + 7) * 16 + 2 * group
                        for k in 0..<8 {
                            (top - 16 * k).storeBytes(of: UInt16(truncatingIfNeeded: _mm_movemask_epi8(x)), as: UInt16.self)
                            x = x &+ x
                        }
                    }
                }
            }
        }
    }
    #endif

    /// Bit by bit: the definition, for CPUs without SSE2 and as the tests' reference.
    private static func transposePortable(rows: UnsafePointer<UInt8>, rowStride: Int, rowBytes: Int, into out: UnsafeMutablePointer<Block>) {
        for j in 0..<(rowBytes * 8) {
            var block = Block(0, 0)
            for i in 0..<128 where (rows[i * rowStride + j / 8] >> UInt8(j % 8)) & 1 == 1 {
                block[i >> 6] |= 1 << UInt64(i & 63)
            }
            out[j] = block
        }
    }
}
