import Tensor

/// How far an encrypted run's latents are from the plaintext run's: the latent figures `hediff
/// compare` reports beside the images' PSNR and SSIM (`ImageComparison`).
public enum LatentComparison {
    /// Maximum and mean absolute difference of two tensors of equal shape.
    public static func absoluteError(_ a: Tensor, _ b: Tensor) throws(HEDiffusionError) -> (max: Double, mean: Double) {
        guard a.shape == b.shape else { throw .shapeMismatch(expected: a.shape, found: b.shape) }
        var maxError = 0.0, sum = 0.0
        for (x, y) in zip(a.scalars, b.scalars) {
            let d = Double(abs(x - y))
            maxError = max(maxError, d)
            sum += d
        }
        return (maxError, a.scalars.isEmpty ? 0 : sum / Double(a.scalars.count))
    }
}
