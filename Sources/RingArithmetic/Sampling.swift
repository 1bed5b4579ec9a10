import ModularArithmetic

/// Samplers for the distributions of RLWE: uniform residues, uniform ternary secrets, and the
/// centered binomial error distribution.
///
/// Constant time: the ternary and binomial samplers and `embed`, which handle secrets (keys,
/// errors), compute every coefficient with the same instructions whatever its value (no branch
/// on a value, masks instead). `uniform` rejects on values, but its output is public (c_1, keys'
/// a), and the ternary sampler's rejection of the byte 255 only reveals how many discarded bytes
/// were 255, which is independent of the coefficients kept.
public enum Sampling {
    /// The centered binomial parameter η: an error is popcount(a) − popcount(b) for two η-bit
    /// random words, with variance η/2 = 10.5 (σ ≈ 3.24, matching the σ = 3.2 of the
    /// HomomorphicEncryption.org standard) and support bounded by |e| ≤ η = 21.
    public static let binomialEta = 21

    /// A polynomial with independent uniform residues in each limb (rejection sampling, so the
    /// distribution is exactly uniform). Uniform is uniform in either form, so the caller names
    /// the form it wants and no transform is needed.
    public static func uniform<Form: PolynomialForm, G: RandomBytesGenerator>(
        basis: RNSBasis, form: Form.Type, using generator: inout G
    ) -> RNSPolynomial<Form> {
        var poly = RNSPolynomial<Form>(basis: basis)
        let n = basis.degree
        let moduli = basis.moduli
        var words = [UInt64](repeating: 0, count: n)
        poly.withResidues { out in
            for (i, q) in moduli.enumerated() {
                // Mask each word to q's bit width and keep it if it is below q: exactly uniform,
                // and a draw is rejected with probability below 1/2.
                let mask: UInt64 = (UInt64(1) << UInt64(q.bitWidth)) - 1
                var j = 0
                while j < n {
                    words.withUnsafeMutableBytes { generator.fill($0) }
                    for w in words where j < n {
                        let candidate = w & mask
                        if candidate < q.value {
                            out[i * n + j] = candidate
                            j += 1
                        }
                    }
                }
            }
        }
        return poly
    }

    /// N coefficients uniform in {−1, 0, 1}. The random bytes they came from are wiped; the
    /// caller wipes the result when it holds a secret.
    public static func ternary<G: RandomBytesGenerator>(degree: Int, using generator: inout G) -> [Int8] {
        var result = [Int8](repeating: 0, count: degree)
        var bytes = [UInt8](repeating: 0, count: 256)
        var position = bytes.count
        var j = 0
        while j < degree {
            if position == bytes.count {
                bytes.withUnsafeMutableBytes { generator.fill($0) }
                position = 0
            }
            let b = bytes[position]
            position += 1
            // 255 = 3 · 85: reject the single value 255 so that b mod 3 is exactly uniform. The
            // coefficient is always written and the position advances by 0 or 1, without a branch.
            result[j] = Int8(truncatingIfNeeded: b % 3) &- 1
            j &+= 1 &- Int((UInt(b) &+ 1) >> 8)
        }
        SecureZero.zero(&bytes, "ternary random bytes")
        return result
    }

    /// N coefficients from the centered binomial distribution with parameter `binomialEta`. The
    /// random words they came from are wiped.
    public static func centeredBinomial<G: RandomBytesGenerator>(degree: Int, using generator: inout G) -> [Int8] {
        var result = [Int8](repeating: 0, count: degree)
        let mask: UInt64 = (1 << UInt64(binomialEta)) - 1
        var words = [UInt64](repeating: 0, count: degree)
        words.withUnsafeMutableBytes { generator.fill($0) }
        for j in 0..<degree {
            let w = words[j]
            result[j] = Int8(truncatingIfNeeded: (w & mask).nonzeroBitCount &- ((w >> UInt64(binomialEta)) & mask).nonzeroBitCount)
        }
        SecureZero.zero(&words, "binomial random words")
        return result
    }

    /// Embeds small signed coefficients into every limb of a basis.
    public static func embed(_ coefficients: [Int8], basis: RNSBasis) -> RNSPolynomial<Coefficient> {
        precondition(coefficients.count == basis.degree, "coefficient count must equal the ring degree")
        var poly = RNSPolynomial<Coefficient>(basis: basis)
        let n = basis.degree
        poly.withResidues { out in
            for (i, q) in basis.moduli.enumerated() {
                for j in 0..<n {
                    // c + q when c < 0, c otherwise: q added under the sign mask, modulo 2^64.
                    let c = Int64(coefficients[j])
                    out[i * n + j] = UInt64(bitPattern: c) &+ (q.value & UInt64(bitPattern: c &>> 63))
                }
            }
        }
        return poly
    }
}
