import CKKS
import Tensor

extension UpdateRequest {
    static let magic: [UInt8] = Array("HEUQ".utf8)
    /// Flag bit 0: the term and the remainder are plaintext (`paper` mode).
    static let plaintextFlag: UInt8 = 1

    /// The message bytes; `context` supplies the fingerprint even when no ciphertext is carried.
    public func serialized(context: CKKSContext) -> [UInt8] {
        var out = MessageWriter()
        MessageCoding.write(.init(magic: Self.magic, stepIndex: stepIndex, shape: shape), fingerprint: context.fingerprint, to: &out)
        out.append(latentCoefficient.bitPattern)
        if case .plaintext = term { out.append(Self.plaintextFlag) } else { out.append(UInt8(0)) }
        out.append(UInt32(latent.valuesPerCiphertext))
        MessageCoding.writeBitmap(latent.indices, count: shape.reduce(1, *), to: &out)
        switch term {
        case .plaintext(let plainTerm, let remainder):
            MessageCoding.writeValues(remainder, excluding: latent.indices, to: &out)
            MessageCoding.writeValues(plainTerm, excluding: [], to: &out)
            MessageCoding.writeCiphertexts(latent.ciphertexts, to: &out)
        case .encrypted(let encrypted):
            MessageCoding.writeCiphertexts(latent.ciphertexts, to: &out)
            MessageCoding.writeCiphertexts(encrypted.ciphertexts, to: &out)
        }
        return out.bytes
    }

    /// Reads a request for a latent of `expectedShape`, validating every field; ciphertexts must
    /// belong to `context`.
    public init(deserializing bytes: [UInt8], context: CKKSContext, expectedShape: [Int]) throws(HEDiffusionError) {
        var reader = MessageReader(bytes)
        let header = try MessageCoding.readHeader(&reader, magic: Self.magic, context: context, expectedShape: expectedShape)
        let coefficient = Double(bitPattern: try reader.integer(UInt64.self, "latent coefficient"))
        let flags = try reader.integer(UInt8.self, "flags")
        guard flags & ~Self.plaintextFlag == 0 else { throw .malformedMessage("unknown flags \(flags)") }
        let valuesPerCiphertext = try Self.readValuesPerCiphertext(&reader, context: context)
        let count = header.shape.reduce(1, *)
        let indices = try MessageCoding.readBitmap(&reader, count: count)
        let ciphertextCount = MessageCoding.ciphertextCount(values: indices.count, perCiphertext: valuesPerCiphertext)
        let term: Term
        let latent: SparseEncryptedTensor
        if flags & Self.plaintextFlag != 0 {
            let remainder = try MessageCoding.readValues(&reader, shape: header.shape, excluding: indices, field: "remainder")
            let plainTerm = try MessageCoding.readValues(&reader, shape: header.shape, excluding: [], field: "term")
            let ciphertexts = try MessageCoding.readCiphertexts(&reader, expectedCount: ciphertextCount, context: context, field: "latent")
            latent = try SparseEncryptedTensor(shape: header.shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext, ciphertexts: ciphertexts)
            term = .plaintext(term: plainTerm, remainder: remainder)
        } else {
            let ciphertexts = try MessageCoding.readCiphertexts(&reader, expectedCount: ciphertextCount, context: context, field: "latent")
            let termCiphertexts = try MessageCoding.readCiphertexts(&reader, expectedCount: ciphertextCount, context: context, field: "term")
            latent = try SparseEncryptedTensor(shape: header.shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext, ciphertexts: ciphertexts)
            term = .encrypted(try SparseEncryptedTensor(
                shape: header.shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext, ciphertexts: termCiphertexts))
        }
        try reader.finish()
        try self.init(stepIndex: header.stepIndex, latentCoefficient: coefficient, latent: latent, term: term)
    }

    static func readValuesPerCiphertext(_ reader: inout MessageReader, context: CKKSContext) throws(HEDiffusionError) -> Int {
        let valuesPerCiphertext = Int(try reader.integer(UInt32.self, "values per ciphertext"))
        guard valuesPerCiphertext >= 1, valuesPerCiphertext <= context.slotCount else {
            throw .malformedMessage("\(valuesPerCiphertext) values per ciphertext; this context has \(context.slotCount) slots")
        }
        return valuesPerCiphertext
    }
}

extension UpdateReply {
    static let magic: [UInt8] = Array("HEUP".utf8)

    /// The message bytes.
    public func serialized(context: CKKSContext) -> [UInt8] {
        var out = MessageWriter()
        MessageCoding.write(.init(magic: Self.magic, stepIndex: stepIndex, shape: shape), fingerprint: context.fingerprint, to: &out)
        out.append(remainder == nil ? UInt8(0) : UpdateRequest.plaintextFlag)
        out.append(UInt32(latent.valuesPerCiphertext))
        MessageCoding.writeBitmap(latent.indices, count: shape.reduce(1, *), to: &out)
        if let remainder { MessageCoding.writeValues(remainder, excluding: latent.indices, to: &out) }
        MessageCoding.writeCiphertexts(latent.ciphertexts, to: &out)
        return out.bytes
    }

    /// Reads a reply for a latent of `expectedShape`, validating every field. Whether it answers
    /// the request it claims to is the key holder's check (`KeyHolder.complete`).
    public init(deserializing bytes: [UInt8], context: CKKSContext, expectedShape: [Int]) throws(HEDiffusionError) {
        var reader = MessageReader(bytes)
        let header = try MessageCoding.readHeader(&reader, magic: Self.magic, context: context, expectedShape: expectedShape)
        let flags = try reader.integer(UInt8.self, "flags")
        guard flags & ~UpdateRequest.plaintextFlag == 0 else { throw .malformedMessage("unknown flags \(flags)") }
        let valuesPerCiphertext = try UpdateRequest.readValuesPerCiphertext(&reader, context: context)
        let indices = try MessageCoding.readBitmap(&reader, count: header.shape.reduce(1, *))
        let remainder = flags & UpdateRequest.plaintextFlag != 0
            ? try MessageCoding.readValues(&reader, shape: header.shape, excluding: indices, field: "remainder") : nil
        let ciphertexts = try MessageCoding.readCiphertexts(
            &reader, expectedCount: MessageCoding.ciphertextCount(values: indices.count, perCiphertext: valuesPerCiphertext),
            context: context, field: "latent")
        try reader.finish()
        try self.init(
            stepIndex: header.stepIndex,
            latent: SparseEncryptedTensor(shape: header.shape, indices: indices, valuesPerCiphertext: valuesPerCiphertext, ciphertexts: ciphertexts),
            remainder: remainder)
    }
}
