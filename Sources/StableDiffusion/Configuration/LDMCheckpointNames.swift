/// The names a parameter has in an original CompVis/LDM single-file checkpoint
/// (`sd-v1-5.safetensors`, `sd-v1-4.ckpt`, most community SD v1.x models), given the name our
/// modules ask for, which is the diffusers name.
///
/// The LDM layout numbers the UNet's blocks flat (`input_blocks.4.1.…`, `output_blocks.8.2.conv`)
/// where diffusers nests them (`down_blocks.1.attentions.1.…`, `up_blocks.2.upsamplers.0.conv`),
/// and spells the ResNet and VAE parameters differently; the transformer blocks inside are named
/// alike. The mapping runs from diffusers to LDM so that a module tree keyed by diffusers names
/// (`CheckpointWeights`) reads an LDM file unchanged.
///
/// Matches: diffusers 0.42.1 `loaders/single_file_utils.py` (`convert_ldm_unet_checkpoint`,
/// `convert_ldm_vae_checkpoint`, `convert_ldm_clip_checkpoint`), checked by loading the
/// fixtures that tools/fixtures/make_single_file_fixtures.py writes and diffusers'
/// `from_single_file` reads back equal to the diffusers folder.
enum LDMCheckpointNames {
    /// Where each component lives in the single file.
    static let unetPrefix = "model.diffusion_model."
    static let vaePrefix = "first_stage_model."
    static let textEncoderPrefix = "cond_stage_model.transformer."
    /// EMA copies of the UNet: `model_ema.` + the name after `model.` with its dots removed.
    static let emaPrefix = "model_ema."

    /// A parameter's name in the LDM file, and whether the file stores it as a 1×1 convolution
    /// where diffusers has a linear layer (the VAE's mid-block attention projections).
    struct Name: Equatable {
        var name: String
        var squeezesUnitKernel = false
    }

    // MARK: UNet

    /// The LDM name (under `model.diffusion_model.`) of the UNet parameter `name`, or `nil` when
    /// `name` is not a UNet parameter of the layout `config` describes.
    static func unet(_ name: String, config: UNet2DConditionConfig) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func rest(from index: Int) -> String { parts[index...].joined(separator: ".") }
        switch parts.first {
        case "conv_in": return "input_blocks.0.0." + rest(from: 1)
        case "conv_norm_out": return "out.0." + rest(from: 1)
        case "conv_out": return "out.2." + rest(from: 1)
        case "time_embedding":
            guard parts.count > 2 else { return nil }
            switch parts[1] {
            case "linear_1": return "time_embed.0." + rest(from: 2)
            case "linear_2": return "time_embed.2." + rest(from: 2)
            default: return nil
            }
        case "mid_block":
            guard parts.count > 3, let index = Int(parts[2]) else { return nil }
            switch (parts[1], index) {
            case ("resnets", 0): return "middle_block.0." + resnet(rest(from: 3))
            case ("attentions", 0): return "middle_block.1." + rest(from: 3)
            case ("resnets", 1): return "middle_block.2." + resnet(rest(from: 3))
            default: return nil
            }
        case "down_blocks":
            guard parts.count > 4, let level = Int(parts[1]), let layer = Int(parts[3]),
                  config.layersPerBlock.indices.contains(level)
            else { return nil }
            let first = 1 + config.layersPerBlock[..<level].reduce(0) { $0 + $1 + 1 }
            let layers = config.layersPerBlock[level]
            switch parts[2] {
            case "resnets" where layer < layers: return "input_blocks.\(first + layer).0." + resnet(rest(from: 4))
            case "attentions" where layer < layers: return "input_blocks.\(first + layer).1." + rest(from: 4)
            case "downsamplers" where layer == 0 && parts[4] == "conv":
                return "input_blocks.\(first + layers).0.op." + rest(from: 5)
            default: return nil
            }
        case "up_blocks":
            guard parts.count > 4, let level = Int(parts[1]), let layer = Int(parts[3]),
                  config.upBlockTypes.indices.contains(level), config.layersPerBlock.count == config.upBlockTypes.count
            else { return nil }
            let perLevel = config.layersPerBlock.reversed().map { $0 + 1 }
            let first = perLevel[..<level].reduce(0, +)
            let layers = perLevel[level]
            let hasAttention = config.upBlockTypes[level] == "CrossAttnUpBlock2D"
            switch parts[2] {
            case "resnets" where layer < layers: return "output_blocks.\(first + layer).0." + resnet(rest(from: 4))
            case "attentions" where layer < layers: return "output_blocks.\(first + layer).1." + rest(from: 4)
            case "upsamplers" where layer == 0 && parts[4] == "conv":
                return "output_blocks.\(first + layers - 1).\(hasAttention ? 2 : 1).conv." + rest(from: 5)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// A UNet ResNet's parameter, diffusers → LDM (`norm1` → `in_layers.0`, …).
    private static func resnet(_ name: String) -> String {
        let renames = [
            ("norm1.", "in_layers.0."), ("conv1.", "in_layers.2."), ("time_emb_proj.", "emb_layers.1."),
            ("norm2.", "out_layers.0."), ("conv2.", "out_layers.3."), ("conv_shortcut.", "skip_connection."),
        ]
        for (diffusers, ldm) in renames where name.hasPrefix(diffusers) {
            return ldm + name.dropFirst(diffusers.count)
        }
        return name
    }

    /// The EMA name of an LDM UNet name: `model_ema.diffusion_model…` with the dots removed.
    static func ema(ofUNet ldmName: String) -> String {
        emaPrefix + ("diffusion_model." + ldmName).replacingOccurrences(of: ".", with: "")
    }

    // MARK: VAE

    /// The LDM name (under `first_stage_model.`, or bare in a stand-alone VAE file) of the VAE
    /// parameter `name`, or `nil` when `name` is not a VAE parameter of the layout `config` describes.
    static func vae(_ name: String, config: AutoencoderKLConfig) -> Name? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        func rest(from index: Int) -> String { parts[index...].joined(separator: ".") }
        if parts[0] == "quant_conv" || parts[0] == "post_quant_conv" { return Name(name: name) }
        guard parts[0] == "encoder" || parts[0] == "decoder" else { return nil }
        let coder = parts[0]
        switch parts[1] {
        case "conv_in", "conv_out": return Name(name: name)
        case "conv_norm_out": return Name(name: "\(coder).norm_out." + rest(from: 2))
        case "mid_block":
            guard parts.count > 4, let index = Int(parts[3]) else { return nil }
            switch (parts[2], index) {
            case ("resnets", 0), ("resnets", 1):
                return Name(name: "\(coder).mid.block_\(index + 1)." + vaeResnet(rest(from: 4)))
            case ("attentions", 0):
                let renames = [
                    ("group_norm.", "norm.", false), ("to_q.", "q.", true), ("to_k.", "k.", true),
                    ("to_v.", "v.", true), ("to_out.0.", "proj_out.", true),
                ]
                let inner = rest(from: 4)
                for (diffusers, ldm, isProjection) in renames where inner.hasPrefix(diffusers) {
                    let suffix = String(inner.dropFirst(diffusers.count))
                    return Name(name: "\(coder).mid.attn_1.\(ldm)\(suffix)", squeezesUnitKernel: isProjection && suffix == "weight")
                }
                return nil
            default: return nil
            }
        case "down_blocks" where coder == "encoder", "up_blocks" where coder == "decoder":
            guard parts.count > 5, let level = Int(parts[2]), let layer = Int(parts[4]),
                  config.blockOutChannels.indices.contains(level)
            else { return nil }
            let isEncoder = coder == "encoder"
            let ldmLevel = isEncoder ? level : config.blockOutChannels.count - 1 - level
            let group = isEncoder ? "down" : "up"
            switch parts[3] {
            case "resnets": return Name(name: "\(coder).\(group).\(ldmLevel).block.\(layer)." + vaeResnet(rest(from: 5)))
            case "downsamplers" where isEncoder && layer == 0:
                return Name(name: "\(coder).down.\(ldmLevel).downsample." + rest(from: 5))
            case "upsamplers" where !isEncoder && layer == 0:
                return Name(name: "\(coder).up.\(ldmLevel).upsample." + rest(from: 5))
            default: return nil
            }
        default:
            return nil
        }
    }

    /// A VAE ResNet's parameter, diffusers → LDM: only the shortcut differs (`nin_shortcut`).
    private static func vaeResnet(_ name: String) -> String {
        name.hasPrefix("conv_shortcut.") ? "nin_shortcut." + name.dropFirst("conv_shortcut.".count) : name
    }

    // MARK: Text encoder

    /// The LDM name (under `cond_stage_model.transformer.`) of the text-encoder parameter
    /// `name`: the transformers name with its `text_model.` level, which SD v1.x checkpoints keep.
    static func textEncoder(_ name: String) -> String {
        name.hasPrefix("text_model.") ? name : "text_model." + name
    }
}
