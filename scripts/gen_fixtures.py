#!/usr/bin/env python3
"""Generate npdot's NumPy fixture cases into tests/fixtures/*.json.

Requires numpy==2.4.* (the expected values and error texts are NumPy 2.4's; the script refuses
to run on any other version). Deterministic: a fixed seed drives every choice, so running it
twice gives byte-identical files.

    python3 -m venv /tmp/np && /tmp/np/bin/pip install 'numpy==2.4.*'
    /tmp/np/bin/python scripts/gen_fixtures.py          # writes tests/fixtures/*.json
    cargo test --release --test products fixtures:: -- --nocapture  # replays them through npdot

File format (one JSON object per file, one case per line inside "cases"):

    {"id": "matmul-float64-0042", "op": "matmul", "dtype": "float64", "api": "free",
     "family": "batch", "k": 3,
     "a": {"shape": [...], "data": [...], "views": [...]},      # base array, C order
     "b": {...},
     "out": {"shape": [...], "fill": v, "views": [...]},        # only for dot_into/matmul_into
     "expect": {"dtype": "float64", "shape": [...], "data": [...], "bound": [...]}
                                                                # or {"error": "<str(e)>"}
    }

* `views` are applied in order to the base to get the operand NumPy saw; each maps to one safe
  ndarray view operation:
    {"slice": [[start, end, step], ...]}  ndarray `Slice::new(start, Some(end), step)` per axis:
        0 <= start <= end <= len; a negative step walks end-1, end-1-|step|, ... down to start
        (NumPy: x[start:end][::step]);
    {"permute": [axes]}     `permuted_axes` (NumPy `transpose(axes)`);
    {"insert_axis": i}      `insert_axis(Axis(i))` (NumPy `x[(slice(None),)*i + (None,)]`);
    {"broadcast": [shape]}  `broadcast(shape)` (NumPy `broadcast_to`; inputs only).
* `out`: the base is filled with `fill` (a sentinel, so unwritten elements are caught), the views
  give the `out=` operand. `expect` then describes that view after the call; every element of the
  base outside the view must still equal `fill`, and on an error the whole base must.
* Values: integers as JSON integers (full u64/i64 range), bool as true/false, floats as strings
  that round-trip exactly ("nan", "inf", "-inf" included; float32 as NumPy's shortest float32
  repr), complex as [re, im] pairs of such strings.
* `expect.dtype` is NumPy's name of the result dtype (intp/uintp print as int64/uint64); cases
  where NumPy would promote to another dtype are skipped.
* `bound` is present only for cases with random (non-integer-valued) floats: the elementwise
  product of the operands' absolute values (|re|+|im| for complex) in float64; the test accepts
  |got - want| <= 4 * eps * (k + 2) * bound. All other cases compare exactly (NaN == NaN).
* `api`: which npdot entry point the test uses: "free" (npdot::dot on ArrayViewD),
  "trait_view" (ArrayViewD method), "trait_owned" (methods on owned copies) or "free_fixed"
  (free functions on Ix0/Ix1/Ix2 views).
"""

import json
import math
import os
import random
import re
import sys
import time

import numpy as np

assert np.__version__.startswith("2.4"), f"numpy 2.4.* required, found {np.__version__}"

SEED = 20240602
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")

# (label used in the fixtures and by npdot's Element::DTYPE, numpy dtype)
DTYPES = [
    ("float32", np.float32),
    ("float64", np.float64),
    ("complex64", np.complex64),
    ("complex128", np.complex128),
    ("int8", np.int8),
    ("int16", np.int16),
    ("int32", np.int32),
    ("int64", np.int64),
    ("intp", np.intp),
    ("uint8", np.uint8),
    ("uint16", np.uint16),
    ("uint32", np.uint32),
    ("uint64", np.uint64),
    ("uintp", np.uintp),
    ("bool", np.bool_),
]
assert np.dtype(np.intp) == np.dtype(np.int64) and np.dtype(np.uintp) == np.dtype(np.uint64)

OPS = ["dot", "inner", "matmul", "dot_into", "matmul_into"]


def kind(dt):
    return np.dtype(dt).kind  # 'f', 'c', 'i', 'u', 'b'


# --------------------------------------------------------------------------------------------
# values


def enc_real(x, dt):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if np.dtype(dt) in (np.dtype(np.float32), np.dtype(np.complex64)):
        s = str(np.float32(x))
        assert float(np.float32(s)) == x, (s, x)
        return s
    s = repr(x)
    assert float(s) == x
    return s


def enc_values(arr, dt):
    flat = np.asarray(arr).ravel(order="C")
    k = kind(dt)
    if k == "b":
        return [bool(v) for v in flat.tolist()]
    if k in "iu":
        return [int(v) for v in flat.tolist()]
    if k == "f":
        return [enc_real(v, dt) for v in flat.tolist()]
    return [[enc_real(v.real, dt), enc_real(v.imag, dt)] for v in flat.tolist()]


def enc_scalar(v, dt):
    return enc_values(np.array(v, dtype=dt), dt)[0]


def gen_values(r, dt, mode, n):
    k = kind(dt)
    if k == "b":
        return np.array([r.random() < 0.5 for _ in range(n)], dtype=dt)
    if k in "iu":
        info = np.iinfo(dt)
        if mode == "full":
            special = [info.min, info.max, info.min + 1, info.max - 1, 0, 1, 2]
            if k == "i":
                special += [-1, -2]
            vals = [
                r.choice(special) if r.random() < 0.25 else r.randint(info.min, info.max)
                for _ in range(n)
            ]
        elif k == "i":
            vals = [r.randint(-3, 4) for _ in range(n)]
        else:
            vals = [r.randint(0, 5) for _ in range(n)]
        return np.array(vals, dtype=dt)
    if k == "f":
        if mode == "random":
            vals = [r.uniform(-2.0, 2.0) for _ in range(n)]
        elif mode == "special":
            vals = [float(r.choice([-4, -3, -2, -1, 1, 2, 3, 4])) for _ in range(n)]
            for i in range(n):
                if r.random() < 0.15:
                    vals[i] = r.choice([math.nan, math.inf, -math.inf])
        else:
            vals = [float(r.randint(-3, 4)) for _ in range(n)]
        return np.array(vals, dtype=dt)
    # complex
    if mode == "random":
        vals = [complex(r.uniform(-2, 2), r.uniform(-2, 2)) for _ in range(n)]
    else:
        vals = [complex(r.randint(-3, 3), r.randint(-3, 3)) for _ in range(n)]
    return np.array(vals, dtype=dt)


def pick_mode(r, dt):
    k = kind(dt)
    if k == "b":
        return "small"
    if k in "iu":
        return "full" if r.random() < 0.4 else "small"
    if k == "f":
        x = r.random()
        return "random" if x < 0.25 else ("special" if x < 0.35 else "small")
    return "random" if r.random() < 0.3 else "small"


# --------------------------------------------------------------------------------------------
# views


def apply_ops(x, ops):
    for op in ops:
        ((name, v),) = op.items()
        if name == "slice":
            x = x[tuple(slice(s, e) for s, e, _ in v)]
            x = x[tuple(slice(None, None, st) for _, _, st in v)]
        elif name == "permute":
            x = x.transpose(v)
        elif name == "insert_axis":
            x = x[(slice(None),) * v + (np.newaxis,)]
        elif name == "broadcast":
            x = np.broadcast_to(x, tuple(v))
        else:
            raise ValueError(name)
    return x


def random_perm(r, n, transpose_bias=0.5):
    if n < 2:
        return list(range(n))
    if r.random() < transpose_bias:
        return list(reversed(range(n)))
    while True:
        p = list(range(n))
        r.shuffle(p)
        if p != list(range(n)):
            return p


def build_view(r, target, kinds, slice_mode=None):
    """(base_shape, ops) such that apply_ops(base, ops).shape == target."""
    cur = list(target)
    if "step" in kinds:  # non-unit positive steps on every axis
        kinds, slice_mode = ["slice"], "step"
    if "lead_block" in kinds:  # an offset block along axis 0: still C-contiguous
        if not cur:
            return [], []
        start = r.randint(1, 2)
        spec = [[start, start + cur[0], 1]] + [[0, d, 1] for d in cur[1:]]
        return [start + cur[0] + r.randint(0, 2)] + cur[1:], [{"slice": spec}]
    if "slice_ones" in kinds:  # odd offsets and steps on the size-1 axes only
        spec, base = [], []
        for d in cur:
            if d == 1:
                start, step = r.randint(0, 2), r.choice([1, 2, -1, -3])
                spec.append([start, start + 1, step])
                base.append(start + 1 + r.randint(0, 2))
            else:
                spec.append([0, d, 1])
                base.append(d)
        return base, [{"slice": spec}]
    rev = []
    if "broadcast" in kinds and len(cur) > 0:
        nd = len(cur)
        drop = r.randint(1, nd) if r.random() < 0.35 else 0
        pre = [1 if r.random() < 0.5 else d for d in cur[drop:]]
        if pre == cur:
            big = [i for i, d in enumerate(cur) if d != 1]
            if big:
                pre[r.choice(big)] = 1
            else:
                pre = cur[1:]
        rev.append({"broadcast": list(cur)})
        cur = pre
    if "insert" in kinds:
        ones = [i for i, d in enumerate(cur) if d == 1]
        if ones:
            chosen = sorted(r.sample(ones, r.randint(1, len(ones))))
            for ax in reversed(chosen):
                rev.append({"insert_axis": ax})
            cur = [d for i, d in enumerate(cur) if i not in chosen]
    if "permute" in kinds and len(cur) >= 2:
        p = random_perm(r, len(cur))
        base = [0] * len(cur)
        for i, d in enumerate(cur):
            base[p[i]] = d
        rev.append({"permute": p})
        cur = base
    if "slice" in kinds and len(cur) > 0:
        mode = slice_mode or r.choice(["neg", "step", "mixed", "offset"])
        spec, base = [], []
        for n in cur:
            if mode == "neg":
                step = r.choice([-1, -1, -2])
            elif mode == "step":
                step = r.choice([2, 2, 3])
            elif mode == "offset":
                step = 1
            else:
                step = r.choice([1, 2, 3, -1, -2, -3])
            start = r.choice([0, 0, 1, 2])
            if n == 0:
                end = start
            else:
                end = start + (n - 1) * abs(step) + 1 + r.randint(0, abs(step) - 1)
            spec.append([start, end, step])
            base.append(end + r.choice([0, 0, 1, 2]))
        rev.append({"slice": spec})
        cur = base
    return cur, list(reversed(rev))


INPUT_LAYOUTS = [
    [],
    [],
    ["permute"],
    ["slice"],
    ["broadcast"],
    ["insert"],
    ["permute", "slice"],
    ["broadcast", "slice"],
    ["broadcast", "permute"],
    ["insert", "permute", "slice"],
]
OUT_LAYOUTS = [[], ["permute"], ["slice"], ["insert"], ["permute", "slice"], ["insert", "slice"]]


def make_operand(r, dt, mode, target, kinds=None):
    if kinds is None:
        kinds = r.choice(INPUT_LAYOUTS)
    base_shape, ops = build_view(r, target, kinds)
    size = int(np.prod(base_shape)) if base_shape else 1
    base = gen_values(r, dt, mode, size).reshape(base_shape)
    view = apply_ops(base, ops)
    assert view.shape == tuple(target), (view.shape, target, ops)
    spec = {"shape": list(base_shape), "data": enc_values(base, dt), "views": ops}
    return spec, view


# --------------------------------------------------------------------------------------------
# shapes


def dim(r, lo=0):
    d = r.choices([0, 1, 2, 3, 4], weights=[3, 20, 40, 30, 7])[0]
    return max(d, lo)


def dims(r, n, lo=1, cap=None):
    out = [dim(r, lo) for _ in range(n)]
    if cap is not None:
        out = [min(d, cap) for d in out]
    return out


def other_size(r, k):
    return r.choice([x for x in range(0, 6) if x != k])


def dot_shapes(r, family):
    """Return (a_shape, b_shape) for np.dot of the given family."""
    if family == "scalar":
        s = dims(r, r.randint(0, 5), cap=3 if r.random() < 0.5 else 2)
        return ([], s) if r.random() < 0.5 else (s, [])
    if family == "vec_vec":
        k = dim(r, 1)
        return [k], [k]
    if family == "matrix":
        m, k, n = dim(r, 1), dim(r, 1), dim(r, 1)
        return r.choice([([m, k], [k, n]), ([m, k], [k]), ([k], [k, n]), ([m, k], [k, n])])
    if family == "nd":
        while True:
            p, q = r.randint(1, 5), r.randint(1, 5)
            if p + q >= 3 and p + q <= 7:
                break
        cap = 2 if p + q > 5 else 3
        k = dim(r, 1)
        a = dims(r, p - 1, cap=cap) + [k]
        b = dims(r, q - 2, cap=cap) + [k, min(dim(r, 1), cap)] if q >= 2 else [k]
        return a, b
    if family == "zero":
        a, b = dot_shapes(r, r.choice(["vec_vec", "matrix", "nd"]))
        if r.random() < 0.5:  # k = 0
            a[-1] = 0
            b[-2 if len(b) >= 2 else -1] = 0
        else:
            cands = [("a", i) for i in range(len(a) - 1)] + [
                ("b", i) for i in range(len(b)) if i != (len(b) - 2 if len(b) >= 2 else 0)
            ]
            if not cands:
                a[-1] = 0
                b[-2 if len(b) >= 2 else -1] = 0
            else:
                which, i = r.choice(cands)
                (a if which == "a" else b)[i] = 0
        return a, b
    if family == "mismatch":
        a, b = dot_shapes(r, r.choice(["vec_vec", "matrix", "matrix", "nd", "nd"]))
        j = len(b) - 2 if len(b) >= 2 else 0
        b[j] = other_size(r, a[-1])
        return a, b
    raise ValueError(family)


def inner_shapes(r, family):
    if family == "scalar":
        return dot_shapes(r, "scalar")
    if family == "vec_vec":
        k = dim(r, 1)
        return [k], [k]
    if family == "matrix":
        m, k, n = dim(r, 1), dim(r, 1), dim(r, 1)
        return r.choice([([m, k], [n, k]), ([m, k], [k]), ([k], [n, k])])
    if family == "nd":
        while True:
            p, q = r.randint(1, 5), r.randint(1, 5)
            if p + q >= 3 and p + q <= 7:
                break
        cap = 2 if p + q > 5 else 3
        k = dim(r, 1)
        return dims(r, p - 1, cap=cap) + [k], dims(r, q - 1, cap=cap) + [k]
    if family == "zero":
        a, b = inner_shapes(r, r.choice(["vec_vec", "matrix", "nd"]))
        if r.random() < 0.5:
            a[-1] = 0
            b[-1] = 0
        else:
            cands = [("a", i) for i in range(len(a) - 1)] + [("b", i) for i in range(len(b) - 1)]
            if cands:
                which, i = r.choice(cands)
                (a if which == "a" else b)[i] = 0
            else:
                a[-1] = b[-1] = 0
        return a, b
    if family == "mismatch":
        a, b = inner_shapes(r, r.choice(["vec_vec", "matrix", "matrix", "nd", "nd"]))
        b[-1] = other_size(r, a[-1])
        return a, b
    raise ValueError(family)


def batch_pair(r, nb, allow_missing=True):
    """Two broadcast-compatible batch shapes."""
    full = dims(r, nb, lo=1, cap=3)
    out = []
    for _ in range(2):
        s = [1 if r.random() < 0.3 else d for d in full]
        if allow_missing and r.random() < 0.3:
            s = s[r.randint(0, nb) :]
        out.append(s)
    return out


def matmul_shapes(r, family):
    if family == "vec":
        k = dim(r, 1)
        c = r.random()
        if c < 0.25:
            return [k], [k]
        nb = r.randint(0, 3)
        batch = dims(r, nb, lo=1, cap=2)
        if c < 0.6:
            return [k], batch + [k, dim(r, 1)]
        return batch + [dim(r, 1), k], [k]
    if family == "matrix":
        m, k, n = dim(r, 1), dim(r, 1), dim(r, 1)
        return [m, k], [k, n]
    if family == "batch":
        nb = r.randint(1, 3)
        ba, bb = batch_pair(r, nb)
        cap = 2 if nb == 3 else 3
        m, k, n = min(dim(r, 1), cap), min(dim(r, 1), cap), min(dim(r, 1), cap)
        return ba + [m, k], bb + [k, n]
    if family == "zero":
        a, b = matmul_shapes(r, r.choice(["vec", "matrix", "batch", "batch"]))
        c = r.random()
        if c < 0.4:
            a[-1] = 0
            b[-2 if len(b) >= 2 else -1] = 0
        else:
            cands = [("a", i) for i in range(len(a) - 1)] + [
                ("b", i) for i in range(len(b)) if len(b) >= 2 and i != len(b) - 2
            ]
            if cands:
                which, i = r.choice(cands)
                (a if which == "a" else b)[i] = 0
            else:
                a[-1] = 0
                b[-1] = 0
        return a, b
    if family == "scalar_error":
        s = dims(r, r.randint(0, 4), cap=3)
        c = r.random()
        if c < 0.4:
            return [], s
        if c < 0.8:
            return s, []
        return [], []
    if family == "core_mismatch":
        a, b = matmul_shapes(r, r.choice(["vec", "matrix", "batch", "batch"]))
        j = len(b) - 2 if len(b) >= 2 else 0
        b[j] = other_size(r, a[-1])
        if r.random() < 0.3 and len(a) > 2 and len(b) > 2:
            # batch dims incompatible too: the core check must win
            a[0] = 2
            b[len(b) - len(a)] = 3 if len(b) >= len(a) else b[0]
        return a, b
    if family == "broadcast_error":
        nb = r.randint(1, 3)
        ba, bb = batch_pair(r, nb, allow_missing=False)
        i = r.randrange(nb)
        x = r.choice([2, 3, 4])
        y = r.choice([v for v in [0, 2, 3, 4] if v != x])
        ba[i], bb[i] = x, y
        if r.random() < 0.3:
            drop = r.randint(0, i)
            (ba, bb) = (ba[drop:], bb) if r.random() < 0.5 else (ba, bb[drop:])
        k = dim(r, 1)
        a = ba + [min(dim(r, 1), 2), k]
        b = bb + [k, min(dim(r, 1), 2)]
        if r.random() < 0.2:
            b = bb + [k, 1]  # a column core
        return a, b
    raise ValueError(family)


# --------------------------------------------------------------------------------------------
# running NumPy


def np_call(op, a, b, out=None):
    with np.errstate(all="ignore"):
        if op == "dot":
            return np.dot(a, b) if out is None else np.dot(a, b, out=out)
        if op == "inner":
            return np.inner(a, b)
        if op == "matmul":
            return np.matmul(a, b) if out is None else np.matmul(a, b, out=out)
    raise ValueError(op)


def abs1(x):
    x = np.asarray(x)
    if kind(x.dtype) == "c":
        return np.abs(x.real).astype(np.float64) + np.abs(x.imag).astype(np.float64)
    return np.abs(x.astype(np.float64))


def contracted_len(op, a, b):
    if a.ndim == 0 or b.ndim == 0:
        return 1
    return int(a.shape[-1])


class Gen:
    def __init__(self):
        self.r = random.Random(SEED)
        self.cases = {op: [] for op in OPS}
        self.skipped = 0

    def pick_api(self, a_nd, b_nd, into):
        r = self.r
        apis = ["free", "free", "trait_view", "trait_owned"]
        if a_nd <= 2 and b_nd <= 2:
            apis.append("free_fixed")
        if into:
            apis = [x for x in apis if x != "trait_owned"] + ["trait_owned"]
        return r.choice(apis)

    def add(self, op, dt_label, dt, family, a_shape, b_shape, out_plan=None, mode=None):
        r = self.r
        mode = mode or pick_mode(r, dt)
        a_spec, a = make_operand(r, dt, mode, a_shape)
        b_spec, b = make_operand(r, dt, mode, b_shape)
        base_op = op.replace("_into", "")
        case = {
            "id": None,
            "op": op,
            "dtype": dt_label,
            "api": self.pick_api(a.ndim, b.ndim, op.endswith("_into")),
            "family": family,
            "k": contracted_len(base_op, a, b),
            "a": a_spec,
            "b": b_spec,
        }
        out_view = None
        if op.endswith("_into"):
            # the result shape NumPy would produce without out (None if it errors)
            try:
                plain = np.asarray(np_call(base_op, a, b))
                rshape = list(plain.shape)
            except ValueError:
                rshape = None
            out_shape, out_kinds = out_plan(r, rshape, a, b)
            base_shape, ops = build_view(r, out_shape, out_kinds)
            fill = {"b": True, "i": 7, "u": 7, "f": 7.0, "c": 7 + 7j}[kind(dt)]
            if r.random() < 0.2:
                fill = {"b": False, "i": 0, "u": 0, "f": 0.0, "c": 0j}[kind(dt)]
            out_base = np.full(base_shape, fill, dtype=dt)
            out_view = apply_ops(out_base, ops)
            assert out_view.shape == tuple(out_shape)
            assert out_view.flags.writeable
            assert out_view.size == 0 or np.shares_memory(out_view, out_base)
            case["out"] = {"shape": list(base_shape), "fill": enc_scalar(fill, dt), "views": ops}
        try:
            t0 = time.time()
            res = np_call(base_op, a, b, out_view)
            assert time.time() - t0 < 2.0
        except ValueError as e:
            if out_view is not None:
                assert np.all(out_base == fill), "numpy wrote to out on error"
            case["expect"] = {"error": str(e)}
        else:
            res = np.asarray(res)
            if res.dtype != np.dtype(dt):
                self.skipped += 1
                return
            if out_view is not None:
                assert res.shape == out_view.shape
                res = out_view
            exp = {"dtype": res.dtype.name, "shape": list(res.shape), "data": enc_values(res, dt)}
            if mode == "random" and res.size > 0:
                if out_view is None:
                    bound = np.asarray(np_call(base_op, abs1(a), abs1(b)))
                else:
                    bound = np.zeros(res.shape, dtype=np.float64)
                    np_call(base_op, abs1(a), abs1(b), bound)
                assert np.all(np.isfinite(bound))
                exp["bound"] = [float(x) for x in bound.ravel(order="C").tolist()]
            case["expect"] = exp
        case["id"] = f"{op}-{dt_label}-{len(self.cases[op]):04d}"
        self.cases[op].append(case)

    # ---- families -----------------------------------------------------------------------

    def gen_dot(self, lbl, dt):
        r = self.r
        for fam, n in [("scalar", 8), ("vec_vec", 5), ("matrix", 10), ("nd", 16), ("zero", 6), ("mismatch", 8)]:
            for _ in range(n):
                a, b = dot_shapes(r, fam)
                self.add("dot", lbl, dt, fam, a, b)

    def gen_inner(self, lbl, dt):
        r = self.r
        for fam, n in [("scalar", 6), ("vec_vec", 4), ("matrix", 8), ("nd", 14), ("zero", 5), ("mismatch", 8)]:
            for _ in range(n):
                a, b = inner_shapes(r, fam)
                self.add("inner", lbl, dt, fam, a, b)

    def gen_matmul(self, lbl, dt):
        r = self.r
        for fam, n in [
            ("scalar_error", 5),
            ("vec", 9),
            ("matrix", 8),
            ("batch", 18),
            ("zero", 7),
            ("core_mismatch", 8),
            ("broadcast_error", 7),
        ]:
            for _ in range(n):
                a, b = matmul_shapes(r, fam)
                self.add("matmul", lbl, dt, fam, a, b)

    def gen_dot_into(self, lbl, dt):
        r = self.r

        def plan_for(recipe):
            def plan(r, rshape, a, b):
                if rshape is None:  # inputs already fail: any out
                    return dims(r, r.randint(0, 3), cap=3), r.choice(OUT_LAYOUTS)
                return out_recipe(r, recipe, rshape)

            return plan

        plans = [
            ("out_ok", "ok", 6),
            ("out_contig_view", "contig_view", 5),
            ("out_strided", "noncontig", 6),
            ("out_wrong_ndim", "wrong_ndim", 4),
            ("out_wrong_shape", "wrong_shape", 4),
            ("out_wrong_shape_noncontig", "wrong_shape_noncontig", 2),
        ]
        for fam, recipe, n in plans:
            for _ in range(n):
                a, b = dot_shapes(r, r.choice(["vec_vec", "matrix", "matrix", "nd", "zero"]))
                self.add("dot_into", lbl, dt, fam, a, b, plan_for(recipe))
        for _ in range(2):
            a, b = dot_shapes(r, "mismatch")
            self.add("dot_into", lbl, dt, "out_inputs_mismatch", a, b, plan_for("ok"))
        # 0-D operand: NumPy uses BLAS rules for float/complex with both ndim <= 2 and
        # np.multiply(a, b, out=out) (ufunc rules) otherwise.
        for recipe in ["ok", "noncontig", "wrong_shape", "wrong_ndim", "lead", "ok"]:
            a, b = dot_shapes(r, "scalar")
            self.add("dot_into", lbl, dt, "out_scalar_operand", a, b, plan_for(recipe))

    def gen_matmul_into(self, lbl, dt):
        r = self.r

        def plan_for(recipe):
            def plan(r, rshape, a, b):
                if rshape is None:  # the inputs fail: an out with the right core dims
                    if a.ndim >= 1 and b.ndim >= 1 and r.random() < 0.7:
                        core = [a.shape[-2]] if a.ndim >= 2 else []
                        core += [b.shape[-1]] if b.ndim >= 2 else []
                        return dims(r, r.randint(0, 3), cap=3) + core, r.choice(OUT_LAYOUTS)
                    return dims(r, r.randint(0, 3), cap=3), r.choice(OUT_LAYOUTS)
                return mm_out_recipe(r, recipe, rshape, a, b)

            return plan

        plans = [
            ("out_exact", "exact", 9),
            ("out_leading_dims", "lead", 6),
            ("out_stretch_batch", "stretch", 4),
            ("out_core_mismatch", "core", 6),
            ("out_fewer_dims", "fewer", 5),
            ("out_loop_dims", "loop", 5),
        ]
        for fam, recipe, n in plans:
            for _ in range(n):
                a, b = matmul_shapes(r, r.choice(["vec", "matrix", "batch", "batch", "zero"]))
                self.add("matmul_into", lbl, dt, fam, a, b, plan_for(recipe))
        for fam in ["scalar_error", "core_mismatch", "broadcast_error", "broadcast_error"]:
            a, b = matmul_shapes(r, fam)
            self.add("matmul_into", lbl, dt, "out_inputs_" + fam, a, b, plan_for("exact"))


def out_recipe(r, recipe, rshape):
    """dot_into: (out view shape, mutable layout kinds)."""
    nd = len(rshape)
    if recipe == "ok":
        return rshape, []
    if recipe == "contig_view":
        # C-contiguous in NumPy's sense although the strides look odd: size-1 axes (any
        # stride), empty arrays, or an offset block along the first axis.
        if 0 in rshape:
            return rshape, r.choice([["permute"], ["slice"], ["permute", "slice"]])
        if 1 in rshape:
            return rshape, r.choice([["insert"], ["slice_ones"]])
        return rshape, ["lead_block"]
    if recipe == "noncontig":
        if nd == 0:
            return rshape, []
        return rshape, r.choice([["permute"], ["slice"], ["permute", "slice"], ["step"]])
    if recipe == "wrong_ndim":
        if nd > 0 and r.random() < 0.5:
            s = list(rshape)
            del s[r.randrange(nd)]
        else:
            s = list(rshape)
            s.insert(r.randint(0, nd), r.choice([1, 2]))
        return s, r.choice([[], [], ["permute"]])
    if recipe in ("wrong_shape", "wrong_shape_noncontig"):
        if nd == 0:
            return [1], []
        s = list(rshape)
        i = r.randrange(nd)
        s[i] = other_size(r, s[i])
        return s, ([] if recipe == "wrong_shape" else r.choice([["permute"], ["slice"]]))
    if recipe == "lead":
        return [r.choice([1, 2, 3])] + list(rshape), []
    raise ValueError(recipe)


def mm_out_recipe(r, recipe, rshape, a, b):
    nd = len(rshape)
    layout = r.choice(OUT_LAYOUTS)
    if recipe == "exact":
        return rshape, layout
    if recipe == "lead":
        return dims(r, r.randint(1, 2), lo=0, cap=3) + list(rshape), layout
    if recipe == "stretch":
        # out batch dims larger where the inputs have 1 or nothing
        s = list(rshape)
        core = (a.ndim >= 2) + (b.ndim >= 2)
        nbatch = nd - core
        for i in range(nbatch):
            if s[i] == 1 and r.random() < 0.7:
                s[i] = r.choice([2, 3])
        return [r.choice([2, 3])] + s if r.random() < 0.5 else s, layout
    if recipe == "core":
        s = list(rshape)
        core = (a.ndim >= 2) + (b.ndim >= 2)
        if core == 0:
            return [r.choice([1, 2, 3])], layout
        i = nd - 1 - r.randrange(core)
        s[i] = other_size(r, s[i])
        return s, layout
    if recipe == "fewer":
        if nd == 0:
            return [], layout
        s = list(rshape)
        del s[r.randrange(nd)]
        return s, layout
    if recipe == "loop":
        s = list(rshape)
        core = (a.ndim >= 2) + (b.ndim >= 2)
        nbatch = nd - core
        if nbatch == 0:
            return [r.choice([1, 2])] + s if r.random() < 0.5 else s + [1], layout
        i = r.randrange(nbatch)
        s[i] = 1 if s[i] != 1 else r.choice([0, 2, 3])
        if r.random() < 0.3:
            s[i] = other_size(r, rshape[i])
        return s, layout
    raise ValueError(recipe)


# --------------------------------------------------------------------------------------------
# huge shapes: must fail fast, in NumPy and in npdot, without allocating

HUGE = [
    # (op, a_shape, b_shape, dtypes)
    ("dot", [2**31, 2, 3], [4, 5], "all"),
    ("dot", [3, 2**31, 2, 1], [1, 2**33], "all"),
    ("dot", [2**28, 2**28, 0], [0, 2**33], "all"),
    ("dot", [2**59, 1], [1, 64], "int"),
    ("inner", [2**59, 1], [64, 1], "int"),
    ("inner", [2**31, 2, 3], [5, 4], "all"),
    ("inner", [3, 2**31, 2, 1], [2**33, 1], "all"),
    ("matmul", [2**28, 2**28, 0], [0, 2**33], "all"),
    ("matmul", [2**20, 2**20, 3], [4, 5], "all"),
    ("matmul", [2**31, 2, 1], [3, 1, 2**33], "all"),
    ("matmul", [2**40, 1, 1], [1, 2**40], "all"),
]


def gen_huge(g):
    for op, ash, bsh, which in HUGE:
        for lbl, dt in DTYPES:
            if which == "int" and kind(dt) not in "iub":
                continue
            if g.r.random() < 0.5:
                continue
            try:  # NumPy caps an operand's bytes (ignoring zero dims) at isize::MAX
                a = np.broadcast_to(np.ones((), dtype=dt), ash)
                b = np.broadcast_to(np.ones((), dtype=dt), bsh)
            except ValueError:
                continue
            t0 = time.time()
            try:
                np_call(op, a, b)
                raise AssertionError("huge case succeeded")
            except ValueError as e:
                msg = str(e)
            assert time.time() - t0 < 1.0, (op, ash, bsh)
            one = enc_values(np.ones((), dtype=dt), dt)
            case = {
                "id": f"{op}-{lbl}-{len(g.cases[op]):04d}",
                "op": op,
                "dtype": lbl,
                "api": "free",
                "family": "huge",
                "k": 1,
                "a": {"shape": [], "data": one, "views": [{"broadcast": ash}]},
                "b": {"shape": [], "data": one, "views": [{"broadcast": bsh}]},
                "expect": {"error": msg},
            }
            g.cases[op].append(case)


def main():
    g = Gen()
    for lbl, dt in DTYPES:
        g.gen_dot(lbl, dt)
        g.gen_inner(lbl, dt)
        g.gen_matmul(lbl, dt)
        g.gen_dot_into(lbl, dt)
        g.gen_matmul_into(lbl, dt)
    gen_huge(g)

    os.makedirs(OUT_DIR, exist_ok=True)
    total = errors = 0
    msgs = {}
    for op in OPS:
        cases = g.cases[op]
        path = os.path.join(OUT_DIR, f"{op}.json")
        with open(path, "w") as f:
            f.write('{"generator": "scripts/gen_fixtures.py", ')
            f.write(f'"numpy": "{np.__version__}", "seed": {SEED}, "cases": [\n')
            f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
            f.write("\n]}\n")
        ne = sum("error" in c["expect"] for c in cases)
        total += len(cases)
        errors += ne
        for c in cases:
            if "error" in c["expect"]:
                key = re.sub(r"\([0-9,newaxis]*\)", "(...)", c["expect"]["error"])
                key = f'{op:12} {c["family"]:28} ' + re.sub(r"\d+", "N", key)[:90]
                msgs[key] = msgs.get(key, 0) + 1
        print(f"{op:12} {len(cases):5} cases, {ne:4} errors, {os.path.getsize(path):9} bytes")
    print(f"{'total':12} {total:5} cases, {errors:4} errors; skipped (dtype promotion): {g.skipped}")
    for k, v in sorted(msgs.items()):
        print(f"  {v:4}  {k}...")


if __name__ == "__main__":
    sys.exit(main())
