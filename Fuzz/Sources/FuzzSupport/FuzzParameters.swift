@_spi(Testing) import CKKS

/// The CKKS parameter sets the fuzz targets read objects under.
///
/// Small, insecure rings (test-only, through `@_spi(Testing)`): the readers run the same code for
/// every N, and small objects keep each input a few kilobytes, so the fuzzer runs thousands of
/// inputs a second instead of a few.
public enum FuzzParameters {
    /// CKKS objects: N = 32 with two data primes [40, 30] and a 41-bit special prime, so that
    /// levels 0 and 1, key-switching digits and every basis (data, key) are exercised.
    public static let objects = make(polyDegree: 32, bits: [40, 30, 41], scale: 0x1p25)

    /// Update messages: the `update` preset's shape (one 54-bit data prime, a 55-bit special
    /// prime, Δ = 2^28) at N = 64 (32 slots).
    public static let messages = make(polyDegree: 64, bits: [54, 55], scale: 0x1p28)

    /// The latent shape of the fuzzed update sessions: 64 values (the selection needs H, W ≥ 8), two ciphertexts when packed.
    public static let latentShape = [1, 1, 8, 8]

    private static func make(polyDegree: Int, bits: [Int], scale: Double) -> CKKSParameters {
        do {
            return try CKKSParameters.insecureForTests(polyDegree: polyDegree, coefficientModulusBits: bits, scale: scale)
        } catch {
            fatalError("fuzz parameters N=\(polyDegree) \(bits) are invalid: \(error)")
        }
    }
}
