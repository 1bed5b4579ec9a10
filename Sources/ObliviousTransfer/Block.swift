/// A 128-bit block, the unit of AES, of IKNP's rows and of its correlation Δ. Lane 0 holds bytes 0–7
/// little-endian, lane 1 bytes 8–15, the layout of an SSE register loaded from memory, so bit i of a
/// block is bit (i mod 8) of byte i/8.
public typealias Block = SIMD2<UInt64>

extension SIMD2 where Scalar == UInt64 {
    /// Bit i (0...127).
    @inlinable public func bit(_ i: Int) -> Bool { (self[i >> 6] >> UInt64(i & 63)) & 1 == 1 }

    /// The 16 bytes in memory order.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: self) { raw in for i in 0..<16 { out[i] = raw[i] } }
        return out
    }

    /// A block from 16 bytes in memory order (the first 16 of `bytes`; missing bytes are zero).
    public init(bytes: some Collection<UInt8>) {
        var value = SIMD2<UInt64>(0, 0)
        withUnsafeMutableBytes(of: &value) { raw in
            for (i, byte) in bytes.prefix(16).enumerated() { raw[i] = byte }
        }
        self = value
    }
}
