#!/usr/bin/env bash
# Where the time of one benchmark case goes: callgrind instruction counts per call, for npdot and
# for npdot writing into a preallocated result (`npdot_into`, where the case has one) and for
# the raw CBLAS baseline of the same case (cases in bench/benches/support/mod.rs; the sides
# profiled can be chosen with PROFILE_SIDES="npdot cblas ndarray").
#
#   bash scripts/profile_case.sh dot_f64_1000            # 20000 calls of each side
#   bash scripts/profile_case.sh matmul_f64_4x4 50000
#   bash scripts/profile_case.sh matmul_batch_10000x8x8 5
#
# Instruction counts do not depend on the load of the machine (timings do), so this is the tool
# for the per-call overhead of tiny cases. Collection is restricted to the timing loop
# (`bench_compare::time`), so building and checking the case's data is not counted. Prints, per
# side, the instructions per call and the functions with the largest inclusive and self costs;
# the callgrind files stay in target/profile/ for callgrind_annotate or kcachegrind.
# Needs valgrind (apt-get install valgrind). Threads: OpenBLAS and rayon run as usual; callgrind
# serializes them, so counts are totals over all threads.
set -euo pipefail
case_name=${1:?usage: profile_case.sh CASE [CALLS]}
calls=${2:-20000}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cargo build --release --quiet -p npdot-bench --example bench_compare
exe=target/release/examples/bench_compare
mkdir -p target/profile
for side in ${PROFILE_SIDES:-npdot npdot_into cblas}; do
    has=$(printf 'has %s %s\nquit\n' "$case_name" "$side" | "$exe" --serve)
    [[ $has == yes ]] || { echo "== $case_name: no $side side"; continue; }
    out=target/profile/callgrind.$case_name.$side
    printf 'time %s %s %s\nquit\n' "$case_name" "$side" "$calls" |
        valgrind --tool=callgrind --callgrind-out-file="$out" \
            --toggle-collect='*bench_compare::time*' "$exe" --serve >/dev/null 2>"$out.log"
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out")
    echo "== $case_name / $side: $calls calls, $total instructions, $((total / calls)) per call"
    echo "-- inclusive (top 25)"
    callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
        grep -E '^ *[0-9,]+ ' | awk -v n="$calls" 'NR <= 25 {
            c = $1; gsub(",", "", c); $1 = ""; printf "%12.0f/call %s\n", c / n, $0 }'
    echo "-- self (top 15)"
    callgrind_annotate "$out" 2>/dev/null |
        grep -E '^ *[0-9,]+ ' | awk -v n="$calls" 'NR <= 15 {
            c = $1; gsub(",", "", c); $1 = ""; printf "%12.0f/call %s\n", c / n, $0 }'
done
