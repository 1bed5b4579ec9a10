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
        tensor.withUnsafeBufferPointer { values in
            var next = 0
            for i in 0..<values.count {
                if next < excluded.count, Int(excluded[next]) == i {
                    next += 1
                    continue
                }
                out.append(values[i].bitPattern)
            }
        }
    }

    /// Reads finite float32 values for the coordinates of `shape` not in `excluded`; the excluded
    /// coordinates hold 0.
    static func readValues(
        _ reader: inout MessageReader, shape: [Int], excluding excluded: [UInt32], field: String
    ) throws(HEDiffusionError) -> Tensor {
        let count = shape.reduce(1, *)
        let valueCount = count - excluded.count
        guard reader.remaining >= 4 * valueCount else {
            throw .malformedMessage("\(field): \(valueCount) values announced, \(reader.remaining) bytes left")
        }
        var scalars = [Float](repeating: 0, count: count)
        var next = 0
        for i in 0..<count {
            if next < excluded.count, Int(excluded[next]) == i {
                next += 1
                continue
            }
            let value = Float(bitPattern: try reader.integer(UInt32.self, field))
            guard value.isFinite else { throw .malformedMessage("\(field) value at \(i) is not finite") }
            scalars[i] = value
        }
        do {
            return try Tensor(shape: shape, scalars: scalars)
        } catch {
            throw .malformedMessage("shape \(shape) does not describe the \(field)")
        }
    }

    // MARK: Ciphertexts

    static func writeCiphertexts(_ ciphertexts: [Ciphertext], to out: inout MessageWriter) {
        out.append(UInt32(ciphertexts.count))
        for ciphertext in ciphertexts {
            let bytes = ciphertext.serialized()
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
        var ciphertexts: [Ciphertext] = []
        for i in 0..<count {
            let length = Int(try reader.integer(UInt32.self, "\(field) ciphertext length"))
            let bytes = try reader.bytes(length, "\(field) ciphertext \(i)")
            do {
                ciphertexts.append(try Ciphertext(deserializing: bytes, context: context))
            } catch {
                throw .malformedMessage("\(field) ciphertext \(i): \(error.description)")
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
