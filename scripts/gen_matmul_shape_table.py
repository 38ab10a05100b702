#!/usr/bin/env python3
"""Record NumPy's `matmul` shape rules as a table for `src/shape/matmul.rs`'s tests.

Every row is one call `np.matmul(a, b)` or `np.matmul(a, b, out=out)` on int64 arrays of the
given shapes, with NumPy's outcome: the result shape, or the exact `str()` of the ValueError.
Some successful rows also carry the result's values (C order) for fixed input data, so the
test can check that `MatmulShape` describes *which* elements are multiplied, not only shapes.

Input data (C order, `i` the flat index):  a[i] = (3*i) % 7 - 3,  b[i] = (5*i) % 11 - 5.
`out` is pre-filled with 99 (every element must be overwritten).

Usage (needs numpy==2.4.*; writes next to the script by default):
    python scripts/gen_matmul_shape_table.py [OUTPUT.json]

The output is deterministic (fixed seed). Format:
    {"numpy": version, "seed": seed,
     "messages": [error text, ...],
     "rows": [[a, b, out or null, result, values?], ...]}
where `result` is a list (result shape) or an int (index into `messages`), and the optional
`values` is the flat result.
"""

import itertools
import json
import random
import sys
from pathlib import Path

import numpy as np

SEED = 20240611
DIMS = (0, 1, 2, 3)
MAX_VALUES = 24  # attach values only to results with at most this many elements


def all_shapes(max_ndim, dims=DIMS, min_ndim=0):
    for nd in range(min_ndim, max_ndim + 1):
        yield from itertools.product(dims, repeat=nd)


def data(shape, mul, mod, off):
    size = int(np.prod(shape, dtype=np.int64))
    return ((np.arange(size, dtype=np.int64) * mul) % mod - off).reshape(shape)


def run(a, b, out):
    """Returns (result shape, values or None) or the error text."""
    A = data(a, 3, 7, 3)
    B = data(b, 5, 11, 5)
    try:
        if out is None:
            r = np.matmul(A, B)
        else:
            o = np.full(out, 99, dtype=np.int64)
            r = np.matmul(A, B, out=o)
            assert r is o
    except ValueError as e:
        return str(e)
    shape = list(r.shape)
    values = r.ravel().tolist() if r.size <= MAX_VALUES else None
    return shape, values


class Table:
    def __init__(self):
        self.rows = {}
        self.messages = {}

    def add(self, a, b, out):
        key = (tuple(a), tuple(b), None if out is None else tuple(out))
        if key in self.rows:
            return
        res = run(*key)
        if isinstance(res, str):
            idx = self.messages.setdefault(res, len(self.messages))
            row = [list(a), list(b), None if out is None else list(out), idx]
        else:
            shape, values = res
            row = [list(a), list(b), None if out is None else list(out), shape]
            if values is not None:
                row.append(values)
        self.rows[key] = row

    def __len__(self):
        return len(self.rows)


def result_shape(a, b):
    try:
        return list(np.matmul(np.empty(a), np.empty(b)).shape)
    except ValueError:
        return None


def out_variants(rng, a, b):
    """`out` shapes near the interesting boundaries of the result shape of a @ b."""
    res = result_shape(a, b)
    # The shape NumPy would pick if core dims were taken naively (even for invalid inputs).
    base = res if res is not None else [rng.choice(DIMS) for _ in range(rng.randint(0, 4))]
    outs = [base]
    outs.append([rng.choice((1, 1, 2, 3, 0))] + base)  # one extra leading dim
    outs.append([rng.choice((1, 2)), rng.choice((1, 2, 3))] + base)  # two extra
    if base:
        outs.append(base[1:])  # one leading dim dropped
        outs.append(base[2:])
        outs.append(base[-1:])
        i = rng.randrange(len(base))
        changed = list(base)
        changed[i] = rng.choice([d for d in DIMS if d != base[i]])
        outs.append(changed)
        ones = list(base)
        ones[rng.randrange(len(base))] = 1
        outs.append(ones)
    outs.append([])
    nd = rng.randint(0, 5)
    outs.append([rng.choice(DIMS) for _ in range(nd)])
    return [o for o in outs if len(o) <= 5]


def biased_pair(rng):
    """Random (a, b), biased towards matching k and broadcastable batches."""
    def nd():
        return rng.choices((0, 1, 2, 3, 4), weights=(1, 6, 8, 6, 4))[0]

    a = [rng.choice(DIMS) for _ in range(nd())]
    b = [rng.choice(DIMS) for _ in range(nd())]
    if a and len(b) >= 1 and rng.random() < 0.85:
        kb = len(b) - 2 if len(b) >= 2 else 0
        b[kb] = a[-1]
    if len(a) > 2 and len(b) > 2 and rng.random() < 0.6:
        la, lb = a[:-2], b[:-2]
        for i in range(1, min(len(la), len(lb)) + 1):
            r = rng.random()
            if r < 0.5:
                lb[-i] = la[-i]
            elif r < 0.75:
                lb[-i] = 1
            else:
                la[-i] = 1
        a = la + a[-2:]
        b = lb + b[-2:]
    return a, b


def main():
    if not np.__version__.startswith("2.4."):
        sys.exit(f"numpy 2.4.x required (the rules are pinned to it), found {np.__version__}")
    default = Path(__file__).resolve().parent.parent / "tests/data/matmul_shape_table.json"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    rng = random.Random(SEED)
    t = Table()

    # A. No `out`: every pair of inputs with up to 3 dims, each dim in {0,1,2,3}.
    small = list(all_shapes(3))
    for a in small:
        for b in small:
            t.add(a, b, None)
    # ... and a sample involving 4-D inputs.
    four = list(all_shapes(4, min_ndim=4))
    every = list(all_shapes(4))
    for _ in range(3000):
        a, b = rng.choice(four), rng.choice(every)
        if rng.random() < 0.5:
            a, b = b, a
        if len(a) and len(b) and rng.random() < 0.7:
            b = list(b)
            b[len(b) - 2 if len(b) >= 2 else 0] = a[-1]
        t.add(a, b, None)
    n_plain = len(t)

    # B. Exhaustive `out` for small operands: inputs up to 2-D, outs up to 3-D, dims {0,1,2}.
    tiny = list(all_shapes(2, dims=(0, 1, 2)))
    tiny_out = list(all_shapes(3, dims=(0, 1, 2)))
    for a in tiny:
        for b in tiny:
            # Pairs that fail without `out` mostly fail the same way with it: sample those.
            keep = 1.0 if result_shape(a, b) is not None else 0.15
            for o in tiny_out:
                if rng.random() < keep:
                    t.add(a, b, o)
    # ... and 3-D inputs with dims {1,2} against outs up to 4-D with dims {1,2}.
    for a in all_shapes(3, dims=(1, 2), min_ndim=1):
        for b in all_shapes(3, dims=(1, 2), min_ndim=1):
            if rng.random() < 0.25:
                for o in all_shapes(4, dims=(1, 2)):
                    if rng.random() < 0.2:
                        t.add(a, b, o)
    n_exhaustive = len(t) - n_plain

    # C. Random operands near the boundaries, with `out` variants around their result shape.
    while len(t) < 48000:
        a, b = biased_pair(rng)
        t.add(a, b, None)
        for o in out_variants(rng, a, b):
            t.add(a, b, o)

    rows = sorted(
        t.rows.values(),
        key=lambda r: (r[2] is not None, len(r[0]), len(r[1]), r[0], r[1], r[2] or []),
    )
    messages = sorted(t.messages, key=t.messages.get)
    ok = sum(1 for r in rows if isinstance(r[3], list))
    with_values = sum(1 for r in rows if len(r) > 4)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        f.write('{"numpy": %s, "seed": %d,\n' % (json.dumps(np.__version__), SEED))
        f.write('"messages": [\n')
        f.write(",\n".join(json.dumps(m) for m in messages))
        f.write('\n],\n"rows": [\n')
        f.write(",\n".join(json.dumps(r, separators=(",", ":")) for r in rows))
        f.write("\n]}\n")
    print(
        f"{path}: {len(rows)} rows ({n_plain} without out, {n_exhaustive} exhaustive small with "
        f"out), {ok} ok ({with_values} with values), {len(rows) - ok} errors, "
        f"{len(messages)} distinct messages, {path.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
