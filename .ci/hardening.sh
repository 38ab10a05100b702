#!/usr/bin/env bash
# Hardening checks (issue 6), run by .ci/run after `bash .ci/test`, or alone from the
# repository root: `bash .ci/hardening.sh`. Reuses the release-profile dependencies that
# `bash .ci/test` built (nothing here sets RUSTFLAGS, and the pure-Rust build enables the same
# dependency features and the same LTO setting), so on 2 cores it adds about 5 minutes (a clean-clone
# CI run on 2026-12-04, 2 vCPUs with AVX-512: 313 s, about 280 of them the pure-Rust build of the
# test crates at opt-level 1 without LTO; the whole CI run took 746 s):
#
#   1. clippy on the pure-Rust backend (`--no-default-features`: no OpenBLAS, no C library;
#      floats on matrixmultiply and our own kernels);
#   2. that backend against NumPy's fixtures (every op, dtype and view kind: the core, the
#      product family, np.linalg, einsum and einsum_path), the fuzz tests (200000 random cases
#      against a textbook reference, incl. errors and split BLAS dims; einsum's parser and
#      executor; the product family and np.linalg), the live differential tests of dot/inner/
#      matmul, the product family, np.linalg and einsum, NumPy's ported tests (all in
#      tests/products), and every test of tests/checks (memory errors, Miri-sized paths,
#      concurrency, copies per call, sizes past the BLAS limits, static small products);
#   3. a fuzz run with a fresh seed on each backend (NPDOT_HARDENING_FUZZ cases, default
#      50000; the seed is printed and a failure prints a one-line reproduction command);
#   4. Miri on the pure-Rust paths, only when asked (NPDOT_CI_MIRI=1) and a nightly toolchain
#      with the miri component is installed: it takes far longer than the CI budget allows
#      (see the README's "Hardening" section for the local command and its results).
#
# Long local runs (not CI): tests/checks/fuzz.rs (NPDOT_FUZZ_ITERS=10000000), tests/checks/concurrency.rs,
# tests/checks/sizes.rs, AddressSanitizer and valgrind: see README.md, "Hardening".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${NPDOT_CI_START:=$(date +%s)}"
log() { printf '\n==> [%4ss] %s\n' "$(($(date +%s) - NPDOT_CI_START))" "$*"; }

fuzz_cases="${NPDOT_HARDENING_FUZZ:-50000}"
# The settings of npdot's test builds, as in .ci/test (whose builds the last step reuses).
opt=(--config "profile.release.package.npdot.opt-level=${NPDOT_TEST_OPT_LEVEL:-1}"
     --config 'profile.release.lto="off"')

log "cargo clippy --lib --tests --no-default-features -- -D warnings   (pure-Rust backend)"
cargo clippy --lib --tests --no-default-features -- -D warnings

pure_rust_tests=(--test checks --test products)
log "cargo test --release ${opt[*]} --no-default-features ${pure_rust_tests[*]}"
cargo test --release "${opt[@]}" --no-default-features "${pure_rust_tests[@]}"

log "fuzz with a fresh seed, pure-Rust backend: $fuzz_cases cases"
NPDOT_FUZZ_SEED=time NPDOT_FUZZ_ITERS="$fuzz_cases" \
    cargo test --release "${opt[@]}" --no-default-features --test checks fuzz:: -- --nocapture 2>&1 | grep -v '^$'

log "fuzz with a fresh seed, OpenBLAS backend: $fuzz_cases cases"
NPDOT_FUZZ_SEED=time NPDOT_FUZZ_ITERS="$fuzz_cases" \
    cargo test --release "${opt[@]}" --test checks fuzz:: -- --nocapture 2>&1 | grep -v '^$'

if [ "${NPDOT_CI_MIRI:-0}" = 1 ]; then
    if cargo +nightly miri --version >/dev/null 2>&1; then
        log "Miri (pure-Rust backend): unit tests, tests/checks/miri.rs, 40 fuzz cases"
        # Tree Borrows because rayon's crossbeam-epoch violates Stacked Borrows
        # (crossbeam-rs/crossbeam#545; crossbeam itself tests with -Zmiri-tree-borrows);
        # leaks allowed because rayon's global pool never joins its threads. The NumPy table
        # test replays 48000 rows of pure shape logic: hours under Miri, skipped.
        MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-ignore-leaks -Zmiri-permissive-provenance" \
            cargo +nightly miri test --no-default-features --lib -- --skip numpy_table
        MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-ignore-leaks -Zmiri-permissive-provenance" \
            cargo +nightly miri test --no-default-features --test checks -- miri:: fuzz::
    else
        echo "error: NPDOT_CI_MIRI=1 but no nightly toolchain with miri" >&2
        exit 1
    fi
else
    log "Miri not run (set NPDOT_CI_MIRI=1 to run it; see README.md, Hardening)"
fi

log "hardening checks passed"
