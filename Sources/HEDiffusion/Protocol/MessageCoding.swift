import CKKS
import Tensor

/// The byte-level pieces shared by the update request and reply (docs/FORMATS.md, "Update
/// messages"): a header (magic, format version, CKKS parameter fingerprint, step index, shape), a
/// coordinate bitmap, plaintext float sections and ciphertext lists. Little-endian throughout.
enum MessageCoding {
    static let formatVersion: UInt16 = 1
    static let maximumRank = 8

    /// The header every update message starts with.
    struct Header: Equatable {
        var magic: [UInt8]
        var stepIndex: Int
        var shape: [Int]
    }

    static func write(_ header: Header, fingerprint: [UInt8], to out: inout MessageWriter) {
        out.append(bytes: header.magic)
        out.append(formatVersion)
        out.append(bytes: fingerprint)
        out.append(UInt32(header.stepIndex))
        out.append(UInt8(header.shape.count))
        for extent in header.shape { out.append(UInt32(extent)) }
    }

    /// Reads a header with `magic`, checking the version, the fingerprint against `context` and the
    /// shape against `expectedShape` (so nothing the message declares can make the reader allocate
    /// more than the agreed latent).
    static func readHeader(
        _ reader: inout MessageReader, magic: [UInt8], context: CKKSContext, expectedShape: [Int]
    ) throws(HEDiffusionError) -> Header {
        guard try reader.bytes(4, "magic") == magic else {
            throw .malformedMessage("not a \(String(decoding: magic, as: UTF8.self)) message (bad magic)")
        }
        let version = try reader.integer(UInt16.self, "format version")
        guard version == formatVersion else { throw .malformedMessage("unsupported format version \(version)") }
        guard try reader.bytes(8, "parameter fingerprint") == context.fingerprint else {
            throw .malformedMessage("the message was made with other CKKS parameters")
        }
        let stepIndex = Int(try reader.integer(UInt32.self, "step index"))
        let rank = Int(try reader.integer(UInt8.self, "rank"))
        guard rank == expectedShape.count else {
            throw .malformedMessage("rank \(rank); the session's latent has rank \(expectedShape.count)")
        }
        var shape: [Int] = []
        for _ in 0..<rank { shape.append(Int(try reader.integer(UInt32.self, "extent"))) }
        guard shape == expectedShape else {
            throw .malformedMessage("shape \(shape); the session's latent is \(expectedShape)")
        }
        return Header(magic: magic, stepIndex: stepIndex, shape: shape)
    }

    // MARK: Coordinates

    static func writeBitmap(_ indices: [UInt32], count: Int, to out: inout MessageWriter) {
        var bitmap = [UInt8](repeating: 0, count: (count + 7) / 8)
        for index in indices { bitmap[Int(index) / 8] |= 1 << (index % 8) }
        out.append(bytes: bitmap)
    }

    /// The ascending coordinates of a bitmap over `count` elements.
    static func readBitmap(_ reader: inout MessageReader, count: Int) throws(HEDiffusionError) -> [UInt32] {
        let bitmap = try reader.bytes((count + 7) / 8, "coordinate bitmap")
        if count % 8 != 0, bitmap[bitmap.count - 1] >> (count % 8) != 0 {
            throw .malformedMessage("coordinate bitmap has bits beyond the tensor")
        }
        var indices: [UInt32] = []
        for i in 0..<count where bitmap[i / 8] & (1 << (i % 8)) != 0 { indices.append(UInt32(i)) }
        return indices
    }

    // MARK: Plaintext values

    /// Writes `tensor`'s values at the coordinates *not* in `excluded` (ascending), in order.
    static func writeValues(_ tensor: Tensor, excluding excluded: [UInt32], to out: inout MessageWriter) {
        var block = [UInt8](repeating: 0, count: 4 * (tensor.scalars.count - excluded.count))
        tensor.withUnsafeBufferPointer { values in
            block.withUnsafeMutableBytes { raw in
                var next = 0, written = 0
                for i in 0..<values.count {
                    if next < excluded.count, Int(excluded[next]) == i {
                        next += 1
                        continue
                    }
                    raw.storeBytes(of: values[i].bitPattern.littleEndian, toByteOffset: 4 * written, as: UInt32.self)
                    written += 1
                }
            }
        }
        out.append(bytes: block)
    }

    /// Reads finite float32 values for the coordinates of `shape` not in `excluded`; the excluded
    /// coordinates hold 0. The values are taken as one block (its length checked before anything
    /// is allocated) and decoded in place.
    static func readValues(
        _ reader: inout MessageReader, shape: [Int], excluding excluded: [UInt32], field: String
    ) throws(HEDiffusionError) -> Tensor {
        let count = shape.reduce(1, *)
        let valueCount = count - excluded.count
        guard reader.remaining >= 4 * valueCount else {
            throw .malformedMessage("\(field): \(valueCount) values announced, \(reader.remaining) bytes left")
        }
        let block = try reader.bytes(4 * valueCount, field)
        var scalars = [Float](repeating: 0, count: count)
        let firstBad: Int? = block.withUnsafeBytes { raw in
            scalars.withUnsafeMutableBufferPointer { out in
                var next = 0, read = 0
                for i in 0..<count {
                    if next < excluded.count, Int(excluded[next]) == i {
                        next += 1
                        continue
                    }
                    let value = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * read, as: UInt32.self)))
                    read += 1
                    guard value.isFinite else { return i }
                    out[i] = value
                }
                return nil
            }
        }
        if let firstBad { throw .malformedMessage("\(field) value at \(firstBad) is not finite") }
        do {
            return try Tensor(shape: shape, scalars: scalars)
        } catch {
            throw .malformedMessage("shape \(shape) does not describe the \(field)")
        }
    }

    // MARK: Ciphertexts

    /// Writes a count and the length-prefixed ciphertexts (serialized on every core).
    static func writeCiphertexts(_ ciphertexts: [Ciphertext], to out: inout MessageWriter) {
        let encoded = SparseEncryptedTensor.concurrentMap(count: ciphertexts.count) { ciphertexts[$0].serialized() }
        out.append(UInt32(ciphertexts.count))
        for bytes in encoded {
            out.append(UInt32(bytes.count))
            out.append(bytes: bytes)
        }
    }

    /// Reads exactly `expectedCount` ciphertexts of `context` (the count is implied by the
    /// coordinates; a different count is refused before anything is read).
    static func readCiphertexts(
        _ reader: inout MessageReader, expectedCount: Int, context: CKKSContext, field: String
    ) throws(HEDiffusionError) -> [Ciphertext] {
        let count = Int(try reader.integer(UInt32.self, "\(field) count"))
        guard count == expectedCount else {
            throw .malformedMessage("\(count) \(field) ciphertexts; the coordinates need \(expectedCount)")
        }
        var encoded: [[UInt8]] = []
        for i in 0..<count {
            let length = Int(try reader.integer(UInt32.self, "\(field) ciphertext length"))
            encoded.append(try reader.bytes(length, "\(field) ciphertext \(i)"))
        }
        // Deserialized on every core; the first failure is reported.
        let blocks = encoded
        let parsed = SparseEncryptedTensor.concurrentMap(count: count) { i in
            Result { () throws(CKKSError) -> Ciphertext in try Ciphertext(deserializing: blocks[i], context: context) }
        }
        var ciphertexts: [Ciphertext] = []
        for (i, result) in parsed.enumerated() {
            switch result {
            case .success(let ciphertext): ciphertexts.append(ciphertext)
            case .failure(let error): throw .malformedMessage("\(field) ciphertext \(i): \(error.description)")
            }
        }
        return ciphertexts
    }

    /// The number of ciphertexts that hold `valueCount` values at `valuesPerCiphertext` each.
    static func ciphertextCount(values valueCount: Int, perCiphertext valuesPerCiphertext: Int) -> Int {
        (valueCount + valuesPerCiphertext - 1) / valuesPerCiphertext
    }
}

/// Appends little-endian fields to a message.
struct MessageWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }
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

    /// Fails unless every byte was read.
    func finish() throws(HEDiffusionError) {
        guard remaining == 0 else { throw .malformedMessage("\(remaining) trailing bytes") }
    }
}
