#!/usr/bin/env bash
# Instructions per call of one ndarray-parity case (bench/benches/support/parity.rs), for each side:
# npdot's `dot`, ndarray's `dot`, and the raw CBLAS call where the case has one. Counts do not
# depend on the load of the machine.
#
#   bash scripts/profile_parity.sh mv/f64_4_c            # 10000 calls of each side
#   bash scripts/profile_parity.sh mm/i64_2_c 50000
set -euo pipefail
name=${1:?usage: profile_parity.sh CASE [CALLS]}
calls=${2:-10000}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cargo build --release --quiet -p npdot-bench --example parity_table
exe=target/release/examples/parity_table
mkdir -p target/profile
for side in npdot ndarray raw; do
    out=target/profile/callgrind.parity.${name//\//_}.$side
    if ! PARITY_PROFILE=$side valgrind --tool=callgrind --callgrind-out-file="$out" \
        --toggle-collect='*parity_table::run_calls*' "$exe" "$name" "$calls" >/dev/null 2>"$out.log"; then
        continue # no raw side
    fi
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out")
    echo "$name / $side: $((total / calls)) instructions per call"
done
