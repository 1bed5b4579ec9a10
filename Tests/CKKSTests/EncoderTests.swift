@_spi(Testing) import CKKS
import Foundation
import ModularArithmetic
import RingArithmetic
import XCTest
import _TestSupport

final class EncoderTests: XCTestCase {
    /// Encoding must produce the polynomial m with m(ζ^(5^j)) = Δ·z_j, ζ = e^(iπ/N), i.e.
    /// m_i = (2Δ/N)·Re(Σ_j z_j·ζ^(−5^j·i)): computed here naively in O(N²).
    func testEncodingMatchesNaiveCanonicalEmbedding() throws {
        let n = 64
        let scale = 0x1p30
        let parameters = try CKKSParameters.insecureForTests(polyDegree: n, coefficientModulusBits: [50, 50], scale: scale)
        let context = try CKKSContext(parameters: parameters)
        let encoder = Encoder(context: context)
        var generator = SeededGenerator(seed: 1)
        let values = (0..<(n / 2)).map { _ in Complex(Double.random(in: -1...1, using: &generator), Double.random(in: -1...1, using: &generator)) }
        let polynomial = try encoder.encode(complex: values, level: 0).polynomial.inverseNTT()
        let q = context.dataBasis.moduli[0]
        var power = 1
        var exponents: [Int] = []
        for _ in values { exponents.append(power); power = (power * 5) % (2 * n) }
        for i in 0..<n {
            var sum = 0.0
            for (j, z) in values.enumerated() {
                let angle = -Double.pi * Double(exponents[j] * i) / Double(n)
                sum += z.real * cos(angle) - z.imaginary * sin(angle)
            }
            let expected = (2 * scale * sum / Double(n)).rounded()
            XCTAssertEqual(Double(q.centered(polynomial.data[i])), expected, accuracy: 1, "coefficient \(i)")
        }
    }

    /// Round-trip precision at every preset, level and magnitude: the only error is the rounding
    /// of each coefficient (σ = 1/√12), whose slot error `PrecisionStatistics` bounds from the
    /// parameters; it does not grow with the values' magnitude.
    func testPrecisionOfRoundTripAtEveryPreset() throws {
        var generator = SeededGenerator(seed: 2)
        for parameters in [CKKSParameters.n8192_q31_26x6_31_scale26, .n4096_q38_33_38_scale30] {
            let context = try CKKSContext(parameters: parameters)
            let encoder = Encoder(context: context)
            let guaranteed = PrecisionStatistics.guaranteedMinimum(
                coefficientDeviation: (1.0 / 12).squareRoot(), polyDegree: parameters.polyDegree, scale: parameters.scale)
            for magnitude in [1.0, 100.0] {
                let values = (0..<context.slotCount).map { _ in Double.random(in: -magnitude...magnitude, using: &generator) }
                for level in [0, context.maxLevel] {
                    let stats = PrecisionStatistics(expected: values, actual: encoder.decode(try encoder.encode(values, level: level)))
                    XCTAssertGreaterThanOrEqual(stats.minimum.real, guaranteed, "\(parameters) level \(level) magnitude \(magnitude)")
                }
            }
        }
    }

    func testLargeScalesBeyondSixtyFourBitsEncodeExactly() throws {
        let parameters = try CKKSParameters.insecureForTests(polyDegree: 1024, coefficientModulusBits: [60, 60, 60], scale: 0x1p80)
        let context = try CKKSContext(parameters: parameters)
        let encoder = Encoder(context: context)
        var generator = SeededGenerator(seed: 3)
        let values = (0..<512).map { _ in Double.random(in: -4...4, using: &generator) }
        XCTAssertLessThan(Bounds.maxError(values, encoder.decode(try encoder.encode(values))), 1e-12)
    }

    func testBadInputIsRejected() throws {
        let context = try CKKSContext(parameters: .n4096_q38_33_38_scale30)
        let encoder = Encoder(context: context)
        XCTAssertThrowsError(try encoder.encode([Double](repeating: 1, count: 2049)))
        XCTAssertThrowsError(try encoder.encode([.nan]))
        XCTAssertThrowsError(try encoder.encode([1e20], level: 0), "1e20 · 2^30 exceeds the 38-bit modulus")
        XCTAssertThrowsError(try encoder.encode([1], level: 2))
        XCTAssertThrowsError(try encoder.encode([1], level: -1))
    }
}
