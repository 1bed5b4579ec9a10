import Foundation
import HEDiffusion
import RingArithmetic
import StableDiffusion
import XCTest

/// The key holder's noise: standard normal (checked against the normal distribution, not against
/// itself), reproducible from its seed only, different on every fresh seed.
final class NoiseTests: XCTestCase {
    func testSecureNoiseIsStandardNormal() throws {
        var generator = SecureNoiseGenerator(seed: RandomSeed(bytes: [UInt8](repeating: 7, count: 32))!)
        let values = try generator.randn(shape: [200_000]).scalars.map(Double.init).sorted()
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
        // Sampling error of the mean and variance of N(0, 1): σ/√n and √(2/n); allow 5 of each.
        XCTAssertLessThan(abs(mean), 5 / n.squareRoot())
        XCTAssertLessThan(abs(variance - 1), 5 * (2 / n).squareRoot())
        // Kolmogorov–Smirnov against Φ: the 0.1% critical value is 1.95/√n.
        var statistic = 0.0
        for (i, x) in values.enumerated() {
            let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
            statistic = max(statistic, abs(cdf - Double(i) / n), abs(cdf - Double(i + 1) / n))
        }
        XCTAssertLessThan(statistic, 1.95 / n.squareRoot())
    }

    func testSeedsDecideTheStream() throws {
        let seed = RandomSeed(bytes: Array(0..<32))!
        var a = SecureNoiseGenerator(seed: seed), b = SecureNoiseGenerator(seed: seed)
        XCTAssertEqual(try a.randn(shape: [3, 5]), try b.randn(shape: [3, 5]))
        var fresh1 = GenerationNoise.random(), fresh2 = GenerationNoise.random()
        XCTAssertNotEqual(try fresh1.randn(shape: [64]), try fresh2.randn(shape: [64]), "two OS seeds")
        var twin = fresh1.twin
        XCTAssertEqual(try fresh1.randn(shape: [64]), try twin.randn(shape: [64]), "a twin draws what its original draws next")
        var seeded = GenerationNoise.seeded(42)
        var torch = TorchRandomGenerator(seed: 42)
        XCTAssertEqual(try seeded.randn(shape: [2, 16]), try torch.randn(shape: [2, 16]), "seeded noise is torch's")
        XCTAssertEqual(seeded.origin, .seeded)
        XCTAssertEqual(fresh1.origin, .random)
    }
}
