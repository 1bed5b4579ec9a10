extension DiffusersModelFolder {
    /// Refuses what is not a Stable Diffusion v1.x text-to-image model, naming what was found.
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
        try validateUNet(file: unetFile)
        try validateVAE(file: vaeFile)
        guard ["quick_gelu", "gelu"].contains(textEncoder.hiddenAct) else {
            throw ModelConfigurationError.unsupportedOption(
                file: textFile, key: "hidden_act", value: textEncoder.hiddenAct, hint: "CLIP text encoders use quick_gelu or gelu")
        }
        guard unet.crossAttentionDim == textEncoder.hiddenSize else {
            throw ModelConfigurationError.inconsistentComponents(
                reason: "unet cross_attention_dim \(unet.crossAttentionDim) != text_encoder hidden_size \(textEncoder.hiddenSize)")
        }
        guard unet.outChannels == vae.latentChannels else {
            throw ModelConfigurationError.inconsistentComponents(
                reason: "unet out_channels \(unet.outChannels) != vae latent_channels \(vae.latentChannels)")
        }
    }

    private func validateUNet(file: String) throws {
        func refuse(_ key: String, _ value: Any, _ hint: String) -> ModelConfigurationError {
            .unsupportedOption(file: file, key: key, value: "\(value)", hint: hint)
        }
        for type in unet.downBlockTypes where !["CrossAttnDownBlock2D", "DownBlock2D"].contains(type) {
            throw refuse("down_block_types", type, "SD v1.x uses CrossAttnDownBlock2D and DownBlock2D")
        }
        for type in unet.upBlockTypes where !["CrossAttnUpBlock2D", "UpBlock2D"].contains(type) {
            throw refuse("up_block_types", type, "SD v1.x uses CrossAttnUpBlock2D and UpBlock2D")
        }
        guard unet.midBlockType == "UNetMidBlock2DCrossAttn" else {
            throw refuse("mid_block_type", unet.midBlockType ?? "null", "SD v1.x uses UNetMidBlock2DCrossAttn")
        }
        let sdV1Values: [(String, Any, Bool)] = [
            ("act_fn", unet.actFn, unet.actFn == "silu"),
            ("class_embed_type", unet.classEmbedType ?? "null", unet.classEmbedType == nil),
            ("addition_embed_type", unet.additionEmbedType ?? "null", unet.additionEmbedType == nil),
            ("encoder_hid_dim", unet.encoderHidDim.map(String.init) ?? "null", unet.encoderHidDim == nil),
            ("time_cond_proj_dim", unet.timeCondProjDim.map(String.init) ?? "null", unet.timeCondProjDim == nil),
            ("time_embedding_type", unet.timeEmbeddingType, unet.timeEmbeddingType == "positional"),
            ("resnet_time_scale_shift", unet.resnetTimeScaleShift, unet.resnetTimeScaleShift == "default"),
            ("only_cross_attention", unet.onlyCrossAttention, !unet.onlyCrossAttention),
            ("dual_cross_attention", unet.dualCrossAttention, !unet.dualCrossAttention),
            ("center_input_sample", unet.centerInputSample, !unet.centerInputSample),
            ("conv_in_kernel", unet.convInKernel, unet.convInKernel == 3),
            ("conv_out_kernel", unet.convOutKernel, unet.convOutKernel == 3),
            ("time_embedding_dim", unet.timeEmbeddingDim.map(String.init) ?? "null",
             unet.timeEmbeddingDim == nil || unet.timeEmbeddingDim == 4 * (unet.blockOutChannels.first ?? 0)),
            ("time_embedding_act_fn", unet.timeEmbeddingActFn ?? "null", unet.timeEmbeddingActFn == nil),
            ("timestep_post_act", unet.timestepPostAct ?? "null", unet.timestepPostAct == nil),
            ("resnet_skip_time_act", unet.resnetSkipTimeAct, !unet.resnetSkipTimeAct),
            ("resnet_out_scale_factor", unet.resnetOutScaleFactor, unet.resnetOutScaleFactor == 1),
            ("cross_attention_norm", unet.crossAttentionNorm ?? "null", unet.crossAttentionNorm == nil),
            ("attention_type", unet.attentionType, unet.attentionType == "default"),
            ("mid_block_only_cross_attention", unet.midBlockOnlyCrossAttention.map { "\($0)" } ?? "null",
             unet.midBlockOnlyCrossAttention != true),
            ("class_embeddings_concat", unet.classEmbeddingsConcat, !unet.classEmbeddingsConcat),
            ("num_class_embeds", unet.numClassEmbeds.map(String.init) ?? "null", unet.numClassEmbeds == nil),
        ]
        for (key, value, supported) in sdV1Values where !supported {
            throw refuse(key, value, "SD v1.x UNets do not use this option")
        }
        for (block, channels) in unet.blockOutChannels.enumerated() {
            guard channels % unet.normNumGroups == 0, channels % unet.attentionHeadCounts[block] == 0 else {
                throw refuse(
                    "block_out_channels", unet.blockOutChannels,
                    "every block's channels must divide by norm_num_groups \(unet.normNumGroups) and its head count")
            }
        }
    }

    private func validateVAE(file: String) throws {
        for type in vae.downBlockTypes where type != "DownEncoderBlock2D" {
            throw ModelConfigurationError.unsupportedOption(
                file: file, key: "down_block_types", value: type, hint: "SD v1.x VAEs use DownEncoderBlock2D")
        }
        for type in vae.upBlockTypes where type != "UpDecoderBlock2D" {
            throw ModelConfigurationError.unsupportedOption(
                file: file, key: "up_block_types", value: type, hint: "SD v1.x VAEs use UpDecoderBlock2D")
        }
        if let shift = vae.shiftFactor {
            throw ModelConfigurationError.unsupportedOption(
                file: file, key: "shift_factor", value: "\(shift)", hint: "SD v1.x VAEs have no latent shift (this is an SD3/Flux VAE)")
        }
        guard vae.actFn == "silu" else {
            throw ModelConfigurationError.unsupportedOption(file: file, key: "act_fn", value: vae.actFn, hint: "SD v1.x VAEs use silu")
        }
    }
}
