/// Why a safetensors file could not be read or written. Every case names the file (and the
/// tensor, where there is one) so that the message alone tells the user what to fix.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped; `reason` is the system's explanation.
    case unreadable(file: String, reason: String)
    /// The 8-byte header length or the JSON header itself is malformed.
    case invalidHeader(file: String, reason: String)
    /// One tensor's entry in the header is inconsistent (dtype, shape, offsets, overlap).
    case invalidTensor(file: String, tensor: String, reason: String)
    /// The file has no tensor of this name.
    case missingTensor(file: String, tensor: String)
    /// The tensor exists but its shape is not the one the model expects.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// The tensor's element type cannot be converted to float32 (only F32, F16, BF16 and F64 can).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// Writing failed; nothing was left at the destination.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "cannot read safetensors file \(file): \(reason)"
        case let .invalidHeader(file, reason):
            return "\(file) is not a valid safetensors file: \(reason)"
        case let .invalidTensor(file, tensor, reason):
            return "\(file): tensor \"\(tensor)\" is invalid: \(reason)"
        case let .missingTensor(file, tensor):
            return "\(file) has no tensor named \"\(tensor)\"; is this the right model folder and component?"
        case let .shapeMismatch(file, tensor, expected, found):
            return "\(file): tensor \"\(tensor)\" has shape \(found), expected \(expected); the weights do not match the model's config"
        case let .unsupportedDType(file, tensor, dtype):
            return "\(file): tensor \"\(tensor)\" has dtype \(dtype); only F32, F16, BF16 and F64 weights can be loaded"
        case let .unwritable(file, reason):
            return "cannot write safetensors file \(file): \(reason)"
        }
    }
}
