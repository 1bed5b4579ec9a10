#!/usr/bin/env bash
# Generated-code check of the constant-time residue helpers: compiles ModularArithmetic with
# the probes of Probes.swift (release optimization, the Makefile's AVX2/BMI2 target) and lists,
# per probe, its conditional jumps and conditional moves. A helper on secret data must have no
# conditional jump; the loop probe may have only its loop's own (on the public index).
# Usage: tools/constant-time/check-asm.sh [extra swiftc flags, e.g. -target-cpu x86-64]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(-target-cpu haswell)
swiftc -O -wmo -parse-as-library -module-name ModularArithmetic "${flags[@]}" -emit-assembly \
    Sources/ModularArithmetic/*.swift tools/constant-time/Probes.swift -o "$out/probes.s"
status=0
for symbol in $(grep -oE '^\$s17ModularArithmetic[0-9]+probe[^:]*' "$out/probes.s" | sort -u); do
    body=$(awk -v s="$symbol:" 'index($0, s) == 1 {on = 1; next} on && /^\.Lfunc_end/ {exit} on' "$out/probes.s")
    jumps=$(grep -cE '^\s+j(a|ae|b|be|c|e|g|ge|l|le|na|nae|nb|nbe|nc|ne|ng|nge|nl|nle|no|np|ns|nz|o|p|pe|po|s|z)\s' <<<"$body" || true)
    moves=$(grep -cE '^\s+cmov' <<<"$body" || true)
    mangled=${symbol#\$s17ModularArithmetic}
    [[ $mangled =~ ^([0-9]+)(.*)$ ]]
    name=${BASH_REMATCH[2]:5:$((BASH_REMATCH[1] - 5))}
    printf '%-24s conditional jumps: %d  cmov: %d\n' "$name" "$jumps" "$moves"
    if [ "$jumps" -gt 0 ] && [[ "$name" != *Loop* ]]; then status=1; fi
done
exit $status
