import Foundation
import PrivateUNet
import XCTest

/// exp, reciprocal and rsqrt against Foundation's functions.
final class FixedPointMathTests: XCTestCase {
    let format = FixedPointFormat.design
    lazy var math = FixedPointMath(format: format)

    /// exp(x) on every element of [−14, 0]. Bound: the formula's own error e^x − (1 + x/64)^64 (computed
    /// here in Double) plus rounding: ⌊x/64⌋ is off by < 1 LSB, which the 64th power scales by at most
    /// 64·y^63 ≤ 64 LSB, and the i-th squaring's floor (≤ 1 LSB) is scaled by 2^(6−i)·y^(2^(6−i)−1) ≤ 2^(6−i):
    /// ≤ 127 LSB in all, 0.031. Below the clip the result is 0.
    func testExpOnItsDomain() {
        var worstRounding = 0.0
        for step in stride(from: -(14 << 12), through: 0, by: 1) {
            let x = Int64(step)
            let real = format.decode(x)
            let formula = Foundation.pow(1 + real / 64, 64)
            let value = format.decode(math.exp(x))
            XCTAssertLessThanOrEqual(abs(value - Foundation.exp(real)), abs(formula - Foundation.exp(real)) + 127 / 4096.0, "x = \(real)")
            worstRounding = max(worstRounding, abs(value - formula))
        }
        XCTAssertEqual(math.exp(format.encode(-14.001)), 0, "clipped below −14")
        XCTAssertEqual(math.exp(0), 4096, "exp(0) = 1 exactly")
        print("exp: worst rounding error vs (1 + x/64)^64: \(worstRounding)")
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
