import Foundation

/// How close two images are: the PSNR and SSIM that `hediff compare` and the privacy audit report.
public enum ImageComparison {
    /// Peak signal-to-noise ratio in dB of two 8-bit images of equal size (∞ when identical).
    public static func psnr(_ a: PixelImage, _ b: PixelImage) throws(ImageError) -> Double {
        try checkSameSize(a, b)
        var squared = 0.0
        for (x, y) in zip(a.pixels, b.pixels) {
            let d = Double(x) - Double(y)
            squared += d * d
        }
        let mse = squared / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// Structural similarity (Wang et al. 2004) with 7×7 uniform windows (scikit-image's default),
    /// K1 = 0.01, K2 = 0.03, L = 255, averaged over windows and channels.
    public static func ssim(_ a: PixelImage, _ b: PixelImage) throws(ImageError) -> Double {
        try checkSameSize(a, b)
        let (w, h, c) = (a.width, a.height, a.channelCount)
        let window = min(7, w, h)
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        let count = Double(window * window)
        var total = 0.0
        var windows = 0
        for channel in 0..<c {
            for y0 in 0...(h - window) {
                for x0 in 0...(w - window) {
                    var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
                    for y in y0..<(y0 + window) {
                        for x in x0..<(x0 + window) {
                            let i = (y * w + x) * c + channel
                            let p = Double(a.pixels[i]), q = Double(b.pixels[i])
                            sa += p; sb += q; saa += p * p; sbb += q * q; sab += p * q
                        }
                    }
                    let ma = sa / count, mb = sb / count
                    // Sample (co)variances, as scikit-image uses by default.
                    let unbias = count / (count - 1)
                    let va = (saa / count - ma * ma) * unbias, vb = (sbb / count - mb * mb) * unbias
                    let cov = (sab / count - ma * mb) * unbias
                    total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
                    windows += 1
                }
            }
        }
        return total / Double(windows)
    }

    private static func checkSameSize(_ a: PixelImage, _ b: PixelImage) throws(ImageError) {
        guard a.width == b.width, a.height == b.height, a.channelCount == b.channelCount else {
            throw .sizeMismatch(expected: [a.height, a.width, a.channelCount], found: [b.height, b.width, b.channelCount])
        }
    }
}
