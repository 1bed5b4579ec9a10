import CKKS

/// Errors of the HE-Diffusion layer, with messages a user can act on.
public enum HEDiffusionError: Error, Equatable, CustomStringConvertible {
    /// A latent or term whose shape is not the one the operation was set up for.
    case shapeMismatch(expected: [Int], found: [Int])
    /// A latent shape the selector cannot work on (needs [C, H, W] or [B, C, H, W]).
    case unsupportedShape([Int])
    /// A selection threshold outside [0, 1].
    case invalidThreshold(Double)
    /// A malformed or mismatched message between the key holder and the evaluator.
    case malformedMessage(String)
    /// A CKKS operation failed.
    case encryption(CKKSError)
    /// A latent value too large for the parameters' headroom.
    case valueOutOfRange(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let expected, let found): return "shape mismatch: expected \(expected), found \(found)"
        case .unsupportedShape(let shape):
            return "unsupported latent shape \(shape): the selection needs [C, H, W] or [B, C, H, W] with H and W at least \(HILLCostMap.minimumExtent)"
        case .invalidThreshold(let t): return "selection threshold \(t) must be between 0 and 1"
        case .malformedMessage(let why): return "malformed message: \(why)"
        case .encryption(let error): return "encryption: \(error.description)"
        case .valueOutOfRange(let why): return "value out of range: \(why)"
        }
    }
}
