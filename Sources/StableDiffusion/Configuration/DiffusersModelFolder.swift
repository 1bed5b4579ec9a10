import Foundation

/// A Stable Diffusion v1.x model folder in diffusers layout, with every component's config
/// read and checked when opened:
///
/// ```
/// model_index.json
/// unet/config.json          unet/diffusion_pytorch_model.safetensors
/// vae/config.json           vae/diffusion_pytorch_model.safetensors
/// text_encoder/config.json  text_encoder/model.safetensors
/// tokenizer/                vocab.json + merges.txt, or tokenizer.json
/// scheduler/scheduler_config.json
/// generation_defaults.json  optional: recommended guidance and steps (`GenerationDefaults`)
/// ```
///
/// Opening refuses SD 2.x, SDXL and inpainting folders with a message saying so, and any
/// config option the SD v1.x architecture does not use. Weights are not read here.
public struct DiffusersModelFolder: Sendable {
    /// A component that carries weights.
    public enum Component: String, Sendable, CaseIterable {
        case unet
        case vae
        case textEncoder = "text_encoder"

        /// Weight file names tried in order: the full-precision file, then the fp16 variant.
        var weightFileNames: [String] {
            let stem = self == .textEncoder ? "model" : "diffusion_pytorch_model"
            return ["\(stem).safetensors", "\(stem).fp16.safetensors"]
        }
    }

    /// The folder itself.
    public let url: URL
    /// `_class_name` from `model_index.json` (e.g. `StableDiffusionPipeline`).
    public let pipelineClassName: String
    public let unet: UNet2DConditionConfig
    public let vae: AutoencoderKLConfig
    public let textEncoder: CLIPTextConfig
    public let scheduler: SchedulerConfiguration
    /// The `tokenizer/` folder; `CLIPTokenizer(folder:)` reads it.
    public let tokenizerURL: URL
    /// The folder's recommended sampling settings (empty when it has none).
    public let generationDefaults: GenerationDefaults

    /// Reads and checks `model_index.json` and every component config under `url`.
    ///
    /// - Throws: `ModelConfigurationError` naming the missing file, the bad key, or the model
    ///   family found when it is not SD v1.x.
    public init(url: URL) throws {
        self.url = url
        let index = try ModelIndex(url: url.appendingPathComponent("model_index.json"))
        pipelineClassName = index.pipelineClassName
        unet = try ConfigFile.decode(UNet2DConditionConfig.self, from: Self.configURL(url, "unet", "config.json"))
        vae = try ConfigFile.decode(AutoencoderKLConfig.self, from: Self.configURL(url, "vae", "config.json"))
        textEncoder = try ConfigFile.decode(
            CLIPTextConfig.self, from: Self.configURL(url, "text_encoder", "config.json"))
        scheduler = try ConfigFile.decode(
            SchedulerConfiguration.self, from: Self.configURL(url, "scheduler", "scheduler_config.json"))
        tokenizerURL = url.appendingPathComponent("tokenizer")
        generationDefaults = try GenerationDefaults.read(folder: url)
        try validate(components: index.components)
    }

    /// The safetensors file holding `component`'s weights.
    ///
    /// - Throws: `.missingFile` (with a hint to convert when only PyTorch `.bin` weights exist),
    ///   `.unsupportedModel` for sharded checkpoints.
    public func weightsURL(for component: Component) throws -> URL {
        let folder = url.appendingPathComponent(component.rawValue)
        let files = FileManager.default
        for name in component.weightFileNames {
            let candidate = folder.appendingPathComponent(name)
            if files.fileExists(atPath: candidate.path) { return candidate }
        }
        let first = folder.appendingPathComponent(component.weightFileNames[0])
        if files.fileExists(atPath: first.path + ".index.json") {
            throw ModelConfigurationError.unsupportedModel(
                file: first.path + ".index.json", reason: "sharded weights are not supported; save the component as one file")
        }
        let hasPickle = (try? files.contentsOfDirectory(atPath: folder.path))?.contains { $0.hasSuffix(".bin") } ?? false
        throw ModelConfigurationError.missingFile(
            path: first.path,
            hint: hasPickle
                ? "only PyTorch .bin weights were found; re-save the model with safe_serialization=True"
                : "the \(component.rawValue) weights must be a .safetensors file")
    }

    /// Opens `component`'s weights (memory-mapped, header validated).
    public func weights(for component: Component) throws -> SafeTensors {
        try SafeTensors(contentsOf: weightsURL(for: component))
    }

    /// The folder's CLIP tokenizer.
    public func tokenizer() throws -> CLIPTokenizer {
        try CLIPTokenizer(folder: tokenizerURL)
    }

    private static func configURL(_ root: URL, _ component: String, _ name: String) -> URL {
        root.appendingPathComponent(component).appendingPathComponent(name)
    }
}

/// `model_index.json`: the pipeline class and, per component, its library and class.
struct ModelIndex {
    var pipelineClassName: String
    var components: [String: (library: String, className: String)]

    init(url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelConfigurationError.missingFile(
                path: url.path, hint: "this is not a diffusers model folder (save one with StableDiffusionPipeline.save_pretrained)")
        }
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let className = object["_class_name"] as? String
        else {
            throw ModelConfigurationError.invalidConfig(file: url.path, reason: "expected a JSON object with _class_name")
        }
        pipelineClassName = className
        var components: [String: (String, String)] = [:]
        for (key, value) in object where !key.hasPrefix("_") {
            if let pair = value as? [Any], pair.count == 2, let library = pair[0] as? String, let name = pair[1] as? String {
                components[key] = (library, name)
            }
        }
        self.components = components
    }
}
