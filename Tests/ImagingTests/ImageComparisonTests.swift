import Foundation
import Imaging
import XCTest

/// PSNR and SSIM on images whose figures follow from the definitions.
final class ImageComparisonTests: XCTestCase {
    func testImageMetricsOnKnownCases() throws {
        let pixels = (0..<(16 * 16 * 3)).map { UInt8(($0 * 37) % 256) }
        let a = try PixelImage(width: 16, height: 16, channelCount: 3, pixels: pixels)
        XCTAssertEqual(try ImageComparison.psnr(a, a), .infinity)
        XCTAssertEqual(try ImageComparison.ssim(a, a), 1, accuracy: 1e-12)
        // Every pixel off by 1: MSE 1, PSNR = 20·log10(255) = 48.13 dB.
        let shifted = try PixelImage(width: 16, height: 16, channelCount: 3, pixels: pixels.map { $0 == 255 ? 254 : $0 + 1 })
        XCTAssertEqual(try ImageComparison.psnr(a, shifted), 20 * log10(255), accuracy: 1e-9)
        let inverted = try PixelImage(width: 16, height: 16, channelCount: 3, pixels: pixels.map { 255 - $0 })
        XCTAssertLessThan(try ImageComparison.ssim(a, inverted), 0, "anti-correlated structure")
        XCTAssertEqual(try ImageComparison.ssim(a, shifted), try ImageComparison.ssim(shifted, a), accuracy: 1e-12)
        let half = try PixelImage(width: 8, height: 16, channelCount: 3, pixels: Array(pixels.prefix(384)))
        XCTAssertThrowsError(try ImageComparison.psnr(a, half)) { error in
            XCTAssertEqual(error as? ImageError, .sizeMismatch(expected: [16, 16, 3], found: [16, 8, 3]))
        }
    }
}
