"""Ports NumPy's own einsum tests (numpy/_core/tests/test_einsum.py, class TestEinsum) as data:
runs them under pytest with `np.einsum` wrapped, and records every call the wrapper sees that
npdot's `einsum` can express, with NumPy's answer (`optimize=False`, the C implementation), into
tests/fixtures/einsum/numpy_ported.json (format in einsum_cases.py, plus "test": the NumPy
test's name), replayed by tests/products/numpy_ported_einsum.rs.

    PYTHONPATH=<dir with pytest> /path/to/python-with-numpy-2.4 scripts/numpy_ported_einsum.py

A call is recorded when its first argument is a subscripts string, every operand converts to
an array of one of npdot's dtypes, all operands share that dtype, and it passes neither
`dtype=` nor `casting=`. `out=` of the operands' dtype is dropped (the values are the same; the
call is ported without it), `order=` only changes the result's memory layout and `optimize=`
only the path: both are dropped. Everything else is counted as skipped, per reason.
Operands are recorded C-contiguous (their values, not their strides); an expression that a
NumPy test repeats over many sizes is recorded for its first four.
"""
import collections
import json
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from einsum_cases import DTYPES, np_dtype  # noqa: E402

assert np.__version__.startswith("2.4"), np.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "einsum",
                   "numpy_ported.json")
REAL = np.einsum
CASES = []
SEEN = set()
SKIPPED = collections.Counter()
PER_GROUP = collections.Counter()
MAX_PER_GROUP = 4
NAMES = {np.dtype(np_dtype(d)).str: d for d in DTYPES if d not in ("intp", "uintp")}


def test_name():
    cur = os.environ.get("PYTEST_CURRENT_TEST", "?")
    name = cur.split("::", 1)[1].split(" ")[0]
    return name.split("[")[0]


def record(args, kwargs):
    if not args or not isinstance(args[0], str):
        SKIPPED["sublist format or no subscripts"] += 1
        return
    out = kwargs.get("out")
    bad = [k for k in ("dtype", "casting") if k in kwargs]
    if bad:
        SKIPPED["uses " + "/".join(bad) + "="] += 1
        return
    sub = args[0]
    try:
        ops = [np.asarray(o) for o in args[1:]]
    except Exception:  # noqa: BLE001
        SKIPPED["operand not an array"] += 1
        return
    dts = {o.dtype.str for o in ops}
    if len(dts) > 1:
        SKIPPED["mixed dtypes"] += 1
        return
    if out is not None and dts and {np.asarray(out).dtype.str} != dts:
        SKIPPED["out= of another dtype"] += 1
        return
    dtype = NAMES.get(dts.pop()) if dts else "float64"
    if dtype is None:
        SKIPPED["dtype without a Rust type (object, float16, longdouble, ...)"] += 1
        return
    if sum(o.size for o in ops) > 20_000:
        SKIPPED["operands too large for a fixture file"] += 1
        return
    ops = [np.ascontiguousarray(o) for o in ops]
    key = (test_name(), sub, dtype, tuple(o.shape for o in ops),
           tuple(o.tobytes() for o in ops))
    if key in SEEN:
        return
    SEEN.add(key)
    # NumPy's loops repeat one expression over many sizes: keep the first few of each.
    group = (test_name(), sub, dtype)
    PER_GROUP[group] += 1
    if PER_GROUP[group] > MAX_PER_GROUP:
        SKIPPED["more sizes of an expression already recorded 4 times"] += 1
        return
    from einsum_cases import evaluate
    case = evaluate(sub, dtype, ops, [[] for _ in ops])
    case["test"] = test_name()
    CASES.append(case)


def wrapper(*args, **kwargs):
    try:
        record(args, kwargs)
    except Exception as e:  # noqa: BLE001
        SKIPPED["recording failed: " + type(e).__name__] += 1
    return REAL(*args, **kwargs)


class Plugin:
    def pytest_configure(self, config):
        np.einsum = wrapper
        np._core.einsumfunc.einsum = wrapper


def main():
    tests = os.path.join(os.path.dirname(np.__file__), "_core", "tests", "test_einsum.py")
    np.einsum = wrapper
    np.random.seed(0)
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "--noconftest", tests + "::TestEinsum"], plugins=[Plugin()])
    print("pytest exit", rc, file=sys.stderr)
    with open(OUT, "w") as f:
        json.dump(CASES, f, separators=(",", ":"))
    per_test = collections.Counter(c["test"] for c in CASES)
    for t, n in sorted(per_test.items()):
        print(f"{t}: {n}", file=sys.stderr)
    for why, n in SKIPPED.most_common():
        print(f"skipped {n}: {why}", file=sys.stderr)
    print(len(CASES), "cases", file=sys.stderr)


if __name__ == "__main__":
    main()
