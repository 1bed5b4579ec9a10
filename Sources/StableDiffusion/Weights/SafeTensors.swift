import Foundation
import Tensor

/// A safetensors file, memory-mapped and validated when opened.
///
/// Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N,
/// N bytes of JSON mapping tensor names to `{dtype, shape, data_offsets}` (plus an optional
/// `__metadata__` string map), then the data buffer. Opening checks everything the header
/// promises, so later reads cannot run off the file; tensors are converted to float32 only when
/// asked for.
public struct SafeTensors: Sendable {
    /// Where a tensor lives in the data buffer and how to read it.
    public struct TensorInfo: Sendable, Equatable {
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        /// Byte range within the data buffer (after the header), as `data_offsets` says.
        public let byteRange: Range<Int>
    }

    /// The file this was read from, used in every error message.
    public let path: String
    /// Tensors by name, as stored.
    public let tensors: [String: TensorInfo]
    /// The header's `__metadata__` map (empty when absent).
    public let metadata: [String: String]

    private let file: MappedFile
    private let dataStart: Int

    /// The largest header the format allows (the reference implementation's limit).
    static let maximumHeaderByteCount = 100_000_000

    /// Opens and validates the safetensors file at `url`.
    ///
    /// - Throws: `SafeTensorsError.unreadable` when the file cannot be mapped,
    ///   `.invalidHeader` or `.invalidTensor` when the header is inconsistent with itself or the file.
    public init(contentsOf url: URL) throws {
        path = url.path
        file = try MappedFile(path: url.path)
        let header = try SafeTensors.parseHeader(file.bytes, path: url.path)
        tensors = header.tensors
        metadata = header.metadata
        dataStart = header.dataStart
    }

    /// Tensor names in lexicographic order.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor's elements converted to float32, in row-major order.
    ///
    /// - Throws: `.missingTensor` if absent, `.unsupportedDType` for non-float element types.
    public func floats(named name: String) throws -> [Float] {
        guard let info = tensors[name] else {
            throw SafeTensorsError.missingTensor(file: path, tensor: name)
        }
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[(dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)])
        guard let values = info.dtype.floats(fromLittleEndian: raw) else {
            throw SafeTensorsError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
        return values
    }

    /// The named tensor as float32.
    public func tensor(named name: String) throws -> Tensor {
        guard let info = tensors[name] else {
            throw SafeTensorsError.missingTensor(file: path, tensor: name)
        }
        return try Tensor(shape: info.shape, scalars: floats(named: name))
    }

    /// The named tensor as float32, checked against the shape the model expects.
    ///
    /// - Throws: `.shapeMismatch` naming the tensor, the expected and the stored shape.
    public func tensor(named name: String, shape expected: [Int]) throws -> Tensor {
        guard let info = tensors[name] else {
            throw SafeTensorsError.missingTensor(file: path, tensor: name)
        }
        guard info.shape == expected else {
            throw SafeTensorsError.shapeMismatch(file: path, tensor: name, expected: expected, found: info.shape)
        }
        return try tensor(named: name)
    }
}

extension Float {
    /// Exact conversion from IEEE binary16 bits (subnormals, infinities and NaN included),
    /// written out so that it works on every platform, with or without a native `Float16`.
    init(float16Bits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2^-24, exact in float32.
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign == 0 ? magnitude : -magnitude
        case 0x1F:
            self = Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }
}
