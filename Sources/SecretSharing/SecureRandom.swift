#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RingArithmetic

/// Randomness for secrets: AES-256-CTR keyed from the operating system's entropy source
/// (DESIGN.md §5: "cryptographic randomness from the OS, expanded with AES-CTR").
public enum SecureRandom {
    /// A fresh generator seeded by getrandom.
    public static func generator() -> AESCTRGenerator { AESCTRGenerator.system() }

    /// `count` bytes from a fresh OS-seeded generator.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = AESCTRGenerator.system()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { generator.fill($0) }
        return bytes
    }
}

/// Overwrites a buffer that held secret material with zeros (explicit_bzero / memset_s, which the
/// compiler may not elide) before it is released.
public func wipe<T: BitwiseCopyable>(_ buffer: inout [T]) {
    buffer.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        #if canImport(Glibc)
        explicit_bzero(base, raw.count)
        #else
        _ = memset_s(base, raw.count, 0, raw.count)
        #endif
    }
}
