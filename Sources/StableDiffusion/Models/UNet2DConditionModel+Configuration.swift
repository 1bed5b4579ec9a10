extension UNet2DConditionModel {
    /// Refuses configs that describe something other than the SD v1.x architecture built here,
    /// naming the key and the value.
    static func check(_ config: UNet2DConditionConfig) throws {
        let model = "UNet2DConditionModel"
        for type in config.downBlockTypes where !supportedDownBlockTypes.contains(type) {
            throw ModelError.unsupportedBlockType(
                model: model, key: "down_block_types", found: type, supported: supportedDownBlockTypes)
        }
        for type in config.upBlockTypes where !supportedUpBlockTypes.contains(type) {
            throw ModelError.unsupportedBlockType(
                model: model, key: "up_block_types", found: type, supported: supportedUpBlockTypes)
        }
        let midType = config.midBlockType ?? "null"
        guard supportedMidBlockTypes.contains(midType) else {
            throw ModelError.unsupportedBlockType(
                model: model, key: "mid_block_type", found: midType, supported: supportedMidBlockTypes)
        }
        func refuse(_ key: String, _ value: String, _ reason: String) -> ModelError {
            .unsupportedConfiguration(model: model, key: key, value: value, reason: reason)
        }
        let unused = "SD v1.x UNets do not use this option"
        guard config.actFn == "silu" else { throw refuse("act_fn", config.actFn, "only silu is implemented") }
        guard config.timeEmbeddingType == "positional" else {
            throw refuse("time_embedding_type", config.timeEmbeddingType, unused)
        }
        guard config.resnetTimeScaleShift == "default" else {
            throw refuse("resnet_time_scale_shift", config.resnetTimeScaleShift, unused)
        }
        let absent: [(String, String?)] = [
            ("class_embed_type", config.classEmbedType), ("addition_embed_type", config.additionEmbedType),
            ("encoder_hid_dim", config.encoderHidDim.map(String.init)),
            ("time_cond_proj_dim", config.timeCondProjDim.map(String.init)),
        ]
        for (key, value) in absent {
            if let value { throw refuse(key, value, unused) }
        }
        let flags = [
            ("center_input_sample", config.centerInputSample), ("only_cross_attention", config.onlyCrossAttention),
            ("dual_cross_attention", config.dualCrossAttention),
        ]
        for (key, value) in flags where value { throw refuse(key, "true", unused) }
        guard config.convInKernel == 3, config.convOutKernel == 3 else {
            throw refuse("conv_in_kernel/conv_out_kernel", "\(config.convInKernel)/\(config.convOutKernel)", unused)
        }
        guard !config.blockOutChannels.isEmpty, config.normNumGroups > 0 else {
            throw refuse(
                "block_out_channels", "\(config.blockOutChannels)", "needs at least one block and norm_num_groups > 0")
        }
        for (block, channels) in config.blockOutChannels.enumerated() {
            let heads = config.attentionHeadCounts[block]
            guard channels % config.normNumGroups == 0, heads > 0, channels % heads == 0 else {
                throw refuse(
                    "block_out_channels", "\(config.blockOutChannels)",
                    "block \(block) has \(channels) channels, not divisible by norm_num_groups \(config.normNumGroups) "
                        + "and its \(heads) attention heads")
            }
        }
    }
}
