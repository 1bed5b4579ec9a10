/// The 128-bit classical security bounds of the HomomorphicEncryption.org standard
/// (ternary uniform secret, error σ ≈ 3.2): the largest total bit size of the coefficient
/// modulus, special primes included, for each ring degree. The same table SEAL enforces.
public enum SecurityStandard {
    /// Maximum log2(Q·P) for 128-bit classical security, by ring degree N.
    public static let maxModulusBits128: [Int: Int] = [
        1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881,
    ]

    /// Throws unless a modulus of `totalBits` bits is 128-bit secure at degree `polyDegree`.
    public static func validate(polyDegree: Int, totalBits: Int) throws(CKKSError) {
        guard let maxBits = maxModulusBits128[polyDegree] else {
            throw .invalidParameters("ring degree \(polyDegree) is not covered by the security standard")
        }
        guard totalBits <= maxBits else {
            throw .insecureParameters(polyDegree: polyDegree, totalBits: totalBits, maxBits: maxBits)
        }
    }
}
