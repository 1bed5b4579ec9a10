import Foundation

/// PNG encoding and decoding of `PixelImage`s (8-bit RGB and RGBA; the reader also accepts
/// grayscale (1–8 bit), grayscale + alpha and palette (1–8 bit) images, converted to RGB or RGBA).
/// Not read: 16-bit samples, Adam7 interlacing; palette transparency (tRNS) is ignored.
///
/// The writer stores the image data in uncompressed DEFLATE blocks, so files are about
/// `width · height · channels` bytes; the reader implements full inflate. Files are written
/// atomically (`FileDestination`): a temporary file beside the destination is renamed into place,
/// and only a regular file or a new path is ever replaced.
public enum PNG {
    /// The largest image the reader accepts by default, in pixels (64 megapixels). Callers with a
    /// smaller use pass their own limit; either is checked on the header, before any inflating.
    public static let maximumPixelCount = 1 << 26

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    // MARK: Encoding

    /// The PNG file bytes of `image`, with `text` as textual chunks (keyword, value) after the
    /// header: `tEXt` when the value is Latin-1, else `iTXt` (UTF-8, uncompressed).
    public static func encode(_ image: PixelImage, text: [(keyword: String, value: String)] = []) -> [UInt8] {
        let rowLength = image.width * image.channelCount
        var raw = [UInt8]()
        raw.reserveCapacity(image.height * (rowLength + 1))
        for row in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(row * rowLength)..<((row + 1) * rowLength)]
        }
        var header = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, image.channelCount == 4 ? 6 : 2, 0, 0, 0]

        var file = signature
        appendChunk("IHDR", header, to: &file)
        for (keyword, value) in text {
            let name = Array(keyword.unicodeScalars.filter { (32...126).contains($0.value) }.prefix(79).map { UInt8($0.value) })
            if value.unicodeScalars.allSatisfy({ $0.value < 256 }) {
                appendChunk("tEXt", name + [0] + value.unicodeScalars.map { UInt8($0.value) }, to: &file)
            } else {
                appendChunk("iTXt", name + [0, 0, 0, 0, 0] + Array(value.utf8), to: &file)
            }
        }
        appendChunk("IDAT", storedZlib(raw), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Writes `image` to `url` atomically; on failure nothing is left at `url` or beside it.
    ///
    /// - Throws: `ImageError.writeFailed`, also when `url` is (or links to) a directory, device,
    ///   FIFO or socket, which are refused before anything is written.
    public static func write(_ image: PixelImage, to url: URL, text: [(keyword: String, value: String)] = []) throws {
        try FileDestination.write(encode(image, text: text), to: url)
    }

    /// The textual chunks of a PNG file (`tEXt`, and `iTXt` without compression), in file order;
    /// a file that is not a PNG, or a malformed chunk, yields what was read before it.
    public static func text(in bytes: [UInt8]) -> [(keyword: String, value: String)] {
        guard bytes.starts(with: signature) else { return [] }
        var entries: [(String, String)] = []
        var position = 8
        while position + 12 <= bytes.count {
            let length = Int(readUInt32(bytes, position))
            guard length <= bytes.count - position - 12 else { break }
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let data = Array(bytes[(position + 8)..<(position + 8 + length)])
            position += 12 + length
            guard let separator = data.firstIndex(of: 0) else { continue }
            let keyword = String(decoding: data[..<separator], as: UTF8.self)
            switch type {
            case "tEXt":
                entries.append((keyword, String(String.UnicodeScalarView(data[(separator + 1)...].map { Unicode.Scalar($0) }))))
            case "iTXt":
                // flag, method, then language and translated keyword, each NUL-terminated.
                var rest = data[(separator + 1)...]
                guard rest.count >= 2, rest.first == 0 else { continue }
                rest = rest.dropFirst(2)
                guard let language = rest.firstIndex(of: 0) else { continue }
                rest = rest[(language + 1)...]
                guard let translated = rest.firstIndex(of: 0) else { continue }
                entries.append((keyword, String(decoding: rest[(translated + 1)...], as: UTF8.self)))
            case "IEND":
                return entries
            default:
                continue
            }
        }
        return entries
    }

    /// zlib stream of `data` in stored (uncompressed) DEFLATE blocks of at most 65 535 bytes.
    private static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65_535, data.count)
            let length = UInt16(end - start)
            stream.append(end == data.count ? 1 : 0)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += data[start..<end]
            start = end
        } while start < data.count
        return stream + bigEndian(Checksum.adler32(data))
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        file += bigEndian(UInt32(data.count)) + typeBytes + data
        file += bigEndian(Checksum.crc32(data, continuing: Checksum.crc32(typeBytes)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    // MARK: Decoding

    /// Reads and decodes the PNG file at `url`, a regular file (a FIFO or device is refused
    /// rather than read without end).
    ///
    /// - Parameter maximumPixelCount: the largest image accepted; larger headers throw
    ///   `ImageError.tooLarge` before the image data is inflated.
    public static func read(from url: URL, maximumPixelCount: Int = maximumPixelCount) throws -> PixelImage {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw ImageError.readFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ImageError.readFailed(path: url.path, reason: "not a regular file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImageError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        return try decode([UInt8](data), maximumPixelCount: maximumPixelCount)
    }

    /// Decodes PNG file bytes; malformed input throws `ImageError`, an image of more than
    /// `maximumPixelCount` pixels `ImageError.tooLarge` (checked on the header, before inflating).
    public static func decode(_ bytes: [UInt8], maximumPixelCount: Int = maximumPixelCount) throws -> PixelImage {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw ImageError.notPNG }
        var position = 8
        var header: Header?
        var palette: [UInt8]?
        var compressed: [UInt8] = []
        var ended = false
        while !ended {
            guard position + 8 <= bytes.count else { throw ImageError.truncated("chunk header past end of file") }
            let length = Int(readUInt32(bytes, position))
            let typeBytes = Array(bytes[(position + 4)..<(position + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= Int(Int32.max), position + 12 + length <= bytes.count else {
                throw ImageError.truncated("chunk \(type) runs past end of file")
            }
            let data = Array(bytes[(position + 8)..<(position + 8 + length)])
            guard readUInt32(bytes, position + 8 + length) == Checksum.crc32(data, continuing: Checksum.crc32(typeBytes))
            else { throw ImageError.corrupt("CRC mismatch in chunk \(type)") }
            position += 12 + length

            if header == nil && type != "IHDR" { throw ImageError.corrupt("first chunk is \(type), not IHDR") }
            switch type {
            case "IHDR":
                guard header == nil else { throw ImageError.corrupt("repeated IHDR chunk") }
                header = try Header(data, maximumPixelCount: maximumPixelCount)
            case "PLTE":
                guard length % 3 == 0, length > 0, length <= 768 else { throw ImageError.corrupt("invalid PLTE length") }
                palette = data
            case "IDAT":
                compressed += data
            case "IEND":
                ended = true
            default:
                // Uppercase first letter marks a chunk the image cannot be shown without.
                guard typeBytes[0] & 0x20 != 0 else { throw ImageError.unsupported("critical chunk \(type)") }
            }
        }
        guard let header else { throw ImageError.corrupt("no IHDR chunk") }
        guard !compressed.isEmpty else { throw ImageError.corrupt("no image data (IDAT)") }
        let rowLength = (header.width * header.samplesPerPixel * header.bitDepth + 7) / 8
        let raw = try Inflater.inflateZlib(compressed, expectedCount: header.height * (rowLength + 1))
        let bytesPerPixel = max(1, header.samplesPerPixel * header.bitDepth / 8)
        let rows = try unfilter(raw, rowLength: rowLength, height: header.height, bytesPerPixel: bytesPerPixel)
        return try header.pixelImage(from: header.unpacked(rows, rowLength: rowLength), palette: palette)
    }

    private static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reverses the per-row PNG filters (None, Sub, Up, Average, Paeth).
    private static func unfilter(_ raw: [UInt8], rowLength: Int, height: Int, bytesPerPixel: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rowLength * height)
        for row in 0..<height {
            let filter = raw[row * (rowLength + 1)]
            let source = row * (rowLength + 1) + 1
            let base = row * rowLength
            for i in 0..<rowLength {
                let x = raw[source + i]
                let left = i >= bytesPerPixel ? Int(out[base + i - bytesPerPixel]) : 0
                let up = row > 0 ? Int(out[base - rowLength + i]) : 0
                let upLeft = row > 0 && i >= bytesPerPixel ? Int(out[base - rowLength + i - bytesPerPixel]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let p = left + up - upLeft
                    let (pa, pb, pc) = (abs(p - left), abs(p - up), abs(p - upLeft))
                    predictor = pa <= pb && pa <= pc ? left : (pb <= pc ? up : upLeft)
                default: throw ImageError.corrupt("unknown filter type \(filter) in row \(row)")
                }
                out[base + i] = x &+ UInt8(truncatingIfNeeded: predictor)
            }
        }
        return out
    }

    /// The IHDR fields this reader supports.
    private struct Header {
        let width: Int
        let height: Int
        /// PNG color type: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA.
        let colorType: UInt8
        /// Bits per sample: 8, or 1, 2 or 4 for gray and palette images.
        let bitDepth: Int

        init(_ data: [UInt8], maximumPixelCount: Int) throws {
            guard data.count == 13 else { throw ImageError.corrupt("IHDR has \(data.count) bytes, expected 13") }
            width = Int(PNG.readUInt32(data, 0))
            height = Int(PNG.readUInt32(data, 4))
            colorType = data[9]
            guard width > 0, height > 0 else { throw ImageError.corrupt("zero width or height") }
            guard width <= maximumPixelCount, height <= maximumPixelCount, width * height <= maximumPixelCount
            else { throw ImageError.tooLarge(width: width, height: height, maximumPixelCount: maximumPixelCount) }
            guard [0, 2, 3, 4, 6].contains(colorType) else { throw ImageError.corrupt("invalid color type \(colorType)") }
            bitDepth = Int(data[8])
            let lowDepthAllowed = colorType == 0 || colorType == 3
            guard bitDepth == 8 || (lowDepthAllowed && [1, 2, 4].contains(bitDepth)) else {
                throw bitDepth == 16 && colorType != 3
                    ? ImageError.unsupported("bit depth 16 (8-bit samples are read)")
                    : ImageError.corrupt("bit depth \(bitDepth) is invalid for color type \(colorType)")
            }
            guard data[10] == 0, data[11] == 0 else { throw ImageError.corrupt("unknown compression or filter method") }
            guard data[12] == 0 else { throw ImageError.unsupported("interlacing (Adam7)") }
        }

        var samplesPerPixel: Int {
            switch colorType {
            case 2: return 3
            case 4: return 2
            case 6: return 4
            default: return 1
            }
        }

        /// One byte per sample: packed 1/2/4-bit samples are split out (gray ones scaled to 0...255).
        func unpacked(_ rows: [UInt8], rowLength: Int) -> [UInt8] {
            guard bitDepth < 8 else { return rows }
            let mask = (1 << bitDepth) - 1
            let scale = colorType == 0 ? 255 / mask : 1
            var samples = [UInt8]()
            samples.reserveCapacity(width * height)
            for row in 0..<height {
                for x in 0..<width {
                    let bit = x * bitDepth
                    let byte = Int(rows[row * rowLength + bit / 8])
                    samples.append(UInt8((byte >> (8 - bitDepth - bit % 8) & mask) * scale))
                }
            }
            return samples
        }

        /// Expands gray and palette samples to RGB(A).
        func pixelImage(from samples: [UInt8], palette: [UInt8]?) throws -> PixelImage {
            let pixels: [UInt8]
            let channels = colorType == 4 || colorType == 6 ? 4 : 3
            switch colorType {
            case 0: pixels = samples.flatMap { [$0, $0, $0] }
            case 4:
                pixels = stride(from: 0, to: samples.count, by: 2).flatMap {
                    [samples[$0], samples[$0], samples[$0], samples[$0 + 1]]
                }
            case 3:
                guard let palette else { throw ImageError.corrupt("palette image without PLTE chunk") }
                var expanded = [UInt8]()
                expanded.reserveCapacity(samples.count * 3)
                for index in samples {
                    let entry = Int(index) * 3
                    guard entry + 2 < palette.count else { throw ImageError.corrupt("palette index \(index) out of range") }
                    expanded += palette[entry...(entry + 2)]
                }
                pixels = expanded
            default: pixels = samples
            }
            return try PixelImage(width: width, height: height, channelCount: channels, pixels: pixels)
        }
    }
}
