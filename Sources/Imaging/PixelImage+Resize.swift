import Foundation

extension PixelImage {
    /// The image resampled to `width`×`height` with a Lanczos-3 filter, the filter diffusers'
    /// image processor asks PIL for (`resample="lanczos"`): separable, horizontal pass then
    /// vertical, the kernel widened by the reduction factor when shrinking (antialiasing), each
    /// pass rounded to 8 bits as PIL does.
    ///
    /// Matches: Pillow 13.0 `Image.resize(…, Image.LANCZOS)` (libImaging/Resample.c) to within one
    /// level (PIL sums in 22-bit fixed point, this in double); checked by Tests/Fixtures/resize.
    ///
    /// - Throws: `ImageError.invalidDimensions` for a non-positive size.
    public func resized(width newWidth: Int, height newHeight: Int) throws -> PixelImage {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidDimensions(width: newWidth, height: newHeight, channelCount: channelCount, pixelCount: 0)
        }
        if newWidth == width, newHeight == height { return self }
        var current = self
        if newWidth != width {
            current = try current.resampled(horizontally: true, to: newWidth)
        }
        if newHeight != height {
            current = try current.resampled(horizontally: false, to: newHeight)
        }
        return current
    }

    /// One separable pass along rows (`horizontally`) or columns.
    private func resampled(horizontally: Bool, to outputSize: Int) throws -> PixelImage {
        let inputSize = horizontally ? width : height
        let taps = Self.lanczosTaps(from: inputSize, to: outputSize)
        let outWidth = horizontally ? outputSize : width
        let outHeight = horizontally ? height : outputSize
        let channels = channelCount
        var output = [UInt8](repeating: 0, count: outWidth * outHeight * channels)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let (first, weights) = taps[horizontally ? x : y]
                for c in 0..<channels {
                    var sum = 0.0
                    for (k, weight) in weights.enumerated() {
                        let source = horizontally ? ((y * width + first + k) * channels + c) : (((first + k) * width + x) * channels + c)
                        sum += weight * Double(pixels[source])
                    }
                    output[(y * outWidth + x) * channels + c] = UInt8(min(max((sum + 0.5).rounded(.down), 0), 255))
                }
            }
        }
        return try PixelImage(width: outWidth, height: outHeight, channelCount: channels, pixels: output)
    }

    /// Per output index: the first input index and the normalized weights (PIL's `precompute_coeffs`).
    private static func lanczosTaps(from inputSize: Int, to outputSize: Int) -> [(Int, [Double])] {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 3 * filterScale
        return (0..<outputSize).map { i in
            let center = (Double(i) + 0.5) * scale
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inputSize)
            var weights = (low..<high).map { lanczos((Double($0) - center + 0.5) / filterScale) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            return (low, weights)
        }
    }

    /// sinc(x)·sinc(x/3) on (−3, 3), 0 outside.
    private static func lanczos(_ x: Double) -> Double {
        guard x > -3, x < 3 else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    private static func sinc(_ x: Double) -> Double {
        guard x != 0 else { return 1 }
        let t = x * Double.pi
        return sin(t) / t
    }
}
