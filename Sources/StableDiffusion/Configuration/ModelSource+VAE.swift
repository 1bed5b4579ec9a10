import Foundation

extension ModelSource {
    /// This model with the VAE at `url` (diffusers' `vae=`, the CLI's `--vae`):
    ///
    /// - a diffusers model folder (`model_index.json`): its `vae/`;
    /// - a VAE folder: `config.json` beside `diffusion_pytorch_model[.fp16].safetensors`;
    /// - a VAE file, `.safetensors` or `.ckpt`, with LDM names (stand-alone, like
    ///   `vae-ft-mse-840000-ema-pruned`, or under `first_stage_model.`) or diffusers names, read
    ///   with this model's VAE architecture.
    ///
    /// - Throws: the folder's or file's error, `ModelConfigurationError.unsupportedOption` for a
    ///   VAE config SD v1.x does not use, `.inconsistentComponents` when its latent channels differ
    ///   from the UNet's.
    public func replacingVAE(with url: URL) throws -> ModelSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelConfigurationError.missingFile(path: url.path, hint: "--vae names a VAE folder or file that does not exist")
        }
        guard isDirectory.boolValue else {
            let config = vae
            let (archive, _) = try SingleFileCheckpoint.openArchive(url)
            let weights = SingleFileCheckpoint.vaeArchive(archive, config: config)
            guard weights.shape(of: "decoder.conv_in.weight") != nil else {
                throw ModelConfigurationError.unsupportedModel(file: url.path, reason: "the file holds no VAE decoder (decoder.conv_in.weight)")
            }
            return try replacingVAE(config: config) { weights }
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path) {
            let folder = try DiffusersModelFolder(url: url)
            return try replacingVAE(config: folder.vae) { try folder.weights(for: .vae) }
        }
        let configURL = url.appendingPathComponent("config.json")
        let config = try ConfigFile.decode(AutoencoderKLConfig.self, from: configURL)
        try SDv1Support.check(config, file: configURL.path)
        let candidates = DiffusersModelFolder.Component.vae.weightFileNames.map { url.appendingPathComponent($0) }
        guard let weightsURL = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw ModelConfigurationError.missingFile(path: candidates[0].path, hint: "a VAE folder holds config.json and its .safetensors weights")
        }
        return try replacingVAE(config: config) { try SafeTensors(contentsOf: weightsURL) }
    }
}
