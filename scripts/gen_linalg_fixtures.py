#!/usr/bin/env python3
"""Generate npdot's NumPy fixtures for np.linalg's multi_dot, matrix_power and cross into
tests/fixtures/linalg/*.json (replayed by tests/products/linalg_fixtures.rs), and NumPy's own tests of
these functions as data into tests/fixtures/linalg/numpy_ported.json (replayed by
tests/products/numpy_ported_linalg.rs).

Requires numpy==2.4.* (refuses any other version). Deterministic (fixed seed).

    /work/main/.venv/bin/python scripts/gen_linalg_fixtures.py
    cargo test --release --test products linalg_fixtures::

Format: {"cases": [case, ...]}, one case per line:

    {"id": "...", "op": "multi_dot" | "matrix_power" | "cross", "dtype": "float64",
     "args": [operand, ...], "n": 3 (matrix_power), "axis": -1 (cross),
     "expect": {"shape": [...], "data": [...], "bound": [...], "k": K}  or  {"error": "<str(e)>"}
             or {"npdot_error": "<variant>"}   (NumPy returns another dtype / raises IndexError)

* operand = {"shape": base shape, "data": C-order values, "views": [...]}; views as in
  scripts/gen_fixtures.py: {"slice": [[start, end, step], ...]}, {"permute": [...]},
  {"insert_axis": i}, {"broadcast": [...]}, applied in order.
* Values: ints as JSON ints, bools, floats as exact repr strings, complex as [re, im] strings.
* Float tolerance: where `bound` is present (random, non-integer floats) the test accepts
  |got - want| <= 4 * eps(dtype) * (k + 2) * bound elementwise; otherwise it compares exactly.
  `bound` is the same computation on absolute values (|re|+|im| for complex) in float64:
  multi_dot: the chain product of |A_i| (k = sum of the contracted lengths); matrix_power n > 0:
  |A|^n (k = m * number of products); n < 0: |inv(A)|^|n| from NumPy's inverse, and k additionally
  carries the inverse's error, m * cond_1(A) (the matrices are diagonally dominant, cond_1 < 10,
  so an inverse is accurate to a few m*eps relative to |inv(A)|); cross: |a_i||b_j| + |a_j||b_i|
  per component (k = 0).
"""

import json
import math
import os
import random

import numpy as np

assert np.__version__.startswith("2.4"), f"numpy 2.4.* required, found {np.__version__}"

SEED = 20261202
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "linalg")

DTYPES = [
    ("float32", np.float32), ("float64", np.float64), ("complex64", np.complex64),
    ("complex128", np.complex128), ("int8", np.int8), ("int16", np.int16), ("int32", np.int32),
    ("int64", np.int64), ("intp", np.intp), ("uint8", np.uint8), ("uint16", np.uint16),
    ("uint32", np.uint32), ("uint64", np.uint64), ("uintp", np.uintp), ("bool", np.bool_),
]
FLOATS = {"float32", "float64", "complex64", "complex128"}
LAYOUTS = ["c", "t", "neg", "step", "bcast", "mixed"]

rng = np.random.default_rng(SEED)
pyr = random.Random(SEED)


def repr_f32(v):
    # The float64 repr of the float32 value: exact, and parses back to the same float32.
    return enc_float64(float(np.float32(v)))


def enc_float64(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def enc_array(a, dt):
    flat = np.ascontiguousarray(a).reshape(-1)
    if dt == "float64":
        return [enc_float64(x) for x in flat]
    if dt == "complex128":
        return [[enc_float64(x.real), enc_float64(x.imag)] for x in flat]
    if dt == "float32":
        return [repr_f32(x) for x in flat]
    if dt == "complex64":
        return [[repr_f32(x.real), repr_f32(x.imag)] for x in flat]
    if dt == "bool":
        return [bool(x) for x in flat]
    return [int(x) for x in flat]


def values(shape, dt, npdt, kind):
    """Random values: 'int' small integers (exact in every dtype), 'wrap' values that overflow
    integer products, 'rand' random floats, 'dd' diagonally dominant (for inverses)."""
    size = int(np.prod(shape, dtype=np.int64))
    if dt == "bool":
        return (rng.random(shape) < 0.5)
    if kind == "wrap" and dt not in FLOATS:
        info = np.iinfo(npdt)
        return rng.integers(info.min, info.max, size=shape, dtype=npdt, endpoint=True)
    if kind == "rand" and dt in FLOATS:
        x = rng.standard_normal(shape)
        if dt.startswith("complex"):
            x = x + 1j * rng.standard_normal(shape)
        return x.astype(npdt)
    lo = 0 if dt.startswith("uint") else -3
    x = rng.integers(lo, 4, size=shape)
    if dt.startswith("complex"):
        x = x + 1j * rng.integers(-3, 4, size=shape)
    return x.astype(npdt)


def operand(arr, layout):
    """A base array and views whose result equals `arr` (any layout): returns (the view NumPy
    computes on, json)."""
    dt_arr = arr
    nd = arr.ndim
    if layout == "c" or nd == 0:
        base, views = arr.copy(), []
    elif layout == "t":
        perm = list(range(nd))[::-1]
        base = np.ascontiguousarray(arr.transpose(perm))
        views = [{"permute": perm}]  # its own inverse
    elif layout == "neg":
        base = np.ascontiguousarray(arr[(slice(None, None, -1),) * nd])
        views = [{"slice": [[0, d, -1] for d in arr.shape]}]
    elif layout == "step":
        bshape = [2 * d for d in arr.shape]
        base = np.zeros(bshape, dtype=arr.dtype)
        base[(slice(None, None, 2),) * nd] = arr
        views = [{"slice": [[0, 2 * d, 2] for d in arr.shape]}]
    elif layout == "bcast":
        # Repeat the first row along axis 0 (stride 0); the values become that broadcast.
        row = arr[:1].copy()
        base = row
        views = [{"broadcast": list(arr.shape)}]
        dt_arr = np.broadcast_to(row, arr.shape)
    elif layout == "mixed":
        # transposed base, stepped by 2, then permuted back
        perm = list(range(nd))[::-1]
        t = np.ascontiguousarray(arr.transpose(perm))
        bshape = [2 * d for d in t.shape]
        base = np.zeros(bshape, dtype=arr.dtype)
        base[(slice(None, None, 2),) * nd] = t
        views = [{"slice": [[0, 2 * d, 2] for d in t.shape]}, {"permute": perm}]
    else:
        raise ValueError(layout)
    return dt_arr, base, views


def enc_operand(base, views, dt):
    return {"shape": list(base.shape), "data": enc_array(base, dt), "views": views}


def absval(a):
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return np.abs(a.real).astype(np.float64) + np.abs(a.imag).astype(np.float64)
    return np.abs(a).astype(np.float64)


def expect_array(r, dt, bound=None, k=0):
    r = np.asarray(r)
    assert r.dtype == np.dtype(dict(DTYPES)[dt]), (r.dtype, dt)
    e = {"shape": list(r.shape), "data": enc_array(r, dt)}
    if bound is not None:
        e["bound"] = [enc_float64(x) for x in np.ascontiguousarray(bound).reshape(-1)]
        e["k"] = int(k)
    return e


def run(f):
    try:
        return f(), None
    except Exception as e:  # noqa: BLE001 - every NumPy error text is a fixture
        return None, e


cases = {"multi_dot": [], "matrix_power": [], "cross": []}


def add(op, dt, args, expect, **extra):
    c = {"id": f"{op}-{dt}-{len(cases[op]):04d}", "op": op, "dtype": dt, "args": args,
         "expect": expect}
    c.update(extra)
    cases[op].append(c)


# ---------------------------------------------------------------- multi_dot
MD_SHAPES = [
    [(2, 3), (3, 4)],
    [(3,), (3,)],
    [(), (3, 2)],
    [(2, 3, 4), (5, 4, 2)],
    [(4, 3), (3,)],
    [(6, 2), (2, 6), (6, 2)],
    [(10, 7), (7, 2), (2, 9)],
    [(2, 9), (9, 7), (7, 10)],
    [(5,), (5, 3), (3, 4)],
    [(4, 5), (5, 3), (3,)],
    [(5,), (5, 3), (3,)],
    [(6, 2), (2, 6), (6, 2), (2, 1)],
    [(3, 5), (5, 2), (2, 6), (6, 4), (4, 3)],
    [(7,), (7, 3), (3, 8), (8, 2), (2,)],
    [(2, 2), (2, 2), (2, 2), (2, 2), (2, 2), (2, 2)],
    [(3, 0), (0, 4), (4, 2)],
    [(0, 3), (3, 4), (4, 2), (2, 5)],
    [(3, 4), (4, 0), (0, 2), (2, 3)],
    [(3, 8), (8, 1), (1, 8), (8, 3)],
    [(1, 5), (5, 1), (1, 5), (5, 1), (1, 5)],
]
MD_ERRORS = [
    [],
    [(3, 3)],
    [(2, 3), (2, 3)],
    [(3,), (4,)],
    [(2, 2), (), (2,)],
    [(2, 2), (2, 2, 2), (2,)],
    [(2, 2), (2,), (2, 2)],
    [(2, 3), (2, 2), (3,)],
    [(3,), (2, 2), (3,)],
    [(2, 3), (3, 4), (5, 6)],
    [(6, 2), (2, 6), (6, 2), (3, 1)],
    [(3, 5), (5, 2), (2, 6), (7, 4), (4, 3)],
    [(4, 4), (4, 4), (4, 4), (4, 4, 1)],
    [(4,), (4, 4), (4,), (4,)],
    [(), (2, 2), (2, 2)],
]


def gen_multi_dot():
    for dt, npdt in DTYPES:
        for si, shapes in enumerate(MD_SHAPES):
            kinds = ["int", "rand"] if dt in FLOATS else ["int", "wrap"] if dt != "bool" else ["int"]
            for kind in kinds:
                # Every layout for half of the shapes (alternating with the dtype), C order and
                # transposed-and-stepped for the others: every layout meets every dtype.
                if kind == "int" and (si + len(dt)) % 2 == 0:
                    layouts = LAYOUTS
                elif kind == "int" or si % 4 == len(dt) % 4:
                    layouts = ["c", "mixed"]
                else:
                    layouts = ["c"]
                for lay in layouts:
                    arrs, args = [], []
                    for j, s in enumerate(shapes):
                        a = values(s, dt, npdt, kind)
                        l = LAYOUTS[(LAYOUTS.index(lay) + j) % len(LAYOUTS)] if lay != "c" else "c"
                        if l == "bcast" and (len(s) == 0 or s[0] == 0):
                            l = "c"
                        seen, base, views = operand(a, l)
                        arrs.append(np.asarray(seen))
                        args.append(enc_operand(base, views, dt))
                    r, e = run(lambda: np.linalg.multi_dot(arrs))
                    if e is not None:
                        add("multi_dot", dt, args, {"error": str(e)})
                        continue
                    r = np.asarray(r)
                    if kind == "rand":
                        bound = np.linalg.multi_dot([absval(x) for x in arrs])
                        k = sum(x.shape[-1] for x in arrs[:-1] if x.ndim > 0)
                        add("multi_dot", dt, args, expect_array(r, dt, bound, k))
                    else:
                        add("multi_dot", dt, args, expect_array(r, dt))
        for shapes in MD_ERRORS:
            arrs = [values(s, dt, npdt, "int") for s in shapes]
            r, e = run(lambda: np.linalg.multi_dot(arrs))
            if e is None:
                add("multi_dot", dt, [enc_operand(*operand(a, "c")[1:], dt) for a in arrs],
                    expect_array(np.asarray(r), dt))
            else:
                add("multi_dot", dt, [enc_operand(*operand(a, "c")[1:], dt) for a in arrs],
                    {"error": str(e)})


# ---------------------------------------------------------------- matrix_power
MP_SHAPES = [(1, 1), (2, 2), (3, 3), (5, 5), (2, 3, 3), (2, 1, 4, 4), (0, 0), (3, 0, 0), (0, 2, 2)]
MP_POWERS = [0, 1, 2, 3, 4, 5, 6, 7, 10, 13, 33, -1, -2, -3, -5]
MP_ERRORS = [(), (3,), (2, 3), (3, 2, 3), (4, 3, 2)]


def diag_dominant(shape, dt, npdt):
    m = shape[-1]
    x = rng.uniform(-1, 1, shape)
    if dt.startswith("complex"):
        x = x + 1j * rng.uniform(-1, 1, shape)
    x = x / max(m, 1)
    idx = np.arange(m)
    x[..., idx, idx] += rng.choice([-1.0, 1.0], size=shape[:-1]) * (1.5 + rng.random(shape[:-1]))
    return x.astype(npdt)


def gen_matrix_power():
    for dt, npdt in DTYPES:
        for si, s in enumerate(MP_SHAPES):
            for n in MP_POWERS:
                if dt in FLOATS:
                    kind = "dd" if (n < 0 or (si + n) % 2 == 0) else "int"
                elif dt == "bool":
                    kind = "int"
                else:
                    kind = "wrap" if (si + n) % 3 == 0 else "int"
                if kind == "dd":
                    a = diag_dominant(s, dt, npdt)
                elif kind == "int" and dt in FLOATS:
                    a = values(s, dt, npdt, "int")
                    if n < 0:
                        continue
                    if abs(n) > 5:  # keep integer-valued powers exact in float32
                        a = (np.abs(a.real) % 2).astype(npdt) if dt.startswith("complex") else (np.abs(a) % 2).astype(npdt)
                        if s[-1] > 3 and abs(n) > 7:
                            continue
                else:
                    a = values(s, dt, npdt, kind)
                lay = LAYOUTS[(si + abs(n)) % len(LAYOUTS)]
                if lay == "bcast" and (len(s) < 3 or s[0] == 0):
                    lay = "t"
                seen, base, views = operand(a, lay)
                seen = np.asarray(seen)
                args = [enc_operand(base, views, dt)]
                r, e = run(lambda: np.linalg.matrix_power(seen, n))
                if e is not None:
                    add("matrix_power", dt, args, {"error": str(e)}, n=n)
                    continue
                r = np.asarray(r)
                if r.dtype != seen.dtype:
                    add("matrix_power", dt, args, {"npdot_error": "InverseDtype"}, n=n)
                    continue
                if kind == "dd":
                    m = s[-1]
                    base_abs = absval(np.linalg.inv(seen)) if n < 0 else absval(seen)
                    bound = np.linalg.matrix_power(base_abs, abs(n)) if n != 0 else absval(r)
                    products = max(1, 2 * abs(n).bit_length())
                    k = m * products
                    if n < 0 and m > 0:
                        ss = seen.astype(np.complex128 if dt.startswith("complex") else np.float64)
                        cond = max(np.linalg.cond(mat, 1) for mat in ss.reshape(-1, m, m)) if ss.size else 1.0
                        k += int(math.ceil(m * cond)) * (abs(n) + 1)
                    add("matrix_power", dt, args, expect_array(r, dt, bound, k), n=n)
                else:
                    add("matrix_power", dt, args, expect_array(r, dt), n=n)
        for s in MP_ERRORS:
            for n in [0, 2, -1]:
                a = values(s, dt, npdt, "int")
                r, e = run(lambda: np.linalg.matrix_power(a, n))
                assert e is not None
                add("matrix_power", dt, [enc_operand(*operand(a, "c")[1:], dt)], {"error": str(e)}, n=n)
        # singular (exact zero pivot): NumPy's LinAlgError for floats
        for s in [(2, 2), (3, 3), (2, 3, 3)]:
            a = np.zeros(s, dtype=npdt)
            if len(s) == 2:
                a[0, 0] = 1
            else:
                a[...] = np.eye(3, dtype=npdt)
                a[1, 2, :] = 0
            r, e = run(lambda: np.linalg.matrix_power(a, -2))
            arg = [enc_operand(*operand(a, "c")[1:], dt)]
            if e is not None:
                add("matrix_power", dt, arg, {"error": str(e)}, n=-2)
            else:
                add("matrix_power", dt, arg, {"npdot_error": "InverseDtype"}, n=-2)
        # large exponents on a permutation matrix (exact in every dtype)
        p = np.eye(4, dtype=npdt)[[3, 0, 1, 2]]
        # (n = -2**63 is left out: NumPy's matrix_power takes np.abs of it, which overflows int64,
        # and returns None; npdot computes the power of the inverse.)
        for n in [2**62 + 2**10 + 2**5 + r for r in range(4)] + [2**63 - 1, -(2**63) + 1]:
            r, e = run(lambda: np.linalg.matrix_power(p, n))
            arg = [enc_operand(*operand(p, "c")[1:], dt)]
            if e is not None:
                add("matrix_power", dt, arg, {"error": str(e)}, n=n)
            elif np.asarray(r).dtype != p.dtype:
                add("matrix_power", dt, arg, {"npdot_error": "InverseDtype"}, n=n)
            else:
                add("matrix_power", dt, arg, expect_array(r, dt), n=n)


# ---------------------------------------------------------------- cross
CROSS = [
    ((3,), (3,), -1), ((3,), (3,), 0), ((4, 3), (4, 3), -1), ((4, 3), (3,), -1),
    ((2, 1, 3), (5, 3), -1), ((3, 4), (3, 4), 0), ((3, 4), (3,), 0), ((2, 3, 4), (3, 1), -2),
    ((2, 3, 4), (2, 3, 4), 1), ((5, 3, 2), (3, 2), -2), ((0, 3), (1, 3), -1), ((0, 3), (3,), 1),
    ((3, 0), (3, 1), 0), ((2, 2, 3), (2, 1, 3), 2),
]
CROSS_ERRORS = [
    ((2,), (3,), -1), ((3,), (2,), -1), ((4, 2), (4, 3), -1), ((3, 2), (3, 2), -1),
    ((2, 5, 3), (4, 1, 3), -1), ((2, 5, 3), (4, 3), -1), ((3, 7), (3, 6), 0),
    ((3,), (2, 3), 0), ((5, 3), (3, 3), 0), ((3,), (3,), 1), ((3,), (3,), -2), ((), (3,), -1),
    ((3,), (), 0), ((3,), (2, 3), 1), ((2, 3), (3,), -2), ((0, 3), (2, 3), -1),
]


def gen_cross():
    for dt, npdt in DTYPES:
        for ci, (sa, sb, axis) in enumerate(CROSS):
            kinds = ["int", "rand"] if dt in FLOATS else ["int", "wrap"] if dt != "bool" else ["int"]
            for kind in kinds:
                full = (kind == "int" and (ci + len(dt)) % 2 == 0) or ci % 5 == 0
                for li, lay in enumerate(LAYOUTS if full else ["c", "neg"]):
                    a = values(sa, dt, npdt, kind)
                    b = values(sb, dt, npdt, kind)
                    la = lay if not (lay == "bcast" and (len(sa) == 0 or sa[0] == 0)) else "c"
                    lb = LAYOUTS[(li + 1) % len(LAYOUTS)]
                    if lb == "bcast" and (len(sb) == 0 or sb[0] == 0):
                        lb = "neg"
                    xa, ba, va = operand(a, la)
                    xb, bb, vb = operand(b, lb)
                    xa, xb = np.asarray(xa), np.asarray(xb)
                    args = [enc_operand(ba, va, dt), enc_operand(bb, vb, dt)]
                    r, e = run(lambda: np.linalg.cross(xa, xb, axis=axis))
                    if isinstance(e, IndexError):
                        add("cross", dt, args, {"npdot_error": "CrossAxisOutOfRange"}, axis=axis)
                        continue
                    if e is not None:
                        add("cross", dt, args, {"error": str(e)}, axis=axis)
                        continue
                    if kind == "rand":
                        aa = np.moveaxis(absval(xa), axis, -1)
                        ab = np.moveaxis(absval(xb), axis, -1)
                        def comp(i, j):
                            return aa[..., i] * ab[..., j] + aa[..., j] * ab[..., i]
                        bound = np.stack([comp(1, 2), comp(2, 0), comp(0, 1)], axis=-1)
                        bound = np.moveaxis(bound, -1, axis)
                        add("cross", dt, args, expect_array(r, dt, bound, 0), axis=axis)
                    else:
                        add("cross", dt, args, expect_array(r, dt), axis=axis)
        for sa, sb, axis in CROSS_ERRORS:
            a = values(sa, dt, npdt, "int")
            b = values(sb, dt, npdt, "int")
            r, e = run(lambda: np.linalg.cross(a, b, axis=axis))
            args = [enc_operand(*operand(a, "c")[1:], dt), enc_operand(*operand(b, "c")[1:], dt)]
            if isinstance(e, IndexError):
                add("cross", dt, args, {"npdot_error": "CrossAxisOutOfRange"}, axis=axis)
            elif e is not None:
                add("cross", dt, args, {"error": str(e)}, axis=axis)
            else:
                add("cross", dt, args, expect_array(r, dt), axis=axis)


# ---------------------------------------------------------------- NumPy's own tests, as data
# numpy/linalg/tests/test_linalg.py TestMultiDot, TestMatrixPower, test_cross and
# numpy/_core/tests/test_numeric.py TestCross, each assertion turned into a case whose expected
# value or error NumPy computes here (what does not apply is listed in
# tests/products/numpy_ported_linalg.rs).
ported = []


def port(test, op, dt, arrays, expect=None, **extra):
    """`expect`: an array (compared exactly unless `bound`), or None to take NumPy's own answer."""
    npdt = dict(DTYPES)[dt]
    arrays = [np.asarray(a).astype(npdt) for a in arrays]
    args = [enc_operand(np.array(a, order="C", copy=True), [], dt) for a in arrays]
    if op == "multi_dot":
        f = lambda: np.linalg.multi_dot(arrays)
    elif op == "matrix_power":
        f = lambda: np.linalg.matrix_power(arrays[0], extra["n"])
    else:
        f = lambda: np.linalg.cross(arrays[0], arrays[1], axis=extra.get("axis", -1))
    r, e = run(f)
    if isinstance(e, IndexError):
        ex = {"npdot_error": "CrossAxisOutOfRange"}
    elif e is not None:
        ex = {"error": str(e)}
    elif np.asarray(r).dtype != npdt:
        ex = {"npdot_error": "InverseDtype"}
    else:
        want = np.asarray(r if expect is None else np.asarray(expect).astype(npdt))
        bound = extra.pop("bound", None)
        ex = expect_array(want, dt, bound, extra.pop("k", 0))
    extra.pop("bound", None)
    extra.pop("k", None)
    c = {"id": f"{test}-{dt}-{len(ported):04d}", "op": op, "dtype": dt, "args": args, "expect": ex}
    c.update(extra)
    ported.append(c)


def gen_ported():
    prng = np.random.default_rng(SEED + 1)
    R = lambda *s: prng.random(s)
    # TestMultiDot (float64, as NumPy's tests: np.random.random), compared to NumPy's own
    # reference products with the tolerance rule (assert_almost_equal in NumPy).
    for dt in ["float64", "float32", "complex128", "complex64"]:
        A, B, C, D = R(6, 2), R(2, 6), R(6, 2), R(2, 1)
        def md(test, arrs, ref):
            arrs = [a.astype(dict(DTYPES)[dt]) for a in arrs]
            bound = np.linalg.multi_dot([absval(a) for a in arrs]) if len(arrs) > 2 else absval(arrs[0]) @ absval(arrs[1])
            port(test, "multi_dot", dt, arrs, ref(arrs), bound=bound, k=sum(a.shape[-1] for a in arrs[:-1]))
        md("TestMultiDot.test_basic_function_with_three_arguments", [A, B, C], lambda a: a[0].dot(a[1]).dot(a[2]))
        md("TestMultiDot.test_basic_function_with_three_arguments", [A, B, C], lambda a: np.dot(a[0], np.dot(a[1], a[2])))
        md("TestMultiDot.test_basic_function_with_two_arguments", [A, B], lambda a: a[0].dot(a[1]))
        md("TestMultiDot.test_basic_function_with_dynamic_programming_optimization", [A, B, C, D],
           lambda a: a[0].dot(a[1]).dot(a[2]).dot(a[3]))
        md("TestMultiDot.test_vector_as_first_argument", [R(2), B, C, R(2, 2)], lambda a: None)
        md("TestMultiDot.test_vector_as_last_argument", [A, B, C, R(2)], lambda a: None)
        md("TestMultiDot.test_vector_as_first_and_last_argument", [R(2), B, C, R(2)], lambda a: None)
        cormen = [R(30, 35), R(35, 15), R(15, 5), R(5, 10), R(10, 20), R(20, 25)]
        md("TestMultiDot.test_dynamic_programming_logic", cormen, lambda a: None)
        port("TestMultiDot.test_too_few_input_arrays", "multi_dot", dt, [])
        port("TestMultiDot.test_too_few_input_arrays", "multi_dot", dt, [R(3, 3)])
    # TestMatrixPower, over every npdot dtype (NumPy's `dt` fixture covers the same kinds).
    eye = np.eye(4)
    rshft_all = [eye, eye[[3, 0, 1, 2]], eye[[2, 3, 0, 1]], eye[[1, 2, 3, 0]]]
    stacked = np.block([[[eye]]] * 2)
    noninv = np.array([[1, 0], [0, 0]])
    for dt, npdt in DTYPES:
        for r in range(4):  # 2**100 + 2**10 + 2**5 + r in NumPy; n is an i64 in npdot
            port("TestMatrixPower.test_large_power", "matrix_power", dt, [rshft_all[1]],
                 rshft_all[r], n=2**62 + 2**10 + 2**5 + r)
        for n, test in [(0, "test_power_is_zero"), (1, "test_power_is_one"), (2, "test_power_is_two")]:
            for mat in rshft_all + [stacked]:
                ref = {0: (np.broadcast_to(eye, mat.shape)), 1: mat, 2: np.matmul(mat, mat)}[n]
                port("TestMatrixPower." + test, "matrix_power", dt, [mat], ref, n=n)
        for mat in rshft_all:
            # NumPy checks matmul(inv, mat) == I; the inverse of a permutation is its transpose.
            port("TestMatrixPower.test_power_is_minus_one", "matrix_power", dt, [mat], mat.T, n=-1)
        for a in [np.array([1]), np.array([[1], [2]]), np.ones((4, 3, 2))]:
            port("TestMatrixPower.test_exceptions_non_square", "matrix_power", dt, [a], n=1)
        port("TestMatrixPower.test_exceptions_not_invertible", "matrix_power", dt, [noninv], n=-1)
    # test_linalg.py test_cross and test_numeric.py TestCross (3-vector parts).
    for dt, npdt in DTYPES:
        x = np.arange(9).reshape((3, 3))
        port("test_linalg.test_cross", "cross", dt, [x, x + 1], [[-1, 2, -1]] * 3)
        port("test_linalg.test_cross", "cross", dt, [[1, 2, 3], [4, 5, 6]], [-3, 6, -3])
        port("test_linalg.test_cross", "cross", dt, [x[:, 1:], x[:, 1:]])
        u, v = [1, 2, 3], [4, 5, 6]
        port("TestCross.test_3x3", "cross", dt, [u, v], [-3, 6, -3])
        port("TestCross.test_3x3", "cross", dt, [v, u], [3, -6, 3])
        port("TestCross.test_2x2", "cross", dt, [[1, 2], [3, 4]])
        port("TestCross.test_2x3", "cross", dt, [[1, 2], [3, 4, 5]])
        uu = np.tile([1, 2, 3], (5, 1))
        vv = np.tile([4, 5, 6], (5, 1)).T
        z = np.tile([-3, 6, -3], (5, 1))
        port("TestCross.test_broadcasting", "cross", dt, [vv.T, uu], -z)
        port("TestCross.test_broadcasting", "cross", dt, [uu, uu], np.zeros_like(z))
        port("TestCross.test_broadcasting", "cross", dt, [uu, vv], axis=0)
        port("TestCross.test_broadcasting_shapes", "cross", dt, [np.ones((2, 1, 3)), np.ones((5, 3))],
             np.zeros((2, 5, 3)))
        port("TestCross.test_zero_dimension", "cross", dt, [0, [1, 2]])
        port("TestCross.test_zero_dimension", "cross", dt, [[1, 2], 3])
    # TestCross.test_uint8_int32_mixed_dtypes with one dtype (npdot has no mixed dtypes).
    uu = np.array([[195, 8, 9]])
    vv = np.array([250, 166, 68])
    z = np.array([[950, 11010, -30370]])
    port("TestCross.test_uint8_int32_mixed_dtypes", "cross", "int32", [vv, uu], z)
    port("TestCross.test_uint8_int32_mixed_dtypes", "cross", "int32", [uu, vv], -z)
    port("TestCross.test_uint8_int32_mixed_dtypes", "cross", "int64", [vv, uu], z)


def write(name, cs):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write('{"cases": [\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cs))
        f.write("\n]}\n")
    print(f"{path}: {len(cs)} cases")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    gen_multi_dot()
    gen_matrix_power()
    gen_cross()
    for op, cs in cases.items():
        write(f"{op}.json", cs)
    gen_ported()
    write("numpy_ported.json", ported)
