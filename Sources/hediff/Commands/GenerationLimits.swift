import ArgumentParser
import StableDiffusion

/// `generate`'s size options checked against the pipeline's documented limits
/// (`GenerationConfiguration.maximumImageSide`, `maximumPixelCount`) while the arguments are
/// validated, so that an oversized request fails before the model loads.
enum GenerationLimits {
    /// Refuses a `--width` or `--height` above the largest side and a `--batch-size` whose images
    /// together exceed the pixel limit, naming the option.
    static func check(width: Int?, height: Int?, batchSize: Int) throws {
        var configuration = GenerationConfiguration(prompt: "")
        configuration.width = width
        configuration.height = height
        configuration.batchSize = batchSize
        do {
            try configuration.checkSettings()
        } catch let PipelineError.invalidSetting(name, value, expected) {
            let option = "--" + name.replacingOccurrences(of: " ", with: "-")
            throw ValidationError("\(option) \(value) is invalid: expected \(expected)")
        }
    }
}
