/// An 8-bit RGB or RGBA image, rows top to bottom, channels interleaved.
public struct PixelImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 3 (RGB) or 4 (RGBA).
    public let channelCount: Int
    /// `height · width · channelCount` bytes, row-major, channels interleaved.
    public let pixels: [UInt8]

    /// Wraps `pixels`; throws `ImageError.invalidDimensions` unless the sizes agree.
    public init(width: Int, height: Int, channelCount: Int, pixels: [UInt8]) throws {
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, channelCount == 3 || channelCount == 4, !overflow,
            area <= Int.max / 4, area * channelCount == pixels.count
        else {
            throw ImageError.invalidDimensions(
                width: width, height: height, channelCount: channelCount, pixelCount: pixels.count)
        }
        self.width = width
        self.height = height
        self.channelCount = channelCount
        self.pixels = pixels
    }
}
