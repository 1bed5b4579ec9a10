"""Oracle fixtures for HE-Diffusion's min-distortion selection.

A numpy port of the reference implementation's `hill_cost_function` and `remove_points`
(HE-diffusion/HE-diffusion, ldm/distortion.py, commit 4c55766): the same C x C kernels, the same
reflect padding, and the same staged removal loop (bulk filter, repeated filters, top-k halving,
then one point at a time). Writes Tests/Fixtures/hediffusion/selection.safetensors with, for each
case, the latent, the cost map and the 0/1 mask of removed (plaintext) points per threshold.

Usage: .venv/bin/python tools/hediffusion/make_selection_fixtures.py
"""
import json
import math
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "hediffusion" / "selection.safetensors"
THRESHOLDS = [0.01, 0.05, 0.1]


def mirror_padded_convolution(x, kernel):
    """x: [B, C, H, W], kernel: [Cout, Cin, kh, kw]; reflect padding of min(k//2, size-1), no bias."""
    kh, kw = kernel.shape[2], kernel.shape[3]
    ph, pw = min(kh // 2, x.shape[2] - 1), min(kw // 2, x.shape[3] - 1)
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="reflect")
    oh, ow = padded.shape[2] - kh + 1, padded.shape[3] - kw + 1
    out = np.zeros((x.shape[0], kernel.shape[0], oh, ow), dtype=np.float32)
    for dy in range(kh):
        for dx in range(kw):
            window = padded[:, :, dy:dy + oh, dx:dx + ow]  # [B, Cin, oh, ow]
            out += np.einsum("oi,bihw->bohw", kernel[:, :, dy, dx], window).astype(np.float32)
    return out


def hill_cost_function(x):
    while x.ndim < 4:
        x = x[None]
    c = x.shape[1]
    h = np.array([[-1, 2, -1], [2, -4, 2], [-1, 2, -1]], dtype=np.float32)
    H = np.tile(h, (c, c, 1, 1))
    L1 = np.ones((c, c, 3, 3), dtype=np.float32) / 9
    L2 = np.ones((c, c, 15, 15), dtype=np.float32) / 225
    m1 = mirror_padded_convolution(x, H)
    m2 = np.abs(m1)
    m3 = mirror_padded_convolution(m2, L1)
    zero = m3 == 0
    m3[zero] = 1.0
    m4 = (1 / m3).astype(np.float32)
    m4[zero] = 0
    return mirror_padded_convolution(m4, L2)


def remove_points(image, threshold):
    """Returns the mask of removed (left in plaintext) points, following the reference's stages."""
    cost = hill_cost_function(image).reshape(image.shape)
    dm = (np.abs(image) * cost).astype(np.float32)
    whole = dm.sum(dtype=np.float32)
    dis_threshold = whole * threshold
    removed = np.zeros(image.shape, dtype=bool)
    loc = dm * dm.size / whole < threshold
    removed |= loc
    eliminated = int(loc.sum())
    remained = dm.size - eliminated
    distortion = dm[loc].sum(dtype=np.float32)
    dm = dm.copy()
    dm[loc] = np.inf
    dis_remained = dis_threshold - distortion
    while eliminated > 1000:
        dis_remained = dis_threshold - distortion
        loc = dm * remained < dis_remained
        distortion += dm[loc].sum(dtype=np.float32)
        removed |= loc
        dm[loc] = np.inf
        eliminated = int(loc.sum())
        remained = dm.size - eliminated
    k = remained // 2
    while distortion < dis_threshold and k > 20:
        flat = dm.reshape(-1)
        order = np.argsort(flat, kind="stable")[:k]
        values = flat[order]
        if values.sum(dtype=np.float32) < dis_remained:
            removed.reshape(-1)[order] = True
            flat[order] = np.inf
            remained -= k
            distortion += values.sum(dtype=np.float32)
            dis_remained = dis_threshold - distortion
            if k >= remained:
                k = remained // 2
        else:
            k = k // 2
    while distortion < dis_threshold:
        flat = dm.reshape(-1)
        i = int(np.argmin(flat))
        distortion += flat[i]
        removed.reshape(-1)[i] = True
        flat[i] = np.inf
    return removed


def main():
    from safetensors.numpy import save_file

    rng = np.random.default_rng(20240305)
    tensors, cases = {}, []
    shapes = [("randn_4x64x64", (1, 4, 64, 64), 1.0), ("randn_4x16x16", (1, 4, 16, 16), 1.0),
              ("scaled_4x32x32", (1, 4, 32, 32), 3.0)]
    for name, shape, sigma in shapes:
        latent = (rng.standard_normal(shape) * sigma).astype(np.float32)
        tensors[f"{name}.latent"] = latent
        tensors[f"{name}.cost"] = hill_cost_function(latent)[:, :1].copy()
        fractions = {}
        for t in THRESHOLDS:
            mask = remove_points(latent, t)
            tensors[f"{name}.removed_{t}"] = mask.astype(np.float32)
            fractions[str(t)] = 1 - float(mask.mean())
        cases.append({"name": name, "shape": list(shape), "encrypted_fraction": fractions})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(OUT), metadata={"cases": json.dumps(cases), "thresholds": json.dumps(THRESHOLDS)})
    print(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main()
