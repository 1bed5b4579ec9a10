import Foundation

/// Sampling settings a model folder recommends, read from its optional
/// `generation_defaults.json`:
///
/// ```json
/// {"guidance_scale": 2.0, "num_inference_steps": 25}
/// ```
///
/// The keys are the diffusers pipeline's argument names. A small model can need a guidance
/// scale other than SD v1.x's customary 7.5 (the embedded tiny-shapes model draws the wrong
/// colours above about 2.5), so a front end takes its defaults from here and falls back to its
/// own where the folder says nothing. diffusers ignores the file.
public struct GenerationDefaults: Sendable, Equatable, Decodable {
    /// The file's name inside a model folder.
    public static let fileName = "generation_defaults.json"

    /// Classifier-free guidance scale; nil where the folder has no recommendation.
    public var guidanceScale: Double?
    /// Denoising steps; nil where the folder has no recommendation.
    public var stepCount: Int?

    public init(guidanceScale: Double? = nil, stepCount: Int? = nil) {
        self.guidanceScale = guidanceScale
        self.stepCount = stepCount
    }

    private enum CodingKeys: String, CodingKey {
        case guidanceScale = "guidance_scale"
        case stepCount = "num_inference_steps"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guidanceScale = try container.decodeIfPresent(Double.self, forKey: .guidanceScale)
        stepCount = try container.decodeIfPresent(Int.self, forKey: .stepCount)
        if let guidanceScale, !guidanceScale.isFinite || guidanceScale < 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .guidanceScale, in: container, debugDescription: "must be a finite number ≥ 0")
        }
        if let stepCount, stepCount < 1 {
            throw DecodingError.dataCorruptedError(forKey: .stepCount, in: container, debugDescription: "must be at least 1")
        }
    }

    /// The defaults in `folder`'s `generation_defaults.json`, or none when the file is absent.
    ///
    /// - Throws: `ModelConfigurationError.invalidConfig` naming the file and key when it
    ///   exists but is not valid.
    static func read(folder: URL) throws -> GenerationDefaults {
        let url = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return GenerationDefaults() }
        return try ConfigFile.decode(GenerationDefaults.self, from: url)
    }
}
