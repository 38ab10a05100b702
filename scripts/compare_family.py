#!/usr/bin/env python3
"""npdot vs NumPy on the product-family benchmark cases, interleaved in one run, with the
physical floor of each case (see bench/benches/family_cases/mod.rs) measured in the same run.

    NPDOT_PYTHON=/work/main/.venv/bin/python python3 scripts/compare_family.py [--repeats 7]

Builds `bench/examples/family_compare.rs` (release), starts it as a server, and for each case runs
--repeats rounds; each round times NumPy (in this interpreter's NumPy worker), npdot and the
floor, in rotating order, each for a number of calls that takes >= --min-time (timeit's
autorange, fixed per case), each after --settle seconds (default 0.3) of rest: OpenBLAS's worker
threads spin for a while after a call (NumPy's in its process, npdot's in the server), and would
otherwise take a core from whichever side runs next. Reports the median time per call and R = npdot / NumPy,
F = npdot / floor (the family's target: R <= 1, and within 1.25x of the floor where NumPy
copies, loops or makes temporaries). NumPy runs in the interpreter given by --python or
$NPDOT_PYTHON (it needs numpy 2.4); this script itself only needs the standard library when
run that way. `NPDOT_CLOCK=cpu`: both sides time with the process CPU clock (load-independent on
a shared machine; run single-threaded: OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1).
`NPDOT_DISABLE_AVX512=1`: npdot runs its AVX2 kernel copies, as on an AVX2-only machine (with
NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" for NumPy's side). `NPDOT_BENCH_HUGEPAGES=1`: npdot's side allocates its large buffers with
NumPy's huge-page hint (see bench/examples/family_compare.rs).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = r'''
import os, sys, time, json
import numpy as np
clock = time.process_time if os.environ.get("NPDOT_CLOCK") == "cpu" else time.perf_counter
def arr(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape)
ns = {"np": np, "arr": arr}
cases = {}
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["op"] == "setup":
        d = {"np": np, "arr": arr}
        exec(cmd["setup"], d)
        cases[cmd["name"]] = (d, compile(cmd["stmt"], "<stmt>", "eval"))
        print("ok", flush=True)
    elif cmd["op"] == "time":
        d, code = cases[cmd["name"]]
        t = clock()
        for _ in range(cmd["calls"]):
            eval(code, d)
        print(clock() - t, flush=True)
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=os.environ.get("NPDOT_PYTHON", sys.executable))
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--settle", type=float, default=0.3,
                    help="seconds of rest before each timed repeat (OpenBLAS workers go idle)")
    ap.add_argument("--cases", default=None, help="comma-separated case names")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "npdot-bench", "--example", "family_compare"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / "examples" / "family_compare"
    rust = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    py = subprocess.Popen([args.python, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask_rust(line):
        rust.stdin.write(line + "\n")
        rust.stdin.flush()
        return rust.stdout.readline().strip()

    def ask_py(obj):
        py.stdin.write(json.dumps(obj) + "\n")
        py.stdin.flush()
        return py.stdout.readline().strip()

    cases = json.loads(ask_rust("list"))
    if args.cases:
        keep = set(args.cases.split(","))
        cases = [c for c in cases if c["name"] in keep]
    sides = {
        "numpy": lambda name, n: float(ask_py({"op": "time", "name": name, "calls": n})),
        "npdot": lambda name, n: float(ask_rust(f"time {name} npdot {n}")),
        "floor": lambda name, n: float(ask_rust(f"time {name} floor {n}")),
    }
    rows = []
    for c in cases:
        ask_py({"op": "setup", "name": c["name"], "setup": c["setup"], "stmt": c["stmt"]})
        calls = {}
        for side, f in sides.items():
            f(c["name"], 1)  # warm-up (builds the data on the Rust side)
            n = 1
            while True:
                t = f(c["name"], n)
                if t >= args.min_time or n >= 10**6:
                    break
                n = n * 2 if str(n)[0] in "15" else n * 5 // 2
            calls[side] = n
        times = {s: [] for s in sides}
        order = list(sides)
        for r in range(args.repeats):
            for side in order:
                time.sleep(args.settle)
                times[side].append(sides[side](c["name"], calls[side]) / calls[side])
            order = order[1:] + order[:1]
        med = {s: statistics.median(v) for s, v in times.items()}
        rows.append((c["name"], c["stmt"], med))
        print(f"{c['name']:26} numpy {med['numpy']*1e3:9.3f} ms  npdot {med['npdot']*1e3:9.3f} ms  "
              f"floor {med['floor']*1e3:9.3f} ms  R {med['npdot']/med['numpy']:5.2f}  "
              f"npdot/floor {med['npdot']/med['floor']:5.2f}", flush=True)
    ask_rust("quit")
    rust.stdin.close()
    py.stdin.close()
    print("\n| case | NumPy statement | NumPy ms | npdot ms | floor ms | R = npdot/NumPy | npdot/floor |")
    print("|---|---|---|---|---|---|---|")
    for name, stmt, m in rows:
        print(f"| {name} | `{stmt}` | {m['numpy']*1e3:.3f} | {m['npdot']*1e3:.3f} | {m['floor']*1e3:.3f} | "
              f"{m['npdot']/m['numpy']:.2f} | {m['npdot']/m['floor']:.2f} |")
    out = ROOT / "target" / "compare_family.json"
    out.write_text(json.dumps([{"case": n, "stmt": s, **m} for n, s, m in rows], indent=1))


if __name__ == "__main__":
    sys.exit(main())
