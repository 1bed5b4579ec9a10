import Foundation
import RingArithmetic
import StableDiffusion
import Tensor

/// Standard-normal noise from the key holder's cryptographic generator: AES-256-CTR keyed by a
/// 256-bit key from the operating system (`AESCTRGenerator.system`), so nobody who sees the
/// evaluator's messages can search for it the way a 32-bit torch seed can be searched.
///
/// Method (exact up to float rounding): Box–Muller on pairs of independent uniforms, each built
/// from 53 keystream bits as u = (k + 1)·2^-53 ∈ (0, 1], so log(u) is always finite:
/// z₀ = √(−2 ln u₁)·cos(2π u₂), z₁ = √(−2 ln u₁)·sin(2π u₂), computed in float64 and rounded to
/// float32. Both values of every pair are used, in order.
public struct SecureNoiseGenerator: NoiseGenerator {
    private var stream: AESCTRGenerator
    private var pending: Float?

    /// A generator keyed by a fresh key from the operating system, which never leaves
    /// swift-crypto's self-zeroing key storage.
    public init() {
        stream = AESCTRGenerator.system(stream: SecureNoiseGenerator.streamIdentifier)
    }

    /// A generator whose stream is determined by `seed` (two generators with one seed draw the
    /// same noise: `hediff compare` runs plaintext and private generations on the same latent).
    public init(seed: RandomSeed) {
        stream = AESCTRGenerator(seed: seed, stream: SecureNoiseGenerator.streamIdentifier)
    }

    /// Keeps this stream apart from any other use of the same seed ("noise" in ASCII).
    private static let streamIdentifier: UInt64 = 0x6E6F_6973_65

    public mutating func randn(shape: [Int]) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw RandomError.invalidShape(shape) }
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = nextNormal() }
        return try Tensor(shape: shape, scalars: values)
    }

    /// The next standard-normal value.
    mutating func nextNormal() -> Float {
        if let value = pending {
            pending = nil
            return value
        }
        let u1 = nextUniform(), u2 = nextUniform()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        pending = Float(radius * sin(angle))
        return Float(radius * cos(angle))
    }

    /// A uniform double in (0, 1] with 53 random bits.
    private mutating func nextUniform() -> Double {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { stream.fill($0) }
        return Double((word >> 11) + 1) * 0x1p-53
    }
}
