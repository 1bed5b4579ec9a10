#!/usr/bin/env bash
# Times `hediff bench unet|vae|text` and the PyTorch anchor (tools/bench/torch_sd_component.py) back to
# back, alternating, and prints one JSON line per run plus the ratio ours/PyTorch of the medians.
# Usage: tools/bench/compare_sd_cpu.sh [HEDIFF] [PYTHON] [REPS] [COMPONENTS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hediff=${1:-.build/release/hediff}
python=${2:-.venv/bin/python}
reps=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
components=${*:-unet vae text}
for component in $components; do
    ours=$("$hediff" bench "$component" --json --repetitions "$reps" 2>/dev/null)
    theirs=$("$python" "$here/torch_sd_component.py" "$component" "$reps" 2>/dev/null | tail -1)
    python3 - "$component" "$ours" "$theirs" <<'PY'
import json, sys
component, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(json.dumps({"component": component, "ours": ours, "pytorch": theirs,
                  "ratio_median": ours["median_s"] / theirs["median_s"], "ratio_min": ours["min_s"] / theirs["min_s"]}))
PY
done
