//! Matrix products of the product family that the core 2-D kernel does not offer:
//!
//! * [`gemm_accumulate`]: `c += a·b` (BLAS `?gemm` with `beta = 1`, or `matrixmultiply` where
//!   `kernels::choice` picks it for the product, without BLAS, or for layouts BLAS cannot
//!   take): `tensordot` sums a sequence of products into one result when a contracted axis
//!   cannot be merged.
//! * [`conj_gemm`]: `c = ā·b` for the complex types without conjugating a copy of `a`: OpenBLAS's
//!   `?gemm` with `CblasConjNoTrans` (row-major `a`) or `CblasConjTrans` (column-major `a`);
//!   `vecmat` of large complex matrices.

use ndarray::{ArrayView2, ArrayView3, ArrayViewMut2, Axis, s};

use super::FloatElement;
use crate::element::Element;

/// `c += a·b` for the float types, any dims (a zero dim adds nothing) and strides; `c` must not
/// overlap `a` or `b` (a mutable view guarantees it).
pub(crate) fn gemm_accumulate<T: FloatElement>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    #[cfg(feature = "blas")]
    let c = {
        let cs = (c.strides()[0], c.strides()[1]);
        if super::choice::kernel_for(&a, &b, Some(cs)) == super::choice::Kernel::Mm {
            return super::float::gemm_accumulate(a, b, c);
        }
        match blas_accumulate(a, b, c) {
            None => return,
            Some(c) => c,
        }
    };
    super::float::gemm_accumulate(a, b, c);
}

/// [`gemm_accumulate`] for any element type: `true` after `c += a·b` for the float types,
/// `false` (nothing done) for the others.
pub(crate) fn accumulate_any<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) -> bool {
    use num_complex::Complex;
    use std::any::TypeId;
    macro_rules! as_type {
        ($u:ty) => {
            if TypeId::of::<T>() == TypeId::of::<$u>() {
                // SAFETY: `T` is `$u` (same `TypeId`), so the casts change nothing: the same
                // pointers, dims and strides describe the same live, initialized elements of
                // `a`, `b` (shared) and `c` (exclusive), which outlive the new views (used only
                // in this block, while `c` is not used otherwise).
                let (a, b, c) = unsafe {
                    (
                        a.raw_view().cast::<$u>().deref_into_view(),
                        b.raw_view().cast::<$u>().deref_into_view(),
                        c.raw_view_mut().cast::<$u>().deref_into_view_mut(),
                    )
                };
                gemm_accumulate::<$u>(a, b, c);
                return true;
            }
        };
    }
    as_type!(f64);
    as_type!(f32);
    as_type!(Complex<f64>);
    as_type!(Complex<f32>);
    false
}

/// `c += Σ_p a[p]·b[p]` over a stack of products (`a`: `(P, M, K)`, `b`: `(P, K, N)`), the
/// products added in order of `p`, for the float types: `true` when done, `false` (nothing
/// done) for the others. On several rayon threads, when each product goes to matrixmultiply
/// and is too small for it to split (each part's rows below `float::PAR_MIN_WORK` multiply-adds
/// per product), the rows of `c` are split once between the threads for the whole sum (each
/// thread adds every product into its own rows, in the same order), instead of each product
/// running on one thread, or being split with a fork and join of its own. Measured on the
/// stepped `tensordot` of `(128, 64, 64)[::2]·(64, 64, 64)` over two axes (64 products of 64³,
/// each split on its own before; two threads, AVX-512, old and new builds alternately): 0.73–0.77
/// → 0.66–0.69 ms. (Each thread still packs every product's `b`: the packed product of
/// `tensor_gemm`, which splits the sum instead, does better there: `plan::tensordot`.)
pub(crate) fn accumulate_sum_any<T: Element>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) -> bool {
    let (np, m, k) = a.dim();
    let n = b.dim().2;
    assert!(
        b.dim().0 == np && b.dim().1 == k && c.dim() == (m, n),
        "kernel shape contract"
    );
    let parts = sum_parts(&a, &b, (c.strides()[0], c.strides()[1]));
    if parts <= 1 || np == 0 {
        for p in 0..np {
            if !accumulate_any(
                a.index_axis(Axis(0), p),
                b.index_axis(Axis(0), p),
                c.view_mut(),
            ) {
                return false;
            }
        }
        return true;
    }
    let rows = m.div_ceil(parts);
    let chunks: Vec<(usize, ArrayViewMut2<'_, T>)> = c
        .axis_chunks_iter_mut(Axis(0), rows)
        .enumerate()
        .map(|(i, ci)| (i * rows, ci))
        .collect();
    super::threads::map(chunks, |(r0, mut ci)| {
        let ap = a.slice(s![.., r0..r0 + ci.nrows(), ..]);
        (0..np).all(|p| {
            accumulate_any(
                ap.index_axis(Axis(0), p),
                b.index_axis(Axis(0), p),
                ci.view_mut(),
            )
        })
    })
    .into_iter()
    .all(|done| done)
}

/// Parts of the rows of `c` (strides `cs`) for [`accumulate_sum_any`]: 1 (no split) unless
/// rayon has several threads, `T` is a real float type whose products go to matrixmultiply
/// whole and split alike (never BLAS from several threads at once), the sum has at least twice
/// `float::PAR_MIN_WORK` multiply-adds, and each part keeps at least 16 rows and less than
/// `float::PAR_MIN_WORK` per product (so that matrixmultiply does not split it again).
fn sum_parts<T: Element>(
    a: &ArrayView3<'_, T>,
    b: &ArrayView3<'_, T>,
    cs: (isize, isize),
) -> usize {
    use std::any::TypeId;
    let threads = rayon::current_num_threads();
    let real = [TypeId::of::<f64>(), TypeId::of::<f32>()];
    let (np, m, k) = a.dim();
    let n = b.dim().2;
    if threads <= 1 || !real.contains(&TypeId::of::<T>()) || np == 0 || m == 0 || n == 0 || k == 0 {
        return 1;
    }
    let per_product = m.saturating_mul(n).saturating_mul(k);
    if per_product.saturating_mul(np) < 2 * super::float::PAR_MIN_WORK {
        return 1;
    }
    let parts = threads.min(m / 16);
    let rows = m.div_ceil(parts.max(1));
    if parts <= 1 || rows.saturating_mul(n).saturating_mul(k) >= super::float::PAR_MIN_WORK {
        return 1;
    }
    #[cfg(feature = "blas")]
    {
        use super::choice::{Kernel, kernel_for};
        let (a0, b0) = (a.index_axis(Axis(0), 0), b.index_axis(Axis(0), 0));
        if kernel_for(&a0, &b0, Some(cs)) != Kernel::Mm
            || kernel_for(&a0.slice(s![..rows, ..]), &b0, Some(cs)) != Kernel::Mm
        {
            return 1;
        }
    }
    #[cfg(not(feature = "blas"))]
    let _ = cs;
    parts
}

/// `c += a·b` through one BLAS call when every operand is BLAS-able, `c` row-major and every
/// dim within the per-call limit; hands `c` back otherwise.
#[cfg(feature = "blas")]
fn blas_accumulate<'c, T: FloatElement>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'c, T>,
) -> Option<ArrayViewMut2<'c, T>> {
    let mut c = c;
    let (m, k) = a.dim();
    let n = b.ncols();
    let Some((ta, lda, tb, ldb, ldc)) = blas_args(&a, &b, &c.view(), m, n, k) else {
        return Some(c);
    };
    // SAFETY: all dims are in 1..=blas_dim_limit ≤ i32::MAX (checked in `blas_args`); `a` is
    // m × k and `b` k × n under their flags with the leading dims `mat_layout` derived from
    // their strides (so every addressed element is an element of the view, which lives in its
    // allocation and is initialized); `c` is a row-major m × n view (unit column stride, row
    // stride `ldc ≥ n`), exclusively borrowed (a `&mut` view cannot overlap the shared `a`,
    // `b`), initialized (it is an ndarray view) as accumulation requires.
    unsafe {
        T::gemm(
            ta,
            tb,
            m as i32,
            n as i32,
            k as i32,
            a.as_ptr(),
            lda,
            b.as_ptr(),
            ldb,
            true,
            c.as_mut_ptr(),
            ldc,
        )
    };
    None
}

/// The CBLAS flags and leading dims of `c = a·b` (`m × k`, `k × n`), or `None` when some
/// operand is not BLAS-able, `c` is not row-major or a dim is 0 or above the per-call limit.
#[cfg(feature = "blas")]
fn blas_args<T>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    c: &ArrayView2<'_, T>,
    m: usize,
    n: usize,
    k: usize,
) -> Option<(
    cblas_sys::CBLAS_TRANSPOSE,
    i32,
    cblas_sys::CBLAS_TRANSPOSE,
    i32,
    i32,
)> {
    use crate::plan::layout::{MatLayout, mat_layout};
    use cblas_sys::CBLAS_TRANSPOSE::{CblasNoTrans, CblasTrans};
    let limit = super::blas_dim_limit();
    if [m, n, k].iter().any(|&d| d == 0 || d > limit) {
        return None;
    }
    let flag = |l: MatLayout| match l {
        MatLayout::RowMajor { ld } => (CblasNoTrans, ld as i32),
        MatLayout::ColMajor { ld } => (CblasTrans, ld as i32),
    };
    let st = |v: &ArrayView2<'_, T>| (v.strides()[0], v.strides()[1]);
    let (ta, lda) = flag(mat_layout(a.dim(), st(a))?);
    let (tb, ldb) = flag(mat_layout(b.dim(), st(b))?);
    let MatLayout::RowMajor { ld: ldc } = mat_layout(c.dim(), st(c))? else {
        return None;
    };
    Some((ta, lda, tb, ldb, ldc as i32))
}

#[cfg(feature = "blas")]
mod conj_ffi {
    use std::ffi::c_void;
    use std::os::raw::c_int;

    /// OpenBLAS's `CBLAS_TRANSPOSE` value for "conjugate, do not transpose" (an OpenBLAS
    /// extension of CBLAS that `cblas-sys`'s enum does not list).
    pub(super) const CONJ_NO_TRANS: c_int = 114;
    /// `CblasConjTrans`.
    pub(super) const CONJ_TRANS: c_int = 113;
    /// `CblasNoTrans`.
    pub(super) const NO_TRANS: c_int = 111;
    /// `CblasTrans`.
    pub(super) const TRANS: c_int = 112;
    /// `CblasRowMajor`.
    pub(super) const ROW_MAJOR: c_int = 101;

    unsafe extern "C" {
        /// `cblas_zgemm` with the enums as the C ints they are.
        #[link_name = "cblas_zgemm"]
        pub(super) fn zgemm(
            layout: c_int,
            ta: c_int,
            tb: c_int,
            m: c_int,
            n: c_int,
            k: c_int,
            alpha: *const c_void,
            a: *const c_void,
            lda: c_int,
            b: *const c_void,
            ldb: c_int,
            beta: *const c_void,
            c: *mut c_void,
            ldc: c_int,
        );
        /// `cblas_cgemm` with the enums as the C ints they are.
        #[link_name = "cblas_cgemm"]
        pub(super) fn cgemm(
            layout: c_int,
            ta: c_int,
            tb: c_int,
            m: c_int,
            n: c_int,
            k: c_int,
            alpha: *const c_void,
            a: *const c_void,
            lda: c_int,
            b: *const c_void,
            ldb: c_int,
            beta: *const c_void,
            c: *mut c_void,
            ldc: c_int,
        );
    }
}

/// `c = ā·b` (overwrite) for `Complex<f32>`/`Complex<f64>` through one OpenBLAS `?gemm` that
/// conjugates `a` itself. Returns `false` (nothing written) for other types, without BLAS, for
/// layouts BLAS cannot take (see [`crate::plan::layout::mat_layout`]), a `c` that is not
/// row-major, or a zero dim or one above the per-call limit: the caller computes those itself.
pub(crate) fn conj_gemm<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
) -> bool {
    #[cfg(feature = "blas")]
    {
        use num_complex::Complex;
        use std::any::TypeId;
        let (m, k) = a.dim();
        let n = b.ncols();
        assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
        let id = TypeId::of::<T>();
        let double = id == TypeId::of::<Complex<f64>>();
        if !double && id != TypeId::of::<Complex<f32>>() {
            return false;
        }
        let mut c = c;
        let Some((ta, lda, tb, ldb, ldc)) = blas_args(&a, &b, &c.view(), m, n, k) else {
            return false;
        };
        use cblas_sys::CBLAS_TRANSPOSE::CblasNoTrans;
        use conj_ffi::*;
        // Stored row-major, `a` itself is conjugated without a transpose (`ConjNoTrans`);
        // stored column-major (its transpose row-major), `ConjTrans` conjugates and transposes.
        let ta = if matches!(ta, CblasNoTrans) {
            CONJ_NO_TRANS
        } else {
            CONJ_TRANS
        };
        let tb = if matches!(tb, CblasNoTrans) {
            NO_TRANS
        } else {
            TRANS
        };
        let (one, zero) = ([1.0f64, 0.0], [0.0f64, 0.0]);
        let (one32, zero32) = ([1.0f32, 0.0], [0.0f32, 0.0]);
        let (alpha, beta) = if double {
            (one.as_ptr().cast(), zero.as_ptr().cast())
        } else {
            (one32.as_ptr().cast(), zero32.as_ptr().cast())
        };
        let f = if double { zgemm } else { cgemm };
        // SAFETY: `T` is `Complex<f64>` (`zgemm`, alpha/beta `[f64; 2]`) or `Complex<f32>`
        // (`cgemm`, `[f32; 2]`), `#[repr(C)] { re, im }` like CBLAS's complex numbers. Dims are
        // in 1..=blas_dim_limit ≤ i32::MAX (`blas_args`); `a` is stored m × k row-major
        // (`ConjNoTrans`, lda = its row stride ≥ k) or k × m row-major (`ConjTrans`, lda = its
        // column stride ≥ m), `b` likewise under `NoTrans`/`Trans`, exactly as `mat_layout`
        // derived them from the views' strides, so every element OpenBLAS addresses is an
        // element of the view (alive, initialized). OpenBLAS's CBLAS accepts 114
        // (`CblasConjNoTrans`) for `?gemm` (interface/gemm.c). `c` is row-major m × n with
        // `ldc ≥ n`, exclusively borrowed (no overlap with `a`, `b`); `beta = 0`, so it is only
        // written. `alpha`/`beta` point to live arrays for the whole call.
        unsafe {
            f(
                ROW_MAJOR,
                ta,
                tb,
                m as i32,
                n as i32,
                k as i32,
                alpha,
                a.as_ptr().cast(),
                lda,
                b.as_ptr().cast(),
                ldb,
                beta,
                c.as_mut_ptr().cast(),
                ldc,
            )
        };
        true
    }
    #[cfg(not(feature = "blas"))]
    {
        let _ = (a, b, c);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, s};
    use num_complex::Complex;

    fn naive<T: Element>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>, conj: bool) -> Array2<T> {
        Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
            (0..a.ncols()).fold(T::zero(), |s, p| {
                let x = if conj {
                    super::super::conj::conj(a[[i, p]])
                } else {
                    a[[i, p]]
                };
                s.np_add(x.np_mul(b[[p, j]]))
            })
        })
    }

    /// A sum of products split by rows between two threads gives the bits of the products
    /// added one by one on one thread (integer-valued data: exact), and the split happens.
    #[test]
    fn sums_of_products_split_by_rows() {
        use ndarray::Array3;
        let a = Array3::from_shape_fn((5, 40, 24), |(p, i, j)| {
            ((p * 7 + i * 3 + j) % 11) as f64 - 5.0
        });
        let b = Array3::from_shape_fn((5, 24, 9), |(p, i, j)| {
            ((p + i * 5 + j * 2) % 7) as f64 - 3.0
        });
        let mut want = Array2::from_elem((40, 9), 0.5);
        for p in 0..5 {
            want += &naive(a.index_axis(Axis(0), p), b.index_axis(Axis(0), p), false);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for threads in [1, 2] {
            let pool1 = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut c = Array2::from_elem((40, 9), 0.5);
            assert!(pool1.install(|| accumulate_sum_any(a.view(), b.view(), c.view_mut())));
            assert_eq!(c, want, "{threads} thread(s)");
        }
        // Large enough to split on two threads where matrixmultiply takes the products.
        let a = Array3::from_shape_fn((8, 64, 64), |(p, i, j)| ((p + i * 3 + j) % 13) as f64 - 6.0);
        let b = Array3::from_shape_fn((8, 64, 64), |(p, i, j)| {
            ((p * 5 + i + j * 7) % 9) as f64 - 4.0
        });
        let mut want = Array2::<f64>::zeros((64, 64));
        for p in 0..8 {
            want += &naive(a.index_axis(Axis(0), p), b.index_axis(Axis(0), p), false);
        }
        let parts = pool.install(|| sum_parts(&a.view(), &b.view(), (64, 1)));
        #[cfg(feature = "blas")]
        let mm = super::super::choice::kernel_for(
            &a.index_axis(Axis(0), 0),
            &b.index_axis(Axis(0), 0),
            Some((64, 1)),
        ) == super::super::choice::Kernel::Mm;
        #[cfg(not(feature = "blas"))]
        let mm = true;
        assert_eq!(parts, if mm { 2 } else { 1 });
        let mut c = Array2::<f64>::zeros((64, 64));
        assert!(pool.install(|| accumulate_sum_any(a.view(), b.view(), c.view_mut())));
        assert_eq!(c, want);
        // Integers are not summed here.
        let ai = Array3::<i32>::zeros((2, 3, 4));
        let bi = Array3::<i32>::zeros((2, 4, 5));
        let mut ci = Array2::<i32>::zeros((3, 5));
        assert!(!accumulate_sum_any(ai.view(), bi.view(), ci.view_mut()));
    }

    #[test]
    fn accumulates_into_c() {
        let a = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64 - 5.0);
        let b = Array2::from_shape_fn((4, 2), |(i, j)| (i + 2 * j) as f64 - 1.0);
        let mut c = Array2::from_elem((3, 2), 1.0);
        gemm_accumulate(a.view(), b.view(), c.view_mut());
        assert_eq!(c, naive(a.view(), b.view(), false) + 1.0);
        // Transposed operands, strided c, and a reversed (non-BLAS) operand.
        let at = a.t().to_owned();
        let mut big = Array2::from_elem((3, 4), 2.0);
        gemm_accumulate(at.t(), b.view(), big.slice_mut(s![.., ..;2]));
        assert_eq!(
            big.slice(s![.., ..;2]),
            naive(a.view(), b.view(), false) + 2.0
        );
        assert!(big.slice(s![.., 1..;2]).iter().all(|&v| v == 2.0));
        let mut c = Array2::zeros((3, 2));
        gemm_accumulate(a.slice(s![.., ..;-1]), b.slice(s![..;-1, ..]), c.view_mut());
        assert_eq!(c, naive(a.view(), b.view(), false));
        // Through the type dispatch; integers are not handled.
        let mut c = Array2::from_elem((3, 2), 1.0f64);
        assert!(accumulate_any(a.view(), b.view(), c.view_mut()));
        assert_eq!(c, naive(a.view(), b.view(), false) + 1.0);
        let ai = a.mapv(|v| v as i64);
        let mut ci = Array2::zeros((3, 3));
        assert!(!accumulate_any(ai.view(), ai.t(), ci.view_mut()));
        let z = Array2::from_shape_fn((2, 3), |(i, j)| Complex::new(i as f32, j as f32));
        let mut cz = Array2::from_elem((2, 2), Complex::new(1.0f32, 0.0));
        assert!(accumulate_any(z.view(), z.t(), cz.view_mut()));
        assert_eq!(
            cz,
            naive(z.view(), z.t(), false).mapv(|v| v + Complex::new(1.0, 0.0))
        );
        // Zero-size: nothing added.
        let mut c = Array2::from_elem((3, 2), 7.0f32);
        gemm_accumulate(
            Array2::<f32>::zeros((3, 0)).view(),
            Array2::zeros((0, 2)).view(),
            c.view_mut(),
        );
        assert!(c.iter().all(|&v| v == 7.0));
    }

    #[test]
    fn conjugates_a_without_a_copy() {
        let a = Array2::from_shape_fn((3, 5), |(i, j)| Complex::new(i as f64 - 1.0, j as f64));
        let b = Array2::from_shape_fn((5, 4), |(i, j)| Complex::new(j as f64, 2.0 - i as f64));
        let want = naive(a.view(), b.view(), true);
        let mut c = Array2::from_elem((3, 4), Complex::new(9.0, 9.0));
        let done = conj_gemm(a.view(), b.view(), c.view_mut());
        assert_eq!(done, cfg!(feature = "blas"));
        if done {
            assert_eq!(c, want);
        }
        // Column-major a (ConjTrans), transposed b.
        let af = a.t().to_owned();
        let bf = b.t().to_owned();
        let mut c = Array2::zeros((3, 4));
        if conj_gemm(af.t(), bf.t(), c.view_mut()) {
            assert_eq!(c, want);
        }
        let a32 = a.mapv(|z| Complex::new(z.re as f32, z.im as f32));
        let b32 = b.mapv(|z| Complex::new(z.re as f32, z.im as f32));
        let mut c = Array2::zeros((3, 4));
        if conj_gemm(a32.view(), b32.view(), c.view_mut()) {
            assert_eq!(c, naive(a32.view(), b32.view(), true));
        }
        // Not complex, or not BLAS-able: nothing done.
        let r = Array2::<f64>::zeros((2, 2));
        assert!(!conj_gemm(
            r.view(),
            r.view(),
            Array2::zeros((2, 2)).view_mut()
        ));
        let mut c = Array2::zeros((3, 4));
        assert!(!conj_gemm(a.slice(s![.., ..;-1]), b.view(), c.view_mut()));
    }
}
