import Foundation
import Tensor

/// A seeded generator that reproduces PyTorch's CPU `torch.Generator` for `torch.randn`, so a
/// latent drawn here equals diffusers' latent for the same seed.
///
/// Matches: torch 2.15 aten/src/ATen/core/MT19937RNGEngine.h (mt19937 seeded with the low 32 bits),
/// CPUGeneratorImpl.cpp (`random64` = first draw in the high word), core/DistributionsHelper.h
/// (`uniform_real_distribution`, `normal_distribution<double>` with its cached second sample) and
/// native/cpu/DistributionTemplates.h (`normal_fill_AVX2` for float32 tensors of ≥ 16 elements).
/// That path evaluates log/sin/cos with SLEEF (≤ 1 ulp); this port uses the C library's float
/// functions, so a minority of values differ from torch by a few units in the last place.
/// Tensors of fewer than 16 elements take torch's double-precision scalar path and match exactly.
public struct TorchRandomGenerator: Sendable {
    private static let stateCount = 624
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624
    /// The second Box–Muller sample of the scalar path, as torch caches it in the generator.
    private var cachedNormal: Double?

    /// A generator in the state of `torch.Generator().manual_seed(seed)`.
    public init(seed: UInt64) {
        state[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<Self.stateCount {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
    }

    /// The next 32-bit mt19937 output (`generator->random()`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.stateCount { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// The next 64-bit output (`generator->random64()`): two 32-bit draws, the first in the high word.
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// `torch.randn(shape, generator:)` for float32 on the CPU.
    public mutating func randn(shape: [Int]) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw RandomError.invalidShape(shape)
        }
        return try Tensor(shape: shape, scalars: randnScalars(count: shape.reduce(1, *)))
    }

    /// `count` standard-normal floats in the order `torch.randn` fills a contiguous tensor.
    public mutating func randnScalars(count: Int) -> [Float] {
        guard count >= 16 else {
            return (0..<count).map { _ in Float(nextScalarNormal()) }
        }
        var data = (0..<count).map { _ in nextUniformFloat() }
        var start = 0
        while start + 16 <= count {
            Self.boxMuller16(&data, at: start)
            start += 16
        }
        if count % 16 != 0 {
            let tail = count - 16
            for i in tail..<count { data[i] = nextUniformFloat() }
            Self.boxMuller16(&data, at: tail)
        }
        return data
    }

    /// A float in [0, 1) from the low 24 bits of one 32-bit draw.
    private mutating func nextUniformFloat() -> Float {
        Float(nextUInt32() & 0xFF_FFFF) * (1.0 / 16_777_216.0)
    }

    /// A double in [0, 1) from the low 53 bits of one 64-bit draw.
    private mutating func nextUniformDouble() -> Double {
        Double(nextUInt64() & 0x1F_FFFF_FFFF_FFFF) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// torch's scalar `normal_distribution<double>`: Box–Muller on two doubles, caching the sine half.
    private mutating func nextScalarNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = nextUniformDouble()
        let u2 = nextUniformDouble()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        return radius * cos(theta)
    }

    /// torch's `normal_fill_16_AVX2` (the path x86-64 builds take): pairs element j with j + 8 of a
    /// 16-float block of uniforms, with θ = float(2π) · u in float32.
    private static func boxMuller16(_ data: inout [Float], at start: Int) {
        for j in start..<(start + 8) {
            let u1 = 1 - data[j]
            let u2 = data[j + 8]
            let radius = (-2 * logf(u1)).squareRoot()
            let theta = Float(2.0 * Double.pi) * u2
            data[j] = radius * cosf(theta)
            data[j + 8] = radius * sinf(theta)
        }
    }

    /// Regenerates the 624-word state (the mt19937 "twist").
    private mutating func twist() {
        let n = Self.stateCount
        let m = 397
        for i in 0..<n {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % n] & 0x7FFF_FFFF)
            var next = state[(i + m) % n] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[i] = next
        }
        index = 0
    }
}

/// Why random tensors could not be drawn.
public enum RandomError: Error, Equatable, CustomStringConvertible {
    /// A shape with a negative extent.
    case invalidShape([Int])

    public var description: String {
        switch self {
        case let .invalidShape(shape):
            return "cannot draw random values for shape \(shape): every extent must be 0 or more"
        }
    }
}
