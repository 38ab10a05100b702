//! Layer 3 — kernels. Everything that touches raw memory lives here, and only here.
//!
//! * [`batch`] walks a stack of 2-D cores (pointer arithmetic over batch strides) and hands each
//!   core to the element type's 2-D kernel.
//! * `blas` (feature `blas`): CBLAS `?gemm`, `?gemv`, `?dot[u]`, `?syrk` for the four float types.
//! * [`float`]: pure-Rust float kernels (`matrixmultiply`), used without BLAS and for layouts
//!   BLAS cannot take.
//! * [`int`]: integer and `bool` kernels with NumPy's wrap-around arithmetic (packed, blocked,
//!   AVX2 at run time, parallel for large products); `generic` is the simple reference kernel
//!   the tests compare against.
//! * `lapack` (feature `blas`): LAPACK `?gesv` from OpenBLAS, the matrix inverse of
//!   `matrix_power` with a negative exponent; [`lu`]: the same in Rust (LU with partial pivoting).
//! * [`small`]: products of a few hundred multiply-adds, for every type, without a library call;
//!   [`skinny`]: products with a short `k` whose other dimensions are large.
//! * [`tensor_gemm`]: a blocked `f64` product whose sum runs over two strided axes, packed
//!   straight from the operands (`tensordot` where BLAS would need a copy first).
//! * [`cpu`]: what this CPU can run (AVX2 and FMA, AVX-512), detected once for every kernel;
//!   [`result`]: a product's new result, allocated once and handed back in registers;
//!   [`slot`]: the value of a public product's out-of-line path, written into the caller's
//!   frame; [`dyn_place`]: a new `ArrayD` result built in the caller's frame before its kernel
//!   runs.
//!
//! The interface of every 2-D kernel is narrow: `c = a · b` on ndarray 2-D views (pointer,
//! dims, strides), `c` overwritten.

use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) mod batch;
#[cfg(feature = "blas")]
pub(crate) mod blas;
pub(crate) mod choice;
pub(crate) mod conj;
pub(crate) mod cpu;
pub(crate) mod dyn_place;
pub(crate) mod family_blas;
pub(crate) mod float;
#[cfg(test)]
pub(crate) mod generic;
pub(crate) mod int;
#[cfg(feature = "blas")]
pub(crate) mod lapack;
pub(crate) mod lu;
pub(crate) mod mem;
pub(crate) mod outer;
pub(crate) mod result;
pub(crate) mod rowdot;
pub(crate) mod skinny;
pub(crate) mod slot;
pub(crate) mod small;
#[cfg(target_arch = "x86_64")]
mod small_int64;
pub(crate) mod tensor_gemm;
pub(crate) mod threads;
pub(crate) mod transpose;
pub(crate) mod vector;
pub(crate) mod view;

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

/// The 2-D kernel for float types: small and skinny products in-line, the rest through BLAS or
/// matrixmultiply, as [`choice`] picks (matrixmultiply only without the `blas` feature).
pub(crate) fn float_gemm<T: FloatElement>(
    a: ndarray::ArrayView2<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
    c: ndarray::ArrayViewMut2<'_, T>,
) -> Result<(), crate::Error> {
    if is_small::<T>(a.nrows(), b.ncols(), a.ncols()) || is_skinny(&a, &b, &c) {
        small::gemm(a, b, c);
        return Ok(());
    }
    #[cfg(feature = "blas")]
    {
        let cs = (c.strides()[0], c.strides()[1]);
        match choice::kernel_for(&a, &b, Some(cs)) {
            choice::Kernel::Blas => blas::gemm(a, b, c),
            choice::Kernel::Mm => float::gemm(a, b, c),
        }
    }
    #[cfg(not(feature = "blas"))]
    float::gemm(a, b, c);
    Ok(())
}

/// A new C-contiguous result of `a · b` computed without zero-filling first: by a skinny
/// kernel (`k ≤ 16` with many rows, or a single row: see [`skinny::tall_new`],
/// [`skinny::vecmat_new`]), or when one BLAS call covers it (see `blas::gemm_new`), or by
/// matrixmultiply where [`choice`] picks it (see [`float::gemm_new`]); `None` otherwise (small
/// or empty products); `Err(MemoryError)` when the result cannot be allocated.
pub(crate) fn float_gemm_new<T: FloatElement>(
    a: ndarray::ArrayView2<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let (m, k) = a.dim();
    let n = b.ncols();
    if is_small::<T>(m, n, k) {
        return Ok(None);
    }
    // The skinny kernels' own checks, in line: most products are not skinny, and calling out
    // only to be declined cost ~50 instructions per product.
    if k <= skinny::SKINNY_MAX_K && (m == 1 || skinny::tall_takes(&a, &b)) {
        let v = if m == 1 {
            skinny::vecmat_new(a.row(0), b)?
        } else {
            skinny::tall_new(a, b)?
        };
        if v.is_some() {
            return Ok(v);
        }
    }
    #[cfg(feature = "blas")]
    return match choice::kernel_for(&a, &b, None) {
        choice::Kernel::Blas => blas::gemm_new(a, b),
        choice::Kernel::Mm => float::gemm_new(a, b),
    };
    #[cfg(not(feature = "blas"))]
    float::gemm_new(a, b)
}

/// The single kernel call by which [`float_gemm_new`] computes a product into a new buffer,
/// where it is one BLAS call or matrixmultiply: see [`one_kernel`].
#[derive(Clone, Copy)]
enum OneKernel {
    /// One `?gemm` (or `?syrk` and a mirror) with these parameters: [`blas::gemm_new_into`].
    #[cfg(feature = "blas")]
    Blas(blas::OneCall),
    /// matrixmultiply: [`float::gemm_uninit`].
    Mm,
}

/// The kernel [`float_gemm_new`] gives `a · b` when it is one BLAS call or matrixmultiply;
/// `None` for every other product: small, skinny, empty, or more than one BLAS call. In line:
/// its answer is larger than two registers, and returned through memory it would be read
/// back by wide loads of narrow stores, a failed store-to-load forward.
#[inline(always)]
fn one_kernel<T: FloatElement>(
    a: &ndarray::ArrayView2<'_, T>,
    b: &ndarray::ArrayView2<'_, T>,
) -> Option<OneKernel> {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m == 0
        || n == 0
        || k == 0
        || is_small::<T>(m, n, k)
        || (k <= skinny::SKINNY_MAX_K && (m == 1 || skinny::tall_takes(a, b)))
    {
        return None;
    }
    #[cfg(feature = "blas")]
    if choice::kernel_for(a, b, None) == choice::Kernel::Blas {
        return blas::one_call(a, b).map(OneKernel::Blas);
    }
    Some(OneKernel::Mm)
}

impl OneKernel {
    /// `c = a · b` by this kernel, every element of `c` written, none read.
    ///
    /// # Safety
    /// `self` is [`one_kernel`]`(a, b)`; `c` addresses `m·n` elements (`m` rows of `n`,
    /// row-major) inside one live allocation, writable, exclusively ours for the call and
    /// overlapping neither `a` nor `b`; they need not be initialized.
    #[inline]
    unsafe fn run<T: FloatElement>(
        self,
        a: &ndarray::ArrayView2<'_, T>,
        b: &ndarray::ArrayView2<'_, T>,
        c: *mut T,
    ) {
        match self {
            // SAFETY: `params` are `one_call`'s for `a` and `b` (`one_kernel`); `c` as this
            // function's contract.
            #[cfg(feature = "blas")]
            OneKernel::Blas(params) => unsafe { blas::gemm_new_into(a, b, params, c) },
            // SAFETY: all dims ≥ 1 (`one_kernel`); `c` as this function's contract, with
            // strides (n, 1).
            OneKernel::Mm => unsafe { float::gemm_uninit(a.view(), b.view(), c) },
        }
    }
}

/// [`float_gemm_new`]'s product as a new `(m, n)` `ArrayD`, for the products it sends to one
/// BLAS call or to matrixmultiply ([`one_kernel`]): the same kernel with the same flags, so
/// the same result, built in `place` before the kernel runs (see [`dyn_place`] for why). The
/// place back for every other product (the caller takes [`float_gemm_new`]'s way) and when
/// the result cannot be allocated.
pub(crate) fn float_gemm_new_dyn<'p, T: FloatElement>(
    a: ndarray::ArrayView2<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
    place: dyn_place::DynPlace<'p, T>,
) -> dyn_place::Built<'p, T> {
    let Some(kernel) = one_kernel(&a, &b) else {
        return Err(place);
    };
    // SAFETY: `kernel` is `one_kernel(a, b)`; `c` addresses the m·n elements of the new
    // row-major buffer, ours alone; `run` writes every one of them, as `written_by` requires.
    unsafe { place.written_by([a.nrows(), b.ncols()], |c| kernel.run(&a, &b, c)) }
}

/// [`float_gemm_new`]'s product as a new C-order boxed slice of `m·n` elements, for the
/// products it sends to one BLAS call or to matrixmultiply ([`one_kernel`]): the same kernel
/// with the same flags, so the same result. A boxed slice comes back in two registers, where
/// `float_gemm_new`'s `Result<Option<Vec>>` goes through memory. `None` for every other
/// product (the caller takes `float_gemm_new`'s way) and when the result cannot be allocated.
#[inline]
pub(crate) fn float_gemm_new_boxed<T: FloatElement>(
    a: ndarray::ArrayView2<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
) -> Option<Box<[T]>> {
    let kernel = one_kernel(&a, &b)?;
    let (m, n) = (a.nrows(), b.ncols());
    let len = m.checked_mul(n)?;
    let mut v: Vec<T> = result::alloc_result_as(len, &[m, n]).ok()?;
    // SAFETY: `kernel` is `one_kernel(a, b)`; `v` has capacity for the m·n elements of the
    // row-major result, ours alone (a new buffer).
    unsafe { kernel.run(&a, &b, v.as_mut_ptr()) };
    // SAFETY: `run` wrote every one of the m·n elements.
    unsafe { v.set_len(len) };
    Some(v.into_boxed_slice())
}

/// `c = a · b` into `c` (`m·n` elements, row-major with leading dimension `b.ncols()`,
/// possibly uninitialized) when the kernel the product takes writes every element without
/// reading it (a BLAS `?gemm` with `beta = 0`, or matrixmultiply); `false` (nothing written)
/// otherwise: small, skinny and empty products, and products one BLAS call does not cover.
/// The caller then zero-fills `c` and calls [`float_gemm`].
pub(crate) fn float_gemm_uninit<T: FloatElement>(
    a: ndarray::ArrayView2<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
    c: &mut [std::mem::MaybeUninit<T>],
) -> bool {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == k && m.checked_mul(n) == Some(c.len()),
        "kernel shape contract"
    );
    if m == 0 || n == 0 || k == 0 || is_small::<T>(m, n, k) {
        return false;
    }
    if skinny_parts::<T>(m, (k, n), b.strides()[1], 1) {
        // `float_gemm`'s skinny kernel (the same rule as its `is_skinny`; `c` has unit columns).
        return false;
    }
    let p = c.as_mut_ptr().cast::<T>();
    #[cfg(feature = "blas")]
    {
        match choice::kernel_for(&a, &b, Some((n as isize, 1))) {
            // SAFETY: `p` addresses the m·n elements of `c` (length checked above), writable
            // and ours alone for the call (a unique borrow, which no shared view `a`, `b`
            // overlaps); they need not be initialized.
            choice::Kernel::Blas => unsafe { blas::gemm_uninit(&a, &b, p) },
            choice::Kernel::Mm => {
                // SAFETY: as above; all dims ≥ 1 (checked above).
                unsafe { float::gemm_uninit(a, b, p) };
                true
            }
        }
    }
    #[cfg(not(feature = "blas"))]
    {
        // SAFETY: as above; all dims ≥ 1 (checked above).
        unsafe { float::gemm_uninit(a, b, p) };
        true
    }
}

/// The float types' kernel trait of this build (BLAS's, or the pure-Rust one).
#[cfg(feature = "blas")]
pub(crate) use blas::BlasScalar as FloatElement;
/// The float types' kernel trait of this build (BLAS's, or the pure-Rust one).
#[cfg(not(feature = "blas"))]
pub(crate) use float::FloatKernel as FloatElement;

/// `Σ x[i]·y[i]` for float types (BLAS `?dot`/`?dotu`).
#[cfg(feature = "blas")]
pub(crate) fn float_dot1<T: blas::BlasScalar>(
    x: ndarray::ArrayView1<'_, T>,
    y: ndarray::ArrayView1<'_, T>,
) -> T {
    blas::dot1(x, y)
}

/// `Σ x[i]·y[i]` in order, NumPy arithmetic (wrapping integers, OR/AND for bool; for floats
/// without BLAS).
pub(crate) fn generic_dot1<T: crate::element::Element>(
    x: ndarray::ArrayView1<'_, T>,
    y: ndarray::ArrayView1<'_, T>,
) -> T {
    x.iter()
        .zip(y)
        .fold(T::zero(), |acc, (&a, &b)| acc.np_add(a.np_mul(b)))
}

/// Integer 2-D kernel: in-line for small products, else the packed, blocked, SIMD and
/// parallel kernel of [`int`].
pub(crate) fn int_gemm<T: int::IntElement + crate::element::Element>(
    a: ndarray::ArrayView2<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
    c: ndarray::ArrayViewMut2<'_, T>,
) -> Result<(), crate::Error> {
    if is_small::<T>(a.nrows(), b.ncols(), a.ncols()) {
        small::gemm(a, b, c);
        Ok(())
    } else {
        int::gemm(a, b, c)
    }
}

/// `bool` 2-D kernel: in-line for small products, else bit-packed words ([`int::gemm_bool`]).
pub(crate) fn bool_gemm(
    a: ndarray::ArrayView2<'_, bool>,
    b: ndarray::ArrayView2<'_, bool>,
    c: ndarray::ArrayViewMut2<'_, bool>,
) -> Result<(), crate::Error> {
    if is_small::<bool>(a.nrows(), b.ncols(), a.ncols()) {
        small::gemm(a, b, c);
        Ok(())
    } else {
        int::gemm_bool(a, b, c)
    }
}

/// Whether a float product is skinny enough for [`small::gemm`] to beat a general GEMM
/// (which packs panels): a short `k ≤ 16` and at most 16 contiguous columns in `b` and `c`,
/// e.g. `(100000, 8) @ (8, 8)`.
fn is_skinny<T: 'static>(
    a: &ndarray::ArrayView2<'_, T>,
    b: &ndarray::ArrayView2<'_, T>,
    c: &ndarray::ArrayViewMut2<'_, T>,
) -> bool {
    skinny_parts::<T>(a.nrows(), b.dim(), b.strides()[1], c.strides()[1])
}

/// [`is_skinny`] on the product's parts: `a`'s row count, `b`'s dims `(k, n)`, and the
/// column strides of `b` and `c`.
fn skinny_parts<T: 'static>(m: usize, (k, n): (usize, usize), csb: isize, csc: isize) -> bool {
    k <= skinny::SKINNY_MAX_K
        && (4..=skinny::skinny_max_n::<T>()).contains(&n)
        && m >= 2
        && csb == 1
        && csc == 1
}

/// Whether a product is small enough for [`small::gemm`]: few multiply-adds in all, and rows
/// of `c` wide enough to vectorize (or a short `k`; a long single-column product is a
/// latency-bound chain of adds, where BLAS's `?dot`/`?gemv` are faster). Complex products are
/// small up to [`small::SMALL_MAX_WORK_COMPLEX`] multiply-adds.
pub(crate) fn is_small<T: 'static>(m: usize, n: usize, k: usize) -> bool {
    let max = if vector::is_complex::<T>() {
        small::SMALL_MAX_WORK_COMPLEX
    } else {
        small::SMALL_MAX_WORK
    };
    m.saturating_mul(n).saturating_mul(k.max(1)) <= max && (n >= 4 || k <= 32)
}

/// Runs `f`, which calls [`inverse`], where that is safe: with the `blas` feature on a scoped
/// thread with a stack of [`lapack::LAPACK_STACK`] bytes (see there: OpenBLAS's multithreaded
/// `?getrf` recurses with frames of about half a MiB and overflows the 2 MiB stack of a
/// spawned thread), otherwise (the iterative Rust LU) on the calling thread.
/// `Err(MemoryError)` when that thread cannot be started.
pub(crate) fn on_inverse_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Result<R, crate::Error> {
    #[cfg(feature = "blas")]
    return lapack::on_lapack_stack(f);
    #[cfg(not(feature = "blas"))]
    Ok(f())
}

/// The inverse of the `n × n` column-major matrix `a` (its contents are destroyed), column-major;
/// `None` for an exactly singular matrix. LAPACK `?gesv` with the `blas` feature (call it
/// inside [`on_inverse_stack`]), the Rust LU otherwise.
#[cfg(feature = "blas")]
pub(crate) fn inverse<T: lapack::GesvScalar>(n: usize, a: &mut [T]) -> Option<Vec<T>> {
    lapack::inverse(n, a)
}

/// The inverse of the `n × n` column-major matrix `a` (its contents are destroyed), column-major;
/// `None` for an exactly singular matrix. LAPACK `?gesv` with the `blas` feature, the Rust LU
/// otherwise.
#[cfg(not(feature = "blas"))]
pub(crate) fn inverse<T: lu::LuScalar>(n: usize, a: &mut [T]) -> Option<Vec<T>> {
    lu::inverse(n, a)
}

/// The scalar types [`inverse`] computes in (`f64`, `Complex<f64>`).
#[cfg(feature = "blas")]
pub(crate) use lapack::GesvScalar as InverseScalar;
/// The scalar types [`inverse`] computes in (`f64`, `Complex<f64>`).
#[cfg(not(feature = "blas"))]
pub(crate) use lu::LuScalar as InverseScalar;

#[cfg(test)]
mod tests {
    use super::dyn_place::through_dyn_place;
    use super::{float_gemm_new, float_gemm_new_boxed, float_gemm_new_dyn};
    use ndarray::{Array2, ShapeBuilder};

    /// `float_gemm_new_dyn` and `float_gemm_new_boxed` give what `float_gemm_new` gives (the
    /// same kernel, every element written: Miri checks the uninitialized result and its
    /// hand-over), and decline the products `float_gemm_new` sends to other kernels.
    #[test]
    fn gemm_new_dyn_matches_gemm_new() {
        let shapes: &[(usize, usize, usize)] = if cfg!(miri) {
            &[(2, 2049, 2)]
        } else {
            &[(2, 2049, 2), (17, 17, 17), (20, 33, 3), (64, 17, 9)]
        };
        for &(m, k, n) in shapes {
            let val = |i: usize, j: usize| ((i * 7 + j * 3) % 11) as f64 / 3.0 - 1.7;
            let a = Array2::from_shape_fn((m, k), |(i, j)| val(i, j));
            let b = Array2::from_shape_fn((k, n).f(), |(i, j)| val(j, i));
            let bt = Array2::from_shape_fn((n, k), |(j, i)| val(j, i));
            for b in [b.view(), bt.t()] {
                let want = float_gemm_new(a.view(), b).unwrap().unwrap();
                let got = through_dyn_place(|p| float_gemm_new_dyn(a.view(), b, p)).unwrap();
                assert_eq!(got.shape(), &[m, n]);
                assert_eq!(got.as_slice().unwrap(), &want[..], "{m}×{k}·{k}×{n}");
                let boxed = float_gemm_new_boxed(a.view(), b).unwrap();
                assert_eq!(&boxed[..], &want[..], "{m}×{k}·{k}×{n}, boxed");
            }
        }
        // Small, tall and skinny, one row: other kernels.
        for (m, k, n) in [(4, 4, 4), (40, 8, 8), (1, 8, 40)] {
            let a = Array2::<f32>::ones((m, k));
            let b = Array2::<f32>::ones((k, n));
            assert!(
                through_dyn_place(|p| float_gemm_new_dyn(a.view(), b.view(), p)).is_none(),
                "{m}×{k}·{k}×{n}"
            );
            assert!(
                float_gemm_new_boxed(a.view(), b.view()).is_none(),
                "{m}×{k}·{k}×{n}, boxed"
            );
        }
    }
}
