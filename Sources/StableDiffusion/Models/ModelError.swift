/// Why a model cannot be built from its config or cannot run on an input. Weight-file problems
/// (a missing or mis-shaped tensor) are `SafeTensorsError`s naming the file, the tensor, the
/// expected and the found shape.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// The config asks for a block this library does not implement.
    case unsupportedBlockType(model: String, key: String, found: String, supported: [String])
    /// A config value outside what the implemented architecture can use.
    case unsupportedConfiguration(model: String, key: String, value: String, reason: String)
    /// An input tensor or token sequence the model cannot take.
    case invalidInput(model: String, input: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .unsupportedBlockType(model, key, found, supported):
            return "\(model): \(key) contains \(found), which is not supported; supported block types: "
                + supported.joined(separator: ", ")
        case let .unsupportedConfiguration(model, key, value, reason):
            return "\(model): \(key) = \(value) is not supported: \(reason)"
        case let .invalidInput(model, input, expected, found):
            return "\(model): \(input) is \(found), expected \(expected)"
        }
    }
}
