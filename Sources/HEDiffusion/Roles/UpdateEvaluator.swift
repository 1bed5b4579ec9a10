import CKKS
import StableDiffusion
import Tensor

/// The party that computes the denoising update on the encrypted latent. It holds no secret
/// key — only the public parameters — and sees the ciphertexts, the coordinates of the encrypted
/// points, the plaintext remainder and the scheduler's plaintext coefficients.
public struct UpdateEvaluator: Sendable {
    public let context: CKKSContext

    public init(parameters: CKKSParameters) throws(HEDiffusionError) {
        do {
            context = try CKKSContext(parameters: parameters)
        } catch {
            throw .encryption(error)
        }
    }

    /// x′ = a·x + term on the encrypted latent, through the same `SchedulerStep.apply` that
    /// updates a plaintext latent.
    public func apply(_ step: SchedulerStep, to latent: EncryptedLatent) throws -> EncryptedLatent {
        try step.apply(to: latent)
    }

    /// Reads a latent sent by the key holder (checks the parameters' fingerprint).
    public func receive(_ bytes: [UInt8]) throws(HEDiffusionError) -> EncryptedLatent {
        try EncryptedLatent(deserializing: bytes, context: context)
    }
}
