/// Why a model folder or one of its config files cannot be used. Messages name the file and
/// the key, and say what would work instead.
public enum ModelConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A file the folder layout requires is absent.
    case missingFile(path: String, hint: String)
    /// A config file exists but is not the JSON expected (wrong type for a key, not an object).
    case invalidConfig(file: String, reason: String)
    /// The folder holds a model family this library does not run (SD 2.x, SDXL, inpainting, …).
    case unsupportedModel(file: String, reason: String)
    /// A config option outside what the SD v1.x architecture uses.
    case unsupportedOption(file: String, key: String, value: String, hint: String)
    /// Two components' configs contradict each other.
    case inconsistentComponents(reason: String)

    public var description: String {
        switch self {
        case let .missingFile(path, hint):
            return "missing \(path): \(hint)"
        case let .invalidConfig(file, reason):
            return "\(file) is not a valid config: \(reason)"
        case let .unsupportedModel(file, reason):
            return "unsupported model (\(file)): \(reason); only Stable Diffusion v1.x text-to-image checkpoints are supported"
        case let .unsupportedOption(file, key, value, hint):
            return "\(file): \(key) = \(value) is not supported: \(hint)"
        case let .inconsistentComponents(reason):
            return "the model folder's components do not fit together: \(reason)"
        }
    }
}
