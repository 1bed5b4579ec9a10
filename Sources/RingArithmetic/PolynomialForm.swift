/// The representation an `RNSPolynomial`'s limbs are in: a marker type, never instantiated.
///
/// The form is a type parameter rather than a stored flag so that a polynomial handed to an
/// operation in the wrong form is a compile-time error instead of a trap: ring products exist
/// only on `RNSPolynomial<Evaluation>`, CRT composition only on `RNSPolynomial<Coefficient>`,
/// and the NTT is the one way from either type to the other.
public protocol PolynomialForm: Sendable {}

/// Coefficient form: limb i holds a_0 … a_(N−1) mod q_i. Where polynomials are built from
/// integers (encoding, small secrets and errors) and read back as integers (decoding, CRT).
public enum Coefficient: PolynomialForm {}

/// Evaluation (NTT) form: limb i holds a(ψ_i^(2·rev(k)+1)) mod q_i for k < N (see `NTTTables`).
/// Ring products are pointwise here, so ciphertexts, plaintexts and keys live in this form.
public enum Evaluation: PolynomialForm {}
