#!/usr/bin/env python3
"""Random differential cases for npdot, evaluated by a live NumPy 2.4.

`tests/products/differential.rs` runs this script (with `$NPDOT_PYTHON`, else `python3`), reads the
cases it writes to stdout, replays each through npdot and compares. Run by hand:

    python3 scripts/differential.py --seed 42 --cases 5         # the JSON lines the test reads
    python3 scripts/differential.py --seed 42 --case 17 --show  # case 17 as a NumPy snippet
    python3 scripts/differential.py --seed 0 --custom 'op = "dot"; a = np.array(0.0); b = np.array([np.inf, 1.0])'

Each case is generated from its own RNG, seeded by (seed, index), so one case can be replayed
without generating the others: `--case I` yields exactly the case `--cases N` (N > I) yields at
index I.

## Case space

ops `dot`, `inner`, `matmul`, `dot_into`, `matmul_into`; the 15 dtypes; operands of 0 to 6
dimensions with sizes 0 to 9 (total work capped so a case stays small); operands are views of a
C-ordered base array, built by a chain of safe view operations (steps, negative steps, offsets,
permutations, inserted axes, stride-0 broadcasts, in any order); `out` operands likewise (no
broadcast: NumPy's broadcast views are read-only, ndarray's immutable). About a quarter of the
cases are errors: misaligned contracted dimensions for each op, 0-D `matmul` operands, batch
dimensions that do not broadcast, `out` of the wrong shape, dimensionality or layout. Integer
data is small or full-range (wrap-around); float data is small integers, random, or wide-range
random, and sometimes holds NaN, -0.0, subnormals and (real dtypes only) +-inf; magnitudes stay
far from overflow, so whether an element is NaN or +-inf never depends on the order of
summation. (Complex infinities are left out: NumPy's own answer for them depends on whether it
takes its BLAS path, see gen_data. The sign of a zero result depends on NumPy's path too, e.g.
`np.dot([[-0.0]], [[1.0]])` is -0.0 but `np.matmul` of the same is 0.0, so the test compares
zeros' signs only when asked to, with NPDOT_DIFF_ZERO_SIGN=1.)

## Output: one JSON object per line

The first line is a header `{"numpy": "2.4.6", "seed": S, "cases": N}`; then one line per case:

    {"i": 17, "op": "matmul", "dtype": "float64", "api": "free", "k": 3, "tags": [...],
     "a": {"shape": [base shape], "data": "<hex>", "views": [...]},
     "b": {...},
     "out": {"shape": [base shape], "fill": "<hex>", "views": [...]},   # *_into only
     "expect": {"error": "<str(ValueError)>"}
            or {"shape": [...], "dtype": "float64", "data": "<hex>", "bound": "<hex>"}}

* Values are raw little-endian bytes of the C-ordered array in hex (bool: one byte 0/1;
  complex: re, im), so NaN payloads, infinities and -0.0 survive exactly.
* `views` are applied in order to the base; each maps to one safe ndarray operation:
  `{"slice": [[start, end, step], ...]}` is `Slice::new(start, Some(end), step)` on every axis
  (NumPy `x[start:end][::step]`); `{"permute": axes}` is `permuted_axes` (`x.transpose(axes)`);
  `{"insert_axis": i}` is `insert_axis(Axis(i))` (`np.expand_dims(x, i)`);
  `{"broadcast": shape}` is `broadcast(shape)` (`np.broadcast_to(x, shape)`).
* For `*_into` the base of `out` is filled with `fill`, the views give the `out=` operand, and
  `expect` describes the whole base after the call (so elements the call must not touch are
  checked too); on an error the base must be unchanged.
* `bound` (floats and complex only) is float64, one per expected element: the same product
  computed by NumPy in float64 on the absolute values (|z| for complex), 0 where `out` is not
  written. The test accepts |got - want| <= 4 * (k + 2) * (eps * bound + eps * tiny) per
  (real) component (tiny: the smallest normal number; the second term covers products that
  underflow into subnormals), with NaN and +-inf required to match exactly.
* `expect.dtype` is the dtype of NumPy's result, named as `Element::DTYPE` names it when it is
  the operands' dtype.
"""

import argparse
import json
import random
import sys

try:
    import numpy as np
except ImportError as e:  # the Rust test turns this into a skip or a CI failure
    print(f"differential.py: cannot import numpy: {e}", file=sys.stderr)
    sys.exit(3)

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
DTYPE_OF = dict(DTYPES)
OPS = [("dot", 25), ("inner", 20), ("matmul", 30), ("dot_into", 10), ("matmul_into", 15)]
NDIM_WEIGHTS = [6, 20, 30, 20, 12, 7, 5]  # ndim 0..6
MAX_OPERAND = 600  # elements of an operand as seen (before views)
MAX_BASE = 2000  # elements of a base array
MAX_RESULT = 1000  # elements of a result
MAX_WORK = 6000  # result elements * contracted length
APIS = ["free", "free", "trait_view", "trait_owned", "free_fixed"]


def wchoice(r, items, weights):
    return r.choices(items, weights)[0]


def prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


# --------------------------------------------------------------------------------------------
# shapes


def rand_dim(r):
    x = r.random()
    if x < 0.05:
        return 0
    if x < 0.25:
        return 1
    return r.randint(2, 9)


def rand_shape(r, nd):
    return [rand_dim(r) for _ in range(nd)]


def rand_ndim(r, lo=0):
    return wchoice(r, range(lo, 7), NDIM_WEIGHTS[lo:])


def other_size(r, n):
    """A size in 0..9 that differs from n."""
    while True:
        m = r.randint(0, 9) if r.random() < 0.8 else r.randint(0, 3)
        if m != n:
            return m


def result_shape(op, sa, sb):
    """The result shape of a valid case (None if NumPy would reject it)."""
    base = op.replace("_into", "")
    if base in ("dot", "inner") and (not sa or not sb):
        return sa + sb if sa else sb
    if base == "dot":
        if len(sb) == 1:
            return sa[:-1] if sa[-1] == sb[0] else None
        return sa[:-1] + sb[:-2] + sb[-1:] if sa[-1] == sb[-2] else None
    if base == "inner":
        return sa[:-1] + sb[:-1] if sa[-1] == sb[-1] else None
    if not sa or not sb:
        return None
    a2 = [1] + sa if len(sa) == 1 else sa
    b2 = sb + [1] if len(sb) == 1 else sb
    if a2[-1] != b2[-2]:
        return None
    ba, bb = a2[:-2], b2[:-2]
    n = max(len(ba), len(bb))
    ba = [1] * (n - len(ba)) + ba
    bb = [1] * (n - len(bb)) + bb
    batch = []
    for x, y in zip(ba, bb):
        if x != y and x != 1 and y != 1:
            return None
        batch.append(y if x == 1 else x)
    core = ([a2[-2]] if len(sa) > 1 else []) + ([b2[-1]] if len(sb) > 1 else [])
    return batch + core


def contracted(op, sa, sb):
    if not sa or not sb:
        return 1
    return sa[-1]


def align(op, sa, sb):
    """Make shapes that `shrink` may have put out of step valid again (sizes only go down)."""
    base = op.replace("_into", "")
    if not sa or not sb:
        return sa, sb
    ib = -1 if base == "inner" or len(sb) == 1 else -2
    sa[-1] = sb[ib] = min(sa[-1], sb[ib])
    if base == "matmul":
        for j in range(1, min(len(sa), len(sb)) - 1):
            x, y = sa[-2 - j], sb[-2 - j]
            if x != y and x != 1 and y != 1:
                sa[-2 - j] = sb[-2 - j] = min(x, y)
    return sa, sb


def valid_shapes(r, op):
    """Operand shapes for which `op` succeeds."""
    base = op.replace("_into", "")
    if base == "matmul":
        nda, ndb = rand_ndim(r, 1), rand_ndim(r, 1)
        k, n, m = rand_dim(r), rand_dim(r), rand_dim(r)
        nbatch = max(nda, ndb) - 2
        batch = rand_shape(r, max(nbatch, 0))

        def batch_of(nd):
            bt = batch[len(batch) - (nd - 2) :] if nd > 2 else []
            return [1 if r.random() < 0.3 else d for d in bt]

        sa = batch_of(nda) + [n, k] if nda >= 2 else [k]
        sb = batch_of(ndb) + [k, m] if ndb >= 2 else [k]
        return sa, sb
    nda, ndb = rand_ndim(r), rand_ndim(r)
    sa, sb = rand_shape(r, nda), rand_shape(r, ndb)
    if nda and ndb:
        if base == "dot":
            sb[-2 if ndb >= 2 else 0] = sa[-1]
        else:
            sb[-1] = sa[-1]
    return sa, sb


def break_shapes(r, op, sa, sb):
    """Turn valid input shapes into failing ones (returns None if this pair cannot fail)."""
    base = op.replace("_into", "")
    if base in ("dot", "inner"):
        if not sa or not sb:
            return None
        ia = len(sa) - 1
        ib = (len(sb) - 2 if len(sb) >= 2 else 0) if base == "dot" else len(sb) - 1
        if r.random() < 0.5:
            sb[ib] = other_size(r, sa[ia])
        else:
            sa[ia] = other_size(r, sb[ib])
        return sa, sb
    choices = ["zero_d", "core"]
    la, lb = len(sa) - 2, len(sb) - 2
    if la > 0 and lb > 0:
        choices += ["batch", "batch", "batch"]
    how = r.choice(choices)
    if how == "zero_d":
        x = r.random()
        if x < 0.4:
            sa = []
        elif x < 0.8:
            sb = []
        else:
            sa, sb = [], []
        return sa, sb
    if how == "core":
        ib = len(sb) - 2 if len(sb) >= 2 else 0
        if r.random() < 0.5:
            sb[ib] = other_size(r, sa[-1])
        else:
            sa[-1] = other_size(r, sb[ib])
        if r.random() < 0.2 and la > 0 and lb > 0:  # and a batch mismatch too
            sa[la - 1], sb[lb - 1] = 2, 3
        return sa, sb
    # batch: pick an aligned batch axis and give the operands different sizes, neither 1
    j = r.randint(1, min(la, lb))
    x = r.randint(2, 9)
    y = r.choice([v for v in range(0, 10) if v not in (1, x)])
    if r.random() < 0.5:
        x, y = y, x
    sa[la - j], sb[lb - j] = x, y
    return sa, sb


def shrink(r, shapes, limit_fn):
    """Halve random dims (in place) until limit_fn(shapes) holds; `align` repairs the
    equalities this may break."""
    for _ in range(200):
        if limit_fn(shapes):
            return shapes
        s = r.choice([s for s in shapes if s and any(d > 1 for d in s)] or [None])
        if s is None:
            return shapes
        i = r.choice([i for i, d in enumerate(s) if d > 1])
        s[i] = max(1, s[i] // 2)
    return shapes


# --------------------------------------------------------------------------------------------
# views (generated backwards from the shape the operand must have)


def rand_perm(r, n):
    p = list(range(n))
    if n >= 2 and r.random() < 0.4:
        p[-1], p[-2] = p[-2], p[-1]  # the classic transpose of the core
    else:
        r.shuffle(p)
    return p


def make_views(r, target, allow_broadcast, nops, kinds=None):
    """A base shape and view ops (forward order) whose result has shape `target`."""
    shape = list(target)
    ops = []
    kinds = kinds or ["slice", "slice", "permute", "permute", "insert", "broadcast"]
    for _ in range(nops):
        kind = r.choice(kinds)
        if kind == "broadcast" and allow_broadcast:
            pre = shape[r.randint(0, len(shape)) :] if r.random() < 0.3 else list(shape)
            pre = [1 if r.random() < 0.35 else d for d in pre]
            ops.append({"broadcast": list(shape)})
            shape = pre
        elif kind == "insert" and 1 in shape:
            i = r.choice([i for i, d in enumerate(shape) if d == 1])
            ops.append({"insert_axis": i})
            del shape[i]
        elif kind == "permute" and len(shape) >= 2:
            p = rand_perm(r, len(shape))
            pre = [0] * len(shape)
            for i, ax in enumerate(p):
                pre[ax] = shape[i]
            ops.append({"permute": p})
            shape = pre
        elif kind == "slice" and shape:
            spec, pre = [], []
            for n in shape:
                step = r.choice([1, 1, 1, 2, 3, -1, -1, -2, -3]) if r.random() < 0.7 else 1
                start = r.randint(0, 2) if r.random() < 0.4 else 0
                if n == 0:
                    end = start
                else:
                    end = start + (n - 1) * abs(step) + 1 + r.randint(0, abs(step) - 1)
                spec.append([start, end, step])
                pre.append(end + (r.randint(0, 2) if r.random() < 0.4 else 0))
            ops.append({"slice": spec})
            shape = pre
    ops.reverse()
    return shape, ops


def operand_views(r, target, allow_broadcast, limit=MAX_BASE, min_ops=0):
    nops = max(min_ops, wchoice(r, [0, 1, 2, 3, 4], [30, 30, 22, 12, 6]))
    for _ in range(10):
        base, ops = make_views(r, target, allow_broadcast, nops)
        if prod(base) <= limit:
            return base, ops
        nops = max(0, nops - 1)
    return list(target), []


def apply_views(x, ops):
    for op in ops:
        ((name, v),) = op.items()
        if name == "slice" and not v:
            continue  # x[()] of a 0-D array is a scalar copy, not a view
        if name == "slice":
            x = x[tuple(slice(s, e) for s, e, _ in v)]
            x = x[tuple(slice(None, None, st) for _, _, st in v)]
        elif name == "permute":
            x = x.transpose(v)
        elif name == "insert_axis":
            x = np.expand_dims(x, v)
        elif name == "broadcast":
            x = np.broadcast_to(x, tuple(v))
        else:
            raise ValueError(name)
    return x


def views_text(ops):
    out = []
    for op in ops:
        ((name, v),) = op.items()
        if name == "slice":
            out.append("[" + ",".join(f"{s}:{e}" for s, e, _ in v) + "]")
            if any(st != 1 for _, _, st in v):
                out.append("[" + ",".join(f"::{st}" if st != 1 else ":" for _, _, st in v) + "]")
        elif name == "permute":
            out.append(f".transpose({tuple(v)})")
        elif name == "insert_axis":
            out.append(f"[{':,' * v}None]")
        else:
            out.append(f" -> broadcast_to{tuple(v)}")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# values


def gen_data(r, g, label, n):
    dt = DTYPE_OF[label]
    kind = np.dtype(dt).kind
    tags = []
    if kind == "b":
        p = r.choice([0.1, 0.5, 0.9])
        return g.random(n) < p, tags
    if kind in "iu":
        info = np.iinfo(dt)
        if r.random() < 0.35:
            tags.append("full-range")
            x = g.integers(info.min, info.max, n, dtype=dt, endpoint=True)
            if n and r.random() < 0.5:
                idx = g.integers(0, n, max(1, n // 8))
                x[idx] = g.choice(np.array([info.min, info.max, 0, 1], dtype=dt), len(idx))
            return x, tags
        lo = -3 if kind == "i" else 0
        return g.integers(lo, 5, n).astype(dt), tags
    real = np.float32 if label in ("float32", "complex64") else np.float64
    count = n * (2 if kind == "c" else 1)
    mode = r.random()
    if mode < 0.35:
        x = g.integers(-4, 5, count).astype(real)
    elif mode < 0.8:
        x = g.standard_normal(count).astype(real)
        tags.append("random")
    else:
        x = (g.standard_normal(count) * 10.0 ** g.uniform(-6, 6, count)).astype(real)
        tags.append("random")
    if count and r.random() < 0.15:
        tags.append("special")
        info = np.finfo(real)
        tiny = info.smallest_subnormal
        specials = [np.nan, -0.0, -0.0, tiny, -tiny * 3, tiny * 1000, info.smallest_normal]
        if kind == "f":
            # Not for complex: there NumPy's own answer depends on its code path (OpenBLAS
            # scales by alpha = 1+0j in complex arithmetic, 0*inf = NaN; its non-BLAS loops do
            # not), so `[[1, inf+1j]] @ [[1], [1+1j]]` is nan+infj or inf+infj by layout.
            specials += [np.inf, -np.inf, np.inf, -np.inf]
        specials = np.array(specials, dtype=real)
        idx = g.integers(0, count, r.randint(1, max(1, count // 6)))
        x[idx] = g.choice(specials, len(idx))
    if kind == "c":
        x = x.view(np.complex64 if real is np.float32 else np.complex128)
    return x, tags


def hexdata(x):
    return np.ascontiguousarray(x).tobytes().hex()


# --------------------------------------------------------------------------------------------
# cases


def dtype_label(got, label):
    return label if got == np.dtype(DTYPE_OF[label]) else str(got)


def gen_case(seed, i):
    r = random.Random(f"npdot-diff:{seed}:{i}")
    g = np.random.default_rng([seed & 0xFFFFFFFFFFFFFFFF, i])
    op = wchoice(r, [o for o, _ in OPS], [w for _, w in OPS])
    label = r.choice([d for d, _ in DTYPES])
    dt = DTYPE_OF[label]
    tags = []
    into = op.endswith("_into")
    base_op = op.replace("_into", "")

    # shapes
    sa, sb = valid_shapes(r, op)

    def fits(shapes):
        a_, b_ = align(op, list(shapes[0]), list(shapes[1]))
        if prod(a_) > MAX_OPERAND or prod(b_) > MAX_OPERAND:
            return False
        res = result_shape(op, a_, b_)
        return prod(res) <= MAX_RESULT and prod(res) * max(1, contracted(op, a_, b_)) <= MAX_WORK

    sa, sb = align(op, *shrink(r, [sa, sb], fits))
    assert result_shape(op, sa, sb) is not None, (op, sa, sb)

    error_kind = None
    x = r.random()
    in_err = 0.25 if not into else 0.1
    if x < in_err:
        broken = break_shapes(r, op, list(sa), list(sb))
        if broken is not None:
            sa, sb = broken
            error_kind = "inputs"
    res = result_shape(op, sa, sb)

    # out
    out = None
    if into:
        if res is not None:
            target = res
        else:
            target = shrink(r, [rand_shape(r, rand_ndim(r))], lambda s: prod(s[0]) <= MAX_RESULT)[0]
        y = r.random()
        out_bad = None
        if res is not None and y < 0.2:
            target, out_bad = break_out(r, op, list(res))
        elif base_op == "matmul" and res is not None and y < 0.35:
            target = rand_shape(r, r.randint(1, 2)) + target  # extra leading dims
            target = shrink(r, [target], lambda s: prod(s[0]) <= MAX_OPERAND)[0]
            tags.append("out-extra-dims")
        if out_bad:
            error_kind = error_kind or out_bad
        if out_bad == "out-layout":
            obase, oops = operand_views(r, target, False, min_ops=1)
        elif base_op == "dot" and r.random() < 0.7:
            # mostly layouts that keep C-contiguity (offsets, steps on length-1 axes, inserts)
            obase, oops = c_contiguous_views(r, target)
        else:
            obase, oops = operand_views(r, target, False)
        fill = np.array([gen_data(r, g, label, 1)[0][0]], dtype=dt)
        if np.dtype(dt).kind in "fc":
            fill = np.array([r.choice([-7.25, 12345.5, 0.375])], dtype=dt)
        out = {"shape": obase, "fill": hexdata(fill), "views": oops}

    # operands
    abase, aops = operand_views(r, sa, True)
    bbase, bops = operand_views(r, sb, True)
    adata, atags = gen_data(r, g, label, prod(abase))
    bdata, btags = gen_data(r, g, label, prod(bbase))
    A0 = adata.reshape(abase)
    B0 = bdata.reshape(bbase)
    tags += sorted(set(atags + btags))
    for ops in (aops, bops):
        for o in ops:
            ((name, v),) = o.items()
            if name == "slice" and any(st < 0 for _, _, st in v):
                tags.append("neg-stride")
            elif name == "slice" and any(st > 1 for _, _, st in v):
                tags.append("stepped")
            elif name == "broadcast":
                tags.append("broadcast")
            elif name == "permute":
                tags.append("permuted")
            elif name == "insert_axis":
                tags.append("inserted-axis")
    if error_kind:
        tags.append("error:" + error_kind)
    tags = sorted(set(tags))

    A = apply_views(A0, aops)
    B = apply_views(B0, bops)
    assert list(A.shape) == sa and list(B.shape) == sb, (A.shape, sa, B.shape, sb)
    case = {
        "i": i,
        "op": op,
        "dtype": label,
        "api": r.choice(APIS),
        "k": contracted(op, sa, sb),
        "tags": tags,
        "a": {"shape": abase, "data": hexdata(A0), "views": aops},
        "b": {"shape": bbase, "data": hexdata(B0), "views": bops},
    }
    if out is not None:
        case["out"] = out
    case["expect"] = evaluate(case, A, B, label)
    return case


def c_contiguous_views(r, target):
    """Views of a bigger base that NumPy and ndarray both still call C-contiguous."""
    shape, ops = list(target), []
    if shape and r.random() < 0.5:
        # offset along the first non-trivial axis
        j = next((i for i, d in enumerate(shape) if d != 1), 0)
        spec = []
        pre = []
        for i, n in enumerate(shape):
            if i == j:
                s = r.randint(0, 3)
                spec.append([s, s + n, 1])
                pre.append(s + n + r.randint(0, 2))
            elif i < j:  # length-1 axes: any step, any offset
                s = r.randint(0, 2)
                st = r.choice([1, 2, -1, -3])
                spec.append([s, s + 1, st])
                pre.append(s + 1 + r.randint(0, 2))
            else:
                spec.append([0, n, 1])
                pre.append(n)
        ops.append({"slice": spec})
        shape = pre
    if r.random() < 0.3 and 1 in target:
        # insert one of the length-1 axes last
        i = target.index(1)
        ops = [dict(o) for o in ops]
        shape2 = shape[:i] + shape[i + 1 :]
        if ops:
            ((_, spec),) = ops[0].items()
            ops = [{"slice": spec[:i] + spec[i + 1 :]}]
        ops.append({"insert_axis": i})
        shape = shape2
    return shape, ops


def break_out(r, op, res):
    """An `out` shape that does not fit result shape `res`, and the kind of error."""
    base_op = op.replace("_into", "")
    x = r.random()
    if x < 0.3 or (not res and x < 0.6):
        # wrong number of dimensions
        if res and r.random() < 0.5:
            t = list(res)
            del t[r.randrange(len(t))]
        else:
            t = list(res)
            t.insert(r.randint(0, len(t)), r.choice([1, 2, 3]))
        return t, "out-ndim"
    if x < 0.7 and res:
        t = list(res)
        j = r.randrange(len(t))
        t[j] = other_size(r, t[j])
        return t, "out-shape"
    if base_op == "matmul":
        t = [r.randint(0, 4)] + list(res)  # extra leading dim: fine unless it mismatches
        return t, "out-extra"
    return list(res), "out-layout"  # dot: a non-C-contiguous layout (below) may be rejected


def evaluate(case, A, B, label):
    op, dt = case["op"], DTYPE_OF[case["dtype"]]
    base_op = op.replace("_into", "")
    f = {"dot": np.dot, "inner": np.inner, "matmul": np.matmul}[base_op]
    floaty = np.dtype(dt).kind in "fc"
    if "out" in case:
        o = case["out"]
        fill = np.frombuffer(bytes.fromhex(o["fill"]), dtype=dt)[0]
        obase = np.full(o["shape"], fill, dtype=dt)
        oview = apply_views(obase, o["views"])
        try:
            with np.errstate(all="ignore"):
                f(A, B, out=oview)
        except ValueError as e:
            assert (obase == fill).all()
            return {"error": str(e)}
        expect = {"shape": list(obase.shape), "dtype": label, "data": hexdata(obase)}
        if floaty:
            bound = np.zeros(obase.shape)
            with np.errstate(all="ignore"):
                apply_views(bound, o["views"])[...] = f(np.abs(A).astype(np.float64), np.abs(B).astype(np.float64))
            expect["bound"] = hexdata(bound)
        return expect
    try:
        with np.errstate(all="ignore"):
            R = np.asarray(f(A, B))
    except ValueError as e:
        return {"error": str(e)}
    expect = {"shape": list(R.shape), "dtype": dtype_label(R.dtype, label), "data": hexdata(R.astype(dt))}
    if floaty:
        with np.errstate(all="ignore"):
            bound = np.asarray(f(np.abs(A).astype(np.float64), np.abs(B).astype(np.float64)))
        expect["bound"] = hexdata(bound)
    return expect


# --------------------------------------------------------------------------------------------
# --show: the case as a NumPy snippet


def show(case):
    dt = case["dtype"]
    npdt = "np." + (dt if dt != "bool" else "bool_")
    lines = ["import numpy as np"]
    for name in ("a", "b"):
        o = case[name]
        lines.append(f"{name} = np.frombuffer(bytes.fromhex('{o['data']}'), {npdt}).reshape({tuple(o['shape'])})")
        if o["views"]:
            lines.append(f"{name} = {name}{views_text(o['views'])}")
    f = "np." + case["op"].replace("_into", "")
    if "out" in case:
        o = case["out"]
        lines.append(f"fill = np.frombuffer(bytes.fromhex('{o['fill']}'), {npdt})[0]")
        lines.append(f"obase = np.full({tuple(o['shape'])}, fill, {npdt})")
        lines.append(f"out = obase{views_text(o['views'])}")
        lines.append(f"{f}(a, b, out=out)")
        lines.append("print(out.shape, out.strides)\nprint(obase)")
    else:
        lines.append(f"r = {f}(a, b)\nprint(np.shape(r), np.asarray(r).dtype)\nprint(r)")
    a_shape = apply_views(np.empty(case["a"]["shape"]), case["a"]["views"]).shape
    b_shape = apply_views(np.empty(case["b"]["shape"]), case["b"]["views"]).shape
    print(f"# case {case['i']}: {case['op']} {dt} api={case['api']} k={case['k']} tags={case['tags']}")
    print(f"# a.shape {a_shape}, b.shape {b_shape}")
    print(fix_broadcast_text("\n".join(lines)))
    print("# expect:", json.dumps(case["expect"])[:2000])


def fix_broadcast_text(body):
    # views_text writes broadcasts as " -> broadcast_to(shape)"; make that runnable.
    out = []
    for line in body.split("\n"):
        if " -> broadcast_to" not in line:
            out.append(line)
            continue
        name, expr = line.split(" = ", 1)
        parts = expr.split(" -> broadcast_to")
        cur = parts[0]
        for p in parts[1:]:
            shape_end = p.index(")") + 1
            cur = f"np.broadcast_to({cur}, {p[:shape_end]}){p[shape_end:]}"
        out.append(f"{name} = {cur}")
    return "\n".join(out)


def custom_case(text):
    """A hand-written case, for minimizing a failure: Python statements that set `op` and the
    NumPy arrays `a`, `b` (the case's dtype is a's; they are used as C-ordered bases), and
    optionally `a_views`, `b_views` (view ops in the JSON form above), `api`, and for *_into
    `out_shape` (default: the result's shape), `out_views` and `fill`."""
    ns = {"np": np}
    exec(text, ns)
    op = ns["op"]
    a = np.array(ns["a"], order="C")
    label = next(lab for lab, d in DTYPES if np.dtype(d) == a.dtype)
    dt = DTYPE_OF[label]
    b = np.array(ns["b"], dtype=dt, order="C")
    aops, bops = ns.get("a_views", []), ns.get("b_views", [])
    A, B = apply_views(a, aops), apply_views(b, bops)
    case = {
        "i": 0,
        "op": op,
        "dtype": label,
        "api": ns.get("api", "free"),
        "k": contracted(op, list(A.shape), list(B.shape)),
        "tags": ["custom"],
        "a": {"shape": list(a.shape), "data": hexdata(a), "views": aops},
        "b": {"shape": list(b.shape), "data": hexdata(b), "views": bops},
    }
    if op.endswith("_into"):
        shape = ns.get("out_shape")
        if shape is None:
            f = {"dot": np.dot, "inner": np.inner, "matmul": np.matmul}[op.replace("_into", "")]
            try:
                shape = list(np.shape(f(A, B)))
            except ValueError:
                shape = []
        fill = np.array([ns.get("fill", 7)], dtype=dt)
        case["out"] = {"shape": list(shape), "fill": hexdata(fill), "views": ns.get("out_views", [])}
    case["expect"] = evaluate(case, A, B, label)
    return case


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--case", type=int, help="only this case index")
    ap.add_argument("--show", action="store_true", help="print the case as a NumPy snippet")
    ap.add_argument("--custom", metavar="PYTHON", help="one hand-written case (see custom_case)")
    args = ap.parse_args()
    if not np.__version__.startswith("2.4."):
        print(f"differential.py: numpy 2.4.* required, found {np.__version__}", file=sys.stderr)
        sys.exit(3)
    if args.custom is not None:
        case = custom_case(args.custom)
        if args.show:
            show(case)
        else:
            print(json.dumps({"numpy": np.__version__, "seed": 0, "cases": 1}))
            print(json.dumps(case, separators=(",", ":")))
        return
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
