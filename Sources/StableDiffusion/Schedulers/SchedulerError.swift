/// Why a scheduler could not be built or stepped.
public enum SchedulerError: Error, Equatable, CustomStringConvertible {
    /// A configuration value that this port does not implement, with what to use instead.
    case unsupportedConfiguration(key: String, value: String, hint: String)
    /// A parameter outside its valid range.
    case invalidParameter(name: String, value: String, expected: String)
    /// A tensor whose shape differs from the one the scheduler is working with.
    case shapeMismatch(expected: [Int], found: [Int])
    /// `step` was called after the last timestep, or an index is outside `timesteps`.
    case stepOutOfRange(index: Int, count: Int)
    /// The step needs standard-normal noise (DDIM with eta > 0) and none was given.
    case missingNoise
    /// A step that clamps x̂₀ (`clip_sample`) was applied to an encrypted latent, which can only
    /// take affine updates.
    case notAffine

    public var description: String {
        switch self {
        case let .unsupportedConfiguration(key, value, hint):
            return "scheduler config \(key) = \(value) is not supported: \(hint)"
        case let .invalidParameter(name, value, expected):
            return "scheduler parameter \(name) = \(value) is invalid: expected \(expected)"
        case let .shapeMismatch(expected, found):
            return "scheduler tensor shape \(found) does not match the latent shape \(expected)"
        case let .stepOutOfRange(index, count):
            return "scheduler step index \(index) is outside the \(count) timesteps; call setBeginIndex or build a new scheduler"
        case .missingNoise:
            return "this DDIM step has eta > 0 and needs standard-normal noise; pass noise or a generator"
        case .notAffine:
            return "the scheduler clips x0 (clip_sample or thresholding), which is not affine in the latent and cannot run on an "
                + "encrypted latent; set clip_sample and thresholding false in the scheduler config, or generate with --privacy off"
        }
    }
}
