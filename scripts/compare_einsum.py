#!/usr/bin/env python3
"""npdot's einsum vs NumPy at its best (the faster of optimize=False and optimize=True) and
opt_einsum.contract, timed case by case in one run (NumPy, then npdot, per case).

    NPDOT_PYTHON=/path/to/python-with-numpy-2.4-and-opt_einsum python3 scripts/compare_einsum.py
    ... --cases 'ij,jk->ik 4x4' --min-time 0.2 --repeats 5 --no-build
    OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 python3 scripts/compare_einsum.py --clock cpu

`--clock cpu` times process CPU time on both sides (`time.process_time`, and
`CLOCK_PROCESS_CPUTIME_ID` in the bench): with one thread it is what a loaded machine does not
disturb. `--rounds N` runs the whole NumPy-then-npdot sequence N times per case and keeps each
side's median over the rounds. Cases that end in one BLAS call of a known shape (`ijk,jkl->il`)
also time that raw call on both sides, in the same processes: NumPy's `np.matmul(A, B, out=C)`
of the reshaped operands (NumPy's bundled OpenBLAS) and `cblas_dgemm` on npdot's buffers (the
OpenBLAS npdot links), so a gap between two OpenBLAS builds shows as what it is.

npdot is timed by `bench/examples/einsum_bench.rs` (built with `cargo build --release --example
einsum_bench` unless --no-build), NumPy and opt_einsum by a worker running this script under
the NumPy interpreter. Each side: autorange (calls per repeat until one repeat takes at least
--min-time), then --repeats repeats, median seconds per call. Same shapes and dtypes on both
sides (the values differ: random in both). optimize=False is skipped where its single loop
would run more than 2e9 iterations (it is then far slower than optimize=True anyway).
Prints a table with R = npdot / best(NumPy) and npdot / opt_einsum, and the geometric mean of
R over the contraction cases; writes target/compare_einsum.json.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def chain8():
    dims = [30, 200, 5, 400, 20, 300, 8, 500, 40]
    letters = "abcdefghi"
    sub = ",".join(letters[i] + letters[i + 1] for i in range(8)) + "->ai"
    return sub, [(dims[i], dims[i + 1]) for i in range(8)]


def lattice(rows, cols, bond):
    """A rows x cols lattice of tensors, one index per edge, contracted to a scalar."""
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    edges = {}
    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols:
                edges[((r, c), (r, c + 1))] = next(letters)
            if r + 1 < rows:
                edges[((r, c), (r + 1, c))] = next(letters)
    terms = []
    for r in range(rows):
        for c in range(cols):
            terms.append("".join(l for e, l in edges.items() if (r, c) in e))
    return ",".join(terms) + "->", [(bond,) * len(t) for t in terms]


def random_regular(n, degree, bond, seed):
    import random
    rnd = random.Random(seed)
    while True:
        stubs = [v for v in range(n) for _ in range(degree)]
        rnd.shuffle(stubs)
        pairs = [tuple(sorted(stubs[i:i + 2])) for i in range(0, len(stubs), 2)]
        if all(a != b for a, b in pairs) and len(set(pairs)) == len(pairs):
            break
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    terms = ["" for _ in range(n)]
    for i, (a, b) in enumerate(pairs):
        terms[a] += letters[i]
        terms[b] += letters[i]
    return ",".join(terms) + "->", [(bond,) * len(t) for t in terms]


def cases():
    c8 = chain8()
    lat = lattice(4, 4, 3)
    rrg = random_regular(14, 3, 2, 7)
    return [
        # name, subscripts, shapes, dtype, contraction?, matmul reference?
        ("ij,jk->ik 512", "ij,jk->ik", [(512, 512), (512, 512)], "float64", True, True),
        ("ij,jk->ik 4x4", "ij,jk->ik", [(4, 4), (4, 4)], "float64", True, True),
        ("bij,bjk->bik", "bij,bjk->bik", [(64, 128, 128), (64, 128, 128)], "float64", True, False),
        ("bhqd,bhkd->bhqk", "bhqd,bhkd->bhqk", [(8, 8, 128, 64), (8, 8, 128, 64)], "float64", True, False),
        ("ijk,jkl->il 64", "ijk,jkl->il", [(64, 64, 64), (64, 64, 64)], "float64", True, False, (64, 4096, 64)),
        ("ij,jk,kl->il", "ij,jk,kl->il", [(1000, 10), (10, 1000), (1000, 10)], "float64", True, False),
        ("chain of 8", c8[0], c8[1], "float64", True, False),
        ("ij,ij->i 1000", "ij,ij->i", [(1000, 1000), (1000, 1000)], "float64", True, False),
        ("i,j->ij 1000", "i,j->ij", [(1000,), (1000,)], "float64", True, False),
        ("ii-> 1000", "ii->", [(1000, 1000)], "float64", False, False),
        ("ij->ji 1000", "ij->ji", [(1000, 1000)], "float64", False, False),
        ("int64 ij,jk->ik 256", "ij,jk->ik", [(256, 256), (256, 256)], "int64", True, False),
        ("complex128 bij,bjk->bik", "bij,bjk->bik", [(16, 64, 64), (16, 64, 64)], "complex128", True, False),
        ("lattice 4x4 bond 3 (16 ops)", lat[0], lat[1], "float64", True, False),
        ("3-regular graph 14 nodes bond 2", rrg[0], rrg[1], "float64", True, False),
    ]


def numpy_worker(args):
    import time
    import timeit

    import numpy as np
    import opt_einsum

    rng = np.random.default_rng(0)
    name, sub, shapes, dtype, gemm = json.loads(args.numpy_worker)
    ops = []
    for sh in shapes:
        if dtype == "int64":
            ops.append(rng.integers(-100, 100, sh))
        elif dtype == "complex128":
            ops.append(rng.standard_normal(sh) + 1j * rng.standard_normal(sh))
        else:
            ops.append(rng.standard_normal(sh))

    timer = time.process_time if args.clock == "cpu" else time.perf_counter

    def time_it(f):
        t = timeit.Timer(f, timer=timer)
        n = 1
        while True:
            dt = t.timeit(n)
            if dt >= args.min_time:
                break
            n = max(n * 2, int(n * args.min_time * 1.2 / max(dt, 1e-9)))
        return sorted(t.repeat(args.repeats, n))[args.repeats // 2] / n

    letters = set(c for c in sub if c.isalpha())
    size = {}
    for t, sh in zip(sub.split("->")[0].split(","), shapes):
        for c, d in zip(t, sh):
            size[c] = d
    iters = math.prod(size[c] for c in letters)
    res = {}
    res["numpy_false"] = time_it(lambda: np.einsum(sub, *ops, optimize=False)) if iters <= 2e9 else None
    res["numpy_true"] = time_it(lambda: np.einsum(sub, *ops, optimize=True))
    res["opt_einsum"] = time_it(lambda: opt_einsum.contract(sub, *ops))
    if gemm:
        m, k, n = gemm
        a2, b2 = ops[0].reshape(m, k), ops[1].reshape(k, n)
        c2 = np.empty((m, n))
        res["numpy_gemm"] = time_it(lambda: np.matmul(a2, b2, out=c2))
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=os.environ.get("NPDOT_PYTHON", sys.executable))
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cases", nargs="*")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--numpy-worker")
    args = ap.parse_args()
    if args.numpy_worker:
        return numpy_worker(args)
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "npdot-bench", "--example", "einsum_bench"], cwd=ROOT, check=True)
    bench = ROOT / "target" / "release" / "examples" / "einsum_bench"
    rows = []
    for name, sub, shapes, dtype, contraction, mm, *gemm in cases():
        if args.cases and name not in args.cases:
            continue
        gemm = gemm[0] if gemm else None
        nps, rss = [], []
        for _ in range(args.rounds):
            out = subprocess.run(
                [args.python, __file__, "--numpy-worker", json.dumps([name, sub, shapes, dtype, gemm]),
                 "--min-time", str(args.min_time), "--repeats", str(args.repeats), "--clock", args.clock],
                capture_output=True, text=True, check=True)
            nps.append(json.loads(out.stdout))
            cmd = [str(bench), sub, dtype] + ["x".join(map(str, s)) if s else "-" for s in shapes]
            cmd += ["--min-time", str(args.min_time), "--repeats", str(args.repeats), "--clock", args.clock]
            if mm:
                cmd.append("--matmul")
            if gemm:
                cmd += ["--gemm", "x".join(map(str, gemm))]
            rss.append(json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout))

        def med(rounds, key):
            v = sorted(r[key] for r in rounds if r.get(key) is not None)
            return v[len(v) // 2] if v else None
        npres = {k: med(nps, k) for k in nps[0]}
        rs = {k: med(rss, k) for k in rss[0]}
        best = min(t for t in (npres["numpy_false"], npres["numpy_true"]) if t is not None)
        row = dict(name=name, contraction=contraction, npdot=rs["einsum"], numpy_false=npres["numpy_false"],
                   numpy_true=npres["numpy_true"], opt_einsum=npres["opt_einsum"], best=best,
                   R=rs["einsum"] / best, R_opt=rs["einsum"] / npres["opt_einsum"],
                   matmul=rs.get("matmul"), bytes_copied=rs["bytes_copied"],
                   numpy_gemm=npres.get("numpy_gemm"), cblas_dgemm=rs.get("cblas_dgemm"))
        rows.append(row)
        fmt = lambda t: "-" if t is None else f"{t * 1e3:.4f}"
        extra = f" | vs npdot matmul {rs['einsum'] / rs['matmul']:.2f}" if mm else ""
        if gemm:
            extra += (f" | raw gemm: NumPy {fmt(row['numpy_gemm'])} ms, npdot's cblas_dgemm "
                      f"{fmt(row['cblas_dgemm'])} ms (einsum / it {rs['einsum'] / rs['cblas_dgemm']:.2f})")
        print(f"{name:34} | npdot {fmt(row['npdot'])} ms | np(False) {fmt(row['numpy_false'])} | "
              f"np(True) {fmt(row['numpy_true'])} | opt_einsum {fmt(row['opt_einsum'])} | "
              f"R {row['R']:.3f} | R_opt {row['R_opt']:.3f} | copied {row['bytes_copied']} B{extra}",
              flush=True)
    con = [r["R"] for r in rows if r["contraction"]]
    if con:
        gm = math.exp(sum(math.log(r) for r in con) / len(con))
        print(f"geometric mean of R over {len(con)} contraction cases: {gm:.3f}")
    (ROOT / "target").mkdir(exist_ok=True)
    (ROOT / "target" / "compare_einsum.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
