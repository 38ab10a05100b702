#!/usr/bin/env python3
"""Expected values for tests/products/numpy_ported.rs, computed with NumPy (pinned numpy==2.4.*).

NumPy's own tests in numpy/_core/tests/test_multiarray.py (TestDot, MatmulCommon, TestMatmul,
TestMatmulInplace, TestInner and the dot/matmul tests of TestMethods) compute some of their
expected values with NumPy itself, or draw random inputs. This script recomputes those inputs and
expected values with NumPy and rewrites the block between the `BEGIN GENERATED` / `END GENERATED`
markers at the end of tests/products/numpy_ported.rs. It never runs npdot.

Large results (the 1024x32 `dot(out=)`, the 10000-row sgemv cases, the 10^5-row in-place matmul)
are integer-valued, so they are summarised exactly by a digest:
`[sum(r), sum(r[i] * (i % 101 + 1)), r[0], r[-1]]` over the C-order flattening of `r`
(the Rust side computes the same digest of npdot's result, in i128).

Usage: /path/to/venv/bin/python scripts/numpy_ported_values.py   (then `cargo fmt`)
"""
import json
import pathlib
import re

import numpy as np

assert np.__version__.startswith("2.4"), np.__version__

OUT = []


def emit(s):
    OUT.append(s)


def f64s(a):
    return "[" + ", ".join(repr(float(x)) for x in np.ravel(a)) + "]"


def f32s(a):
    # the shortest repr of the float32 value, read back exactly by Rust's f32 parser
    return "[" + ", ".join(str(np.float32(x)) for x in np.ravel(a)) + "]"


def ints(a):
    return "[" + ", ".join(str(int(x)) for x in np.ravel(a)) + "]"


def bools(a):
    return "[" + ", ".join("true" if x else "false" for x in np.ravel(a)) + "]"


def shape(a):
    return "[" + ", ".join(str(d) for d in np.shape(a)) + "]"


def digest(r):
    flat = [int(x) for x in np.ravel(np.asarray(r))]
    assert np.all(np.ravel(r) == np.array(flat, dtype=float)), "digest needs integer values"
    s = sum(flat)
    w = sum(x * (i % 101 + 1) for i, x in enumerate(flat))
    return f"[{s}, {w}, {flat[0]}, {flat[-1]}]"


# --- TestDot: random data of _create_data (RandomState(128)) and test_dotvecscalar{,2} --------
rng = np.random.RandomState(128)
A = rng.random((4, 2))
b1 = rng.random((2, 1))
b2 = rng.random(2)
b3 = rng.random((1, 2))
b4 = rng.random(4)
emit("/// `TestDot._create_data`: `RandomState(128)`: A (4,2), b1 (2,1), b2 (2,), b3 (1,2), b4 (4,).")
emit(f"pub const DOT_A: [f64; 8] = {f64s(A)};")
emit(f"pub const DOT_B1: [f64; 2] = {f64s(b1)};")
emit(f"pub const DOT_B2: [f64; 2] = {f64s(b2)};")
emit(f"pub const DOT_B3: [f64; 2] = {f64s(b3)};")
emit(f"pub const DOT_B4: [f64; 4] = {f64s(b4)};")
rng = np.random.RandomState(100)
v1 = rng.random((1, 1))
v2 = rng.random((1, 4))
emit("/// `TestDot.test_dotvecscalar`: `RandomState(100)`: b1 (1,1), b2 (1,4).")
emit(f"pub const VECSCALAR_B1: [f64; 1] = {f64s(v1)};")
emit(f"pub const VECSCALAR_B2: [f64; 4] = {f64s(v2)};")
rng = np.random.RandomState(100)
v1 = rng.random((4, 1))
v2 = rng.random((1, 1))
emit("/// `TestDot.test_dotvecscalar2`: `RandomState(100)`: b1 (4,1), b2 (1,1).")
emit(f"pub const VECSCALAR2_B1: [f64; 4] = {f64s(v1)};")
emit(f"pub const VECSCALAR2_B2: [f64; 1] = {f64s(v2)};")

# --- TestDot.test_dot_3args: integer-valued data instead of np.random.seed(22) ----------------
i, j = np.indices((1024, 16))
f = ((7 * i + 3 * j) % 11 - 5).astype(float)
j, k = np.indices((16, 32))
v = ((5 * j + k) % 13 - 6).astype(float)
emit("/// `TestDot.test_dot_3args`: digests of `dot(f, v)` (1024,32) and `dot(f, v[:, 0])` (1024,),")
emit("/// `f[i, j] = (7i + 3j) % 11 - 5`, `v[j, k] = (5j + k) % 13 - 6`.")
emit(f"pub const DOT3_MAT: [i128; 4] = {digest(np.dot(f, v))};")
emit(f"pub const DOT3_VEC: [i128; 4] = {digest(np.dot(f, v[:, 0].copy()))};")

# --- TestDot.test_accelerate_framework_sgemv_fix: integer-valued data ------------------------
emit("/// `TestDot.test_accelerate_framework_sgemv_fix`: digests of the float64 `desired` for")
emit("/// m = 10000, n in (200, 89): `A[i, j] = (7i + 13j) % 17 - 8`, `X[j] = 5j % 11 - 5`;")
emit("/// order: full, `A[::2]·X`, `A[::2, ::2]·X[::2]`, `A[:, ::2]·X[::2]`.")
for n in (200, 89):
    i, j = np.indices((10000, n))
    Ad = ((7 * i + 13 * j) % 17 - 8).astype(float)
    Xd = ((5 * np.arange(n)) % 11 - 5).astype(float)
    ds = [np.dot(Ad, Xd), np.dot(Ad[::2], Xd), np.dot(Ad[::2, ::2], Xd[::2]),
          np.dot(Ad[:, ::2], Xd[::2])]
    emit(f"pub const SGEMV_{n}: [[i128; 4]; 4] = [{', '.join(digest(d) for d in ds)}];")

# --- TestMatmul.test_dot_equivalent ----------------------------------------------------------
m1 = np.arange(15.).reshape(5, 3)
m2 = np.arange(21.).reshape(3, 7)
m3 = np.arange(30.).reshape(5, 6)[:, ::2]
vc = np.arange(10.)
vr = np.arange(6.)
m0 = np.zeros((3, 0))
cases = [
    ("m1", "m2"), ("m2.T", "m1.T"), ("m2.T.copy()", "m1.T"), ("m2.T", "m1.T.copy()"),
    ("m1", "m1.T"), ("m1.T", "m1"), ("m1", "m3.T"), ("m3", "m1.T"),
    ("m3", "m3.T"), ("m3.T", "m3"),
    ("m3", "m2"), ("m2.T", "m3.T"), ("m2.T.copy()", "m3.T"),
    ("m1", "vr[:3]"), ("vc[:5]", "m1"), ("m1.T", "vc[:5]"), ("vr[:3]", "m1.T"),
    ("m1", "vr[::2]"), ("vc[::2]", "m1"), ("m1.T", "vc[::2]"), ("vr[::2]", "m1.T"),
    ("m3", "vr[:3]"), ("vc[:5]", "m3"), ("m3.T", "vc[:5]"), ("vr[:3]", "m3.T"),
    ("m3", "vr[::2]"), ("vc[::2]", "m3"), ("m3.T", "vc[::2]"), ("vr[::2]", "m3.T"),
    ("m0", "m0.T"), ("m0.T", "m0"), ("m1", "m0"), ("m0.T", "m1.T"),
]
ns = dict(m1=m1, m2=m2, m3=m3, vc=vc, vr=vr, m0=m0)
emit("/// `TestMatmul.test_dot_equivalent`: (a, b, shape of `matmul(a, b)`, its values), each")
emit("/// also equal to `dot(a, b)` in NumPy.")
emit("pub const DOT_EQUIVALENT: &[(&str, &str, &[usize], &[f64])] = &[")
for sa, sb in cases:
    a, b = eval(sa, ns), eval(sb, ns)
    r1 = np.matmul(a, b)
    assert np.array_equal(r1, np.dot(a, b))
    emit(f'    ("{sa}", "{sb}", &{shape(r1)}, &{f64s(r1)}),')
emit("];")

# --- TestMatmul.test_dot_equivalent_matrix_matrix_blastypes ---------------------------------
emit("/// `TestMatmul.test_dot_equivalent_matrix_matrix_blastypes`: `dot(m1, m2)` (5,7), real, and")
emit("/// with `1j` added to both operands (re, im).")
emit(f"pub const BLASTYPES_REAL: [f64; 35] = {f64s(np.dot(m1, m2))};")
c = np.dot(m1 + 1j, m2 + 1j)
emit(f"pub const BLASTYPES_COMPLEX_RE: [f64; 35] = {f64s(c.real)};")
emit(f"pub const BLASTYPES_COMPLEX_IM: [f64; 35] = {f64s(c.imag)};")

# --- TestMatmul.test_matmul_bool --------------------------------------------------------------
rg = np.random.default_rng(np.random.PCG64(43))
d = rg.integers(2, size=4 * 5, dtype=np.int8)
d = d.reshape(4, 5) > 0
out1 = np.matmul(d, d.reshape(5, 4))
assert np.array_equal(out1, np.dot(d, d.reshape(5, 4)))
emit("/// `TestMatmul.test_matmul_bool`: `d` (4,5) from `default_rng(PCG64(43))`, and")
emit("/// `matmul(d, d.reshape(5, 4))` (4,4).")
emit(f"pub const MATMUL_BOOL_D: [bool; 20] = {bools(d)};")
emit(f"pub const MATMUL_BOOL_OUT: [bool; 16] = {bools(out1)};")
a = np.array([[1, 0], [1, 1]], dtype=bool)
emit(f"pub const MATMUL_BOOL_AA: [bool; 4] = {bools(np.matmul(a, a))};")

# --- test_matmul_axes -------------------------------------------------------------------------
a = np.arange(3 * 4 * 5).reshape(3, 4, 5)
c = np.matmul(a, a, axes=[(-2, -1), (-1, -2), (1, 2)])
dd = np.matmul(a, a, axes=[(-2, -1), (-1, -2), (0, 1)])
assert np.array_equal(np.swapaxes(dd, 0, 2), c)
ff = np.matmul(a, np.arange(3), axes=[(1, 0), (0), (0)])
emit("/// `test_matmul_axes`: `c` (3,4,4) and `f` (4,5).")
emit(f"pub const MATMUL_AXES_C: [i64; 48] = {ints(c)};")
emit(f"pub const MATMUL_AXES_F: [i64; 20] = {ints(ff)};")

# --- TestMatmulInplace.test_shapes --------------------------------------------------------------
SHAPES = {
    "2d_large": ((10**5, 10), (10, 10)),
    "3d_large": ((10**4, 10, 10), (1, 10, 10)),
    "1d": ((3,), (3,)),
    "2d_1d": ((3, 3), (3,)),
    "1d_2d": ((3,), (3, 3)),
    "2d_broadcast": ((3, 3), (3, 1)),
    "2d_broadcast_reverse": ((1, 3), (3, 3)),
    "3d_broadcast1": ((3, 3, 3), (1, 3, 1)),
    "3d_broadcast2": ((3, 3, 3), (1, 3, 3)),
    "3d_broadcast3": ((3, 3, 3), (3, 3, 1)),
    "3d_broadcast_reverse1": ((1, 3, 3), (3, 3, 3)),
    "3d_broadcast_reverse2": ((3, 1, 3), (3, 3, 3)),
    "3d_broadcast_reverse3": ((1, 1, 3), (3, 3, 3)),
}
emit("/// `TestMatmulInplace.test_shapes`, as `np.matmul(a, b, out=<array shaped like a>)`:")
emit("/// (name, a shape, b shape, Ok(digest of out) or Err(NumPy's message)).")
emit("pub type InplaceCase = (&'static str, &'static [usize], &'static [usize], Result<[i128; 4], &'static str>);")
emit("pub const INPLACE_SHAPES: &[InplaceCase] = &[")
for name, (sa, sb) in SHAPES.items():
    a = np.arange(np.prod(sa)).reshape(sa).astype(np.float64)
    b = np.arange(np.prod(sb)).reshape(sb).astype(np.float64)
    out = np.full(sa, -1.0)
    try:
        np.matmul(a, b, out=out)
        res = f"Ok({digest(out)})"
    except ValueError as e:
        res = f"Err({json.dumps(str(e))})"
    emit(f'    ("{name}", &{list(sa)}, &{list(sb)}, {res}),')
emit("];")

# --- TestMethods.test_dot_out_mem_overlap -----------------------------------------------------
np.random.seed(1)
a = np.random.rand(3, 3)
b = np.random.rand(3, 3)
emit("/// `TestMethods.test_dot_out_mem_overlap`: `a`, `b` from `np.random.seed(1); rand(3, 3)`")
emit("/// twice, and `dot(a, b)` in float64 and float32.")
emit(f"pub const OVERLAP_A: [f64; 9] = {f64s(a)};")
emit(f"pub const OVERLAP_B: [f64; 9] = {f64s(b)};")
emit(f"pub const OVERLAP_F64: [f64; 9] = {f64s(np.dot(a, b))};")
emit(f"pub const OVERLAP_F32: [f32; 9] = {f32s(np.dot(a.astype(np.float32), b.astype(np.float32)))};")

# --- TestMethods.test_matmul_out ---------------------------------------------------------------
a = np.arange(18).reshape(2, 3, 3)
emit("/// `TestMethods.test_matmul_out`: `matmul(a, a)`, `a = arange(18).reshape(2, 3, 3)`.")
emit(f"pub const MATMUL_OUT: [i64; 18] = {ints(np.matmul(a, a))};")

# --- TestMethods.test_arr_mult: the stride/view cases -----------------------------------------
d = np.arange(24).reshape(4, 6)
views = [
    ("d[::-1, :]", "d.T"), ("d[:, ::-1]", "d.T"), ("d", "d[::-1, :].T"), ("d", "d[:, ::-1].T"),
    ("d[:2, :]", "d[::2, :].T"), ("d[::2, :]", "d[:2, :].T"),
]
emit("/// `TestMethods.test_arr_mult`: (a, b, shape, `a @ b`) for the view cases on")
emit("/// `d = arange(24).reshape(4, 6)` (the same for `dot` and `matmul`).")
emit("pub const ARR_MULT_VIEWS: &[(&str, &str, &[usize], &[i64])] = &[")
for sa, sb in views:
    x, y = eval(sa, dict(d=d)), eval(sb, dict(d=d))
    r = np.dot(x, y)
    assert np.array_equal(r, np.matmul(x, y))
    emit(f'    ("{sa}", "{sb}", &{shape(r)}, &{ints(r)}),')
emit("];")

# --- TestMethods.test_no_dgemv -----------------------------------------------------------------
a = np.arange(8.0).reshape(2, 4)
b = np.broadcast_to(1., (4, 1))
emit("/// `TestMethods.test_no_dgemv`: `a @ b` and `b.T @ a.T` for `a = arange(8.).reshape(2, 4)`,")
emit("/// `b = broadcast_to(1., (4, 1))`.")
emit(f"pub const NO_DGEMV_AB: [f64; 2] = {f64s(np.dot(a, b))};")
emit(f"pub const NO_DGEMV_BTAT: [f64; 2] = {f64s(np.dot(b.T, a.T))};")

# ----------------------------------------------------------------------------------------------
path = pathlib.Path(__file__).resolve().parent.parent / "tests" / "products" / "numpy_ported.rs"
text = path.read_text()
begin = "// BEGIN GENERATED by scripts/numpy_ported_values.py"
end = "// END GENERATED"
body = "\n".join(OUT)
new, n = re.subn(re.escape(begin) + r".*?" + re.escape(end),
                 lambda _: f"{begin}\n{body}\n{end}", text, flags=re.S)
assert n == 1, "markers not found"
path.write_text(new)
print(f"wrote {len(OUT)} lines into {path}")
