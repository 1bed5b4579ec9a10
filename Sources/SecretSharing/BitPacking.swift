/// Dense little-endian bit packing of w-bit values (1 ≤ w ≤ 64): value i occupies bits [i·w, (i+1)·w)
/// of the byte string, least significant bit first, so n values take ⌈n·w/8⌉ bytes. Protocol messages
/// use it to send ℓ-bit ring elements in exactly the bits the cost formulas count.
public enum BitPacking {
    /// ⌈count · bitWidth / 8⌉.
    public static func byteCount(count: Int, bitWidth: Int) -> Int { (count * bitWidth + 7) / 8 }

    /// Packs the low `bitWidth` bits of each value (higher bits are dropped).
    public static func pack(_ values: UnsafeBufferPointer<UInt64>, bitWidth: Int) throws -> [UInt8] {
        guard (1...64).contains(bitWidth) else { throw SecretSharingError.invalidElementBitWidth(bitWidth) }
        var out = [UInt8](repeating: 0, count: byteCount(count: values.count, bitWidth: bitWidth))
        let mask: UInt64 = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
        out.withUnsafeMutableBufferPointer { bytes in
            var accumulator: UInt64 = 0  // pending bits, least significant first
            var pending = 0              // number of valid bits in accumulator (< 8 between values)
            var position = 0
            for value in values {
                let v = value & mask
                // At most 56 bits enter at a time, so accumulator (< 8 pending bits) never overflows.
                var remaining = bitWidth
                var rest = v
                while remaining > 0 {
                    let take = min(remaining, 64 - pending, 56)
                    accumulator |= (rest & ((1 << UInt64(take)) - 1)) << UInt64(pending)
                    pending += take
                    rest >>= UInt64(take)
                    remaining -= take
                    while pending >= 8 {
                        bytes[position] = UInt8(truncatingIfNeeded: accumulator)
                        position += 1
                        accumulator >>= 8
                        pending -= 8
                    }
                }
            }
            if pending > 0 { bytes[position] = UInt8(truncatingIfNeeded: accumulator) }
        }
        return out
    }

    public static func pack(_ values: [UInt64], bitWidth: Int) throws -> [UInt8] {
        try values.withUnsafeBufferPointer { try pack($0, bitWidth: bitWidth) }
    }

    /// Unpacks `count` values of `bitWidth` bits; rejects a byte string of the wrong length or with
    /// non-zero padding bits.
    public static func unpack(_ bytes: UnsafeRawBufferPointer, count: Int, bitWidth: Int) throws -> [UInt64] {
        guard (1...64).contains(bitWidth) else { throw SecretSharingError.invalidElementBitWidth(bitWidth) }
        let expected = byteCount(count: count, bitWidth: bitWidth)
        guard bytes.count == expected else {
            throw SecretSharingError.malformedPackedData(expectedBytes: expected, foundBytes: bytes.count)
        }
        let totalBits = count * bitWidth
        if totalBits % 8 != 0, bytes[expected - 1] >> UInt8(totalBits % 8) != 0 {
            throw SecretSharingError.nonZeroPadding
        }
        var out = [UInt64](repeating: 0, count: count)
        var accumulator: UInt64 = 0
        var pending = 0
        var position = 0
        for i in 0..<count {
            var value: UInt64 = 0
            var filled = 0
            while filled < bitWidth {
                if pending == 0 {
                    accumulator = UInt64(bytes[position])
                    position += 1
                    pending = 8
                }
                let take = min(pending, bitWidth - filled)
                value |= (accumulator & ((1 << UInt64(take)) - 1)) << UInt64(filled)
                accumulator >>= UInt64(take)
                pending -= take
                filled += take
            }
            out[i] = value
        }
        return out
    }

    public static func unpack(_ bytes: [UInt8], count: Int, bitWidth: Int) throws -> [UInt64] {
        try bytes.withUnsafeBytes { try unpack($0, count: count, bitWidth: bitWidth) }
    }
}
