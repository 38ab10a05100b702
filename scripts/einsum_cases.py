"""Shared case format of npdot's einsum fixtures and differential test (NumPy 2.4).

One case is a JSON object:

    {"sub": "ij,jk->ik", "dtype": "float64",
     "ops": [{"shape": [base shape], "data": "<hex, C order>", "view": [view op, ...]}, ...],
     "want": {"error": "<NumPy's message>"}
           | {"shape": [...], "data": "<hex, C order>", "view": true|false|null,
              "bound": "<hex float64: einsum of |operands|>", "k": <summed length>}}

View ops turn the base array into the operand: ["T"] reverses the axes (the base holds the
transpose), ["neg"] reverses every axis, ["step"] takes every other element of every axis,
["bcast", shape] broadcasts to `shape`. `view` is whether NumPy returned a view of the
operand (null for 0-D results, where NumPy returns a scalar).
`{"out_of_bounds_view": true, "numpy_shape": [...]}` marks NumPy's view with elements into an
empty operand (`ii->i` on `(0, n)`, n > 0: it reads outside the operand's memory), where npdot
returns the collapsing-dimensions error for the zero-length occurrence against a length of
NumPy's shape instead (`... don't match (0 != n)`). NumPy's empty views of such operands
(`iij->ij` on `(0, 3, 0)`: shape `(3, 0)`) are ordinary cases.
"""
import numpy as np

DTYPES = ["float32", "float64", "complex64", "complex128", "int8", "int16", "int32", "int64",
          "intp", "uint8", "uint16", "uint32", "uint64", "uintp", "bool"]


def np_dtype(name):
    return {"intp": np.intp, "uintp": np.uintp}.get(name, name)


def random_values(rng, dtype, n):
    dt = np.dtype(np_dtype(dtype))
    if dt.kind == "f":
        return rng.standard_normal(n).astype(dt)
    if dt.kind == "c":
        return (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    if dt.kind == "b":
        return rng.random(n) < 0.5
    info = np.iinfo(dt)
    if rng.random() < 0.5:
        return rng.integers(-5 if info.min < 0 else 0, 6, n).astype(dt)
    return rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)


def make_operand(rng, dtype, shape, layout):
    """(base array, view ops, operand) for a target `shape` and `layout`."""
    shape = tuple(shape)
    if layout == "T":
        base_shape = shape[::-1]
        ops = [["T"]]
    elif layout == "step":
        base_shape = tuple(2 * d for d in shape)
        ops = [["step"]]
    elif layout == "bcast":
        base_shape = tuple(d if rng.random() < 0.5 else 1 for d in shape)
        ops = [["bcast", list(shape)]]
    elif layout == "neg":
        base_shape = shape
        ops = [["neg"]]
    else:
        base_shape = shape
        ops = []
    n = int(np.prod(base_shape, dtype=np.int64))
    base = random_values(rng, dtype, n).reshape(base_shape)
    return base, ops, apply_view(base, ops)


def apply_view(base, ops):
    v = base
    for op in ops:
        if op[0] == "T":
            v = v.T
        elif op[0] == "neg":
            v = v[(slice(None, None, -1),) * v.ndim]
        elif op[0] == "step":
            v = v[(slice(None, None, 2),) * v.ndim]
        elif op[0] == "bcast":
            v = np.broadcast_to(v, tuple(op[1]))
    return v


def summed_length(sub, views):
    """Product of the sizes of the letters summed away (the `k` of the tolerance)."""
    sub = sub.split("\x00")[0]
    if "->" in sub:
        ins, out = sub.split("->", 1)
    else:
        ins = sub
        letters = [c for c in sub if c.isalpha()]
        out = "".join(c for c in set(letters) if letters.count(c) == 1)
    size = {}
    for s, v in zip(ins.split(","), views):
        s = s.replace(" ", "")
        if "..." in s:
            pre, post = s.split("...")
            for i, c in enumerate(pre):
                size[c] = max(size.get(c, 1), v.shape[i])
            for i, c in enumerate(post):
                size[c] = max(size.get(c, 1), v.shape[v.ndim - len(post) + i])
        else:
            for i, c in enumerate(s):
                size[c] = max(size.get(c, 1), v.shape[i])
    k = 1
    for c, d in size.items():
        if c not in out:
            k *= d
    return k


def evaluate(sub, dtype, bases, view_ops):
    """The case dict, with NumPy's answer."""
    views = [apply_view(b, o) for b, o in zip(bases, view_ops)]
    case = {"sub": sub, "dtype": dtype,
            "ops": [{"shape": list(b.shape), "data": np.ascontiguousarray(b).tobytes().hex(),
                     "view": o} for b, o in zip(bases, view_ops)]}
    try:
        r = np.einsum(sub, *views, optimize=False)
    except Exception as e:  # noqa: BLE001 - every NumPy error is recorded with its text
        case["want"] = {"error": str(e)}
        return case
    r = np.asarray(r)
    if len(views) == 1 and r.base is not None and r.size > 0 and views[0].size == 0:
        # NumPy's single-operand view with a zero-length first occurrence of a repeated label
        # ("ii->i" on a (0, n) operand): n elements of an empty array. npdot reports the
        # mismatch of the collapsed dimensions instead.
        case["want"] = {"out_of_bounds_view": True, "numpy_shape": list(r.shape)}
        return case
    is_view = None if r.ndim == 0 else bool(r.base is not None)
    want = {"shape": list(r.shape), "data": np.ascontiguousarray(r).tobytes().hex(), "view": is_view}
    if np.dtype(np_dtype(dtype)).kind in "fc":
        absops = [np.abs(v).astype(np.float64) for v in views]
        bound = np.einsum(sub, *absops, optimize=False)
        want["bound"] = np.ascontiguousarray(bound, dtype=np.float64).tobytes().hex()
        want["k"] = summed_length(sub, views)
    case["want"] = want
    return case
