"""PyTorch anchor for `hediff bench unet|vae|text`: the same SD v1.5 configs with random weights,
fp32, 2 threads, the same inputs (UNet batch 2 on a 64x64 latent with 77x768 states; VAE decode of
one 4x64x64 latent; CLIP text encoder on 77 tokens). One warm-up forward, then REPS timed ones.
Prints {"median_s": ..., "min_s": ...}.

Usage: python torch_sd_component.py unet|vae|text [REPS]
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(2)
torch.set_grad_enabled(False)
torch.manual_seed(0)


def forward(component):
    if component == "unet":
        from diffusers import UNet2DConditionModel

        model = UNet2DConditionModel(
            sample_size=64, in_channels=4, out_channels=4, block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2, cross_attention_dim=768, attention_head_dim=8,
            down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
            up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3).eval()
        x, c, t = torch.randn(2, 4, 64, 64), torch.randn(2, 77, 768), torch.tensor([500, 500])
        return lambda: model(x, t, c).sample
    if component == "vae":
        from diffusers import AutoencoderKL

        model = AutoencoderKL(
            in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
            up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512),
            layers_per_block=2, act_fn="silu", latent_channels=4, norm_num_groups=32, sample_size=512).eval()
        z = torch.randn(1, 4, 64, 64)
        return lambda: model.decode(z).sample
    if component == "text":
        from transformers import CLIPTextConfig, CLIPTextModel

        model = CLIPTextModel(CLIPTextConfig(
            vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
            num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu",
            projection_dim=768, layer_norm_eps=1e-5)).eval()
        ids = torch.randint(0, 49408, (1, 77))
        return lambda: model(input_ids=ids).last_hidden_state
    raise SystemExit(f"unknown component {component!r}; use unet, vae or text")


def main():
    component = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    run = forward(component)
    run()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(json.dumps({"median_s": statistics.median(times), "min_s": min(times), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
