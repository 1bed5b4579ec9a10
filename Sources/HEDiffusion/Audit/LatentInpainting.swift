/// Fills the unknown points of a latent from its known ones, plane by plane: the harmonic
/// interpolant (each unknown point the mean of its 4 neighbours, known points fixed), reached by
/// Gauss–Seidel sweeps from the plane's mean of known values. Planes with no known point keep 0.
enum LatentInpainting {
    /// - Parameters:
    ///   - values: flat `[planes × height × width]` values, read only where `known` is true.
    ///   - sweeps: Gauss–Seidel iterations (the interpolant converges in O(side²) sweeps; a few
    ///     hundred settle a 64×64 plane to well below the latent's own precision).
    static func fill(_ values: [Double], known: [Bool], planes: Int, height: Int, width: Int, sweeps: Int = 400) -> [Double] {
        var out = values
        let plane = height * width
        for p in 0..<planes {
            let base = p * plane
            var sum = 0.0, count = 0
            for i in base..<(base + plane) where known[i] {
                sum += values[i]
                count += 1
            }
            let mean = count > 0 ? sum / Double(count) : 0
            for i in base..<(base + plane) where !known[i] { out[i] = mean }
            guard count > 0, count < plane else { continue }
            for _ in 0..<sweeps {
                for y in 0..<height {
                    for x in 0..<width {
                        let i = base + y * width + x
                        if known[i] { continue }
                        var total = 0.0, neighbours = 0.0
                        if x > 0 { total += out[i - 1]; neighbours += 1 }
                        if x + 1 < width { total += out[i + 1]; neighbours += 1 }
                        if y > 0 { total += out[i - width]; neighbours += 1 }
                        if y + 1 < height { total += out[i + width]; neighbours += 1 }
                        out[i] = total / neighbours
                    }
                }
            }
        }
        return out
    }
}
