import Foundation
import RingArithmetic

/// The kinds of serialized objects; the byte after the format version.
public enum SerializedObjectKind: UInt8, Sendable {
    case parameters = 1
    case secretKey = 2
    case publicKey = 3
    case relinearizationKey = 4
    case galoisKeys = 5
    case plaintext = 6
    case ciphertext = 7
    case seededCiphertext = 8
}

/// The common header of every serialized object (docs/FORMATS.md):
/// magic "HECK", format version (u16), object kind (u8), parameter fingerprint (8 bytes).
enum SerializationHeader {
    static let magic: [UInt8] = Array("HECK".utf8)
    static let version: UInt16 = 1
    /// Magic, version, kind and fingerprint.
    static let byteCount = 4 + 2 + 1 + 8

    static func write(_ kind: SerializedObjectKind, fingerprint: [UInt8], to writer: inout ByteWriter) {
        writer.append(raw: magic)
        writer.append(version)
        writer.append(kind.rawValue)
        writer.append(raw: fingerprint)
    }

    /// Reads and checks the header; returns the kind found.
    static func read(from reader: inout ByteReader, fingerprint: [UInt8]?, expecting kinds: Set<SerializedObjectKind>) throws(CKKSError) -> SerializedObjectKind {
        guard try reader.readRaw(4, "magic") == magic else { throw .deserialization("bad magic: not a HEDiffusion CKKS object") }
        let found = try reader.read(UInt16.self, "format version")
        guard found == version else { throw .deserialization("unsupported format version \(found) (this build reads \(version))") }
        let rawKind = try reader.read(UInt8.self, "object kind")
        guard let kind = SerializedObjectKind(rawValue: rawKind), kinds.contains(kind) else {
            throw .deserialization("object kind \(rawKind) is not the expected \(kinds.map(\.rawValue).sorted())")
        }
        let stored = try reader.readRaw(8, "parameter fingerprint")
        if let fingerprint, stored != fingerprint {
            throw .deserialization("parameter fingerprint does not match this context: the object was made with other parameters")
        }
        return kind
    }
}

extension CKKSContext {
    func checkedLevel(_ raw: UInt8) throws(CKKSError) -> Int {
        let level = Int(raw)
        guard level <= maxLevel else { throw .deserialization("level \(level) exceeds the maximum \(maxLevel)") }
        return level
    }

    func checkedScale(_ scale: Double, _ field: String) throws(CKKSError) -> Double {
        guard scale.isFinite, scale >= 1, scale < 0x1p1000 else { throw .deserialization("\(field) \(scale) is not a valid scale") }
        return scale
    }
}

// MARK: - Parameters

extension CKKSParameters {
    /// Header + N (u32), prime count (u8), bit sizes (u8 each), primes (u64 each), scale (f64).
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        SerializationHeader.write(.parameters, fingerprint: fingerprint, to: &writer)
        writer.append(UInt32(polyDegree))
        writer.append(UInt8(coefficientModulusBits.count))
        for bits in coefficientModulusBits { writer.append(UInt8(bits)) }
        for q in coefficientModuli { writer.append(q) }
        writer.append(scale)
        return writer.bytes
    }

    /// Reads parameters; the primes are regenerated from the bit sizes and must match, and the set
    /// must be 128-bit secure.
    public init(deserializing bytes: [UInt8]) throws(CKKSError) {
        try self.init(deserializing: bytes, allowInsecure: false)
    }

    /// Reads parameters, also below 128-bit security when `allowInsecure` is set. For tests only:
    /// reachable through `@_spi(Testing) import CKKS`.
    @_spi(Testing)
    public init(deserializing bytes: [UInt8], allowInsecure: Bool) throws(CKKSError) {
        var reader = ByteReader(bytes)
        _ = try SerializationHeader.read(from: &reader, fingerprint: nil, expecting: [.parameters])
        let storedFingerprint = Array(bytes[7..<15])
        let n = Int(try reader.read(UInt32.self, "ring degree"))
        let count = Int(try reader.read(UInt8.self, "prime count"))
        guard count >= 2, count <= 64 else { throw .deserialization("prime count \(count) outside 2...64") }
        var bits: [Int] = []
        for _ in 0..<count { bits.append(Int(try reader.read(UInt8.self, "prime bit size"))) }
        var primes: [UInt64] = []
        for _ in 0..<count { primes.append(try reader.read(UInt64.self, "prime")) }
        let scale = try reader.readDouble("scale")
        try reader.expectEnd()
        let parameters: CKKSParameters
        do {
            parameters = allowInsecure
                ? try CKKSParameters.insecureForTests(polyDegree: n, coefficientModulusBits: bits, scale: scale)
                : try CKKSParameters(polyDegree: n, coefficientModulusBits: bits, scale: scale)
        } catch {
            throw .deserialization("parameters rejected: \(error.description)")
        }
        guard parameters.coefficientModuli == primes else {
            throw .deserialization("stored primes differ from those generated for these bit sizes")
        }
        guard parameters.fingerprint == storedFingerprint else {
            throw .deserialization("parameter fingerprint does not match the parameters")
        }
        self = parameters
    }
}

// MARK: - Plaintexts and ciphertexts

extension Plaintext {
    /// Header + level (u8), scale (f64), polynomial.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        SerializationHeader.write(.plaintext, fingerprint: context.fingerprint, to: &writer)
        writer.append(UInt8(level))
        writer.append(scale)
        writer.append(polynomial)
        return writer.bytes
    }

    public init(deserializing bytes: [UInt8], context: CKKSContext) throws(CKKSError) {
        var reader = ByteReader(bytes)
        _ = try SerializationHeader.read(from: &reader, fingerprint: context.fingerprint, expecting: [.plaintext])
        let level = try context.checkedLevel(try reader.read(UInt8.self, "level"))
        let scale = try context.checkedScale(try reader.readDouble("scale"), "scale")
        let polynomial = try reader.readPolynomial(basis: context.basis(atLevel: level), "plaintext")
        try reader.expectEnd()
        self.init(context: context, polynomial: polynomial, scale: scale)
    }
}

extension Ciphertext {
    /// Header + level (u8), scale (f64), noise estimate (f64), then either the seed (32 bytes) and
    /// c_0 for a fresh symmetric ciphertext, or the polynomial count (u8) and the polynomials.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        SerializationHeader.write(seed == nil ? .ciphertext : .seededCiphertext, fingerprint: context.fingerprint, to: &writer)
        writer.append(UInt8(level))
        writer.append(scale)
        writer.append(noiseEstimate)
        if let seed {
            writer.append(raw: seed.bytes)
            writer.append(polynomials[0])
        } else {
            writer.append(UInt8(size))
            for polynomial in polynomials { writer.append(polynomial) }
        }
        return writer.bytes
    }

    public init(deserializing bytes: [UInt8], context: CKKSContext) throws(CKKSError) {
        var reader = ByteReader(bytes)
        let kind = try SerializationHeader.read(from: &reader, fingerprint: context.fingerprint, expecting: [.ciphertext, .seededCiphertext])
        let level = try context.checkedLevel(try reader.read(UInt8.self, "level"))
        let scale = try context.checkedScale(try reader.readDouble("scale"), "scale")
        let noise = try reader.readDouble("noise estimate")
        guard noise.isFinite, noise >= 0 else { throw .deserialization("noise estimate \(noise) is invalid") }
        let basis = context.basis(atLevel: level)
        if kind == .seededCiphertext {
            let seed = RandomSeed(bytes: try reader.readRaw(RandomSeed.byteCount, "seed"))!
            let c0 = try reader.readPolynomial(basis: basis, "c0")
            try reader.expectEnd()
            let c1 = Encryptor.expandUniform(seed: seed, basis: basis)
            self.init(context: context, polynomials: [c0, c1], scale: scale, seed: seed, noiseEstimate: noise)
        } else {
            let size = Int(try reader.read(UInt8.self, "polynomial count"))
            guard size == 2 || size == 3 else { throw .deserialization("ciphertext has \(size) polynomials, expected 2 or 3") }
            var polynomials: [RNSPolynomial<Evaluation>] = []
            for i in 0..<size { polynomials.append(try reader.readPolynomial(basis: basis, "c\(i)")) }
            try reader.expectEnd()
            self.init(context: context, polynomials: polynomials, scale: scale, noiseEstimate: noise)
        }
    }
}

// MARK: - Keys

extension SecretKey {
    /// Header + s over every prime. Secret material: store it encrypted at rest, and wipe the
    /// returned bytes when done (RingArithmetic's `SecureZero.zero(&bytes, …)`). They are written into a buffer of
    /// their final size, so no partial copy is left behind in freed memory.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: SerializationHeader.byteCount + ByteWriter.byteCount(of: polynomial))
        SerializationHeader.write(.secretKey, fingerprint: context.fingerprint, to: &writer)
        writer.append(polynomial)
        return writer.bytes
    }

    public convenience init(deserializing bytes: [UInt8], context: CKKSContext) throws(CKKSError) {
        var reader = ByteReader(bytes)
        _ = try SerializationHeader.read(from: &reader, fingerprint: context.fingerprint, expecting: [.secretKey])
        let polynomial = try reader.readPolynomial(basis: context.keyBasis, "secret key")
        try reader.expectEnd()
        self.init(context: context, polynomial: polynomial)
    }
}

extension PublicKey {
    /// Header + b, a over the data primes.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        SerializationHeader.write(.publicKey, fingerprint: context.fingerprint, to: &writer)
        writer.append(b)
        writer.append(a)
        return writer.bytes
    }

    public init(deserializing bytes: [UInt8], context: CKKSContext) throws(CKKSError) {
        var reader = ByteReader(bytes)
        _ = try SerializationHeader.read(from: &reader, fingerprint: context.fingerprint, expecting: [.publicKey])
        let b = try reader.readPolynomial(basis: context.dataBasis, "public key b")
        let a = try reader.readPolynomial(basis: context.dataBasis, "public key a")
        try reader.expectEnd()
        self.init(context: context, b: b, a: a)
    }
}

extension KeySwitchingKey {
    func write(to writer: inout ByteWriter) {
        writer.append(UInt8(b.count))
        for (bj, aj) in zip(b, a) {
            writer.append(bj)
            writer.append(aj)
        }
    }

    static func read(from reader: inout ByteReader, context: CKKSContext) throws(CKKSError) -> KeySwitchingKey {
        let digits = Int(try reader.read(UInt8.self, "key-switching digit count"))
        guard digits == context.dataBasis.count else {
            throw .deserialization("key-switching key has \(digits) digits, expected \(context.dataBasis.count)")
        }
        var bs: [RNSPolynomial<Evaluation>] = [], as_: [RNSPolynomial<Evaluation>] = []
        for j in 0..<digits {
            bs.append(try reader.readPolynomial(basis: context.keyBasis, "key-switching b\(j)"))
            as_.append(try reader.readPolynomial(basis: context.keyBasis, "key-switching a\(j)"))
        }
        return KeySwitchingKey(context: context, b: bs, a: as_)
    }
}

extension RelinearizationKey {
    /// Header + one key-switching key.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        SerializationHeader.write(.relinearizationKey, fingerprint: key.context.fingerprint, to: &writer)
        key.write(to: &writer)
        return writer.bytes
    }

    public init(deserializing bytes: [UInt8], context: CKKSContext) throws(CKKSError) {
        var reader = ByteReader(bytes)
        _ = try SerializationHeader.read(from: &reader, fingerprint: context.fingerprint, expecting: [.relinearizationKey])
        let key = try KeySwitchingKey.read(from: &reader, context: context)
        try reader.expectEnd()
        self.init(key: key)
    }
}

extension GaloisKeys {
    /// Header + key count (u16), then per key its Galois element (u32) and key-switching key,
    /// in increasing element order.
    public func serialized(context: CKKSContext) -> [UInt8] {
        var writer = ByteWriter()
        SerializationHeader.write(.galoisKeys, fingerprint: context.fingerprint, to: &writer)
        writer.append(UInt16(keys.count))
        for g in elements {
            writer.append(UInt32(g))
            keys[g]!.write(to: &writer)
        }
        return writer.bytes
    }

    public init(deserializing bytes: [UInt8], context: CKKSContext) throws(CKKSError) {
        var reader = ByteReader(bytes)
        _ = try SerializationHeader.read(from: &reader, fingerprint: context.fingerprint, expecting: [.galoisKeys])
        let count = Int(try reader.read(UInt16.self, "Galois key count"))
        var keys: [Int: KeySwitchingKey] = [:]
        var previous = 0
        for _ in 0..<count {
            let g = Int(try reader.read(UInt32.self, "Galois element"))
            guard g & 1 == 1, g > previous, g < 2 * context.parameters.polyDegree else {
                throw .deserialization("Galois element \(g) is not odd, increasing and below 2N")
            }
            previous = g
            keys[g] = try KeySwitchingKey.read(from: &reader, context: context)
        }
        try reader.expectEnd()
        self.init(keys: keys)
    }
}
