#!/usr/bin/env python3
"""npdot vs NumPy on the benchmark cases of issue 5, both timed in one run, same environment.

    python3 scripts/compare_numpy.py                 # everything, default interpreter for NumPy
    python3 scripts/compare_numpy.py --python .venv/bin/python --cases matmul_f64_4x4
    NPDOT_PYTHON=/path/to/python python3 scripts/compare_numpy.py --markdown

Steps:
1. `cargo build --release -p npdot-bench --example bench_compare` (unless --no-build).
2. Starts the example in `--serve` mode and asks it for the case list (`--list`): names,
   targets, and the NumPy setup/statement of each case, so both sides run the same products.
3. Runs this same script under the NumPy interpreter as the NumPy worker (`--numpy-worker`);
   the interpreter is `--python`, else `$NPDOT_PYTHON`, else `/work/venv/bin/python`, else
   `.venv/bin/python`, else the running interpreter. It needs only numpy.
4. For each case: *autorange* on each side (timeit's rule: 1, 2, 5, 10, ... calls until one
   repeat takes >= --min-time, default 0.2 s), then --repeats rounds (default 7), each timing
   one repeat of NumPy, of npdot and of the raw CBLAS call (BLAS cases), so load from other
   processes hits all three alike. The order rotates from round to round and each repeat
   waits --settle seconds (default 0.3) first: OpenBLAS's worker threads keep spinning for a
   while after a call, and would otherwise slow down whichever side runs next. Reported: the
   median time per call of each.
5. Prints `case | numpy | npdot | R | target | ok? | cblas | npdot/cblas | ok? | npdot_into |
   into/cblas | stream | numpy/stream | into/stream` (R = npdot / numpy; npdot/cblas is
   checked against 1.02 for the large-BLAS cases; npdot_into is npdot's `matmul_into`/`dot_into`
   into a result allocated once, like the raw CBLAS call, so into/cblas is the semantics layer
   alone; stream, for the batch cases with operands of one shape, is the streaming floor: `c =
   a + b` over the same operands into a preallocated `c`, every byte read and written once —
   when NumPy's own time is within 2x of it, R <= 0.5 is out of reach for any kernel) and
   writes the raw numbers to target/compare_numpy.json.

On a busy machine wall-clock times include the time a process waits for a core. Then
`OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 python3 scripts/compare_numpy.py --clock cpu` gives
load-independent single-thread ratios (process CPU time on both sides, `time.process_time` in
Python). With more threads the CPU clock also counts spinning worker threads: use wall then.

Both sides use the same data: `arr()` below reproduces the example's SplitMix64 stream bit for
bit. Both processes inherit this environment (OPENBLAS_NUM_THREADS etc. apply to both), but
note they use different OpenBLAS builds: NumPy's wheel bundles its own (scipy-openblas), npdot
links the system's; the npdot/cblas column isolates npdot's own overhead from that.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = 0x9E3779B97F4A7C15


def arr(shape, dtype, seed):
    """The SplitMix64 data of bench/benches/support/mod.rs: same values, C order."""
    import numpy as np

    dtype = np.dtype(dtype)
    n = 1
    for d in shape:
        n *= d
    draws = n * (2 if dtype.kind == "c" else 1)
    with np.errstate(over="ignore"):
        i = np.arange(1, draws + 1, dtype=np.uint64)
        z = np.uint64(seed) + i * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    if dtype.kind in "fc":
        u = (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53)) * 2.0 - 1.0
        if dtype.kind == "c":
            u = u[0::2] + 1j * u[1::2]
        out = u.astype(dtype)
    elif dtype.kind == "b":
        out = (z >> np.uint64(63)) == 1
    else:
        out = z.astype(dtype)  # the low bits, as Rust's `as`
    return out.reshape(shape)


def numpy_worker(clock):
    """Line protocol on stdin/stdout, mirroring the example's `--serve`:
    `setup NAME <json setup>`, `autorange MIN_SECONDS`, `time NUMBER`, `info`, `quit`."""
    import numpy as np

    env = {}
    timer = None
    for line in sys.stdin:
        words = line.split(" ", 2)
        cmd = words[0].strip()
        try:
            if cmd == "quit":
                break
            elif cmd == "setup":
                spec = json.loads(words[2])
                env = {"np": np, "arr": arr}
                exec(spec["numpy_setup"], env)
                timer = timeit.Timer(spec["numpy_stmt"], timer=clock, globals=env)
                reply = "ok"
            elif cmd == "autorange":
                reply = autorange(timer, float(words[1]))
            elif cmd == "time":
                reply = str(int(timer.timeit(int(words[1])) * 1e9))
            elif cmd == "info":
                reply = json.dumps(numpy_info())
            else:
                reply = f"error unknown command {cmd!r}"
        except Exception as e:  # report, keep serving
            reply = f"error {type(e).__name__}: {e}"
        print(reply, flush=True)


def autorange(timer, min_s):
    """timeit.Timer.autorange with a configurable threshold: 'NUMBER TOTAL_NS'."""
    i = 1
    while True:
        for j in (1, 2, 5):
            number = i * j
            t = timer.timeit(number)
            if t >= min_s:
                return f"{number} {int(t * 1e9)}"
        i *= 10


def numpy_info():
    """NumPy version and its OpenBLAS's configuration and thread count (via ctypes)."""
    import ctypes
    import glob

    import numpy as np

    info = {"numpy": np.__version__}
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "")):
                try:
                    cfg = getattr(lib, f"{prefix}_get_config{suffix}")
                    nth = getattr(lib, f"{prefix}_get_num_threads{suffix}")
                except AttributeError:
                    continue
                cfg.restype = ctypes.c_char_p
                info["openblas_config"] = cfg().decode()
                info["openblas_threads"] = nth()
                break
        except OSError:
            pass
    return info


class Worker:
    """A line-protocol subprocess."""

    def __init__(self, argv):
        self.p = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        reply = self.p.stdout.readline().strip()
        if not reply or reply.startswith("error"):
            raise RuntimeError(f"{line!r} -> {reply!r}")
        return reply

    def close(self):
        try:
            self.p.stdin.write("quit\n")
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        self.p.wait()


def pick_python(arg):
    for cand in (arg, os.environ.get("NPDOT_PYTHON"), "/work/venv/bin/python", str(ROOT / ".venv/bin/python")):
        if cand and (shutil.which(cand) or Path(cand).is_file()):
            return cand
    return sys.executable


def fmt_ns(ns):
    if ns is None:
        return "-"
    for unit, f in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= f:
            return f"{ns / f:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--python", help="interpreter with numpy (default: $NPDOT_PYTHON, /work/venv/bin/python, .venv/bin/python)")
    ap.add_argument("--cases", help="comma-separated case names (default: all)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per repeat (autorange)")
    ap.add_argument("--settle", type=float, default=0.3,
                    help="seconds of pause before each timed repeat (default 0.3): OpenBLAS's "
                    "worker threads spin after a call and would steal cores from the next side")
    ap.add_argument("--no-build", action="store_true", help="use the already built example")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--json", default=str(ROOT / "target" / "compare_numpy.json"))
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall-clock time (default), or process CPU time (all threads; use with "
                    "OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 on a loaded machine)")
    ap.add_argument("--numpy-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.numpy_worker:
        return numpy_worker(time.process_time if args.clock == "cpu" else time.perf_counter)

    # The example as cargo builds it: below $CARGO_TARGET_DIR when set (scripts/avx2_standin.sh).
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "release" / "examples" / "bench_compare"
    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "--quiet", "-p", "npdot-bench", "--example", "bench_compare"], cwd=ROOT, check=True
        )
    listing = json.loads(subprocess.run([str(exe), "--list"], cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    specs = listing["cases"]
    if args.cases:
        wanted = args.cases.split(",")
        unknown = set(wanted) - {s["name"] for s in specs}
        if unknown:
            sys.exit(f"unknown case(s): {', '.join(sorted(unknown))}")
        specs = [s for s in specs if s["name"] in wanted]

    python = pick_python(args.python)
    rust = Worker([str(exe), "--clock", args.clock, "--serve"])
    numpy = Worker([python, str(Path(__file__).resolve()), "--clock", args.clock, "--numpy-worker"])
    np_info = json.loads(numpy.ask("info"))
    env_keys = ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "RAYON_NUM_THREADS")
    ri = listing["info"]
    header = [
        f"machine: {os.cpu_count()} CPUs, {cpu_model()}, load average {os.getloadavg()[0]:.1f} at start",
        f"numpy {np_info.get('numpy')} ({python}): {np_info.get('openblas_config')}, "
        f"{np_info.get('openblas_threads')} threads",
        f"npdot: {ri['openblas_config']} (core {ri['openblas_core']}), "
        f"{ri['openblas_threads']} OpenBLAS threads, {ri['rayon_threads']} rayon threads",
        "env: " + ", ".join(f"{k}={os.environ.get(k, '-')}" for k in env_keys),
        f"method: timeit autorange (>= {args.min_time} s per repeat), median of {args.repeats} "
        f"interleaved repeats per side (rotating order, {args.settle} s settle), {args.clock} clock",
    ]

    results = []
    try:
        for s in specs:
            name = s["name"]
            print(f"timing {name} ...", file=sys.stderr, flush=True)
            numpy.ask("setup " + name + " " + json.dumps(s))
            sides = {"numpy": lambda cmd, arg: numpy.ask(f"{cmd} {arg}")}
            for which in ("npdot", "npdot_into", "cblas", "stream"):
                if rust.ask(f"has {name} {which}") == "yes":
                    sides[which] = lambda cmd, arg, w=which: rust.ask(f"{cmd} {name} {w} {arg}")
            numbers = {side: int(ask("autorange", args.min_time).split()[0]) for side, ask in sides.items()}
            per_call = {side: [] for side in sides}
            order = list(sides)
            for r in range(args.repeats):
                # Rotate who goes first, and let the previous side's OpenBLAS workers (which
                # spin for a while after each call) go idle before the next side starts.
                for side in order[r % len(order):] + order[:r % len(order)]:
                    time.sleep(args.settle)
                    n = numbers[side]
                    per_call[side].append(int(sides[side]("time", n)) / n)
            row = dict(s)
            for side in per_call:
                row[f"{side}_ns"] = statistics.median(per_call[side])
                row[f"{side}_min_ns"] = min(per_call[side])
                row[f"{side}_repeats_ns"] = per_call[side]
                row[f"{side}_number"] = numbers[side]
            results.append(row)
    finally:
        rust.close()
        numpy.close()

    report = {"machine": {"cpus": os.cpu_count(), "cpu": cpu_model()}, "numpy": np_info, "npdot": ri,
              "env": {k: os.environ.get(k) for k in env_keys}, "repeats": args.repeats,
              "min_time": args.min_time, "clock": args.clock, "cases": results}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1))
    report["machine"]["load_end"] = os.getloadavg()[0]
    Path(args.json).write_text(json.dumps(report, indent=1))
    for h in header:
        print(h)
    print(f"load average {os.getloadavg()[0]:.1f} at end\n")
    print_table(results, args.markdown)
    print(f"\nraw numbers: {args.json}", file=sys.stderr)


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def print_table(rows, markdown):
    head = ["case", "numpy", "npdot", "R", "target", "ok?", "cblas", "npdot/cblas", "ok?",
            "npdot_into", "into/cblas", "stream", "numpy/stream", "into/stream"]
    body = []
    for r in rows:
        R = r["npdot_ns"] / r["numpy_ns"]
        t = r["target"]
        ok = "-" if t is None else ("yes" if R <= t else "NO")
        cb = r.get("cblas_ns")
        ratio = None if cb is None else r["npdot_ns"] / cb
        cb_ok = "-" if ratio is None or not r["cblas_target"] else ("yes" if ratio <= 1.02 else "NO")
        body.append([
            r["name"], fmt_ns(r["numpy_ns"]), fmt_ns(r["npdot_ns"]), f"{R:.3f}",
            "-" if t is None else f"≤ {t:.2f}", ok, fmt_ns(cb),
            "-" if ratio is None else f"{ratio:.3f}", cb_ok,
            fmt_ns(r.get("npdot_into_ns")),
            "-" if cb is None or r.get("npdot_into_ns") is None else f"{r['npdot_into_ns'] / cb:.3f}",
            fmt_ns(r.get("stream_ns")),
            "-" if r.get("stream_ns") is None else f"{r['numpy_ns'] / r['stream_ns']:.3f}",
            "-" if r.get("stream_ns") is None or r.get("npdot_into_ns") is None
            else f"{r['npdot_into_ns'] / r['stream_ns']:.3f}",
        ])
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for b in body:
            print("| " + " | ".join(b) + " |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for b in body:
        print(line(b))


if __name__ == "__main__":
    main()
