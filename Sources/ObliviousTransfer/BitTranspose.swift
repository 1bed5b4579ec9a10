#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Transposes IKNP's 128 × m bit matrix (128 rows of m bits, the PRG columns) into m blocks of 128 bits
/// (one per OT): bit i of block j = bit j of row i.
///
/// Per 16 rows × 16 bytes: a 16 × 16 byte transpose in SSE registers (four rounds of PUNPCKLBW/PUNPCKHBW on
/// neighbouring registers, which also bit-reverses the register order — so rows are loaded in
/// bit-reversed order), then PMOVMSKB collects bit 7 of a byte column for 16 rows at once and a shift by
/// one brings up the next bit (the technique of the SSE transposes in OT-extension libraries, re-derived
/// here; the unpack schedule was checked by simulation).
enum BitTranspose {
    @inline(__always) private static func bitReversed4(_ i: Int) -> Int {
        ((i & 1) << 3) | ((i & 2) << 1) | ((i & 4) >> 1) | ((i & 8) >> 3)
    }

    #if arch(x86_64)
    /// `rows` holds 128 rows of `rowBytes` bytes each (row i starts at i · rowBytes; rowBytes a multiple
    /// of 16); writes `rowBytes · 8` blocks to `out`.
    static func transpose128(rows: UnsafePointer<UInt8>, rowBytes: Int, into out: UnsafeMutablePointer<Block>) {
        let outBytes = UnsafeMutableRawPointer(out)
        let source = UnsafeRawPointer(rows)
        withUnsafeTemporaryAllocation(of: SIMD2<Int64>.self, capacity: 32) { buffer in
            let first = buffer.baseAddress!, second = first + 16
            for group in 0..<8 {
                for b in 0..<(rowBytes / 16) {
                    for i in 0..<16 {
                        first[i] = (source + (16 * group + bitReversed4(i)) * rowBytes + 16 * b).loadUnaligned(as: SIMD2<Int64>.self)
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
    #else
    /// Bit by bit, for CPUs without SSE2: same contract as the SSE2 version.
    static func transpose128(rows: UnsafePointer<UInt8>, rowBytes: Int, into out: UnsafeMutablePointer<Block>) {
        for j in 0..<(rowBytes * 8) {
            var block = Block(0, 0)
            for i in 0..<128 where (rows[i * rowBytes + j / 8] >> UInt8(j % 8)) & 1 == 1 {
                block[i >> 6] |= 1 << UInt64(i & 63)
            }
            out[j] = block
        }
    }
    #endif
}
