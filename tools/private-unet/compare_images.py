#!/usr/bin/env python3
"""PSNR of one image set against another, image by image, and agreement of evaluate.py's attributes.

Usage: compare_images.py REFERENCE_DIR CANDIDATE_DIR [--json FILE]
Both folders hold the same file names (prompts.tsv lists them) and a scores.json written by
tools/train-tiny/evaluate.py --images DIR --json DIR/scores.json. Needs numpy and Pillow.
"""
import argparse
import json
import math
import os

import numpy as np
from PIL import Image


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference")
    parser.add_argument("candidate")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    with open(os.path.join(args.reference, "prompts.tsv"), encoding="utf-8") as f:
        files = [line.split("\t", 1)[0] for line in f if line.strip()]
    values = []
    for name in files:
        a = np.asarray(Image.open(os.path.join(args.reference, name)).convert("RGB"))
        b = np.asarray(Image.open(os.path.join(args.candidate, name)).convert("RGB"))
        values.append(psnr(a, b))
    scores = []
    for folder in (args.reference, args.candidate):
        with open(os.path.join(folder, "scores.json"), encoding="utf-8") as f:
            scores.append({r["file"]: r for r in json.load(f)["images"]["records"]})
    disagreements = [n for n in files if scores[0][n]["found"] != scores[1][n]["found"]]
    accuracy = [json.load(open(os.path.join(d, "scores.json")))["images"]["accuracy"] for d in (args.reference, args.candidate)]
    finite = sorted(v for v in values)
    result = {
        "images": len(files),
        "psnr_min_db": finite[0],
        "psnr_median_db": float(np.median(finite)),
        "psnr_max_db": finite[-1],
        "classification_identical": len(disagreements) == 0,
        "classification_disagreements": disagreements,
        "reference_accuracy": accuracy[0],
        "candidate_accuracy": accuracy[1],
        "psnr_db": dict(zip(files, values)),
    }
    print(f"PSNR candidate vs reference over {len(files)} images: min {finite[0]:.2f} dB, "
          f"median {np.median(finite):.2f} dB, max {finite[-1]:.2f} dB")
    print(f"classifier attributes identical on {len(files) - len(disagreements)}/{len(files)} images"
          + (f" (differ: {', '.join(disagreements)})" if disagreements else ""))
    print(f"accuracy reference {accuracy[0]}, candidate {accuracy[1]}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
