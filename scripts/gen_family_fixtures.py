#!/usr/bin/env python3
"""Generate npdot's NumPy fixture cases for the product family into tests/fixtures/family/*.json:
np.vdot, np.outer, np.tensordot, np.kron, np.vecdot, np.matvec, np.vecmat and np.linalg's outer,
tensordot and vecdot (with axis).

Requires numpy==2.4.* (refuses any other version). Deterministic (fixed seed). Reuses the value,
view and encoding helpers of scripts/gen_fixtures.py, whose docstring describes the operand format
(base array + view ops), the value encoding and the tolerance rule.

    /work/main/.venv/bin/python scripts/gen_family_fixtures.py
    cargo test --release --test products family_fixtures:: -- --nocapture

One JSON file per op, one case per line:

    {"id": "tensordot-float64-0042", "op": "tensordot", "dtype": "float64", "api": "free",
     "family": "pairs", "k": 6, "a": {...}, "b": {...},
     "axes": {"count": 2} | {"pairs": [[1, 0], [0, 1]], "form": "vec" | "array" | "pair"},
     "axis": -1,                                     # linalg_vecdot only
     "expect": {"dtype": ..., "shape": [...], "data": [...], "bound": [...]}
             | {"error": "<str(e)>"}                 # ValueError (and AxisError) texts
             | {"index_error": "<str(e)>"}           # Python's IndexError (tensordot)
    }

`vdot` results are stored as a 0-D expectation (shape []). `k` is the contracted length (vdot:
the size; tensordot: the product of the summed lengths; vecdot/matvec/vecmat: n; outer/kron: 1).
`api`: "free" (npdot::op on ArrayViewD), "method" (ProductFamily method on ArrayViewD), "owned"
(method on owned copies), "fixed" (free function on Ix1/Ix2 views; 1-D and 2-D operands only).
"""

import json
import os
import random
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_fixtures as gf  # noqa: E402

assert np.__version__.startswith("2.4"), f"numpy 2.4.* required, found {np.__version__}"

SEED = 20261202
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "family")
OPS = ["vdot", "outer", "tensordot", "kron", "vecdot", "matvec", "vecmat",
       "linalg_outer", "linalg_tensordot", "linalg_vecdot"]


def np_call(op, a, b, axes=None, axis=None):
    if op == "vdot":
        return np.vdot(a, b)
    if op == "outer":
        return np.outer(a, b)
    if op == "tensordot":
        return np.tensordot(a, b, axes)
    if op == "kron":
        return np.kron(a, b)
    if op in ("vecdot", "matvec", "vecmat"):
        return getattr(np, op)(a, b)
    if op == "linalg_outer":
        return np.linalg.outer(a, b)
    if op == "linalg_tensordot":
        return np.linalg.tensordot(a, b, axes=axes)
    if op == "linalg_vecdot":
        return np.linalg.vecdot(a, b, axis=axis)
    raise ValueError(op)


def abs1(x):
    x = np.asarray(x)
    if x.dtype.kind == "c":
        return np.abs(x.real) + np.abs(x.imag)
    return np.abs(x).astype(np.float64)


def dim(r, lo=0, cap=4):
    return min(max(r.choices([0, 1, 2, 3, 4], weights=[3, 20, 40, 30, 7])[0], lo), cap)


def shape(r, nd, lo=1, cap=3):
    return [dim(r, lo, cap) for _ in range(nd)]


def other(r, k):
    return r.choice([x for x in range(0, 5) if x != k])


def factor_shape(r, size):
    """A random shape with `size` elements."""
    if size == 0:
        s = shape(r, r.randint(1, 3))
        s[r.randrange(len(s))] = 0
        return s
    dims_, n = [], size
    for p in [2, 3, 5, 7]:
        while n % p == 0:
            dims_.append(p)
            n //= p
    if n > 1:
        dims_.append(n)
    r.shuffle(dims_)
    out = []
    for d in dims_:
        if out and r.random() < 0.5:
            out[-1] *= d
        else:
            out.append(d)
    for _ in range(r.randint(0, 1)):
        out.insert(r.randint(0, len(out)), 1)
    return out


class Gen:
    def __init__(self):
        self.r = random.Random(SEED)
        self.cases = {op: [] for op in OPS}
        self.skipped = 0

    def add(self, op, lbl, dt, fam, ash, bsh, axes=None, axis=None, k=1):
        r = self.r
        mode = gf.pick_mode(r, dt)
        a_spec, a = gf.make_operand(r, dt, mode, ash)
        b_spec, b = gf.make_operand(r, dt, mode, bsh)
        api = r.choice(["free", "free", "method", "owned"])
        if op not in ("linalg_outer", "linalg_tensordot", "linalg_vecdot") and a.ndim in (1, 2) \
                and b.ndim in (1, 2) and r.random() < 0.3:
            api = "fixed"
        if op.startswith("linalg_"):
            api = "free"
        case = {"op": op, "dtype": lbl, "api": api, "family": fam, "k": int(k), "a": a_spec, "b": b_spec}
        np_axes = None
        if axes is not None:
            if isinstance(axes, int):
                case["axes"] = {"count": axes}
                np_axes = axes
            else:
                xa, xb = axes
                form = r.choice(["vec", "array"])
                if len(xa) == 1 and len(xb) == 1 and r.random() < 0.5:
                    form = "pair"
                    np_axes = (xa[0], xb[0])
                else:
                    np_axes = (list(xa), list(xb))
                if form == "array" and (len(xa) > 3 or len(xb) > 3):
                    form = "vec"
                case["axes"] = {"pairs": [list(xa), list(xb)], "form": form}
        if axis is not None:
            case["axis"] = axis
        try:
            res = np_call(op, a, b, np_axes, axis)
        except ValueError as e:  # AxisError (also an IndexError) included
            case["expect"] = {"error": str(e)}
        except IndexError as e:
            case["expect"] = {"index_error": str(e)}
        else:
            res = np.asarray(res)
            if res.dtype != np.dtype(dt):
                self.skipped += 1
                return
            exp = {"dtype": res.dtype.name, "shape": list(res.shape), "data": gf.enc_values(res, dt)}
            if mode == "random" and res.size > 0:
                bound = np.asarray(np_call(op, abs1(a), abs1(b), np_axes, axis), dtype=np.float64)
                assert np.all(np.isfinite(bound))
                exp["bound"] = [float(x) for x in bound.ravel(order="C").tolist()]
            case["expect"] = exp
        case["id"] = f"{op}-{lbl}-{len(self.cases[op]):04d}"
        self.cases[op].append(case)

    # ---- per op ---------------------------------------------------------------------------

    def gen_vdot(self, lbl, dt):
        r = self.r
        for _ in range(10):
            a = shape(r, r.randint(0, 3), lo=0 if r.random() < 0.15 else 1)
            size = int(np.prod(a)) if a else 1
            b = factor_shape(r, size) if r.random() < 0.6 else list(a)
            if size == 1 and r.random() < 0.3:
                b = []
            self.add("vdot", lbl, dt, "ok", a, b, k=size)
        for _ in range(3):
            a = shape(r, r.randint(0, 3))
            size = int(np.prod(a)) if a else 1
            b = [other(r, size)] if r.random() < 0.5 else factor_shape(r, size + r.randint(1, 3))
            self.add("vdot", lbl, dt, "size_mismatch", a, b, k=1)

    def gen_outer(self, lbl, dt):
        r = self.r
        for _ in range(9):
            a = shape(r, r.randint(0, 3), lo=0 if r.random() < 0.2 else 1)
            b = shape(r, r.randint(0, 3), lo=0 if r.random() < 0.2 else 1)
            self.add("outer", lbl, dt, "ok", a, b)

    def gen_kron(self, lbl, dt):
        r = self.r
        for _ in range(10):
            a = shape(r, r.randint(0, 4), lo=0 if r.random() < 0.15 else 1, cap=3)
            b = shape(r, r.randint(0, 4), lo=0 if r.random() < 0.15 else 1, cap=3)
            self.add("kron", lbl, dt, "ok", a, b)

    def tensordot_case(self, fam):
        """(a_shape, b_shape, axes, k)."""
        r = self.r
        if fam == "count":
            n = r.choice([0, 1, 1, 2, 2, 3])
            summed = shape(r, n, lo=0 if r.random() < 0.1 else 1)
            a = shape(r, r.randint(0, 2)) + summed
            b = summed + shape(r, r.randint(0, 2))
            return a, b, n, int(np.prod(summed)) if summed else 1
        if fam == "pairs":
            n = r.choice([0, 1, 1, 2, 2, 3])
            summed = shape(r, n, lo=0 if r.random() < 0.1 else 1)
            fa, fb = r.randint(0, 2), r.randint(0, 2)
            a = [None] * (n + fa)
            b = [None] * (n + fb)
            pa = r.sample(range(n + fa), n)
            pb = r.sample(range(n + fb), n)
            for i, (x, y) in enumerate(zip(pa, pb)):
                a[x] = b[y] = summed[i]
            a = [d if d is not None else dim(r, 1, 3) for d in a]
            b = [d if d is not None else dim(r, 1, 3) for d in b]
            xa = [x - len(a) if r.random() < 0.3 else x for x in pa]
            xb = [y - len(b) if r.random() < 0.3 else y for y in pb]
            return a, b, (xa, xb), int(np.prod(summed)) if summed else 1
        if fam == "mismatch":
            a, b, axes, _ = self.tensordot_case(r.choice(["count", "pairs"]))
            if isinstance(axes, int):
                if axes == 0 or r.random() < 0.3:
                    return a, b, axes + 1 if len(a) > axes and len(b) > axes else axes + 5, 1
                b[r.randrange(axes)] = other(r, b[0])
                return a, b, axes, 1
            xa, xb = axes
            if not xa or r.random() < 0.3:
                return a, b, (xa + [0], xb), 1
            i = r.randrange(len(xb))
            b[xb[i]] = other(r, b[xb[i]])
            return a, b, (xa, xb), 1
        if fam == "duplicate":
            a = shape(r, r.randint(2, 3))
            b = shape(r, r.randint(2, 3))
            xa, xb = [0, 0], [0, 1]
            if r.random() < 0.5:
                xa, xb = [1, 0], [1, 1]
            return a, b, (xa, xb), 1
        if fam == "dont_match":
            d = dim(r, 1, 3)
            a = [d, d] + shape(r, r.randint(0, 1))
            b = [d, d] + shape(r, r.randint(0, 1))
            if r.random() < 0.5:
                return a, b, ([0, -len(a)], [0, 1]), 1
            return a, b, ([0, 1], [1, 1 - len(b)]), 1
        if fam == "index":
            a = shape(r, r.randint(0, 3))
            b = shape(r, r.randint(0, 3))
            if r.random() < 0.4:
                return a, b, len(a) + 1, 1
            xa = [r.choice([len(a), len(a) + 2, -len(a) - 1])]
            xb = [r.choice([0, len(b) + 1, -len(b) - 1])]
            if r.random() < 0.5:
                xa, xb = [0] if a else [1], xb
            return a, b, (xa, xb), 1
        raise ValueError(fam)

    def gen_tensordot(self, lbl, dt, op="tensordot", scale=1):
        r = self.r
        for fam, n in [("count", 6), ("pairs", 8), ("mismatch", 3), ("duplicate", 1),
                       ("dont_match", 1), ("index", 2)]:
            for _ in range(max(1, n // scale)):
                a, b, axes, k = self.tensordot_case(fam)
                self.add(op, lbl, dt, fam, a, b, axes=axes, k=k)

    def gufunc_case(self, op, fam):
        r = self.r
        core_a = {"vecdot": 1, "matvec": 2, "vecmat": 1}[op]
        core_b = {"vecdot": 1, "matvec": 1, "vecmat": 2}[op]
        n = dim(r, 0 if r.random() < 0.1 else 1, 4)
        m = dim(r, 0 if r.random() < 0.1 else 1, 3)
        ca = {"vecdot": [n], "matvec": [m, n], "vecmat": [n]}[op]
        cb = {"vecdot": [n], "matvec": [n], "vecmat": [n, m]}[op]
        if fam in ("ok", "broadcast_error"):
            ba, bb = gf.batch_pair(r, r.randint(0, 3))
            if fam == "broadcast_error":
                full = max(ba, bb, key=len)
                if not full:
                    ba, bb, full = [2], [3], [2]
                i = r.randrange(len(full))
                ba = list(full)
                bb = list(full)
                ba[i], bb[i] = 2, 3
                if r.random() < 0.4:
                    bb = bb[i:]
            return ba + ca, bb + cb, n
        if fam == "core_mismatch":
            ba, bb = gf.batch_pair(r, r.randint(0, 2))
            cb = list(cb)
            cb[0] = other(r, n)
            return ba + ca, bb + cb, 1
        if fam == "few_dims":
            if r.random() < 0.5:
                return shape(r, r.randint(0, core_a - 1)), shape(r, core_b), 1
            return ca, shape(r, r.randint(0, core_b - 1)), 1
        raise ValueError(fam)

    def gen_gufunc(self, op, lbl, dt):
        for fam, n in [("ok", 12), ("core_mismatch", 2), ("broadcast_error", 2), ("few_dims", 2)]:
            for _ in range(n):
                a, b, k = self.gufunc_case(op, fam)
                self.add(op, lbl, dt, fam, a, b, k=k)

    def gen_linalg(self, lbl, dt):
        r = self.r
        for _ in range(3):
            self.add("linalg_outer", lbl, dt, "ok", [dim(r, 0)], [dim(r, 0)])
        a = shape(r, r.choice([0, 2]))
        self.add("linalg_outer", lbl, dt, "not_1d", a, [dim(r)])
        self.gen_tensordot(lbl, dt, "linalg_tensordot", scale=4)
        for fam in ["ok", "ok", "ok", "ok", "axis_error", "core_mismatch", "broadcast_error"]:
            nd = r.randint(1, 3)
            a = shape(r, nd)
            axis = r.randrange(nd)
            n = a[axis]
            b = list(a)
            if r.random() < 0.4:
                for i in range(nd):
                    if i != axis and r.random() < 0.5:
                        b[i] = 1
            if r.random() < 0.3 and axis > 0:
                b = b[axis:]  # fewer loop dims on the left
                bax = 0
            else:
                bax = axis
            ax = axis - nd if r.random() < 0.5 else axis
            if len(b) != nd:
                ax = axis - nd  # a negative axis names the same core axis in both
            if fam == "axis_error":
                ax = r.choice([nd, -nd - 1, len(b) + 1])
            elif fam == "core_mismatch":
                b[bax] = other(r, n)
            elif fam == "broadcast_error":
                loops = [i for i in range(nd) if i != axis]
                if not loops:
                    a = [2] + a
                    b = [3] + b
                    ax = -1 if ax == axis - nd else ax + 1
                    if ax >= 0:
                        ax = -(len(a) - (axis + 1))
                else:
                    i = r.choice(loops)
                    a[i] = 2
                    j = i - (nd - len(b))
                    if j >= 0:
                        b[j] = 3
                    else:
                        b = [3] + b
            self.add("linalg_vecdot", lbl, dt, fam, a, b, axis=ax, k=n)


def main():
    g = Gen()
    for lbl, dt in gf.DTYPES:
        g.gen_vdot(lbl, dt)
        g.gen_outer(lbl, dt)
        g.gen_tensordot(lbl, dt)
        g.gen_kron(lbl, dt)
        for op in ["vecdot", "matvec", "vecmat"]:
            g.gen_gufunc(op, lbl, dt)
        g.gen_linalg(lbl, dt)
    # Summed axes that merge into two groups but not one, large enough for npdot's blocked
    # product that reads both operands in place (src/kernels/tensor_gemm): f64 and f32, M = N = 16,
    # k = 1024. Appended last, so the cases above keep their draws.
    for _ in range(2):
        g.add("tensordot", "float64", "float64", "packed", [32, 16, 32], [16, 32, 32],
              axes=([0, 2], [2, 1]), k=32 * 32)
    # The same for float32 (appended after the float64 ones).
    for _ in range(2):
        g.add("tensordot", "float32", "float32", "packed", [32, 16, 32], [16, 32, 32],
              axes=([0, 2], [2, 1]), k=32 * 32)
    os.makedirs(OUT_DIR, exist_ok=True)
    total = errors = 0
    msgs = {}
    for op in OPS:
        cases = g.cases[op]
        path = os.path.join(OUT_DIR, f"{op}.json")
        with open(path, "w") as f:
            f.write('{"generator": "scripts/gen_family_fixtures.py", ')
            f.write(f'"numpy": "{np.__version__}", "seed": {SEED}, "cases": [\n')
            f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
            f.write("\n]}\n")
        ne = sum("data" not in c["expect"] for c in cases)
        total += len(cases)
        errors += ne
        for c in cases:
            e = c["expect"].get("error") or c["expect"].get("index_error")
            if e:
                key = re.sub(r"\([0-9,newaxis]*\)", "(...)", e)
                key = f'{op:16} {c["family"]:16} ' + re.sub(r"\d+", "N", key)[:80]
                msgs[key] = msgs.get(key, 0) + 1
        print(f"{op:16} {len(cases):5} cases, {ne:4} errors, {os.path.getsize(path):9} bytes")
    print(f"{'total':16} {total:5} cases, {errors:4} errors; skipped (dtype promotion): {g.skipped}")
    for k, v in sorted(msgs.items()):
        print(f"  {v:4}  {k}...")


if __name__ == "__main__":
    sys.exit(main())
