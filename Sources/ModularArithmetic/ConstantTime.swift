/// Branch-free building blocks for arithmetic on secret values (keys, errors, decryptions):
/// conditional subtraction and selection by masks made from a borrow's sign bit, so that the
/// instructions executed, and their timing, do not depend on the values. The compiler may still
/// turn a mask into a conditional move (constant time too); tools/constant-time/check-asm.sh
/// checks that no conditional jump comes back.
public enum ConstantTime {
    /// All ones when the top bit of x is set, else zero.
    @inlinable @inline(__always)
    public static func signMask(_ x: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(bitPattern: x) &>> 63)
    }

    /// x − m when x ≥ m, else x, for x, m < 2^63 (then x − m borrows into the top bit exactly
    /// when x < m).
    @inlinable @inline(__always)
    public static func subtractIfAtLeast(_ x: UInt64, _ m: UInt64) -> UInt64 {
        let d = x &- m
        return d &+ (m & signMask(d))
    }

    /// 1 for true, 0 for false: the flag's byte, widened without a branch.
    @inlinable @inline(__always)
    public static func bit(_ flag: Bool) -> UInt64 {
        UInt64(unsafeBitCast(flag, to: UInt8.self))
    }
}
