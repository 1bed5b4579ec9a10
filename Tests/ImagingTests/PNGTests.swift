import Foundation
import Imaging
import XCTest

/// PNG decoding against Pillow/zlib-made files (tools/fixtures/make_png_fixtures.py), round trips,
/// atomic writes and a malformed-input corpus that must end in `ImageError`, never a crash.
final class PNGTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/png")
    private static let names = [
        "pillow_rgb", "pillow_rgba", "pillow_gray", "pillow_gray_alpha", "pillow_palette", "pillow_gray_1bit",
        "filters_dynamic", "filters_fixed", "filters_stored",
    ]

    private func fixture(_ name: String) throws -> (png: [UInt8], pixels: [UInt8]) {
        (
            [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).png"))),
            [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).pixels")))
        )
    }

    private func sampleImage(width: Int, height: Int, channels: Int) throws -> PixelImage {
        let pixels = (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) }
        return try PixelImage(width: width, height: height, channelCount: channels, pixels: pixels)
    }

    func testDecodesPillowAndZlibFiles() throws {
        for name in Self.names {
            let (png, pixels) = try fixture(name)
            let image = try PNG.decode(png)
            XCTAssertEqual(image.channelCount, name.hasSuffix("rgba") || name.hasSuffix("alpha") || name == "filters_fixed" ? 4 : 3, name)
            XCTAssertEqual(image.pixels, pixels, name)
        }
    }

    func testRoundTripRGBAndRGBA() throws {
        for (width, height, channels) in [(1, 1, 3), (5, 3, 4), (300, 97, 3), (129, 130, 4)] {
            let image = try sampleImage(width: width, height: height, channels: channels)
            XCTAssertEqual(try PNG.decode(PNG.encode(image)), image)
        }
    }

    func testWriteIsAtomicAndReadsBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.png")
        let first = try sampleImage(width: 8, height: 4, channels: 3)
        let second = try sampleImage(width: 3, height: 9, channels: 4)
        try PNG.write(first, to: url)
        try PNG.write(second, to: url)
        XCTAssertEqual(try PNG.read(from: url), second)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["out.png"])

        let missing = folder.appendingPathComponent("no/such/dir/out.png")
        XCTAssertThrowsError(try PNG.write(first, to: missing)) { error in
            guard case .writeFailed = error as? ImageError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try PNG.read(from: folder.appendingPathComponent("absent.png"))) { error in
            guard case .readFailed = error as? ImageError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["out.png"])
    }

    func testEveryTruncationAndByteCorruptionIsRejected() throws {
        for name in ["filters_dynamic", "filters_fixed", "pillow_palette"] {
            let (png, _) = try fixture(name)
            for length in 0..<png.count {
                XCTAssertThrowsError(try PNG.decode(Array(png[0..<length]))) { error in
                    XCTAssertNotNil(error as? ImageError, "\(name) cut at \(length): \(error)")
                }
            }
            for position in 0..<png.count {
                var corrupted = png
                corrupted[position] ^= 0x5A
                do {
                    _ = try PNG.decode(corrupted)
                    XCTFail("\(name): corruption at \(position) was accepted")
                } catch {
                    XCTAssertNotNil(error as? ImageError, "\(name) byte \(position): \(error)")
                }
            }
        }
    }

    /// Corrupting the compressed stream under a valid CRC exercises the inflater's own checks.
    func testCorruptDeflateDataUnderValidCRCIsRejectedOrDecoded() throws {
        let (png, _) = try fixture("filters_dynamic")
        var chunks = Chunks(png)
        let idat = try XCTUnwrap(chunks.list.firstIndex { $0.type == "IDAT" })
        for position in 0..<chunks.list[idat].data.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var mutated = chunks
                mutated.list[idat].data[position] ^= mask
                do {
                    _ = try PNG.decode(mutated.bytes)
                } catch {
                    XCTAssertNotNil(error as? ImageError, "IDAT byte \(position): \(error)")
                }
            }
        }
        chunks.list[idat].data = [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try PNG.decode(chunks.bytes))
    }

    /// The pixel limit is checked on the header, before inflating: a header declaring 4096x4096
    /// over image data that is not even valid zlib is refused as too large, not as corrupt.
    func testPixelLimitIsCheckedBeforeInflating() throws {
        var chunks = Chunks(PNG.encode(try sampleImage(width: 4, height: 2, channels: 3)))
        chunks.list[0].data[0...7] = [0, 0, 0x10, 0, 0, 0, 0x10, 0]
        chunks.list[1].data = [0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try PNG.decode(chunks.bytes, maximumPixelCount: 2048 * 2048)) { error in
            XCTAssertEqual(error as? ImageError, .tooLarge(width: 4096, height: 4096, maximumPixelCount: 2048 * 2048))
        }
        XCTAssertThrowsError(try PNG.decode(chunks.bytes)) { error in
            if case .tooLarge? = error as? ImageError { XCTFail("within the default limit: \(error)") }
        }
    }

    func testMalformedHeadersGiveSpecificErrors() throws {
        let valid = PNG.encode(try sampleImage(width: 4, height: 2, channels: 3))
        func mutatedHeader(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
            var chunks = Chunks(valid)
            change(&chunks.list[0].data)
            return chunks.bytes
        }
        func expect(_ bytes: [UInt8], _ check: (ImageError) -> Bool, _ label: String) {
            XCTAssertThrowsError(try PNG.decode(bytes), label) { error in
                guard let error = error as? ImageError, check(error) else { return XCTFail("\(label): \(error)") }
            }
        }
        expect([UInt8](repeating: 0, count: 40), { $0 == .notPNG }, "signature")
        expect(mutatedHeader { $0[8] = 16 }, { if case .unsupported = $0 { true } else { false } }, "16-bit")
        expect(mutatedHeader { $0[8] = 4 }, { if case .corrupt = $0 { true } else { false } }, "4-bit RGB")
        expect(mutatedHeader { $0[12] = 1 }, { if case .unsupported = $0 { true } else { false } }, "interlaced")
        expect(mutatedHeader { $0[9] = 5 }, { if case .corrupt = $0 { true } else { false } }, "color type")
        expect(mutatedHeader { $0[0...3] = [0, 0, 0, 0] }, { if case .corrupt = $0 { true } else { false } }, "zero width")
        expect(
            mutatedHeader { $0[0...7] = [0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF] },
            { if case .tooLarge = $0 { true } else { false } }, "huge")
        expect(mutatedHeader { $0[1...3] = [0, 0, 9] }, { if case .truncated = $0 { true } else { false } }, "wider than data")

        var noData = Chunks(valid)
        noData.list.removeAll { $0.type == "IDAT" }
        expect(noData.bytes, { if case .corrupt = $0 { true } else { false } }, "no IDAT")
        var critical = Chunks(valid)
        critical.list.insert(("ABCD", [1, 2]), at: 1)
        expect(critical.bytes, { if case .unsupported = $0 { true } else { false } }, "critical chunk")
        var ancillary = Chunks(valid)
        ancillary.list.insert(("abCD", [1, 2]), at: 1)
        XCTAssertNoThrow(try PNG.decode(ancillary.bytes))
        var reordered = Chunks(valid)
        reordered.list.swapAt(0, 1)
        expect(reordered.bytes, { if case .corrupt = $0 { true } else { false } }, "IHDR not first")
        var palette = Chunks(valid)
        palette.list[0].data[9] = 3
        palette.list[0].data[3] = 12
        expect(palette.bytes, { if case .corrupt = $0 { true } else { false } }, "palette without PLTE")
    }

    func testBadFilterTypeIsRejected() throws {
        let (png, _) = try fixture("filters_stored")
        var chunks = Chunks(png)
        let first = try XCTUnwrap(chunks.list.firstIndex { $0.type == "IDAT" })
        // Stored block: zlib header (2) + block header (5), then the first row's filter byte.
        chunks.list[first].data[7] = 9
        XCTAssertThrowsError(try PNG.decode(chunks.bytes)) { error in
            guard case .corrupt = error as? ImageError else { return XCTFail("\(error)") }
        }
    }

    func testPixelImageValidatesSizes() {
        XCTAssertThrowsError(try PixelImage(width: 2, height: 2, channelCount: 3, pixels: [0, 1]))
        XCTAssertThrowsError(try PixelImage(width: 0, height: 2, channelCount: 3, pixels: []))
        XCTAssertThrowsError(try PixelImage(width: 1, height: 1, channelCount: 2, pixels: [0, 0]))
        XCTAssertThrowsError(try PixelImage(width: Int.max, height: 3, channelCount: 3, pixels: []))
    }
}

/// A PNG split into chunks, to build malformed files with valid CRCs.
private struct Chunks {
    var list: [(type: String, data: [UInt8])] = []

    init(_ png: [UInt8]) {
        var position = 8
        while position + 12 <= png.count {
            let length = png[position..<(position + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[(position + 4)..<(position + 8)], as: UTF8.self)
            list.append((type, Array(png[(position + 8)..<(position + 8 + length)])))
            position += 12 + length
        }
    }

    var bytes: [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (type, data) in list {
            let body = Array(type.utf8) + data
            out += Self.bigEndian(UInt32(data.count)) + body + Self.bigEndian(Self.crc32(body))
        }
        return out
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    /// Bitwise CRC-32 (reflected polynomial 0xEDB88320), written independently of the codec's table.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
