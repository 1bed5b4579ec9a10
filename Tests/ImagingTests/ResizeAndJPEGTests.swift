import Foundation
import Imaging
import XCTest

/// Lanczos resizing against PIL, and JPEG decoding against PIL's decoding of the same file
/// (Tests/Fixtures/resize, made by tools/fixtures/make_resize_fixtures.py).
final class ResizeAndJPEGTests: XCTestCase {
    private static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/resize")

    private func image(_ name: String) throws -> PixelImage {
        try PNG.read(from: Self.directory.appendingPathComponent(name))
    }

    /// Within one level of PIL everywhere (PIL sums in fixed point), and equal almost everywhere.
    func testLanczosResizeMatchesPIL() throws {
        let source = try image("source.png")
        for (width, height) in [(24, 16), (64, 48), (32, 40), (45, 8), (13, 37)] {
            let expected = try image("lanczos-\(width)x\(height).png")
            let ours = try source.resized(width: width, height: height)
            XCTAssertEqual([ours.width, ours.height], [width, height])
            let differences = zip(ours.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }
            let exact = Double(differences.filter { $0 == 0 }.count) / Double(differences.count)
            XCTAssertLessThanOrEqual(differences.max() ?? 0, 1, "\(width)x\(height)")
            XCTAssertGreaterThan(exact, 0.95, "\(width)x\(height)")
        }
        XCTAssertEqual(try source.resized(width: source.width, height: source.height).pixels, source.pixels)
        XCTAssertThrowsError(try source.resized(width: 0, height: 5))
    }

    func testJPEGDecodesAsPILDoes() throws {
        let url = Self.directory.appendingPathComponent("source.jpg")
        let ours = try ImageFile.read(from: url)
        let expected = try image("source.jpg.png")
        XCTAssertEqual([ours.width, ours.height, ours.channelCount], [expected.width, expected.height, 3])
        let worst = zip(ours.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1)
    }

    /// Damaged JPEGs fail with an error naming the problem, never a crash; an oversized one is
    /// refused from its header.
    func testDamagedAndOversizedJPEGsAreRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent("source.jpg")))
        XCTAssertThrowsError(try JPEG.decode(bytes, maximumPixelCount: 100)) { error in
            XCTAssertEqual(error as? ImageError, .tooLarge(width: 45, height: 37, maximumPixelCount: 100))
        }
        for cut in [3, 20, 200, bytes.count / 2] {
            XCTAssertThrowsError(try JPEG.decode(Array(bytes.prefix(cut))), "cut at \(cut)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var damaged = bytes
            for _ in 0..<4 { damaged[Int.random(in: 2..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            _ = try? JPEG.decode(damaged)
        }
        XCTAssertThrowsError(try ImageFile.read(from: Self.directory.appendingPathComponent("resize.json"))) { error in
            XCTAssertTrue("\(error)".contains("neither a PNG nor a JPEG"), "\(error)")
        }
    }
}
