import ObliviousTransfer
import SecretSharing

/// Errors of the `TwoPartyCompute` module. Messages name sizes and parameters, never shares or inputs.
public enum TwoPartyComputeError: Error, Equatable, CustomStringConvertible {
    /// Two inputs of one call had different lengths.
    case lengthMismatch(expected: Int, found: Int)
    /// A bit count outside what the protocol supports (comparison width, truncation shift, table index).
    case invalidBitCount(name: String, value: Int, allowed: ClosedRange<Int>)
    /// A private comparison input with bits above the declared width (which value is not reported).
    case inputTooWide(bitCount: Int)
    /// A boolean share that is neither 0 nor 1.
    case notABit
    /// A target ring that is not wider than the source ring.
    case ringNotWider(source: Int, target: Int)
    /// A lookup table of the wrong size.
    case tableSize(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .lengthMismatch(let expected, let found):
            return "share vectors differ in length: expected \(expected), found \(found)"
        case .invalidBitCount(let name, let value, let allowed):
            return "\(name) = \(value) is outside \(allowed.lowerBound)...\(allowed.upperBound)"
        case .inputTooWide(let bits):
            return "a comparison input does not fit in \(bits) bits"
        case .notABit:
            return "boolean shares must be 0 or 1"
        case .ringNotWider(let source, let target):
            return "ring extension needs a wider target: \(source) bits → \(target) bits"
        case .tableSize(let expected, let found):
            return "lookup table has \(found) entries; a \(expected)-entry table matches the index width"
        }
    }
}
