#!/usr/bin/env bash
# Writes seeds for, fuzzes, or smoke-tests the fuzz targets (called by the Makefile's fuzz rules).
#
#   run.sh seeds BIN OUT TARGET...   each target writes its seeds into OUT/seeds/TARGET
#   run.sh fuzz  BIN OUT TARGET...   fuzzes each in turn, growing OUT/corpus/TARGET, for
#                                    FUZZ_SECONDS seconds (default 60) or FUZZ_RUNS inputs,
#                                    whichever ends first
#   run.sh smoke BIN OUT TARGET...   runs FUZZ_RUNS inputs of each from its seeds (new inputs go to
#                                    a scratch folder) and fails on the first finding
#   run.sh summary BIN OUT TARGET... one Markdown table row per target from its last log:
#                                    inputs run, inputs/s, cov/ft, corpus, peak RSS, seconds
#
# Every run starts from the seeds and the committed regression inputs (Fuzz/Regressions/TARGET:
# inputs that once crashed, kept so that the fix stays tested). Bounds, the same for every target:
#   -malloc_limit_mb=64   no single allocation above 64 MiB: the readers never allocate from an
#                         untrusted count, and the largest legitimate allocation (a 4-megapixel RGBA
#                         PNG, 16 MiB) stays well below it;
#   -rss_limit_mb=2048    the whole process, ASan's shadow memory and quarantine included;
#   -timeout=10           seconds per input;
#   -max_len              twice the target's largest seed, at least 4 KiB, with -len_control=0 so
#                         that seeds longer than libFuzzer's default length growth mutate at once.
# Findings (crash, sanitizer report, leak, allocation or RSS beyond the bounds, timeout) are
# written to OUT/artifacts/TARGET/ and make the script exit non-zero. Logs: OUT/logs/TARGET.log.
set -euo pipefail
mode="$1" bin="$2" out="$3"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
export HEDIFF_THREADS="${HEDIFF_THREADS:-1}"
# Crashes are reported by libFuzzer and the sanitizers; Swift's own backtracer, which would also
# start, takes minutes to symbolicate an instrumented binary and trips over ASan while doing so.
export SWIFT_BACKTRACE=enable=no
# The scratch files of the file-reading targets go to memory where possible: on a disk shared
# with other builds each write costs milliseconds.
if [[ -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]]; then export TMPDIR=/dev/shm; fi

largest_seed() {
    local size max=0
    for file in "$1"/*; do
        size=$(wc -c < "$file")
        (( size > max )) && max=$size
    done
    echo "$max"
}

status=0
for target in "$@"; do
    exe="$bin/fuzz-$target"
    seeds="$out/seeds/$target"
    case "$mode" in
    summary)
        log="$out/logs/$target.log"
        done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
        stat() { grep -E "^stat::$1:" "$log" | awk '{print $2}'; }
        cov=$(sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1\/\2 \3/' <<< "$done_line")
        seconds=$(grep -E '^Done [0-9]+ runs in' "$log" | awk '{print $5}')
        echo "| $target | $(stat number_of_executed_units) | $(stat average_exec_per_sec) | ${cov% *} | ${cov#* } | $(stat peak_rss_mb) MB | $seconds |"
        continue
        ;;
    seeds)
        rm -rf "$seeds"
        "$exe" --write-seeds "$seeds"
        continue
        ;;
    fuzz)
        corpus="$out/corpus/$target"
        # Whichever ends first, when both are given.
        budget=()
        [[ -n "${FUZZ_RUNS:-}" ]] && budget+=(-runs="$FUZZ_RUNS")
        [[ -n "${FUZZ_SECONDS:-}" || -z "${FUZZ_RUNS:-}" ]] && budget+=(-max_total_time="${FUZZ_SECONDS:-60}")
        ;;
    smoke)
        corpus="$(mktemp -d)"
        budget=(-runs="${FUZZ_RUNS:-5000}")
        ;;
    *)
        echo "run.sh: unknown mode $mode" >&2
        exit 2
        ;;
    esac
    max_len=$(( $(largest_seed "$seeds") * 2 ))
    (( max_len < 4096 )) && max_len=4096
    mkdir -p "$corpus" "$out/artifacts/$target" "$out/logs"
    inputs=("$corpus" "$seeds")
    [[ -d "$here/Regressions/$target" ]] && inputs+=("$here/Regressions/$target")
    log="$out/logs/$target.log"
    echo "fuzz-$target: ${budget[*]} -max_len=$max_len (log: $log)"
    if nice "$exe" "${inputs[@]}" "${budget[@]}" -max_len="$max_len" -len_control=0 \
        -malloc_limit_mb=64 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$target/" > "$log" 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
    else
        echo "fuzz-$target: FINDING — see $log and $out/artifacts/$target/" >&2
        grep -E 'ERROR|SUMMARY|Fatal error|out-of-memory|timeout|leak' "$log" | head -5 >&2 || true
        status=1
    fi
    [[ "$mode" == smoke ]] && rm -rf "$corpus"
done
exit "$status"
