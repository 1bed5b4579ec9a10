#!/usr/bin/env bash
# The audit table of docs/THREAT-MODEL.md: `hediff audit --json` on the embedded model for every
# private mode, with random and with seeded noise, over four prompts; one JSON object per line on
# stdout, then a summary per (mode, noise, threshold) with the mean PSNR of each attack and of chance.
# Each cell: mean PSNR in dB, and in brackets how many of the three attributes (background, shape
# colour, position) the reconstruction reads back, averaged over the prompts.
# Usage: tools/audit/audit_table.sh [hediff binary]  (needs python3 for the summary)
# MODES overrides the modes audited at threshold 0.01 (default: packed sparse elementwise paper).
set -euo pipefail
HEDIFF=${1:-.build/release/hediff}
PROMPTS=(
  "a large red circle on the left, blue background"
  "a small yellow star at the top, purple background"
  "a large green square on the right, white background"
  "a small orange triangle at the bottom, black background"
)
OUT=$(mktemp)
run() { # mode noise threshold prompt
  local mode=$1 noise=$2 threshold=$3 prompt=$4
  local seed=(); [ "$noise" = seeded ] && seed=(--seed 0)
  "$HEDIFF" audit --prompt "$prompt" --privacy "$mode" --threshold "$threshold" "${seed[@]}" --json 2>/dev/null \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); r["threshold"]=float(sys.argv[1]); print(json.dumps(r))' "$threshold" | tee -a "$OUT"
}
for prompt in "${PROMPTS[@]}"; do
  for mode in ${MODES:-packed sparse elementwise paper}; do
    for noise in random seeded; do run "$mode" "$noise" 0.01 "$prompt"; done
  done
  for threshold in 0.05 0.1; do
    for mode in sparse paper; do run "$mode" random "$threshold" "$prompt"; done
  done
done
python3 - "$OUT" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = collections.OrderedDict()
for r in rows: groups.setdefault((r["mode"], r["noise"], r["threshold"]), []).append(r)
names = ["seed-search", "affine-inversion", "term-recurrence", "mask-only"]
print("| mode | noise | threshold | " + " | ".join(names) + " | chance | best − chance |")
print("|---|---|---|" + "---|" * (len(names) + 2))
for (mode, noise, t), rs in groups.items():
    cells = []
    for n in names:
        hits = [a for r in rs for a in r["attacks"] if a["name"] == n and a.get("psnr_db") is not None]
        if not hits:
            cells.append("–")
            continue
        psnr = sum(a["psnr_db"] for a in hits) / len(hits)
        attributes = [a["attributes_matched"] for a in hits if a.get("attributes_matched") is not None]
        cell = f"{psnr:.1f}" + (f" [{sum(attributes)/len(attributes):.1f}/3]" if attributes else "")
        cells.append(cell + ("" if len(hits) == len(rs) else f" ({len(hits)} of {len(rs)})"))
    chance = sum(r["chance_psnr_db"] for r in rs) / len(rs)
    chance_attributes = [b["attributes_matched"] for r in rs for b in r["baselines"] if b.get("attributes_matched") is not None]
    if chance_attributes:
        cells.append(f"{chance:.1f} [{sum(chance_attributes)/len(chance_attributes):.1f}/3]")
    else:
        cells.append(f"{chance:.1f}")
    gap = sum(r["max_psnr_db"] - r["chance_psnr_db"] for r in rs) / len(rs)
    print(f"| {mode} | {noise} | {t} | " + " | ".join(cells) + f" | {gap:+.1f} |")
PY
rm -f "$OUT"
