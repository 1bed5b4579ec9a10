import RingArithmetic

/// A CKKS ciphertext: polynomials (c_0, c_1[, c_2]) in evaluation form at a level, decrypting to
/// c_0 + c_1·s (+ c_2·s²) ≈ Δ·m.
public struct Ciphertext: Sendable, Equatable {
    public let context: CKKSContext
    /// The polynomials, limbs q_0 … q_level.
    public internal(set) var polynomials: [RNSPolynomial<Evaluation>]
    /// The scale Δ of the encrypted values.
    public internal(set) var scale: Double
    /// For a fresh symmetric encryption, the seed from which c_1 is expanded: serialization then
    /// stores the seed instead of c_1. Cleared by any operation that changes c_1.
    public internal(set) var seed: RandomSeed?
    /// A heuristic estimate of the standard deviation of the error's coefficients (in units of
    /// the integer message), propagated through every operation. Sizes the noise flooding of
    /// `Decryptor.decryptForSharing`.
    public internal(set) var noiseEstimate: Double

    /// The level ℓ: the ciphertext lives modulo q_0⋯q_ℓ.
    public var level: Int { polynomials[0].limbCount - 1 }
    /// The number of polynomials: 2 normally, 3 after a multiplication before relinearization.
    public var size: Int { polynomials.count }

    init(context: CKKSContext, polynomials: [RNSPolynomial<Evaluation>], scale: Double, seed: RandomSeed? = nil, noiseEstimate: Double) {
        self.context = context
        self.polynomials = polynomials
        self.scale = scale
        self.seed = seed
        self.noiseEstimate = noiseEstimate
    }

    public static func == (lhs: Ciphertext, rhs: Ciphertext) -> Bool {
        lhs.context.isCompatible(with: rhs.context) && lhs.scale == rhs.scale && lhs.polynomials == rhs.polynomials
    }
}
