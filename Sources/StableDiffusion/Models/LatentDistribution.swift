import Tensor

/// The diagonal Gaussian the VAE encoder predicts for each latent element.
///
/// Matches: diffusers 0.42.1 `models/autoencoders/vae.py` `DiagonalGaussianDistribution`
/// (log-variance clamped to [-30, 20]).
public struct LatentDistribution: Sendable {
    /// `[N, latent_channels, h, w]`.
    public let mean: Tensor
    /// `exp(logvar / 2)`, same shape as `mean`.
    public let standardDeviation: Tensor

    /// Splits the encoder's `[N, 2·C, h, w]` moments into mean and log-variance along channels.
    init(moments: Tensor) throws {
        let halves = try moments.chunked(2, axis: 1)
        mean = halves[0]
        standardDeviation = (halves[1].clamped(to: -30...20) * 0.5).exp()
    }

    /// `mean + standardDeviation · ε` with ε drawn from `generator` as diffusers'
    /// `latent_dist.sample(generator)` draws it (one `randn` of the mean's shape).
    public func sample<Generator: NoiseGenerator>(using generator: inout Generator) throws -> Tensor {
        try mean + standardDeviation * generator.randn(shape: mean.shape)
    }
}
