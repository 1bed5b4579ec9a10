/// How the denoising update is protected (`--privacy`); docs/THREAT-MODEL.md measures each.
///
/// In every private mode the key holder encrypts and the evaluator computes x′ = a·x + term on
/// ciphertexts. The modes differ in what else crosses the wire.
public enum PrivacyMode: String, Sendable, CaseIterable, Codable {
    /// Plaintext update, no encryption.
    case off
    /// The paper's non-optimized baseline, hardened like `packed`: every latent value and the term
    /// in their own ciphertexts.
    case elementwise
    /// Every latent value and the term encrypted, packed densely (the default). The evaluator
    /// receives ciphertexts, a_t and the step index, nothing else.
    case packed
    /// The paper's min-distortion selection, hardened: the selected points and the term at them
    /// travel encrypted; the key holder updates the other points itself and never sends them. The
    /// evaluator sees ciphertexts and the selected coordinates (the mask).
    case sparse
    /// The paper's exact protocol, for reproduction only: min-distortion selection with the
    /// unselected remainder and the whole term sent in plaintext, and values the key holder
    /// decrypted re-sent raw in later remainders. `hediff audit` rebuilds the image from its
    /// messages, and re-released decryptions are the IND-CPA-D key-recovery setting.
    case paper

    /// Whether the update runs under encryption.
    public var isPrivate: Bool { self != .off }

    /// Whether the points to encrypt are chosen by the min-distortion rule (else every point).
    public var selectsPoints: Bool { self == .sparse || self == .paper }

    /// Whether the term and the unselected remainder go to the evaluator in plaintext.
    public var sendsPlaintext: Bool { self == .paper }

    /// Values per ciphertext for a context with `slotCount` slots.
    func valuesPerCiphertext(slotCount: Int) -> Int { self == .elementwise ? 1 : slotCount }
}

/// Where the generation's noise (the initial latent and any sampler noise) comes from, as reports
/// record it.
public enum NoiseOrigin: String, Sendable, Codable {
    /// The key holder's cryptographic generator, seeded from the operating system.
    case random
    /// The torch-compatible generator with a seed: whoever knows or guesses the seed can rebuild
    /// the image from the evaluator's messages (`hediff audit`).
    case seeded
}
