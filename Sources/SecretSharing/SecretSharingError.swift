/// Errors of the `SecretSharing` module: ring and encoding parameters, malformed wire data and transport
/// failures. Messages name sizes and parameters, never a share or a secret value.
public enum SecretSharingError: Error, Equatable, CustomStringConvertible {
    /// A ring width ℓ outside 1...64.
    case invalidRingBitWidth(Int)
    /// A fixed-point fraction-bit count that leaves no integer bits in the ring.
    case invalidFractionBits(fractionBits: Int, ringBitWidth: Int)
    /// A real number that is NaN or infinite cannot be encoded.
    case nonFiniteValue
    /// A real number whose scaled magnitude does not fit the ring's signed range.
    case valueOutOfRange(limit: Double)
    /// Two operands of one operation had different lengths.
    case lengthMismatch(expected: Int, found: Int)
    /// Packed data whose byte count does not match the element count and width it should hold.
    case malformedPackedData(expectedBytes: Int, foundBytes: Int)
    /// Packed data whose padding bits are not zero: the peer sent something other than this format.
    case nonZeroPadding
    /// An element width outside 1...64 bits.
    case invalidElementBitWidth(Int)
    /// The peer closed the connection before the expected bytes arrived.
    case peerClosed(expectedBytes: Int, receivedBytes: Int)
    /// No data arrived within the channel's receive timeout.
    case receiveTimedOut(seconds: Double)
    /// A socket call failed; `operation` names it, `code` is errno.
    case socketFailure(operation: String, code: Int32)
    /// A host string that is not a dotted-quad IPv4 address.
    case invalidAddress(String)
    /// The channel was closed locally and cannot be used any more.
    case channelClosed
    /// The other party of a two-thread run failed; its error is reported separately.
    case otherPartyFailed

    public var description: String {
        switch self {
        case .invalidRingBitWidth(let bits):
            return "ring width ℓ = \(bits) is not supported: choose 1...64 bits"
        case .invalidFractionBits(let f, let l):
            return "\(f) fraction bits do not fit a \(l)-bit ring: use 0 ≤ f ≤ ℓ − 2"
        case .nonFiniteValue:
            return "cannot encode NaN or infinity as a fixed-point value"
        case .valueOutOfRange(let limit):
            return "value outside the fixed-point range (|x| < \(limit)); widen the ring or use fewer fraction bits"
        case .lengthMismatch(let expected, let found):
            return "operand lengths differ: expected \(expected) elements, found \(found)"
        case .malformedPackedData(let expected, let found):
            return "packed data has \(found) bytes where \(expected) were expected"
        case .nonZeroPadding:
            return "packed data has non-zero padding bits: the peer is not speaking this format"
        case .invalidElementBitWidth(let bits):
            return "element width \(bits) bits is not supported: choose 1...64"
        case .peerClosed(let expected, let received):
            return "the peer closed the channel after \(received) of \(expected) expected bytes"
        case .receiveTimedOut(let seconds):
            return "no data from the peer within \(seconds) s; is the other party running?"
        case .socketFailure(let operation, let code):
            return "socket \(operation) failed with errno \(code)"
        case .invalidAddress(let host):
            return "'\(host)' is not an IPv4 address such as 127.0.0.1"
        case .channelClosed:
            return "the channel was closed and cannot be used"
        case .otherPartyFailed:
            return "the other party failed; see its error"
        }
    }
}
