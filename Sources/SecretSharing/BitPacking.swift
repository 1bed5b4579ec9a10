/// Dense little-endian bit packing of w-bit values (1 ≤ w ≤ 64): value i occupies bits [i·w, (i+1)·w)
/// of the byte string, least significant bit first, so n values take ⌈n·w/8⌉ bytes. Protocol messages
/// use it to send ℓ-bit ring elements in exactly the bits the cost formulas count.
public enum BitPacking {
    /// ⌈count · bitWidth / 8⌉.
    public static func byteCount(count: Int, bitWidth: Int) -> Int { (count * bitWidth + 7) / 8 }

    /// Packs the low `bitWidth` bits of each value (higher bits are dropped).
    public static func pack(_ values: UnsafeBufferPointer<UInt64>, bitWidth w: Int) throws -> [UInt8] {
        guard (1...64).contains(w) else { throw SecretSharingError.invalidElementBitWidth(w) }
        let mask: UInt64 = w == 64 ? .max : (1 << UInt64(w)) - 1
        // Values go into 64-bit words (one spare, so a value straddling the last word boundary has room).
        var words = [UInt64](repeating: 0, count: (values.count * w + 63) / 64 + 1)
        words.withUnsafeMutableBufferPointer { out in
            var position = 0
            for value in values {
                let v = value & mask, index = position >> 6, offset = position & 63
                out[index] |= v << UInt64(offset)
                if offset + w > 64 { out[index + 1] |= v >> UInt64(64 - offset) }
                position += w
            }
            for i in out.indices { out[i] = out[i].littleEndian }
        }
        let count = byteCount(count: values.count, bitWidth: w)
        return words.withUnsafeBytes { Array($0.prefix(count)) }
    }

    public static func pack(_ values: [UInt64], bitWidth: Int) throws -> [UInt8] {
        try values.withUnsafeBufferPointer { try pack($0, bitWidth: bitWidth) }
    }

    /// Unpacks `count` values of `bitWidth` bits; rejects a byte string of the wrong length or with
    /// non-zero padding bits.
    public static func unpack(_ bytes: UnsafeRawBufferPointer, count: Int, bitWidth w: Int) throws -> [UInt64] {
        guard (1...64).contains(w) else { throw SecretSharingError.invalidElementBitWidth(w) }
        let expected = byteCount(count: count, bitWidth: w)
        guard bytes.count == expected else {
            throw SecretSharingError.malformedPackedData(expectedBytes: expected, foundBytes: bytes.count)
        }
        let totalBits = count * w
        if totalBits % 8 != 0, bytes[expected - 1] >> UInt8(totalBits % 8) != 0 {
            throw SecretSharingError.nonZeroPadding
        }
        var words = [UInt64](repeating: 0, count: (totalBits + 63) / 64 + 1)
        words.withUnsafeMutableBytes { raw in
            if expected > 0 { raw.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: expected) }
        }
        let mask: UInt64 = w == 64 ? .max : (1 << UInt64(w)) - 1
        var out = [UInt64](repeating: 0, count: count)
        words.withUnsafeMutableBufferPointer { source in
            for i in source.indices { source[i] = UInt64(littleEndian: source[i]) }
            out.withUnsafeMutableBufferPointer { values in
                var position = 0
                for i in 0..<count {
                    let index = position >> 6, offset = position & 63
                    var v = source[index] >> UInt64(offset)
                    if offset + w > 64 { v |= source[index + 1] << UInt64(64 - offset) }
                    values[i] = v & mask
                    position += w
                }
            }
        }
        return out
    }

    public static func unpack(_ bytes: [UInt8], count: Int, bitWidth: Int) throws -> [UInt64] {
        try bytes.withUnsafeBytes { try unpack($0, count: count, bitWidth: bitWidth) }
    }
}
