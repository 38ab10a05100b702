#!/usr/bin/env python3
"""npdot vs NumPy for np.linalg's multi_dot, matrix_power and cross, timed interleaved in one run.

    NPDOT_PYTHON=/path/to/python-with-numpy python3 scripts/compare_linalg.py [--rounds 7]

Builds `bench/examples/linalg_compare.rs` (cases in bench/benches/linalg_cases/mod.rs), starts it as a timing
server, and runs under the NumPy interpreter ($NPDOT_PYTHON, else the running one) a worker that
times the same statements on arrays of the same shapes. For each case: autorange (calls per
repeat until a repeat takes >= 0.2 s, on NumPy's side), then --rounds rounds, each timing one
repeat of NumPy, of npdot and of npdot's baseline (the hand-parenthesized npdot.dot chain in
NumPy's order, or the same matmuls by hand), with a short pause before each so OpenBLAS threads
settle. The server runs npdot and its baseline interleaved (eight slices of the repeat, the side
going first alternating), so load changes on a shared machine fall on both alike; for
instruction counts of either side alone see the header of bench/examples/linalg_compare.rs. Prints the medians, R = npdot/numpy and npdot/baseline. `NPDOT_CLOCK=cpu`: both sides
time with the process CPU clock (load-independent on a shared machine; run single-threaded:
OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORKER = r"""
import os, sys, time, numpy as np
clock = time.process_time if os.environ.get("NPDOT_CLOCK") == "cpu" else time.perf_counter
rng = np.random.default_rng(0)
env = {"np": np, "rng": rng}
for line in sys.stdin:
    cmd, rest = line.split(" ", 1)
    if cmd == "setup":
        exec(rest, env)
        print("ok", flush=True)
    elif cmd == "time":
        n, stmt = rest.split(" ", 1)
        code = compile(stmt, "<stmt>", "eval")
        t = clock()
        for _ in range(int(n)):
            eval(code, env)
        print((clock() - t) / int(n) * 1e9, flush=True)
"""


class Proc:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--settle", type=float, default=0.2)
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    python = os.environ.get("NPDOT_PYTHON", sys.executable)
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "npdot-bench", "--example", "linalg_compare"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "examples", "linalg_compare")
    cases = json.loads(subprocess.run([exe, "--list"], check=True, capture_output=True, text=True).stdout)
    rs = Proc([exe])
    py = Proc([python, "-c", WORKER])
    rows = []
    for c in cases:
        assert py.ask("setup " + c["setup"]) == "ok"
        n = 1
        while float(py.ask(f"time {n} {c['stmt']}")) * n < a.min_time * 1e9 and n < 10**6:
            n *= 2
        t_np, t_rs, t_bl = [], [], []
        for r in range(a.rounds):
            order = ["np", "rs"] if r % 2 == 0 else ["rs", "np"]
            for side in order:
                time.sleep(a.settle)
                if side == "np":
                    t_np.append(float(py.ask(f"time {n} {c['stmt']}")))
                else:
                    x, y = rs.ask(f"{c['name']} {n}").split()
                    t_rs.append(float(x))
                    if float(y) >= 0:
                        t_bl.append(float(y))
        m_np, m_rs = statistics.median(t_np), statistics.median(t_rs)
        m_bl = statistics.median(t_bl) if t_bl else None
        rows.append((c["name"], m_np, m_rs, m_rs / m_np, c["baseline"], m_bl, m_rs / m_bl if m_bl else None))
    rs.close()
    py.close()
    fmt = lambda ns: f"{ns / 1e6:.3f} ms" if ns >= 1e5 else f"{ns / 1e3:.2f} us"
    print(f"{'case':24} {'numpy':>12} {'npdot':>12} {'R':>6}   {'baseline':>14} {'npdot/base':>10}")
    for name, np_, rs_, r, bname, bl, rb in rows:
        b = f"{bname} {fmt(bl)}" if bl else "-"
        print(f"{name:24} {fmt(np_):>12} {fmt(rs_):>12} {r:6.3f}   {b:>14} {(f'{rb:.3f}' if rb else '-'):>10}")


if __name__ == "__main__":
    main()
