import Foundation

extension PrecisionStatistics {
    /// The standard deviation of the real (and of the imaginary) part of a slot's error when the
    /// decrypted polynomial's coefficients carry independent errors of standard deviation σ:
    /// σ·√(N/2)/Δ.
    ///
    /// Derivation: slot j decodes Σ_i e_i·ζ_j^i / Δ with |ζ_j^i| = 1, a sum of N independent
    /// terms, so the complex slot error has variance σ²·N/Δ², split evenly between the real and
    /// imaginary parts (the angles i·arg ζ_j are spread over the circle). By the central limit
    /// theorem each part is close to Gaussian for any error law with that σ.
    public static func slotErrorDeviation(coefficientDeviation sigma: Double, polyDegree n: Int, scale: Double) -> Double {
        sigma * (Double(n) / 2).squareRoot() / scale
    }

    /// The median precision that the Gaussian slot error of `slotErrorDeviation` predicts.
    ///
    /// With σ_s the deviation of each part: |Re e| and |Im e| are half-normal, with median
    /// σ_s·Φ^-1(3/4) = 0.6745·σ_s; |e| is Rayleigh, with median σ_s·√(2 ln 2) = 1.1774·σ_s. The
    /// median of −log2 |e| is −log2 of the median |e|.
    public static func predictedMedian(coefficientDeviation sigma: Double, polyDegree n: Int, scale: Double) -> Bits {
        let deviation = slotErrorDeviation(coefficientDeviation: sigma, polyDegree: n, scale: scale)
        let part = -log2(0.674_489_75 * deviation)
        return Bits(real: part, imaginary: part, l2: -log2((2 * Foundation.log(2.0)).squareRoot() * deviation))
    }

    /// The worst-slot precision that `tailDeviations` standard deviations of the Gaussian slot
    /// error guarantee (−log2 of the modulus bound k·σ_s·√2, √2 for the two parts), for
    /// comparison with `minimum.l2`. A complex Gaussian exceeds k·σ_s·√2 with probability
    /// e^(−k²), per slot: 7 deviations make that 5·10^-22.
    public static func guaranteedMinimum(coefficientDeviation sigma: Double, polyDegree n: Int, scale: Double, tailDeviations k: Double = 7) -> Double {
        -log2(k * 2.0.squareRoot() * slotErrorDeviation(coefficientDeviation: sigma, polyDegree: n, scale: scale))
    }

    /// The coefficient error deviation of a fresh encryption, from the parameters alone: the
    /// centered-binomial error (σ² = η/2) and the encoding's rounding (uniform in [−½, ½],
    /// σ² = 1/12); public-key encryption adds e·u and e_1·s with u, s ternary (σ² = 2/3 each),
    /// N terms each: σ²·(4N/3 + 1) + 1/12.
    public static func freshEncryptionDeviation(polyDegree n: Int, publicKey: Bool) -> Double {
        let errorVariance = Encryptor.errorDeviation * Encryptor.errorDeviation
        let keyTerms = publicKey ? 4 * Double(n) / 3 + 1 : 1
        return (errorVariance * keyTerms + 1.0 / 12).squareRoot()
    }
}
