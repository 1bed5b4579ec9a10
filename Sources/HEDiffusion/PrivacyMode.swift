import CKKS

/// How the denoising update is protected (`--privacy`).
public enum PrivacyMode: String, Sendable, CaseIterable, Codable {
    /// Plaintext update, no encryption.
    case off
    /// The paper's non-optimized baseline: every latent element in its own ciphertext.
    case elementwise
    /// Every latent element encrypted, packed densely (the paper's Enc_opt).
    case packed
    /// HE-Diffusion: the min-distortion selection, packed as a COO sparse encrypted tensor.
    case sparse

    /// Values per ciphertext for a context with `slotCount` slots.
    func valuesPerCiphertext(slotCount: Int) -> Int { self == .elementwise ? 1 : slotCount }
}

/// The CKKS parameter presets offered for the encrypted update (`--he-params`).
public enum HEParameterPreset: String, Sendable, CaseIterable, Codable {
    /// The paper's TenSEAL set: N = 8192, [31, 26×6, 31], Δ = 2^26.
    case reference
    /// Tailored to the update: N = 4096, one 54-bit prime and the special prime, Δ = 2^28 —
    /// single-limb ciphertexts and no rescale.
    case tailored

    public var parameters: CKKSParameters {
        switch self {
        case .reference: return .n8192_q31_26x6_31_scale26
        case .tailored: return .n4096_q54_55_scale28
        }
    }
}
