import Foundation

extension SafeTensors {
    struct Header {
        var tensors: [String: TensorInfo]
        var metadata: [String: String]
        /// Offset of the data buffer from the start of the file.
        var dataStart: Int
    }

    /// Parses and validates the header against the file's size: known dtypes, non-negative
    /// shapes whose byte size matches the offsets, and offsets that tile the data buffer
    /// exactly (in bounds, no overlap, no gaps), as the reference implementation requires.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Header {
        func headerError(_ reason: String) -> SafeTensorsError {
            .invalidHeader(file: path, reason: reason)
        }
        guard bytes.count >= 8 else {
            throw headerError("the file is \(bytes.count) bytes long, shorter than the 8-byte header length")
        }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(maximumHeaderByteCount), Int(declared) <= bytes.count - 8 else {
            throw headerError("header length \(declared) exceeds the file (\(bytes.count) bytes) or the 100 MB limit")
        }
        let headerCount = Int(declared)
        let headerData = Data(bytes[8..<(8 + headerCount)])
        guard headerData.first == UInt8(ascii: "{") else {
            throw headerError("the header does not start with a JSON object")
        }
        guard let object = try? JSONSerialization.jsonObject(with: headerData),
              let entries = object as? [String: Any]
        else {
            throw headerError("the header is not valid JSON")
        }
        let dataCount = bytes.count - 8 - headerCount
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let map = value as? [String: Any], let strings = map as? [String: String] else {
                    throw headerError("__metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            tensors[name] = try parseEntry(value, name: name, dataCount: dataCount, path: path)
        }
        try checkTiling(tensors, dataCount: dataCount, path: path)
        return Header(tensors: tensors, metadata: metadata, dataStart: 8 + headerCount)
    }

    private static func parseEntry(_ value: Any, name: String, dataCount: Int, path: String) throws -> TensorInfo {
        func tensorError(_ reason: String) -> SafeTensorsError {
            .invalidTensor(file: path, tensor: name, reason: reason)
        }
        guard let entry = value as? [String: Any] else {
            throw tensorError("its header entry is not an object")
        }
        guard let dtypeName = entry["dtype"] as? String else {
            throw tensorError("missing dtype")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw tensorError("unknown dtype \(dtypeName)")
        }
        guard let shapeValues = entry["shape"] as? [Any], let shape = integers(shapeValues),
              shape.allSatisfy({ $0 >= 0 })
        else {
            throw tensorError("shape must be a list of non-negative integers")
        }
        guard let offsetValues = entry["data_offsets"] as? [Any], let offsets = integers(offsetValues),
              offsets.count == 2
        else {
            throw tensorError("data_offsets must be two integers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard 0 <= begin, begin <= end, end <= dataCount else {
            throw tensorError("data_offsets [\(begin), \(end)] fall outside the \(dataCount)-byte data buffer")
        }
        var byteCount = dtype.byteCount
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw tensorError("shape \(shape) is too large") }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw tensorError("shape \(shape) of \(dtypeName) needs \(byteCount) bytes but data_offsets span \(end - begin)")
        }
        return TensorInfo(dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// The tensors' byte ranges must cover the data buffer exactly once.
    private static func checkTiling(_ tensors: [String: TensorInfo], dataCount: Int, path: String) throws {
        var cursor = 0
        for (name, info) in tensors.sorted(by: { ($0.value.byteRange.lowerBound, $0.value.byteRange.upperBound) < ($1.value.byteRange.lowerBound, $1.value.byteRange.upperBound) }) {
            guard info.byteRange.lowerBound == cursor else {
                let reason = info.byteRange.lowerBound < cursor
                    ? "its bytes \(info.byteRange) overlap another tensor's"
                    : "bytes \(cursor)..<\(info.byteRange.lowerBound) before it belong to no tensor"
                throw SafeTensorsError.invalidTensor(file: path, tensor: name, reason: reason)
            }
            cursor = info.byteRange.upperBound
        }
        guard cursor == dataCount else {
            throw SafeTensorsError.invalidHeader(file: path, reason: "the last \(dataCount - cursor) bytes of the data buffer belong to no tensor")
        }
    }

    /// JSON integers as Ints; nil when any value is not an integer (a fraction, a string).
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            guard let integer = value as? Int else { return nil }
            result.append(integer)
        }
        return result
    }
}
