//! `np.linalg`'s matrix and vector products: `npdot::linalg::X` is `np.linalg.X`.
//!
//! ```
//! # fn main() -> Result<(), npdot::Error> {
//! use ndarray::array;
//! use npdot::linalg;
//!
//! let a = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
//! let b = array![[0.0, 1.0], [1.0, 0.0]].into_dyn();
//! let c = array![1.0, 1.0].into_dyn();
//! // NumPy's cheapest order: here a · (b · c).
//! let m = linalg::multi_dot(&[a.view(), b.view(), c.view()])?;
//! assert_eq!(m, array![3.0, 7.0].into_dyn());
//! // Negative powers invert first (LAPACK ?gesv).
//! let p = linalg::matrix_power(&b, -3)?;
//! assert_eq!(p, b);
//! let x = linalg::cross(&array![1, 0, 0], &array![0, 1, 0], -1)?;
//! assert_eq!(x, array![0, 0, 1].into_dyn());
//! # Ok(())
//! # }
//! ```

use ndarray::{ArrayBase, ArrayD, Data, Dimension};

use crate::element::Element;
use crate::error::Error;
use crate::plan::linalg as plan;

pub use crate::plan::linalg::LinalgElement;

// ---- np.linalg: outer, tensordot, vecdot ----
pub use crate::api::family_linalg::{outer, tensordot, vecdot};

/// `np.linalg.multi_dot(arrays)`: the product of two or more arrays in the cheapest order,
/// chosen exactly as NumPy chooses it (same parenthesization, so the same rounding).
///
/// Two arrays are `np.dot(a, b)` (any dimensions). With three or more, the first may be 1-D (a
/// row vector) and the last 1-D (a column vector), all others 2-D; the result drops the added
/// axes (both 1-D: a 0-D array). Each step is one `np.dot` on views, no copies of the inputs.
///
/// ```
/// use ndarray::{Array2, array};
/// let a = Array2::<f64>::ones((10, 100));
/// let b = Array2::<f64>::ones((100, 5));
/// let c = Array2::<f64>::ones((5, 50));
/// let m = npdot::linalg::multi_dot(&[a.view(), b.view(), c.view()]).unwrap(); // (ab)c
/// assert_eq!(m.shape(), &[10, 50]);
/// assert_eq!(m[[0, 0]], 500.0);
/// let e = npdot::linalg::multi_dot(&[a.view()]).unwrap_err();
/// assert_eq!(e.to_string(), "Expecting at least two arrays.");
/// ```
///
/// Errors (NumPy's texts): `Expecting at least two arrays.` (`ValueError`),
/// `3-dimensional array given. Array must be two-dimensional` (`LinAlgError`), and `np.dot`'s
/// `shapes (2,2) and (3,1) not aligned: ...` for the first misaligned product in NumPy's order.
pub fn multi_dot<T, S, D>(arrays: &[ArrayBase<S, D>]) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S: Data<Elem = T>,
    D: Dimension,
{
    plan::multi_dot(arrays)
}

/// `np.linalg.matrix_power(a, n)`: `a` (shape `(..., m, m)`) to the integer power `n`, by
/// NumPy's repeated squaring (the same products in the same order); `n == 0` gives identity
/// matrices, `n < 0` the power of the inverse.
///
/// The inverse is LAPACK's `?gesv` on the identity (the Rust LU with partial pivoting without
/// the `blas` feature), computed in double precision for `f32`/`Complex<f32>` as NumPy does.
/// NumPy returns `float64` for integer and `bool` matrices with `n < 0`: npdot returns
/// [`Error::InverseDtype`] then (after NumPy's shape errors), convert first:
///
/// ```
/// use ndarray::array;
/// let a = array![[2, 0], [0, 4]];
/// assert_eq!(npdot::linalg::matrix_power(&a, 3).unwrap(), array![[8, 0], [0, 64]].into_dyn());
/// assert!(npdot::linalg::matrix_power(&a, -1).is_err());
/// let inv = npdot::linalg::matrix_power(&a.mapv(|x| x as f64), -1).unwrap();
/// assert_eq!(inv, array![[0.5, 0.0], [0.0, 0.25]].into_dyn());
/// ```
///
/// Errors (NumPy's `LinAlgError` texts): `1-dimensional array given. Array must be at least
/// two-dimensional`, `Last 2 dimensions of the array must be square`, `Singular matrix`.
pub fn matrix_power<T, S, D>(a: &ArrayBase<S, D>, n: i64) -> Result<ArrayD<T>, Error>
where
    T: LinalgElement,
    S: Data<Elem = T>,
    D: Dimension,
{
    plan::matrix_power(a.view().into_dyn(), n)
}

/// `np.linalg.cross(a, b, axis=axis)`: cross products of 3-vectors along `axis` of both arrays
/// (negative counts from the end), the other axes broadcast; the result has the vector axis at
/// `axis` too.
///
/// ```
/// use ndarray::array;
/// let a = array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
/// let b = array![0.0, 0.0, 1.0];
/// let c = npdot::linalg::cross(&a, &b, -1).unwrap();
/// assert_eq!(c, array![[0.0, -1.0, 0.0], [1.0, 0.0, 0.0]].into_dyn());
/// ```
///
/// Errors: NumPy's `ValueError` texts (`Both input arrays must be (arrays of) 3-dimensional
/// vectors, ...`, `shape mismatch: objects cannot be broadcast to a single shape. ...`), its
/// `TypeError` for `bool` (no subtraction), and [`Error::CrossAxisOutOfRange`] where NumPy
/// raises a bare `IndexError`.
pub fn cross<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    axis: isize,
) -> Result<ArrayD<T>, Error>
where
    T: LinalgElement,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    plan::cross(a.view().into_dyn(), b.view().into_dyn(), axis)
}

/// `np.linalg.matmul(a, b)`: the same function as [`crate::matmul`].
pub use crate::api::products::matmul;
