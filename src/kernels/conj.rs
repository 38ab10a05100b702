//! Complex conjugation for the products that conjugate their first operand (`vdot`, `vecdot`,
//! `vecmat`): a generic `conj` (the identity for every non-complex type) and, with BLAS,
//! `?dotc` — the conjugating dot product — for `vdot`.

use std::any::Any;

use ndarray::ArrayView1;
use num_complex::Complex;

use crate::element::Element;

/// `x̄` for `Complex<f32>`/`Complex<f64>`, `x` for every other element type. The type tests are
/// resolved at compile time for each `T`.
#[inline(always)]
pub(crate) fn conj<T: Element>(x: T) -> T {
    let any = &x as &dyn Any;
    if let Some(c) = any.downcast_ref::<Complex<f64>>() {
        let r = c.conj();
        return *(&r as &dyn Any)
            .downcast_ref::<T>()
            .expect("T is Complex<f64>");
    }
    if let Some(c) = any.downcast_ref::<Complex<f32>>() {
        let r = c.conj();
        return *(&r as &dyn Any)
            .downcast_ref::<T>()
            .expect("T is Complex<f32>");
    }
    x
}

/// Whether `T` is one of the complex types (the only ones `conj` changes).
pub(crate) fn is_complex<T: Element>() -> bool {
    let id = std::any::TypeId::of::<T>();
    id == std::any::TypeId::of::<Complex<f64>>() || id == std::any::TypeId::of::<Complex<f32>>()
}

/// `x̄ · y` = `Σ conj(x[i])·y[i]` through BLAS's `?dotc` for the complex types (`None` for the
/// other types, for strides BLAS cannot take, for lengths above the BLAS limit, and for OpenBLAS
/// builds whose complex dot kernels read out of bounds — see `blas::complex_vector_kernels_ok`).
#[cfg(feature = "blas")]
pub(crate) fn blas_dotc<T: Element>(x: ArrayView1<'_, T>, y: ArrayView1<'_, T>) -> Option<T> {
    use std::os::raw::c_int;
    let n = x.len();
    if n != y.len() || n == 0 || n > super::blas_dim_limit() || !is_complex::<T>() {
        return None;
    }
    if !super::blas::complex_vector_kernels_ok() {
        return None;
    }
    let inc = |s: isize| -> Option<c_int> {
        if n == 1 {
            Some(1)
        } else if s > 0 {
            c_int::try_from(s).ok()
        } else {
            None
        }
    };
    let (ix, iy) = (inc(x.strides()[0])?, inc(y.strides()[0])?);
    let ni = n as c_int; // n ≤ blas_dim_limit ≤ i32::MAX
    let mut out = [0.0f64; 2];
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<Complex<f64>>() {
        // SAFETY: `T` is `Complex<f64>` (`#[repr(C)] { re, im }`, CBLAS's double complex), `x`
        // and `y` have `n` elements at the positive strides `ix`, `iy` from their first element,
        // all inside their views; `out` is a valid `[f64; 2]` for the result.
        unsafe {
            cblas_sys::cblas_zdotc_sub(
                ni,
                x.as_ptr().cast(),
                ix,
                y.as_ptr().cast(),
                iy,
                out.as_mut_ptr().cast(),
            )
        };
        let r = Complex::new(out[0], out[1]);
        return (&r as &dyn Any).downcast_ref::<T>().copied();
    }
    let mut o32 = [0.0f32; 2];
    // SAFETY: as above with `T` = `Complex<f32>` (CBLAS's single complex) and `o32` for the
    // result.
    unsafe {
        cblas_sys::cblas_cdotc_sub(
            ni,
            x.as_ptr().cast(),
            ix,
            y.as_ptr().cast(),
            iy,
            o32.as_mut_ptr().cast(),
        )
    };
    let r = Complex::new(o32[0], o32[1]);
    (&r as &dyn Any).downcast_ref::<T>().copied()
}

/// Without BLAS there is no `?dotc`: the caller's loop conjugates.
#[cfg(not(feature = "blas"))]
pub(crate) fn blas_dotc<T: Element>(_x: ArrayView1<'_, T>, _y: ArrayView1<'_, T>) -> Option<T> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conj_only_changes_complex() {
        assert_eq!(conj(Complex::new(1.0f64, 2.0)), Complex::new(1.0, -2.0));
        assert_eq!(conj(Complex::new(1.0f32, -2.0)), Complex::new(1.0, 2.0));
        assert_eq!(conj(3.5f64), 3.5);
        assert_eq!(conj(-3i8), -3);
        assert!(conj(true));
        assert!(is_complex::<Complex<f32>>() && !is_complex::<f64>());
    }

    #[test]
    fn dotc_conjugates_the_first_operand() {
        let x = ndarray::array![Complex::new(1.0f64, 2.0), Complex::new(3.0, -1.0)];
        let y = ndarray::array![Complex::new(2.0f64, -1.0), Complex::new(1.0, 1.0)];
        if let Some(d) = blas_dotc(x.view(), y.view()) {
            assert_eq!(d, Complex::new(2.0, -1.0));
        }
        assert_eq!(
            blas_dotc(ndarray::array![1.0f64].view(), ndarray::array![2.0].view()),
            None
        );
    }
}
