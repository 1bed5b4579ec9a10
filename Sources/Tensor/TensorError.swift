/// The one error type of the `Tensor` module: an operand whose shape or an argument whose value
/// does not fit the operation. Every case names the operation and says what was expected and
/// what was found, so a caller (or a model loader mapping checkpoint names) can report it as is.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// `operand` has shape `found`, but `operation` needs `expected` (a pattern such as
    /// `[N, 320, H, W]`, with letters for free extents).
    case shapeMismatch(operation: String, operand: String, expected: String, found: [Int])
    /// A shape that cannot exist or cannot be used by `operation` (negative extent, empty where
    /// elements are needed, indivisible extent).
    case invalidShape(operation: String, shape: [Int], reason: String)
    /// `Tensor(shape:scalars:)` received a number of scalars other than the product of the shape.
    case scalarCountMismatch(shape: [Int], scalarCount: Int)
    /// An argument other than a tensor (axis, stride, group count, …) is out of its valid range.
    case invalidArgument(operation: String, message: String)

    /// A one-line message stating the operation, the expectation and what was found.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, operand, expected, found):
            return "\(operation): \(operand) has shape \(found), expected \(expected)"
        case let .invalidShape(operation, shape, reason):
            return "\(operation): invalid shape \(shape): \(reason)"
        case let .scalarCountMismatch(shape, scalarCount):
            return "Tensor.init: shape \(shape) holds \(shape.reduce(1, *)) elements but \(scalarCount) scalars were given"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        }
    }
}
