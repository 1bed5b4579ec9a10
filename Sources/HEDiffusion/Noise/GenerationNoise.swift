import RingArithmetic
import StableDiffusion
import Tensor

/// The noise of one generation, drawn by the key holder: from its cryptographic generator
/// (`random`, the default of every private mode) or from the torch-compatible generator with a
/// seed (`seeded`: reproducible, diffusers-identical, and rebuildable by anyone who knows or
/// guesses the seed — `hediff audit` searches seeds).
public enum GenerationNoise: NoiseGenerator {
    case seeded(TorchRandomGenerator)
    case random(SecureNoiseGenerator)

    /// Torch-compatible noise for `seed`.
    public static func seeded(_ seed: UInt64) -> GenerationNoise { .seeded(TorchRandomGenerator(seed: seed)) }

    /// Noise from a fresh operating-system seed.
    public static func random() -> GenerationNoise { .random(SecureNoiseGenerator()) }

    /// Cryptographic noise from `seed`: two generators made from one seed draw the same noise.
    public static func random(seed: RandomSeed) -> GenerationNoise { .random(SecureNoiseGenerator(seed: seed)) }

    /// A second generator that will draw exactly what this one draws from now on (`hediff compare`
    /// runs plaintext and private generations on the same noise).
    public var twin: GenerationNoise { self }

    /// How reports record this noise.
    public var origin: NoiseOrigin {
        switch self {
        case .seeded: return .seeded
        case .random: return .random
        }
    }

    public mutating func randn(shape: [Int]) throws -> Tensor {
        switch self {
        case .seeded(var generator):
            defer { self = .seeded(generator) }
            return try generator.randn(shape: shape)
        case .random(var generator):
            defer { self = .random(generator) }
            return try generator.randn(shape: shape)
        }
    }
}
