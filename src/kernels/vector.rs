//! Vector products without a library call: the dot product of two strided vectors and the
//! matrix·vector product into a new buffer, for every element type.
//!
//! For short vectors and small matrices a library call costs more than the arithmetic (BLAS
//! checks its arguments, dispatches on the CPU and on the increments), so these loops run
//! in-line: contiguous vectors in [`LANES`] interleaved partial sums (independent chains that
//! the compiler maps to SIMD lanes; complex ones of [`LANES`] elements or more as separate
//! sums of their parts' products, [`dot_parts`]), other strides in order. On x86-64 CPUs with
//! AVX2 and FMA, longer loops run a copy of the same code compiled for AVX2 (wider vectors; the
//! arithmetic and its order are the same, so results do not depend on the CPU). Integers wrap
//! like NumPy's, `bool` is the OR of ANDs, complex products do not conjugate.
//!
//! * [`dot`]: `Σ x[i]·y[i]`; long strided real float vectors (or any long ones on CPUs without
//!   AVX2 and FMA) go to BLAS's `?dot` with the `blas` feature (see [`FLOAT_DOT_LIBRARY_MIN`]).
//! * [`mat_vec_new`]: `y = a · x` for an `(n, k)` matrix of any strides, written once into a
//!   new buffer: a dot product per row when rows are contiguous, column updates (`y += a[:, j]·
//!   x[j]`, contiguous in `y`) when columns are, an in-order loop otherwise. Vector·matrix is
//!   the same product with the matrix transposed ([`vec_mat_new`]). [`takes_mat_vec`] says
//!   when the plan should use it rather than the type's 2-D kernel.

use std::any::TypeId;

use ndarray::{ArrayView1, ArrayView2};
use num_complex::Complex;

use super::dyn_place::{Built, DynPlace};
use super::result::{RawResult, alloc_result, alloc_result_as, alloc_result_or_none, c_matrix};
use crate::element::{Element, Kind};
use crate::error::Error;

/// Number of interleaved partial sums of a contiguous dot product.
const LANES: usize = 8;

/// Length from which a real float (`f32`, `f64`) dot product calls BLAS's `?dot` (with the
/// `blas` feature) unless both vectors are contiguous and the CPU has AVX2 and FMA (then the
/// in-line FMA kernel below is as fast as OpenBLAS's Haswell kernel, without the call).
pub(crate) const FLOAT_DOT_LIBRARY_MIN: usize = 64;

/// Largest `n·k` of a matrix·vector product of real floats computed here with the `blas`
/// feature (a 64×64 matrix); larger ones call `?gemv`. Complex types (whose `?gemv` some
/// OpenBLAS builds cannot run safely, and which these loops beat where it can) are computed
/// here at every size, integers and `bool` up to [`ANY_MAT_VEC_MAX`].
pub(crate) const FLOAT_MAT_VEC_MAX: usize = 4096;

/// Largest `n·k` of a matrix·vector product of the other types computed here. Larger integer
/// products go to the integer kernels (parallel for large matrices).
pub(crate) const ANY_MAT_VEC_MAX: usize = 1 << 16;

/// Fewest rows for which [`mat_vec_new`] updates contiguous columns (fewer: a dot product per
/// row, whose loop has no start-up cost).
const COLUMNS_MIN: usize = 16;

/// Smallest `n·k` of a matrix·vector product run by the AVX2 copy (smaller ones: the baseline
/// copy, whose short loops start faster).
const MAT_VEC_AVX2_MIN: usize = 256;

/// Shortest contiguous loop worth the call into the AVX2 copy.
const AVX2_MIN: usize = 16;

/// Whether `T` is a complex type.
pub(crate) fn is_complex<T: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<Complex<f64>>()
        || TypeId::of::<T>() == TypeId::of::<Complex<f32>>()
}

/// Whether a library kernel (BLAS) is faster than the loops here for a real float type.
fn library_float<T: Element>() -> bool {
    cfg!(feature = "blas") && T::KIND == Kind::Float && !is_complex::<T>()
}

/// Whether this CPU runs the AVX2 copies (AVX2 and FMA; never under Miri), detected once.
#[inline]
fn avx2() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    /// 0: not yet detected, 1: no, 2: yes.
    static AVX2: AtomicU8 = AtomicU8::new(0);
    match AVX2.load(Ordering::Relaxed) {
        0 => {
            let yes = !cfg!(miri) && super::cpu::has_avx2_fma();
            AVX2.store(1 + u8::from(yes), Ordering::Relaxed);
            yes
        }
        v => v == 2,
    }
}

/// `Σ x[i]·y[i]` for two vectors of equal length, NumPy's arithmetic for `T` (`?dot` for long
/// real float vectors with the `blas` feature). Short vectors are summed in order, in-line.
#[inline(always)]
pub(crate) fn dot<T: Element>(x: ArrayView1<'_, T>, y: ArrayView1<'_, T>) -> T {
    let n = x.len();
    assert!(y.len() == n, "kernel shape contract");
    let (ix, iy) = (x.strides()[0], y.strides()[0]);
    if n <= AVX2_MIN && ix == 1 && iy == 1 {
        // SAFETY: unit strides: the `n` elements of each live view are consecutive.
        let (xs, ys) = unsafe {
            (
                std::slice::from_raw_parts(x.as_ptr(), n),
                std::slice::from_raw_parts(y.as_ptr(), n),
            )
        };
        return dot_slices(xs, ys);
    }
    if n < LANES {
        // SAFETY: `x` and `y` are live views of `n` elements each, element `i` at
        // `as_ptr() + i·stride` (ndarray's invariant), which is what `dot_short` reads.
        return unsafe { dot_short(n, x.as_ptr(), ix, y.as_ptr(), iy) };
    }
    if n > FLOAT_DOT_LIBRARY_MIN && library_float::<T>() && !(ix == 1 && iy == 1 && avx2()) {
        // Strided, or without the FMA kernels below: BLAS's `?dot` is faster.
        return T::dot1(x, y);
    }
    // SAFETY: as for `dot_short` above.
    unsafe { dot_long(n, x.as_ptr(), ix, y.as_ptr(), iy) }
}

/// [`dot`] of two 1-D arrays of equal length, of any storage and dimension type (`None` if
/// either is not 1-D or the lengths differ), straight from the arrays' pointers and strides.
#[inline]
pub(crate) fn dot_arrays<T, S1, S2, D1, D2>(
    x: &ndarray::ArrayBase<S1, D1>,
    y: &ndarray::ArrayBase<S2, D2>,
) -> Option<T>
where
    T: Element,
    S1: ndarray::Data<Elem = T>,
    S2: ndarray::Data<Elem = T>,
    D1: ndarray::Dimension,
    D2: ndarray::Dimension,
{
    let (&[n], &[ny]) = (x.shape(), y.shape()) else {
        return None;
    };
    if n != ny {
        return None;
    }
    let (ix, iy) = (x.strides()[0], y.strides()[0]);
    if n > FLOAT_DOT_LIBRARY_MIN && library_float::<T>() && !(ix == 1 && iy == 1 && avx2()) {
        return T::dot1_arrays(x, y);
    }
    // SAFETY: `x` and `y` are live 1-D arrays of `n` elements, element `i` at
    // `as_ptr() + i·stride` (ndarray's invariant).
    Some(unsafe { dot_ptr(n, x.as_ptr(), ix, y.as_ptr(), iy) })
}

/// [`dot`] of vectors of at least [`LANES`] elements, out of line, on raw parts (passed in
/// registers: views passed by value are copied through the stack, see [`mat_vec_new`]).
///
/// # Safety
/// As for [`dot_ptr`].
#[inline(never)]
unsafe fn dot_long<T: Element>(n: usize, x: *const T, incx: isize, y: *const T, incy: isize) -> T {
    // SAFETY: the caller's contract.
    unsafe { dot_ptr(n, x, incx, y, incy) }
}

/// `Σ x[i·incx]·y[i·incy]` for `i < n`, in order (for short vectors).
///
/// # Safety
/// As for [`dot_ptr`].
#[inline(always)]
unsafe fn dot_short<T: Element>(n: usize, x: *const T, incx: isize, y: *const T, incy: isize) -> T {
    let mut s = T::zero();
    for i in 0..n as isize {
        // SAFETY: `i < n`: both addresses are elements of live arrays (the contract).
        let (a, b) = unsafe { (*x.offset(i * incx), *y.offset(i * incy)) };
        s = s.np_add(a.np_mul(b));
    }
    s
}

/// `Σ x[i·incx]·y[i·incy]` for `i < n`.
///
/// # Safety
/// For every `i < n`, `x.offset(i·incx)` and `y.offset(i·incy)` are elements of live arrays
/// (readable for the call).
#[inline]
pub(crate) unsafe fn dot_ptr<T: Element>(
    n: usize,
    x: *const T,
    incx: isize,
    y: *const T,
    incy: isize,
) -> T {
    if (incx == 1 && incy == 1) || n <= 1 {
        // SAFETY: with unit strides (or at most one element) the `n` elements of each vector
        // are consecutive, inside live arrays (the caller's contract); `n == 0` takes no
        // element (a dangling, aligned pointer is fine for an empty slice only if non-null:
        // ndarray's pointers are never null).
        let (xs, ys) = unsafe {
            (
                std::slice::from_raw_parts(x, n),
                std::slice::from_raw_parts(y, n),
            )
        };
        if n >= AVX2_MIN && avx2() {
            // SAFETY: AVX2 and FMA detected on the line above.
            return unsafe { dot_slices_avx2(xs, ys) };
        }
        return dot_slices(xs, ys);
    }
    // SAFETY: the caller's contract.
    unsafe { dot_short(n, x, incx, y, incy) }
}

/// `Σ x[i]·y[i]` of two slices of equal length: [`LANES`] interleaved partial sums combined
/// pairwise, then the tail in order (short slices: in order; integers: one reduction, which
/// the compiler vectorizes).
#[inline(always)]
fn dot_slices<T: Element>(x: &[T], y: &[T]) -> T {
    dot_lanes::<T, LANES>(x, y)
}

/// [`dot_slices`] with `L` partial sums (a power of two, at least 4).
#[inline(always)]
fn dot_lanes<T: Element, const L: usize>(x: &[T], y: &[T]) -> T {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    if T::KIND == Kind::Int {
        // Wrapping integer addition is associative: the loop vectorizer splits this plain
        // reduction into vector partial sums by itself (any order gives the same result).
        return x
            .iter()
            .zip(y)
            .fold(T::zero(), |acc, (&a, &b)| acc.np_add(a.np_mul(b)));
    }
    if n >= LANES
        && let Some(s) = dot_complex(x, y)
    {
        return s;
    }
    if n < L {
        if L > LANES && n >= LANES {
            return dot_lanes::<T, LANES>(x, y);
        }
        return x
            .iter()
            .zip(y)
            .fold(T::zero(), |acc, (&a, &b)| acc.np_add(a.np_mul(b)));
    }
    let mut acc = [T::zero(); L];
    let (xc, yc) = (x.chunks_exact(L), y.chunks_exact(L));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (xs, ys) in xc.zip(yc) {
        for l in 0..L {
            acc[l] = acc[l].np_add(xs[l].np_mul(ys[l]));
        }
    }
    // Pairwise combination of the partial sums, then the tail in order.
    let mut w = L;
    while w > 1 {
        w /= 2;
        for l in 0..w {
            acc[l] = acc[l].np_add(acc[l + w]);
        }
    }
    let mut s = acc[0];
    for (&a, &b) in xr.iter().zip(yr) {
        s = s.np_add(a.np_mul(b));
    }
    s
}

/// [`dot_slices`] of two complex slices of equal length (`None` unless `T` is `Complex<f64>` or
/// `Complex<f32>`), on their parts ([`dot_parts`]).
#[inline(always)]
fn dot_complex<T: Element>(x: &[T], y: &[T]) -> Option<T> {
    macro_rules! on_parts {
        ($f:ty) => {
            if TypeId::of::<T>() == TypeId::of::<Complex<$f>>() {
                let n = x.len().min(y.len());
                // SAFETY: `T` is `Complex<$f>` (checked above), `#[repr(C)]` `{ re, im }`, the
                // layout of `[$f; 2]`: the first `n` elements of each slice, read as `n` pairs
                // of parts.
                let (xs, ys) = unsafe {
                    (
                        std::slice::from_raw_parts(x.as_ptr().cast::<[$f; 2]>(), n),
                        std::slice::from_raw_parts(y.as_ptr().cast::<[$f; 2]>(), n),
                    )
                };
                let [re, im] = dot_parts(xs, ys);
                // SAFETY: `T` is `Complex<$f>`.
                return Some(unsafe {
                    std::mem::transmute_copy::<Complex<$f>, T>(&Complex::new(re, im))
                });
            }
        };
    }
    on_parts!(f64);
    on_parts!(f32);
    None
}

/// Complex elements per step of [`dot_parts`] (its interleaved partial sums of each kind).
const COMPLEX_LANES: usize = 4;

/// `Σ x[i]·y[i]` of complex vectors given as `[re, im]` pairs: the real part
/// `Σ re·re − Σ im·im`, the imaginary part `Σ re·im + Σ im·re`, each product one multiply then
/// one add (no fused multiply-add): the split OpenBLAS's `?dotu` kernels use. Against one
/// complex multiply per element (`re·re − im·im` formed first), it needs no subtraction and no
/// shuffle of the product per element, only a swap of `y`'s parts, and the compiler maps the
/// sums to SIMD lanes. The products are those of the element-wise formula; only the grouping
/// of the additions differs (so the rounding, and with infinite parts where `∞ − ∞` arises).
///
/// [`COMPLEX_LANES`] interleaved partial sums of each kind, the tail added into the first of
/// them, combined pairwise at the end. The tail and the combination index the sums with
/// constants only, so they stay in registers: indexed by a variable, they were stored to the
/// stack and read back with loads of other widths, which the CPU cannot forward from the
/// stores (a complex128 dot of 8 elements took 19 ns instead of 10).
#[inline(always)]
fn dot_parts<F>(x: &[[F; 2]], y: &[[F; 2]]) -> [F; 2]
where
    F: Element + std::ops::Sub<Output = F>,
{
    const L: usize = COMPLEX_LANES;
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    // `same[l]`: [Σ re·re, Σ im·im]; `cross[l]`: [Σ re·im, Σ im·re] (`x`'s part first).
    let (mut same, mut cross) = ([[F::zero(); 2]; L], [[F::zero(); 2]; L]);
    let step = |same: &mut [F; 2], cross: &mut [F; 2], a: [F; 2], b: [F; 2]| {
        same[0] = same[0].np_add(a[0].np_mul(b[0]));
        same[1] = same[1].np_add(a[1].np_mul(b[1]));
        cross[0] = cross[0].np_add(a[0].np_mul(b[1]));
        cross[1] = cross[1].np_add(a[1].np_mul(b[0]));
    };
    let (xc, yc) = (x.chunks_exact(L), y.chunks_exact(L));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (xs, ys) in xc.zip(yc) {
        for l in 0..L {
            step(&mut same[l], &mut cross[l], xs[l], ys[l]);
        }
    }
    for l in 0..L {
        if l < xr.len().min(yr.len()) {
            step(&mut same[l], &mut cross[l], xr[l], yr[l]);
        }
    }
    let pair = |s: [[F; 2]; L], k: usize| {
        let lo = s[0][k].np_add(s[2][k]);
        let hi = s[1][k].np_add(s[3][k]);
        lo.np_add(hi)
    };
    [
        pair(same, 0) - pair(same, 1),
        pair(cross, 0).np_add(pair(cross, 1)),
    ]
}

/// [`dot_slices`] of one-byte integers (wrapping, so any order gives the same sum) for vectors
/// of 64 elements or more, in the AVX2 copy: the plain reduction there is vectorized 128
/// elements a step, so a vector of 64 (and the last < 128 elements of any) ran as scalars.
/// Whole 128-element steps, then at most one block of 64 as a loop of known length, then the
/// tail. Measured (`u8`, one thread): 64 elements 6–7 ns against 8 ns as one reduction
/// (ndarray's `dot`: 7 ns). Only for whole vectors (`dot_ptr`): inside a matrix·vector
/// product's row loop the split's set-up cost ~1 ns a row (8×8: 36–38 → 44–47 ns).
#[inline(always)]
fn dot_bytes<T: Element>(x: &[T], y: &[T]) -> T {
    let n = x.len().min(y.len());
    let fold = |x: &[T], y: &[T]| {
        x.iter()
            .zip(y)
            .fold(T::zero(), |acc, (&a, &b)| acc.np_add(a.np_mul(b)))
    };
    let main = n / 128 * 128;
    let mut s = fold(&x[..main], &y[..main]);
    let (mut x, mut y) = (&x[main..n], &y[main..n]);
    if x.len() >= 64 {
        let (xb, yb) = (&x[..64], &y[..64]);
        s = s.np_add(fold(xb, yb));
        (x, y) = (&x[64..], &y[64..]);
    }
    s.np_add(fold(x, y))
}

/// [`dot_slices`] compiled for AVX2 and FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_slices_avx2<T: Element>(x: &[T], y: &[T]) -> T {
    let n = x.len().min(y.len());
    if TypeId::of::<T>() == TypeId::of::<f64>() {
        // SAFETY: `T` is `f64` (same type, checked above), so the slices' `n` elements are
        // `f64`s; AVX2 and FMA: this function's contract.
        let d = unsafe { fma::dot_f64(x.as_ptr().cast(), y.as_ptr().cast(), n) };
        // SAFETY: `T` is `f64`.
        return unsafe { std::mem::transmute_copy::<f64, T>(&d) };
    }
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        // SAFETY: as above, for `f32`.
        let d = unsafe { fma::dot_f32(x.as_ptr().cast(), y.as_ptr().cast(), n) };
        // SAFETY: `T` is `f32`.
        return unsafe { std::mem::transmute_copy::<f32, T>(&d) };
    }
    if T::KIND == Kind::Int && std::mem::size_of::<T>() == 1 && n >= 64 {
        return dot_bytes(x, y);
    }
    dot_slices(x, y)
}

/// Real float dot products in 256-bit FMA registers: four registers of partial sums (16 `f64`
/// or 32 `f32` lanes), combined pairwise, then the tail in order — the layout of OpenBLAS's
/// Haswell `?dot` kernels, without the library call.
#[cfg(target_arch = "x86_64")]
mod fma {
    use std::arch::x86_64::*;

    /// `Σ x[i]·y[i]` for `i < n` (`f64`).
    ///
    /// # Safety
    /// `x` and `y` are valid for reads of `n` elements each; the CPU supports AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn dot_f64(x: *const f64, y: *const f64, n: usize) -> f64 {
        let mut acc = [_mm256_setzero_pd(); 4];
        let mut i = 0;
        while i + 16 <= n {
            for (r, a) in acc.iter_mut().enumerate() {
                // SAFETY: i + 4·r + 4 ≤ i + 16 ≤ n: inside both vectors (the contract).
                unsafe {
                    let xv = _mm256_loadu_pd(x.add(i + 4 * r));
                    let yv = _mm256_loadu_pd(y.add(i + 4 * r));
                    *a = _mm256_fmadd_pd(xv, yv, *a);
                }
            }
            i += 16;
        }
        let s = _mm256_add_pd(_mm256_add_pd(acc[0], acc[2]), _mm256_add_pd(acc[1], acc[3]));
        let h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
        let mut sum = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
        while i < n {
            // SAFETY: i < n (the contract).
            sum += unsafe { *x.add(i) * *y.add(i) };
            i += 1;
        }
        sum
    }

    /// `Σ x[i]·y[i]` for `i < n` (`f32`).
    ///
    /// # Safety
    /// `x` and `y` are valid for reads of `n` elements each; the CPU supports AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn dot_f32(x: *const f32, y: *const f32, n: usize) -> f32 {
        let mut acc = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        while i + 32 <= n {
            for (r, a) in acc.iter_mut().enumerate() {
                // SAFETY: i + 8·r + 8 ≤ i + 32 ≤ n: inside both vectors (the contract).
                unsafe {
                    let xv = _mm256_loadu_ps(x.add(i + 8 * r));
                    let yv = _mm256_loadu_ps(y.add(i + 8 * r));
                    *a = _mm256_fmadd_ps(xv, yv, *a);
                }
            }
            i += 32;
        }
        let s = _mm256_add_ps(_mm256_add_ps(acc[0], acc[2]), _mm256_add_ps(acc[1], acc[3]));
        let h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        let h = _mm_add_ps(h, _mm_movehl_ps(h, h));
        let mut sum = _mm_cvtss_f32(_mm_add_ss(h, _mm_shuffle_ps(h, h, 1)));
        while i < n {
            // SAFETY: i < n (the contract).
            sum += unsafe { *x.add(i) * *y.add(i) };
            i += 1;
        }
        sum
    }
}

/// [`dot_slices`] (no AVX2 copy on this architecture).
///
/// # Safety
/// None beyond the safe function's; `unsafe` for the same signature as on x86-64.
#[cfg(not(target_arch = "x86_64"))]
unsafe fn dot_slices_avx2<T: Element>(x: &[T], y: &[T]) -> T {
    dot_slices(x, y)
}

/// Whether [`mat_vec_new`] should compute a matrix·vector product with `n` rows and `k`
/// columns (`n·k` multiply-adds) rather than the type's 2-D kernel: non-empty, and small
/// enough that a library call costs more than it saves (see [`FLOAT_MAT_VEC_MAX`]).
#[inline]
pub(crate) fn takes_mat_vec<T: Element>(n: usize, k: usize) -> bool {
    let work = n.saturating_mul(k);
    let max = if library_float::<T>() {
        FLOAT_MAT_VEC_MAX
    } else if is_complex::<T>() {
        usize::MAX
    } else {
        ANY_MAT_VEC_MAX
    };
    n > 0 && k > 0 && work <= max
}

/// `a · x` for an `(n, k)` matrix and a vector of `k` elements, as a new buffer of `n`
/// elements written once (each element summed from zero). `Err(MemoryError)` when the buffer
/// cannot be allocated.
#[inline(always)]
pub(crate) fn mat_vec_new<T: Element>(
    a: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
) -> Result<Vec<T>, Error> {
    let v = alloc_result(a.nrows())?;
    Ok(mat_vec_fill(a, x, v))
}

/// [`mat_vec_new`] without an error: `None` when the buffer cannot be allocated (the caller's
/// general path then allocates again and reports it).
///
/// For the fast paths in-lined into the user's code, which make no `Error`: the compiler cuts
/// a value it keeps in registers into pieces sized by every access to it, and an error moved
/// through the same `Result` cut the array's pointer into pieces (a `u8` product: 1, 4, 2 and
/// 1 bytes), stored one by one and read back whole, a failed store-to-load forward per call
/// (perf annotate of a (2, 2)·(2,) `u8` product: half its samples on those loads).
#[inline(always)]
pub(crate) fn mat_vec_try_new<T: Element>(
    a: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
) -> Option<Vec<T>> {
    let v = alloc_result_or_none(a.nrows())?;
    Some(mat_vec_fill(a, x, v))
}

/// `v` (empty, with room for `n` elements) holding `a · x`.
///
/// In-lined into the caller, which passes the views' pointers, dims and strides on in
/// registers: a view passed by value to an out-of-line function is copied to the stack first,
/// and those copies (8- and 16-byte stores read back by loads that span two of them) stall on
/// store-to-load forwarding, which cost more than the whole product of a small matrix. The
/// buffer is allocated in line too: returned from the out-of-line kernel inside a `Result`
/// (through memory, written by 8-byte stores, read back by a 16-byte load), it cost a failed
/// forward per call (perf annotate: a quarter of a (2, 2)·(2,) `f32` product's samples).
#[inline(always)]
fn mat_vec_fill<T: Element>(a: ArrayView2<'_, T>, x: ArrayView1<'_, T>, mut v: Vec<T>) -> Vec<T> {
    let (n, k) = a.dim();
    assert!(x.len() == k && v.capacity() >= n, "kernel shape contract");
    let job = MatVec {
        n,
        k,
        a: a.as_ptr(),
        rs: a.strides()[0],
        cs: a.strides()[1],
        x: x.as_ptr(),
        ix: x.strides()[0],
        y: v.as_mut_ptr(),
    };
    // SAFETY: `a` is a live (n, k) view (element (i, j) at a + i·rs + j·cs) and `x` a live view
    // of k elements (element j at x + j·ix); `v` has room for n elements (checked above) and
    // nothing else references it: what `mat_vec_any` and `mat_vec_job` require, and
    // `mat_vec_tiny` with `n, k ≤ MAT_VEC_INLINE_MAX` (checked).
    unsafe {
        if n <= MAT_VEC_INLINE_MAX && k <= MAT_VEC_INLINE_MAX {
            mat_vec_tiny(&job);
        } else if n.saturating_mul(k) < MAT_VEC_AVX2_MIN {
            // Too small for the AVX2 copy: straight to the kernel, one call fewer.
            mat_vec_any(&job);
        } else {
            mat_vec_job(&job);
        }
    }
    // SAFETY: the kernel (either call) wrote all n elements, within the capacity.
    unsafe { v.set_len(n) };
    v
}

/// `(n, k, rs, cs, ix)` of [`mat_vec_arrays_dyn`] and [`mat_vec_arrays_into`]: the `(n, k)`
/// matrix's dims and strides (`m`'s own axes, or swapped) and `x`'s stride. Panics unless `m`
/// is 2-D and `x` 1-D of the contracted length (a kernel contract).
#[inline(always)]
fn mat_vec_dims<T, S1, S2, D1, D2>(
    m: &ndarray::ArrayBase<S1, D1>,
    swap: bool,
    x: &ndarray::ArrayBase<S2, D2>,
) -> (usize, usize, isize, isize, isize)
where
    S1: ndarray::Data<Elem = T>,
    S2: ndarray::Data<Elem = T>,
    D1: ndarray::Dimension,
    D2: ndarray::Dimension,
{
    let (&[r, c], &[k], &[sr, sc], &[ix]) = (m.shape(), x.shape(), m.strides(), x.strides()) else {
        panic!("kernel shape contract");
    };
    let (n, rs, cs) = if swap { (c, sc, sr) } else { (r, sr, sc) };
    assert!(k == if swap { r } else { c }, "kernel shape contract");
    (n, k, rs, cs, ix)
}

/// [`mat_vec_arrays_dyn`] written into `y` (the result's `n` elements in order) instead of a
/// new array: the same kernel, so the same values. Panics unless `m` is 2-D, `x` 1-D of the
/// contracted length and `y` of the result's length (a kernel contract).
pub(crate) fn mat_vec_arrays_into<T, S1, S2, D1, D2>(
    m: &ndarray::ArrayBase<S1, D1>,
    swap: bool,
    x: &ndarray::ArrayBase<S2, D2>,
    y: &mut [T],
) where
    T: Element,
    S1: ndarray::Data<Elem = T>,
    S2: ndarray::Data<Elem = T>,
    D1: ndarray::Dimension,
    D2: ndarray::Dimension,
{
    let job = MatVec::of_arrays(m, swap, x, y.as_mut_ptr());
    assert!(y.len() == job.n, "kernel shape contract");
    // SAFETY: the matrix and `x` as `MatVec::of_arrays` describes them (live arrays); `y` is
    // an exclusive slice of n elements, so no other access during the call.
    unsafe { mat_vec_run(&job) }
}

/// [`mat_vec_run`] out of line, for [`mat_vec_fill`]'s products large enough for the AVX2
/// copy: the job by reference, its fields read as they were written (passed as eight
/// arguments, the two on the stack were read back by one 16-byte load, a failed store-to-load
/// forward per call: perf annotate).
///
/// # Safety
/// As for [`mat_vec_any`].
#[inline(never)]
unsafe fn mat_vec_job<T: Element>(job: &MatVec<T>) {
    // SAFETY: forwarded contract.
    unsafe { mat_vec_run(job) };
}

/// Runs one matrix·vector product (every element of `job.y` written), in the AVX2 copy when
/// it is large enough to gain from it.
///
/// # Safety
/// As for [`mat_vec_any`].
#[inline(always)]
unsafe fn mat_vec_run<T: Element>(job: &MatVec<T>) {
    // SAFETY: forwarded contract.
    unsafe {
        if job.n.saturating_mul(job.k) >= MAT_VEC_AVX2_MIN && avx2() {
            mat_vec_avx2(job);
        } else {
            mat_vec_any(job);
        }
    }
}

/// Whether an integer or `bool` matrix product of `m·n·k` multiply-adds is tiny enough for
/// [`mat_mat_matrix`] (one in-order dot per element beats setting up a blocked kernel).
pub(crate) fn takes_tiny_mat_mat<T: Element>(m: usize, n: usize, k: usize) -> bool {
    T::KIND != crate::element::Kind::Float
        && m > 0
        && n > 0
        && m.saturating_mul(n).saturating_mul(k.max(1)) <= TINY_MAT_MAT_MAX
}

/// Largest `m·n·k` of [`takes_tiny_mat_mat`]: up to 4×4·4×4.
const TINY_MAT_MAT_MAX: usize = 64;

/// `a · b` for an `(m, k)` and a `(k, n)` matrix as a new C-order `Array2`, each element the
/// in-order dot of a row of `a` and a column of `b` (integers wrap, `bool` is OR of ANDs:
/// exact in any order). `Err(MemoryError)` when the result cannot be allocated.
///
/// In-lined: the raw parts go to the kernel in registers (see [`mat_vec_new`]), and the
/// result comes back as a [`RawResult`]. An allocation failure takes the kernel's `Result`
/// path ([`mat_mat_parts`]), which allocates again and reports it.
#[inline(always)]
pub(crate) fn mat_mat_matrix<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<ndarray::Array2<T>, Error> {
    let job = MatMat::of(a, b);
    let (m, n) = (job.m, job.n);
    // SAFETY: `job` describes the live views `a` (m, k) and `b` (k, n) exactly.
    match unsafe { mat_mat_raw(&job) } {
        Some(r) => Ok(r.into_matrix(m, n)),
        // SAFETY: as above.
        None => unsafe { mat_mat_parts(&job) }.map(|v| c_matrix(m, n, v)),
    }
}

/// One tiny matrix product on raw parts: `a` is `(m, k)` with strides `rsa, csa`, `b` is
/// `(k, n)` with strides `rsb, csb`.
#[derive(Clone, Copy)]
struct MatMat<T> {
    m: usize,
    n: usize,
    k: usize,
    a: *const T,
    rsa: isize,
    csa: isize,
    b: *const T,
    rsb: isize,
    csb: isize,
}

impl<T> MatMat<T> {
    /// The raw parts of `a · b` (panics, kernel shape contract, unless `b` has `a`'s `k` rows).
    #[inline(always)]
    fn of(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>) -> Self {
        let (m, k) = a.dim();
        let n = b.ncols();
        assert!(b.nrows() == k, "kernel shape contract");
        MatMat {
            m,
            n,
            k,
            a: a.as_ptr(),
            rsa: a.strides()[0],
            csa: a.strides()[1],
            b: b.as_ptr(),
            rsb: b.strides()[0],
            csb: b.strides()[1],
        }
    }
}

/// [`mat_mat_parts`] as a [`RawResult`]; `None` when the result cannot be allocated.
///
/// # Safety
/// The contract of [`mat_mat_parts`].
#[inline(never)]
unsafe fn mat_mat_raw<T: Element>(job: &MatMat<T>) -> Option<RawResult<T>> {
    // SAFETY: the contract, passed on.
    unsafe { mat_mat_vec(job) }.ok().map(RawResult::new)
}

/// [`mat_mat_matrix`] on raw parts, as the `Vec` of the result's `m·n` elements in C order.
///
/// # Safety
/// Every `a + i·rsa + p·csa` (`i < m`, `p < k`) and `b + p·rsb + j·csb` (`p < k`, `j < n`) is
/// an element of a live array.
#[inline(never)]
unsafe fn mat_mat_parts<T: Element>(job: &MatMat<T>) -> Result<Vec<T>, Error> {
    // SAFETY: the contract, passed on.
    unsafe { mat_mat_vec(job) }
}

/// The body of [`mat_mat_parts`] and [`mat_mat_raw`].
///
/// # Safety
/// The contract of [`mat_mat_parts`].
#[inline(always)]
unsafe fn mat_mat_vec<T: Element>(job: &MatMat<T>) -> Result<Vec<T>, Error> {
    let &MatMat { m, n, k, .. } = job;
    let len = m
        .checked_mul(n)
        .expect("kernel shape contract: a small result");
    let mut v: Vec<T> = alloc_result_as(len, &[m, n])?;
    let out = v.as_mut_ptr();
    // SAFETY: (each arm) the contract, and `out` has room for the m·n elements written; the
    // const length is `k` itself (0: read `k` at run time).
    unsafe {
        match k {
            1 => mat_mat_fill::<T, 1>(job, out),
            2 => mat_mat_fill::<T, 2>(job, out),
            3 => mat_mat_fill::<T, 3>(job, out),
            4 => mat_mat_fill::<T, 4>(job, out),
            _ => mat_mat_fill::<T, 0>(job, out),
        }
    }
    // SAFETY: `mat_mat_fill` wrote all m·n elements.
    unsafe { v.set_len(len) };
    Ok(v)
}

/// The loops of [`mat_mat_parts`]: element `i·n + j` of `out` is the in-order dot of row `i`
/// of `a` and column `j` of `b`, with the dot's length a constant `K` when it is one of the
/// short ones (fully unrolled: 1,230 → 580 instructions for a 4×4 `i32` product), else
/// (`K == 0`) `job.k`.
///
/// # Safety
/// The contract of [`mat_mat_parts`] for `job`, `K == 0` or `K == job.k`, and `out` valid
/// for writing `m·n` elements that nothing else references.
#[inline(always)]
unsafe fn mat_mat_fill<T: Element, const K: usize>(job: &MatMat<T>, out: *mut T) {
    let k = if K == 0 { job.k } else { K };
    for i in 0..job.m {
        for j in 0..job.n {
            // SAFETY: i < m and j < n: row i of `a` (k elements, stride csa, from
            // a + i·rsa) and column j of `b` (k elements, stride rsb, from b + j·csb) lie in
            // the live arrays (the contract); element i·n + j < m·n is inside `out`, written
            // once.
            unsafe {
                let x = dot_short(
                    k,
                    job.a.offset(i as isize * job.rsa),
                    job.csa,
                    job.b.offset(j as isize * job.csb),
                    job.rsb,
                );
                out.add(i * job.n + j).write(x);
            }
        }
    }
}

/// `m · x`, or `mᵀ · x` when `swap`, of a 2-D and a 1-D array of any storage and dimension
/// type, straight from their shapes and strides, as a new 1-D `ArrayD` built in `place` before
/// the kernel runs (see [`dyn_place`](super::dyn_place)); the place back when it cannot be
/// allocated. Panics unless `m` is 2-D and `x` 1-D of the contracted length (a kernel
/// contract).
#[inline(always)]
pub(crate) fn mat_vec_arrays_dyn<'p, T, S1, S2, D1, D2>(
    m: &ndarray::ArrayBase<S1, D1>,
    swap: bool,
    x: &ndarray::ArrayBase<S2, D2>,
    place: DynPlace<'p, T>,
) -> Built<'p, T>
where
    T: Element,
    S1: ndarray::Data<Elem = T>,
    S2: ndarray::Data<Elem = T>,
    D1: ndarray::Dimension,
    D2: ndarray::Dimension,
{
    let mut job = MatVec::of_arrays(m, swap, x, std::ptr::null_mut());
    let n = job.n;
    let run = |y| {
        job.y = y;
        // SAFETY: the matrix and `x` as `MatVec::of_arrays` describes them (live arrays); `y`
        // addresses the n elements of the new result, ours alone.
        unsafe { mat_vec_run(&job) }
    };
    // SAFETY: `mat_vec_run` writes every one of the n elements of `y`, as `written_by`
    // requires.
    unsafe { place.written_by([n], run) }
}

/// `x · b` for a vector of `k` elements and a `(k, m)` matrix: [`mat_vec_new`] of `bᵀ`.
#[inline(always)]
pub(crate) fn vec_mat_new<T: Element>(
    x: ArrayView1<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Vec<T>, Error> {
    mat_vec_new(b.reversed_axes(), x)
}

/// [`vec_mat_new`] without an error: see [`mat_vec_try_new`].
#[inline(always)]
pub(crate) fn vec_mat_try_new<T: Element>(
    x: ArrayView1<'_, T>,
    b: ArrayView2<'_, T>,
) -> Option<Vec<T>> {
    mat_vec_try_new(b.reversed_axes(), x)
}

/// One matrix·vector product on raw parts: `y[i] = Σ_j a[i·rs + j·cs]·x[j·ix]` for `i < n`.
struct MatVec<T> {
    n: usize,
    k: usize,
    a: *const T,
    rs: isize,
    cs: isize,
    x: *const T,
    ix: isize,
    y: *mut T,
}

impl<T> MatVec<T> {
    /// The job of `m · x`, or `mᵀ · x` when `swap`, into `y`, for a 2-D `m` and a 1-D `x` of
    /// any storage and dimension type: element (i, j) of the (n, k) matrix — `m`'s own axes,
    /// or its swapped ones — at `m + i·rs + j·cs`, element j of `x` at `x + j·ix` (see
    /// [`mat_vec_dims`], which panics on other shapes).
    #[inline(always)]
    fn of_arrays<S1, S2, D1, D2>(
        m: &ndarray::ArrayBase<S1, D1>,
        swap: bool,
        x: &ndarray::ArrayBase<S2, D2>,
        y: *mut T,
    ) -> Self
    where
        S1: ndarray::Data<Elem = T>,
        S2: ndarray::Data<Elem = T>,
        D1: ndarray::Dimension,
        D2: ndarray::Dimension,
    {
        let (n, k, rs, cs, ix) = mat_vec_dims(m, swap, x);
        MatVec {
            n,
            k,
            a: m.as_ptr(),
            rs,
            cs,
            x: x.as_ptr(),
            ix,
            y,
        }
    }
}

/// [`mat_vec_any`] compiled for AVX2 and FMA.
///
/// # Safety
/// As for [`mat_vec_any`], and the CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn mat_vec_avx2<T: Element>(job: &MatVec<T>) {
    // SAFETY: forwarded contract.
    unsafe { mat_vec_body(job) }
}

/// [`mat_vec_any`] (no AVX2 copy on this architecture).
///
/// # Safety
/// As for [`mat_vec_any`].
#[cfg(not(target_arch = "x86_64"))]
unsafe fn mat_vec_avx2<T: Element>(job: &MatVec<T>) {
    // SAFETY: forwarded contract.
    unsafe { mat_vec_body(job) }
}

/// Largest `n` and `k` of a matrix·vector product computed in line by [`mat_vec_tiny`].
/// Measured (`parity_table mv/`, CPU clock, one thread, AMD EPYC with AVX-512, two rounds
/// against the out-of-line kernel): at n = 2 npdot/ndarray went from 0.93–1.12 to 0.72–0.89
/// (int64 (2, 2)·(2,): 358 → 302 instructions a call, ndarray 353), at n = 3 and 4 from
/// 0.77–0.99 to 0.65–0.93 (int32 (3, 3)·(3,): 403 → 325, ndarray 419).
const MAT_VEC_INLINE_MAX: usize = 4;

/// [`mat_vec_any`] in line, for the few multiply-adds of a product of at most
/// [`MAT_VEC_INLINE_MAX`] rows and columns: each row summed from zero in order of `j`, as
/// there. The call, the prologue and the dispatch on the layout of the out-of-line kernel
/// cost more than these products.
///
/// # Safety
/// As for [`mat_vec_any`], and `n, k ≤ MAT_VEC_INLINE_MAX`.
#[inline(always)]
unsafe fn mat_vec_tiny<T: Element>(job: &MatVec<T>) {
    let &MatVec {
        n,
        k,
        a,
        rs,
        cs,
        x,
        ix,
        y,
    } = job;
    for i in 0..n {
        let mut s = T::zero();
        // `k ≤ MAT_VEC_INLINE_MAX` (the contract): a loop of a constant count, which the
        // compiler unrolls, where one of `k` steps is vectorized behind run-time checks
        // (27 more instructions in a (2, 2)·(2,) `i64` product than the out-of-line kernel).
        for j in 0..MAT_VEC_INLINE_MAX {
            if j < k {
                // SAFETY: `i < n`, `j < k`: elements of live arrays (the contract).
                unsafe {
                    let aij = *a.offset(i as isize * rs + j as isize * cs);
                    s = s.np_add(aij.np_mul(*x.offset(j as isize * ix)));
                }
            }
        }
        // SAFETY: `i < n`: inside `y` (the contract).
        unsafe { y.add(i).write(s) };
    }
}

/// Writes all `n` elements of `job.y`.
///
/// # Safety
/// Every `a + i·rs + j·cs` (`i < n`, `j < k`) and `x + j·ix` (`j < k`) is an element of a live
/// array; `y` is valid for writes of `n` elements that nothing else accesses during the call.
#[inline(never)]
unsafe fn mat_vec_any<T: Element>(job: &MatVec<T>) {
    // SAFETY: forwarded contract.
    unsafe { mat_vec_body(job) }
}

/// The body of [`mat_vec_any`], in-lined into each compiled copy.
///
/// # Safety
/// As for [`mat_vec_any`].
#[inline(always)]
unsafe fn mat_vec_body<T: Element>(job: &MatVec<T>) {
    let &MatVec {
        n,
        k,
        a,
        rs,
        cs,
        x,
        ix,
        y,
    } = job;
    if k == 0 {
        for i in 0..n {
            // SAFETY: `i < n`: inside `y` (the contract).
            unsafe { y.add(i).write(T::zero()) };
        }
        return;
    }
    if rs == 1 && n == rows::UNIT_ROWS && cs != 1 {
        // Contiguous columns of 16 rows: the column updates below, with the sums in
        // registers (the same operations in the same order).
        // SAFETY: n == UNIT_ROWS and rs == 1 (checked); the rest of the contract is this
        // function's.
        unsafe { rows::mat_vec_unit_rows(job) };
        return;
    }
    if rs == 1 && n >= COLUMNS_MIN && cs != 1 {
        // Contiguous columns: y = 0 + a[:, 0]·x[0], then y += a[:, j]·x[j] in order of j, each
        // element summed in the same order as a row's dot product.
        // SAFETY: the n elements of `y` are valid for writes (the contract) and nothing else
        // accesses them; `a`'s column j is n consecutive elements from a + j·cs.
        let ys = unsafe { std::slice::from_raw_parts_mut(y, n) };
        for (j, jj) in (0..k).zip(0isize..) {
            // SAFETY: `j < k`: elements of live arrays (the contract).
            let (xj, col) = unsafe {
                (
                    *x.offset(jj * ix),
                    std::slice::from_raw_parts(a.offset(jj * cs), n),
                )
            };
            if j == 0 {
                for (yi, &aij) in ys.iter_mut().zip(col) {
                    *yi = T::zero().np_add(aij.np_mul(xj));
                }
            } else {
                for (yi, &aij) in ys.iter_mut().zip(col) {
                    *yi = yi.np_add(aij.np_mul(xj));
                }
            }
        }
        return;
    }
    if n <= rows::ROWS_MAX && (cs != 1 || ix != 1 || k < LANES) {
        // Few rows, strided or short: every row summed in order in registers, one pass over
        // the columns (the order of `dot_short`, and of `dot_slices` below `LANES`).
        if n > 0 {
            // SAFETY: 1 ≤ n ≤ ROWS_MAX; the rest of `mat_vec_rows`'s contract is this
            // function's.
            unsafe { rows::mat_vec_rows(job) };
        }
        return;
    }
    if cs != 1 || ix != 1 {
        // Strided rows: two rows at a time (two independent chains of adds, each `x[j]`
        // loaded once), each summed in order from zero.
        let mut i = 0;
        while i + 2 <= n {
            let (r0, r1) = (i as isize * rs, (i + 1) as isize * rs);
            let (mut s0, mut s1) = (T::zero(), T::zero());
            for j in 0..k as isize {
                // SAFETY: rows i, i + 1 < n and column j < k of `a`, element j < k of `x`
                // (the contract).
                unsafe {
                    let xj = *x.offset(j * ix);
                    s0 = s0.np_add((*a.offset(r0 + j * cs)).np_mul(xj));
                    s1 = s1.np_add((*a.offset(r1 + j * cs)).np_mul(xj));
                }
            }
            // SAFETY: `i + 1 < n`: inside `y` (the contract).
            unsafe {
                y.add(i).write(s0);
                y.add(i + 1).write(s1);
            }
            i += 2;
        }
        if i < n {
            // SAFETY: row `i < n` of `a` has k elements at stride `cs` from a + i·rs, `x` has
            // k at stride `ix` (the contract); `y + i` is inside `y`.
            unsafe {
                let s = dot_short(k, a.offset(i as isize * rs), cs, x, ix);
                y.add(i).write(s);
            }
        }
        return;
    }
    for (i, ii) in (0..n).zip(0isize..) {
        // SAFETY: row `i < n` of `a` has k contiguous elements from a + i·rs, and so has `x`
        // (the contract); `y + i` is inside `y`.
        unsafe {
            let s = dot_ptr_inline(k, a.offset(ii * rs), cs, x, ix);
            y.add(i).write(s);
        }
    }
}

/// [`dot_ptr`] without the AVX2 dispatch (for loops already inside a compiled copy).
///
/// # Safety
/// As for [`dot_ptr`].
#[inline(always)]
unsafe fn dot_ptr_inline<T: Element>(
    n: usize,
    x: *const T,
    incx: isize,
    y: *const T,
    incy: isize,
) -> T {
    if incx == 1 && incy == 1 {
        // SAFETY: unit strides: `n` consecutive elements of live arrays each (the contract).
        let (xs, ys) = unsafe {
            (
                std::slice::from_raw_parts(x, n),
                std::slice::from_raw_parts(y, n),
            )
        };
        return dot_slices(xs, ys);
    }
    // SAFETY: the caller's contract.
    unsafe { dot_short(n, x, incx, y, incy) }
}

#[path = "vector_rows.rs"]
mod rows;

#[cfg(test)]
#[path = "vector_tests.rs"]
mod tests;
