import CKKS
import StableDiffusion
import Tensor

/// The party that computes the denoising update on ciphertexts. It holds no secret key — only the
/// public parameters and the latent's shape — and sees exactly what `UpdateRequest` carries.
public struct UpdateEvaluator: Sendable {
    public let context: CKKSContext
    /// The latent shape agreed for the session; messages of any other shape are refused before
    /// anything is allocated for them.
    public let latentShape: [Int]

    public init(parameters: CKKSParameters, latentShape: [Int]) throws(HEDiffusionError) {
        do {
            context = try CKKSContext(parameters: parameters)
        } catch {
            throw .encryption(error)
        }
        self.latentShape = latentShape
    }

    /// x′ = a·x + term: on ciphertexts, and in `paper` mode on the plaintext remainder too, through
    /// the same `LatentAlgebra` operations that update a plaintext latent.
    public func respond(to request: UpdateRequest) throws(HEDiffusionError) -> UpdateReply {
        let a = request.latentCoefficient
        switch request.term {
        case .encrypted(let term):
            let updated = try request.latent.scaled(by: a).adding(encrypted: term)
            return try UpdateReply(stepIndex: request.stepIndex, latent: updated, remainder: nil)
        case .plaintext(let term, let remainder):
            let latent = try EncryptedLatent(encrypted: request.latent, remainder: remainder)
            let updated: EncryptedLatent
            do {
                updated = try latent.scaled(by: a).adding(term)
            } catch let error as HEDiffusionError {
                throw error
            } catch {
                throw .malformedMessage("the plaintext update failed: \(error)")
            }
            return try UpdateReply(stepIndex: request.stepIndex, latent: updated.encrypted, remainder: updated.remainder)
        }
    }

    /// Reads a request, computes the update and returns the reply's bytes.
    public func respond(to requestBytes: [UInt8]) throws(HEDiffusionError) -> [UInt8] {
        let request = try UpdateRequest(deserializing: requestBytes, context: context, expectedShape: latentShape)
        return try respond(to: request).serialized(context: context)
    }
}
