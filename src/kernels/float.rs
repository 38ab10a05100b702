//! Pure-Rust float and complex kernels on top of `matrixmultiply`: any strides (negative and
//! zero included for `a` and `b`), no BLAS needed. Large products are split into blocks of rows
//! (or columns) of `c` computed in parallel ([`super::threads::map`]), one matrixmultiply call each
//! (matrixmultiply itself runs single-threaded here).

use ndarray::{ArrayView2, ArrayViewMut2, s};
use num_complex::Complex;

use crate::element::Element;

/// Float element types `matrixmultiply` can multiply.
pub(crate) trait FloatKernel: Element {
    /// `c = a · b` (`accumulate == false`) or `c += a · b`, one matrixmultiply call.
    ///
    /// # Safety
    /// `a` (`m × k`) and `b` (`k × n`) are valid views; `c` with `rsc`, `csc` addresses `m × n`
    /// distinct elements inside one live allocation, writable, exclusively ours for the call and
    /// overlapping neither `a` nor `b`. With `accumulate == false` they need not be initialized
    /// (matrixmultiply writes every element without reading it when `beta` is zero).
    unsafe fn mm_raw(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        c: *mut Self,
        rsc: isize,
        csc: isize,
        accumulate: bool,
    );
    /// `c = a · b` (overwrite) or `c += a · b` (`accumulate`), any strides, one thread.
    #[cfg_attr(not(feature = "blas"), allow(dead_code))]
    fn mm_gemm(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        mut c: ArrayViewMut2<'_, Self>,
        accumulate: bool,
    ) {
        assert!(
            b.nrows() == a.ncols() && c.dim() == (a.nrows(), b.ncols()),
            "kernel shape contract"
        );
        let (rsc, csc) = (c.strides()[0], c.strides()[1]);
        // SAFETY: `c` is a mutable view of the product's dims: its elements are distinct,
        // initialized, exclusively borrowed and overlap no shared view (`a`, `b`).
        unsafe { Self::mm_raw(a, b, c.as_mut_ptr(), rsc, csc, accumulate) }
    }
}

macro_rules! real_kernel {
    ($t:ty, $f:path) => {
        impl FloatKernel for $t {
            unsafe fn mm_raw(
                a: ArrayView2<'_, $t>,
                b: ArrayView2<'_, $t>,
                c: *mut $t,
                rsc: isize,
                csc: isize,
                accumulate: bool,
            ) {
                let (m, k) = a.dim();
                let n = b.ncols();
                assert!(b.nrows() == k, "kernel shape contract");
                let (sa, sb) = (a.strides(), b.strides());
                let (rsa, csa, rsb, csb) = (sa[0], sa[1], sb[0], sb[1]);
                let beta = if accumulate { 1.0 } else { 0.0 };
                // SAFETY: the pointers and strides of `a` and `b` come from valid ndarray views
                // of the stated dims, so every index (i < m, p < k) and (p < k, j < n)
                // matrixmultiply reads is inside them; `c` is valid for the m × n distinct
                // elements and exclusive (this function's contract). matrixmultiply accepts
                // arbitrary strides for `a` and `b` and non-aliasing strides for `c`, and with
                // beta = 0 writes `c` without reading it.
                unsafe {
                    $f(
                        m,
                        k,
                        n,
                        1.0,
                        a.as_ptr(),
                        rsa,
                        csa,
                        b.as_ptr(),
                        rsb,
                        csb,
                        beta,
                        c,
                        rsc,
                        csc,
                    );
                }
            }
        }
    };
}
real_kernel!(f32, matrixmultiply::sgemm);
real_kernel!(f64, matrixmultiply::dgemm);

macro_rules! complex_kernel {
    ($t:ty, $r:ty, $f:path) => {
        impl FloatKernel for Complex<$r> {
            unsafe fn mm_raw(
                a: ArrayView2<'_, Complex<$r>>,
                b: ArrayView2<'_, Complex<$r>>,
                c: *mut Complex<$r>,
                rsc: isize,
                csc: isize,
                accumulate: bool,
            ) {
                use matrixmultiply::CGemmOption::Standard;
                let (m, k) = a.dim();
                let n = b.ncols();
                assert!(b.nrows() == k, "kernel shape contract");
                let (sa, sb) = (a.strides(), b.strides());
                let (rsa, csa, rsb, csb) = (sa[0], sa[1], sb[0], sb[1]);
                let beta: $t = if accumulate { [1.0, 0.0] } else { [0.0, 0.0] };
                // SAFETY: as for the real kernels; in addition `Complex<T>` is `#[repr(C)]`
                // `{ re, im }`, layout-identical to matrixmultiply's `[T; 2]`, so the pointer
                // casts reinterpret each element exactly.
                unsafe {
                    $f(
                        Standard,
                        Standard,
                        m,
                        k,
                        n,
                        [1.0, 0.0],
                        a.as_ptr().cast::<$t>(),
                        rsa,
                        csa,
                        b.as_ptr().cast::<$t>(),
                        rsb,
                        csb,
                        beta,
                        c.cast::<$t>(),
                        rsc,
                        csc,
                    );
                }
            }
        }
    };
}
complex_kernel!([f32; 2], f32, matrixmultiply::cgemm);
complex_kernel!([f64; 2], f64, matrixmultiply::zgemm);

/// Least `m·n·k` of a product split over threads: OpenBLAS's own threshold for
/// running its `?gemm` on more than one thread (`m·n·k > 64³`), so that either kernel uses
/// the machine alike.
pub(crate) const PAR_MIN_WORK: usize = 64 * 64 * 64;
/// Rows (or columns) of `c` per parallel block are a multiple of this (matrixmultiply's
/// micro-kernels compute 8 or 16 rows at a time), so blocks do not split micro-tiles.
const BLOCK_ALIGN: usize = 16;

/// Raw output pointer shared by the parallel blocks.
#[derive(Clone, Copy)]
struct OutPtr<T>(*mut T);
// SAFETY: each parallel block writes a disjoint set of `c`'s elements (distinct rows or
// columns of a non-aliasing output), so sending the pointer to the worker threads is sound for
// `T: Send`.
unsafe impl<T: Send> Send for OutPtr<T> {}
// SAFETY: as for `Send`: shared references only hand out copies of the pointer.
unsafe impl<T: Send> Sync for OutPtr<T> {}

/// `c = a · b` (or `c += a · b`) with matrixmultiply, all dims ≥ 1: in blocks of rows (or
/// columns, whichever dimension is larger) of `c` on several threads when the product has
/// [`PAR_MIN_WORK`] or more and rayon has more than one thread, else in one call.
///
/// # Safety
/// As for [`FloatKernel::mm_raw`].
unsafe fn mm_split<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: *mut T,
    (rsc, csc): (isize, isize),
    accumulate: bool,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let threads = rayon::current_num_threads();
    let work = m.saturating_mul(n).saturating_mul(k);
    let long = m.max(n);
    let blocks = threads.min(long / BLOCK_ALIGN);
    if threads <= 1 || work < PAR_MIN_WORK || blocks <= 1 {
        // SAFETY: forwarded contract.
        return unsafe { T::mm_raw(a, b, c, rsc, csc, accumulate) };
    }
    // Block boundaries: multiples of BLOCK_ALIGN, the last block takes the rest.
    let per = long.div_ceil(blocks).next_multiple_of(BLOCK_ALIGN);
    let out = OutPtr(c);
    let by_rows = m >= n;
    super::threads::map((0..blocks).collect(), |t| {
        let lo = (t * per).min(long);
        let hi = ((t + 1) * per).min(long);
        if lo >= hi {
            return;
        }
        let o = out;
        if by_rows {
            // SAFETY: rows lo..hi of `c` (offset lo·rsc from its first element) are distinct
            // elements of `c`, disjoint from every other block's rows; the rest of the forwarded
            // contract holds for the sub-product `a[lo..hi, :] · b`.
            unsafe {
                T::mm_raw(
                    a.slice(s![lo..hi, ..]),
                    b.view(),
                    o.0.wrapping_offset(lo as isize * rsc),
                    rsc,
                    csc,
                    accumulate,
                )
            }
        } else {
            // SAFETY: as above, for columns lo..hi of `c` and the sub-product `a · b[:, lo..hi]`.
            unsafe {
                T::mm_raw(
                    a.view(),
                    b.slice(s![.., lo..hi]),
                    o.0.wrapping_offset(lo as isize * csc),
                    rsc,
                    csc,
                    accumulate,
                )
            }
        }
    });
}

/// `c = a · b` with matrixmultiply (any strides), in parallel blocks for large products.
pub(crate) fn gemm<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
) {
    gemm_into(a, b, c, false);
}

/// `c += a · b` with matrixmultiply (any strides), in parallel blocks as [`gemm`].
pub(crate) fn gemm_accumulate<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
) {
    gemm_into(a, b, c, true);
}

/// [`gemm`] (`accumulate == false`) or [`gemm_accumulate`].
fn gemm_into<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    accumulate: bool,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c.fill(T::zero());
        }
        return;
    }
    let strides = (c.strides()[0], c.strides()[1]);
    // SAFETY: `c` is a mutable view of the product's dims: distinct, initialized, exclusive
    // elements that overlap no shared view (read and updated in place when accumulating).
    unsafe { mm_split(a, b, c.as_mut_ptr(), strides, accumulate) }
}

/// `c = a · b` with matrixmultiply into `c`, row-major with leading dimension `b.ncols()`,
/// whose memory need not be initialized (with `beta = 0` matrixmultiply writes every element
/// and reads none); all dims ≥ 1.
///
/// # Safety
/// `c` addresses `m·n` elements (`m` rows of `n`, row-major) inside one live allocation,
/// writable, exclusively ours for the call and overlapping neither `a` nor `b`.
pub(crate) unsafe fn gemm_uninit<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: *mut T,
) {
    let n = b.ncols();
    assert!(
        a.nrows() >= 1 && a.ncols() >= 1 && n >= 1 && b.nrows() == a.ncols(),
        "kernel shape contract"
    );
    // SAFETY: the caller's contract on `c` (distinct, writable, exclusive, non-overlapping
    // elements with strides (n, 1)); `accumulate == false`, so they need not be initialized.
    unsafe { mm_split(a, b, c, (n as isize, 1), false) }
}

/// `a · b` as a new C-contiguous buffer written by matrixmultiply without zero-filling it first
/// (with `beta = 0` it writes every element and reads none); `None` for an empty product
/// (`k == 0` or an empty result: use a zeroed buffer and [`gemm`]). `Err(MemoryError)` when the
/// buffer cannot be allocated.
pub(crate) fn gemm_new<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k, "kernel shape contract");
    if m == 0 || n == 0 || k == 0 {
        return Ok(None);
    }
    let Some(len) = m.checked_mul(n) else {
        return Ok(None);
    };
    let mut v: Vec<T> = super::mem::try_with_capacity(len, &[m, n])?;
    // SAFETY: `v` has capacity for the m·n elements of a row-major (m × n) matrix with strides
    // (n, 1): distinct, inside one allocation we own exclusively, overlapping no operand.
    // `beta = 0` (`accumulate == false`): matrixmultiply writes them without reading.
    unsafe { mm_split(a, b, v.as_mut_ptr(), (n as isize, 1), false) };
    // SAFETY: every one of the m·n elements was written by the call(s) above (the blocks cover
    // all rows or all columns).
    unsafe { v.set_len(len) };
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, s};

    fn naive(a: &ArrayView2<'_, f64>, b: &ArrayView2<'_, f64>) -> Array2<f64> {
        Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
            (0..a.ncols()).fold(0.0, |acc, p| acc + a[[i, p]] * b[[p, j]])
        })
    }

    fn data(r: usize, c: usize, seed: usize) -> Array2<f64> {
        Array2::from_shape_fn((r, c), |(i, j)| ((i * 7 + j * 3 + seed) % 11) as f64 - 5.0)
    }

    /// Products above the parallel threshold split into blocks of rows (m ≥ n) or columns,
    /// with block counts and dims that do not divide evenly; negative and stepped strides in
    /// every operand, and a column-major output. Integer-valued data: exact in any order.
    #[test]
    fn parallel_blocks_and_strides() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        pool.install(|| {
            for (m, k, n) in [(301, 40, 37), (37, 40, 301), (133, 131, 129), (5, 7, 3)] {
                let big_a = data(2 * m, 3 * k, 1);
                let big_b = data(2 * k, 2 * n, 2);
                let big_t = data(k + 3, m + 2, 3);
                let views_a = [
                    big_a.slice(s![..m, ..k]),
                    big_a.slice(s![..;-2, ..;3]),
                    big_t.slice(s![..k, ..m]).reversed_axes(),
                ];
                let views_b = [big_b.slice(s![..k, ..n]), big_b.slice(s![..;2, ..;-2])];
                for a in &views_a {
                    for b in &views_b {
                        let want = naive(a, b);
                        let mut c = Array2::from_elem((m, n), f64::NAN);
                        gemm(a.view(), b.view(), c.view_mut());
                        assert_eq!(c, want, "{m}x{k}x{n}");
                        let mut cf = Array2::from_elem((n, m), f64::NAN);
                        gemm(a.view(), b.view(), cf.view_mut().reversed_axes());
                        assert_eq!(cf.t(), want, "{m}x{k}x{n} into F");
                        let v = gemm_new(a.view(), b.view()).unwrap().unwrap();
                        assert_eq!(Array2::from_shape_vec((m, n), v).unwrap(), want);
                    }
                }
            }
        });
    }

    #[test]
    fn empty_products() {
        let a = Array2::<f64>::zeros((4, 0));
        let b = Array2::<f64>::zeros((0, 3));
        let mut c = Array2::from_elem((4, 3), 1.0);
        gemm(a.view(), b.view(), c.view_mut());
        assert_eq!(c, Array2::<f64>::from_elem((4, 3), 0.0));
        assert!(gemm_new(a.view(), b.view()).unwrap().is_none());
    }
}
