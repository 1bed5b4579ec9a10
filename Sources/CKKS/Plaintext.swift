import RingArithmetic

/// An encoded message: a polynomial in evaluation form at a level, with the scale Δ its values
/// carry.
public struct Plaintext: Sendable, Equatable {
    public let context: CKKSContext
    /// The encoded polynomial (limbs q_0 … q_level).
    public internal(set) var polynomial: RNSPolynomial<Evaluation>
    /// The scale Δ: slot values are the decoded polynomial divided by Δ.
    public internal(set) var scale: Double

    /// The level ℓ: the plaintext lives modulo q_0⋯q_ℓ.
    public var level: Int { polynomial.limbCount - 1 }

    init(context: CKKSContext, polynomial: RNSPolynomial<Evaluation>, scale: Double) {
        self.context = context
        self.polynomial = polynomial
        self.scale = scale
    }

    public static func == (lhs: Plaintext, rhs: Plaintext) -> Bool {
        lhs.context.isCompatible(with: rhs.context) && lhs.scale == rhs.scale && lhs.polynomial == rhs.polynomial
    }
}
