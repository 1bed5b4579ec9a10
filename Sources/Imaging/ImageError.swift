/// Why an image could not be built, read, decoded or written.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    /// Width, height or channel count out of range, or a pixel buffer of the wrong length.
    case invalidDimensions(width: Int, height: Int, channelCount: Int, pixelCount: Int)
    /// A tensor that is not an `[N, 3, H, W]` (or `[3, H, W]`) image batch.
    case invalidTensorShape([Int])
    /// A decoded image tensor holds `count` NaN values (of `total`): there is no pixel to make of them.
    case notANumber(count: Int, total: Int)
    /// The bytes do not start with the PNG signature.
    case notPNG
    /// The file ends inside a chunk, the zlib stream or the image data.
    case truncated(String)
    /// Structurally invalid PNG or zlib data, with what was wrong.
    case corrupt(String)
    /// A valid PNG that uses a feature this reader does not implement.
    case unsupported(String)
    /// The image is larger than the reader accepts.
    case tooLarge(width: Int, height: Int, maximumPixelCount: Int)
    /// The file could not be read.
    case readFailed(path: String, reason: String)
    /// The file could not be written; nothing was left at the destination.
    case writeFailed(path: String, reason: String)
    /// Two images compared pixel by pixel differ in size, each given as [height, width, channels].
    case sizeMismatch(expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .invalidDimensions(width, height, channels, count):
            return "invalid image: \(width)x\(height) with \(channels) channels needs "
                + "\(width * height * channels) bytes, got \(count); width and height must be positive "
                + "and channels 3 (RGB) or 4 (RGBA)"
        case let .invalidTensorShape(shape):
            return "cannot convert a tensor of shape \(shape) to images: expected [N, 3, H, W] or [3, H, W]"
        case let .notANumber(count, total):
            return "the decoded image has \(count) NaN values of \(total); the model's weights or its latents "
                + "are not finite numbers, so no image was made"
        case .notPNG:
            return "not a PNG file (the 8-byte PNG signature is missing)"
        case let .truncated(what):
            return "PNG is truncated: \(what)"
        case let .corrupt(what):
            return "PNG is corrupt: \(what)"
        case let .unsupported(what):
            return "PNG uses an unsupported feature: \(what); re-save it as a non-interlaced 8-bit RGB or RGBA PNG"
        case let .tooLarge(width, height, limit):
            return "PNG of \(width)x\(height) pixels is too large (at most \(limit) pixels)"
        case let .readFailed(path, reason):
            return "cannot read \(path): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        case let .sizeMismatch(expected, found):
            return "cannot compare images of different sizes: [height, width, channels] \(expected) and \(found)"
        }
    }
}
