import Tensor

/// The HILL embedding-cost map (Li et al., "A new cost function for spatial image
/// steganography", 2014) that HE-Diffusion uses to rank latent points.
///
/// For one latent [C, H, W]: filter with the high-pass kernel [[−1, 2, −1], [2, −4, 2], [−1, 2, −1]],
/// take |·|, average over 3×3, take the reciprocal (0 where the average is 0), average over 15×15;
/// reflect padding (of min(k/2, size − 1)) at every stage. The reference applies C×C kernels, so
/// each stage sums over channels; the channel sums fold to: cost = box15(1 / box3(|K ∗ Σ_c x_c|)),
/// identical for every channel.
/// Matches: HE-diffusion/HE-diffusion `ldm/distortion.py` `hill_cost_function` (commit 4c55766).
public enum HILLCostMap {
    /// The cost of each spatial position, [H × W] row-major, for a latent [C, H, W] given as
    /// `channels` consecutive planes; height and width are at least `minimumExtent`.
    public static func cost(planes: UnsafeBufferPointer<Float>, channels: Int, height: Int, width: Int) -> [Float] {
        let plane = height * width
        var sum = [Float](repeating: 0, count: plane)
        for c in 0..<channels {
            for i in 0..<plane { sum[i] += planes[c * plane + i] }
        }
        let kernel: [Float] = [-1, 2, -1, 2, -4, 2, -1, 2, -1]
        var residual = [Float](repeating: 0, count: plane)
        for y in 0..<height {
            for x in 0..<width {
                var acc: Float = 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let sy = reflect(y + dy, size: height)
                        let sx = reflect(x + dx, size: width)
                        acc += kernel[(dy + 1) * 3 + dx + 1] * sum[sy * width + sx]
                    }
                }
                residual[y * width + x] = abs(acc)
            }
        }
        var smoothed = boxMean(residual, height: height, width: width, size: 3)
        for i in 0..<plane { smoothed[i] = smoothed[i] == 0 ? 0 : 1 / smoothed[i] }
        return boxMean(smoothed, height: height, width: width, size: 15)
    }

    /// The smallest height and width the cost map supports: the 15×15 window's reflect padding
    /// (7) must be below the extent, as in the reference.
    public static let minimumExtent = 8

    /// Index into a reflect-padded axis (the edge sample is not repeated); |offset| < size.
    @inline(__always)
    static func reflect(_ i: Int, size: Int) -> Int {
        if i < 0 { return -i }
        if i >= size { return 2 * (size - 1) - i }
        return i
    }

    /// Mean over a size×size window of the reflect-padded plane, separably (rows, then columns).
    static func boxMean(_ input: [Float], height: Int, width: Int, size: Int) -> [Float] {
        let half = size / 2
        let weight = 1 / Float(size * size)
        var rows = [Float](repeating: 0, count: height * width)
        for y in 0..<height {
            for x in 0..<width {
                var acc: Float = 0
                for dx in -half...half { acc += input[y * width + reflect(x + dx, size: width)] }
                rows[y * width + x] = acc
            }
        }
        var out = [Float](repeating: 0, count: height * width)
        for y in 0..<height {
            for x in 0..<width {
                var acc: Float = 0
                for dy in -half...half { acc += rows[reflect(y + dy, size: height) * width + x] }
                out[y * width + x] = acc * weight
            }
        }
        return out
    }
}
