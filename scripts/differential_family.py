#!/usr/bin/env python3
"""Random differential cases for npdot's product family, evaluated by a live NumPy 2.4:
np.vdot, np.outer, np.tensordot, np.kron, np.vecdot, np.matvec, np.vecmat and np.linalg's
outer, tensordot and vecdot (with axis).

`tests/products/differential_family.rs` runs this script (with `$NPDOT_PYTHON`, else `python3`), reads
the cases it writes to stdout, replays each through npdot and compares. By hand:

    python3 scripts/differential_family.py --seed 42 --cases 5          # the JSON lines
    python3 scripts/differential_family.py --seed 42 --case 17 --show   # case 17 as NumPy code

Each case has its own RNG seeded by (seed, index): `--case I` is exactly case I of any run.

The format, value encoding (hex bytes), view operations and tolerance rule are those of
scripts/differential.py (see its docstring; its helpers are reused here), plus:

    "axes": {"count": N} | {"pairs": [[...], [...]], "form": "vec" | "array" | "pair"}
    "axis": i                                 # linalg_vecdot
    "expect": {"index_error": "<str(e)>"}     # Python's IndexError (tensordot axis past ndim)

`vdot`'s scalar result is a 0-D expectation. `k` is the contracted length (vdot: the size;
tensordot: the product of the summed lengths; vecdot/matvec/vecmat: n; outer/kron: 1).
About 1.2 % of the `tensordot` cases are large (tag "large", float64/float32): two summed
axes in an order that does not merge into one strided axis, past the size where npdot reads
the operands in place (its blocked packed product) instead of copying them for BLAS.
About a fifth of the other cases are errors: sizes that differ (vdot), bad axes (tensordot: length
mismatch, duplicates, axes naming the same axis, out of range), core mismatches, too few
dimensions and batch dimensions that do not broadcast (the gufuncs), non-1-D operands
(linalg.outer), out-of-range axes (linalg.vecdot).
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import numpy as np
    import differential as d  # noqa: E402
except ImportError as e:
    print(f"differential_family.py: cannot import numpy: {e}", file=sys.stderr)
    sys.exit(3)

OPS = [("vdot", 10), ("outer", 8), ("tensordot", 22), ("kron", 10), ("vecdot", 14),
       ("matvec", 12), ("vecmat", 12), ("linalg_outer", 3), ("linalg_tensordot", 3),
       ("linalg_vecdot", 8)]
MAX_RESULT = 1500
# The share of `tensordot` cases drawn large (float64/float32 only): two summed axes in an
# order that does not merge into one strided axis on at least one side, and a product past the
# size where npdot's plan reads the operands in place instead of copying them for BLAS
# (`m·n·k ≥ 2^18`, `m, n ≥ 8`; about 50 cases in a run of 20,000).
LARGE_SHARE = 0.012
LARGE_WORK = 1 << 18
APIS = ["free", "free", "method", "owned", "fixed"]


def rand_dim(r, cap=6):
    x = r.random()
    if x < 0.05:
        return 0
    if x < 0.25:
        return 1
    return r.randint(2, cap)


def rs(r, nd, cap=6):
    return [rand_dim(r, cap) for _ in range(nd)]


def other(r, n):
    while True:
        m = r.randint(0, 6)
        if m != n:
            return m


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


def shapes_for(r, op):
    """(a_shape, b_shape, axes, axis, k, tags)."""
    bad = r.random() < 0.2
    tags = []
    if op == "vdot":
        a = rs(r, r.randint(0, 4), 5)
        n = d.prod(a)
        b = list(a)
        if r.random() < 0.5:
            b = list(reversed(a)) + ([1] if r.random() < 0.3 else [])
        if bad:
            b = rs(r, r.randint(0, 3), 5)
            tags.append("maybe-error")
        return a, b, None, None, n, tags
    if op in ("outer", "linalg_outer"):
        if op == "linalg_outer":
            a, b = [rand_dim(r, 9)], [rand_dim(r, 9)]
            if bad:
                a = rs(r, r.choice([0, 2]), 4)
            return a, b, None, None, 1, tags
        return rs(r, r.randint(0, 3), 5), rs(r, r.randint(0, 3), 5), None, None, 1, tags
    if op == "kron":
        na, nb = r.randint(0, 4), r.randint(0, 4)
        return rs(r, na, 4), rs(r, nb, 4), None, None, 1, tags
    if op in ("tensordot", "linalg_tensordot"):
        n = r.choice([0, 1, 1, 2, 2, 3])
        summed = rs(r, n, 5)
        fa, fb = r.randint(0, 3), r.randint(0, 3)
        a, b = [None] * (n + fa), [None] * (n + fb)
        pa, pb = r.sample(range(n + fa), n), r.sample(range(n + fb), n)
        for i, (x, y) in enumerate(zip(pa, pb)):
            a[x] = b[y] = summed[i]
        a = [v if v is not None else rand_dim(r, 5) for v in a]
        b = [v if v is not None else rand_dim(r, 5) for v in b]
        k = d.prod(summed)
        if r.random() < 0.3 and pa == list(range(fa, n + fa)) and pb == list(range(n)):
            axes = n
        else:
            axes = ([x - len(a) if r.random() < 0.3 else x for x in pa],
                    [y - len(b) if r.random() < 0.3 else y for y in pb])
        if bad:
            tags.append("maybe-error")
            kind = r.choice(["len", "size", "dup", "same", "range", "count"])
            xa, xb = (list(range(-axes, 0)), list(range(axes))) if isinstance(axes, int) else axes
            if kind == "len":
                axes = (xa + [r.randint(-2, 2)], xb)
            elif kind == "size" and xb:
                i = r.randrange(len(xb))
                b[xb[i]] = other(r, b[xb[i]])
                axes = (xa, xb)
            elif kind == "dup" and xa:
                axes = (xa + [xa[0]], xb + [r.randint(0, max(0, len(b) - 1))])
            elif kind == "same" and xa:
                ax = xa[0] - len(a) if xa[0] >= 0 else xa[0] + len(a)
                axes = (xa + [ax], xb + [xb[0] + 1 if xb[0] + 1 < len(b) else 0])
            elif kind == "range":
                axes = (xa + [len(a) + r.randint(0, 2)], xb + [0])
            else:
                axes = len(a) + 1 if r.random() < 0.5 else max(len(a), len(b))
        return a, b, axes, None, k, tags
    if op in ("vecdot", "matvec", "vecmat"):
        n, m = rand_dim(r), rand_dim(r)
        ca = {"vecdot": [n], "matvec": [m, n], "vecmat": [n]}[op]
        cb = {"vecdot": [n], "matvec": [n], "vecmat": [n, m]}[op]
        nb = r.choice([0, 0, 1, 1, 2, 3])
        full = rs(r, nb, 4)
        ba = [1 if r.random() < 0.3 else x for x in full]
        bb = [1 if r.random() < 0.3 else x for x in full]
        if r.random() < 0.3:
            ba = ba[r.randint(0, nb):]
        if r.random() < 0.3:
            bb = bb[r.randint(0, nb):]
        if bad:
            tags.append("maybe-error")
            kind = r.choice(["core", "broadcast", "ndim"])
            if kind == "core":
                cb = list(cb)
                cb[0] = other(r, n)
            elif kind == "broadcast":
                ba, bb = ba + [2], bb + [3]
            elif r.random() < 0.5:
                return rs(r, len(ca) - 1), ca and cb, None, None, 1, tags
            else:
                return ca, rs(r, len(cb) - 1), None, None, 1, tags
        return ba + ca, bb + cb, None, None, n, tags
    if op == "linalg_vecdot":
        nd = r.randint(1, 4)
        a = rs(r, nd, 5)
        axis = r.randrange(nd)
        n = a[axis]
        b = [1 if (i != axis and r.random() < 0.3) else x for i, x in enumerate(a)]
        ax = axis - nd if r.random() < 0.5 else axis
        if r.random() < 0.3 and axis > 0:
            b = b[axis:]
            ax = axis - nd
        if bad:
            tags.append("maybe-error")
            kind = r.choice(["axis", "core", "broadcast"])
            if kind == "axis":
                ax = r.choice([nd, -nd - 1, len(b), -len(b) - 1])
            elif kind == "core":
                b[len(b) - (nd - axis)] = other(r, n)
            else:
                a, b = [2] + a, [3] + b
                if ax >= 0:
                    ax += 1
        return a, b, None, ax, n, tags
    raise ValueError(op)


def large_tensordot(r):
    """(a_shape, b_shape, axes, k) of a large `tensordot`: operands with the axes (m, o, q) and
    (n, o, q) in some order, summed over o and q. In 60 % of them the innermost axis of `a` is
    q and that of `b` is o (as in `tensordot(x, y, ([0, 2], [2, 1]))` of C-ordered operands),
    so that no single summed pair can be looped over with BLAS-able slices and the in-place
    packed product runs (unless the views drawn after this change the strides)."""
    m, n = r.randint(8, 24), r.randint(8, 24)
    o = r.randint(16, 64)
    q = max(8, -(-LARGE_WORK // (m * n * o)))
    if r.random() < 0.6:
        la, lb = r.sample("mo", 2) + ["q"], r.sample("nq", 2) + ["o"]
    else:
        la, lb = r.sample("moq", 3), r.sample("noq", 3)
    size = {"m": m, "n": n, "o": o, "q": q}
    a, b = [size[x] for x in la], [size[x] for x in lb]
    axes = ([la.index("o"), la.index("q")], [lb.index("o"), lb.index("q")])
    if r.random() < 0.5:
        axes = (axes[0][::-1], axes[1][::-1])
    return a, b, axes, o * q


def result_size(op, a, b, axes):
    if op in ("kron",):
        nd = max(len(a), len(b))
        pa = [1] * (nd - len(a)) + a
        pb = [1] * (nd - len(b)) + b
        return d.prod(x * y for x, y in zip(pa, pb))
    if op in ("outer", "linalg_outer"):
        return d.prod(a) * d.prod(b)
    if op in ("tensordot", "linalg_tensordot"):
        return d.prod(a) * d.prod(b)  # an upper bound
    return d.prod(a) * max(1, d.prod(b))


def small_shapes(r, op):
    """shapes_for's draw within the size caps (20 tries, then a fixed small case)."""
    for _ in range(20):
        sa, sb, axes, axis, k, tags = shapes_for(r, op)
        if result_size(op, sa, sb, axes) <= MAX_RESULT and d.prod(sa) <= 600 and d.prod(sb) <= 600:
            return sa, sb, axes, axis, k, tags
    sa, sb, axes, axis, k, tags = [2], [2], 1 if "tensordot" in op else None, -1, 2, []
    if op in ("vdot", "vecdot", "outer", "kron", "linalg_outer"):
        axes = None
    if op == "matvec":
        sa = [2, 2]
    if op == "vecmat":
        sb = [2, 2]
    return sa, sb, axes, axis, k, tags


def gen_case(seed, i):
    r = random.Random(f"npdot-family-diff:{seed}:{i}")
    g = np.random.default_rng([seed & 0xFFFFFFFFFFFFFFFF, i, 7])
    op = d.wchoice(r, [o for o, _ in OPS], [w for _, w in OPS])
    label = r.choice([x for x, _ in d.DTYPES])
    large = op == "tensordot" and r.random() < LARGE_SHARE
    if large:
        label = r.choice(["float64", "float64", "float32"])
    dt = d.DTYPE_OF[label]
    limit = d.MAX_BASE
    if large:
        sa, sb, axes, k = large_tensordot(r)
        axis, tags = None, ["large"]
        limit = 2 * max(d.prod(sa), d.prod(sb))
    else:
        sa, sb, axes, axis, k, tags = small_shapes(r, op)
    abase, aops = d.operand_views(r, sa, True, limit)
    bbase, bops = d.operand_views(r, sb, True, limit)
    adata, at = d.gen_data(r, g, label, d.prod(abase))
    bdata, bt = d.gen_data(r, g, label, d.prod(bbase))
    a = np.asarray(adata, dtype=dt).reshape(abase)
    b = np.asarray(bdata, dtype=dt).reshape(bbase)
    tags = sorted(set(tags + at + bt))
    api = r.choice(APIS)
    if op.startswith("linalg_"):
        api = "free"
    if api == "fixed" and not (len(sa) in (1, 2) and len(sb) in (1, 2)):
        api = "free"
    case = {"i": i, "op": op, "dtype": label, "api": api, "k": int(k), "tags": tags,
            "a": {"shape": list(abase), "data": d.hexdata(a), "views": aops},
            "b": {"shape": list(bbase), "data": d.hexdata(b), "views": bops}}
    if axes is not None:
        if isinstance(axes, int):
            case["axes"] = {"count": axes}
        else:
            form = r.choice(["vec", "array"])
            if len(axes[0]) == 1 and len(axes[1]) == 1 and r.random() < 0.5:
                form = "pair"
            case["axes"] = {"pairs": [list(axes[0]), list(axes[1])], "form": form}
    if axis is not None:
        case["axis"] = axis
    A, B = d.apply_views(a, aops), d.apply_views(b, bops)
    case["expect"] = evaluate(case, A, B, label)
    return case


def np_axes(case):
    x = case.get("axes")
    if x is None:
        return None
    if "count" in x:
        return x["count"]
    xa, xb = x["pairs"]
    if x["form"] == "pair":
        return (xa[0], xb[0])
    return (xa, xb)


def evaluate(case, A, B, label):
    op, dt = case["op"], d.DTYPE_OF[case["dtype"]]
    floaty = np.dtype(dt).kind in "fc"
    axes, axis = np_axes(case), case.get("axis")
    try:
        with np.errstate(all="ignore"):
            R = np.asarray(np_call(op, A, B, axes, axis))
    except ValueError as e:  # AxisError included
        return {"error": str(e)}
    except IndexError as e:
        return {"index_error": str(e)}
    expect = {"shape": list(R.shape), "dtype": d.dtype_label(R.dtype, label), "data": d.hexdata(R.astype(dt))}
    if floaty:
        with np.errstate(all="ignore"):
            bound = np.asarray(np_call(op, np.abs(A).astype(np.float64), np.abs(B).astype(np.float64), axes, axis))
        expect["bound"] = d.hexdata(bound)
    return expect


def show(case):
    dt = case["dtype"]
    npdt = "np." + (dt if dt != "bool" else "bool_")
    lines = ["import numpy as np"]
    for name in ("a", "b"):
        o = case[name]
        lines.append(f"{name} = np.frombuffer(bytes.fromhex('{o['data']}'), {npdt}).reshape({tuple(o['shape'])})")
        if o["views"]:
            lines.append(f"{name} = {name}{d.views_text(o['views'])}")
    op = case["op"]
    f = "np.linalg." + op[7:] if op.startswith("linalg_") else "np." + op
    args = "a, b"
    if "axes" in case:
        args += (", axes=" if op.startswith("linalg_") else ", ") + repr(np_axes(case))
    if "axis" in case:
        args += f", axis={case['axis']}"
    lines.append(f"r = {f}({args})\nprint(np.shape(r), np.asarray(r).dtype)\nprint(r)")
    print(f"# case {case['i']}: {op} {dt} api={case['api']} k={case['k']} tags={case['tags']}")
    print(d.fix_broadcast_text("\n".join(lines)))
    print("# expect:", json.dumps(case["expect"])[:2000])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--case", type=int, help="only this case index")
    ap.add_argument("--show", action="store_true", help="print the case as a NumPy snippet")
    args = ap.parse_args()
    if not np.__version__.startswith("2.4."):
        print(f"differential_family.py: numpy 2.4.* required, found {np.__version__}", file=sys.stderr)
        sys.exit(3)
    idx = [args.case] if args.case is not None else range(args.start, args.start + args.cases)
    if args.show:
        for i in idx:
            show(gen_case(args.seed, i))
        return
    w = sys.stdout.write
    w(json.dumps({"numpy": np.__version__, "seed": args.seed, "cases": len(idx)}) + "\n")
    for i in idx:
        w(json.dumps(gen_case(args.seed, i), separators=(",", ":")) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
