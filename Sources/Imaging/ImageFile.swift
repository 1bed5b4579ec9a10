import Foundation

/// Reading a start image from a file whose format is told by its first bytes: PNG or JPEG.
public enum ImageFile {
    /// The image in `url`, refused beyond `maximumPixelCount` pixels before it is decoded.
    ///
    /// - Throws: `ImageError.readFailed` when the file cannot be read, `.unsupported` when it is
    ///   neither PNG nor JPEG, or the decoder's error.
    public static func read(from url: URL, maximumPixelCount: Int = PNG.maximumPixelCount) throws -> PixelImage {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            throw ImageError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        if JPEG.isJPEG(bytes) { return try JPEG.decode(bytes, maximumPixelCount: maximumPixelCount) }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNG.decode(bytes, maximumPixelCount: maximumPixelCount) }
        throw ImageError.unsupported("\(url.lastPathComponent) is neither a PNG nor a JPEG file")
    }
}
