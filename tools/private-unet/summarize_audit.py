#!/usr/bin/env python3
"""Summarises `hediff private audit-ranges --json` output: the minimum headroom per kind of layer
(stored values and accumulators), the layers below a threshold, and the headroom another ℓ would leave
(values are identical for every ℓ at which nothing wraps, so headroom moves by exactly Δℓ).

Usage: summarize_audit.py AUDIT.json [--threshold 8] [--ring-bits 41]
"""
import argparse
import json
import re


def kind(name):
    last = name.split(".")[-1]
    if last in ("logits", "logit_spread", "row_sum", "pv", "attention", "geglu", "sum", "scaling"):
        return last
    if re.fullmatch(r"norm\d?|conv_norm_out", last):
        return "norm"
    if re.fullmatch(r"silu\d", last) or name.endswith(".silu"):
        return "silu"
    if re.fullmatch(r"\d+", last):
        return "resnet output" if ".resnets." in name else "down/upsampler"
    return last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("audit")
    parser.add_argument("--threshold", type=float, default=8)
    parser.add_argument("--ring-bits", type=int, help="also show headroom at this ℓ (ℓ-ring entries only)")
    args = parser.parse_args()
    report = json.load(open(args.audit))
    ring = report["ring_bits"]
    delta = (args.ring_bits - ring) if args.ring_bits else 0
    print(f"Z_2^{ring}, f = {report['fraction_bits']}, {report['prompts']} prompts x {report['steps']} steps, "
          f"{report['evaluations']} evaluations, {report['seconds_per_evaluation']:.3f} s each")
    kinds = {}
    for layer in report["layers"]:
        k = kinds.setdefault(kind(layer["name"]), {"stored": [], "acc": [], "acc_ring": None, "max": 0.0})
        if layer.get("stored_headroom_bits") is not None:
            k["stored"].append((layer["stored_headroom_bits"], layer["name"]))
            k["max"] = max(k["max"], layer["stored_max"])
        if layer.get("accumulator_headroom_bits") is not None:
            k["acc"].append((layer["accumulator_headroom_bits"], layer["name"]))
            k["acc_ring"] = layer["accumulator_ring_bits"]
    header = "| kind | layers | largest stored value | min stored headroom | min accumulator headroom (ring) |"
    if delta:
        header += f" min headroom at ℓ = {args.ring_bits} |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for name, k in sorted(kinds.items(), key=lambda item: min([h for h, _ in item[1]["stored"] + item[1]["acc"]] or [99])):
        stored = min(k["stored"])[0] if k["stored"] else None
        acc = min(k["acc"])[0] if k["acc"] else None
        row = (f"| {name} | {max(len(k['stored']), len(k['acc']))} | {k['max']:.4g} | "
               + (f"{stored:.2f}" if stored is not None else "—") + " | "
               + (f"{acc:.2f} (Z_2^{k['acc_ring']})" if acc is not None else "—") + " |")
        if delta:
            values = [s for s in [stored] if s is not None]
            if acc is not None:
                values.append(acc + (delta if k["acc_ring"] == ring else 0))
            if stored is not None:
                values[0] = stored + delta
            row += f" {min(values):.2f} |" if values else " — |"
        print(row)
    below = [(l["accumulator_headroom_bits"], l["name"], "accumulator") for l in report["layers"]
             if l.get("accumulator_headroom_bits") is not None and l["accumulator_headroom_bits"] < args.threshold]
    below += [(l["stored_headroom_bits"], l["name"], "stored") for l in report["layers"]
              if l.get("stored_headroom_bits") is not None and l["stored_headroom_bits"] < args.threshold]
    print(f"\n{len(below)} entries below {args.threshold} bits:")
    for headroom, name, what in sorted(below):
        print(f"  {headroom:6.2f}  {what:11s}  {name}")


if __name__ == "__main__":
    main()
