/// A value built by `RestrictedUnpickler`: the plain data of a pickle plus the torch objects a
/// state dict is made of. Lists and dicts live in the unpickler's arena and are referred to by
/// index, so a pickle that puts a list inside itself builds no reference cycle.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes(Int)
    case tuple([PickleValue])
    /// A list in the arena.
    case list(Int)
    /// A dict in the arena (key order kept).
    case dict(Int)
    /// A Python global from the allow-list, by its dotted name; it is never called.
    case global(String)
    /// A storage: a zip entry of raw little-endian elements.
    case storage(TorchStorage)
    /// A view of a storage.
    case tensor(TorchTensor)
}

/// One `torch.*Storage` of the checkpoint: the elements in `data/<key>` of the archive.
struct TorchStorage {
    var dtype: SafeTensorsDType
    var key: String
    var elementCount: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
struct TorchTensor {
    var storage: TorchStorage
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}
