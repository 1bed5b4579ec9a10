import Foundation
import RingArithmetic

/// Appends little-endian fields and bit-packed residues to a byte buffer.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init() {}

    /// A writer whose buffer never grows past `capacity` bytes by reallocation — for secret
    /// material, which a reallocation would leave behind in freed memory.
    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes `append(_ polynomial:)` writes for `polynomial`.
    static func byteCount(of polynomial: RNSPolynomial<Evaluation>) -> Int {
        1 + polynomial.basis.moduli.reduce(0) { $0 + (polynomial.degree * $1.bitWidth + 7) / 8 }
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Double) { append(value.bitPattern) }

    mutating func append(raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Every limb's residues packed at the bit width of its prime: the information-theoretic
    /// minimum for uniform residues, rounded up to whole bytes per limb.
    mutating func append(_ polynomial: RNSPolynomial<Evaluation>) {
        append(UInt8(polynomial.limbCount))
        let n = polynomial.degree
        for (i, q) in polynomial.basis.moduli.enumerated() {
            let width = q.bitWidth
            let byteCount = (n * width + 7) / 8
            let start = bytes.count
            // Whole 64-bit words are stored as they fill; the tail of the last one byte by byte.
            bytes.append(contentsOf: repeatElement(0, count: byteCount))
            bytes.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress! + start
                var accumulator: UInt64 = 0
                var pending = 0
                var written = 0
                polynomial.data.withUnsafeBufferPointer { data in
                    for value in data[(i * n)..<((i + 1) * n)] {
                        accumulator |= value << UInt64(pending)
                        let fitted = 64 - pending
                        pending += width
                        if pending >= 64 {
                            (base + written).storeBytes(of: accumulator.littleEndian, as: UInt64.self)
                            written += 8
                            pending -= 64
                            accumulator = pending > 0 ? value >> UInt64(fitted) : 0
                        }
                    }
                }
                while written < byteCount {
                    base.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), toByteOffset: written, as: UInt8.self)
                    accumulator >>= 8
                    written += 1
                }
            }
        }
    }
}

/// Reads what `ByteWriter` wrote — and the little-endian fields of formats built on these objects —
/// checking every bound; any violation throws `CKKSError.deserialization` naming the field, and
/// nothing is read out of bounds.
public struct ByteReader {
    private let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - offset }

    /// A little-endian integer.
    public mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(CKKSError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .deserialization("truncated at \(field)") }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    mutating func readDouble(_ field: String) throws(CKKSError) -> Double {
        Double(bitPattern: try read(UInt64.self, field))
    }

    /// The next `count` bytes.
    public mutating func readRaw(_ count: Int, _ field: String) throws(CKKSError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw .deserialization("truncated at \(field)") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// A polynomial over exactly `basis`, in evaluation form (the only form the formats carry);
    /// every residue must be below its prime.
    mutating func readPolynomial(basis: RNSBasis, _ field: String) throws(CKKSError) -> RNSPolynomial<Evaluation> {
        let limbs = Int(try read(UInt8.self, "\(field) limb count"))
        guard limbs == basis.count else {
            throw .deserialization("\(field) has \(limbs) limbs, expected \(basis.count)")
        }
        let n = basis.degree
        var data = [UInt64](repeating: 0, count: limbs * n)
        for (i, q) in basis.moduli.enumerated() {
            let width = q.bitWidth
            let byteCount = (n * width + 7) / 8
            guard remaining >= byteCount else { throw .deserialization("truncated in \(field) limb \(i)") }
            let mask: UInt64 = (1 << UInt64(width)) - 1
            // Residues are at most 61 bits: each one lies within the 9 bytes starting at its
            // first byte — one unaligned 64-bit load plus, when it straddles, one more byte.
            let limbStart = offset
            let badCoefficient: Int? = bytes.withUnsafeBytes { raw -> Int? in
                data.withUnsafeMutableBufferPointer { out -> Int? in
                    let base = raw.baseAddress! + limbStart
                    for j in 0..<n {
                        let bit = j * width
                        let first = bit >> 3
                        let shift = UInt64(bit & 7)
                        var word: UInt64 = 0
                        if first + 8 <= byteCount {
                            word = UInt64(littleEndian: (base + first).loadUnaligned(as: UInt64.self))
                        } else {
                            for k in 0..<(byteCount - first) { word |= UInt64(base.load(fromByteOffset: first + k, as: UInt8.self)) << UInt64(8 * k) }
                        }
                        var value = word >> shift
                        if shift > 0, first + 8 < byteCount {
                            value |= UInt64(base.load(fromByteOffset: first + 8, as: UInt8.self)) << (64 - shift)
                        }
                        value &= mask
                        if value >= q.value { return j }
                        out[i * n + j] = value
                    }
                    return nil
                }
            }
            if let j = badCoefficient {
                throw .deserialization("\(field) limb \(i) coefficient \(j) is not below its modulus")
            }
            let usedBits = n * width
            if usedBits % 8 != 0 {
                let last = UInt64(bytes[offset + byteCount - 1])
                guard last >> UInt64(usedBits % 8) == 0 else { throw .deserialization("\(field) limb \(i) has nonzero padding bits") }
            }
            offset += byteCount
        }
        return RNSPolynomial<Evaluation>(basis: basis, data: data)
    }

    func expectEnd() throws(CKKSError) {
        guard remaining == 0 else { throw .deserialization("\(remaining) unexpected trailing bytes") }
    }
}
