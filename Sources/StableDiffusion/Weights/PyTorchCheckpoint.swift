import Foundation

/// A PyTorch checkpoint written by `torch.save` (`.ckpt`, `.pt`, `.bin`), memory-mapped: a zip
/// holding `<root>/data.pkl` (the pickled state dict) and one `<root>/data/<key>` entry of raw
/// little-endian elements per storage.
///
/// The pickle is read by `RestrictedUnpickler`, which executes nothing and refuses every global
/// a state dict does not need. The state dict is the top-level dict, or its `state_dict` entry
/// (Lightning and the original Stable Diffusion checkpoints); every string-keyed tensor in it is
/// available by name. Tensors are bounds-checked against their storage and converted to float32
/// only when asked for.
public struct PyTorchCheckpoint: TensorArchive {
    public let path: String
    private let file: MappedFile
    private let tensors: [String: Located]

    /// A tensor and where its storage's bytes are in the file.
    private struct Located {
        var tensor: TorchTensor
        var storageBytes: Range<Int>
    }

    /// The most pickle bytes read (an SD v1 state dict's pickle is about 100 kB).
    static let maximumPickleByteCount = 256 << 20

    /// Opens and validates the checkpoint at `url`.
    ///
    /// - Throws: `SafeTensorsError.unreadable` when the file cannot be mapped,
    ///   `CheckpointError` when it is not a torch zip checkpoint, its pickle is malformed or
    ///   references a refused global, or a tensor points outside its storage.
    public init(contentsOf url: URL) throws {
        path = url.path
        file = try MappedFile(path: url.path)
        let archive = try ZipArchive(bytes: file.bytes, path: path)
        let pickles = archive.entries.keys.filter { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }.sorted()
        guard let pickleName = pickles.first else {
            let legacy = file.bytes.count >= 2 && file.bytes[0] == 0x80
            throw CheckpointError.invalidArchive(
                file: path,
                reason: legacy ? "this is the legacy (pre-1.6) torch.save format; re-save it with a current torch"
                    : "the zip holds no data.pkl (not written by torch.save)")
        }
        let root = String(pickleName.dropLast("data.pkl".count))
        if let order = archive.entries[root + "byteorder"],
           String(decoding: UnsafeRawBufferPointer(rebasing: file.bytes[order.dataRange]), as: UTF8.self) != "little" {
            throw CheckpointError.invalidArchive(file: path, reason: "big-endian checkpoints are not supported")
        }
        let pickleRange = archive.entries[pickleName]!.dataRange
        guard pickleRange.count <= Self.maximumPickleByteCount else {
            throw CheckpointError.invalidPickle(file: path, reason: "a \(pickleRange.count)-byte pickle is larger than any state dict's")
        }
        var unpickler = RestrictedUnpickler(bytes: UnsafeRawBufferPointer(rebasing: file.bytes[pickleRange]), path: path)
        let top = try unpickler.load()
        var located: [String: Located] = [:]
        for (name, tensor) in try Self.stateDict(top, in: unpickler, path: path) {
            guard let entry = archive.entries[root + "data/" + tensor.storage.key] else {
                throw CheckpointError.invalidTensor(file: path, tensor: name, reason: "its storage \(tensor.storage.key) is not in the archive")
            }
            try Self.check(tensor, name: name, storageByteCount: entry.dataRange.count, path: path)
            located[name] = Located(tensor: tensor, storageBytes: entry.dataRange)
        }
        tensors = located
    }

    /// Tensor names in lexicographic order.
    public var names: [String] { tensors.keys.sorted() }

    public func shape(of name: String) -> [Int]? { tensors[name]?.tensor.shape }

    public func floats(named name: String) throws -> [Float] {
        guard let located = tensors[name] else { throw SafeTensorsError.missingTensor(file: path, tensor: name) }
        let tensor = located.tensor
        let size = tensor.storage.dtype.byteCount
        let storage = UnsafeRawBufferPointer(rebasing: file.bytes[located.storageBytes])
        let count = tensor.shape.reduce(1, *)
        guard count > 0 else { return [] }
        let values: [Float]?
        if tensor.strides == Self.contiguousStrides(tensor.shape) || count == 1 {
            let start = tensor.offset * size
            values = tensor.storage.dtype.floats(fromLittleEndian: UnsafeRawBufferPointer(rebasing: storage[start..<(start + count * size)]))
        } else {
            // A strided view: gather its elements in row-major order, then convert.
            var gathered = [UInt8](repeating: 0, count: count * size)
            var index = [Int](repeating: 0, count: tensor.shape.count)
            for element in 0..<count {
                let offset = tensor.offset + zip(index, tensor.strides).reduce(0) { $0 + $1.0 * $1.1 }
                for byte in 0..<size { gathered[element * size + byte] = storage[offset * size + byte] }
                var axis = index.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < tensor.shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
            values = gathered.withUnsafeBytes { tensor.storage.dtype.floats(fromLittleEndian: $0) }
        }
        guard let values else {
            throw SafeTensorsError.unsupportedDType(file: path, tensor: name, dtype: tensor.storage.dtype.rawValue)
        }
        return values
    }

    // MARK: Validation

    /// The string-keyed tensors of the state dict: the top-level dict, or its `state_dict` entry.
    private static func stateDict(_ top: PickleValue, in unpickler: RestrictedUnpickler, path: String) throws -> [(String, TorchTensor)] {
        guard case let .dict(index) = top else {
            throw CheckpointError.invalidPickle(file: path, reason: "the checkpoint is not a dict of tensors")
        }
        var entries = unpickler.entries(ofDict: index)
        if let nested = entries.first(where: { if case .string("state_dict") = $0.key { return true } else { return false } }),
           case let .dict(inner) = nested.value {
            entries = unpickler.entries(ofDict: inner)
        }
        let tensors: [(String, TorchTensor)] = entries.compactMap { key, value in
            guard case let .string(name) = key, case let .tensor(tensor) = value else { return nil }
            return (name, tensor)
        }
        guard !tensors.isEmpty else { throw CheckpointError.invalidPickle(file: path, reason: "the state dict holds no tensors") }
        return tensors
    }

    /// Checks that every element the view can reach lies inside its storage, and the storage
    /// inside its zip entry, without overflowing.
    private static func check(_ tensor: TorchTensor, name: String, storageByteCount: Int, path: String) throws {
        func fail(_ reason: String) -> CheckpointError { .invalidTensor(file: path, tensor: name, reason: reason) }
        let storage = tensor.storage
        let (storageBytes, overflow) = storage.elementCount.multipliedReportingOverflow(by: storage.dtype.byteCount)
        guard !overflow, storageBytes <= storageByteCount else { throw fail("its storage is larger than the archive entry holding it") }
        var count = 1
        var lastOffset = tensor.offset
        for (extent, stride) in zip(tensor.shape, tensor.strides) {
            let (product, countOverflow) = count.multipliedReportingOverflow(by: extent)
            guard !countOverflow else { throw fail("its shape \(tensor.shape) overflows") }
            count = product
            guard extent > 0 else { continue }
            let (reach, reachOverflow) = (extent - 1).multipliedReportingOverflow(by: stride)
            let (sum, sumOverflow) = lastOffset.addingReportingOverflow(reach)
            guard !reachOverflow, !sumOverflow else { throw fail("its strides overflow") }
            lastOffset = sum
        }
        guard count == 0 || lastOffset < storage.elementCount else {
            throw fail("shape \(tensor.shape) with strides \(tensor.strides) at offset \(tensor.offset) reaches past its storage of \(storage.elementCount) elements")
        }
    }

    private static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        return strides
    }
}
