import Foundation
import PrivateUNet
import XCTest

/// The integer SiLU and GELU against their float definitions on a dense grid.
///
/// Bound = the float fit's max error (the fitting script's output, recomputed here from the stored
/// coefficients in Double) + the integer procedure's rounding: per segment of degree d, Horner's d floors
/// (≤ 1 LSB each, |t| < 1 so they are not amplified), d + 1 rounded coefficients (≤ ½ LSB each), t's floor
/// (≤ 1 LSB of t, times |g'|·width ≤ 4 LSB) and x/2's floor (≤ 1 LSB): ≤ (1.5d + 5.5) LSB ≤ 11.5 LSB.
final class ActivationTests: XCTestCase {
    let format = FixedPointFormat.design

    static func silu(_ x: Double) -> Double { x / (1 + Foundation.exp(-x)) }
    static func gelu(_ x: Double) -> Double { x / 2 * (1 + erf(x / 2.squareRoot())) }

    /// The fitted float approximation, evaluated in Double from the coefficient table.
    static func floatApproximation(_ x: Double, _ segments: [EvenPartSegment]) -> Double {
        let a = abs(x)
        for segment in segments where a >= segment.lowerBound && a < segment.lowerBound + segment.width {
            let t = (a - segment.lowerBound) / segment.width
            return x / 2 + segment.coefficients.reversed().reduce(0) { $0 * t + $1 }
        }
        return x / 2 + a / 2
    }

    /// Max |fit − f| on [−20, 20] in steps of 2^−10.
    func fitError(_ segments: [EvenPartSegment], _ exact: (Double) -> Double) -> Double {
        stride(from: -20.0, through: 20.0, by: 0x1p-10).reduce(0) { max($0, abs(Self.floatApproximation($1, segments) - exact($1))) }
    }

    func check(_ activation: PiecewiseActivation, _ segments: [EvenPartSegment], _ exact: (Double) -> Double, fitBound: Double, name: String) {
        let fit = fitError(segments, exact)
        XCTAssertLessThanOrEqual(fit, fitBound, "\(name): the stored coefficients' fit error")
        let bound = fit + 11.5 / format.scale
        var worst = 0.0
        for step in -(20 << 12)...(20 << 12) {  // every element of [−20, 20] at f = 12
            let x = Int64(step)
            let error = abs(format.decode(activation(x)) - exact(format.decode(x)))
            worst = max(worst, error)
        }
        XCTAssertLessThanOrEqual(worst, bound, "\(name): integer evaluation, every element of [−20, 20]")
        print("\(name): fit error \(fit), integer error \(worst), bound \(bound)")
    }

    func testSiLU() {
        check(.silu(format), ActivationCoefficients.silu, Self.silu, fitBound: 7.5e-4, name: "SiLU")
    }

    func testGELU() {
        check(.gelu(format), ActivationCoefficients.gelu, Self.gelu, fitBound: 1.4e-4, name: "GELU")
    }

    /// Far from 0 both functions are relu: x for large x, 0 for very negative x (up to ½ LSB of x/2's floor).
    func testTailsAreRelu() {
        for activation in [PiecewiseActivation.silu(format), .gelu(format)] {
            for value in [100.0, 1000.0, 30_000.0] {
                let x = format.encode(value)
                XCTAssertEqual(activation(x), x)
                XCTAssertEqual(activation(-x), 0)
            }
        }
    }
}

extension FixedPointFormat {
    var scale: Double { Double(one) }
}
