import CKKS
import Tensor

/// The party that owns the secret key: it selects which latent points to encrypt, encrypts them,
/// and decrypts and merges the evaluator's results. It never sends anything but ciphertexts,
/// coordinates and the plaintext remainder (DESIGN.md §3, docs/THREAT-MODEL.md).
public final class KeyHolder: Sendable {
    public let context: CKKSContext
    public let mode: PrivacyMode
    public let selector: MinDistortionSelector
    private let encryptor: Encryptor
    private let decryptor: Decryptor

    /// The level fresh ciphertexts are encrypted at: the lowest — the smallest ciphertexts — that
    /// can carry the update x′ = a·x + b, either without rescaling (`factorScaleBits`) or, failing
    /// that, with one rescale from level 1.
    public let updateLevel: Int

    public init(parameters: CKKSParameters, mode: PrivacyMode, threshold: Double = 0.01) throws(HEDiffusionError) {
        do {
            context = try CKKSContext(parameters: parameters)
        } catch {
            throw .encryption(error)
        }
        let context = self.context
        if let level = (0...context.maxLevel).first(where: {
            SparseEncryptedTensor.factorScaleBits(context: context, level: $0, scale: parameters.scale) != nil
        }) {
            updateLevel = level
        } else if parameters.maxLevel >= 1 {
            updateLevel = 1
        } else {
            throw .encryption(.invalidParameters("the encrypted update needs room for a product: two data primes, or one wide enough for Δ·2^16"))
        }
        self.mode = mode
        self.selector = try MinDistortionSelector(threshold: threshold)
        let secretKey = KeyGenerator(context: context).generateSecretKey()
        encryptor = Encryptor(secretKey: secretKey)
        decryptor = Decryptor(secretKey: secretKey)
    }

    /// What the evaluator needs: the public parameters (no key: the update uses only
    /// key-free operations).
    public var evaluatorParameters: CKKSParameters { context.parameters }

    /// The points to encrypt under this key holder's mode.
    public func select(_ latent: Tensor) throws(HEDiffusionError) -> PointSelection {
        switch mode {
        case .sparse: return try selector.select(latent)
        case .off: return PointSelection(shape: latent.shape, encryptedIndices: [], totalDistortion: 0, removedDistortion: 0)
        case .packed, .elementwise: return PointSelection.all(shape: latent.shape)
        }
    }

    /// Encrypts the selected points (symmetric, seeded: about half the bytes of public-key
    /// ciphertexts) at the update level; the rest stays in the plaintext remainder.
    public func encrypt(_ latent: Tensor, selection: PointSelection) throws(HEDiffusionError) -> EncryptedLatent {
        guard selection.shape == latent.shape else { throw .shapeMismatch(expected: latent.shape, found: selection.shape) }
        let encrypted = try SparseEncryptedTensor.encrypting(
            latent, at: selection.encryptedIndices,
            valuesPerCiphertext: mode.valuesPerCiphertext(slotCount: context.slotCount),
            encryptor: encryptor, level: updateLevel)
        var remainder = latent
        remainder.zero(at: selection.encryptedIndices)
        return try EncryptedLatent(encrypted: encrypted, remainder: remainder)
    }

    /// Decrypts the encrypted points and merges them into the remainder.
    public func decrypt(_ latent: EncryptedLatent) throws(HEDiffusionError) -> Tensor {
        try latent.merged(using: decryptor)
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
