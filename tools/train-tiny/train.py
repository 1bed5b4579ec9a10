"""Trains the tiny-shapes Stable Diffusion v1.x-architecture model on the CPU.

Stage 1 trains an AutoencoderKL (64x64x3 <-> 16x16x4, downsampling 4) on procedural shape
images, and stage 1b sharpens its decoder with the encoder frozen; stage 2 trains a CLIPTextModel and a UNet2DConditionModel jointly with SD v1's
noise-prediction objective (DDPM, 1000 steps, scaled_linear betas 0.00085-0.012) and 10%
caption dropout for classifier-free guidance. The result is written as a standard fp16
diffusers StableDiffusionPipeline folder, so the code path that runs it also runs SD v1.5.

The text encoder is trained jointly (from scratch) rather than frozen: the captions use
about thirty words whose roles depend on their place in the sentence ("red circle ...,
blue background"), which a trained causal CLIP encoder captures and a frozen random
embedding does not.

Every stage checkpoints to --work-dir and resume from there, and losses are appended to
--work-dir/losses.tsv. See Models/tiny-shapes/README.md for the command that built the
shipped model.
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time

# Passive OpenMP waiting: on a CPU shared with other jobs, spinning worker threads stall
# at every barrier (measured: several times slower per step).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The CLIP BPE tokenizer files built by tools/fixtures/make_fixtures.py from the
# open-clip-torch vocabulary; the shipped model uses the same files.
TOKENIZER_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "tiny-sd", "tokenizer")
TOKENIZER_FILES = ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")

sys.path.insert(0, os.path.join(REPO_ROOT, "tools", "fixtures"))
from make_fixtures import SD_V1_SCHEDULER  # noqa: E402


def build_vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 3,
        up_block_types=("UpDecoderBlock2D",) * 3,
        block_out_channels=(16, 32, 64),
        layers_per_block=1,
        latent_channels=4,
        # Few, wide groups: a flat colour is a per-channel offset, which GroupNorm with
        # two channels per group all but erases (measured: reconstructions learn several
        # times faster with 2 groups than with 8).
        norm_num_groups=2,
        sample_size=dataset.IMAGE_SIZE,
    )


def build_text_encoder():
    from transformers import CLIPTextConfig, CLIPTextModel

    return CLIPTextModel(
        CLIPTextConfig(
            vocab_size=49408,
            hidden_size=64,
            intermediate_size=256,
            num_hidden_layers=2,
            num_attention_heads=4,
            max_position_embeddings=77,
            hidden_act="quick_gelu",
            layer_norm_eps=1e-5,
            projection_dim=64,
            bos_token_id=49406,
            eos_token_id=49407,
            pad_token_id=49407,
        )
    )


def build_unet(channels):
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        sample_size=dataset.IMAGE_SIZE // 4,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=channels,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        mid_block_type="UNetMidBlock2DCrossAttn",
        cross_attention_dim=64,
        attention_head_dim=8,
        norm_num_groups=8,
    )


def load_tokenizer():
    from transformers import CLIPTokenizer

    return CLIPTokenizer.from_pretrained(TOKENIZER_DIR)


class Logger:
    """Appends tab-separated loss records to a file and echoes them to stdout."""

    def __init__(self, path):
        self.path = path

    def __call__(self, stage, step, **values):
        fields = [stage, str(step), f"{time.time():.0f}"] + [f"{k}={v:.5f}" for k, v in values.items()]
        line = "\t".join(fields)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        print(line, flush=True)


def save_checkpoint(path, **state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def cosine_lr(step, total, peak, warmup):
    """Linear warm-up, then cosine decay to 10% of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))))


# --------------------------------------------------------------------------- stage 1


def train_autoencoder(args, log):
    """Trains the VAE to reconstruct shape images; returns it with its latent scaling factor set."""
    vae = build_vae()
    # Start the posterior nearly deterministic (std e^-4): with the default log-variance
    # of 0 the sampling noise swamps the means and the decoder learns far more slowly.
    with torch.no_grad():
        vae.quant_conv.bias[vae.config.latent_channels :].fill_(-8.0)
    stream = dataset.ShapesStream(args.seed)
    optimizer = torch.optim.AdamW(vae.parameters(), lr=args.ae_lr, weight_decay=0.0)
    path = os.path.join(args.work_dir, "autoencoder.pt")
    step = 0
    if os.path.exists(path):
        state = torch.load(path, weights_only=False)
        vae.load_state_dict(state["vae"])
        optimizer.load_state_dict(state["optimizer"])
        stream.rng.bit_generator.state = state["rng"]
        step = state["step"]
        print(f"resumed autoencoder at step {step}", flush=True)
    vae.train()
    started = time.time()
    while step < args.ae_steps:
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.ae_steps, args.ae_lr, 50)
        images, _ = stream.batch(args.ae_batch)
        x = torch.from_numpy(images)
        posterior = vae.encode(x).latent_dist
        recon = vae.decode(posterior.sample()).sample
        l1 = (recon - x).abs().mean()
        mse = F.mse_loss(recon, x)
        kl = posterior.kl().mean() / x[0].numel()
        loss = l1 + mse + args.kl_weight * kl
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        if step % 25 == 0 or step == args.ae_steps:
            log("ae", step, l1=l1.item(), mse=mse.item(), kl=kl.item(), sec_per_step=(time.time() - started) / 25)
            started = time.time()
        if step % args.checkpoint_every == 0 or step == args.ae_steps:
            save_checkpoint(path, vae=vae.state_dict(), optimizer=optimizer.state_dict(), rng=stream.rng.bit_generator.state, step=step)
    vae.eval()
    with torch.no_grad():
        probe = dataset.ShapesStream(args.seed + 1)
        generator = torch.Generator().manual_seed(args.seed)
        latents = torch.cat([vae.encode(torch.from_numpy(probe.batch(64)[0])).latent_dist.sample(generator) for _ in range(8)])
    scaling = float(1.0 / latents.flatten().std())
    vae.register_to_config(scaling_factor=scaling)
    print(f"latent std {1.0 / scaling:.4f} -> scaling_factor {scaling:.5f}", flush=True)
    return vae


def finetune_decoder(args, vae, log):
    """Stage 1b: trains the decoder further with the encoder frozen.

    The latent space stage 2 learns is fixed by the encoder alone, so the decoder can be
    sharpened independently of (and concurrently with) stage 2, as SD's fine-tuned VAE
    decoders were.
    """
    path = os.path.join(args.work_dir, "decoder.pt")
    stream = dataset.ShapesStream(args.seed + 200)
    generator = torch.Generator().manual_seed(args.seed + 200)
    optimizer = torch.optim.AdamW(vae.decoder.parameters(), lr=args.decoder_lr, weight_decay=0.0)
    step = 0
    if os.path.exists(path):
        state = torch.load(path, weights_only=False)
        vae.decoder.load_state_dict(state["decoder"])
        optimizer.load_state_dict(state["optimizer"])
        stream.rng.bit_generator.state = state["rng"]
        generator.set_state(state["generator"])
        step = state["step"]
        print(f"resumed decoder at step {step}", flush=True)
    vae.decoder.train()
    started = time.time()
    while step < args.decoder_steps:
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.decoder_steps, args.decoder_lr, 50)
        x = torch.from_numpy(stream.batch(args.ae_batch)[0])
        with torch.no_grad():
            z = vae.encode(x).latent_dist.sample(generator)
        recon = vae.decode(z).sample
        l1 = (recon - x).abs().mean()
        mse = F.mse_loss(recon, x)
        optimizer.zero_grad(set_to_none=True)
        (l1 + mse).backward()
        optimizer.step()
        step += 1
        if step % 25 == 0 or step == args.decoder_steps:
            log("decoder", step, l1=l1.item(), mse=mse.item(), sec_per_step=(time.time() - started) / 25)
            started = time.time()
        if step % args.checkpoint_every == 0 or step == args.decoder_steps:
            state = dict(decoder=vae.decoder.state_dict(), optimizer=optimizer.state_dict(), step=step)
            save_checkpoint(path, **state, rng=stream.rng.bit_generator.state, generator=generator.get_state())
    vae.eval()
    return vae


# --------------------------------------------------------------------------- stage 2


def latent_pool(args, vae):
    """Posterior means and standard deviations of --pool-size fresh dataset images, with captions.

    Encoding once instead of at every step halves the cost of a stage-2 step on this CPU;
    a fresh posterior sample is still drawn every time an image is used.
    """
    path = os.path.join(args.work_dir, "latent_pool.pt")
    if os.path.exists(path):
        return torch.load(path, weights_only=False)
    stream = dataset.ShapesStream(args.seed + 100)
    means, stds, captions = [], [], []
    with torch.no_grad():
        for _ in range(0, args.pool_size, 64):
            images, batch_captions = stream.batch(64)
            posterior = vae.encode(torch.from_numpy(images)).latent_dist
            means.append(posterior.mean)
            stds.append(posterior.std)
            captions += batch_captions
    pool = {"mean": torch.cat(means), "std": torch.cat(stds), "captions": captions}
    save_checkpoint(path, **pool)
    print(f"encoded a pool of {len(captions)} images", flush=True)
    return pool


def tokenize(tokenizer, captions):
    return tokenizer(captions, padding="max_length", max_length=tokenizer.model_max_length, truncation=True, return_tensors="pt").input_ids


class EMA:
    """Exponential moving average of parameters, used for the shipped weights."""

    def __init__(self, modules, decay):
        self.decay = decay
        self.shadow = [[p.detach().clone() for p in m.parameters()] for m in modules]

    @torch.no_grad()
    def update(self, modules, step):
        decay = min(self.decay, (1.0 + step) / (10.0 + step))
        for shadow, module in zip(self.shadow, modules):
            for s, p in zip(shadow, module.parameters()):
                s.lerp_(p.detach(), 1.0 - decay)

    @torch.no_grad()
    def copy_to(self, modules):
        for shadow, module in zip(self.shadow, modules):
            for s, p in zip(shadow, module.parameters()):
                p.copy_(s)

    def state_dict(self):
        return self.shadow

    def load_state_dict(self, shadow):
        self.shadow = shadow


def train_denoiser(args, vae, log, deadline):
    """Trains text encoder + UNet jointly; returns them holding the EMA weights."""
    from diffusers import DDPMScheduler

    tokenizer = load_tokenizer()
    text_encoder = build_text_encoder()
    unet = build_unet(tuple(args.unet_channels))
    modules = [text_encoder, unet]
    noise_scheduler = DDPMScheduler.from_config({**SD_V1_SCHEDULER, "_class_name": "DDPMScheduler"})
    alphas_cumprod = noise_scheduler.alphas_cumprod
    params = [p for m in modules for p in m.parameters()]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    ema = EMA(modules, args.ema_decay)
    pool = latent_pool(args, vae)
    pool_ids = tokenize(tokenizer, pool["captions"])
    generator = torch.Generator().manual_seed(args.seed)
    empty_ids = tokenize(tokenizer, [""])[0]
    path = os.path.join(args.work_dir, "denoiser.pt")
    step = 0
    if os.path.exists(path):
        state = torch.load(path, weights_only=False)
        text_encoder.load_state_dict(state["text_encoder"])
        unet.load_state_dict(state["unet"])
        optimizer.load_state_dict(state["optimizer"])
        ema.load_state_dict(state["ema"])
        generator.set_state(state["generator"])
        step = state["step"]
        print(f"resumed denoiser at step {step}", flush=True)
    for m in modules:
        m.train()
    vae.eval()
    scaling = vae.config.scaling_factor
    started, window, first_step = time.time(), [], step
    while step < args.steps and time.time() < deadline:
        for group in optimizer.param_groups:
            # Warm-up, then constant: the EMA weights are shipped, and a constant rate keeps
            # a run cut short by the time budget equivalent to one given its step count.
            group["lr"] = args.lr * min(1.0, (step + 1) / 200)
        index = torch.randint(0, len(pool_ids), (args.batch,), generator=generator)
        ids = pool_ids[index].clone()
        drop = torch.rand(args.batch, generator=generator) < args.caption_dropout
        ids[drop] = empty_ids
        mean, std = pool["mean"][index], pool["std"][index]
        latents = (mean + std * torch.randn(mean.shape, generator=generator)) * scaling
        noise = torch.randn(latents.shape, generator=generator)
        # Per-channel offset noise, so that the flat background colour (a latent mean) is
        # taken from the caption rather than read off the mean of the initial noise.
        noise += args.noise_offset * torch.randn(latents.shape[0], latents.shape[1], 1, 1, generator=generator)
        timesteps = torch.randint(0, noise_scheduler.config.num_train_timesteps, (latents.shape[0],), generator=generator)
        a = alphas_cumprod[timesteps].sqrt().view(-1, 1, 1, 1)
        s = (1.0 - alphas_cumprod[timesteps]).sqrt().view(-1, 1, 1, 1)
        noisy = a * latents + s * noise
        hidden = text_encoder(ids)[0]
        prediction = unet(noisy, timesteps, hidden).sample
        loss = F.mse_loss(prediction, noise)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        step += 1
        ema.update(modules, step)
        window.append(loss.item())
        if step % 25 == 0 or step == args.steps:
            log("unet", step, loss=float(np.mean(window)), lr=optimizer.param_groups[0]["lr"], sec_per_step=(time.time() - started) / len(window))
            started, window = time.time(), []
        if step % args.checkpoint_every == 0 or step == args.steps:
            save_checkpoint(
                path,
                text_encoder=text_encoder.state_dict(),
                unet=unet.state_dict(),
                optimizer=optimizer.state_dict(),
                ema=ema.state_dict(),
                generator=generator.get_state(),
                step=step,
            )
    if step != first_step and step % args.checkpoint_every != 0:
        save_checkpoint(
            path,
            text_encoder=text_encoder.state_dict(),
            unet=unet.state_dict(),
            optimizer=optimizer.state_dict(),
            ema=ema.state_dict(),
            generator=generator.get_state(),
            step=step,
        )
    print(f"stage 2 ended at step {step}", flush=True)
    ema.copy_to(modules)
    for m in modules:
        m.eval()
    return tokenizer, text_encoder, unet


# --------------------------------------------------------------------------- export


def export(model_dir, vae, tokenizer, text_encoder, unet):
    """Writes the fp16 diffusers folder: model_index.json, the component folders, and the
    tokenizer files byte-identical to the fixture tokenizer."""
    from diffusers import PNDMScheduler, StableDiffusionPipeline

    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=PNDMScheduler.from_config(SD_V1_SCHEDULER),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    ).to(torch.float16)
    with tempfile.TemporaryDirectory() as tmp:
        pipe.save_pretrained(tmp, safe_serialization=True)
        os.makedirs(model_dir, exist_ok=True)
        for name in ("unet", "vae", "text_encoder", "scheduler", "tokenizer"):
            shutil.rmtree(os.path.join(model_dir, name), ignore_errors=True)
            shutil.copytree(os.path.join(tmp, name), os.path.join(model_dir, name))
        shutil.copy(os.path.join(tmp, "model_index.json"), os.path.join(model_dir, "model_index.json"))
    tokenizer_dir = os.path.join(model_dir, "tokenizer")
    shutil.rmtree(tokenizer_dir)
    os.makedirs(tokenizer_dir)
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(TOKENIZER_DIR, name), os.path.join(tokenizer_dir, name))
    # The scheduler config key for key as SD v1.x ships it.
    with open(os.path.join(model_dir, "scheduler", "scheduler_config.json"), "w", encoding="utf-8") as f:
        json.dump({**SD_V1_SCHEDULER, "_diffusers_version": "0.6.0"}, f, indent=1)
        f.write("\n")


# --------------------------------------------------------------------------- main


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", default="/tmp/train-tiny", help="checkpoints and losses.tsv (resumed from)")
    parser.add_argument("--model-dir", default=os.path.join(REPO_ROOT, "Models", "tiny-shapes"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ae-steps", type=int, default=900)
    parser.add_argument("--ae-batch", type=int, default=16)
    parser.add_argument("--ae-lr", type=float, default=2e-3)
    parser.add_argument("--kl-weight", type=float, default=1e-6)
    parser.add_argument("--decoder-steps", type=int, default=1200)
    parser.add_argument("--decoder-lr", type=float, default=1e-3)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--unet-channels", type=int, nargs=2, default=[32, 64])
    parser.add_argument("--caption-dropout", type=float, default=0.1)
    parser.add_argument("--noise-offset", type=float, default=0.1)
    parser.add_argument("--ema-decay", type=float, default=0.995)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--pool-size", type=int, default=12288, help="images encoded once for stage 2")
    parser.add_argument("--time-budget", type=float, default=0.0, help="minutes for the whole run (0: none); stage 2 stops when it is spent")
    parser.add_argument("--export-only", action="store_true", help="export the EMA weights of the latest checkpoints without training")
    parser.add_argument("--bench", action="store_true", help="time a few steps of each stage and exit")
    return parser.parse_args()


def bench(args):
    """Prints seconds per training step of each stage, to size a run to a time budget."""
    vae = build_vae()
    tokenizer = load_tokenizer()
    stream = dataset.ShapesStream(0)
    opt = torch.optim.AdamW(vae.parameters(), lr=1e-4)
    for label, fn in [
        ("data", lambda: stream.batch(args.batch)),
        ("ae", lambda: ae_step(vae, opt, stream, args.ae_batch)),
    ]:
        fn()
        t = time.time()
        for _ in range(3):
            fn()
        print(f"{label}: {(time.time() - t) / 3:.3f} s/step", flush=True)
    print("params vae", sum(p.numel() for p in vae.parameters()))
    text_encoder = build_text_encoder()
    unet = build_unet(tuple(args.unet_channels))
    print("params unet", sum(p.numel() for p in unet.parameters()), "text", sum(p.numel() for p in text_encoder.parameters()))
    params = list(text_encoder.parameters()) + list(unet.parameters())
    opt2 = torch.optim.AdamW(params, lr=1e-4)

    def step():
        latents = torch.randn(args.batch, 4, 16, 16)
        ids = tokenize(tokenizer, [s.caption for s in stream.scenes(args.batch)])
        t = torch.randint(0, 1000, (args.batch,))
        loss = F.mse_loss(unet(latents, t, text_encoder(ids)[0]).sample, latents)
        opt2.zero_grad()
        loss.backward()
        opt2.step()

    step()
    t = time.time()
    for _ in range(3):
        step()
    print(f"unet {args.unet_channels} batch {args.batch}: {(time.time() - t) / 3:.3f} s/step", flush=True)


def ae_step(vae, opt, stream, n):
    x = torch.from_numpy(stream.batch(n)[0])
    p = vae.encode(x).latent_dist
    loss = (vae.decode(p.sample()).sample - x).abs().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.bench:
        bench(args)
        return
    os.makedirs(args.work_dir, exist_ok=True)
    log = Logger(os.path.join(args.work_dir, "losses.tsv"))
    started = time.time()
    print("args", json.dumps(vars(args)), flush=True)
    deadline = started + args.time_budget * 60.0 if args.time_budget > 0 else math.inf
    if args.export_only:
        args.ae_steps, args.decoder_steps, args.steps = 0, 0, 0
    vae = train_autoencoder(args, log)
    vae = finetune_decoder(args, vae, log)
    tokenizer, text_encoder, unet = train_denoiser(args, vae, log, deadline)
    export(args.model_dir, vae, tokenizer, text_encoder, unet)
    print(f"exported to {args.model_dir}; this run took {(time.time() - started) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
