#!/usr/bin/env bash
# Hardening checks (issue 6), run from the repository root: `bash .ci/hardening.sh`.
# Meant to follow `bash .ci/test` (which builds the release-profile dependencies this reuses;
# nothing here sets RUSTFLAGS, so the cache stays valid). Under 4 minutes on 2 cores with a
# warm cache; the Miri step needs its own warm cache (target/miri) to fit.
#
#   1. lints and tests of the pure-Rust backend (`--no-default-features`: no OpenBLAS, floats on
#      matrixmultiply and our kernels);
#   2. a short fuzz run on each backend, fresh seed each time (printed; a failure prints a
#      one-line reproduction command): NPDOT_HARDENING_FUZZ cases each (default 100000);
#   3. Miri on the pure-Rust paths (unit tests, tests/miri.rs, 40 fuzz cases), when a nightly
#      toolchain with the miri component is installed (skip: NPDOT_SKIP_MIRI=1). Tree Borrows
#      because rayon's crossbeam-epoch violates Stacked Borrows
#      (crossbeam-rs/crossbeam#545; crossbeam itself tests with -Zmiri-tree-borrows), and
#      leaked threads allowed (rayon's global pool never joins).
#
# Long local runs (not CI): see the doc comments of tests/fuzz.rs (10 million cases),
# tests/concurrency.rs (8 threads × 10000 calls) and tests/sizes.rs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${NPDOT_CI_START:=$(date +%s)}"
log() { printf '\n==> [%4ss] %s\n' "$(($(date +%s) - NPDOT_CI_START))" "$*"; }

fuzz_cases="${NPDOT_HARDENING_FUZZ:-100000}"

log "cargo clippy --all-targets --no-default-features -- -D warnings"
cargo clippy --all-targets --no-default-features -- -D warnings

# The pure-Rust backend: the whole suite except the NumPy differential test (it runs, against
# the same NumPy, in the BLAS build of .ci/test) and the fuzz test (run on its own below).
log "cargo test --release --no-default-features   (pure-Rust backend)"
cargo test --release --no-default-features --lib --tests -- --skip fuzz_random_cases \
    --skip differential

log "fuzz, pure-Rust backend: $fuzz_cases cases"
NPDOT_FUZZ_SEED=time NPDOT_FUZZ_ITERS="$fuzz_cases" \
    cargo test --release --no-default-features --test fuzz -- --nocapture

log "fuzz, OpenBLAS backend: $fuzz_cases cases"
NPDOT_FUZZ_SEED=time NPDOT_FUZZ_ITERS="$fuzz_cases" \
    cargo test --release --test fuzz -- --nocapture

if [ "${NPDOT_SKIP_MIRI:-0}" != 1 ] && cargo +nightly miri --version >/dev/null 2>&1; then
    log "Miri (pure-Rust backend): unit tests, tests/miri.rs, 40 fuzz cases"
    # The NumPy table test replays 20000 rows: hours under Miri, and pure shape logic.
    MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-ignore-leaks -Zmiri-permissive-provenance" \
        cargo +nightly miri test --no-default-features --lib --test miri --test fuzz -- \
        --skip numpy_table
else
    log "Miri skipped (no nightly toolchain with the miri component, or NPDOT_SKIP_MIRI=1)"
fi

log "hardening checks passed"
