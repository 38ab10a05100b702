//! # npdot — NumPy's `dot`, `inner` and `matmul` for `ndarray`
//!
//! ```python
//! # NumPy
//! c = a @ b                 # np.matmul(a, b)
//! d = np.dot(a, b)
//! e = np.inner(a, b)
//! np.matmul(a, b, out=out)
//! ```
//!
//! ```
//! # fn main() -> Result<(), npdot::Error> {
//! use ndarray::{ArrayD, IxDyn};
//! use npdot::prelude::*;
//!
//! let a = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1i64, 2, 3, 4]).unwrap();
//! let b = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![11i64, 12, 13, 14]).unwrap();
//!
//! let c = a.matmul(&b)?;                       // a @ b
//! assert_eq!(c.as_slice().unwrap(), &[37, 40, 85, 92]);
//! let d = a.dot(&b)?;                          // np.dot(a, b)
//! assert_eq!(d, c);
//! let e = a.inner(&b)?;                        // np.inner(a, b)
//! assert_eq!(e.as_slice().unwrap(), &[35, 41, 81, 95]);
//!
//! let mut out = ArrayD::<i64>::zeros(IxDyn(&[2, 2]));
//! a.matmul_into(&b, &mut out.view_mut())?;     // np.matmul(a, b, out=out)
//! assert_eq!(out, c);
//!
//! // Errors carry NumPy's exact message.
//! let v = ArrayD::from_shape_vec(IxDyn(&[3]), vec![1i64, 2, 3]).unwrap();
//! let err = a.matmul(&v).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \
//!      (n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)"
//! );
//! # Ok(())
//! # }
//! ```
//!
//! ## What you get
//!
//! * [`prelude::Products`], an extension trait on every `ArrayBase<S, D>` (owned arrays,
//!   views, `ArcArray`, `CowArray`; `Array1` … `Array6` and `ArrayD`): `dot`, `inner`,
//!   `matmul`, `dot_into`, `matmul_into`.
//! * Free functions [`dot`], [`inner`], [`matmul`], [`dot_into`], [`matmul_into`] that accept
//!   arrays of any dimension type (`Array1`, `Array2`, `ArrayD`, views...).
//! * Static dimensions in, static dimensions out ([`dims`]): the result's dimension type follows
//!   from the operands' at compile time — `Array2 @ Array2` is an `Array2`, `Array2 @ Array1` an
//!   `Array1`, `Array1 · Array1` the scalar `T`, `Array3 @ Array2` an `Array3`; `ArrayD` on
//!   either side gives `ArrayD` (a 0-D one for two 1-D operands). `matmul` with a static 0-D
//!   operand does not compile. With the prelude imported, `a.dot(&b)` on an `Array1`/`Array2`
//!   is npdot's (ndarray's own inherent `dot` lives on `ArrayRef`, which Rust tries later);
//!   `npdot::dot(&a, &b)` and `Products::dot(&a, &b)` say so explicitly, and
//!   `ndarray::linalg::Dot::dot(&a, &b)` calls ndarray's.
//!
//! ```
//! # fn main() -> Result<(), npdot::Error> {
//! use ndarray::{array, Array1, Array2};
//! use npdot::prelude::*;
//!
//! let a: Array2<f64> = array![[1., 2.], [3., 4.]];
//! let x: Array1<f64> = array![1., 1.];
//! let y: Array1<f64> = a.matmul(&x)?;      // no run-time dimension check, no `IxDyn`
//! let s: f64 = npdot::dot(&x, &y)?;       // the scalar
//! assert_eq!((y, s), (array![3., 7.], 10.));
//! # Ok(())
//! # }
//! ```
//! * NumPy's rules: N-D `dot` (last axis of `a` with the second-to-last of `b`), N-D `inner`
//!   (last axes), 0-D operands multiply in `dot`/`inner` and are rejected by `matmul`, `matmul`'s
//!   1-D promotion and batch broadcasting, zero-size dimensions, `out=` rules.
//! * Every [`Element`] type: `f32`, `f64`, `Complex<f32>`, `Complex<f64>` go to BLAS
//!   (`?gemm`, `?gemv`, `?dot[u]`, `?syrk`) with transpose flags rather than copies; integers wrap
//!   on overflow as NumPy's do; `bool` is the OR of ANDs. Complex products never conjugate.
//! * [`Error`], whose `Display` is NumPy 2.x's `ValueError` message, byte for byte.
//!
//! ## How it is built
//!
//! Three layers, each its own module: `shape` (pure functions from shapes to output shapes or
//! errors), `plan` (layout analysis: which BLAS call, which transposes, which operand must be
//! copied once) and `kernels` (BLAS FFI and our own integer/bool kernels; all `unsafe` lives
//! there).
#![deny(unsafe_op_in_unsafe_fn)]
// `unsafe` only in `kernels` (allowed there alone), and every block with a `// SAFETY:` proof.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

mod api;
mod element;
mod error;
#[allow(unsafe_code)]
mod kernels;
mod plan;
mod shape;
// ---- modules: np.linalg ----

// ---- modules: einsum ----
mod einsum;

pub use api::{dot, dot_into, inner, matmul, matmul_into};
// ---- static dimensions ----
pub use api::dims;
// ---- product family ----
pub use api::{ProductFamily, kron, matvec, outer, tensordot, vdot, vecdot, vecmat};
pub use shape::tensordot::Axes;

// ---- np.linalg ----
pub use api::linalg;

// ---- einsum ----
pub use einsum::{Optimize, einsum, einsum_path};

pub use element::Element;
#[doc(hidden)]
pub use element::Kind;
pub use error::{Error, RemappedDim, RemappedShape, fmt_shape};

/// The one import users need: `use npdot::prelude::*;`.
pub mod prelude {
    pub use crate::api::Products;
    // ---- product family ----
    pub use crate::api::ProductFamily;
    pub use crate::element::Element;
    pub use crate::error::Error;
}

/// Knobs for tests and tuning. Not part of the stable API.
#[doc(hidden)]
pub mod tuning {
    pub use crate::kernels::choice::{GemmKernel, blas_core_name, gemm_kernel, set_gemm_kernel};
    pub use crate::kernels::cpu::set_avx512;
    pub use crate::kernels::mem::{alloc_limit, set_alloc_limit};
    pub use crate::kernels::threads::{set_spin_wait, spin_wait};
    pub use crate::kernels::{blas_dim_limit, set_blas_dim_limit};
    pub use crate::plan::copied::bytes_copied;
}
