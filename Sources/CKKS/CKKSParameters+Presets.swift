extension CKKSParameters {
    /// The HE-Diffusion paper's reference set (TenSEAL): N = 8192, primes [31, 26×6, 31], Δ = 2^26.
    /// Six data levels below the top; 218 bits in total, exactly the 128-bit bound.
    public static let n8192_q31_26x6_31_scale26 = preset(polyDegree: 8192, bits: [31, 26, 26, 26, 26, 26, 26, 31], scale: 0x1p26)

    /// A set for depth-one circuits with one rescale, such as x′ = a·x + b computed the textbook way.
    ///
    /// N = 4096 (2048 slots) with primes [38, 33 | 38], Δ = 2^30: the latent is encrypted at
    /// level 1, multiplied by the scalar a encoded at scale q_1 and rescaled, which returns the
    /// scale to exactly Δ; the plaintext term is added at level 0. q_0 ≈ 2^38 leaves 2^7 of
    /// headroom for |x'| (SD latents stay within a few units) and Δ = 2^30 gives about 20 bits of
    /// precision after the error of encryption and rescaling. 109 bits: the 128-bit bound at N = 4096.
    public static let n4096_q38_33_38_scale30 = preset(polyDegree: 4096, bits: [38, 33, 38], scale: 0x1p30)

    /// A single-prime set for one product by plaintext scalars or vectors without rescaling, such
    /// as the denoising update x′ = a·x + b.
    ///
    /// N = 4096 with one 54-bit data prime and a 55-bit special prime (109 bits, the 128-bit
    /// bound), Δ = 2^28: a factor encoded at 2^18 takes the product to 2^46, leaving 2^7 of
    /// headroom for |x′| below the prime. Every ciphertext has a single limb, so encryption,
    /// the update and decryption each cost one NTT per polynomial.
    public static let n4096_q54_55_scale28 = preset(polyDegree: 4096, bits: [54, 55], scale: 0x1p28)

    /// A built-in preset; each is validated by the security tests, so a failure here is a
    /// programming error in this file.
    private static func preset(polyDegree: Int, bits: [Int], scale: Double) -> CKKSParameters {
        do {
            return try CKKSParameters(polyDegree: polyDegree, coefficientModulusBits: bits, scale: scale)
        } catch {
            fatalError("built-in CKKS preset N=\(polyDegree) \(bits) is invalid: \(error)")
        }
    }

    /// The built-in parameter sets by what each is for: the one list every command offers
    /// (`hediff ckks … --params`, `--he-params`). The raw value is the name users type and reports
    /// record; the sets themselves keep their shape names (`n4096_q54_55_scale28`, …).
    public enum Preset: String, Sendable, CaseIterable, Codable {
        /// HE-Diffusion's encrypted update, one product without rescaling: `n4096_q54_55_scale28`
        /// (the default of `--he-params`).
        case update
        /// The HE-Diffusion paper's reference set (TenSEAL): `n8192_q31_26x6_31_scale26`.
        case paperReference = "reference"
        /// Depth-one circuits with one rescale: `n4096_q38_33_38_scale30`.
        case depthOneRescale = "depth1-rescale"

        /// The parameter set.
        public var parameters: CKKSParameters {
            switch self {
            case .update: return .n4096_q54_55_scale28
            case .paperReference: return .n8192_q31_26x6_31_scale26
            case .depthOneRescale: return .n4096_q38_33_38_scale30
            }
        }

        /// `tailored`, the update set's name before a second set was also called that; still
        /// accepted by `--he-params`, where it always meant `update`.
        public static let legacyUpdateName = "tailored"

        /// The preset called `name`, also accepting `legacyUpdateName` for `update`.
        public init?(name: String) {
            if name == Preset.legacyUpdateName {
                self = .update
            } else {
                self.init(rawValue: name)
            }
        }
    }
}
