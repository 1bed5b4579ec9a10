import Imaging
import StableDiffusion
import Tensor
import XCTest

/// Images to tensors and back as diffusers converts them, and decoded tensors at the edges of the
/// float range: NaN has no pixel value and is refused; infinities clamp like any value beyond ±1.
final class PixelImageTensorTests: XCTestCase {
    /// A 1x3x1x2 decoded tensor whose red channel holds `values`; green and blue are 0.
    private func decoded(_ values: [Float]) throws -> Tensor {
        try Tensor(shape: [1, 3, 1, 2], scalars: values + [0, 0, 0, 0])
    }

    func testNaNIsRefusedWithACount() throws {
        XCTAssertThrowsError(try PixelImage.images(fromDecoded: decoded([.nan, 0.25]))) { error in
            XCTAssertEqual(error as? ImageError, .notANumber(count: 1, total: 6))
            XCTAssertTrue("\(error)".contains("NaN"), "\(error)")
        }
    }

    /// Oracle: diffusers' `(x/2 + 0.5).clamp(0, 1) · 255`, rounded half to even, by hand:
    /// +inf → 1 → 255, −inf → 0 → 0, and 0 (in the other channels) → 127.5 → 128.
    func testInfinitiesClampToTheEnds() throws {
        let images = try PixelImage.images(fromDecoded: decoded([.infinity, -.infinity]))
        XCTAssertEqual(images.count, 1)
        XCTAssertEqual(images[0].pixels, [255, 128, 128, 0, 128, 128])
    }

    func testTensorConversionsFollowDiffusers() throws {
        // postprocess: (x/2 + 0.5) clamped, ·255, rounded half to even.
        let decoded = try Tensor(
            shape: [1, 3, 1, 2], scalars: [-1, 1, -2, 2, 0, 1.0 / 255])
        let image = try XCTUnwrap(PixelImage.images(fromDecoded: decoded).first)
        XCTAssertEqual(image.pixels, [0, 0, 128, 255, 255, 128])
        XCTAssertThrowsError(try PixelImage.images(fromDecoded: Tensor(shape: [1, 4, 1, 1], scalars: [0, 0, 0, 0])))

        // preprocess: x/255, then 2x − 1; alpha is dropped.
        let rgba = try PixelImage(width: 1, height: 1, channelCount: 4, pixels: [0, 255, 51, 7])
        XCTAssertEqual(try rgba.tensor(), try Tensor(shape: [1, 3, 1, 1], scalars: [-1, 1, 2 * (Float(51) / 255) - 1]))
    }
}
