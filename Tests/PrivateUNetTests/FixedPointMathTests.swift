import Foundation
import PrivateUNet
import XCTest
import _TestSupport

/// exp, reciprocal and rsqrt against Foundation's functions.
final class FixedPointMathTests: XCTestCase {
    let format = FixedPointFormat.design
    lazy var math = FixedPointMath(format: format)

    /// exp(x) on every element of [−14, 0], for the default (s = 6 squarings at 19 working bits, ℓ = 42)
    /// and at f = 12 working bits. Bound: the formula's own error |b^(2^s) − e^x| for the base
    /// b = 1 + r + r²/2, r = x/2^s (computed here in Double), plus rounding at w working bits: the base is
    /// off by < 1.5 units of 2^(−w) (⌊x/2^s⌋'s floor, when the shift loses bits, and u²/2's rounding), each
    /// squaring's rounding adds ≤ 2^(−w−1), and an error e in y becomes ≤ (y + y′)·e ≤ 2.02·e through a
    /// square (values ≤ 1 + 2^(−w+1)); so ≤ 2.02^s·1.5·2^(−w) + (2.02^s − 1)/1.02·2^(−w−1), and the final
    /// rounding to f bits adds 2^(−f−1). Below the clip the result is 0. The first-order form this
    /// replaced (BumbleBee's, s = 10, floors) is checked to err by more than 7 LSB somewhere on the domain,
    /// so the test tells the two apart.
    func testExpOnItsDomain() {
        for math in [FixedPointMath(format: .audited), FixedPointMath(format: .audited, expFractionBits: 12)] {
            checkExp(math)
        }
        XCTAssertGreaterThan(worstFirstOrderError(squarings: 10, workingBits: 19), 7.0 / 4096, "the first-order form's error")
    }

    private func checkExp(_ math: FixedPointMath) {
        let s = Double(math.expSquarings), w = Double(math.expFractionBits)
        let growth = Foundation.pow(2.02, s)
        let rounding = (growth * 1.5 + (growth - 1) / 1.02 / 2) * Foundation.pow(2, -w) + 0.5 / 4096
        var worstRounding = 0.0, worst = 0.0
        for step in stride(from: -(14 << 12), through: 0, by: 1) {
            let x = Int64(step)
            let real = format.decode(x)
            let r = real / Foundation.pow(2, s)
            let formula = Foundation.pow(1 + r + r * r / 2, Foundation.pow(2, s))
            let value = format.decode(math.exp(x))
            XCTAssertLessThanOrEqual(abs(value - Foundation.exp(real)), abs(formula - Foundation.exp(real)) + rounding, "x = \(real)")
            worstRounding = max(worstRounding, abs(value - formula))
            worst = max(worst, abs(value - Foundation.exp(real)))
        }
        print("exp, s = \(math.expSquarings), \(math.expFractionBits) working bits: worst error vs e^x \(worst), vs the formula \(worstRounding)")
        XCTAssertEqual(math.exp(format.encode(-14.001)), 0, "clipped below −14")
        XCTAssertEqual(math.exp(0), 4096, "exp(0) = 1 exactly")
    }

    /// The worst |error| on [−14, 0] of (1 + ⌊x/2^s⌋)^(2^s) with floored squarings at w working bits
    /// (BumbleBee's form, written out here independently of the type).
    private func worstFirstOrderError(squarings s: Int, workingBits w: Int) -> Double {
        var worst = 0.0
        for step in stride(from: -(14 << 12), through: 0, by: 1) {
            var y = (Int64(1) << Int64(w)) + ((Int64(step) << Int64(w - 12)) >> Int64(s))
            for _ in 0..<s { y = (y * y) >> Int64(w) }
            worst = max(worst, abs(Double(y >> Int64(w - 12)) / 4096 - Foundation.exp(Double(step) / 4096)))
        }
        return worst
    }

    /// Relative error of 1/x over x in [2^−12, 2^20) at f = 12 and at 2f = 24 input fraction bits. Bound:
    /// the table's midpoint is within 2^−6 relatively, two Newton steps square it (2^−24), and each step's
    /// three floors cost ≤ 3 LSB of y ≥ ½ (relative 6·2^−12), plus the normalised input's floor (2^−12): 2^−9.
    func testReciprocal() {
        for inputBits in [12, 24] {
            var worst = 0.0
            for exponent in -12..<20 {
                for k in 0..<64 {
                    let real = Foundation.pow(2, Double(exponent) + Double(k) / 64)
                    let x = Int64((real * Foundation.pow(2, Double(inputBits))).rounded())
                    guard x > 0 else { continue }
                    let exactInput = Double(x) / Foundation.pow(2, Double(inputBits))
                    let r = math.reciprocal(x, inputFractionBits: inputBits)
                    XCTAssertGreaterThan(r.mantissa, 2048 - 8)
                    XCTAssertLessThanOrEqual(r.mantissa, 4096 + 8)
                    worst = max(worst, abs(r.value(format) * exactInput - 1))
                }
            }
            XCTAssertLessThanOrEqual(worst, 0x1p-9, "input fraction bits \(inputBits)")
            print("reciprocal, \(inputBits) input fraction bits: worst relative error \(worst)")
        }
    }

    /// Relative error of 1/√x over x in [2^−20, 2^16) at 24 input fraction bits (the norms' variance).
    /// Bound: as for the reciprocal; the rsqrt step has four floors and a halving: 2^−9.
    func testReciprocalSquareRoot() {
        var worst = 0.0
        for exponent in -20..<16 {
            for k in 0..<64 {
                let real = Foundation.pow(2, Double(exponent) + Double(k) / 64)
                let x = Int64((real * 0x1p24).rounded())
                let exactInput = Double(x) * 0x1p-24
                let r = math.reciprocalSquareRoot(x, inputFractionBits: 24)
                worst = max(worst, abs(r.value(format) * exactInput.squareRoot() - 1))
            }
        }
        XCTAssertLessThanOrEqual(worst, 0x1p-9)
        print("rsqrt: worst relative error \(worst)")
        XCTAssertEqual(math.reciprocalSquareRoot(0, inputFractionBits: 24).mantissa, 0, "non-positive input: no value")
    }

    /// `scale` applies the exponent as floor(p·2^e / 2^f), including e > f (a left shift).
    func testScale() {
        XCTAssertEqual(math.scale(3 << 24, exponent: 0), 3 << 12)
        XCTAssertEqual(math.scale(3 << 24, exponent: -2), (3 << 12) >> 2)
        XCTAssertEqual(math.scale(-1, exponent: 0), -1)
        XCTAssertEqual(math.scale(5, exponent: 14), 20)
    }
}

/// Softmax rows as attention builds them (exp of the shifted logits, row sum, normalised reciprocal),
/// against Foundation's exp on seeded random logits.
final class SoftmaxTests: XCTestCase {
    func testSoftmaxRows() {
        let format = FixedPointFormat.audited
        let math = FixedPointMath(format: format)
        var generator = SeededGenerator(seed: 77)
        var worst = 0.0, worstSum = 0.0
        for length in [2, 16, 64, 77] {
            for spread in [0.5, 4.0, 20.0] {
                for _ in 0..<50 {
                    let logits = (0..<length).map { _ in (Double(generator.next() >> 11) * 0x1p-53 - 0.5) * 2 * spread }
                    var row = logits.map { format.encode($0) }
                    let maximum = row.max()!
                    let (_, reciprocal) = math.softmaxNumerators(&row, maximum: maximum)
                    let probabilities = row.map { format.decode(math.scale($0 &* reciprocal.mantissa, exponent: reciprocal.exponent)) }
                    // The float softmax of the encoded logits.
                    let decoded = logits.map { format.decode(format.encode($0)) }
                    let top = decoded.max()!
                    let weights = decoded.map { Foundation.exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for (p, w) in zip(probabilities, weights) { worst = max(worst, abs(p - w / total)) }
                    worstSum = max(worstSum, abs(probabilities.reduce(0, +) - 1))
                }
            }
        }
        // Bound: each p carries exp's error (≤ 4.4·10⁻⁴ absolute: testExpOnItsDomain's bound at its largest,
        // formula 5.7·10⁻⁵ + rounding 3.8·10⁻⁴) and the clip's (< e^−14); the normalisation multiplies by
        // 1/Σp ≤ 1 with ≤ 2^−9 relative error and floors twice (2 LSB):
        // |p̂ − p| ≤ 4.4·10⁻⁴ + 2^−9 + 2·2^−12 ≈ 2.9·10⁻³. Sum: n ≤ 77 floors of ≤ 1 LSB each on top: ≤ 2.3 %.
        XCTAssertLessThanOrEqual(worst, 2.9e-3)
        XCTAssertLessThanOrEqual(worstSum, 0.023)
        print("softmax: worst |p − softmax| \(worst), worst |Σp − 1| \(worstSum)")
    }
}

/// A norm's statistics and its normalised output (LayerNorm without affine, as the transformer blocks
/// use it) against the float definition, on seeded random groups of several scales.
final class NormalizationTests: XCTestCase {
    func testNormalizedGroupsMatchTheFloatDefinition() {
        let format = FixedPointFormat.audited
        let math = FixedPointMath(format: format)
        let epsilon = 1e-5
        let epsilonElement = format.encode(epsilon, fractionBits: 24)
        var generator = SeededGenerator(seed: 78)
        var worst = 0.0
        for count in [64, 1024, 3072] {
            for scale in [0.05, 1.0, 30.0] {
                for _ in 0..<5 {
                    let offset = (Double(generator.next() >> 11) * 0x1p-53 - 0.5) * 8
                    let group = (0..<count).map { _ in format.encode(offset + (Double(generator.next() >> 11) * 0x1p-53 - 0.5) * 2 * scale) }
                    let statistics = math.normalizationStatistics(group, epsilon: epsilonElement, varianceRingBits: 52)
                    let r = statistics.reciprocalDeviation
                    let output = group.map { format.decode(math.scale(format.wrap($0 &- statistics.mean) &* r.mantissa, exponent: r.exponent)) }
                    // Float oracle on the encoded inputs.
                    let xs = group.map { format.decode($0) }
                    let mean = xs.reduce(0, +) / Double(count)
                    let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
                    let deviation = (variance + epsilon).squareRoot()
                    for (y, x) in zip(output, xs) {
                        let z = (x - mean) / deviation
                        // Bound: rsqrt's 2^−9 relative error times |z|, the mean's floor (< 1 LSB of x, i.e.
                        // 2^−12/σ in z), the variance's floors (relative 2^−24/var, negligible here) and the final
                        // floor (1 LSB): |z|·2^−9 + 2^−12/σ + 2^−12.
                        let bound = abs(z) * 0x1p-9 + 0x1p-12 / deviation + 0x1p-12
                        XCTAssertLessThanOrEqual(abs(y - z), bound, "count \(count), scale \(scale)")
                        worst = max(worst, abs(y - z))
                    }
                }
            }
        }
        print("normalisation: worst |y − z| \(worst)")
    }
}
