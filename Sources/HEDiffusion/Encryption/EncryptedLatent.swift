import CKKS
import StableDiffusion
import Tensor

/// A partially encrypted latent as the `paper` protocol hands it to the evaluator: the selected
/// points as a `SparseEncryptedTensor`, the others as a dense plaintext remainder (its values at
/// encrypted coordinates are ignored).
///
/// Conforms to `LatentAlgebra`, so a scheduler's `SchedulerStep.apply` computes x′ = a·x + term on
/// it exactly as on a plaintext tensor: on ciphertexts for the encrypted points, in plaintext for
/// the rest.
public struct EncryptedLatent: Sendable {
    public internal(set) var encrypted: SparseEncryptedTensor
    public internal(set) var remainder: Tensor

    public init(encrypted: SparseEncryptedTensor, remainder: Tensor) throws(HEDiffusionError) {
        guard encrypted.shape == remainder.shape else {
            throw .shapeMismatch(expected: encrypted.shape, found: remainder.shape)
        }
        self.encrypted = encrypted
        self.remainder = remainder
    }

    public var shape: [Int] { remainder.shape }
}

extension EncryptedLatent: LatentAlgebra {
    public func scaled(by factor: Double) throws -> EncryptedLatent {
        try EncryptedLatent(encrypted: encrypted.scaled(by: factor), remainder: remainder.scaled(by: factor))
    }

    public func adding(_ term: Tensor) throws -> EncryptedLatent {
        try EncryptedLatent(encrypted: encrypted.adding(term), remainder: remainder.adding(term))
    }
}
