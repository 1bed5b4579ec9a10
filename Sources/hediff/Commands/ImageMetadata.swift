import HEDiffusion
import StableDiffusion

/// What an image says about how it was made: the A1111 `parameters` text chunk
/// ("prompt\nNegative prompt: …\nSteps: 25, Sampler: …, CFG scale: …, Seed: …, Size: …, Model: …"),
/// with HEDiffusion's privacy mode and HE parameters added, so that tools that read A1111
/// metadata show it and a run can be repeated from it.
struct ImageMetadata {
    var prompt: String
    var negativePrompt: String
    var configuration: GenerationConfiguration
    /// The seed, or "random" for noise from the key holder's generator.
    var seed: String
    var width: Int
    var height: Int
    var model: String
    var privacy: PrivacyMode
    var heParameters: String
    var loras: [String]
    /// "U-Net arithmetic: fixed (…)" for the fixed-point reference U-Net; nil for the float one.
    var unetArithmetic: String? = nil

    /// The PNG text chunks: `parameters` (A1111) and `Software`.
    var textChunks: [(keyword: String, value: String)] {
        var fields = [
            "Steps: \(configuration.stepCount)", "Sampler: \(configuration.sampler.rawValue)",
            "CFG scale: \(configuration.guidanceScale)", "Seed: \(seed)", "Size: \(width)x\(height)", "Model: \(model)",
        ]
        if configuration.useKarrasSigmas { fields.append("Schedule type: Karras") }
        if configuration.sampler == .ddim, configuration.ddimEta > 0 { fields.append("Eta: \(configuration.ddimEta)") }
        if let start = configuration.initImage { fields.append("Denoising strength: \(start.strength)") }
        if !loras.isEmpty { fields.append("LoRA: \(loras.joined(separator: "; "))") }
        fields.append("Privacy: \(privacy.rawValue)")
        if privacy.isPrivate { fields.append("HE parameters: \(heParameters)") }
        if let unetArithmetic { fields.append(unetArithmetic) }
        let negative = negativePrompt.isEmpty ? "" : "\nNegative prompt: \(negativePrompt)"
        return [("parameters", prompt + negative + "\n" + fields.joined(separator: ", ")), ("Software", "hediff")]
    }
}
