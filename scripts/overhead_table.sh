#!/usr/bin/env bash
# The per-call overhead table of issue 9 in one command: every small case of
# bench/examples/overhead_table.rs (dot/inner/matmul × vv/mv/vm/mm × f64/f32/c128/i64 × sizes 4, 16 ×
# static/IxDyn), timed on the CPU clock with one thread, plus callgrind instruction counts per
# call of npdot and of the raw kernel (load-independent).
#
#   bash scripts/overhead_table.sh                      # everything, markdown on stdout
#   bash scripts/overhead_table.sh --cases matmul_mm    # a subset (substring match)
#   CALLS=500 bash scripts/overhead_table.sh            # calls per side under callgrind (200)
#
# Needs valgrind. The callgrind dumps (one per side and case) go to target/profile/overhead/
# (below $CARGO_TARGET_DIR when set).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
calls=${CALLS:-200}
export OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1
cargo build --release --quiet -p npdot-bench --example overhead_table
target=${CARGO_TARGET_DIR:-target}
exe=$target/release/examples/overhead_table
dir=$target/profile/overhead
rm -rf "$dir" && mkdir -p "$dir"
valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
    --toggle-collect='*overhead_table::measured*' --dump-after='overhead_table::measured' \
    "$exe" --count "$calls" "$@" 2>"$dir/valgrind.log"
# Dumps are numbered in call order: npdot, raw, npdot, raw, ... (one pair per case).
for f in $(ls "$dir"/callgrind.out.* | sort -t. -k3 -n); do
    awk -v n="$calls" '/^(summary|totals):/ { printf "%.0f\n", $2 / n; exit }' "$f"
done >"$dir/instructions.txt"
expected=$(( 2 * $("$exe" --list "$@" | wc -l) ))
got=$(wc -l <"$dir/instructions.txt")
[[ $got == "$expected" ]] || { echo "expected $expected callgrind dumps, got $got" >&2; exit 1; }
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1 /proc/loadavg)"
echo "env: OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1, cpu clock; instructions: callgrind, $calls calls per side"
echo
"$exe" --clock cpu --instructions "$dir/instructions.txt" "$@"
