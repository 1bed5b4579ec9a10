import StableDiffusion

extension ModelBenchmark {
    /// `unet/config.json` of SD v1.5 (the keys that differ from diffusers' defaults are all given).
    static let unetConfig = """
        {"_class_name": "UNet2DConditionModel", "sample_size": 64, "in_channels": 4, "out_channels": 4,
         "center_input_sample": false, "flip_sin_to_cos": true, "freq_shift": 0,
         "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
         "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
         "block_out_channels": [320, 640, 1280, 1280], "layers_per_block": 2, "downsample_padding": 1,
         "mid_block_scale_factor": 1, "act_fn": "silu", "norm_num_groups": 32, "norm_eps": 1e-05,
         "cross_attention_dim": 768, "attention_head_dim": 8}
        """

    /// `vae/config.json` of SD v1.5.
    static let vaeConfig = """
        {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3,
         "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
         "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
         "block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "act_fn": "silu",
         "latent_channels": 4, "norm_num_groups": 32, "sample_size": 512, "scaling_factor": 0.18215}
        """

    /// `text_encoder/config.json` of SD v1.5 (OpenAI CLIP ViT-L/14's text tower).
    static let textEncoderConfig = """
        {"architectures": ["CLIPTextModel"], "vocab_size": 49408, "hidden_size": 768, "intermediate_size": 3072,
         "num_hidden_layers": 12, "num_attention_heads": 12, "max_position_embeddings": 77,
         "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05, "projection_dim": 768}
        """
}
