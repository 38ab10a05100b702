#!/usr/bin/env python3
"""Random np.linalg cases (multi_dot, matrix_power, cross) answered by a live NumPy 2.4, streamed
as JSON lines in the fixture format of scripts/gen_linalg_fixtures.py (one case per line).
tests/products/differential_linalg.rs runs this script and replays every case through npdot.

    python scripts/differential_linalg.py --seed 7 --count 3000          # the stream
    python scripts/differential_linalg.py --seed 7 --case 1234           # one case

Case i of a seed depends only on (seed, i), so one case can be replayed alone. Shapes are small
(dimensions 0..7), dtypes all 15, layouts C / transposed / negative / stepped / broadcast /
transposed-and-stepped, and about one case in six is an error case (misaligned chain, a middle
array that is not 2-D, non-square or 1-D matrix_power input, cross with a non-3 vector axis,
non-broadcasting batch axes, an axis out of range). Tolerances: as in the fixtures.
"""

import argparse
import json
import math
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_linalg_fixtures as G  # noqa: E402

LAYOUTS = G.LAYOUTS


def pick_layout(r, shape, bcast_ok=True):
    lay = r.choice(LAYOUTS)
    if lay == "bcast" and (len(shape) == 0 or shape[0] == 0 or not bcast_ok):
        lay = "c"
    return lay


def kind_for(r, dt):
    if dt in G.FLOATS:
        return r.choice(["int", "rand", "rand"])
    if dt == "bool":
        return "int"
    return r.choice(["int", "wrap"])


def encode(arrs, r, dt, bcast_ok=True):
    seen, args = [], []
    for a in arrs:
        x, base, views = G.operand(a, pick_layout(r, a.shape, bcast_ok))
        seen.append(np.asarray(x))
        args.append(G.enc_operand(base, views, dt))
    return seen, args


def dim(r):
    return r.choice([0, 1, 1, 2, 3, 4, 5, 6, 7]) if r.random() < 0.9 else r.randint(1, 7)


def multi_dot_case(r, dt, npdt, kind):
    n = r.choice([0, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7])
    if n == 2 and r.random() < 0.5:
        # np.dot of any dimensions
        k = dim(r)
        sa = [dim(r) for _ in range(r.randint(0, 2))] + [k]
        sb = [dim(r) for _ in range(r.randint(0, 2))]
        sb = sb[:-1] + [k] + sb[-1:] if sb else [k]
        if r.random() < 0.2:
            sa, sb = ([], sb) if r.random() < 0.5 else (sa, [])
        shapes = [tuple(sa), tuple(sb)]
    else:
        p = [dim(r) for _ in range(n + 1)]
        shapes = [(p[i], p[i + 1]) for i in range(n)]
        if n >= 1 and r.random() < 0.3:
            shapes[0] = (shapes[0][1],)
        if n >= 2 and r.random() < 0.3:
            shapes[-1] = (shapes[-1][0],)
    if n >= 2 and r.random() < 0.15:  # an error: misalignment or a bad ndim
        j = r.randrange(n)
        s = list(shapes[j])
        if r.random() < 0.6 and s:
            s[r.randrange(len(s))] += 1
        else:
            s = s + [2] if r.random() < 0.5 else s[:-1]
        shapes[j] = tuple(s)
    arrs = [G.values(s, dt, npdt, kind) for s in shapes]
    seen, args = encode(arrs, r, dt)
    res, e = G.run(lambda: np.linalg.multi_dot(seen))
    if e is not None:
        return args, {"error": str(e)}, {}
    res = np.asarray(res)
    if kind == "rand":
        if len(seen) == 2:
            bound = np.dot(G.absval(seen[0]), G.absval(seen[1]))
            k = seen[0].shape[-1] if seen[0].ndim and seen[1].ndim else 0
        else:
            bound = np.linalg.multi_dot([G.absval(x) for x in seen])
            k = sum(x.shape[-1] for x in seen[:-1])
        return args, G.expect_array(res, dt, bound, k), {}
    return args, G.expect_array(res, dt), {}


def near_singular(x, n, dt):
    """Whether a negative power inverts a matrix that is singular up to rounding (2-norm condition
    number above 1e12, or infinite): whether LAPACK then reports "Singular matrix" or returns huge
    values depends on the order of its roundings, which the pure-Rust backend's LU cannot
    reproduce (OpenBLAS's kernels fuse and reorder them). The test accepts either verdict there."""
    if n >= 0 or x.ndim < 2 or x.shape[-1] != x.shape[-2] or x.size == 0:
        return False
    m = x.shape[-1]
    wide = np.complex128 if dt.startswith("complex") else np.float64
    stack = np.asarray(x).astype(wide).reshape(-1, m, m)
    conds = [np.linalg.cond(s) for s in stack]
    return any(not np.isfinite(c) or c > 1e12 for c in conds)


def matrix_power_case(r, dt, npdt, kind):
    m = r.choice([0, 1, 2, 3, 4, 5, 6])
    batch = [r.choice([0, 1, 2, 3]) for _ in range(r.choice([0, 0, 1, 2]))]
    shape = tuple(batch + [m, m])
    n = r.choice(list(range(-6, 14)) + [r.randint(14, 40)])
    if r.random() < 0.1:
        shape = r.choice([(), (m,), (m, m + 1), tuple(batch + [m + 1, m])])
    if dt in G.FLOATS and (n < 0 or kind == "rand") and len(shape) >= 2 and shape[-1] == shape[-2]:
        a = G.diag_dominant(shape, dt, npdt)
        kind = "dd"
    else:
        a = G.values(shape, dt, npdt, kind if kind != "rand" else "int")
        if dt in G.FLOATS:
            kind = "int"
            if abs(n) > 3:  # keep integer-valued float powers exact
                a = (G.absval(a) % 2).astype(npdt)
                if n > 7 and len(shape) >= 1 and shape[-1] > 2:
                    n = 7
        if dt in G.FLOATS and n < 0:
            n = -n
    # A broadcast first row makes a 2-D matrix singular: the well-conditioned float matrices
    # of the negative powers ("dd") keep their rows (a singular one's inverse powers overflow,
    # and whether an overflowing sum gives inf or NaN depends on FMA and summation order).
    seen, args = encode([a], r, dt, bcast_ok=not (kind == "dd" and len(shape) == 2))
    res, e = G.run(lambda: np.linalg.matrix_power(seen[0], n))
    extra = {"n": n}
    if near_singular(seen[0], n, dt):
        extra["near_singular"] = True
    if e is not None:
        return args, {"error": str(e)}, extra
    res = np.asarray(res)
    if res.dtype != seen[0].dtype:
        return args, {"npdot_error": "InverseDtype"}, extra
    if kind == "dd":
        mm = shape[-1]
        if n < 0:
            # An inverse computed through an LU factorization is accurate componentwise only
            # up to |X|·|L|·|U|·|X| (Higham, "Accuracy and Stability of Numerical Algorithms",
            # 2nd ed., §14.3), with |L|·|U| ≈ |A| for these diagonally dominant matrices: a
            # tiny element of X = A⁻¹ carries an error relative to its row and column, not to
            # itself (seen: an element 3.5e-6 of a 5x5 inverse with condition number 2.4, off
            # by 1.3e-18 between LAPACK and the pure-Rust LU). |X|·|A|·|X| ≥ |X| elementwise.
            inv = np.linalg.inv(seen[0])
            base_abs = G.absval(inv) @ G.absval(seen[0]) @ G.absval(inv)
        else:
            base_abs = G.absval(seen[0])
        bound = np.linalg.matrix_power(base_abs, abs(n)) if n != 0 else G.absval(res)
        k = mm * max(1, 2 * abs(n).bit_length())
        if n < 0 and mm > 0 and seen[0].size:
            ss = seen[0].astype(np.complex128 if dt.startswith("complex") else np.float64)
            cond = max(np.linalg.cond(x, 1) for x in ss.reshape(-1, mm, mm))
            k += int(math.ceil(mm * cond)) * (abs(n) + 1)
        return args, G.expect_array(res, dt, bound, k), extra
    if dt in G.FLOATS and n > 0:
        # Integer-valued floats are exact only while every partial product fits the mantissa
        # (a 2x2 of 0/1 to the 40th reaches Fibonacci numbers past 2**24 in float32): beyond
        # that the order of the sums rounds, so compare within the usual bound.
        mm = shape[-1]
        bound = np.linalg.matrix_power(G.absval(seen[0]), n)
        return args, G.expect_array(res, dt, bound, mm * max(1, 2 * n.bit_length())), extra
    return args, G.expect_array(res, dt), extra


def cross_case(r, dt, npdt, kind):
    batch = [r.choice([0, 1, 2, 3, 4]) for _ in range(r.choice([0, 1, 1, 2, 3]))]
    def operand_shape():
        nb = r.randint(0, len(batch))
        b = [d if r.random() < 0.7 else 1 for d in batch[len(batch) - nb:]]
        return b
    ba, bb = operand_shape(), operand_shape()
    nmin = min(len(ba), len(bb)) + 1
    axis = r.randrange(-nmin, nmin)
    def with_axis(b):
        nd = len(b) + 1
        pos = axis + nd if axis < 0 else axis
        s = list(b)
        s.insert(pos, 3)
        return s
    sa, sb = with_axis(ba), with_axis(bb)
    u = r.random()
    if u < 0.06:
        sa[axis] = r.choice([1, 2, 4])
    elif u < 0.1 and sa[:-1]:
        j = r.randrange(len(sa))
        if sa[j] != 3 or r.random() < 0.5:
            sa[j] = sa[j] + 2
    elif u < 0.13:
        axis = r.choice([nmin, -nmin - 1, nmin + 1])
    arrs = [G.values(tuple(sa), dt, npdt, kind), G.values(tuple(sb), dt, npdt, kind)]
    if dt in G.FLOATS and kind == "rand" and r.random() < 0.05 and arrs[0].size:
        arrs[0].reshape(-1)[r.randrange(arrs[0].size)] = r.choice([np.inf, -np.inf, np.nan])
    seen, args = encode(arrs, r, dt)
    res, e = G.run(lambda: np.linalg.cross(seen[0], seen[1], axis=axis))
    if isinstance(e, IndexError):
        return args, {"npdot_error": "CrossAxisOutOfRange"}, {"axis": axis}
    if e is not None:
        return args, {"error": str(e)}, {"axis": axis}
    if kind == "rand":
        with np.errstate(invalid="ignore"):
            aa = np.moveaxis(G.absval(seen[0]), axis, -1)
            ab = np.moveaxis(G.absval(seen[1]), axis, -1)
            comp = lambda i, j: aa[..., i] * ab[..., j] + aa[..., j] * ab[..., i]
            bound = np.broadcast_arrays(comp(1, 2), comp(2, 0), comp(0, 1))
            bound = np.moveaxis(np.stack(bound, axis=-1), -1, axis)
        return args, G.expect_array(res, dt, bound, 0), {"axis": axis}
    return args, G.expect_array(res, dt), {"axis": axis}


def make_case(seed, i):
    G.rng = np.random.default_rng([seed, i])
    r = random.Random(seed * 1_000_003 + i)
    op = r.choice(["multi_dot", "matrix_power", "cross"])
    dt, npdt = r.choice(G.DTYPES)
    kind = kind_for(r, dt)
    f = {"multi_dot": multi_dot_case, "matrix_power": matrix_power_case, "cross": cross_case}[op]
    with np.errstate(all="ignore"):
        args, expect, extra = f(r, dt, npdt, kind)
    c = {"id": f"{seed}:{i}", "op": op, "dtype": dt, "args": args, "expect": expect}
    c.update(extra)
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--case", type=int, default=None)
    a = ap.parse_args()
    assert np.__version__.startswith("2.4"), f"numpy 2.4.* required, found {np.__version__}"
    idx = [a.case] if a.case is not None else range(a.count)
    out = sys.stdout
    for i in idx:
        out.write(json.dumps(make_case(a.seed, i), separators=(",", ":")) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
