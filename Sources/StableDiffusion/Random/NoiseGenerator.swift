import Tensor

/// A source of standard-normal noise for the denoising loop: the initial latent, DDIM's variance
/// noise and the VAE encoder's sample.
///
/// `TorchRandomGenerator` reproduces PyTorch's seeded stream (diffusers parity). The privacy layer
/// supplies a generator seeded from the operating system, so that noise nobody can guess never
/// passes through a seed (DESIGN.md §3); this module does not know which one it is given.
public protocol NoiseGenerator {
    /// A tensor of `shape` filled with independent standard-normal float32 values.
    mutating func randn(shape: [Int]) throws -> Tensor
}

extension TorchRandomGenerator: NoiseGenerator {}
