//! Integer and `bool` matrix products with NumPy's semantics: wrapping arithmetic in the
//! element type (bit-exact with NumPy), OR of ANDs for `bool`.
//!
//! NumPy multiplies integer matrices with a naive triple loop; these kernels use the
//! BLIS / `matrixmultiply` structure instead:
//!
//! * **Lanes** (`lane`): every element type is computed in one of three unsigned lane types
//!   (`u16` for 8- and 16-bit elements, `u32`, `u64`) and truncated back; wrapping arithmetic
//!   makes that exact.
//! * **Packing** (`pack`): blocks of `A` and `B` are copied from their strided views (any
//!   strides: negative, zero, stepped) into contiguous, zero-padded panels.
//! * **Micro-kernels** (`kernel`, `avx2`): a register tile of `C` is accumulated over a packed
//!   panel pair. AVX2 kernels are chosen at runtime; a portable kernel runs everywhere else.
//! * **Driver** (`packed`): cache blocking and the split of `C` over threads (`kernels::threads`) for large products.
//! * **Small products** (`small`): tiny products skip packing (direct loop), and matrix ×
//!   vector products take one vectorized pass.
//! * **bool** (`boolean`): bit-packed rows, word-wise OR with early exit.
//!
//! Layout contract of both entry points: `a` is m×k, `b` k×n, `c` m×n; `a` and `b` may have any
//! strides a valid ndarray view can have; `c`'s elements never alias each other nor `a`/`b`
//! (a mutable view guarantees that). `c` is overwritten (it need not be initialised to zero).

#[cfg(target_arch = "x86_64")]
mod avx2;
mod boolean;
mod kernel;
mod lane;
mod pack;
mod packed;
mod small;
#[cfg(test)]
mod tests;

use ndarray::{ArrayView2, ArrayViewMut2};

pub(crate) use boolean::gemm_bool;
pub(crate) use kernel::prefetch;
pub(crate) use lane::IntElement;
use lane::Lane;
pub(crate) use small::dot1;

/// `m·n·k` up to which the direct (unpacked) loop beats packing, by lane width (measured:
/// packing costs ~0.25 µs up front, the direct loop ~0.4 ns per multiply-add).
const fn direct_max(lane_bytes: usize) -> usize {
    match lane_bytes {
        8.. => 12 * 12 * 12,
        4 => 10 * 10 * 10,
        _ => 9 * 9 * 9,
    }
}

/// `c = a · b`, overwriting `c`, with wrapping arithmetic (NumPy's integer semantics).
/// `a`: m×k, `b`: k×n, `c`: m×n, any strides (see the module docs). `k = 0` gives zeros.
/// `Err(MemoryError)` when a packing buffer or scratch cannot be allocated.
///
/// # Panics
/// If the shapes are inconsistent (`b.nrows() != a.ncols()` or `c` not m×n).
pub(crate) fn gemm<T: IntElement>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) -> Result<(), crate::Error> {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == k && c.dim() == (m, n),
        "int::gemm: inconsistent shapes"
    );
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        c.fill(T::ZERO);
        return Ok(());
    }
    if m.saturating_mul(n).saturating_mul(k) <= const { direct_max(size_of::<T::Lane>()) } {
        small::gemm_direct(a, b, c);
        return Ok(());
    }
    if n == 1 {
        return small::gemv(a, b.column(0), c.column_mut(0));
    }
    if m == 1 {
        return small::gemv(b.t(), a.row(0), c.row_mut(0));
    }
    T::Lane::gemm_packed(a, b, c, None)
}
