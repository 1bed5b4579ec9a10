#!/usr/bin/env bash
# Scores the Swift pipeline (hediff) on the held-out prompts of tools/train-tiny/evaluate.py, in
# plaintext and with the encrypted update, with the same classifier as the diffusers evaluation.
# Prompt i is generated with seed i (as evaluate.py --model does), PLMS, 25 steps.
#
# Usage: tools/train-tiny/evaluate_swift.sh [MODES...]        (default modes: off sparse)
# Environment: HEDIFF (default .build/release/hediff), PYTHON (default .venv/bin/python),
#              MODEL (default Models/tiny-shapes), OUT (default /tmp/tiny-shapes-swift),
#              GUIDANCE (default: hediff's default for the model), PROMPT_SET (held-out or training),
#              ARITHMETIC (the U-Net's: float, the default, or fixed — the private U-Net's integer reference).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
hediff="${HEDIFF:-$root/.build/release/hediff}"
python="${PYTHON:-$root/.venv/bin/python}"
model="${MODEL:-$root/Models/tiny-shapes}"
out="${OUT:-/tmp/tiny-shapes-swift}"
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(off sparse)

mkdir -p "$out"
"$python" "$root/tools/train-tiny/evaluate.py" --write-prompts "$out/prompts.tsv" --prompt-set "${PROMPT_SET:-held-out}"
guidance=()
[ -z "${GUIDANCE:-}" ] || guidance=(--guidance "$GUIDANCE")
for mode in "${modes[@]}"; do
    dir="$out/$mode"
    mkdir -p "$dir"
    cp "$out/prompts.tsv" "$dir/prompts.tsv"
    SECONDS=0
    seed=0
    while IFS=$'\t' read -r file prompt; do
        "$hediff" generate --model "$model" --prompt "$prompt" --steps 25 "${guidance[@]}" --seed "$seed" \
            --privacy "$mode" --unet-arithmetic "${ARITHMETIC:-float}" --output "$dir/$file" 2>/dev/null >/dev/null
        seed=$((seed + 1))
    done < "$out/prompts.tsv"
    echo "== $mode: $seed images in ${SECONDS} s"
    "$python" "$root/tools/train-tiny/evaluate.py" --images "$dir" --prompts "$out/prompts.tsv" --json "$dir/scores.json"
done
