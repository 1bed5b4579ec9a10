import Imaging

/// Why a generation request cannot run. Model, scheduler, image and weight problems keep their
/// own error types (`ModelError`, `SchedulerError`, `ImageError`, `SafeTensorsError`).
public enum PipelineError: Error, Equatable, CustomStringConvertible {
    /// A `GenerationConfiguration` setting outside its valid range.
    case invalidSetting(name: String, value: String, expected: String)
    /// The image-to-image start image does not have the requested size.
    case initImageSizeMismatch(width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)
    /// Image-to-image strength so small that no denoising step would run.
    case noStepsToRun(stepCount: Int, strength: Double)
    /// A latent update strategy returned a tensor of a different shape than it was given.
    case latentShapeChanged(expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, expected):
            return "\(name) = \(value) is invalid: expected \(expected)"
        case let .initImageSizeMismatch(width, height, expectedWidth, expectedHeight):
            return "the start image is \(width)x\(height) but the output is \(expectedWidth)x\(expectedHeight); "
                + "resize the image or pass the matching width and height"
        case let .noStepsToRun(stepCount, strength):
            return "strength \(strength) of \(stepCount) steps leaves no step to run; raise the strength or the step count"
        case let .latentShapeChanged(expected, found):
            return "the latent update returned shape \(found) for a latent of shape \(expected)"
        }
    }
}
