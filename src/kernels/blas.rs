//! CBLAS kernels for `f32`, `f64`, `Complex<f32>`, `Complex<f64>`: `?gemm` with transpose flags,
//! `?gemv` for matrix·vector and vector·matrix, `?dot`/`?dotu` for vector·vector, `?syrk` for
//! `A·Aᵀ` on the same data. Dimensions above [`blas_dim_limit`] are split into several calls.
//! Layouts BLAS cannot take fall back to the pure-Rust kernels (the plan layer copies such
//! operands once beforehand, so that only happens for leading dimensions above `i32::MAX`).

// Make sure the BLAS library is linked without users writing `extern crate blas_src;`.
use blas_src as _;
use cblas_sys::{
    CBLAS_LAYOUT::CblasRowMajor, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE::CblasNoTrans,
    CBLAS_TRANSPOSE::CblasTrans, CBLAS_UPLO::CblasUpper,
};
use ndarray::{ArrayView2, ArrayViewMut2, s};
use num_complex::Complex;
use std::os::raw::c_int;

use super::blas_dim_limit;
use super::float::FloatKernel;
use crate::plan::layout::{MatLayout, is_transpose_of, mat_layout};

/// The CBLAS routines of one float type. Arguments follow CBLAS, row-major layout; `alpha` is
/// always 1 and `beta` is 0 (`accumulate == false`) or 1.
///
/// # Safety
/// The contract of every `unsafe fn` of this trait (each forwards its arguments to the CBLAS
/// routine of the same name, which reads and writes memory through them unchecked):
///
/// * **Dimensions** (`m`, `n`, `k`) are ≥ 1 (`?dot`: `n ≥ 0`).
/// * **Matrices** are row-major in CBLAS's sense: an operand stored as `r × c` (after
///   undoing its transpose flag: `NoTrans` means the logical operand is stored as is, `Trans`
///   that its transpose is) has `lda ≥ max(1, c)`, and element `(i, j)` of the stored matrix
///   is at `ptr + i·lda + j` for every `i < r`, `j < c`: all of these addresses lie inside one
///   live allocation of initialized `Self` values. For `?gemm`, `a` is `m × k` and `b` is
///   `k × n` logically; for `?gemv`, the stored matrix is `m × n`; for `?syrk`, `a` is `n × k`
///   logically (`NoTrans`: `C = A·Aᵀ`) or `k × n` (`Trans`).
/// * **Vectors** of length `len` with increment `inc ≥ 1` have every `ptr + i·inc`, `i < len`,
///   inside one live allocation of initialized values (`?gemv`: `x` has the logical operand's
///   column count, `y` its row count; `?dot`: both have `n` elements).
/// * **Outputs** (`c` with `ldc ≥ max(1, n)` for an `m × n` or `n × n` result, or `y`) are
///   valid for writes at every element address, exclusively borrowed for the call (no other
///   reference reads or writes them, and they overlap no input). With `accumulate == false`
///   (`beta = 0`) they need not be initialized; with `accumulate` they must be. `?syrk` writes
///   only the upper triangle (including the diagonal).
/// * All dimensions, leading dimensions and increments fit in `c_int` (checked by the callers
///   against [`blas_dim_limit`] and `i32::MAX`).
pub(crate) trait BlasScalar: FloatKernel {
    /// Whether the linked OpenBLAS's `?gemv` and `?dotu` may be called for this type (see
    /// [`complex_vector_kernels_ok`]); when not, those products go through `?gemm` or our own
    /// loop instead.
    fn vector_kernels_ok() -> bool {
        true
    }
    /// `?gemm`.
    ///
    /// # Safety
    /// See the trait's contract: `a` is `m × k` and `b` `k × n` under their flags, `c` an
    /// `m × n` output with leading dimension `ldc`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        ta: CBLAS_TRANSPOSE,
        tb: CBLAS_TRANSPOSE,
        m: c_int,
        n: c_int,
        k: c_int,
        a: *const Self,
        lda: c_int,
        b: *const Self,
        ldb: c_int,
        accumulate: bool,
        c: *mut Self,
        ldc: c_int,
    );
    /// `?gemv`.
    ///
    /// # Safety
    /// See the trait's contract: `a` is stored `m × n` with leading dimension `lda`; `x` and `y`
    /// have the lengths of the operand's columns and rows under `ta`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemv(
        ta: CBLAS_TRANSPOSE,
        m: c_int,
        n: c_int,
        a: *const Self,
        lda: c_int,
        x: *const Self,
        incx: c_int,
        accumulate: bool,
        y: *mut Self,
        incy: c_int,
    );
    /// `?dot` (`?dotu` for complex: no conjugation).
    ///
    /// # Safety
    /// See the trait's contract: `x` and `y` are vectors of `n` elements with increments
    /// `incx`, `incy`.
    unsafe fn dot(n: c_int, x: *const Self, incx: c_int, y: *const Self, incy: c_int) -> Self;
    /// `?syrk`, upper triangle, `C = A·Aᵀ` (`ta == NoTrans`) or `Aᵀ·A`.
    ///
    /// # Safety
    /// See the trait's contract: `a` is `n × k` under `ta`, `c` an `n × n` output with leading
    /// dimension `ldc` of which the upper triangle is written.
    #[allow(clippy::too_many_arguments)]
    unsafe fn syrk(
        ta: CBLAS_TRANSPOSE,
        n: c_int,
        k: c_int,
        a: *const Self,
        lda: c_int,
        c: *mut Self,
        ldc: c_int,
    );
}

macro_rules! real_blas {
    ($t:ty, $gemm:ident, $gemv:ident, $dot:ident, $syrk:ident) => {
        impl BlasScalar for $t {
            unsafe fn gemm(
                ta: CBLAS_TRANSPOSE,
                tb: CBLAS_TRANSPOSE,
                m: c_int,
                n: c_int,
                k: c_int,
                a: *const Self,
                lda: c_int,
                b: *const Self,
                ldb: c_int,
                accumulate: bool,
                c: *mut Self,
                ldc: c_int,
            ) {
                let beta = if accumulate { 1.0 } else { 0.0 };
                // SAFETY: forwarded contract of this unsafe fn (see `BlasScalar`'s `# Safety`).
                unsafe {
                    cblas_sys::$gemm(
                        CblasRowMajor,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        1.0,
                        a,
                        lda,
                        b,
                        ldb,
                        beta,
                        c,
                        ldc,
                    )
                }
            }
            unsafe fn gemv(
                ta: CBLAS_TRANSPOSE,
                m: c_int,
                n: c_int,
                a: *const Self,
                lda: c_int,
                x: *const Self,
                incx: c_int,
                accumulate: bool,
                y: *mut Self,
                incy: c_int,
            ) {
                let beta = if accumulate { 1.0 } else { 0.0 };
                // SAFETY: forwarded contract (see `BlasScalar`'s `# Safety`).
                unsafe {
                    cblas_sys::$gemv(CblasRowMajor, ta, m, n, 1.0, a, lda, x, incx, beta, y, incy)
                }
            }
            unsafe fn dot(
                n: c_int,
                x: *const Self,
                incx: c_int,
                y: *const Self,
                incy: c_int,
            ) -> Self {
                // SAFETY: forwarded contract (see `BlasScalar`'s `# Safety`).
                unsafe { cblas_sys::$dot(n, x, incx, y, incy) }
            }
            unsafe fn syrk(
                ta: CBLAS_TRANSPOSE,
                n: c_int,
                k: c_int,
                a: *const Self,
                lda: c_int,
                c: *mut Self,
                ldc: c_int,
            ) {
                // SAFETY: forwarded contract (see `BlasScalar`'s `# Safety`).
                unsafe {
                    cblas_sys::$syrk(
                        CblasRowMajor,
                        CblasUpper,
                        ta,
                        n,
                        k,
                        1.0,
                        a,
                        lda,
                        0.0,
                        c,
                        ldc,
                    )
                }
            }
        }
    };
}
real_blas!(f32, cblas_sgemm, cblas_sgemv, cblas_sdot, cblas_ssyrk);
real_blas!(f64, cblas_dgemm, cblas_dgemv, cblas_ddot, cblas_dsyrk);

macro_rules! complex_blas {
    ($r:ty, $gemm:ident, $gemv:ident, $dot:ident, $syrk:ident) => {
        impl BlasScalar for Complex<$r> {
            fn vector_kernels_ok() -> bool {
                complex_vector_kernels_ok()
            }
            unsafe fn gemm(
                ta: CBLAS_TRANSPOSE,
                tb: CBLAS_TRANSPOSE,
                m: c_int,
                n: c_int,
                k: c_int,
                a: *const Self,
                lda: c_int,
                b: *const Self,
                ldb: c_int,
                accumulate: bool,
                c: *mut Self,
                ldc: c_int,
            ) {
                let one: [$r; 2] = [1.0, 0.0];
                let beta: [$r; 2] = if accumulate { [1.0, 0.0] } else { [0.0, 0.0] };
                // SAFETY: forwarded contract; `Complex<T>` is `#[repr(C)] { re, im }`, the same
                // layout as CBLAS's `[T; 2]`.
                unsafe {
                    cblas_sys::$gemm(
                        CblasRowMajor,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        &one,
                        a.cast(),
                        lda,
                        b.cast(),
                        ldb,
                        &beta,
                        c.cast(),
                        ldc,
                    )
                }
            }
            unsafe fn gemv(
                ta: CBLAS_TRANSPOSE,
                m: c_int,
                n: c_int,
                a: *const Self,
                lda: c_int,
                x: *const Self,
                incx: c_int,
                accumulate: bool,
                y: *mut Self,
                incy: c_int,
            ) {
                let one: [$r; 2] = [1.0, 0.0];
                let beta: [$r; 2] = if accumulate { [1.0, 0.0] } else { [0.0, 0.0] };
                // SAFETY: forwarded contract; layout as above.
                unsafe {
                    cblas_sys::$gemv(
                        CblasRowMajor,
                        ta,
                        m,
                        n,
                        &one,
                        a.cast(),
                        lda,
                        x.cast(),
                        incx,
                        &beta,
                        y.cast(),
                        incy,
                    )
                }
            }
            unsafe fn dot(
                n: c_int,
                x: *const Self,
                incx: c_int,
                y: *const Self,
                incy: c_int,
            ) -> Self {
                let mut out: [$r; 2] = [0.0, 0.0];
                // SAFETY: forwarded contract; `out` is a valid `[T; 2]` to write the result to.
                unsafe { cblas_sys::$dot(n, x.cast(), incx, y.cast(), incy, &mut out) };
                Complex::new(out[0], out[1])
            }
            unsafe fn syrk(
                ta: CBLAS_TRANSPOSE,
                n: c_int,
                k: c_int,
                a: *const Self,
                lda: c_int,
                c: *mut Self,
                ldc: c_int,
            ) {
                let one: [$r; 2] = [1.0, 0.0];
                let zero: [$r; 2] = [0.0, 0.0];
                // SAFETY: forwarded contract; layout as above. `?syrk` (not `?herk`) computes
                // A·Aᵀ without conjugation, which is what NumPy's matmul means.
                unsafe {
                    cblas_sys::$syrk(
                        CblasRowMajor,
                        CblasUpper,
                        ta,
                        n,
                        k,
                        &one,
                        a.cast(),
                        lda,
                        &zero,
                        c.cast(),
                        ldc,
                    )
                }
            }
        }
    };
}
complex_blas!(f32, cblas_cgemm, cblas_cgemv, cblas_cdotu_sub, cblas_csyrk);
complex_blas!(f64, cblas_zgemm, cblas_zgemv, cblas_zdotu_sub, cblas_zsyrk);

unsafe extern "C" {
    /// OpenBLAS's build description, e.g. `"OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..."`.
    fn openblas_get_config() -> *const std::ffi::c_char;
}

/// Whether the linked OpenBLAS's complex `?gemv` and `?dotu` kernels are safe to call.
///
/// OpenBLAS before 0.3.24 on x86-64, built with GCC 12 or newer (Debian 12's and Ubuntu
/// 23.04's `libopenblas0` 0.3.21 are), has x86-64 `cgemv`/`zgemv`/`cdot`/`zdot` kernels that
/// GCC's tree vectorizer miscompiles into reads past the end of their vectors: valgrind reports
/// "Invalid read of size 16" in `zgemv_n_HASWELL`, `cgemv_n_HASWELL`, `zdotu_k_HASWELL` and
/// `cdotu_k_HASWELL` from npdot's tests, and a read past the end of a page can crash
/// (OpenMathLib/OpenBLAS#4013, fixed in 0.3.24 by disabling the vectorizer for those files).
/// The compiler is not recorded in the library, so every x86-64 OpenBLAS older than 0.3.24
/// is treated as affected; unparsable version strings too.
pub(crate) fn complex_vector_kernels_ok() -> bool {
    static OK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OK.get_or_init(|| {
        // SAFETY: `openblas_get_config` takes no arguments and returns a pointer to a static,
        // NUL-terminated string owned by the library (or null, which we check).
        let config = unsafe {
            let p = openblas_get_config();
            if p.is_null() {
                String::new()
            } else {
                std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        };
        !cfg!(target_arch = "x86_64") || openblas_version(&config).is_some_and(|v| v >= (0, 3, 24))
    })
}

/// `(major, minor, patch)` from a configuration string starting `"OpenBLAS X.Y.Z"` (a `.dev`
/// or other suffix on the patch number is ignored).
fn openblas_version(config: &str) -> Option<(u32, u32, u32)> {
    let v = config
        .strip_prefix("OpenBLAS ")?
        .split_whitespace()
        .next()?;
    let mut parts = v.split('.');
    let num = |p: Option<&str>| -> Option<u32> {
        let p = p?;
        let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    };
    Some((num(parts.next())?, num(parts.next())?, num(parts.next())?))
}

/// A leading dimension or increment BLAS accepts (`1..=i32::MAX`).
fn blas_int(x: usize) -> Option<c_int> {
    if x >= 1 {
        c_int::try_from(x).ok()
    } else {
        None
    }
}

/// CBLAS view of a BLAS-able operand: transpose flag and leading dimension, in row-major terms.
fn flag_ld(l: MatLayout) -> Option<(CBLAS_TRANSPOSE, c_int)> {
    match l {
        MatLayout::RowMajor { ld } => Some((CblasNoTrans, blas_int(ld)?)),
        MatLayout::ColMajor { ld } => Some((CblasTrans, blas_int(ld)?)),
    }
}

/// Vector increment for a length-`len` vector with stride `stride`.
fn inc(len: usize, stride: isize) -> Option<c_int> {
    if len <= 1 {
        Some(1)
    } else if stride > 0 {
        blas_int(stride as usize)
    } else {
        None
    }
}

/// `c = a · b` (overwrite) through BLAS. Any dims (zero included) and strides: operands BLAS
/// cannot take go to the pure-Rust kernel, dims above the limit are split.
pub(crate) fn gemm<T: BlasScalar>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.fill(T::zero());
        return;
    }
    gemm_acc(a, b, c, false);
}

/// `c = a·b` or `c += a·b`, all dims ≥ 1.
fn gemm_acc<T: BlasScalar>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    accumulate: bool,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let limit = blas_dim_limit();
    // Split dims above the BLAS limit: rows and columns of `c` independently, `k` by
    // accumulation. Exact: every element still receives every product exactly once.
    if m > limit {
        let mut i = 0;
        while i < m {
            let e = (i + limit).min(m);
            gemm_acc(
                a.slice(s![i..e, ..]),
                b.view(),
                c.slice_mut(s![i..e, ..]),
                accumulate,
            );
            i = e;
        }
        return;
    }
    if n > limit {
        let mut j = 0;
        while j < n {
            let e = (j + limit).min(n);
            gemm_acc(
                a.view(),
                b.slice(s![.., j..e]),
                c.slice_mut(s![.., j..e]),
                accumulate,
            );
            j = e;
        }
        return;
    }
    if k > limit {
        let mut p = 0;
        while p < k {
            let e = (p + limit).min(k);
            gemm_acc(
                a.slice(s![.., p..e]),
                b.slice(s![p..e, ..]),
                c.view_mut(),
                accumulate || p > 0,
            );
            p = e;
        }
        return;
    }
    // Make `c` row-major: if it is column-major, compute cᵀ = bᵀ·aᵀ instead (transposing all
    // three views keeps the product the same and every operand's validity).
    match mat_layout(c.dim(), (c.strides()[0], c.strides()[1])) {
        Some(MatLayout::RowMajor { .. }) => gemm_rowmajor_c(a, b, c, accumulate),
        Some(MatLayout::ColMajor { .. }) => gemm_rowmajor_c(
            b.reversed_axes(),
            a.reversed_axes(),
            c.reversed_axes(),
            accumulate,
        ),
        None => fallback(a, b, c, accumulate),
    }
}

/// Pure-Rust fallback for layouts BLAS cannot take.
fn fallback<T: BlasScalar>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
    accumulate: bool,
) {
    T::mm_gemm(a, b, c, accumulate);
}

/// `c = a·b` or `c += a·b` where `c` is row-major and all dims are in `1..=limit`.
fn gemm_rowmajor_c<T: BlasScalar>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    accumulate: bool,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let (sa, sb, sc) = (a.strides(), b.strides(), c.strides());
    let la = mat_layout((m, k), (sa[0], sa[1]));
    let lb = mat_layout((k, n), (sb[0], sb[1]));
    let Some(MatLayout::RowMajor { ld: ldc }) = mat_layout((m, n), (sc[0], sc[1])) else {
        return fallback(a, b, c, accumulate);
    };
    let Some(ldc) = blas_int(ldc) else {
        return fallback(a, b, c, accumulate);
    };
    let (mi, ni, ki) = (m as c_int, n as c_int, k as c_int); // ≤ limit ≤ i32::MAX

    // vector · vector → ?dot; matrix·vector and vector·matrix → ?gemv. Where those kernels
    // are unsafe for this type (see `complex_vector_kernels_ok`), `?gemm` below takes them.
    let vector_ok = T::vector_kernels_ok();
    if vector_ok && m == 1 && n == 1 {
        if let (Some(ix), Some(iy)) = (inc(k, sa[1]), inc(k, sb[0])) {
            // SAFETY: `a`'s row 0 has k elements at stride `ix` > 0 from `a.as_ptr()`, `b`'s
            // column 0 has k elements at stride `iy` > 0; both in bounds of their views.
            let d = unsafe { T::dot(ki, a.as_ptr(), ix, b.as_ptr(), iy) };
            let c00 = &mut c[[0, 0]];
            *c00 = if accumulate { c00.np_add(d) } else { d };
            return;
        }
        return fallback(a, b, c, accumulate);
    }
    // matrix · vector → ?gemv
    if vector_ok && n == 1 {
        if let (Some((ta, lda)), Some(ix), Some(iy)) =
            (la.and_then(flag_ld), inc(k, sb[0]), inc(m, sc[0]))
        {
            // In row-major terms `a` is (m×k) with `ta`; gemv's (M, N) are the stored dims.
            let (gm, gn) = if matches!(ta, CblasNoTrans) {
                (mi, ki)
            } else {
                (ki, mi)
            };
            // SAFETY: `a` is a BLAS-able (m×k) operand with leading dim `lda` (mat_layout checked
            // strides against dims), `x` = b[:, 0] has k elements at stride ix > 0, `y` = c[:, 0]
            // has m elements at stride iy > 0 and is exclusively borrowed.
            unsafe {
                T::gemv(
                    ta,
                    gm,
                    gn,
                    a.as_ptr(),
                    lda,
                    b.as_ptr(),
                    ix,
                    accumulate,
                    c.as_mut_ptr(),
                    iy,
                )
            };
            return;
        }
        return fallback(a, b, c, accumulate);
    }
    // vector · matrix → ?gemv with the transpose flag: yᵀ = xᵀ·B  ⇔  y = Bᵀ·x
    if vector_ok && m == 1 {
        if let (Some((tb, ldb)), Some(ix), Some(iy)) =
            (lb.and_then(flag_ld), inc(k, sa[1]), inc(n, sc[1]))
        {
            let (gm, gn, t) = if matches!(tb, CblasNoTrans) {
                (ki, ni, CblasTrans)
            } else {
                (ni, ki, CblasNoTrans)
            };
            // SAFETY: `b` is a BLAS-able (k×n) operand with leading dim `ldb`; `x` = a[0, :] has
            // k elements at stride ix > 0; `y` = c[0, :] has n elements at stride iy > 0.
            unsafe {
                T::gemv(
                    t,
                    gm,
                    gn,
                    b.as_ptr(),
                    ldb,
                    a.as_ptr(),
                    ix,
                    accumulate,
                    c.as_mut_ptr(),
                    iy,
                )
            };
            return;
        }
        return fallback(a, b, c, accumulate);
    }
    let (Some((ta, lda)), Some((tb, ldb))) = (la.and_then(flag_ld), lb.and_then(flag_ld)) else {
        return fallback(a, b, c, accumulate);
    };
    // A·Aᵀ on the same data → ?syrk on one triangle, then mirror: half the flops.
    if !accumulate && m == n && m >= 16 && is_transpose_of(&a, &b) {
        // SAFETY: `a` is BLAS-able with (ta, lda); syrk reads the same (m×k) operand and writes
        // the upper triangle of the (m×m) row-major `c` with leading dim ldc.
        unsafe { T::syrk(ta, mi, ki, a.as_ptr(), lda, c.as_mut_ptr(), ldc) };
        for i in 1..m {
            for j in 0..i {
                c[[i, j]] = c[[j, i]];
            }
        }
        return;
    }
    // SAFETY: `a` (m×k) and `b` (k×n) are BLAS-able with the given flags and leading dims
    // (checked by mat_layout against their dims and strides), `c` (m×n) is row-major with
    // leading dim ldc, exclusively borrowed; all dims are in 1..=i32::MAX.
    unsafe {
        T::gemm(
            ta,
            tb,
            mi,
            ni,
            ki,
            a.as_ptr(),
            lda,
            b.as_ptr(),
            ldb,
            accumulate,
            c.as_mut_ptr(),
            ldc,
        )
    };
}

/// `a · b` as a new row-major `m×n` buffer written by a single `?gemm` (or `?syrk` + mirror)
/// call, without zero-filling it first (`beta = 0`: BLAS writes every element of C and reads
/// none). Saves a pass over the result (a `memset`, or page faults) that would otherwise cost
/// a few percent of a large product. `None` when one call does not cover the product (dims of
/// 1 or 0, dims above the limit, non-BLAS-able layouts, small products): use [`gemm`] then.
/// `Err(MemoryError)` when the result cannot be allocated.
pub(crate) fn gemm_new<T: BlasScalar>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let (m, n) = (a.nrows(), b.ncols());
    let Some(params) = one_call(&a, &b) else {
        return Ok(None);
    };
    let len = m * n; // ≤ limit² fits: one_call checked `m·n` too
    let mut v: Vec<T> = crate::kernels::result::alloc_result_as(len, &[m, n])?;
    // SAFETY: `params` are `one_call`'s for `a` and `b` (computed once: the dimension limit is
    // global and may change between two reads); `v` has capacity for the m·n elements, ours
    // alone (a new buffer).
    unsafe { gemm_new_into(&a, &b, params, v.as_mut_ptr()) };
    // SAFETY: `gemm_new_into` wrote every one of the m·n elements.
    unsafe { v.set_len(len) };
    Ok(Some(v))
}

/// What [`gemm_new`] computes, into `c`: `a · b` by one `?gemm` call, or `?syrk` and a mirror
/// of its triangle for `a · aᵀ` (`m == n ≥ 16`), every element written, none read.
///
/// # Safety
/// `params` is `one_call(a, b)`; `c` addresses `m·n` elements (`m` rows of `n`,
/// row-major) inside one live allocation, writable, exclusively ours for the call and
/// overlapping neither `a` nor `b`; they need not be initialized.
pub(crate) unsafe fn gemm_new_into<T: BlasScalar>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    params: OneCall,
    c: *mut T,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let ((ta, lda), _, ldc) = params;
    if m == n && m >= 16 && is_transpose_of(a, b) {
        // SAFETY: `a` is BLAS-able as (ta, lda) (checked by mat_layout), `c` has capacity for
        // m·m elements with leading dim m; syrk with beta = 0 writes the upper triangle without
        // reading C. Dims are in 1..=limit ≤ i32::MAX (`one_call`).
        unsafe { T::syrk(ta, m as c_int, k as c_int, a.as_ptr(), lda, c, ldc) };
        // Mirror the upper triangle into the lower one in 32×32 tiles, so that the column
        // reads of the upper triangle stay in cache.
        const TILE: usize = 32;
        for ib in (0..m).step_by(TILE) {
            for jb in (0..=ib).step_by(TILE) {
                for i in ib..(ib + TILE).min(m) {
                    for j in jb..(jb + TILE).min(i) {
                        // SAFETY: (j, i) with j < i is in the upper triangle, written by syrk;
                        // (i, j) is inside the m·m capacity. Reads only initialized elements,
                        // writes the strict lower triangle.
                        unsafe { *c.add(i * m + j) = *c.add(j * m + i) };
                    }
                }
            }
        }
    } else {
        // SAFETY: `params` are `one_call`'s for `a` and `b`; `c` as the caller's contract.
        unsafe { gemm_one_call(a, b, params, c) };
    }
}

/// `c = a · b` by one `?gemm` call with `beta = 0` into `c`, row-major with leading dimension
/// `n` (`b`'s column count), whose memory need not be initialized: BLAS writes every element of
/// C and reads none. `false` (nothing written) when one call does not cover the product (dims
/// of 0 or 1, dims above the limit, layouts BLAS cannot take).
///
/// # Safety
/// `c` addresses `m·n` elements (`m` rows of `n`, row-major) inside one live allocation,
/// writable, exclusively ours for the call and overlapping neither `a` nor `b`.
pub(crate) unsafe fn gemm_uninit<T: BlasScalar>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    c: *mut T,
) -> bool {
    let Some(params) = one_call(a, b) else {
        return false;
    };
    // SAFETY: `params` are `one_call`'s for `a` and `b`; `c` as the caller's contract.
    unsafe { gemm_one_call(a, b, params, c) };
    true
}

/// The flags and leading dimensions [`one_call`] gives.
pub(crate) type OneCall = ((CBLAS_TRANSPOSE, c_int), (CBLAS_TRANSPOSE, c_int), c_int);

/// `c = a · b` by one `?gemm` call with `beta = 0` and `one_call`'s parameters.
///
/// # Safety
/// `params` is `one_call(a, b)` (so dims are in 1..=limit ≤ `i32::MAX` and the layouts
/// BLAS-able with these flags); `c` as for [`gemm_uninit`].
unsafe fn gemm_one_call<T: BlasScalar>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    params: OneCall,
    c: *mut T,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let ((ta, lda), (tb, ldb), ldc) = params;
    // SAFETY: `a` (m×k) and `b` (k×n) are BLAS-able with these flags and leading dims (checked
    // by `mat_layout` in `one_call`); `c` addresses m·n writable elements with leading dim n,
    // ours alone (the caller's contract); with beta = 0 gemm writes all of C and reads none of
    // it. Dims are in 1..=limit ≤ i32::MAX.
    unsafe {
        T::gemm(
            ta,
            tb,
            m as c_int,
            n as c_int,
            k as c_int,
            a.as_ptr(),
            lda,
            b.as_ptr(),
            ldb,
            false,
            c,
            ldc,
        )
    };
}

/// The flags and leading dimensions of `a · b` as one `?gemm` call into a new row-major
/// result (`(ta, lda)`, `(tb, ldb)`, `ldc`), or `None` when one call does not cover it: dims
/// of 0 or 1, dims (or the result's element count) beyond the limit, layouts BLAS cannot take.
#[inline]
pub(crate) fn one_call<T: BlasScalar>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
) -> Option<OneCall> {
    let (m, k) = a.dim();
    let n = b.ncols();
    let limit = blas_dim_limit();
    if b.nrows() != k || m < 2 || n < 2 || k < 1 || m > limit || n > limit || k > limit {
        return None;
    }
    m.checked_mul(n)?;
    Some((
        flag_ld(mat_layout((m, k), (a.strides()[0], a.strides()[1]))?)?,
        flag_ld(mat_layout((k, n), (b.strides()[0], b.strides()[1]))?)?,
        blas_int(n)?,
    ))
}

/// `Σ x[i]·y[i]` through `?dot` / `?dotu` (no conjugation), split into calls of at most the
/// dimension limit; negative or zero strides, and OpenBLAS builds whose complex `?dotu` reads
/// out of bounds (see [`complex_vector_kernels_ok`]), fall back to an in-order loop.
pub(crate) fn dot1<T: BlasScalar>(
    x: ndarray::ArrayView1<'_, T>,
    y: ndarray::ArrayView1<'_, T>,
) -> T {
    let k = x.len();
    assert!(y.len() == k, "kernel shape contract");
    let strides = (inc(k, x.strides()[0]), inc(k, y.strides()[0]));
    let (Some(ix), Some(iy), true) = (strides.0, strides.1, T::vector_kernels_ok()) else {
        return x
            .iter()
            .zip(y)
            .fold(T::zero(), |acc, (&a, &b)| acc.np_add(a.np_mul(b)));
    };
    let limit = blas_dim_limit();
    if k <= limit {
        // One call (the common case): no sub-views.
        // SAFETY: `x` and `y` have k ≤ limit ≤ i32::MAX elements at positive strides `ix`,
        // `iy` (checked by `inc`) starting at their first elements.
        return unsafe { T::dot(k as c_int, x.as_ptr(), ix, y.as_ptr(), iy) };
    }
    let mut acc = T::zero();
    let mut p = 0;
    while p < k {
        let e = (p + limit).min(k);
        let (xs, ys) = (x.slice(s![p..e]), y.slice(s![p..e]));
        // SAFETY: `xs` and `ys` have e − p ≤ limit ≤ i32::MAX elements at positive strides
        // `ix`, `iy` (checked by `inc`) starting at their first elements, all inside the views.
        let d = unsafe { T::dot((e - p) as c_int, xs.as_ptr(), ix, ys.as_ptr(), iy) };
        acc = if p == 0 { d } else { acc.np_add(d) };
        p = e;
    }
    acc
}

/// [`dot1`] of two 1-D arrays of any storage and dimension type (`None` unless both are 1-D of
/// equal length): one `?dot` call on the arrays' own pointers and strides when the common case
/// applies (positive strides, a length within the dimension limit, safe vector kernels),
/// without building views; otherwise [`dot1`] on views.
pub(crate) fn dot1_arrays<T, S1, S2, D1, D2>(
    x: &ndarray::ArrayBase<S1, D1>,
    y: &ndarray::ArrayBase<S2, D2>,
) -> Option<T>
where
    T: BlasScalar,
    S1: ndarray::Data<Elem = T>,
    S2: ndarray::Data<Elem = T>,
    D1: ndarray::Dimension,
    D2: ndarray::Dimension,
{
    let (&[k], &[ky]) = (x.shape(), y.shape()) else {
        return None;
    };
    if k != ky {
        return None;
    }
    if let (Some(ix), Some(iy), true, true) = (
        inc(k, x.strides()[0]),
        inc(k, y.strides()[0]),
        k <= blas_dim_limit(),
        T::vector_kernels_ok(),
    ) {
        // SAFETY: `x` and `y` are 1-D arrays of k ≤ limit ≤ i32::MAX elements; their
        // elements are at `as_ptr() + i·stride` for i < k with the positive strides `ix`, `iy`
        // (checked by `inc`; for k ≤ 1 only the first element, if any, is addressed).
        return Some(unsafe { T::dot(k as c_int, x.as_ptr(), ix, y.as_ptr(), iy) });
    }
    let xv = x.view().into_dimensionality::<ndarray::Ix1>().ok()?;
    let yv = y.view().into_dimensionality::<ndarray::Ix1>().ok()?;
    Some(dot1(xv, yv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openblas_versions_parse() {
        let debian = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64";
        assert_eq!(openblas_version(debian), Some((0, 3, 21)));
        assert_eq!(
            openblas_version("OpenBLAS 0.3.24 DYNAMIC_ARCH"),
            Some((0, 3, 24))
        );
        assert_eq!(
            openblas_version("OpenBLAS 0.3.31.188.0  USE64BITINT"),
            Some((0, 3, 31))
        );
        assert_eq!(
            openblas_version("OpenBLAS 0.3.30.dev DYNAMIC_ARCH"),
            Some((0, 3, 30))
        );
        assert_eq!(openblas_version("OpenBLAS"), None);
        assert_eq!(openblas_version("MKL 2024"), None);
        assert!(openblas_version(debian).unwrap() < (0, 3, 24));
    }

    /// Complex matrix·vector, vector·matrix and vector·vector give the textbook result whichever
    /// route `complex_vector_kernels_ok` picks (on this machine's OpenBLAS 0.3.21: `?gemm` and
    /// the in-order loop instead of `?gemv`/`?dotu`).
    #[test]
    fn complex_vector_products_without_gemv() {
        use ndarray::Array2;
        let a = Array2::from_shape_fn((37, 29), |(i, j)| Complex::new(i as f64 - 3.0, j as f64));
        let x = Array2::from_shape_fn((29, 1), |(i, _)| Complex::new(1.0, i as f64 % 3.0));
        let naive = |a: &ArrayView2<'_, Complex<f64>>, b: &ArrayView2<'_, Complex<f64>>| {
            Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
                (0..a.ncols()).fold(Complex::new(0.0, 0.0), |s, p| s + a[[i, p]] * b[[p, j]])
            })
        };
        let mut c = Array2::from_elem((37, 1), Complex::new(f64::NAN, 0.0));
        gemm(a.view(), x.view(), c.view_mut());
        assert_eq!(c, naive(&a.view(), &x.view()));
        let xt = x.t();
        let mut r = Array2::from_elem((1, 37), Complex::new(f64::NAN, 0.0));
        gemm(xt, a.t(), r.view_mut());
        assert_eq!(r, naive(&xt, &a.t()));
        let y = a.column(3);
        let d = dot1(y, y);
        let want = y.iter().fold(Complex::new(0.0, 0.0), |s, &v| s + v * v);
        assert_eq!(d, want);
    }
}
