import CKKS
import Tensor

/// What the key holder sends the evaluator for one denoising step: everything the evaluator uses,
/// and nothing else (docs/FORMATS.md, "Update request").
///
/// The evaluator computes x′ = a·x + term on the ciphertexts. In the hardened modes the term is
/// encrypted at the same coordinates, so the evaluator sees ciphertexts, a, the step index and the
/// coordinates; in `paper` mode the term and the unselected remainder are plaintext, as in the
/// paper's reference code.
public struct UpdateRequest: Sendable {
    /// How the term reaches the evaluator.
    public enum Term: Sendable {
        /// Encrypted at the latent's coordinates, at the scale of the product a·x (hardened modes).
        case encrypted(SparseEncryptedTensor)
        /// The paper's protocol: the whole term, and the latent's unselected remainder (zero at the
        /// encrypted coordinates), in plaintext.
        case plaintext(term: Tensor, remainder: Tensor)
    }

    /// The position of this update in the run, from 0.
    public let stepIndex: Int
    /// The scheduler's coefficient a_t (public: the sampler and the step count are).
    public let latentCoefficient: Double
    /// The encrypted latent values and their coordinates.
    public let latent: SparseEncryptedTensor
    public let term: Term

    public init(stepIndex: Int, latentCoefficient: Double, latent: SparseEncryptedTensor, term: Term) throws(HEDiffusionError) {
        guard stepIndex >= 0, stepIndex <= Int(UInt32.max) else { throw .malformedMessage("step index \(stepIndex) out of range") }
        guard latentCoefficient.isFinite else { throw .malformedMessage("the latent coefficient is not finite") }
        switch term {
        case .encrypted(let encrypted):
            guard encrypted.shape == latent.shape, encrypted.indices == latent.indices,
                  encrypted.valuesPerCiphertext == latent.valuesPerCiphertext,
                  encrypted.ciphertexts.count == latent.ciphertexts.count
            else { throw .malformedMessage("the encrypted term does not cover the latent's coordinates") }
        case .plaintext(let plainTerm, let remainder):
            guard plainTerm.shape == latent.shape else { throw .shapeMismatch(expected: latent.shape, found: plainTerm.shape) }
            guard remainder.shape == latent.shape else { throw .shapeMismatch(expected: latent.shape, found: remainder.shape) }
        }
        self.stepIndex = stepIndex
        self.latentCoefficient = latentCoefficient
        self.latent = latent
        self.term = term
    }

    public var shape: [Int] { latent.shape }
}

/// What the evaluator returns: the updated ciphertexts at the request's coordinates, and in
/// `paper` mode the updated plaintext remainder (docs/FORMATS.md, "Update reply").
public struct UpdateReply: Sendable {
    public let stepIndex: Int
    public let latent: SparseEncryptedTensor
    /// The paper's protocol only: a·remainder + term at the unselected coordinates.
    public let remainder: Tensor?

    public init(stepIndex: Int, latent: SparseEncryptedTensor, remainder: Tensor?) throws(HEDiffusionError) {
        guard stepIndex >= 0, stepIndex <= Int(UInt32.max) else { throw .malformedMessage("step index \(stepIndex) out of range") }
        if let remainder, remainder.shape != latent.shape {
            throw .shapeMismatch(expected: latent.shape, found: remainder.shape)
        }
        self.stepIndex = stepIndex
        self.latent = latent
        self.remainder = remainder
    }

    public var shape: [Int] { latent.shape }
}
