import CKKS
import Foundation
import Tensor

/// The message that carries an `EncryptedLatent` between the key holder and the evaluator
/// (docs/FORMATS.md, "Encrypted latent"): magic "HEDL", version, the CKKS parameter fingerprint,
/// the shape, a bitmap of the encrypted coordinates, the plaintext remainder at the other
/// coordinates, and the ciphertexts in their own CKKS format.
extension EncryptedLatent {
    static let magic: [UInt8] = Array("HEDL".utf8)
    static let formatVersion: UInt16 = 1
    /// Bound on the element count a message may declare (larger shapes are refused before any allocation).
    static let maximumElementCount = 1 << 28

    /// The message bytes.
    public func serialized() -> [UInt8] {
        var out = EncryptedLatent.magic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        append(EncryptedLatent.formatVersion)
        out.append(contentsOf: encrypted.ciphertexts.first?.context.fingerprint ?? [UInt8](repeating: 0, count: 8))
        append(UInt8(shape.count))
        for extent in shape { append(UInt32(extent)) }
        append(UInt32(encrypted.valuesPerCiphertext))
        let count = shape.reduce(1, *)
        var bitmap = [UInt8](repeating: 0, count: (count + 7) / 8)
        for index in encrypted.indices { bitmap[Int(index) / 8] |= 1 << (index % 8) }
        out.append(contentsOf: bitmap)
        remainder.withUnsafeBufferPointer { values in
            for i in 0..<count where bitmap[i / 8] & (1 << (i % 8)) == 0 { append(values[i].bitPattern) }
        }
        append(UInt32(encrypted.ciphertexts.count))
        for ciphertext in encrypted.ciphertexts {
            let bytes = ciphertext.serialized()
            append(UInt32(bytes.count))
            out.append(contentsOf: bytes)
        }
        return out
    }

    /// Reads a message, validating every field; ciphertexts must belong to `context`.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws(HEDiffusionError) {
        var reader = MessageReader(bytes)
        guard try reader.bytes(4, "magic") == EncryptedLatent.magic else {
            throw .malformedMessage("not an encrypted-latent message (bad magic)")
        }
        let version = try reader.integer(UInt16.self, "format version")
        guard version == EncryptedLatent.formatVersion else { throw .malformedMessage("unsupported format version \(version)") }
        guard try reader.bytes(8, "parameter fingerprint") == context.fingerprint else {
            throw .malformedMessage("the message was made with other CKKS parameters")
        }
        let rank = Int(try reader.integer(UInt8.self, "rank"))
        guard (1...8).contains(rank) else { throw .malformedMessage("rank \(rank) outside 1...8") }
        var shape: [Int] = []
        var count = 1
        for _ in 0..<rank {
            let extent = Int(try reader.integer(UInt32.self, "extent"))
            count = count.multipliedReportingOverflow(by: extent).partialValue
            guard extent > 0, count <= EncryptedLatent.maximumElementCount else {
                throw .malformedMessage("shape is empty or exceeds \(EncryptedLatent.maximumElementCount) elements")
            }
            shape.append(extent)
        }
        let valuesPerCiphertext = Int(try reader.integer(UInt32.self, "values per ciphertext"))
        guard valuesPerCiphertext >= 1, valuesPerCiphertext <= context.slotCount else {
            throw .malformedMessage("\(valuesPerCiphertext) values per ciphertext; this context has \(context.slotCount) slots")
        }
        let bitmap = try reader.bytes((count + 7) / 8, "coordinate bitmap")
        if count % 8 != 0, bitmap[bitmap.count - 1] >> (count % 8) != 0 {
            throw .malformedMessage("coordinate bitmap has bits beyond the tensor")
        }
        var indices: [UInt32] = []
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count {
            if bitmap[i / 8] & (1 << (i % 8)) != 0 {
                indices.append(UInt32(i))
            } else {
                let value = Float(bitPattern: try reader.integer(UInt32.self, "remainder"))
                guard value.isFinite else { throw .malformedMessage("remainder value at \(i) is not finite") }
                scalars[i] = value
            }
        }
        let ciphertextCount = Int(try reader.integer(UInt32.self, "ciphertext count"))
        guard ciphertextCount == (indices.count + valuesPerCiphertext - 1) / valuesPerCiphertext else {
            throw .malformedMessage("\(ciphertextCount) ciphertexts for \(indices.count) encrypted values")
        }
        var ciphertexts: [Ciphertext] = []
        for i in 0..<ciphertextCount {
            let length = Int(try reader.integer(UInt32.self, "ciphertext length"))
            do {
                ciphertexts.append(try Ciphertext(deserializing: try reader.bytes(length, "ciphertext \(i)"), context: context))
            } catch let error as CKKSError {
                throw .encryption(error)
            } catch let error as HEDiffusionError {
                throw error
            } catch {
                throw .malformedMessage("ciphertext \(i): \(error)")
            }
        }
        guard reader.remaining == 0 else { throw .malformedMessage("\(reader.remaining) trailing bytes") }
        let remainder: Tensor
        do {
            remainder = try Tensor(shape: shape, scalars: scalars)
        } catch {
            throw .malformedMessage("shape \(shape) does not describe the remainder")
        }
        try self.init(
            encrypted: SparseEncryptedTensor(shape: shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext, ciphertexts: ciphertexts),
            remainder: remainder)
    }
}

/// CKKS's bounds-checked reader, with its errors reported as malformed messages.
struct MessageReader {
    private var reader: ByteReader

    init(_ data: [UInt8]) { reader = ByteReader(data) }

    var remaining: Int { reader.remaining }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws(HEDiffusionError) -> T {
        do { return try reader.read(type, field) } catch { throw .malformedMessage(error.description) }
    }

    mutating func bytes(_ count: Int, _ field: String) throws(HEDiffusionError) -> [UInt8] {
        do { return try reader.readRaw(count, field) } catch { throw .malformedMessage(error.description) }
    }
}
