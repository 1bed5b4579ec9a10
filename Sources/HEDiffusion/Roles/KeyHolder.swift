import CKKS
import Foundation
import StableDiffusion
import Tensor

/// The party that owns the secret key (DESIGN.md §3, docs/THREAT-MODEL.md). For each step it
/// selects the points to encrypt, encrypts them — and, in the hardened modes, the term at them —
/// into an `UpdateRequest`; it then checks the evaluator's `UpdateReply` against what it asked
/// for, decrypts it, and merges it with the points it updated itself.
///
/// In `packed`, `sparse` and `elementwise` nothing it decrypted ever leaves it: the unselected
/// points are updated here and never sent. In `paper` mode they are sent in plaintext, as the
/// paper's reference does, so values decrypted at one step go out raw at the next.
public final class KeyHolder: Sendable {
    public let context: CKKSContext
    public let mode: PrivacyMode
    public let selector: MinDistortionSelector
    private let encryptor: Encryptor
    private let decryptor: Decryptor

    /// The level fresh ciphertexts are encrypted at: the lowest — the smallest ciphertexts — that
    /// can carry the update x′ = a·x + term without rescaling.
    public let updateLevel: Int
    /// The scale of the update's product a·x, at which the term is encrypted: Δ·2^k.
    public let productScale: Double

    /// A key holder with a fresh secret key (keys never outlive a session).
    public init(parameters: CKKSParameters, mode: PrivacyMode, threshold: Double = 0.01) throws(HEDiffusionError) {
        do {
            context = try CKKSContext(parameters: parameters)
        } catch {
            throw .encryption(error)
        }
        let context = self.context
        guard let level = (0...context.maxLevel).first(where: {
            SparseEncryptedTensor.factorScaleBits(context: context, level: $0, scale: parameters.scale) != nil
        }), let productScale = SparseEncryptedTensor.productScale(context: context, level: level, scale: parameters.scale) else {
            throw .encryption(.invalidParameters(
                "the encrypted update needs a level whose modulus exceeds Δ by at least 24 bits (Δ·2^16 for the factor, 2^8 of headroom)"))
        }
        updateLevel = level
        self.productScale = productScale
        self.mode = mode
        self.selector = try MinDistortionSelector(threshold: threshold)
        let secretKey = KeyGenerator(context: context).generateSecretKey()
        encryptor = Encryptor(secretKey: secretKey)
        decryptor = Decryptor(secretKey: secretKey)
    }

    /// The points to encrypt under this key holder's mode.
    public func select(_ latent: Tensor) throws(HEDiffusionError) -> PointSelection {
        switch mode {
        case .sparse, .paper: return try selector.select(latent)
        case .off: return PointSelection(shape: latent.shape, encryptedIndices: [], totalDistortion: 0, removedDistortion: 0)
        case .packed, .elementwise: return PointSelection.all(shape: latent.shape)
        }
    }

    /// What the key holder remembers of a request until its reply arrives.
    public struct PendingUpdate: Sendable {
        public let stepIndex: Int
        public let shape: [Int]
        public let indices: [UInt32]
        public let valuesPerCiphertext: Int
        public let ciphertextCount: Int
        /// The level and scale every reply ciphertext must have.
        public let replyLevel: Int
        public let replyScale: Double
        /// The update applied in plaintext by the key holder (hardened modes: the unselected
        /// points come from here; `paper`: nil, they come back in the reply).
        let localUpdate: Tensor?
    }

    /// Encrypts `step`'s update of `latent` at `selection` into a request.
    ///
    /// - Throws: `valueOutOfRange` when a latent, term or updated value at an encrypted point
    ///   exceeds `SparseEncryptedTensor.valueBound` (it would wrap around the modulus).
    public func request(
        _ step: SchedulerStep, latent: Tensor, selection: PointSelection, stepIndex: Int
    ) throws(HEDiffusionError) -> (UpdateRequest, PendingUpdate) {
        guard selection.shape == latent.shape else { throw .shapeMismatch(expected: latent.shape, found: selection.shape) }
        guard step.term.shape == latent.shape else { throw .shapeMismatch(expected: latent.shape, found: step.term.shape) }
        let updated: Tensor
        do {
            updated = try step.apply(to: latent)
        } catch {
            throw .malformedMessage("the plaintext update failed: \(error)")
        }
        let indices = selection.encryptedIndices
        try Self.checkRange(latent, step.term, updated, at: indices)
        let valuesPerCiphertext = mode.valuesPerCiphertext(slotCount: context.slotCount)
        let encryptedLatent = try SparseEncryptedTensor.encrypting(
            latent, at: indices, valuesPerCiphertext: valuesPerCiphertext, encryptor: encryptor, level: updateLevel)
        let term: UpdateRequest.Term
        if mode.sendsPlaintext {
            var remainder = latent
            remainder.zero(at: indices)
            term = .plaintext(term: step.term, remainder: remainder)
        } else {
            term = .encrypted(try SparseEncryptedTensor.encrypting(
                step.term, at: indices, valuesPerCiphertext: valuesPerCiphertext, encryptor: encryptor,
                level: updateLevel, scale: productScale))
        }
        let request = try UpdateRequest(
            stepIndex: stepIndex, latentCoefficient: step.latentCoefficient, latent: encryptedLatent, term: term)
        let pending = PendingUpdate(
            stepIndex: stepIndex, shape: latent.shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext,
            ciphertextCount: encryptedLatent.ciphertexts.count, replyLevel: updateLevel, replyScale: productScale,
            localUpdate: mode.sendsPlaintext ? nil : updated)
        return (request, pending)
    }

    /// Checks `reply` against `pending`, decrypts it and merges it into the updated latent.
    ///
    /// Refused: another step index, shape, coordinate set, packing, ciphertext count, level, scale
    /// or ciphertext size (a product left unrelinearized), a plaintext remainder where none was
    /// asked for or none where one was. What is not and cannot be checked: that the ciphertexts
    /// hold a·x + term — a semi-honest evaluator is assumed for the result's correctness.
    public func complete(_ pending: PendingUpdate, with reply: UpdateReply) throws(HEDiffusionError) -> Tensor {
        func refuse(_ why: String) -> HEDiffusionError { .malformedMessage("reply refused: \(why)") }
        guard reply.stepIndex == pending.stepIndex else { throw refuse("step \(reply.stepIndex), expected \(pending.stepIndex)") }
        guard reply.shape == pending.shape else { throw refuse("shape \(reply.shape), expected \(pending.shape)") }
        guard reply.latent.indices == pending.indices else { throw refuse("its coordinates differ from the request's") }
        guard reply.latent.valuesPerCiphertext == pending.valuesPerCiphertext else {
            throw refuse("\(reply.latent.valuesPerCiphertext) values per ciphertext, expected \(pending.valuesPerCiphertext)")
        }
        guard reply.latent.ciphertexts.count == pending.ciphertextCount else {
            throw refuse("\(reply.latent.ciphertexts.count) ciphertexts, expected \(pending.ciphertextCount)")
        }
        for (i, c) in reply.latent.ciphertexts.enumerated() {
            guard c.context.isCompatible(with: context) else { throw refuse("ciphertext \(i) has other parameters") }
            guard c.level == pending.replyLevel else { throw refuse("ciphertext \(i) at level \(c.level), expected \(pending.replyLevel)") }
            guard c.scale == pending.replyScale else { throw refuse("ciphertext \(i) at scale 2^\(log2(c.scale)), expected 2^\(log2(pending.replyScale))") }
            guard c.size == 2 else { throw refuse("ciphertext \(i) has \(c.size) polynomials, expected 2") }
        }
        var dense: Tensor
        switch (pending.localUpdate, reply.remainder) {
        case (let local?, nil): dense = local
        case (nil, let remainder?): dense = remainder
        case (.some, .some): throw refuse("it carries a plaintext remainder that was never sent")
        case (nil, nil): throw refuse("the plaintext remainder is missing")
        }
        let values = try reply.latent.decryptedValues(using: decryptor)
        dense.withUnsafeMutableBufferPointer { out in
            for (index, value) in zip(pending.indices, values) { out[Int(index)] = value }
        }
        return dense
    }

    /// Refuses values that would wrap around the modulus at the encrypted points.
    static func checkRange(_ latent: Tensor, _ term: Tensor, _ updated: Tensor, at indices: [UInt32]) throws(HEDiffusionError) {
        let bound = Float(SparseEncryptedTensor.valueBound)
        for (name, tensor) in [("latent", latent), ("term", term), ("updated latent", updated)] {
            let inRange = tensor.withUnsafeBufferPointer { values in
                indices.allSatisfy { abs(values[Int($0)]) <= bound }
            }
            // The message names the bound, never the private value that crossed it.
            guard inRange else {
                throw .valueOutOfRange("a value of the \(name) exceeds ±\(bound), the most the CKKS parameters hold")
            }
        }
    }
}

extension Tensor {
    /// Sets the elements at the flat `indices` to zero (they travel encrypted instead).
    mutating func zero(at indices: [UInt32]) {
        withUnsafeMutableBufferPointer { out in
            for i in indices { out[Int(i)] = 0 }
        }
    }
}
