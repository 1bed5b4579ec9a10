import CKKS
import Dispatch
import RingArithmetic
import Foundation
import Tensor

/// A COO sparse tensor whose values are CKKS-encrypted: plaintext coordinates plus the values at
/// those coordinates packed, in coordinate order, `valuesPerCiphertext` to a ciphertext.
///
/// Operations with a dense plaintext tensor gather it at the coordinates; ciphertexts are processed
/// in parallel. `valuesPerCiphertext` is the slot count for packed encryption and 1 for the
/// paper's element-wise baseline.
public struct SparseEncryptedTensor: Sendable {
    /// The dense shape the coordinates index into.
    public let shape: [Int]
    /// Flat row-major coordinates of the encrypted values, ascending.
    public let indices: [UInt32]
    /// How many values each ciphertext holds (the last may hold fewer).
    public let valuesPerCiphertext: Int
    /// The encrypted values.
    public internal(set) var ciphertexts: [Ciphertext]

    public init(shape: [Int], indices: [UInt32], valuesPerCiphertext: Int, ciphertexts: [Ciphertext]) throws(HEDiffusionError) {
        let count = shape.reduce(1, *)
        guard valuesPerCiphertext > 0,
              ciphertexts.count == (indices.count + valuesPerCiphertext - 1) / valuesPerCiphertext
        else { throw .malformedMessage("\(ciphertexts.count) ciphertexts cannot hold \(indices.count) values at \(valuesPerCiphertext) per ciphertext") }
        var previous: Int64 = -1
        for index in indices {
            guard Int64(index) > previous, Int(index) < count else {
                throw .malformedMessage("coordinates must be ascending and inside a tensor of shape \(shape)")
            }
            previous = Int64(index)
        }
        if let first = ciphertexts.first {
            guard valuesPerCiphertext <= first.context.slotCount,
                  ciphertexts.allSatisfy({ $0.context.isCompatible(with: first.context) && $0.level == first.level })
            else { throw .malformedMessage("ciphertexts do not share one context and level") }
        }
        self.shape = shape
        self.indices = indices
        self.valuesPerCiphertext = valuesPerCiphertext
        self.ciphertexts = ciphertexts
    }

    /// Encrypts `dense` at `indices`, at `level` and `scale` (default Δ). The encryptor draws its
    /// randomness under a lock, so encryption itself is serial; the encodings run in parallel.
    public static func encrypting(
        _ dense: Tensor, at indices: [UInt32], valuesPerCiphertext: Int, encryptor: Encryptor, level: Int,
        scale: Double? = nil
    ) throws(HEDiffusionError) -> SparseEncryptedTensor {
        let chunks = chunkRanges(count: indices.count, size: valuesPerCiphertext)
        let values = gather(dense, at: indices)
        let ciphertexts = try concurrentMap(chunks) { range throws(CKKSError) in
            try encryptor.encrypt(Array(values[range]), scale: scale, level: level)
        }
        return try SparseEncryptedTensor(shape: dense.shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext, ciphertexts: ciphertexts)
    }

    /// Every value multiplied by the plaintext `factor`.
    ///
    /// The update has depth one and is decrypted right after, so the factor is encoded as an
    /// integer at scale 2^k (k from `factorScaleBits`, at least 16: a relative quantization of
    /// 2^-(k+1), below the encryption error) and the product is *not* rescaled: the scale grows to
    /// Δ·2^k (`productScale`) and the key holder divides it out when decoding, which saves the
    /// rescale's NTTs. Ciphertexts at a level without that room are refused.
    public func scaled(by factor: Double) throws(HEDiffusionError) -> SparseEncryptedTensor {
        var result = self
        result.ciphertexts = try SparseEncryptedTensor.concurrentMap(ciphertexts.indices.map { $0..<($0 + 1) }) { range throws(CKKSError) in
            let c = ciphertexts[range.lowerBound]
            guard let bits = SparseEncryptedTensor.factorScaleBits(context: c.context, level: c.level, scale: c.scale) else {
                throw .invalidParameters("a ciphertext at level \(c.level) has no room for the update's product")
            }
            return try Evaluator(context: c.context).multiply(c, scalar: factor, scalarScale: exp2(bits))
        }
        return result
    }

    /// log2 of the scale at which a factor is encoded when a ciphertext at `level` and `scale`
    /// can take the product without rescaling (at most 24 bits, keeping `headroomBits` above the
    /// product for |values| < 2^7), or nil when fewer than 16 bits fit.
    public static func factorScaleBits(context: CKKSContext, level: Int, scale: Double) -> Double? {
        let modulusBits = context.basis(atLevel: level).moduli.reduce(0.0) { $0 + log2(Double($1.value)) }
        let room = (modulusBits - log2(scale) - headroomBits).rounded(.down)
        return room >= 16 ? min(24, room) : nil
    }

    /// The scale of `scaled(by:)`'s result for a ciphertext at `level` and `scale`: Δ·2^k.
    public static func productScale(context: CKKSContext, level: Int, scale: Double) -> Double? {
        factorScaleBits(context: context, level: level, scale: scale).map { scale * exp2($0) }
    }

    /// Bits of the modulus that must stay above a product's scale (|values| < 2^7).
    static let headroomBits = 8.0

    /// The largest |value| the update may carry — in the latent, the term or the result — without
    /// wrapping around the modulus: one unit below 2^(headroomBits − 1), which leaves the
    /// encryption noise (far below one unit) no room to wrap.
    public static let valueBound = exp2(headroomBits - 1) - 1

    /// Adds the dense plaintext `term` gathered at the coordinates (encoded at each ciphertext's
    /// level and scale).
    public func adding(_ term: Tensor) throws(HEDiffusionError) -> SparseEncryptedTensor {
        guard term.shape == shape else { throw .shapeMismatch(expected: shape, found: term.shape) }
        let values = SparseEncryptedTensor.gather(term, at: indices)
        let chunks = SparseEncryptedTensor.chunkRanges(count: indices.count, size: valuesPerCiphertext)
        var result = self
        result.ciphertexts = try SparseEncryptedTensor.concurrentMap(chunks.indices.map { $0..<($0 + 1) }) { range throws(CKKSError) in
            let c = ciphertexts[range.lowerBound]
            let plaintext = try Encoder(context: c.context).encode(Array(values[chunks[range.lowerBound]]), scale: c.scale, level: c.level)
            return try Evaluator(context: c.context).add(c, plaintext)
        }
        return result
    }

    /// Adds an encrypted term at the same coordinates (ciphertext by ciphertext; levels and scales
    /// must match, which the CKKS evaluator checks).
    public func adding(encrypted term: SparseEncryptedTensor) throws(HEDiffusionError) -> SparseEncryptedTensor {
        guard term.shape == shape else { throw .shapeMismatch(expected: shape, found: term.shape) }
        guard term.indices == indices, term.valuesPerCiphertext == valuesPerCiphertext, term.ciphertexts.count == ciphertexts.count else {
            throw .malformedMessage("the encrypted term does not cover the latent's coordinates")
        }
        var result = self
        result.ciphertexts = try SparseEncryptedTensor.concurrentMap(ciphertexts.indices.map { $0..<($0 + 1) }) { range throws(CKKSError) in
            let i = range.lowerBound
            return try Evaluator(context: ciphertexts[i].context).add(ciphertexts[i], term.ciphertexts[i])
        }
        return result
    }

    /// The decrypted values, in coordinate order (key holder only).
    public func decryptedValues(using decryptor: Decryptor) throws(HEDiffusionError) -> [Float] {
        let chunks = SparseEncryptedTensor.chunkRanges(count: indices.count, size: valuesPerCiphertext)
        let parts = try SparseEncryptedTensor.concurrentMap(chunks.indices.map { $0..<($0 + 1) }) { range throws(CKKSError) in
            try decryptor.decryptValues(ciphertexts[range.lowerBound]).prefix(chunks[range.lowerBound].count).map { Float($0) }
        }
        return parts.flatMap { $0 }
    }

    // MARK: Helpers

    static func gather(_ dense: Tensor, at indices: [UInt32]) -> [Double] {
        dense.scalars.withUnsafeBufferPointer { values in indices.map { Double(values[Int($0)]) } }
    }

    static func chunkRanges(count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    /// Maps `body` over `items` on every core, keeping order; the first CKKS error is rethrown.
    static func concurrentMap<T: Sendable>(_ items: [Range<Int>], _ body: @Sendable (Range<Int>) throws(CKKSError) -> T) throws(HEDiffusionError) -> [T] {
        let results = concurrentMap(count: items.count) { i in Result { () throws(CKKSError) -> T in try body(items[i]) } }
        guard results.count == items.count else { throw .malformedMessage("internal: a parallel task produced no result") }
        var values: [T] = []
        values.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let value): values.append(value)
            case .failure(let error): throw .encryption(error)
            }
        }
        return values
    }

    /// `body(i)` for i in 0..<count on every core, in order.
    static func concurrentMap<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count: count)
        Parallel.forEach(count) { i in slots.store(i, body(i)) }
        return slots.filled
    }
}

/// Per-index slots filled concurrently (each index written once, by one thread).
private final class Slots<T: Sendable>: @unchecked Sendable {
    private var values: [T?]
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ value: T) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    /// The stored values in index order (all of them once every slot has been stored).
    var filled: [T] { values.compactMap { $0 } }
}
