/// Why a PyTorch checkpoint (`.ckpt`, `.pt`, `.bin`: a zip holding a pickle) cannot be read.
/// Every case names the file; nothing in a checkpoint is ever executed.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The zip container is malformed or uses a feature torch never writes.
    case invalidArchive(file: String, reason: String)
    /// The pickle program is malformed, truncated, or builds something other than a state dict.
    case invalidPickle(file: String, reason: String)
    /// The pickle names a Python global outside the few a tensor state dict needs. Loading
    /// stops there: a checkpoint that imports `os.system` or any other callable is refused.
    case refusedGlobal(file: String, global: String)
    /// A tensor points outside its storage, or its storage outside the archive.
    case invalidTensor(file: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidArchive(file, reason):
            return "\(file) is not a readable PyTorch checkpoint: \(reason)"
        case let .invalidPickle(file, reason):
            return "\(file): the checkpoint's pickle is invalid: \(reason)"
        case let .refusedGlobal(file, global):
            return "\(file): refused to load the checkpoint: its pickle references \(global), which a tensor state dict never needs (nothing was executed); convert it to .safetensors with a tool you trust"
        case let .invalidTensor(file, tensor, reason):
            return "\(file): tensor \"\(tensor)\" is invalid: \(reason)"
        }
    }
}
