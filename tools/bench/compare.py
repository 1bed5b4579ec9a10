"""Side-by-side benchmarks of HEDiffusion against its anchors, in one run, as ratios.

  ckks: `hediff ckks bench --json` against Microsoft SEAL 4.4 (seal-python), paper parameters.
  step: `hediff bench step --json` (sparse / packed / element-wise; update and reference
        parameters) against the reference step with TenSEAL (../shared/anchors/tenseal_step_json.py)
        and a numpy port of the reference selection (tools/hediffusion/make_selection_fixtures.py).

Usage (from the repository root, after `make build`):
  python tools/bench/compare.py [ckks|step|all] [--reps N]
Needs a venv with: tenseal==0.3.18 seal-python==4.4.0 numpy (see BENCHMARKS.md).
Prints Markdown tables for BENCHMARKS.md.
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
ANCHORS = ROOT.parent / "shared" / "anchors"
HEDIFF = ROOT / ".build" / "release" / "hediff"


def run_json(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(out)


def ckks(reps):
    ours = run_json([str(HEDIFF), "ckks", "bench", "--json", "--params", "reference", "--repetitions", str(reps)])
    seal = run_json([sys.executable, str(ANCHORS / "seal_ops_json.py"), str(reps)])
    print("| operation | HEDiffusion median (min) | SEAL 4.4 median (min) | ratio ours/SEAL (median) |")
    print("|---|---|---|---|")
    names = ["ntt_forward", "ntt_inverse", "encode", "decode", "encrypt_symmetric", "encrypt_public", "decrypt",
             "multiply_plain", "multiply_scalar_rescale", "add_plain", "multiply_relinearize", "rotate"]
    for name in names:
        o = ours["ops"][name]
        s = seal["ops"].get(name) or seal["ops"].get("ntt_per_limb")
        print(f"| {name} | {o['median_s']*1e6:.1f} µs ({o['min_s']*1e6:.1f}) | {s['median_s']*1e6:.1f} µs ({s['min_s']*1e6:.1f}) "
              f"| **{o['median_s']/s['median_s']:.2f}** |")
    print(f"\nsizes: ours {ours['sizes']}; SEAL raw ciphertext 917,617 B, seeded+zstd 237,337 B (CKKS-ANCHORS.md)")


def step(reps):
    sys.path.insert(0, str(ROOT / "tools" / "hediffusion"))
    import numpy as np
    from make_selection_fixtures import remove_points

    rng = np.random.default_rng(0)
    latent = rng.standard_normal((1, 4, 64, 64)).astype(np.float32)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        remove_points(latent, 0.01)
        times.append(time.perf_counter() - t0)
    select_reference = statistics.median(times)
    tenseal = run_json([sys.executable, str(ANCHORS / "tenseal_step_json.py"), "0.885", str(reps)])
    reference_step = select_reference + tenseal["total_s"]
    print(f"reference (same run): remove_points (numpy port) {select_reference*1e3:.2f} ms + TenSEAL packed update of "
          f"{tenseal['values']} values {tenseal['total_s']*1e3:.2f} ms = **{reference_step*1e3:.2f} ms** per step\n")
    print("| mode | he-params | select | encrypt | evaluate | decrypt+merge | total | encrypted | ratio to reference step |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [("packed", "update", []), ("packed", "reference", []), ("sparse", "update", []), ("sparse", "reference", []),
            ("paper", "update", []), ("paper", "reference", []),
            ("elementwise", "reference", ["--baseline-sample", "256"]), ("elementwise", "update", ["--baseline-sample", "256"])]
    results = {}
    for mode, params, extra in rows:
        r = run_json([str(HEDIFF), "bench", "step", "--json", "--privacy", mode, "--he-params", params,
                      "--repetitions", str(reps if mode != "elementwise" else 1)] + extra)
        results[(mode, params)] = r
        s = r["per_step_s"]
        note = " (extrapolated)" if r["extrapolated"] else ""
        print(f"| {mode} | {params} | {s['select']*1e3:.2f} ms | {s['encrypt']*1e3:.2f} ms | {s['evaluate']*1e3:.2f} ms "
              f"| {s['decrypt_merge']*1e3:.2f} ms | **{s['total']*1e3:.2f} ms**{note} | {r['encrypted_fraction']*100:.1f}% "
              f"| {s['total']/reference_step:.3f} |")
    for params in ["update", "reference"]:
        speedup = results[("elementwise", params)]["per_step_s"]["total"] / results[("sparse", params)]["per_step_s"]["total"]
        print(f"\nsparse over elementwise, {params}: **{speedup:.0f}x**")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all", choices=["ckks", "step", "all"])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    if args.what in ("ckks", "all"):
        ckks(args.reps)
    if args.what in ("step", "all"):
        print()
        step(args.reps)


if __name__ == "__main__":
    main()
