import Foundation

extension Tensor {
    /// Sinusoidal timestep embedding, `[T, dimension]` for T timesteps: the frequencies
    /// `exp(−ln(maxPeriod)·i / (dimension/2 − downscaleFreqShift))`, then `[sin(t·f), cos(t·f)]`
    /// (or `[cos, sin]` with `flipSinToCos`), zero-padded by one column when `dimension` is odd.
    ///
    /// Each step is rounded to float32 in the same order as PyTorch, so the arguments of sin and cos
    /// agree with diffusers even for t near 1000, where one ulp of the argument shows.
    /// Matches: diffusers 0.42.1 `models/embeddings.py` `get_timestep_embedding`.
    ///
    /// - Throws: `TensorError.invalidArgument` when `dimension < 2` or the frequency denominator is zero.
    public static func timestepEmbedding(
        timesteps: [Float], dimension: Int, flipSinToCos: Bool, downscaleFreqShift: Float,
        scale: Float = 1, maxPeriod: Float = 10_000
    ) throws -> Tensor {
        let half = dimension / 2
        guard dimension >= 2, Float(half) != downscaleFreqShift else {
            throw TensorError.invalidArgument(
                operation: "timestepEmbedding",
                message: "dimension \(dimension) must be ≥ 2 and dimension/2 must differ from downscaleFreqShift \(downscaleFreqShift)")
        }
        let logPeriod = Float(-Foundation.log(Double(maxPeriod)))
        let denominator = Float(half) - downscaleFreqShift
        let frequencies = (0..<half).map { Foundation.exp(logPeriod * Float($0) / denominator) }
        return Tensor(shape: [timesteps.count, dimension]) { output in
            for (row, t) in timesteps.enumerated() {
                let line = output.baseAddress! + row * dimension
                let (sines, cosines) = flipSinToCos ? (line + half, line) : (line, line + half)
                for i in 0..<half {
                    let argument = Double(scale * (t * frequencies[i]))
                    sines[i] = Float(Foundation.sin(argument))
                    cosines[i] = Float(Foundation.cos(argument))
                }
                if dimension % 2 == 1 { line[dimension - 1] = 0 }
            }
        }
    }
}
