//! Pure-Rust float and complex kernels on top of `matrixmultiply`: any strides (negative and
//! zero included for `a` and `b`), no BLAS needed.

use ndarray::{ArrayView2, ArrayViewMut2};
use num_complex::Complex;

use crate::element::Element;

/// Float element types `matrixmultiply` can multiply.
pub(crate) trait FloatKernel: Element {
    /// `c = a · b` (overwrite) or `c += a · b` (`accumulate`), any strides.
    fn mm_gemm(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        c: ArrayViewMut2<'_, Self>,
        accumulate: bool,
    );
}

macro_rules! real_kernel {
    ($t:ty, $f:path) => {
        impl FloatKernel for $t {
            fn mm_gemm(
                a: ArrayView2<'_, $t>,
                b: ArrayView2<'_, $t>,
                mut c: ArrayViewMut2<'_, $t>,
                accumulate: bool,
            ) {
                let (m, k) = a.dim();
                let n = b.ncols();
                assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
                let (sa, sb, sc) = (a.strides(), b.strides(), c.strides());
                let (rsa, csa, rsb, csb, rsc, csc) = (sa[0], sa[1], sb[0], sb[1], sc[0], sc[1]);
                let beta = if accumulate { 1.0 } else { 0.0 };
                // SAFETY: the pointers and strides come from valid ndarray views of the stated
                // dims, so every index (i < m, p < k, j < n) matrixmultiply touches is inside
                // them; `c` is a mutable view, so its elements do not alias each other or `a`/`b`
                // (a `&mut` borrow excludes shared borrows of the same data). matrixmultiply
                // accepts arbitrary strides for `a` and `b` and non-aliasing strides for `c`.
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
                        c.as_mut_ptr(),
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
            fn mm_gemm(
                a: ArrayView2<'_, Complex<$r>>,
                b: ArrayView2<'_, Complex<$r>>,
                mut c: ArrayViewMut2<'_, Complex<$r>>,
                accumulate: bool,
            ) {
                use matrixmultiply::CGemmOption::Standard;
                let (m, k) = a.dim();
                let n = b.ncols();
                assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
                let (sa, sb, sc) = (a.strides(), b.strides(), c.strides());
                let (rsa, csa, rsb, csb, rsc, csc) = (sa[0], sa[1], sb[0], sb[1], sc[0], sc[1]);
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
                        c.as_mut_ptr().cast::<$t>(),
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

/// `c = a · b` with matrixmultiply (any strides).
#[cfg_attr(feature = "blas", allow(dead_code))]
pub(crate) fn gemm<T: FloatKernel>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m == 0 || n == 0 {
        return;
    }
    let mut c = c;
    if k == 0 {
        c.fill(T::zero());
        return;
    }
    T::mm_gemm(a, b, c, false);
}
