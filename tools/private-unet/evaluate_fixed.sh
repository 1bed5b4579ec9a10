#!/usr/bin/env bash
# The fixed-point reference U-Net against the float one on the 48 held-out prompts (prompt i, seed i,
# PLMS, 25 steps, plaintext update): generates both image sets with tools/train-tiny/evaluate_swift.sh
# (ARITHMETIC=float and fixed), scores both with evaluate.py's classifier, and prints PSNR fixed vs float
# per image (min/median) and whether the classifier's attributes agree image by image.
#
# Usage: tools/private-unet/evaluate_fixed.sh
# Environment: HEDIFF, PYTHON, MODEL as for evaluate_swift.sh; OUT (default /tmp/tiny-shapes-fixed).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
out="${OUT:-/tmp/tiny-shapes-fixed}"
for arithmetic in float fixed; do
    ARITHMETIC="$arithmetic" OUT="$out/$arithmetic" PYTHON="$python" "$root/tools/train-tiny/evaluate_swift.sh" off
done
"$python" "$root/tools/private-unet/compare_images.py" "$out/float/off" "$out/fixed/off" --json "$out/comparison.json"
