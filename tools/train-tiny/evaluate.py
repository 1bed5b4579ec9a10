"""Scores tiny-shapes generations with a pixel-statistics classifier.

The classifier reads back the attributes a caption names, from the pixels alone:
  background  the palette colour most border pixels are nearest to;
  colour      the palette colour most of the non-background pixels are nearest to;
  position    the anchor (left/right/top/bottom/centre) nearest to those pixels' centroid;
  size        small/large from their area;
  shape       the nearest prototype in (bounding-box fill ratio, share of the area in the
              top half of the box), prototypes measured on dataset images of another seed.

Modes (combine freely):
  --validate N          classify N ground-truth dataset images and report its accuracy;
  --write-prompts FILE  write the held-out prompt list (TSV: file name, prompt);
  --model DIR           generate the held-out prompts with the diffusers pipeline
                        (PNDM, 25 steps, the model's recommended guidance scale) into
                        --out, then score them;
  --reconstruct N       with --model: score N ground-truth images passed through the
                        model's autoencoder (the ceiling the generations can reach);
  --images DIR          score PNGs another program made from a --prompts TSV file
                        (e.g. the Swift pipeline run over --write-prompts' list);
  --prompt-set training 48 captions of training triples instead of the held-out ones
                        (tells a model that has not learnt an attribute from one that
                        cannot compose it).
"""

import argparse
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402

PALETTE_NAMES = list(dataset.COLOURS)
PALETTE = np.asarray([dataset.COLOURS[n] for n in PALETTE_NAMES], dtype=np.float64)
# A pixel belongs to the shape when it is this far (RGB Euclidean) from the background;
# about half the distance between the two closest palette colours (orange and yellow).
FOREGROUND_DISTANCE = 45.0
BORDER = 2
ATTRIBUTES = ("colour", "background", "position", "shape", "size")


def nearest_palette(pixels):
    distances = np.linalg.norm(pixels[..., None, :] - PALETTE, axis=-1)
    return distances.argmin(axis=-1)


def shape_features(mask):
    """(fill ratio of the bounding box, share of the area in the box's top half)."""
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    area = len(ys)
    fill = area / float((y1 - y0) * (x1 - x0))
    top = np.count_nonzero(ys < 0.5 * (y0 + y1)) / float(area)
    return np.array([fill, top])


def measure(image):
    """Classifies one uint8 (H, W, 3) image; returns a dict of attribute -> name ('none'
    where no shape pixels were found)."""
    pixels = np.asarray(image, dtype=np.float64)[..., :3]
    border = np.concatenate(
        [pixels[:BORDER].reshape(-1, 3), pixels[-BORDER:].reshape(-1, 3), pixels[:, :BORDER].reshape(-1, 3), pixels[:, -BORDER:].reshape(-1, 3)]
    )
    background = np.bincount(nearest_palette(border), minlength=len(PALETTE)).argmax()
    background_rgb = np.median(border, axis=0)
    foreground = np.linalg.norm(pixels - background_rgb, axis=-1) > FOREGROUND_DISTANCE
    labels = nearest_palette(pixels)
    foreground &= labels != background
    result = {"background": PALETTE_NAMES[background]}
    if np.count_nonzero(foreground) < 4:
        return {**result, "colour": "none", "position": "none", "shape": "none", "size": "none"}
    colour = np.bincount(labels[foreground], minlength=len(PALETTE)).argmax()
    mask = foreground & (labels == colour)
    ys, xs = np.nonzero(mask)
    scale = dataset.IMAGE_SIZE / pixels.shape[0]
    centroid = np.array([xs.mean() + 0.5, ys.mean() + 0.5]) * scale
    anchors = np.array([dataset.POSITIONS[p] for p in dataset.POSITIONS], dtype=np.float64)
    position = list(dataset.POSITIONS)[np.linalg.norm(anchors - centroid, axis=1).argmin()]
    area = len(ys) * scale * scale
    shape = nearest_shape(shape_features(mask))
    return {
        **result,
        "colour": PALETTE_NAMES[colour],
        "position": position,
        "shape": shape,
        "size": "large" if area > LARGE_AREA[shape] else "small",
    }


def _prototypes(seed=7, per_shape=40):
    """Per shape, from dataset shapes drawn with `seed`: the mean features, their mean
    spread, and the area (pixels) half-way between the small and the large size."""
    rng = np.random.default_rng(seed)
    means, spreads, large_area = {}, [], {}
    for shape in dataset.SHAPES:
        features, areas = [], {size: [] for size in dataset.SIZES}
        for _ in range(per_shape):
            scene = dataset.random_scene(rng, [(c, shape, p) for c in dataset.COLOURS for p in dataset.POSITIONS])
            mask = dataset.shape_coverage(shape, *_jittered(scene, rng)) >= 0.5
            features.append(shape_features(mask))
            areas[scene.size].append(np.count_nonzero(mask))
        features = np.array(features)
        means[shape] = features.mean(axis=0)
        spreads.append(features.std(axis=0))
        large_area[shape] = 0.5 * (np.mean(areas["small"]) + np.mean(areas["large"]))
    return means, np.mean(spreads, axis=0) + 1e-3, large_area


def _jittered(scene, rng):
    cx, cy = dataset.POSITIONS[scene.position]
    jitter = dataset.POSITION_JITTER
    radius = dataset.SIZES[scene.size] * (1.0 + rng.uniform(-dataset.SIZE_JITTER, dataset.SIZE_JITTER))
    return cx + rng.uniform(-jitter, jitter), cy + rng.uniform(-jitter, jitter), radius


PROTOTYPES, PROTOTYPE_SPREAD, LARGE_AREA = _prototypes()


def nearest_shape(features):
    distances = {s: np.linalg.norm((features - m) / PROTOTYPE_SPREAD) for s, m in PROTOTYPES.items()}
    return min(distances, key=distances.get)


def parse_prompt(prompt):
    """The attributes a training-style caption names."""
    words = prompt.replace(",", " ").split()
    position = next(p for p, phrase in dataset.POSITION_PHRASES.items() if phrase in prompt)
    colours = [w for w in words if w in dataset.COLOURS]
    return {
        "size": next(w for w in words if w in dataset.SIZES),
        "colour": colours[0],
        "background": colours[1],
        "shape": next(w for w in words if w in dataset.SHAPES),
        "position": position,
    }


def score(records):
    """Per-attribute accuracy (fraction) over records of {expected, found}."""
    return {a: float(np.mean([r["expected"][a] == r["found"][a] for r in records])) for a in ATTRIBUTES}


def report(title, records):
    accuracy = score(records)
    print(f"{title}: " + ", ".join(f"{a} {100 * v:.1f}%" for a, v in accuracy.items()) + f" (n={len(records)})")
    return accuracy


def ground_truth(count, seed):
    """Scenes of every triple (held-out included) and their rendered images."""
    rng = np.random.default_rng(seed)
    every = [(c, s, p) for c in dataset.COLOURS for s in dataset.SHAPES for p in dataset.POSITIONS]
    scenes = [dataset.random_scene(rng, every) for _ in range(count)]
    return scenes, [dataset.render(s, rng) for s in scenes]


def records_for(scenes, images):
    return [
        {"prompt": s.caption, "expected": {a: getattr(s, a) for a in ATTRIBUTES}, "found": measure(image)}
        for s, image in zip(scenes, images)
    ]


def validate(count, seed=0):
    """Accuracy of the classifier itself on ground-truth images."""
    return records_for(*ground_truth(count, seed))


def reconstruct(model, count, seed=1):
    """Classifier accuracy on ground-truth images encoded and decoded by the model's VAE."""
    import torch
    from diffusers import AutoencoderKL

    torch.set_num_threads(2)
    vae = AutoencoderKL.from_pretrained(model, subfolder="vae", dtype=torch.float32).eval()
    scenes, images = ground_truth(count, seed)
    x = torch.from_numpy(np.stack(images).astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0)
    with torch.no_grad():
        decoded = vae.decode(vae.encode(x).latent_dist.mode()).sample
    decoded = ((decoded.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    return records_for(scenes, decoded)


def held_out_prompts():
    return [(f"{i:03d}.png", s.caption) for i, s in enumerate(dataset.held_out_scenes())]


def training_prompts(count=48, seed=4321):
    """Captions of training triples: with the held-out list, tells learning from composing."""
    return [(f"{i:03d}.png", s.caption) for i, s in enumerate(dataset.ShapesStream(seed).scenes(count))]


PROMPT_SETS = {"held-out": held_out_prompts, "training": training_prompts}


def write_prompts(path, prompts):
    with open(path, "w", encoding="utf-8") as f:
        for name, prompt in prompts:
            f.write(f"{name}\t{prompt}\n")


def read_prompts(path):
    with open(path, encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t", 1)) for line in f if line.strip()]


def generate(model, prompts, out, seed, steps, guidance, batch=16):
    """Runs the diffusers pipeline (as shipped: PNDM) on the prompts, one seed per prompt."""
    import torch
    from diffusers import StableDiffusionPipeline

    torch.set_num_threads(2)
    pipe = StableDiffusionPipeline.from_pretrained(model, dtype=torch.float32, safety_checker=None)
    pipe.set_progress_bar_config(disable=True)
    size = pipe.unet.config.sample_size * pipe.vae_scale_factor
    os.makedirs(out, exist_ok=True)
    for start in range(0, len(prompts), batch):
        chunk = prompts[start : start + batch]
        generators = [torch.Generator().manual_seed(seed + start + i) for i in range(len(chunk))]
        images = pipe(
            [p for _, p in chunk], height=size, width=size, num_inference_steps=steps, guidance_scale=guidance, generator=generators
        ).images
        for (name, _), image in zip(chunk, images):
            image.save(os.path.join(out, name))
    write_prompts(os.path.join(out, "prompts.tsv"), prompts)


def model_guidance(model):
    """The guidance scale the model folder recommends (generation_defaults.json), else SD's 7.5."""
    path = os.path.join(model, "generation_defaults.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return float(json.load(f).get("guidance_scale", 7.5))
    return 7.5


def score_folder(folder, prompts):
    records = []
    for name, prompt in prompts:
        image = np.asarray(Image.open(os.path.join(folder, name)).convert("RGB"))
        records.append({"file": name, "prompt": prompt, "expected": parse_prompt(prompt), "found": measure(image)})
    return records


def contact_sheet(folder, prompts, path, columns=8):
    tiles = [np.asarray(Image.open(os.path.join(folder, name)).convert("RGB")) for name, _ in prompts]
    h, w, _ = tiles[0].shape
    rows = (len(tiles) + columns - 1) // columns
    sheet = np.zeros((rows * h, columns * w, 3), dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = tile
    Image.fromarray(sheet).save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--validate", type=int, default=0, metavar="N")
    parser.add_argument("--write-prompts", metavar="FILE")
    parser.add_argument("--model", metavar="DIR")
    parser.add_argument("--reconstruct", type=int, default=0, metavar="N")
    parser.add_argument("--out", default="/tmp/tiny-shapes-eval", help="where --model writes its images")
    parser.add_argument("--images", metavar="DIR")
    parser.add_argument("--prompts", metavar="FILE", help="TSV (file, prompt) for --images; default DIR/prompts.tsv")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--guidance", type=float, help="default: the model's generation_defaults.json, else 7.5")
    parser.add_argument("--prompt-set", choices=list(PROMPT_SETS), default="held-out", help="prompts for --model and --write-prompts")
    parser.add_argument("--json", metavar="FILE", help="write accuracies and per-image records here")
    args = parser.parse_args()

    results = {}
    if args.validate:
        records = validate(args.validate)
        results["classifier_on_ground_truth"] = {"accuracy": report("classifier on ground truth", records), "records": records}
    if args.write_prompts:
        write_prompts(args.write_prompts, PROMPT_SETS[args.prompt_set]())
    if args.model and args.reconstruct:
        records = reconstruct(args.model, args.reconstruct)
        results["autoencoder_reconstructions"] = {"accuracy": report("autoencoder reconstructions", records), "records": records}
    folders = []
    if args.model:
        prompts = PROMPT_SETS[args.prompt_set]()
        guidance = args.guidance if args.guidance is not None else model_guidance(args.model)
        print(f"generating with guidance {guidance}, {args.steps} steps")
        generate(args.model, prompts, args.out, args.seed, args.steps, guidance)
        folders.append(("diffusers", args.out, prompts))
    if args.images:
        folders.append(("images", args.images, read_prompts(args.prompts or os.path.join(args.images, "prompts.tsv"))))
    for label, folder, prompts in folders:
        records = score_folder(folder, prompts)
        if label == "diffusers":
            contact_sheet(folder, prompts, os.path.join(folder, "sheet.png"))
        results[label] = {"folder": folder, "accuracy": report(f"{label} ({folder})", records), "records": records}
        for r in records:
            wrong = [a for a in ATTRIBUTES if r["expected"][a] != r["found"][a]]
            if wrong:
                print(f"  {r['file']} {r['prompt']!r}: " + ", ".join(f"{a} {r['found'][a]}" for a in wrong))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
