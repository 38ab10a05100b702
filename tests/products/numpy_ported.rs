//! NumPy's own tests for `dot`, `inner` and `matmul`, ported as data.
//!
//! Source: `numpy/_core/tests/test_multiarray.py` (numpy/numpy at 1f90bbb5, checked against numpy 2.4.6):
//! classes `TestDot`, `MatmulCommon` (run by `TestMatmul` and `TestMatmulOperator`),
//! `TestMatmul`, `TestMatmulInplace`, `TestInner`, the module-level `test_matmul_axes`, and the
//! `dot`/`matmul` tests of `TestMethods` and `TestWritebackIfCopy`. One Rust test per NumPy test,
//! in a module named after the NumPy class; each cites `Class::method`. The cases and expected
//! values are NumPy's. Where NumPy computes an expected value (or draws random inputs) in the
//! test, the numbers were computed with numpy 2.4.6 by `scripts/numpy_ported_values.py` and sit in
//! the generated block at the end of this file; no expected value is computed with npdot. Where
//! NumPy only checks that `ValueError` is raised, the exact numpy 2.4.6 message is asserted.
//! NumPy's dtype loops run over every Rust element type NumPy's list maps to (`bool`, the ten
//! integers, `f32`, `f64`, `Complex<f32>`, `Complex<f64>`).
//!
//! Not applicable (nothing of them is ported):
//! - `TestDot::test_vecobject`: object dtype (arrays of Python objects with `__add__`/`__mul__`).
//! - `TestDot::test_dot_out_aliasing`: checks the returned array *is* `out` (Python object identity); `dot_into` writes into the caller's `out` and returns `()`.
//! - `TestDot::test_dtype_discovery_fails`: the `__array__` protocol raising `TypeError`.
//! - `TestMatmul::test_matmul_object`, `test_matmul_object_type_scalar`: object dtype (`fractions.Fraction`).
//! - `TestMatmul::test_matmul_exception_multiply`, `test_matmul_exception_add`: object dtype without `__mul__`/`__add__`.
//! - `TestMatmulOperator::test_array_priority_override`: `__array_priority__` / `__rmatmul__` dispatch.
//! - `TestMatmulOperator::test_matmul_raises`: `TypeError` for NumPy scalars (`np.int8(5) @ np.int8(5)`) and `np.void`; Rust has neither (0-D arrays are covered by `test_exceptions`).
//! - `TestInner::test_inner_type_mismatch`, `TestMethods::test_dot_type_mismatch`: structured dtype `'i,i'` against a float.
//! - `TestMethods::test_dot_object_unsupported_multiply`: object dtype (`timedelta64` objects).
//! - `TestMethods::test_dot_matmul_inner_array_casting_fails`: the `__array__` protocol raising.
//! - `TestVdot::*`: `vdot` is not part of npdot.
//!
//! Ported in part (the rest of the test is ported; the reason the part cannot apply):
//! - every dtype loop: `float16` (`e`), `longdouble` (`g`), `clongdouble` (`G`) and object (`O`) have no Rust element type.
//! - `TestDot::test_dot_3args`: refcount checks (Python); `np.random.seed(22)` data replaced by integer-valued data so that NumPy's result can be embedded exactly as a digest.
//! - `TestDot::test_dot_3args_errors`: `float32` and `int` `out` for a float64 product: mixed dtypes (Rust's type system rejects them at compile time).
//! - `TestDot::test_dot_has_native_byteorder`: byte order (`>f8`) does not exist for Rust arrays; the shape case (`(3,)·(3,0)`) is ported.
//! - `TestDot::test_accelerate_framework_sgemv_fix`: misaligned `float32` buffers (align 15) are UB in Rust; the strided/ordered gemv cases are ported with integer-valued data.
//! - `TestDot::test_huge_vectordot`: 2^30 + 100 elements (8-18 GB); the chunking is exercised by lowering `npdot::tuning::set_blas_dim_limit` instead.
//! - `TestMatmul::test_out_arg`: `out` of another dtype (`int32` must raise `TypeError`, `complex128` upcasts): mixed dtypes.
//! - `TestMatmul::test_matmul_empty`: object dtype; the `(3,0) @ (0,3)` case is ported with every numeric dtype.
//! - `TestMatmul::test_matmul_bool`: inspecting the bool bytes via `view(np.uint8)` (a Rust `bool` is always 0 or 1); the values are ported.
//! - `TestMatmulInplace::test_basic`: pairs of different dtypes (mixed promotion); the same-dtype pairs are ported, `a @= b` as `matmul_into(&a.clone(), &b, &mut a)` (`out` cannot alias an input in Rust).
//! - `TestMatmulInplace::test_shapes`: `a @= b` is ported as `np.matmul(a, b, out=a)`; the operator's own check (`inplace matrix multiplication requires the first operand to have at least one and the second at least two dimensions.`, shapes `1d` and `2d_1d`) is Python's `@=`, not matmul; for those two shapes `np.matmul(out=)` succeeds by broadcasting the result into `out`, and that is what is asserted.
//! - `test_matmul_axes`: npdot has no `axes=` argument; the same products are expressed with permuted input views and a permuted `out` view.
//! - `TestMethods::test_dot_errstate`: `np.errstate(invalid='raise')` / `FloatingPointError` (Rust has no floating-point exception state); the NaN results are ported.
//! - `TestMethods::test_dot_out_mem_overlap`, `test_matmul_out`, `TestWritebackIfCopy::test_dot_out`: `out` aliasing an input is forbidden by Rust's borrow rules; ported with a separate `out` (including the reversed `out` view and the invalid `out` views).
//! - `TestMethods::test_dot_matmul_out`: `np.ndarray` subclasses; ported as inputs and `out` of different ndarray storage types.
//! - `TestMethods::test_no_dgemv`: the misaligned buffer (UB in Rust); the same values with aligned data are ported.

use std::fmt::Debug;

use ndarray::{
    Array1, Array2, ArrayD, ArrayView1, ArrayView2, ArrayViewD, Axis, IxDyn, ShapeBuilder,
    SliceInfoElem, arr0, array, s,
};
use npdot::prelude::*;
use num_complex::Complex;

// ---------------------------------------------------------------------------------------------
// Helpers

/// NumPy's `astype` from int64 / float64 for each element type.
trait Elem: Element {
    /// `np.array(x, dtype=np.int64).astype(T)`: integers wrap, `bool` is `x != 0`.
    fn from_i64(x: i64) -> Self;
    /// `np.array(x, dtype=np.float64).astype(T)`: integers truncate toward zero, `bool` is `x != 0`.
    fn from_f64(x: f64) -> Self;
    /// `self == want`, or for floats `|self - want| <= rtol * |want|` (per part for complex).
    fn approx_eq(self, want: Self, _rtol: f64) -> bool {
        self == want
    }
}

macro_rules! int_elem {
    ($($t:ty),*) => {$(
        impl Elem for $t {
            fn from_i64(x: i64) -> Self {
                x as i128 as $t
            }
            fn from_f64(x: f64) -> Self {
                x as i128 as $t
            }
        }
    )*};
}
int_elem!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Elem for bool {
    fn from_i64(x: i64) -> Self {
        x != 0
    }
    fn from_f64(x: f64) -> Self {
        x != 0.0
    }
}
impl Elem for f32 {
    fn from_i64(x: i64) -> Self {
        x as f32
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn approx_eq(self, want: Self, rtol: f64) -> bool {
        f64::from(self).approx_eq(f64::from(want), rtol)
    }
}
impl Elem for f64 {
    fn from_i64(x: i64) -> Self {
        x as f64
    }
    fn from_f64(x: f64) -> Self {
        x
    }
    fn approx_eq(self, want: Self, rtol: f64) -> bool {
        self == want || (self - want).abs() <= rtol * want.abs()
    }
}
impl Elem for Complex<f32> {
    fn from_i64(x: i64) -> Self {
        Complex::new(x as f32, 0.0)
    }
    fn from_f64(x: f64) -> Self {
        Complex::new(x as f32, 0.0)
    }
    fn approx_eq(self, want: Self, rtol: f64) -> bool {
        self.re.approx_eq(want.re, rtol) && self.im.approx_eq(want.im, rtol)
    }
}
impl Elem for Complex<f64> {
    fn from_i64(x: i64) -> Self {
        Complex::new(x as f64, 0.0)
    }
    fn from_f64(x: f64) -> Self {
        Complex::new(x, 0.0)
    }
    fn approx_eq(self, want: Self, rtol: f64) -> bool {
        self.re.approx_eq(want.re, rtol) && self.im.approx_eq(want.im, rtol)
    }
}

/// The BLAS types (`'fdFD'`): `re + im*1j` (the imaginary part is dropped for real types).
trait BlasElem: Elem {
    fn cplx(re: f64, im: f64) -> Self;
}
impl BlasElem for f32 {
    fn cplx(re: f64, _: f64) -> Self {
        re as f32
    }
}
impl BlasElem for f64 {
    fn cplx(re: f64, _: f64) -> Self {
        re
    }
}
impl BlasElem for Complex<f32> {
    fn cplx(re: f64, im: f64) -> Self {
        Complex::new(re as f32, im as f32)
    }
}
impl BlasElem for Complex<f64> {
    fn cplx(re: f64, im: f64) -> Self {
        Complex::new(re, im)
    }
}

/// NumPy's `MatmulCommon.types[1:]` and `typecodes['AllInteger'] + typecodes['AllFloat']`, as
/// far as Rust has them.
macro_rules! for_numeric_types {
    ($f:ident) => {
        $f::<i8>();
        $f::<i16>();
        $f::<i32>();
        $f::<i64>();
        $f::<isize>();
        $f::<u8>();
        $f::<u16>();
        $f::<u32>();
        $f::<u64>();
        $f::<usize>();
        $f::<f32>();
        $f::<f64>();
        $f::<Complex<f32>>();
        $f::<Complex<f64>>();
    };
}

/// The numeric types and `bool` (`'?'`).
macro_rules! for_all_types {
    ($f:ident) => {
        for_numeric_types!($f);
        $f::<bool>();
    };
}

/// `[np.float32, np.float64, np.complex64, np.complex128]`.
macro_rules! for_blas_types {
    ($f:ident) => {
        $f::<f32>();
        $f::<f64>();
        $f::<Complex<f32>>();
        $f::<Complex<f64>>();
    };
}

/// An array of the given shape from int64 values (`np.array(data).reshape(shape).astype(T)`).
fn arr<T: Elem>(shape: &[usize], data: &[i64]) -> ArrayD<T> {
    let v = data.iter().map(|&x| T::from_i64(x)).collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

/// An array of the given shape from float64 values.
fn farr<T: Elem>(shape: &[usize], data: &[f64]) -> ArrayD<T> {
    let v = data.iter().map(|&x| T::from_f64(x)).collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

/// `np.arange(prod(shape)).reshape(shape).astype(T)`.
fn arange<T: Elem>(shape: &[usize]) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    let v = (0..n as i64).map(T::from_i64).collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

/// `np.ones(shape, dtype=T)`.
fn ones<T: Elem>(shape: &[usize]) -> ArrayD<T> {
    ArrayD::from_elem(IxDyn(shape), T::from_i64(1))
}

/// `np.zeros(shape, dtype=T)`.
fn zeros<T: Elem>(shape: &[usize]) -> ArrayD<T> {
    ArrayD::from_elem(IxDyn(shape), T::zero())
}

/// The same values in Fortran order (`np.array(..., order='F')`).
fn fortran<T: Elem>(a: &ArrayD<T>) -> ArrayD<T> {
    let mut f = ArrayD::from_elem(IxDyn(a.shape()).f(), T::zero());
    f.assign(a);
    f
}

/// `a.copy()`: a C-ordered copy.
fn c_copy<T: Elem>(a: &ArrayD<T>) -> ArrayD<T> {
    a.as_standard_layout().into_owned()
}

/// NumPy's `assert_equal(got, want)` with `want` given as shape and C-order values (exact).
#[track_caller]
fn assert_array<T: Element>(got: &ArrayD<T>, shape: &[usize], want: &[T], what: &str) {
    assert_eq!(got.shape(), shape, "{what}: shape");
    let got: Vec<T> = got.iter().copied().collect();
    assert_eq!(got, want, "{what}: values ({})", T::DTYPE);
}

/// `assert_array` for values given as int64, cast with `astype(T)`.
#[track_caller]
fn assert_ints<T: Elem>(got: &ArrayD<T>, shape: &[usize], want: &[i64], what: &str) {
    let want: Vec<T> = want.iter().map(|&x| T::from_i64(x)).collect();
    assert_array(got, shape, &want, what);
}

/// NumPy's `assert_almost_equal(got, want, decimal)`: `|got - want| < 1.5 * 10**-decimal`.
#[track_caller]
fn assert_almost_equal(got: &ArrayD<f64>, shape: &[usize], want: &[f64], decimal: i32, what: &str) {
    assert_eq!(got.shape(), shape, "{what}: shape");
    let tol = 1.5 * 10f64.powi(-decimal);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() < tol,
            "{what}: element {i}: got {g}, want {w} (decimal={decimal})"
        );
    }
    assert_eq!(got.len(), want.len(), "{what}: length");
}

/// The exact numpy 2.4.6 `ValueError` text.
#[track_caller]
fn assert_err<T: Debug>(r: Result<T, Error>, msg: &str, what: &str) {
    match r {
        Ok(v) => panic!("{what}: expected error {msg:?}, got Ok({v:?})"),
        Err(e) => assert_eq!(e.to_string(), msg, "{what}"),
    }
}

/// Exact digest of an integer-valued result, as `scripts/numpy_ported_values.py` computes it:
/// `[sum(r), sum(r[i] * (i % 101 + 1)), r[0], r[-1]]` over the C-order flattening.
fn digest<T: Copy + Into<f64>, D: ndarray::Dimension>(a: &ndarray::Array<T, D>) -> [i128; 4] {
    let vals: Vec<i128> = a
        .iter()
        .map(|&x| {
            let f: f64 = x.into();
            assert_eq!(f.fract(), 0.0, "digest of a non-integer value {f}");
            f as i128
        })
        .collect();
    let sum = vals.iter().sum();
    let weighted = vals
        .iter()
        .enumerate()
        .map(|(i, &x)| x * (i as i128 % 101 + 1))
        .sum();
    [sum, weighted, vals[0], *vals.last().unwrap()]
}

/// Evaluates the NumPy view expressions of the test tables (`m2.T.copy()`, `vr[::2]`,
/// `d[::-1, :].T`) on owned arrays, keeping NumPy's memory layout: `.T` reverses the axes
/// without copying, `.copy()` makes a C-ordered copy, `[...]` slices in place (missing
/// trailing indices are `:`).
fn eval_view<T: Element>(expr: &str, base: impl Fn(&str) -> ArrayD<T>) -> ArrayD<T> {
    let name_end = expr.find(['.', '[']).unwrap_or(expr.len());
    let mut a = base(&expr[..name_end]);
    let mut rest = &expr[name_end..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(".T") {
            a = a.reversed_axes();
            rest = r;
        } else if let Some(r) = rest.strip_prefix(".copy()") {
            a = a.as_standard_layout().into_owned();
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').expect("unclosed [");
            let mut elems: Vec<SliceInfoElem> = r[..close].split(',').map(parse_slice).collect();
            elems.resize(a.ndim(), SliceInfoElem::from(..));
            a.slice_collapse(elems.as_slice());
            rest = &r[close + 1..];
        } else {
            panic!("cannot evaluate {expr:?} at {rest:?}");
        }
    }
    a
}

/// One Python slice `start:stop:step` (negative steps only over a whole axis, where Python's
/// and ndarray's meanings agree).
fn parse_slice(s: &str) -> SliceInfoElem {
    let parts: Vec<&str> = s.trim().split(':').map(str::trim).collect();
    assert!((2..=3).contains(&parts.len()), "not a slice: {s:?}");
    let num = |p: &str| (!p.is_empty()).then(|| p.parse::<isize>().unwrap());
    let step = parts.get(2).and_then(|p| num(p)).unwrap_or(1);
    assert!(
        step > 0 || (parts[0].is_empty() && parts[1].is_empty()),
        "unsupported slice {s:?}"
    );
    SliceInfoElem::Slice {
        start: num(parts[0]).unwrap_or(0),
        end: num(parts[1]),
        step,
    }
}

type ViewFn<T> = fn(&ArrayViewD<'_, T>, &ArrayViewD<'_, T>) -> Result<ArrayD<T>, Error>;

fn dot_fn<T: Element>(a: &ArrayViewD<'_, T>, b: &ArrayViewD<'_, T>) -> Result<ArrayD<T>, Error> {
    npdot::dot(a, b)
}

fn matmul_fn<T: Element>(a: &ArrayViewD<'_, T>, b: &ArrayViewD<'_, T>) -> Result<ArrayD<T>, Error> {
    npdot::matmul(a, b)
}

/// `@pytest.mark.parametrize('func', (np.dot, np.matmul))`.
fn dot_and_matmul<T: Element>() -> [(&'static str, ViewFn<T>); 2] {
    [("dot", dot_fn::<T>), ("matmul", matmul_fn::<T>)]
}

// ---------------------------------------------------------------------------------------------

mod test_dot {
    //! `TestDot`.
    use super::values::*;
    use super::*;

    /// `TestDot.N`: the `decimal` of `assert_almost_equal`.
    const N: i32 = 7;

    /// `TestDot._create_data`: A (4,2), b1 (2,1), b2 (2,), b3 (1,2), b4 (4,).
    fn create_data() -> [ArrayD<f64>; 5] {
        [
            farr(&[4, 2], &DOT_A),
            farr(&[2, 1], &DOT_B1),
            farr(&[2], &DOT_B2),
            farr(&[1, 2], &DOT_B3),
            farr(&[4], &DOT_B4),
        ]
    }

    /// `TestDot::test_dotmatmat`
    #[test]
    fn test_dotmatmat() {
        let [a, ..] = create_data();
        let res = npdot::dot(&a.t(), &a).unwrap();
        let tgt = [1.45046013, 0.86323640, 0.86323640, 0.84934569];
        assert_almost_equal(&res, &[2, 2], &tgt, N, "dot(A.T, A)");
    }

    /// `TestDot::test_dotmatvec`
    #[test]
    fn test_dotmatvec() {
        let [a, b1, ..] = create_data();
        let res = a.dot(&b1).unwrap();
        let tgt = [0.32114320, 0.04889721, 0.15696029, 0.33612621];
        assert_almost_equal(&res, &[4, 1], &tgt, N, "dot(A, b1)");
    }

    /// `TestDot::test_dotmatvec2`
    #[test]
    fn test_dotmatvec2() {
        let [a, _, b2, ..] = create_data();
        let res = a.dot(&b2).unwrap();
        let tgt = [0.29677940, 0.04518649, 0.14468333, 0.31039293];
        assert_almost_equal(&res, &[4], &tgt, N, "dot(A, b2)");
    }

    /// `TestDot::test_dotvecmat`
    #[test]
    fn test_dotvecmat() {
        let [a, _, _, _, b4] = create_data();
        let res = b4.dot(&a).unwrap();
        assert_almost_equal(&res, &[2], &[1.23495091, 1.12222648], N, "dot(b4, A)");
    }

    /// `TestDot::test_dotvecmat2`
    #[test]
    fn test_dotvecmat2() {
        let [a, _, _, b3, _] = create_data();
        let res = b3.dot(&a.t()).unwrap();
        let tgt = [0.58793804, 0.08957460, 0.30605758, 0.62716383];
        assert_almost_equal(&res, &[1, 4], &tgt, N, "dot(b3, A.T)");
    }

    /// `TestDot::test_dotvecmat3`
    #[test]
    fn test_dotvecmat3() {
        let [a, _, _, _, b4] = create_data();
        let res = a.t().dot(&b4).unwrap();
        assert_almost_equal(&res, &[2], &[1.23495091, 1.12222648], N, "dot(A.T, b4)");
    }

    /// `TestDot::test_dotvecvecouter`
    #[test]
    fn test_dotvecvecouter() {
        let [_, b1, _, b3, _] = create_data();
        let res = b1.dot(&b3).unwrap();
        let tgt = [0.20128610, 0.08400440, 0.07190947, 0.03001058];
        assert_almost_equal(&res, &[2, 2], &tgt, N, "dot(b1, b3)");
    }

    /// `TestDot::test_dotvecvecinner`
    #[test]
    fn test_dotvecvecinner() {
        let [_, b1, _, b3, _] = create_data();
        let res = b3.dot(&b1).unwrap();
        assert_almost_equal(&res, &[1, 1], &[0.23129668], N, "dot(b3, b1)");
    }

    /// `TestDot::test_dotcolumnvect1`
    #[test]
    fn test_dotcolumnvect1() {
        let b1 = ones::<f64>(&[3, 1]);
        let b2 = farr(&[1], &[5.3]);
        let res = b1.dot(&b2).unwrap();
        assert_almost_equal(&res, &[3], &[5.3, 5.3, 5.3], N, "dot(ones((3,1)), [5.3])");
    }

    /// `TestDot::test_dotcolumnvect2`
    #[test]
    fn test_dotcolumnvect2() {
        let b1 = ones::<f64>(&[3, 1]).reversed_axes();
        let b2 = farr(&[1], &[6.2]);
        let res = b2.dot(&b1).unwrap();
        assert_almost_equal(&res, &[3], &[6.2, 6.2, 6.2], N, "dot([6.2], ones((3,1)).T)");
    }

    /// `TestDot::test_dotvecscalar`
    #[test]
    fn test_dotvecscalar() {
        let b1 = farr(&[1, 1], &VECSCALAR_B1);
        let b2 = farr(&[1, 4], &VECSCALAR_B2);
        let res = b1.dot(&b2).unwrap();
        let tgt = [0.15126730, 0.23068496, 0.45905553, 0.00256425];
        assert_almost_equal(&res, &[1, 4], &tgt, N, "dot(b1, b2)");
    }

    /// `TestDot::test_dotvecscalar2`
    #[test]
    fn test_dotvecscalar2() {
        let b1 = farr(&[4, 1], &VECSCALAR2_B1);
        let b2 = farr(&[1, 1], &VECSCALAR2_B2);
        let res = b1.dot(&b2).unwrap();
        let tgt = [0.00256425, 0.00131359, 0.00200324, 0.00398638];
        assert_almost_equal(&res, &[4, 1], &tgt, N, "dot(b1, b2)");
    }

    /// `TestDot::test_all`
    #[test]
    fn test_all() {
        let dims: [&[usize]; 3] = [&[], &[1], &[1, 1]];
        let dout: [&[usize]; 9] = [&[], &[1], &[1, 1], &[1], &[], &[1], &[1, 1], &[1], &[1, 1]];
        let pairs = dims
            .iter()
            .flat_map(|d1| dims.iter().map(move |d2| (*d1, *d2)));
        for (dim, (dim1, dim2)) in dout.iter().zip(pairs) {
            let b1 = zeros::<f64>(dim1);
            let b2 = zeros::<f64>(dim2);
            let res = b1.dot(&b2).unwrap();
            let tgt = vec![0.0; dim.iter().product()];
            let what = format!("dot(zeros({dim1:?}), zeros({dim2:?}))");
            assert_almost_equal(&res, dim, &tgt, N, &what);
        }
    }

    /// `TestDot::test_dot_2args`
    #[test]
    fn test_dot_2args() {
        let a = arr::<f64>(&[2, 2], &[1, 2, 3, 4]);
        let b = arr::<f64>(&[2, 2], &[1, 0, 1, 1]);
        let d = npdot::dot(&a, &b).unwrap();
        assert_ints(&d, &[2, 2], &[3, 2, 7, 4], "dot(a, b)");
    }

    /// The integer-valued stand-in for `np.random.seed(22)` data of `test_dot_3args{,_errors}`:
    /// `f[i, j] = (7i + 3j) % 11 - 5` (1024,16), `v[j, k] = (5j + k) % 13 - 6` (16,32).
    fn dot3_data() -> (ArrayD<f64>, ArrayD<f64>) {
        let f = Array2::from_shape_fn((1024, 16), |(i, j)| ((7 * i + 3 * j) % 11) as f64 - 5.0);
        let v = Array2::from_shape_fn((16, 32), |(j, k)| ((5 * j + k) % 13) as f64 - 6.0);
        (f.into_dyn(), v.into_dyn())
    }

    /// `TestDot::test_dot_3args`
    #[test]
    fn test_dot_3args() {
        let (f, v) = dot3_data();
        let mut r = ArrayD::from_elem(IxDyn(&[1024, 32]), f64::NAN);
        for _ in 0..12 {
            npdot::dot_into(&f, &v, &mut r).unwrap();
        }
        assert_eq!(digest(&r), DOT3_MAT, "dot(f, v, r)");
        let r2 = f.dot(&v).unwrap();
        assert_eq!(r2, r, "dot(f, v, out=None) == r");
        r.fill(f64::NAN);
        f.dot_into(&v, &mut r).unwrap();
        assert_eq!(digest(&r), DOT3_MAT, "dot(f, v, out=r)");

        let v = v.index_axis(Axis(1), 0).to_owned(); // v.shape == (16,)
        let mut r = ArrayD::from_elem(IxDyn(&[1024]), f64::NAN); // r.shape == (1024,)
        let r2 = f.dot(&v).unwrap();
        npdot::dot_into(&f, &v, &mut r).unwrap();
        assert_eq!(digest(&r), DOT3_VEC, "dot(f, v, r), v 1-D");
        assert_eq!(r2, r, "dot(f, v) == r, v 1-D");
    }

    /// `TestDot::test_dot_3args_errors` (the `float32` and `int` `out` cases cannot be written
    /// in Rust).
    #[test]
    fn test_dot_3args_errors() {
        const WRONG_DIMS: &str = "output array has wrong dimensions";
        const NOT_ACCEPTABLE: &str = "output array is not acceptable (must have the right \
                                      datatype, number of dimensions, and be a C-Array)";
        let (f, v) = dot3_data();

        let mut r = zeros::<f64>(&[1024, 31]);
        assert_err(f.dot_into(&v, &mut r), WRONG_DIMS, "out (1024,31)");
        let mut r = zeros::<f64>(&[1024]);
        assert_err(f.dot_into(&v, &mut r), NOT_ACCEPTABLE, "out (1024,)");
        let mut r = zeros::<f64>(&[32]);
        assert_err(f.dot_into(&v, &mut r), NOT_ACCEPTABLE, "out (32,)");
        let mut r = zeros::<f64>(&[32, 1024]);
        assert_err(f.dot_into(&v, &mut r), WRONG_DIMS, "out (32,1024)");
        let mut rt = r.view_mut().reversed_axes();
        assert_err(f.dot_into(&v, &mut rt), NOT_ACCEPTABLE, "out (32,1024).T");

        let mut r = zeros::<f64>(&[1024, 64]);
        let mut rs = r.slice_mut(s![.., ..;2]);
        assert_err(
            npdot::dot_into(&f, &v, &mut rs),
            NOT_ACCEPTABLE,
            "out r[:, ::2]",
        );
        let mut rs = r.slice_mut(s![.., ..32]);
        assert_err(
            npdot::dot_into(&f, &v, &mut rs),
            NOT_ACCEPTABLE,
            "out r[:, :32]",
        );
    }

    /// `TestDot::test_dot_out_result` (NumPy uses `float16`; here every dtype).
    #[test]
    fn test_dot_out_result() {
        fn check<T: Elem>() {
            let x = ones::<T>(&[]);
            let y = ones::<T>(&[5]);
            let mut z = zeros::<T>(&[5]);
            x.dot_into(&y, &mut z).unwrap();
            assert_ints(&z, &[5], &[1; 5], "x.dot(y, out=z)");
        }
        for_all_types!(check);
    }

    /// `TestDot::test_dot_array_order` (NumPy uses the default int; here every dtype).
    #[test]
    fn test_dot_array_order() {
        fn check<T: Elem>() {
            let a = arr::<T>(&[2, 2], &[1, 2, 3, 4]);
            let b = fortran(&a);
            assert!(b.t().is_standard_layout() && !b.is_standard_layout());
            let res = [7, 10, 15, 22];
            assert_ints(&a.dot(&a).unwrap(), &[2, 2], &res, "dot(a, a)");
            assert_ints(&a.dot(&b).unwrap(), &[2, 2], &res, "dot(a, b)");
            assert_ints(&b.dot(&a).unwrap(), &[2, 2], &res, "dot(b, a)");
            assert_ints(&b.dot(&b).unwrap(), &[2, 2], &res, "dot(b, b)");
        }
        for_all_types!(check);
    }

    /// `TestDot::test_dot_has_native_byteorder` (the shape of `a.dot([[], [], []])`).
    #[test]
    fn test_dot_has_native_byteorder() {
        let a = arr::<f64>(&[3], &[1, 2, 3]);
        let dot = a.dot(&zeros::<f64>(&[3, 0])).unwrap();
        assert_array(&dot, &[0], &[], "a.dot([[], [], []])");
    }

    /// `TestDot::test_accelerate_framework_sgemv_fix` (aligned buffers; integer-valued data so
    /// NumPy's float64 `desired` is embedded exactly).
    #[test]
    fn test_accelerate_framework_sgemv_fix() {
        // np.dot(s, m) with s (100,100), m (100,) float32 zeros: "always segfaults if the bug is
        // present".
        let s = zeros::<f32>(&[100, 100]);
        let m = zeros::<f32>(&[100]);
        assert_array(&s.dot(&m).unwrap(), &[100], &[0.0; 100], "dot(s, m)");

        let m = 10000;
        for (n, desired) in [(200, SGEMV_200), (89, SGEMV_89)] {
            for f_order in [false, true] {
                let what = |case: &str| format!("m={m} n={n} F={f_order}: {case}");
                let a_f = Array2::from_shape_fn((m, n).set_f(f_order), |(i, j)| {
                    ((7 * i + 13 * j) % 17) as f32 - 8.0
                });
                let x_f = Array1::from_shape_fn(n, |j| ((5 * j) % 11) as f32 - 5.0);
                let assert_dot_close =
                    |a: &ArrayView2<f32>, x: &ArrayView1<f32>, want: [i128; 4], case: &str| {
                        let r = npdot::dot(a, x).unwrap();
                        assert_eq!(digest(&r), want, "{}", what(case));
                    };
                assert_dot_close(&a_f.view(), &x_f.view(), desired[0], "dot(A_f, X_f)");
                // Strided A rows
                let a_f_2 = a_f.slice(s![..;2, ..]);
                assert_dot_close(&a_f_2, &x_f.view(), desired[1], "dot(A_f[::2], X_f)");
                // Strided A columns, strided X vector
                let a_f_22 = a_f_2.slice(s![.., ..;2]);
                let x_f_2 = x_f.slice(s![..;2]);
                assert_dot_close(&a_f_22, &x_f_2, desired[2], "dot(A_f_22, X_f_2)");
                // Check the strides are as expected (in elements; NumPy's are in bytes)
                if f_order {
                    assert_eq!(a_f_22.strides(), &[2, 2 * m as isize]);
                } else {
                    assert_eq!(a_f_22.strides(), &[2 * n as isize, 2]);
                }
                assert_eq!(x_f_2.strides(), &[2]);
                // Strides in A rows + cols only
                let x_f_2c = x_f_2.to_owned();
                assert_dot_close(&a_f_22, &x_f_2c.view(), desired[2], "dot(A_f_22, X_f_2c)");
                // Strides just in A cols
                let a_f_12 = a_f.slice(s![.., ..;2]);
                assert_dot_close(&a_f_12, &x_f_2c.view(), desired[3], "dot(A_f_12, X_f_2c)");
                // Strides in A cols and X
                assert_dot_close(&a_f_12, &x_f_2, desired[3], "dot(A_f_12, X_f_2)");
            }
        }
    }

    /// Restores the BLAS dimension limit when dropped (even if the test panics).
    struct LimitGuard(usize);
    impl Drop for LimitGuard {
        fn drop(&mut self) {
            npdot::tuning::set_blas_dim_limit(self.0);
        }
    }

    /// `TestDot::test_huge_vectordot`: NumPy chunks a 2^30 + 100 element dot; here the BLAS limit
    /// is lowered to 2^10 so that `2^10 + 100` and `3 * 2^10 + 100` elements need chunks.
    #[test]
    fn test_huge_vectordot() {
        fn check<T: Elem>(n: usize) {
            let data = ones::<T>(&[n]);
            let res = data.dot(&data).unwrap();
            assert_ints(
                &res,
                &[],
                &[n as i64],
                &format!("dot(ones({n}), ones({n}))"),
            );
        }
        let _guard = LimitGuard(npdot::tuning::blas_dim_limit());
        npdot::tuning::set_blas_dim_limit(1 << 10);
        for n in [(1 << 10) + 100, 3 * (1 << 10) + 100] {
            check::<f64>(n);
            check::<Complex<f64>>(n);
        }
    }
}

// ---------------------------------------------------------------------------------------------

mod matmul_common {
    //! `MatmulCommon`, which NumPy runs twice: as `TestMatmul` (`np.matmul`) and as
    //! `TestMatmulOperator` (`operator.matmul`, i.e. `a @ b`). Here every case runs through both
    //! `npdot::matmul` and the `Products::matmul` method, which must agree.
    use super::*;

    /// `self.matmul(a, b)` for both entry points.
    fn matmul<T: Element>(a: &ArrayD<T>, b: &ArrayD<T>) -> Result<ArrayD<T>, Error> {
        let free = npdot::matmul(a, b);
        let method = a.matmul(b);
        assert_eq!(free, method, "npdot::matmul and Products::matmul disagree");
        free
    }

    /// `MatmulCommon::test_exceptions`
    #[test]
    fn test_exceptions() {
        const SIG: &str = "with gufunc signature (n?,k),(k,m?)->(n?,m?)";
        fn check<T: Elem>() {
            let core = |sizes: &str| {
                format!(
                    "matmul: Input operand 1 has a mismatch in its core dimension 0, {SIG} {sizes}"
                )
            };
            let few = |op: usize| {
                format!(
                    "matmul: Input operand {op} does not have enough dimensions (has 0, gufunc \
                     core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
                )
            };
            let dims: [(&[usize], &[usize], String); 9] = [
                // mismatched vector vector
                (&[1], &[2], core("(size 2 is different from 1)")),
                // mismatched matrix vector
                (&[2, 1], &[2], core("(size 2 is different from 1)")),
                // mismatched vector matrix
                (&[2], &[1, 2], core("(size 1 is different from 2)")),
                // mismatched matrix matrix
                (&[1, 2], &[3, 1], core("(size 3 is different from 2)")),
                // vector scalar
                (&[1], &[], few(1)),
                // scalar vector
                (&[], &[1], few(0)),
                // matrix scalar
                (&[1, 1], &[], few(1)),
                // scalar matrix
                (&[], &[1, 1], few(0)),
                // cannot broadcast
                (
                    &[2, 2, 1],
                    &[3, 1, 2],
                    "operands could not be broadcast together with remapped shapes \
                     [original->remapped]: (2,2,1)->(2,newaxis,newaxis) \
                     (3,1,2)->(3,newaxis,newaxis)  and requested shape (2,2)"
                        .to_string(),
                ),
            ];
            for (dm1, dm2, msg) in dims {
                let a = ones::<T>(dm1);
                let b = ones::<T>(dm2);
                let what = format!("matmul(ones({dm1:?}), ones({dm2:?})) {}", T::DTYPE);
                assert_err(matmul(&a, &b), &msg, &what);
            }
        }
        for_all_types!(check);
    }

    /// `MatmulCommon::test_shapes`
    #[test]
    fn test_shapes() {
        fn check<T: Elem>() {
            let dims: [(&[usize], &[usize]); 3] = [
                (&[1, 1], &[2, 1, 1]),    // broadcast first argument
                (&[2, 1, 1], &[1, 1]),    // broadcast second argument
                (&[2, 1, 1], &[2, 1, 1]), // matrix stack sizes match
            ];
            for (dm1, dm2) in dims {
                let res = matmul(&ones::<T>(dm1), &ones::<T>(dm2)).unwrap();
                assert_ints(&res, &[2, 1, 1], &[1, 1], &format!("{dm1:?} @ {dm2:?}"));
            }
            // vector vector returns scalars.
            let c = matmul(&ones::<T>(&[2]), &ones::<T>(&[2])).unwrap();
            assert_eq!(c.shape(), &[] as &[usize], "(2,) @ (2,)");
        }
        for_all_types!(check);
    }

    /// `MatmulCommon::test_result_types` (the result dtype is the input's by construction; the
    /// shapes and values are checked).
    #[test]
    fn test_result_types() {
        fn check<T: Elem>() {
            let m = ones::<T>(&[1, 1]);
            let v = ones::<T>(&[1]);
            assert_ints(&matmul(&m, &v).unwrap(), &[1], &[1], "m @ v");
            assert_ints(&matmul(&v, &m).unwrap(), &[1], &[1], "v @ m");
            assert_ints(&matmul(&m, &m).unwrap(), &[1, 1], &[1], "m @ m");
            // vector vector returns scalars
            assert_ints(&matmul(&v, &v).unwrap(), &[], &[1], "v @ v");
        }
        for_all_types!(check);
    }

    /// `MatmulCommon::test_scalar_output`
    #[test]
    fn test_scalar_output() {
        fn check<T: Elem>() {
            let v1 = arr::<T>(&[1], &[2]);
            let v2 = arr::<T>(&[1, 2], &[3, 4]);
            assert_ints(&matmul(&v1, &v2).unwrap(), &[2], &[6, 8], "v1 @ v2");
            let v2t = v2.clone().reversed_axes();
            assert_ints(&matmul(&v2t, &v1).unwrap(), &[2], &[6, 8], "v2.T @ v1");
        }
        for_numeric_types!(check);

        // boolean type
        let vec = ArrayD::from_elem(IxDyn(&[1, 2]), true);
        let col = vec.index_axis(Axis(1), 0).to_owned();
        assert_array(
            &matmul(&col, &vec).unwrap(),
            &[2],
            &[true, true],
            "vec[:, 0] @ vec",
        );
    }

    /// `MatmulCommon::test_vector_vector_values`
    #[test]
    fn test_vector_vector_values() {
        fn check<T: Elem>() {
            let v1 = arr::<T>(&[2], &[1, 2]);
            let v2 = arr::<T>(&[2, 1], &[3, 4]);
            assert_ints(&matmul(&v1, &v2).unwrap(), &[1], &[11], "v1 @ v2");
            // no broadcast, we must make v1 into a 2d ndarray
            let v1r = v1.to_shape(IxDyn(&[1, 2])).unwrap().to_owned();
            let res = matmul(&v2, &v1r).unwrap();
            assert_ints(&res, &[2, 2], &[3, 6, 4, 8], "v2 @ v1.reshape(1, -1)");
        }
        for_numeric_types!(check);

        // boolean type
        let vec = ArrayD::from_elem(IxDyn(&[2]), true);
        assert_array(&matmul(&vec, &vec).unwrap(), &[], &[true], "vec @ vec");
    }

    /// `MatmulCommon::test_vector_matrix_values`
    #[test]
    fn test_vector_matrix_values() {
        fn check<T: Elem>() {
            let v = arr::<T>(&[2], &[1, 2]);
            let m1 = arr::<T>(&[2, 2], &[1, 2, 3, 4]);
            let m2 = arr::<T>(&[2, 2, 2], &[1, 2, 3, 4, 1, 2, 3, 4]);
            assert_ints(&matmul(&v, &m1).unwrap(), &[2], &[7, 10], "v @ m1");
            assert_ints(
                &matmul(&v, &m2).unwrap(),
                &[2, 2],
                &[7, 10, 7, 10],
                "v @ m2",
            );
        }
        for_numeric_types!(check);

        // boolean type
        let vec = array![true, false].into_dyn();
        let mat1 = array![[true, false], [false, true]].into_dyn();
        let mat2 = ndarray::stack(Axis(0), &[mat1.view(), mat1.view()]).unwrap();
        let res = matmul(&vec, &mat1).unwrap();
        assert_array(&res, &[2], &[true, false], "vec @ mat1");
        let res = matmul(&vec, &mat2).unwrap();
        assert_array(&res, &[2, 2], &[true, false, true, false], "vec @ mat2");
    }

    /// `MatmulCommon::test_matrix_vector_values`
    #[test]
    fn test_matrix_vector_values() {
        fn check<T: Elem>() {
            let v = arr::<T>(&[2], &[1, 2]);
            let m1 = arr::<T>(&[2, 2], &[1, 2, 3, 4]);
            let m2 = arr::<T>(&[2, 2, 2], &[1, 2, 3, 4, 1, 2, 3, 4]);
            assert_ints(&matmul(&m1, &v).unwrap(), &[2], &[5, 11], "m1 @ v");
            assert_ints(
                &matmul(&m2, &v).unwrap(),
                &[2, 2],
                &[5, 11, 5, 11],
                "m2 @ v",
            );
        }
        for_numeric_types!(check);

        // boolean type (NumPy's test multiplies `vec @ mat` here too)
        let vec = array![true, false].into_dyn();
        let mat1 = array![[true, false], [false, true]].into_dyn();
        let mat2 = ndarray::stack(Axis(0), &[mat1.view(), mat1.view()]).unwrap();
        let res = matmul(&vec, &mat1).unwrap();
        assert_array(&res, &[2], &[true, false], "vec @ mat1");
        let res = matmul(&vec, &mat2).unwrap();
        assert_array(&res, &[2, 2], &[true, false, true, false], "vec @ mat2");
    }

    /// `MatmulCommon::test_matrix_matrix_values`
    #[test]
    fn test_matrix_matrix_values() {
        fn check<T: Elem>() {
            let m1 = arr::<T>(&[2, 2], &[1, 2, 3, 4]);
            let m2 = arr::<T>(&[2, 2], &[1, 0, 1, 1]);
            let m12 = arr::<T>(&[2, 2, 2], &[1, 2, 3, 4, 1, 0, 1, 1]);
            let m21 = arr::<T>(&[2, 2, 2], &[1, 0, 1, 1, 1, 2, 3, 4]);
            let tgt11 = [7, 10, 15, 22];
            let tgt12 = [3, 2, 7, 4];
            let tgt21 = [1, 2, 4, 6];
            let cat = |x: [i64; 4], y: [i64; 4]| [x, y].concat();

            // matrix @ matrix
            assert_ints(&matmul(&m1, &m2).unwrap(), &[2, 2], &tgt12, "m1 @ m2");
            assert_ints(&matmul(&m2, &m1).unwrap(), &[2, 2], &tgt21, "m2 @ m1");
            // stacked @ matrix
            let res = matmul(&m12, &m1).unwrap();
            assert_ints(&res, &[2, 2, 2], &cat(tgt11, tgt21), "m12 @ m1");
            // matrix @ stacked
            let res = matmul(&m1, &m12).unwrap();
            assert_ints(&res, &[2, 2, 2], &cat(tgt11, tgt12), "m1 @ m12");
            // stacked @ stacked
            let res = matmul(&m12, &m21).unwrap();
            assert_ints(&res, &[2, 2, 2], &cat(tgt12, tgt21), "m12 @ m21");
        }
        for_numeric_types!(check);

        // boolean type
        let m1 = arr::<bool>(&[2, 2], &[1, 1, 0, 0]);
        let m2 = arr::<bool>(&[2, 2], &[1, 0, 1, 1]);
        let m12 = arr::<bool>(&[2, 2, 2], &[1, 1, 0, 0, 1, 0, 1, 1]);
        let m21 = arr::<bool>(&[2, 2, 2], &[1, 0, 1, 1, 1, 1, 0, 0]);
        let tgt11 = [1, 1, 0, 0];
        let tgt12 = [1, 1, 0, 0];
        let tgt21 = [1, 1, 1, 1];
        let cat = |x: [i64; 4], y: [i64; 4]| [x, y].concat();

        assert_ints(&matmul(&m1, &m2).unwrap(), &[2, 2], &tgt12, "bool m1 @ m2");
        assert_ints(&matmul(&m2, &m1).unwrap(), &[2, 2], &tgt21, "bool m2 @ m1");
        let res = matmul(&m12, &m1).unwrap();
        assert_ints(&res, &[2, 2, 2], &cat(tgt11, tgt21), "bool m12 @ m1");
        let res = matmul(&m1, &m12).unwrap();
        assert_ints(&res, &[2, 2, 2], &cat(tgt11, tgt12), "bool m1 @ m12");
        let res = matmul(&m12, &m21).unwrap();
        assert_ints(&res, &[2, 2, 2], &cat(tgt12, tgt21), "bool m12 @ m21");
    }
}

// ---------------------------------------------------------------------------------------------

mod test_matmul {
    //! `TestMatmul` (its own tests; the inherited `MatmulCommon` ones are in `matmul_common`).
    use super::values::*;
    use super::*;

    /// `a = ones((5, 2))`, `b = [[1, 3], [5, 7]]`, `tgt = dot(a, b)`.
    fn out_data() -> (ArrayD<f64>, ArrayD<f64>, [i64; 10]) {
        let a = ones::<f64>(&[5, 2]);
        let b = arr::<f64>(&[2, 2], &[1, 3, 5, 7]);
        (a, b, [6, 10, 6, 10, 6, 10, 6, 10, 6, 10])
    }

    /// `TestMatmul::test_out_arg` (the `int32` and `complex128` `out` cases are mixed dtypes).
    #[test]
    fn test_out_arg() {
        let (a, b, tgt) = out_data();
        // test as positional argument
        let mut out = zeros::<f64>(&[5, 2]);
        npdot::matmul_into(&a, &b, &mut out).unwrap();
        assert_ints(&out, &[5, 2], &tgt, "out positional argument");
        // test as keyword argument
        let mut out = zeros::<f64>(&[5, 2]);
        a.matmul_into(&b, &mut out).unwrap();
        assert_ints(&out, &[5, 2], &tgt, "out keyword argument");
    }

    /// `TestMatmul::test_empty_out`
    #[test]
    fn test_empty_out() {
        // Check that the output cannot be broadcast, so that it cannot be
        // size zero when the outer dimensions (iterator size) has size zero.
        let arr = ones::<f64>(&[0, 1, 1]);
        let mut out = ones::<f64>(&[1, 1, 1]);
        assert_eq!(arr.matmul(&arr).unwrap().shape(), &[0, 1, 1]);
        assert_err(
            arr.matmul_into(&arr, &mut out),
            "non-broadcastable output operand with shape (1,1,1) [remapped to (1,1,1)] doesn't \
             match the broadcast shape (0,1,1)",
            "matmul(arr, arr, out=ones((1,1,1)))",
        );
        assert_ints(&out, &[1, 1, 1], &[1], "out untouched");
    }

    /// `TestMatmul::test_out_contiguous`
    #[test]
    fn test_out_contiguous() {
        let (a, b, tgt) = out_data();
        let v = arr::<f64>(&[2], &[1, 3]);
        let tgt_mv = [4; 5];

        // test out non-contiguous
        let mut out = ones::<f64>(&[5, 2, 2]);
        npdot::matmul_into(&a, &b, &mut out.slice_mut(s![.., .., 0])).unwrap();
        let c = out.slice(s![.., .., 0]).to_owned().into_dyn();
        assert_ints(&c, &[5, 2], &tgt, "matmul(a, b, out=out[..., 0])");
        npdot::matmul_into(&a, &v, &mut out.slice_mut(s![.., 0, 0])).unwrap();
        let c = out.slice(s![.., 0, 0]).to_owned().into_dyn();
        assert_ints(&c, &[5], &tgt_mv, "matmul(a, v, out=out[:, 0, 0])");
        out.fill(1.0);
        npdot::matmul_into(&v, &a.t(), &mut out.slice_mut(s![.., 0, 0])).unwrap();
        let c = out.slice(s![.., 0, 0]).to_owned().into_dyn();
        assert_ints(&c, &[5], &tgt_mv, "matmul(v, a.T, out=out[:, 0, 0])");

        // test out contiguous in only last dim
        let mut out = ones::<f64>(&[10, 2]);
        npdot::matmul_into(&a, &b, &mut out.slice_mut(s![..;2, ..])).unwrap();
        let c = out.slice(s![..;2, ..]).to_owned().into_dyn();
        assert_ints(&c, &[5, 2], &tgt, "matmul(a, b, out=out[::2, :])");
        let rest = out.slice(s![1..;2, ..]).to_owned().into_dyn();
        assert_ints(&rest, &[5, 2], &[1; 10], "out[1::2, :] untouched");

        // test transposes of out, args
        let mut out = ones::<f64>(&[5, 2]);
        npdot::matmul_into(&b.t(), &a.t(), &mut out.view_mut().reversed_axes()).unwrap();
        assert_ints(&out, &[5, 2], &tgt, "matmul(b.T, a.T, out=out.T)");
    }

    /// The operands of `TestMatmul::test_dot_equivalent`: `m1 = arange(15.).reshape(5, 3)`,
    /// `m2 = arange(21.).reshape(3, 7)`, `m3 = arange(30.).reshape(5, 6)[:, ::2]`,
    /// `vc = arange(10.)`, `vr = arange(6.)`, `m0 = zeros((3, 0))`.
    fn operand(name: &str) -> ArrayD<f64> {
        match name {
            "m1" => arange(&[5, 3]),
            "m2" => arange(&[3, 7]),
            "m3" => arange::<f64>(&[5, 6]).slice_move(s![.., ..;2]).into_dyn(),
            "vc" => arange(&[10]),
            "vr" => arange(&[6]),
            "m0" => zeros(&[3, 0]),
            _ => panic!("unknown operand {name}"),
        }
    }

    /// `TestMatmul::test_dot_equivalent` (all 33 parametrized cases)
    #[test]
    fn test_dot_equivalent() {
        for &(sa, sb, shape, want) in DOT_EQUIVALENT {
            let a = eval_view(sa, operand);
            let b = eval_view(sb, operand);
            let what = format!("({sa}, {sb})");
            let r1 = a.matmul(&b).unwrap();
            assert_array(&r1, shape, want, &format!("matmul{what}"));
            let r2 = a.dot(&b).unwrap();
            assert_array(&r2, shape, want, &format!("dot{what}"));
            let r3 = c_copy(&a).matmul(&c_copy(&b)).unwrap();
            assert_array(&r3, shape, want, &format!("matmul of copies {what}"));
        }
    }

    /// `TestMatmul::test_dot_equivalent_matrix_matrix_blastypes`
    #[test]
    fn test_dot_equivalent_matrix_matrix_blastypes() {
        /// `apply_mode(m, (order, is_contiguous))`: a copy in `order`, or the `[::2, ::2]` view
        /// of a zero array twice as large in `order`.
        fn apply_mode<T: Elem>(m: &ArrayD<T>, f_order: bool, contiguous: bool) -> ArrayD<T> {
            let (r, c) = (m.shape()[0], m.shape()[1]);
            let mut out = if contiguous {
                ArrayD::from_elem(IxDyn(&[r, c]).set_f(f_order), T::zero())
            } else {
                ArrayD::from_elem(IxDyn(&[2 * r, 2 * c]).set_f(f_order), T::zero())
                    .slice_move(s![..;2, ..;2])
                    .into_dyn()
            };
            out.assign(m);
            out
        }
        fn check<T: BlasElem>() {
            let im = if T::DTYPE.starts_with("complex") {
                1.0
            } else {
                0.0
            };
            let m1: ArrayD<T> = arange::<f64>(&[5, 3]).mapv(|x| T::cplx(x, im));
            let m2: ArrayD<T> = arange::<f64>(&[3, 7]).mapv(|x| T::cplx(x, im));
            let dot_res: Vec<T> = if im == 0.0 {
                BLASTYPES_REAL.iter().map(|&x| T::cplx(x, 0.0)).collect()
            } else {
                (BLASTYPES_COMPLEX_RE.iter().zip(&BLASTYPES_COMPLEX_IM))
                    .map(|(&re, &im)| T::cplx(re, im))
                    .collect()
            };
            let modes = [(false, true), (false, false), (true, true), (true, false)];
            for (o1, c1) in modes {
                for (o2, c2) in modes {
                    for (oo, co) in modes {
                        let m1_ = apply_mode(&m1, o1, c1);
                        let m2_ = apply_mode(&m2, o2, c2);
                        let mut mo_ = apply_mode(&zeros::<T>(&[5, 7]), oo, co);
                        npdot::matmul_into(&m1_, &m2_, &mut mo_).unwrap();
                        let what = format!(
                            "{}: F-order/contiguous m1 {o1}/{c1}, m2 {o2}/{c2}, out {oo}/{co}",
                            T::DTYPE
                        );
                        assert_array(&mo_, &[5, 7], &dot_res, &what);
                    }
                }
            }
        }
        for_blas_types!(check);
    }

    /// `TestMatmul::test_matmul_empty` (object dtype in NumPy; every numeric dtype here).
    #[test]
    fn test_matmul_empty() {
        fn check<T: Elem>() {
            let a = zeros::<T>(&[3, 0]);
            let b = zeros::<T>(&[0, 3]);
            assert_ints(&a.matmul(&b).unwrap(), &[3, 3], &[0; 9], "(3,0) @ (0,3)");
        }
        for_all_types!(check);
    }

    /// `TestMatmul::test_matmul_bool`
    #[test]
    fn test_matmul_bool() {
        // gh-14439
        let a = arr::<bool>(&[2, 2], &[1, 0, 1, 1]);
        let b = a.matmul(&a).unwrap();
        assert_array(&b, &[2, 2], &MATMUL_BOOL_AA, "a @ a");

        let d = ArrayD::from_shape_vec(IxDyn(&[4, 5]), MATMUL_BOOL_D.to_vec()).unwrap();
        let d54 = ArrayD::from_shape_vec(IxDyn(&[5, 4]), MATMUL_BOOL_D.to_vec()).unwrap();
        let out1 = d.matmul(&d54).unwrap();
        assert_array(
            &out1,
            &[4, 4],
            &MATMUL_BOOL_OUT,
            "matmul(d, d.reshape(5, 4))",
        );
        let out2 = d.dot(&d54).unwrap();
        assert_array(&out2, &[4, 4], &MATMUL_BOOL_OUT, "dot(d, d.reshape(5, 4))");

        let c = zeros::<bool>(&[2, 0]).matmul(&zeros::<bool>(&[0])).unwrap();
        assert_array(&c, &[2], &[false, false], "(2,0) @ (0,) bool");
    }
}

// ---------------------------------------------------------------------------------------------

mod test_matmul_inplace {
    //! `TestMatmulInplace`: `a @= b` as `matmul_into(&a.clone(), &b, &mut a)`.
    use super::values::*;
    use super::*;

    /// `TestMatmulInplace::test_basic` (the same-dtype pairs)
    #[test]
    fn test_basic() {
        fn check<T: Elem>() {
            let mut a = arange::<T>(&[5, 2]);
            let b = ones::<T>(&[2, 2]);
            let a_ptr = a.as_ptr();
            let a_in = a.clone();
            a_in.matmul_into(&b, &mut a).unwrap();
            assert_eq!(a.as_ptr(), a_ptr);
            let r#ref = [1, 1, 5, 5, 9, 9, 13, 13, 17, 17];
            assert_ints(&a, &[5, 2], &r#ref, "a @= ones((2, 2))");
        }
        for_all_types!(check);
    }

    /// `TestMatmulInplace::test_shapes` (as `np.matmul(a, b, out=a)`)
    #[test]
    fn test_shapes() {
        for &(name, a_shape, b_shape, want) in INPLACE_SHAPES {
            let mut a = arange::<f64>(a_shape);
            let b = arange::<f64>(b_shape);
            let a_in = a.clone();
            let res = npdot::matmul_into(&a_in, &b, &mut a);
            match want {
                Ok(d) => {
                    res.unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert_eq!(a.shape(), a_shape, "{name}");
                    assert_eq!(digest(&a), d, "{name}");
                }
                Err(msg) => assert_err(res, msg, name),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// `test_matmul_axes` (module level): `axes=` expressed with permuted views.
#[test]
fn test_matmul_axes() {
    use values::{MATMUL_AXES_C, MATMUL_AXES_F};
    let a = arange::<i64>(&[3, 4, 5]);
    // c = matmul(a, a, axes=[(-2, -1), (-1, -2), (1, 2)]): operand 1's core axes swapped.
    let a_sw = a.view().permuted_axes(IxDyn(&[0, 2, 1]));
    let c = npdot::matmul(&a, &a_sw).unwrap();
    assert_array(&c, &[3, 4, 4], &MATMUL_AXES_C, "c");
    // d = matmul(a, a, axes=[(-2, -1), (-1, -2), (0, 1)]): the output's core axes first.
    let mut d = zeros::<i64>(&[4, 4, 3]);
    let mut d_view = d.view_mut().permuted_axes(IxDyn(&[2, 0, 1]));
    npdot::matmul_into(&a, &a_sw, &mut d_view).unwrap();
    assert_eq!(d.shape(), &[4, 4, 3]);
    let e = d.view().permuted_axes(IxDyn(&[2, 1, 0])).to_owned(); // np.swapaxes(d, 0, 2)
    assert_array(&e, &[3, 4, 4], &MATMUL_AXES_C, "swapaxes(d, 0, 2) == c");
    // f = matmul(a, arange(3), axes=[(1, 0), (0), (0)])
    let a_p = a.view().permuted_axes(IxDyn(&[2, 1, 0]));
    let mut f = zeros::<i64>(&[4, 5]);
    npdot::matmul_into(
        &a_p,
        &arange::<i64>(&[3]),
        &mut f.view_mut().reversed_axes(),
    )
    .unwrap();
    assert_array(&f, &[4, 5], &MATMUL_AXES_F, "f");
}

// ---------------------------------------------------------------------------------------------

mod test_inner {
    //! `TestInner`.
    use super::*;

    /// `TestInner::test_inner_scalar_and_vector`
    #[test]
    fn test_inner_scalar_and_vector() {
        fn check<T: Elem>() {
            let sca = arr::<T>(&[], &[3]);
            let vec = arr::<T>(&[2], &[1, 2]);
            assert_ints(&vec.inner(&sca).unwrap(), &[2], &[3, 6], "inner(vec, sca)");
            assert_ints(&sca.inner(&vec).unwrap(), &[2], &[3, 6], "inner(sca, vec)");
        }
        for_all_types!(check);
    }

    /// `TestInner::test_vecself`
    #[test]
    fn test_vecself() {
        // Ticket 844.
        let a = zeros::<f64>(&[1, 80]);
        let p = a.inner(&a).unwrap();
        assert_almost_equal(&p, &[1, 1], &[0.0], 14, "inner(a, a)");
    }

    /// `TestInner::test_inner_product_with_various_contiguities`
    #[test]
    fn test_inner_product_with_various_contiguities() {
        // github issue 6532
        fn check<T: Elem>() {
            // check an inner product involving a matrix transpose
            let a = arr::<T>(&[2, 2], &[1, 2, 3, 4]);
            let b = arr::<T>(&[2, 2], &[1, 3, 2, 4]);
            let c = arr::<T>(&[2], &[1, 1]);
            let at = a.t();
            assert_ints(
                &npdot::inner(&at, &c).unwrap(),
                &[2],
                &[4, 6],
                "inner(A.T, C)",
            );
            assert_ints(
                &npdot::inner(&c, &at).unwrap(),
                &[2],
                &[4, 6],
                "inner(C, A.T)",
            );
            assert_ints(&b.inner(&c).unwrap(), &[2], &[4, 6], "inner(B, C)");
            assert_ints(&c.inner(&b).unwrap(), &[2], &[4, 6], "inner(C, B)");
            // check a matrix product
            let want = [7, 10, 15, 22];
            assert_ints(&a.inner(&b).unwrap(), &[2, 2], &want, "inner(A, B)");
            // check the syrk vs. gemm paths
            let want = [5, 11, 11, 25];
            assert_ints(&a.inner(&a).unwrap(), &[2, 2], &want, "inner(A, A)");
            assert_ints(
                &a.inner(&a.clone()).unwrap(),
                &[2, 2],
                &want,
                "inner(A, A.copy())",
            );
            // check an inner product involving an aliased and reversed view
            let a = arange::<T>(&[5]);
            let b = a.slice(s![..;-1]);
            assert_ints(
                &npdot::inner(&b, &a).unwrap(),
                &[],
                &[10],
                "inner(a[::-1], a)",
            );
        }
        for_all_types!(check);
    }

    /// `TestInner::test_3d_tensor`
    #[test]
    fn test_3d_tensor() {
        #[rustfmt::skip]
        const DESIRED: [i64; 36] = [
            158, 182, 206, 230, 254, 278,
            566, 654, 742, 830, 918, 1006,
            974, 1126, 1278, 1430, 1582, 1734,
            1382, 1598, 1814, 2030, 2246, 2462,
            1790, 2070, 2350, 2630, 2910, 3190,
            2198, 2542, 2886, 3230, 3574, 3918,
        ];
        fn check<T: Elem>() {
            let a = arange::<T>(&[2, 3, 4]);
            let b: ArrayD<T> = arange::<i64>(&[2, 3, 4]).mapv(|x| T::from_i64(x + 24));
            let ab = a.inner(&b).unwrap();
            assert_ints(&ab, &[2, 3, 2, 3], &DESIRED, "inner(a, b)");
            let ba = b.inner(&a).unwrap();
            let bat = ba.view().permuted_axes(IxDyn(&[2, 3, 0, 1])).to_owned();
            assert_ints(
                &bat,
                &[2, 3, 2, 3],
                &DESIRED,
                "inner(b, a).transpose(2, 3, 0, 1)",
            );
        }
        for_all_types!(check);
    }
}

// ---------------------------------------------------------------------------------------------

mod test_methods {
    //! The `dot`/`matmul` tests of `TestMethods`.
    use super::values::*;
    use super::*;

    /// `TestMethods::test_arr_mult` (for `func` in `(np.dot, np.matmul)`)
    #[test]
    fn test_arr_mult() {
        #[rustfmt::skip]
        const DDT: [i64; 16] = [
            55, 145, 235, 325,
            145, 451, 757, 1063,
            235, 757, 1279, 1801,
            325, 1063, 1801, 2539,
        ];
        #[rustfmt::skip]
        const DTD: [i64; 36] = [
            504, 540, 576, 612, 648, 684,
            540, 580, 620, 660, 700, 740,
            576, 620, 664, 708, 752, 796,
            612, 660, 708, 756, 804, 852,
            648, 700, 752, 804, 856, 908,
            684, 740, 796, 852, 908, 964,
        ];
        fn check<T: Elem>() {
            let a = arr::<T>(&[2, 2], &[1, 0, 0, 1]);
            let b = arr::<T>(&[2, 2], &[0, 1, 1, 0]);
            let d = arange::<T>(&[4, 6]);
            for (name, func) in dot_and_matmul::<T>() {
                let what = |case: &str| format!("{name}{case} {}", T::DTYPE);
                let f = |x: &ArrayD<T>, y: &ArrayD<T>| func(&x.view(), &y.view()).unwrap();
                let t = |x: &ArrayD<T>| x.clone().reversed_axes(); // a transposed view, no copy
                let tc = |x: &ArrayD<T>| c_copy(&x.clone().reversed_axes()); // .T.copy()

                // gemm vs syrk optimizations
                let eaf = &a;
                let ident = [1, 0, 0, 1];
                assert_ints(&f(eaf, eaf), &[2, 2], &ident, &what("(eaf, eaf)"));
                assert_ints(&f(&t(eaf), eaf), &[2, 2], &ident, &what("(eaf.T, eaf)"));
                assert_ints(&f(eaf, &t(eaf)), &[2, 2], &ident, &what("(eaf, eaf.T)"));
                assert_ints(
                    &f(&t(eaf), &t(eaf)),
                    &[2, 2],
                    &ident,
                    &what("(eaf.T, eaf.T)"),
                );
                assert_ints(
                    &f(&tc(eaf), eaf),
                    &[2, 2],
                    &ident,
                    &what("(eaf.T.copy(), eaf)"),
                );
                assert_ints(
                    &f(eaf, &tc(eaf)),
                    &[2, 2],
                    &ident,
                    &what("(eaf, eaf.T.copy())"),
                );
                let r = f(&tc(eaf), &tc(eaf));
                assert_ints(&r, &[2, 2], &ident, &what("(eaf.T.copy(), eaf.T.copy())"));

                // syrk validations
                let ebf = &b;
                assert_ints(&f(ebf, ebf), &[2, 2], &ident, &what("(ebf, ebf)"));
                assert_ints(&f(&t(ebf), ebf), &[2, 2], &ident, &what("(ebf.T, ebf)"));
                assert_ints(&f(ebf, &t(ebf)), &[2, 2], &ident, &what("(ebf, ebf.T)"));
                assert_ints(
                    &f(&t(ebf), &t(ebf)),
                    &[2, 2],
                    &ident,
                    &what("(ebf.T, ebf.T)"),
                );

                // syrk - different shape, stride, and view validations
                for &(sa, sb, shape, want) in ARR_MULT_VIEWS {
                    let x = eval_view(sa, |_| d.clone());
                    let y = eval_view(sb, |_| d.clone());
                    let case = format!("({sa}, {sb})");
                    assert_ints(&f(&x, &y), shape, want, &what(&case));
                    let case = format!("({sa}.copy(), {sb}.copy())");
                    assert_ints(&f(&c_copy(&x), &c_copy(&y)), shape, want, &what(&case));
                }

                // syrk - different shape
                assert_ints(&f(&d, &t(&d)), &[4, 4], &DDT, &what("(edf, edf.T)"));
                assert_ints(&f(&t(&d), &d), &[6, 6], &DTD, &what("(edf.T, edf)"));
            }
        }
        // NumPy: [np.float32, np.float64, np.complex64, np.complex128]; the integer and bool
        // kernels get the same cases (the values are non-negative, so `bool` agrees too).
        for_all_types!(check);
    }

    /// `TestMethods::test_no_dgemv` (for `func` in `(np.dot, np.matmul)`, dtype in `'ifdFD'`)
    #[test]
    fn test_no_dgemv() {
        fn check<T: Elem>() {
            for (name, func) in dot_and_matmul::<T>() {
                let what = |case: &str| format!("{name}{case} {}", T::DTYPE);
                // check vector arg for contiguous before gemv
                let a = arange::<T>(&[2, 4]);
                let one = arr0(T::from_i64(1)).into_dyn();
                let b = one.broadcast(IxDyn(&[4, 1])).unwrap();
                assert_eq!(b.strides(), &[0, 0]);
                let want: Vec<T> = NO_DGEMV_AB.iter().map(|&x| T::from_f64(x)).collect();
                let ret1 = func(&a.view(), &b).unwrap();
                assert_array(&ret1, &[2, 1], &want, &what("(a, b)"));
                let ret2 = func(&a.view(), &b.to_owned().view()).unwrap();
                assert_array(&ret2, &[2, 1], &want, &what("(a, b.copy())"));

                let want: Vec<T> = NO_DGEMV_BTAT.iter().map(|&x| T::from_f64(x)).collect();
                let ret1 = func(&b.t(), &a.t()).unwrap();
                assert_array(&ret1, &[1, 2], &want, &what("(b.T, a.T)"));
                let bt = b.t().to_owned();
                let ret2 = func(&bt.view(), &a.t()).unwrap();
                assert_array(&ret2, &[1, 2], &want, &what("(b.T.copy(), a.T)"));

                // "check for unaligned data" (aligned here): zeros (2, 4) and its first row
                let a = zeros::<T>(&[2, 4]);
                let b = a.index_axis(Axis(0), 0);
                let ret1 = func(&a.view(), &b).unwrap();
                assert_ints(&ret1, &[2], &[0, 0], &what("(a, a[0])"));
                let ret1 = func(&b.t(), &a.t()).unwrap();
                assert_ints(&ret1, &[2], &[0, 0], &what("(a[0].T, a.T)"));
            }
        }
        check::<i32>();
        check::<f32>();
        check::<f64>();
        check::<Complex<f32>>();
        check::<Complex<f64>>();
    }

    /// `TestMethods::test_dot`
    #[test]
    fn test_dot() {
        let a = arr::<i64>(&[2, 2], &[1, 0, 0, 1]);
        let b = arr::<i64>(&[2, 2], &[0, 1, 1, 0]);
        let c = arr::<i64>(&[2, 2], &[9, 1, 1, -9]);
        // function versus methods
        let ab = [0, 1, 1, 0];
        assert_ints(&npdot::dot(&a, &b).unwrap(), &[2, 2], &ab, "np.dot(a, b)");
        assert_ints(&a.dot(&b).unwrap(), &[2, 2], &ab, "a.dot(b)");
        let abc = [1, -9, 9, 1];
        let r = npdot::dot(&npdot::dot(&a, &b).unwrap(), &c).unwrap();
        assert_ints(&r, &[2, 2], &abc, "np.dot(np.dot(a, b), c)");
        assert_ints(
            &a.dot(&b).unwrap().dot(&c).unwrap(),
            &[2, 2],
            &abc,
            "a.dot(b).dot(c)",
        );

        // test passing in an output array
        let mut c = zeros::<i64>(&[2, 2]);
        npdot::dot_into(&a, &b, &mut c).unwrap();
        assert_ints(&c, &[2, 2], &ab, "a.dot(b, c)");
        // test keyword args
        let mut c = zeros::<i64>(&[2, 2]);
        a.dot_into(&b, &mut c).unwrap();
        assert_ints(&c, &[2, 2], &ab, "a.dot(b=b, out=c)");
    }

    /// `TestMethods::test_dot_errstate` (the NaN results; NumPy's dtypes: half, double,
    /// longdouble; here f32 and f64)
    #[test]
    fn test_dot_errstate() {
        fn check<T: Elem + ndarray::NdFloat>() {
            let a = ArrayD::from_shape_vec(IxDyn(&[2]), vec![T::one(), T::one()]).unwrap();
            let b =
                ArrayD::from_shape_vec(IxDyn(&[2]), vec![-T::infinity(), T::infinity()]).unwrap();
            // there are two paths, depending on the number of dimensions - test them both
            let r = a.dot(&b).unwrap();
            assert_eq!(r.shape(), &[] as &[usize]);
            assert!(r.iter().all(|x| x.is_nan()), "dot(a, b) = {r} (want nan)");
            let r = a.dot(&a).unwrap();
            assert_eq!(r.iter().copied().collect::<Vec<_>>(), [T::one() + T::one()]);

            let a3 = a.view().insert_axis(Axis(0)).insert_axis(Axis(0)); // a[None, None, ...]
            let b3 = b.view().insert_axis(Axis(0)).insert_axis(Axis(2)); // b[None, ..., None]
            let r = a3.dot(&b3).unwrap();
            assert_eq!(r.shape(), &[1, 1, 1, 1]);
            assert!(
                r.iter().all(|x| x.is_nan()),
                "N-D dot(a, b) = {r} (want nan)"
            );
            let a3b = a.view().insert_axis(Axis(0)).insert_axis(Axis(2));
            let r = a3.dot(&a3b).unwrap();
            assert_eq!(r.shape(), &[1, 1, 1, 1]);
            assert_eq!(r.iter().copied().collect::<Vec<_>>(), [T::one() + T::one()]);
        }
        check::<f32>();
        check::<f64>();
    }

    /// `TestMethods::test_dot_out_mem_overlap` (without aliasing: `out` is a separate array)
    #[test]
    fn test_dot_out_mem_overlap() {
        const NOT_ACCEPTABLE: &str = "output array is not acceptable (must have the right \
                                      datatype, number of dimensions, and be a C-Array)";
        /// `a = rand(3, 3).astype(T)`, `b` likewise; `dot(a, b, out=c)` must equal `want`.
        fn check<T: Elem>(want: &[T]) {
            let a = farr::<T>(&[3, 3], &OVERLAP_A);
            let b = farr::<T>(&[3, 3], &OVERLAP_B);
            let mut c = zeros::<T>(&[3, 3]);
            npdot::dot_into(&a, &b, &mut c).unwrap();
            let what = format!("dot(a, b, out=c) {}", T::DTYPE);
            assert_eq!(c.shape(), &[3, 3], "{what}");
            for (i, (&g, &w)) in c.iter().zip(want).enumerate() {
                // floats: within a few ulps of NumPy's (BLAS) result
                assert!(
                    g.approx_eq(w, 1e-6),
                    "{what}: element {i}: got {g:?}, want {w:?}"
                );
            }
            // Check invalid output array
            let mut c = zeros::<T>(&[3, 3]);
            let mut c2 = c.slice_mut(s![..;2, ..]);
            assert_err(
                npdot::dot_into(&a, &b, &mut c2),
                NOT_ACCEPTABLE,
                "out=b[::2]",
            );
            let mut ct = c.view_mut().reversed_axes();
            assert_err(npdot::dot_into(&a, &b, &mut ct), NOT_ACCEPTABLE, "out=b.T");
        }
        let f64s = OVERLAP_F64.to_vec();
        let f32s = OVERLAP_F32.to_vec();
        let c64: Vec<Complex<f64>> = f64s.iter().map(|&x| Complex::new(x, 0.0)).collect();
        let c32: Vec<Complex<f32>> = f32s.iter().map(|&x| Complex::new(x, 0.0)).collect();
        check::<f64>(&f64s);
        check::<f32>(&f32s);
        check::<Complex<f64>>(&c64);
        check::<Complex<f32>>(&c32);
        // rand() < 1 truncates to 0 for the integers; every value is non-zero, so True for bool
        check::<i8>(&[0; 9]);
        check::<i16>(&[0; 9]);
        check::<i32>(&[0; 9]);
        check::<i64>(&[0; 9]);
        check::<isize>(&[0; 9]);
        check::<u8>(&[0; 9]);
        check::<u16>(&[0; 9]);
        check::<u32>(&[0; 9]);
        check::<u64>(&[0; 9]);
        check::<usize>(&[0; 9]);
        check::<bool>(&[true; 9]);
    }

    /// `TestMethods::test_dot_matmul_out`: "make sure out can be any ndarray (not only subclass
    /// of inputs)": here inputs are `ArcArray`/`CowArray`, `out` an owned array and a view.
    #[test]
    fn test_dot_matmul_out() {
        let a = ones::<f64>(&[2, 2]).into_shared();
        let b = ndarray::CowArray::from(ones::<f64>(&[2, 2]));
        let mut out = ones::<f64>(&[2, 2]);
        a.dot_into(&b, &mut out).unwrap();
        assert_ints(&out, &[2, 2], &[2; 4], "np.dot(a, b, out=out)");
        out.fill(1.0);
        a.matmul_into(&b, &mut out.view_mut()).unwrap();
        assert_ints(&out, &[2, 2], &[2; 4], "np.matmul(a, b, out=out)");
    }

    /// `TestMethods::test_matmul_out` (without aliasing: the result goes to a separate array,
    /// then to the reversed view `out[::-1, ...]` of one)
    #[test]
    fn test_matmul_out() {
        fn check<T: Elem>() {
            let a = arange::<T>(&[2, 3, 3]);
            let mut c = zeros::<T>(&[2, 3, 3]);
            a.matmul_into(&a, &mut c).unwrap();
            assert_ints(&c, &[2, 3, 3], &MATMUL_OUT, "matmul(a, a, out=c)");
            let mut c = zeros::<T>(&[2, 3, 3]);
            let mut rev = c.slice_mut(s![..;-1, .., ..]);
            npdot::matmul_into(&a, &a, &mut rev).unwrap();
            let rev = rev.to_owned().into_dyn();
            assert_ints(
                &rev,
                &[2, 3, 3],
                &MATMUL_OUT,
                "matmul(a, a, out=c[::-1, ...])",
            );
            let mut flipped = MATMUL_OUT[9..].to_vec();
            flipped.extend_from_slice(&MATMUL_OUT[..9]);
            assert_ints(&c, &[2, 3, 3], &flipped, "the buffer behind c[::-1, ...]");
        }
        for_all_types!(check);
    }
}

mod test_writeback_if_copy {
    //! `TestWritebackIfCopy`.
    use super::*;

    /// `TestWritebackIfCopy::test_dot_out` (without aliasing: `out` is a separate array)
    #[test]
    fn test_dot_out() {
        let a = arange::<f64>(&[3, 3]);
        let mut b = zeros::<f64>(&[3, 3]);
        a.dot_into(&a, &mut b).unwrap();
        let want = [15, 18, 21, 42, 54, 66, 69, 90, 111];
        assert_ints(&b, &[3, 3], &want, "np.dot(a, a, out=b)");
    }
}

// ---------------------------------------------------------------------------------------------
// Values computed with numpy 2.4.6; regenerate with scripts/numpy_ported_values.py.

#[rustfmt::skip]
mod values {
// BEGIN GENERATED by scripts/numpy_ported_values.py
/// `TestDot._create_data`: `RandomState(128)`: A (4,2), b1 (2,1), b2 (2,), b3 (1,2), b4 (4,).
pub const DOT_A: [f64; 8] = [0.8666370428503979, 0.2631448495974139, 0.131408478173487, 0.041593443747687364, 0.23892433469051455, 0.6454746004955415, 0.7905993520222332, 0.6014424381923764];
pub const DOT_B1: [f64; 2] = [0.33429937148835265, 0.11942846158833154];
pub const DOT_B2: [f64; 2] = [0.30913305250605294, 0.10972378522258008];
pub const DOT_B3: [f64; 2] = [0.6021133114626169, 0.25128495916256977];
pub const DOT_B4: [f64; 4] = [0.2996812876134075, 0.5171160025357018, 0.7152025170066445, 0.9314494030471506];
/// `TestDot.test_dotvecscalar`: `RandomState(100)`: b1 (1,1), b2 (1,4).
pub const VECSCALAR_B1: [f64; 1] = [0.5434049417909654];
pub const VECSCALAR_B2: [f64; 4] = [0.27836938509379616, 0.4245175907491331, 0.8447761323199037, 0.004718856190972565];
/// `TestDot.test_dotvecscalar2`: `RandomState(100)`: b1 (4,1), b2 (1,1).
pub const VECSCALAR2_B1: [f64; 4] = [0.5434049417909654, 0.27836938509379616, 0.4245175907491331, 0.8447761323199037];
pub const VECSCALAR2_B2: [f64; 1] = [0.004718856190972565];
/// `TestDot.test_dot_3args`: digests of `dot(f, v)` (1024,32) and `dot(f, v[:, 0])` (1024,),
/// `f[i, j] = (7i + 3j) % 11 - 5`, `v[j, k] = (5j + k) % 13 - 6`.
pub const DOT3_MAT: [i128; 4] = [48, 31238, 36, -20];
pub const DOT3_VEC: [i128; 4] = [36, 504, 36, 36];
/// `TestDot.test_accelerate_framework_sgemv_fix`: digests of the float64 `desired` for
/// m = 10000, n in (200, 89): `A[i, j] = (7i + 13j) % 17 - 8`, `X[j] = 5j % 11 - 5`;
/// order: full, `A[::2]·X`, `A[::2, ::2]·X[::2]`, `A[:, ::2]·X[::2]`.
pub const SGEMV_200: [[i128; 4]; 4] = [[65, 3538, -12, 70], [8, -3111, -12, 20], [-181, -10557, -98, -83], [27, -2328, -98, 120]];
pub const SGEMV_89: [[i128; 4]; 4] = [[139, -11956, -36, 80], [28, -7140, -36, 64], [-73, -19482, -78, 5], [73, -5640, -78, 72]];
/// `TestMatmul.test_dot_equivalent`: (a, b, shape of `matmul(a, b)`, its values), each
/// also equal to `dot(a, b)` in NumPy.
pub const DOT_EQUIVALENT: &[(&str, &str, &[usize], &[f64])] = &[
    ("m1", "m2", &[5, 7], &[35.0, 38.0, 41.0, 44.0, 47.0, 50.0, 53.0, 98.0, 110.0, 122.0, 134.0, 146.0, 158.0, 170.0, 161.0, 182.0, 203.0, 224.0, 245.0, 266.0, 287.0, 224.0, 254.0, 284.0, 314.0, 344.0, 374.0, 404.0, 287.0, 326.0, 365.0, 404.0, 443.0, 482.0, 521.0]),
    ("m2.T", "m1.T", &[7, 5], &[35.0, 98.0, 161.0, 224.0, 287.0, 38.0, 110.0, 182.0, 254.0, 326.0, 41.0, 122.0, 203.0, 284.0, 365.0, 44.0, 134.0, 224.0, 314.0, 404.0, 47.0, 146.0, 245.0, 344.0, 443.0, 50.0, 158.0, 266.0, 374.0, 482.0, 53.0, 170.0, 287.0, 404.0, 521.0]),
    ("m2.T.copy()", "m1.T", &[7, 5], &[35.0, 98.0, 161.0, 224.0, 287.0, 38.0, 110.0, 182.0, 254.0, 326.0, 41.0, 122.0, 203.0, 284.0, 365.0, 44.0, 134.0, 224.0, 314.0, 404.0, 47.0, 146.0, 245.0, 344.0, 443.0, 50.0, 158.0, 266.0, 374.0, 482.0, 53.0, 170.0, 287.0, 404.0, 521.0]),
    ("m2.T", "m1.T.copy()", &[7, 5], &[35.0, 98.0, 161.0, 224.0, 287.0, 38.0, 110.0, 182.0, 254.0, 326.0, 41.0, 122.0, 203.0, 284.0, 365.0, 44.0, 134.0, 224.0, 314.0, 404.0, 47.0, 146.0, 245.0, 344.0, 443.0, 50.0, 158.0, 266.0, 374.0, 482.0, 53.0, 170.0, 287.0, 404.0, 521.0]),
    ("m1", "m1.T", &[5, 5], &[5.0, 14.0, 23.0, 32.0, 41.0, 14.0, 50.0, 86.0, 122.0, 158.0, 23.0, 86.0, 149.0, 212.0, 275.0, 32.0, 122.0, 212.0, 302.0, 392.0, 41.0, 158.0, 275.0, 392.0, 509.0]),
    ("m1.T", "m1", &[3, 3], &[270.0, 300.0, 330.0, 300.0, 335.0, 370.0, 330.0, 370.0, 410.0]),
    ("m1", "m3.T", &[5, 5], &[10.0, 28.0, 46.0, 64.0, 82.0, 28.0, 100.0, 172.0, 244.0, 316.0, 46.0, 172.0, 298.0, 424.0, 550.0, 64.0, 244.0, 424.0, 604.0, 784.0, 82.0, 316.0, 550.0, 784.0, 1018.0]),
    ("m3", "m1.T", &[5, 5], &[10.0, 28.0, 46.0, 64.0, 82.0, 28.0, 100.0, 172.0, 244.0, 316.0, 46.0, 172.0, 298.0, 424.0, 550.0, 64.0, 244.0, 424.0, 604.0, 784.0, 82.0, 316.0, 550.0, 784.0, 1018.0]),
    ("m3", "m3.T", &[5, 5], &[20.0, 56.0, 92.0, 128.0, 164.0, 56.0, 200.0, 344.0, 488.0, 632.0, 92.0, 344.0, 596.0, 848.0, 1100.0, 128.0, 488.0, 848.0, 1208.0, 1568.0, 164.0, 632.0, 1100.0, 1568.0, 2036.0]),
    ("m3.T", "m3", &[3, 3], &[1080.0, 1200.0, 1320.0, 1200.0, 1340.0, 1480.0, 1320.0, 1480.0, 1640.0]),
    ("m3", "m2", &[5, 7], &[70.0, 76.0, 82.0, 88.0, 94.0, 100.0, 106.0, 196.0, 220.0, 244.0, 268.0, 292.0, 316.0, 340.0, 322.0, 364.0, 406.0, 448.0, 490.0, 532.0, 574.0, 448.0, 508.0, 568.0, 628.0, 688.0, 748.0, 808.0, 574.0, 652.0, 730.0, 808.0, 886.0, 964.0, 1042.0]),
    ("m2.T", "m3.T", &[7, 5], &[70.0, 196.0, 322.0, 448.0, 574.0, 76.0, 220.0, 364.0, 508.0, 652.0, 82.0, 244.0, 406.0, 568.0, 730.0, 88.0, 268.0, 448.0, 628.0, 808.0, 94.0, 292.0, 490.0, 688.0, 886.0, 100.0, 316.0, 532.0, 748.0, 964.0, 106.0, 340.0, 574.0, 808.0, 1042.0]),
    ("m2.T.copy()", "m3.T", &[7, 5], &[70.0, 196.0, 322.0, 448.0, 574.0, 76.0, 220.0, 364.0, 508.0, 652.0, 82.0, 244.0, 406.0, 568.0, 730.0, 88.0, 268.0, 448.0, 628.0, 808.0, 94.0, 292.0, 490.0, 688.0, 886.0, 100.0, 316.0, 532.0, 748.0, 964.0, 106.0, 340.0, 574.0, 808.0, 1042.0]),
    ("m1", "vr[:3]", &[5], &[5.0, 14.0, 23.0, 32.0, 41.0]),
    ("vc[:5]", "m1", &[3], &[90.0, 100.0, 110.0]),
    ("m1.T", "vc[:5]", &[3], &[90.0, 100.0, 110.0]),
    ("vr[:3]", "m1.T", &[5], &[5.0, 14.0, 23.0, 32.0, 41.0]),
    ("m1", "vr[::2]", &[5], &[10.0, 28.0, 46.0, 64.0, 82.0]),
    ("vc[::2]", "m1", &[3], &[180.0, 200.0, 220.0]),
    ("m1.T", "vc[::2]", &[3], &[180.0, 200.0, 220.0]),
    ("vr[::2]", "m1.T", &[5], &[10.0, 28.0, 46.0, 64.0, 82.0]),
    ("m3", "vr[:3]", &[5], &[10.0, 28.0, 46.0, 64.0, 82.0]),
    ("vc[:5]", "m3", &[3], &[180.0, 200.0, 220.0]),
    ("m3.T", "vc[:5]", &[3], &[180.0, 200.0, 220.0]),
    ("vr[:3]", "m3.T", &[5], &[10.0, 28.0, 46.0, 64.0, 82.0]),
    ("m3", "vr[::2]", &[5], &[20.0, 56.0, 92.0, 128.0, 164.0]),
    ("vc[::2]", "m3", &[3], &[360.0, 400.0, 440.0]),
    ("m3.T", "vc[::2]", &[3], &[360.0, 400.0, 440.0]),
    ("vr[::2]", "m3.T", &[5], &[20.0, 56.0, 92.0, 128.0, 164.0]),
    ("m0", "m0.T", &[3, 3], &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
    ("m0.T", "m0", &[0, 0], &[]),
    ("m1", "m0", &[5, 0], &[]),
    ("m0.T", "m1.T", &[0, 5], &[]),
];
/// `TestMatmul.test_dot_equivalent_matrix_matrix_blastypes`: `dot(m1, m2)` (5,7), real, and
/// with `1j` added to both operands (re, im).
pub const BLASTYPES_REAL: [f64; 35] = [35.0, 38.0, 41.0, 44.0, 47.0, 50.0, 53.0, 98.0, 110.0, 122.0, 134.0, 146.0, 158.0, 170.0, 161.0, 182.0, 203.0, 224.0, 245.0, 266.0, 287.0, 224.0, 254.0, 284.0, 314.0, 344.0, 374.0, 404.0, 287.0, 326.0, 365.0, 404.0, 443.0, 482.0, 521.0];
pub const BLASTYPES_COMPLEX_RE: [f64; 35] = [32.0, 35.0, 38.0, 41.0, 44.0, 47.0, 50.0, 95.0, 107.0, 119.0, 131.0, 143.0, 155.0, 167.0, 158.0, 179.0, 200.0, 221.0, 242.0, 263.0, 284.0, 221.0, 251.0, 281.0, 311.0, 341.0, 371.0, 401.0, 284.0, 323.0, 362.0, 401.0, 440.0, 479.0, 518.0];
pub const BLASTYPES_COMPLEX_IM: [f64; 35] = [24.0, 27.0, 30.0, 33.0, 36.0, 39.0, 42.0, 33.0, 36.0, 39.0, 42.0, 45.0, 48.0, 51.0, 42.0, 45.0, 48.0, 51.0, 54.0, 57.0, 60.0, 51.0, 54.0, 57.0, 60.0, 63.0, 66.0, 69.0, 60.0, 63.0, 66.0, 69.0, 72.0, 75.0, 78.0];
/// `TestMatmul.test_matmul_bool`: `d` (4,5) from `default_rng(PCG64(43))`, and
/// `matmul(d, d.reshape(5, 4))` (4,4).
pub const MATMUL_BOOL_D: [bool; 20] = [false, true, false, true, true, false, true, true, true, false, true, false, false, true, false, false, true, false, true, true];
pub const MATMUL_BOOL_OUT: [bool; 16] = [true, true, true, true, true, true, true, true, false, true, false, true, true, true, true, true];
pub const MATMUL_BOOL_AA: [bool; 4] = [true, false, true, true];
/// `test_matmul_axes`: `c` (3,4,4) and `f` (4,5).
pub const MATMUL_AXES_C: [i64; 48] = [30, 80, 130, 180, 80, 255, 430, 605, 130, 430, 730, 1030, 180, 605, 1030, 1455, 2430, 2980, 3530, 4080, 2980, 3655, 4330, 5005, 3530, 4330, 5130, 5930, 4080, 5005, 5930, 6855, 8830, 9880, 10930, 11980, 9880, 11055, 12230, 13405, 10930, 12230, 13530, 14830, 11980, 13405, 14830, 16255];
pub const MATMUL_AXES_F: [i64; 20] = [100, 103, 106, 109, 112, 115, 118, 121, 124, 127, 130, 133, 136, 139, 142, 145, 148, 151, 154, 157];
/// `TestMatmulInplace.test_shapes`, as `np.matmul(a, b, out=<array shaped like a>)`:
/// (name, a shape, b shape, Ok(digest of out) or Err(NumPy's message)).
pub type InplaceCase = (&'static str, &'static [usize], &'static [usize], Result<[i128; 4], &'static str>);
pub const INPLACE_SHAPES: &[InplaceCase] = &[
    ("2d_large", &[100000, 10], &[10, 10], Ok([247500577500000, 12622933702054500, 2850, 539997855])),
    ("3d_large", &[10000, 10, 10], &[1, 10, 10], Ok([247500577500000, 12622933702054500, 2850, 539997855])),
    ("1d", &[3], &[3], Ok([15, 30, 5, 5])),
    ("2d_1d", &[3, 3], &[3], Ok([126, 684, 5, 23])),
    ("1d_2d", &[3], &[3, 3], Ok([54, 114, 15, 21])),
    ("2d_broadcast", &[3, 3], &[3, 1], Err("matmul: Output operand 0 has a mismatch in its core dimension 1, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 1)")),
    ("2d_broadcast_reverse", &[1, 3], &[3, 3], Ok([54, 114, 15, 21])),
    ("3d_broadcast1", &[3, 3, 3], &[1, 3, 1], Err("matmul: Output operand 0 has a mismatch in its core dimension 1, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 1)")),
    ("3d_broadcast2", &[3, 3, 3], &[1, 3, 3], Ok([4374, 81378, 15, 381])),
    ("3d_broadcast3", &[3, 3, 3], &[3, 3, 1], Err("matmul: Output operand 0 has a mismatch in its core dimension 1, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 1)")),
    ("3d_broadcast_reverse1", &[1, 3, 3], &[3, 3, 3], Err("non-broadcastable output operand with shape (1,3,3) [remapped to (3,3,1)] doesn't match the broadcast shape (3,3,3)")),
    ("3d_broadcast_reverse2", &[3, 1, 3], &[3, 3, 3], Ok([1944, 13842, 15, 489])),
    ("3d_broadcast_reverse3", &[1, 1, 3], &[3, 3, 3], Err("non-broadcastable output operand with shape (1,1,3) [remapped to (3,1,1)] doesn't match the broadcast shape (3,1,3)")),
];
/// `TestMethods.test_dot_out_mem_overlap`: `a`, `b` from `np.random.seed(1); rand(3, 3)`
/// twice, and `dot(a, b)` in float64 and float32.
pub const OVERLAP_A: [f64; 9] = [0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977, 0.14675589081711304, 0.0923385947687978, 0.1862602113776709, 0.34556072704304774, 0.39676747423066994];
pub const OVERLAP_B: [f64; 9] = [0.538816734003357, 0.4191945144032948, 0.6852195003967595, 0.20445224973151743, 0.8781174363909454, 0.027387593197926163, 0.6704675101784022, 0.41730480236712697, 0.5586898284457517];
pub const OVERLAP_F64: [f64; 9] = [0.3720470824013507, 0.8073905634683661, 0.30554346396072984, 0.2548164491352406, 0.2941384016331471, 0.262772098679856, 0.4370304873993121, 0.547095131029084, 0.3587631577122242];
pub const OVERLAP_F32: [f32; 9] = [0.3720471, 0.8073906, 0.30554345, 0.25481647, 0.2941384, 0.2627721, 0.4370305, 0.5470952, 0.35876316];
/// `TestMethods.test_matmul_out`: `matmul(a, a)`, `a = arange(18).reshape(2, 3, 3)`.
pub const MATMUL_OUT: [i64; 18] = [15, 18, 21, 42, 54, 66, 69, 90, 111, 366, 396, 426, 474, 513, 552, 582, 630, 678];
/// `TestMethods.test_arr_mult`: (a, b, shape, `a @ b`) for the view cases on
/// `d = arange(24).reshape(4, 6)` (the same for `dot` and `matmul`).
pub const ARR_MULT_VIEWS: &[(&str, &str, &[usize], &[i64])] = &[
    ("d[::-1, :]", "d.T", &[4, 4], &[325, 1063, 1801, 2539, 235, 757, 1279, 1801, 145, 451, 757, 1063, 55, 145, 235, 325]),
    ("d[:, ::-1]", "d.T", &[4, 4], &[20, 110, 200, 290, 110, 416, 722, 1028, 200, 722, 1244, 1766, 290, 1028, 1766, 2504]),
    ("d", "d[::-1, :].T", &[4, 4], &[325, 235, 145, 55, 1063, 757, 451, 145, 1801, 1279, 757, 235, 2539, 1801, 1063, 325]),
    ("d", "d[:, ::-1].T", &[4, 4], &[20, 110, 200, 290, 110, 416, 722, 1028, 200, 722, 1244, 1766, 290, 1028, 1766, 2504]),
    ("d[:2, :]", "d[::2, :].T", &[2, 2], &[55, 235, 145, 757]),
    ("d[::2, :]", "d[:2, :].T", &[2, 2], &[55, 145, 235, 757]),
];
/// `TestMethods.test_no_dgemv`: `a @ b` and `b.T @ a.T` for `a = arange(8.).reshape(2, 4)`,
/// `b = broadcast_to(1., (4, 1))`.
pub const NO_DGEMV_AB: [f64; 2] = [6.0, 22.0];
pub const NO_DGEMV_BTAT: [f64; 2] = [6.0, 22.0];
// END GENERATED
}
