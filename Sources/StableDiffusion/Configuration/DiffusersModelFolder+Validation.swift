extension DiffusersModelFolder {
    /// Refuses what is not a Stable Diffusion v1.x text-to-image model, naming what was found: the
    /// model family from the folder as a whole, then each component's config by `SDv1Support`'s
    /// rules, then how the components fit together.
    func validate(components: [String: (library: String, className: String)]) throws {
        let index = url.appendingPathComponent("model_index.json").path
        let unetFile = url.appendingPathComponent("unet/config.json").path
        let vaeFile = url.appendingPathComponent("vae/config.json").path
        let textFile = url.appendingPathComponent("text_encoder/config.json").path

        if pipelineClassName.contains("XL") || components["text_encoder_2"] != nil || unet.additionEmbedType == "text_time" {
            throw ModelConfigurationError.unsupportedModel(file: index, reason: "this is an SDXL model (\(pipelineClassName))")
        }
        if unet.crossAttentionDim == 1024 || textEncoder.hiddenSize == 1024 || unet.useLinearProjection {
            throw ModelConfigurationError.unsupportedModel(
                file: unetFile,
                reason: "this looks like Stable Diffusion 2.x (cross_attention_dim \(unet.crossAttentionDim), "
                    + "use_linear_projection \(unet.useLinearProjection), text hidden_size \(textEncoder.hiddenSize))")
        }
        if scheduler.predictionType != "epsilon" {
            throw ModelConfigurationError.unsupportedModel(
                file: url.appendingPathComponent("scheduler/scheduler_config.json").path,
                reason: "prediction_type \(scheduler.predictionType) (a Stable Diffusion 2.x 768 or distilled model); SD v1.x predicts epsilon")
        }
        if unet.inChannels != vae.latentChannels {
            throw ModelConfigurationError.unsupportedModel(
                file: unetFile,
                reason: unet.inChannels == 9
                    ? "an inpainting UNet (in_channels 9)"
                    : "UNet in_channels \(unet.inChannels) differs from the VAE's latent_channels \(vae.latentChannels)")
        }
        for (key, expected) in [("unet", "UNet2DConditionModel"), ("vae", "AutoencoderKL"), ("text_encoder", "CLIPTextModel")] {
            guard let entry = components[key] else {
                throw ModelConfigurationError.missingFile(path: index, hint: "model_index.json lists no \(key) component")
            }
            guard entry.className == expected else {
                throw ModelConfigurationError.unsupportedModel(file: index, reason: "\(key) is a \(entry.className), expected \(expected)")
            }
        }
        try SDv1Support.check(unet, file: unetFile)
        try SDv1Support.check(vae, file: vaeFile)
        try SDv1Support.check(textEncoder, file: textFile)
        guard unet.crossAttentionDim == textEncoder.hiddenSize else {
            throw ModelConfigurationError.inconsistentComponents(
                reason: "unet cross_attention_dim \(unet.crossAttentionDim) != text_encoder hidden_size \(textEncoder.hiddenSize)")
        }
        guard unet.outChannels == vae.latentChannels else {
            throw ModelConfigurationError.inconsistentComponents(
                reason: "unet out_channels \(unet.outChannels) != vae latent_channels \(vae.latentChannels)")
        }
    }
}
