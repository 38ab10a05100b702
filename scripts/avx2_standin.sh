#!/usr/bin/env bash
# The AVX2 code paths of every side of the benchmarks, on a CPU with AVX-512: a stand-in for an
# AVX2-only machine (same micro-architecture, so not a replacement for one).
#
#   bash scripts/avx2_standin.sh parity [FILTER [ROUNDS]]     # the ndarray-parity grid
#   bash scripts/avx2_standin.sh overhead [--cases X]          # scripts/overhead_table.sh
#   bash scripts/avx2_standin.sh compare [compare_numpy args]  # scripts/compare_numpy.py
#   bash scripts/avx2_standin.sh gemm_choice [ROUNDS]          # the float GEMM choice
#
# What each side runs here, against a plain run on the same CPU:
# * matrixmultiply (ndarray's `dot` and npdot's matrixmultiply kernel): built with
#   `MMTEST_FEATURE=sse2,avx,avx2,fma` (read by matrixmultiply at compile time: it then detects
#   no other feature), so it runs its AVX2/FMA kernels. The build goes to target/avx2/.
# * npdot: `NPDOT_DISABLE_AVX512=1`: its own kernels take their AVX2 copies, and the float GEMM
#   choice sees a CPU without AVX-512.
# * OpenBLAS (the system's, and NumPy's bundled one): `OPENBLAS_CORETYPE=Haswell`.
# * NumPy: `NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"`: its AVX2 (`X86_V3`) loops.
# The parity grid and the overhead table run on one thread and the CPU clock, as in a plain run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
grep -q avx512f /proc/cpuinfo || echo "note: this CPU has no AVX-512; a plain run is the real thing" >&2
export CARGO_TARGET_DIR=$root/target/avx2
export NPDOT_DISABLE_AVX512=1 OPENBLAS_CORETYPE=Haswell
export NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"
# Exported, not only for this build: cargo rebuilds matrixmultiply when the value it read at
# compile time changes (overhead_table.sh builds again).
export MMTEST_FEATURE=sse2,avx,avx2,fma
cargo build --release --quiet -p npdot-bench \
    --example parity_table --example overhead_table --example bench_compare --example gemm_choice
exe=$CARGO_TARGET_DIR/release/examples
what=${1:-parity}
shift || true
case $what in
parity)
    OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 PARITY_CLOCK=cpu "$exe/parity_table" "${1:-}" "${2:-11}"
    ;;
overhead)
    bash scripts/overhead_table.sh "$@"
    ;;
compare)
    python=${NPDOT_PYTHON:-.venv/bin/python}
    [[ -x $python ]] || python=python3
    "$python" scripts/compare_numpy.py --no-build "$@"
    ;;
gemm_choice)
    OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 PARITY_CLOCK=cpu "$exe/gemm_choice" "${1:-3}"
    ;;
*)
    echo "usage: bash scripts/avx2_standin.sh parity|overhead|compare|gemm_choice [args]" >&2
    exit 2
    ;;
esac
