/// Why a model cannot run on an input. Config problems are `ModelConfigurationError`s
/// (`SDv1Support`); weight-file problems (a missing or mis-shaped tensor) are `SafeTensorsError`s
/// naming the file, the tensor, the expected and the found shape.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// An input tensor or token sequence the model cannot take.
    case invalidInput(model: String, input: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .invalidInput(model, input, expected, found):
            return "\(model): \(input) is \(found), expected \(expected)"
        }
    }
}
