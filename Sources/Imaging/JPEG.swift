import Foundation
import JPEGDecoding

/// JPEG decoding into `PixelImage`s (8-bit RGB), through the system's libjpeg: baseline and
/// progressive, grayscale or colour; CMYK is refused. Used for start images (`--image`).
public enum JPEG {
    /// Whether `bytes` start like a JPEG file (SOI marker followed by another marker).
    public static func isJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Decodes a JPEG file's bytes.
    ///
    /// - Throws: `ImageError.tooLarge` for an image beyond `maximumPixelCount` (read from the
    ///   header, before decoding), `ImageError.corrupt` with libjpeg's reason for anything else.
    public static func decode(_ bytes: [UInt8], maximumPixelCount: Int = PNG.maximumPixelCount) throws -> PixelImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var reason = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            hediff_jpeg_decode(buffer.baseAddress, buffer.count, max(0, maximumPixelCount), &pixels, &width, &height, &reason, reason.count)
        }
        if status == -2 {
            throw ImageError.tooLarge(width: Int(width), height: Int(height), maximumPixelCount: maximumPixelCount)
        }
        guard status == 0, let pixels else {
            throw ImageError.corrupt("JPEG: " + String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { hediff_jpeg_free(pixels) }
        let count = Int(width) * Int(height) * 3
        return try PixelImage(width: Int(width), height: Int(height), channelCount: 3, pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
