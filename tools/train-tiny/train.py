"""Trains the tiny-shapes Stable Diffusion v1.x-architecture model on the CPU.

Stage 1 trains an AutoencoderKL (64x64x3 <-> 16x16x4, downsampling 4) on procedural shape
images, and stage 1b sharpens its decoder with the encoder frozen; stage 2 trains a
CLIPTextModel and a UNet2DConditionModel jointly with SD v1's noise-prediction objective
(DDPM, 1000 steps, scaled_linear betas 0.00085-0.012), min-SNR loss weighting, 10% empty
captions for classifier-free guidance and attribute dropout (captions that leave out some
attributes, so each word is learnt on its own). The result is written as a standard fp16
diffusers StableDiffusionPipeline folder, so the code path that runs it also runs SD v1.5.

The text encoder is trained jointly (from scratch) rather than frozen: the captions use
about thirty words whose roles depend on their place in the sentence ("red circle ...,
blue background"), which a trained causal CLIP encoder captures and a frozen random
embedding does not.

Every stage checkpoints to --work-dir and resumes from there, and losses are appended to
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


def build_unet(channels, attention_levels):
    """A UNet with one level per entry of `channels` (16x16, 8x8, 4x4, ...); the levels in
    `attention_levels` get cross-attention, as SD v1.x's CrossAttnDownBlock2D / UpBlock2D.

    The coarsest level matters for position: at 4x4 every cell sees the zero padding of a
    different border, which is how a UNet without positional embeddings tells left from right.
    """
    from diffusers import UNet2DConditionModel

    levels = range(len(channels))
    down = tuple("CrossAttnDownBlock2D" if i in attention_levels else "DownBlock2D" for i in levels)
    up = tuple("CrossAttnUpBlock2D" if i in attention_levels else "UpBlock2D" for i in reversed(levels))
    return UNet2DConditionModel(
        sample_size=dataset.IMAGE_SIZE // 4,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=channels,
        down_block_types=down,
        up_block_types=up,
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
            # Latent noise augmentation: the decoder learns to render a slightly-off latent
            # (a denoiser's residual error, amplified by classifier-free guidance) as the clean
            # image instead of as speckle.
            if args.decoder_latent_noise > 0:
                level = args.decoder_latent_noise * torch.rand(z.shape[0], 1, 1, 1, generator=generator)
                z = z + level * torch.randn(z.shape, generator=generator) / vae.config.scaling_factor
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
    """Posterior means and standard deviations of --pool-size fresh dataset images, with their scenes.

    Encoding once instead of at every step halves the cost of a stage-2 step on this CPU;
    a fresh posterior sample is still drawn every time an image is used, and the caption is
    rendered from the scene at every use (see `captions_for`).
    """
    path = os.path.join(args.work_dir, f"latent_pool_{args.pool_size}.pt")
    if os.path.exists(path):
        return torch.load(path, weights_only=False)
    stream = dataset.ShapesStream(args.seed + 100)
    means, stds, scenes = [], [], []
    with torch.no_grad():
        for _ in range(0, args.pool_size, 64):
            batch_scenes = stream.scenes(64)
            posterior = vae.encode(torch.from_numpy(stream.images(batch_scenes))).latent_dist
            means.append(posterior.mean)
            stds.append(posterior.std)
            scenes += batch_scenes
    pool = {"mean": torch.cat(means), "std": torch.cat(stds), "scenes": [tuple(vars(s).values()) for s in scenes]}
    save_checkpoint(path, **pool)
    print(f"encoded a pool of {len(scenes)} images", flush=True)
    return pool


def captions_for(scenes, rand, args):
    """Training captions and attribute labels.

    A caption is empty with probability --caption-dropout (for classifier-free guidance),
    otherwise the scene's caption with each attribute left out with probability
    --attribute-dropout. `rand` holds one uniform number per scene and attribute, plus one.
    The labels, (n, attributes), hold each named attribute's index among its values, or
    the value count where the caption leaves it out (for `AttributeProbe`).
    """
    captions, labels = [], []
    for scene, r in zip(scenes, rand.tolist()):
        scene = dataset.Scene(*scene)
        omitted = set(dataset.Scene.ATTRIBUTES)
        if r[0] >= args.caption_dropout:
            omitted = {a for a, u in zip(dataset.Scene.ATTRIBUTES, r[1:]) if u < args.attribute_dropout}
        captions.append(scene.partial_caption(omitted) if len(omitted) < len(dataset.Scene.ATTRIBUTES) else "")
        labels.append([
            len(values) if a in omitted else values.index(getattr(scene, a))
            for a, values in AttributeProbe.VALUES.items()
        ])
    return captions, torch.tensor(labels)


class AttributeProbe(torch.nn.Module):
    """Linear classifiers that read each attribute back from the text encoder's output.

    An auxiliary loss for training only (not exported). Trained jointly from scratch, the
    text encoder and UNet otherwise stall in a chicken-and-egg state for the position words:
    the UNet cannot use what the encoder does not separate, so the encoder is never asked to
    separate it (measured: "left" and "right" captions 2% apart after 4,500 steps, the
    background colour 140%). The probe reads the mean over all 77 token states, which is what
    a UNet query that has not yet learnt where to look receives from cross-attention.
    """

    VALUES = {
        "size": list(dataset.SIZES),
        "colour": list(dataset.COLOURS),
        "shape": list(dataset.SHAPES),
        "position": list(dataset.POSITIONS),
        "background": list(dataset.COLOURS),
    }

    def __init__(self, width):
        super().__init__()
        self.heads = torch.nn.ModuleList(torch.nn.Linear(width, len(v) + 1) for v in self.VALUES.values())

    def loss(self, hidden, labels):
        pooled = hidden.mean(dim=1)
        return sum(F.cross_entropy(head(pooled), labels[:, i]) for i, head in enumerate(self.heads))


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
    unet = build_unet(tuple(args.unet_channels), set(args.attention_levels))
    modules = [text_encoder, unet]
    noise_scheduler = DDPMScheduler.from_config({**SD_V1_SCHEDULER, "_class_name": "DDPMScheduler"})
    alphas_cumprod = noise_scheduler.alphas_cumprod
    params = [p for m in modules for p in m.parameters()]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    ema = EMA(modules, args.ema_decay)
    probe = AttributeProbe(text_encoder.config.hidden_size)
    probe_optimizer = torch.optim.AdamW(probe.parameters(), lr=args.lr, weight_decay=0.0)
    pool = latent_pool(args, vae)
    token_cache = {}

    def token_ids(captions):
        missing = [c for c in set(captions) if c not in token_cache]
        if missing:
            token_cache.update(zip(missing, tokenize(tokenizer, missing)))
        return torch.stack([token_cache[c] for c in captions])

    generator = torch.Generator().manual_seed(args.seed)
    path = os.path.join(args.work_dir, "denoiser.pt")
    step = 0
    if os.path.exists(path):
        state = torch.load(path, weights_only=False)
        text_encoder.load_state_dict(state["text_encoder"])
        unet.load_state_dict(state["unet"])
        optimizer.load_state_dict(state["optimizer"])
        ema.load_state_dict(state["ema"])
        generator.set_state(state["generator"])
        if "probe" in state:
            probe.load_state_dict(state["probe"])
            probe_optimizer.load_state_dict(state["probe_optimizer"])
        step = state["step"]
        print(f"resumed denoiser at step {step}", flush=True)
    for m in modules:
        m.train()
    vae.eval()
    scaling = vae.config.scaling_factor

    def checkpoint():
        save_checkpoint(
            path,
            text_encoder=text_encoder.state_dict(),
            unet=unet.state_dict(),
            optimizer=optimizer.state_dict(),
            ema=ema.state_dict(),
            probe=probe.state_dict(),
            probe_optimizer=probe_optimizer.state_dict(),
            generator=generator.get_state(),
            step=step,
        )
        return step

    started, window, saved_step = time.time(), [], step
    while step < args.steps and time.time() < deadline:
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.steps, args.lr, 200)
        index = torch.randint(0, len(pool["scenes"]), (args.batch,), generator=generator)
        rand = torch.rand(args.batch, 1 + len(dataset.Scene.ATTRIBUTES), generator=generator)
        captions, labels = captions_for([pool["scenes"][i] for i in index.tolist()], rand, args)
        ids = token_ids(captions)
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
        # Min-SNR-gamma weighting (Hang et al. 2023): the nearly clean timesteps, where the
        # caption hardly matters, stop dominating the gradient.
        snr = alphas_cumprod[timesteps] / (1.0 - alphas_cumprod[timesteps])
        weight = snr.clamp(max=args.min_snr_gamma) / snr if args.min_snr_gamma > 0 else torch.ones_like(snr)
        loss = (weight * F.mse_loss(prediction, noise, reduction="none").mean(dim=(1, 2, 3))).mean()
        probe_loss = probe.loss(hidden, labels) if args.attribute_loss_weight > 0 else torch.zeros(())
        optimizer.zero_grad(set_to_none=True)
        probe_optimizer.zero_grad(set_to_none=True)
        (loss + args.attribute_loss_weight * probe_loss).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        probe_optimizer.step()
        step += 1
        ema.update(modules, step)
        window.append((loss.item(), probe_loss.item()))
        if step % 25 == 0 or step == args.steps:
            losses = np.mean(window, axis=0)
            elapsed = (time.time() - started) / len(window)
            log("unet", step, loss=losses[0], probe=losses[1], lr=optimizer.param_groups[0]["lr"], sec_per_step=elapsed)
            started, window = time.time(), []
        if step % args.checkpoint_every == 0 or step == args.steps:
            saved_step = checkpoint()
    if step != saved_step:
        checkpoint()
    print(f"stage 2 ended at step {step}", flush=True)
    ema.copy_to(modules)
    for m in modules:
        m.eval()
    return tokenizer, text_encoder, unet


# --------------------------------------------------------------------------- export


def export(model_dir, vae, tokenizer, text_encoder, unet, guidance, steps):
    """Writes the fp16 diffusers folder: model_index.json, the component folders, the
    tokenizer files byte-identical to the fixture tokenizer, and generation_defaults.json
    with the recommended guidance scale and step count."""
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
    # The sampling settings hediff uses for this folder unless told otherwise
    # (StableDiffusion's GenerationDefaults; diffusers ignores the file).
    with open(os.path.join(model_dir, "generation_defaults.json"), "w", encoding="utf-8") as f:
        json.dump({"guidance_scale": guidance, "num_inference_steps": steps}, f, indent=1)
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
    parser.add_argument("--decoder-latent-noise", type=float, default=0.0, help="largest latent noise (x latent std) the decoder is trained to ignore")
    parser.add_argument("--steps", type=int, default=16000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--unet-channels", type=int, nargs="+", default=[32, 64, 64], help="channels per UNet level")
    parser.add_argument("--attention-levels", type=int, nargs="+", default=[1, 2], help="UNet levels with cross-attention (0: 16x16)")
    parser.add_argument("--caption-dropout", type=float, default=0.1, help="share of empty captions (classifier-free guidance)")
    parser.add_argument("--attribute-dropout", type=float, default=0.08, help="chance of leaving each attribute out of a caption")
    parser.add_argument("--attribute-loss-weight", type=float, default=0.05, help="weight of the AttributeProbe loss on the text encoder (0: none)")
    parser.add_argument("--min-snr-gamma", type=float, default=5.0, help="min-SNR loss weighting (0: plain MSE)")
    parser.add_argument("--noise-offset", type=float, default=0.1)
    parser.add_argument("--ema-decay", type=float, default=0.999)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--pool-size", type=int, default=32768, help="images encoded once for stage 2")
    parser.add_argument("--time-budget", type=float, default=0.0, help="minutes for the whole run (0: none); stage 2 stops when it is spent")
    parser.add_argument("--default-guidance", type=float, default=2.0, help="guidance scale written to generation_defaults.json")
    parser.add_argument("--default-steps", type=int, default=25, help="step count written to generation_defaults.json")
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
    unet = build_unet(tuple(args.unet_channels), set(args.attention_levels))
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
    export(args.model_dir, vae, tokenizer, text_encoder, unet, args.default_guidance, args.default_steps)
    print(f"exported to {args.model_dir}; this run took {(time.time() - started) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
