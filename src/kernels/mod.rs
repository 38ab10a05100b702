//! Layer 3 — kernels. Everything that touches raw memory lives here, and only here.
//!
//! * [`batch`] walks a stack of 2-D cores (pointer arithmetic over batch strides) and hands each
//!   core to the element type's 2-D kernel.
//! * `blas` (feature `blas`): CBLAS `?gemm`, `?gemv`, `?dot[u]`, `?syrk` for the four float types.
//! * [`float`]: pure-Rust float kernels (`matrixmultiply`), used without BLAS and for layouts
//!   BLAS cannot take.
//! * [`generic`]: integer and `bool` kernels with NumPy's wrap-around arithmetic.
//!
//! The interface of every 2-D kernel is narrow: `c = a · b` on ndarray 2-D views (pointer,
//! dims, strides), `c` overwritten.

use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) mod batch;
#[cfg(feature = "blas")]
pub(crate) mod blas;
pub(crate) mod float;
pub(crate) mod generic;

/// Largest dimension passed to one BLAS call (BLAS takes 32-bit ints here: LP64 OpenBLAS).
static BLAS_DIM_LIMIT: AtomicUsize = AtomicUsize::new(i32::MAX as usize);

/// The largest `m`, `n` or `k` npdot passes to a single BLAS call; larger products are split
/// into several calls. Defaults to `i32::MAX`.
pub fn blas_dim_limit() -> usize {
    BLAS_DIM_LIMIT.load(Ordering::Relaxed)
}

/// Lowers (or restores) the per-call BLAS dimension limit, clamped to `1..=i32::MAX`. Splitting
/// is exact, so this only changes how many BLAS calls are made; tests use it to force splits.
pub fn set_blas_dim_limit(limit: usize) {
    BLAS_DIM_LIMIT.store(limit.clamp(1, i32::MAX as usize), Ordering::Relaxed);
}
