/// One piece of an even-part fit: g(a) ≈ Σ c_k·t^k for a = |x| in [lowerBound, lowerBound + width),
/// t = (a − lowerBound)/width in [0, 1); `width` is a power of two so that t is a shift.
public struct EvenPartSegment: Sendable {
    public let lowerBound: Double
    public let width: Double
    /// c_0 … c_d, lowest degree first.
    public let coefficients: [Double]
}

/// Coefficients of the SiLU and GELU approximations, written by `tools/private-unet/fit_activations.py`
/// (least squares on 4,001 points per segment). Each function is f(x) = x/2 + g(|x|) with its even
/// part g fitted piecewise; beyond the last segment g(a) = a/2, i.e. f(x) = relu(x).
///
/// Max |error| on a dense grid of [−16, 16] (the script's output): SiLU 7.4·10⁻⁴ as floats, 1.6·10⁻³
/// with 12-fraction-bit integer evaluation; GELU (erf form, as diffusers' `F.gelu`) 1.4·10⁻⁴ as
/// floats, 1.3·10⁻³ as integers. The integer part of the error is the floor truncations of Horner's
/// rule (≤ 1 LSB each, d per segment), the coefficients' rounding (≤ ½ LSB each, t < 1) and x/2's floor.
/// The design (§2.5) names BumbleBee's segment layout; these segments are refitted (DESIGN.md's M3
/// allows it) so that every piece evaluates in [0, 1) and truncation errors are not amplified.
public enum ActivationCoefficients {
    /// SiLU's even part a/2·tanh(a/2): [0, 2), [2, 4), [4, 8), [8, 16); relu beyond 16.
    public static let silu: [EvenPartSegment] = [
        .init(lowerBound: 0.0, width: 2.0, coefficients: [0.0005713954, -0.0173394038, 1.1217660279, -0.3168791971, -0.0270158845]),
        .init(lowerBound: 2.0, width: 2.0, coefficients: [0.7614754190, 1.1852013170, 0.0741367814, -0.1455146785, 0.0528608015]),
        .init(lowerBound: 4.0, width: 4.0, coefficients: [1.9287148727, 2.1976831985, -0.2086832205, 0.0802042996]),
        .init(lowerBound: 8.0, width: 8.0, coefficients: [3.9980594020, 4.0061053442, -0.0044676773]),
    ]

    /// GELU's even part a/2·erf(a/√2): [0, 1), [1, 2), [2, 4), [4, 8); relu beyond 8.
    public static let gelu: [EvenPartSegment] = [
        .init(lowerBound: 0.0, width: 1.0, coefficients: [0.0000798317, -0.0023382474, 0.4146067467, -0.0381926246, -0.0328971884]),
        .init(lowerBound: 1.0, width: 1.0, coefficients: [0.3413417114, 0.5833357428, 0.1216142731, -0.1262302850, 0.0344515124]),
        .init(lowerBound: 2.0, width: 2.0, coefficients: [0.9543624621, 1.1755773418, -0.2630462056, 0.1802574755, -0.0472562003]),
        .init(lowerBound: 4.0, width: 4.0, coefficients: [1.9999723863, 2.0000401365]),
    ]
}
