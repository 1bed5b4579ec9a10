/// Errors of the `ObliviousTransfer` module. Messages name counts and parameters, never keys, choice
/// bits or messages. Transport failures arrive as `SecretSharingError`.
public enum ObliviousTransferError: Error, Equatable, CustomStringConvertible {
    /// The peer sent a curve point that does not decode (not on the curve, non-canonical, or of small order).
    case invalidCurvePoint(index: Int)
    /// Two inputs of one call had different lengths.
    case lengthMismatch(expected: Int, found: Int)
    /// A message or correlation width outside what the variant supports.
    case invalidBitWidth(Int)
    /// A 1-out-of-2^k choice outside 0..<2^k (its position is reported, not its value).
    case choiceOutOfRange(index: Int, choiceBitCount: Int)

    public var description: String {
        switch self {
        case .invalidCurvePoint(let index):
            return "base OT: the peer's curve point \(index) is invalid; the peer is not running this protocol"
        case .lengthMismatch(let expected, let found):
            return "OT inputs differ in length: expected \(expected), found \(found)"
        case .invalidBitWidth(let bits):
            return "OT message width \(bits) bits is not supported: choose 1...64"
        case .choiceOutOfRange(let index, let k):
            return "1-out-of-2^\(k) OT: choice \(index) is outside 0..<2^\(k)"
        }
    }
}
