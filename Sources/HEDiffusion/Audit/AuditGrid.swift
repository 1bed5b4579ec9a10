import Imaging

extension PrivacyAudit.Result {
    /// One row of images, left to right: the real image, each attack's reconstruction (mid-grey
    /// where an attack produced none), then the random-noise baseline — what leaked, at a glance.
    public func grid(truth: PixelImage) throws -> PixelImage {
        let tiles = [truth] + attacks.map(\.image) + [baselines.first?.image]
        let (width, height, channels) = (truth.width, truth.height, truth.channelCount)
        let gap = 2
        let totalWidth = tiles.count * width + (tiles.count - 1) * gap
        var pixels = [UInt8](repeating: 255, count: totalWidth * height * channels)
        for (t, tile) in tiles.enumerated() {
            let x0 = t * (width + gap)
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<channels {
                        let value: UInt8
                        if let tile, tile.width == width, tile.height == height, tile.channelCount == channels {
                            value = tile.pixels[(y * width + x) * channels + c]
                        } else {
                            value = 128
                        }
                        pixels[(y * totalWidth + x0 + x) * channels + c] = value
                    }
                }
            }
        }
        return try PixelImage(width: totalWidth, height: height, channelCount: channels, pixels: pixels)
    }
}
