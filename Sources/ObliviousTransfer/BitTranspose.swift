#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Transposes IKNP's 128 × m bit matrix (128 rows of m bits, the PRG columns) into m blocks of 128 bits
/// (one per OT): bit i of block j = bit j of row i.
///
/// Sixteen rows at a time, one byte column at a time: the 16 bytes form an SSE register, and PMOVMSKB
/// collects the top bit of each byte — bit 7 of the column for 16 rows at once — then a shift by one
/// brings the next bit up (the technique of the SSE transposes used by OT-extension libraries,
/// re-derived here).
enum BitTranspose {
    /// `rows` holds 128 rows of `rowBytes` bytes each (row i starts at i · rowBytes); writes
    /// `rowBytes · 8` blocks to `out`.
    static func transpose128(rows: UnsafePointer<UInt8>, rowBytes: Int, into out: UnsafeMutablePointer<Block>) {
        let outBytes = UnsafeMutableRawPointer(out)
        for group in 0..<8 {
            let r = rows + 16 * group * rowBytes
            let s = rowBytes
            for c in 0..<rowBytes {
                let gathered = SIMD16<UInt8>(
                    r[c], r[s + c], r[2 * s + c], r[3 * s + c], r[4 * s + c], r[5 * s + c], r[6 * s + c], r[7 * s + c],
                    r[8 * s + c], r[9 * s + c], r[10 * s + c], r[11 * s + c], r[12 * s + c], r[13 * s + c],
                    r[14 * s + c], r[15 * s + c])
                var x = unsafeBitCast(gathered, to: SIMD2<Int64>.self)
                let column = outBytes + (8 * c + 7) * 16 + 2 * group
                for k in 0..<8 {
                    let bits = UInt16(truncatingIfNeeded: _mm_movemask_epi8(x))
                    (column - 16 * k).storeBytes(of: bits, as: UInt16.self)
                    x = x &+ x
                }
            }
        }
    }
}
