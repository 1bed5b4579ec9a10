/// Builds and takes apart the PNG container around a zlib stream, for the inflate target: chunk
/// framing with correct CRCs, so that only the compressed data is left to the fuzzer.
public enum PNGEnvelope {
    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The 8-bit color types: gray, RGB, palette, gray + alpha, RGBA.
    public static let colorTypes: [UInt8] = [0, 2, 3, 4, 6]

    /// An 8-bit PNG of `width` × `height` and `colorType` whose single IDAT chunk holds `stream`
    /// (palette images get a 256-entry gray palette).
    public static func wrap(_ stream: [UInt8], width: Int, height: Int, colorType: UInt8) -> [UInt8] {
        var file = signature
        appendChunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, 0], to: &file)
        if colorType == 3 { appendChunk("PLTE", (0..<768).map { UInt8($0 / 3) }, to: &file) }
        appendChunk("IDAT", stream, to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// The concatenated IDAT data of a well-formed PNG file.
    public static func imageData(of png: [UInt8]) -> [UInt8] {
        chunks(of: png).filter { $0.type == "IDAT" }.flatMap(\.data)
    }

    /// Width, height, bit depth and color type from a well-formed PNG's IHDR.
    public static func header(of png: [UInt8]) -> (width: Int, height: Int, bitDepth: UInt8, colorType: UInt8) {
        let ihdr = chunks(of: png).first { $0.type == "IHDR" }!.data
        return (Int(readBigEndian(ihdr, 0)), Int(readBigEndian(ihdr, 4)), ihdr[8], ihdr[9])
    }

    private static func chunks(of png: [UInt8]) -> [(type: String, data: [UInt8])] {
        var chunks: [(type: String, data: [UInt8])] = []
        var position = signature.count
        while position + 12 <= png.count {
            let length = Int(readBigEndian(png, position))
            let type = String(decoding: png[(position + 4)..<(position + 8)], as: UTF8.self)
            chunks.append((type, Array(png[(position + 8)..<(position + 8 + length)])))
            position += 12 + length
        }
        return chunks
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        file += bigEndian(UInt32(data.count)) + typeBytes + data
        file += bigEndian(crc32(typeBytes + data))
    }

    /// CRC-32 (ISO 3309, as PNG uses it), bit by bit: only the envelope's few bytes go through it.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func readBigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
