import Foundation
import StableDiffusion

/// Writes named float32 tensors as a safetensors file (F32, F16 or BF16 on disk).
///
/// Test support: the tests write inputs with known contents (and the reader's round trips) with
/// it; the libraries only read safetensors. The file is written to a temporary name and renamed
/// into place, so a failure never leaves a partial file behind.
public struct SafeTensorsWriter {
    /// One tensor to write: its shape and row-major float32 elements.
    public struct Entry: Sendable {
        public var shape: [Int]
        public var scalars: [Float]
        public init(shape: [Int], scalars: [Float]) {
            self.shape = shape
            self.scalars = scalars
        }
    }

    /// The element type used on disk for every tensor (float32 values are rounded to nearest even).
    public var dtype: SafeTensorsDType
    /// Written as the header's `__metadata__` when non-empty.
    public var metadata: [String: String]

    /// - Throws: `SafeTensorsError.unsupportedDType` unless `dtype` is F32, F16 or BF16.
    public init(dtype: SafeTensorsDType = .float32, metadata: [String: String] = [:]) throws {
        guard [.float32, .float16, .bfloat16].contains(dtype) else {
            throw SafeTensorsError.unsupportedDType(file: "(writer)", tensor: "*", dtype: dtype.rawValue)
        }
        self.dtype = dtype
        self.metadata = metadata
    }

    /// The complete file contents: tensors laid out in name order.
    ///
    /// - Throws: `.invalidTensor` when an entry's scalar count is not the product of its shape.
    public func encode(_ entries: [String: Entry]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data()
        for name in entries.keys.sorted() {
            let entry = entries[name]!
            guard entry.shape.allSatisfy({ $0 >= 0 }), entry.shape.reduce(1, *) == entry.scalars.count else {
                throw SafeTensorsError.invalidTensor(
                    file: "(writer)", tensor: name,
                    reason: "shape \(entry.shape) does not hold \(entry.scalars.count) scalars")
            }
            let begin = body.count
            append(entry.scalars, to: &body)
            header[name] = ["dtype": dtype.rawValue, "shape": entry.shape, "data_offsets": [begin, body.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
        json.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(body)
        return file
    }

    /// Writes `entries` to `url` atomically.
    ///
    /// - Throws: `.unwritable` naming the file when it cannot be written.
    public func write(_ entries: [String: Entry], to url: URL) throws {
        let data = try encode(entries)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw SafeTensorsError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    private func append(_ scalars: [Float], to body: inout Data) {
        switch dtype {
        case .float16:
            for value in scalars { appendLittleEndian(float16Bits(value), to: &body) }
        case .bfloat16:
            for value in scalars { appendLittleEndian(bfloat16Bits(value), to: &body) }
        default:
            for value in scalars { appendLittleEndian(value.bitPattern, to: &body) }
        }
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
}

/// float32 → bfloat16 bits, rounding to nearest even; NaN stays NaN.
private func bfloat16Bits(_ value: Float) -> UInt16 {
    if value.isNaN { return 0x7FC0 | UInt16(value.bitPattern >> 16 & 0x8000) }
    let bits = value.bitPattern
    let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
    return UInt16(rounded >> 16)
}

/// float32 → IEEE binary16 bits, rounding to nearest even (overflow to infinity, subnormals kept).
private func float16Bits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16((bits >> 16) & 0x8000)
    if value.isNaN { return sign | 0x7E00 }
    let magnitude = abs(value)
    if magnitude >= 65520 { return sign | 0x7C00 }
    if magnitude < 0x1p-14 {
        // Subnormal range: units of 2^-24, rounded half to even by Float's own rounding.
        let units = (magnitude * 0x1p24).rounded(.toNearestOrEven)
        return sign | UInt16(units)
    }
    let exponent = Int((bits >> 23) & 0xFF) - 127 + 15
    var mantissa = bits & 0x7F_FFFF
    let remainder = mantissa & 0x1FFF
    mantissa >>= 13
    var half = UInt32(exponent) << 10 | mantissa
    if remainder > 0x1000 || (remainder == 0x1000 && (mantissa & 1) == 1) { half += 1 }
    return sign | UInt16(half)
}
