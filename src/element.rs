//! The element types npdot multiplies, and the arithmetic NumPy uses for each.
//!
//! Floats and complex numbers use IEEE arithmetic (and BLAS when the `blas` feature is on).
//! Integers wrap on overflow exactly like NumPy's fixed-width integers; `bool` products are the
//! OR of ANDs, as in NumPy.

use ndarray::{ArrayView2, ArrayViewMut2};
use num_complex::Complex;
use std::fmt::Debug;

mod sealed {
    pub trait Sealed {}
}

/// Which family of kernels an element type uses.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `f32`, `f64`, `Complex<f32>`, `Complex<f64>`: BLAS (or the pure-Rust float kernels).
    Float,
    /// The fixed-width integers: our wrapping kernels.
    Int,
    /// `bool`: OR of ANDs.
    Bool,
}

/// An element type npdot can multiply: `f32`, `f64`, `Complex<f32>`, `Complex<f64>`, the ten
/// fixed-width integer types and `bool`. Sealed: the set matches NumPy's numeric dtypes that
/// have a Rust equivalent.
pub trait Element: Copy + Send + Sync + Debug + PartialEq + 'static + sealed::Sealed {
    /// NumPy's name of the dtype (`"float64"`, `"int8"`, `"bool"`, ...).
    const DTYPE: &'static str;
    #[doc(hidden)]
    const KIND: Kind;
    /// The additive identity (`0`, `0.0`, `false`).
    fn zero() -> Self;
    /// NumPy's `+` for products: wrapping for integers, `|` for `bool`.
    fn np_add(self, rhs: Self) -> Self;
    /// NumPy's `*`: wrapping for integers, `&` for `bool`, no conjugation for complex.
    fn np_mul(self, rhs: Self) -> Self;
    /// The 2-D kernel for this type: `c = a · b`, `c` overwritten; any dims and strides.
    /// `Err(MemoryError)` when a packing buffer cannot be allocated (`c` is then unspecified).
    #[doc(hidden)]
    fn gemm2(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        c: ArrayViewMut2<'_, Self>,
    ) -> Result<(), crate::Error>;
    /// `a · b` into a new C-contiguous buffer without zero-filling it first, when the type's
    /// kernel can (one BLAS call, or a skinny kernel that writes every element); `None` means:
    /// allocate zeros and use [`Element::gemm2`]; `Err(MemoryError)` when the buffer cannot be
    /// allocated.
    #[doc(hidden)]
    fn gemm_new(
        _a: ArrayView2<'_, Self>,
        _b: ArrayView2<'_, Self>,
    ) -> Result<Option<Vec<Self>>, crate::Error> {
        Ok(None)
    }
    /// [`Element::gemm_new`]'s result as a new `ArrayD` built in `place`, where the type's
    /// kernel is one BLAS call or matrixmultiply (the same kernel as `gemm_new`); the place
    /// back means: use `gemm_new`.
    #[doc(hidden)]
    #[allow(private_interfaces)] // sealed, and the place cannot be made outside the crate
    fn gemm_new_dyn<'p>(
        _a: ArrayView2<'_, Self>,
        _b: ArrayView2<'_, Self>,
        place: crate::kernels::dyn_place::DynPlace<'p, Self>,
    ) -> crate::kernels::dyn_place::Built<'p, Self> {
        Err(place)
    }
    /// [`Element::gemm_new`]'s result as a boxed slice (returned in two registers), where the
    /// type's kernel is one BLAS call or matrixmultiply (the same kernel as `gemm_new`); `None`
    /// means: use `gemm_new` (also when the result cannot be allocated: `gemm_new` reports it).
    #[doc(hidden)]
    fn gemm_new_boxed(_a: ArrayView2<'_, Self>, _b: ArrayView2<'_, Self>) -> Option<Box<[Self]>> {
        None
    }
    /// `c = a · b` into `c` (`m·n` elements, row-major with leading dimension `b.ncols()`,
    /// possibly uninitialized) when the type's kernel for this product writes every element
    /// without reading it; `false` (nothing written) means: zero-fill `c` and use
    /// [`Element::gemm2`].
    #[doc(hidden)]
    fn gemm2_uninit(
        _a: ArrayView2<'_, Self>,
        _b: ArrayView2<'_, Self>,
        _c: &mut [std::mem::MaybeUninit<Self>],
    ) -> bool {
        false
    }
    /// `c + a·b`, fused (one rounding) for `f32`/`f64`, NumPy's `+`/`*` for the others. Only
    /// called from code compiled with the FMA target feature.
    #[doc(hidden)]
    #[inline(always)]
    fn fused_mul_add(a: Self, b: Self, c: Self) -> Self {
        c.np_add(a.np_mul(b))
    }
    /// `Σ x[i]·y[i]` for two vectors of equal length (`?dot`/`?dotu` for floats).
    #[doc(hidden)]
    fn dot1(x: ndarray::ArrayView1<'_, Self>, y: ndarray::ArrayView1<'_, Self>) -> Self {
        crate::kernels::generic_dot1(x, y)
    }
    /// [`Element::dot1`] of two 1-D arrays of equal length, of any storage and dimension type
    /// (`None` if either is not 1-D or the lengths differ), without building views where the
    /// kernel can take the arrays' own pointer and stride.
    #[doc(hidden)]
    fn dot1_arrays<S1, S2, D1, D2>(
        x: &ndarray::ArrayBase<S1, D1>,
        y: &ndarray::ArrayBase<S2, D2>,
    ) -> Option<Self>
    where
        S1: ndarray::Data<Elem = Self>,
        S2: ndarray::Data<Elem = Self>,
        D1: ndarray::Dimension,
        D2: ndarray::Dimension,
    {
        let x = x.view().into_dimensionality::<ndarray::Ix1>().ok()?;
        let y = y.view().into_dimensionality::<ndarray::Ix1>().ok()?;
        (x.len() == y.len()).then(|| Self::dot1(x, y))
    }
}

macro_rules! int_element {
    ($($t:ty => $name:literal),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: &'static str = $name;
            const KIND: Kind = Kind::Int;
            #[inline(always)]
            fn zero() -> Self { 0 }
            #[inline(always)]
            fn np_add(self, rhs: Self) -> Self { self.wrapping_add(rhs) }
            #[inline(always)]
            fn np_mul(self, rhs: Self) -> Self { self.wrapping_mul(rhs) }
            fn gemm2(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>, c: ArrayViewMut2<'_, Self>)
                -> Result<(), crate::Error> {
                crate::kernels::int_gemm(a, b, c)
            }
            fn dot1(x: ndarray::ArrayView1<'_, Self>, y: ndarray::ArrayView1<'_, Self>) -> Self {
                crate::kernels::int::dot1(x, y)
            }
        }
    )*};
}
int_element!(i8 => "int8", i16 => "int16", i32 => "int32", i64 => "int64", isize => "intp",
             u8 => "uint8", u16 => "uint16", u32 => "uint32", u64 => "uint64", usize => "uintp");

macro_rules! float_element {
    ($($t:ty => $name:literal, $zero:expr),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: &'static str = $name;
            const KIND: Kind = Kind::Float;
            #[inline(always)]
            fn zero() -> Self { $zero }
            #[inline(always)]
            fn np_add(self, rhs: Self) -> Self { self + rhs }
            #[inline(always)]
            fn np_mul(self, rhs: Self) -> Self { self * rhs }
            #[inline(always)]
            fn fused_mul_add(a: Self, b: Self, c: Self) -> Self { FusedMulAdd::fma(a, b, c) }
            fn gemm2(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>, c: ArrayViewMut2<'_, Self>)
                -> Result<(), crate::Error> {
                crate::kernels::float_gemm(a, b, c)
            }
            fn gemm_new(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>)
                -> Result<Option<Vec<Self>>, crate::Error> {
                crate::kernels::float_gemm_new(a, b)
            }
            #[inline]
            fn gemm_new_boxed(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>)
                -> Option<Box<[Self]>> {
                crate::kernels::float_gemm_new_boxed(a, b)
            }
            #[allow(private_interfaces)] // as on the trait's method
            fn gemm_new_dyn<'p>(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>,
                place: crate::kernels::dyn_place::DynPlace<'p, Self>)
                -> crate::kernels::dyn_place::Built<'p, Self> {
                crate::kernels::float_gemm_new_dyn(a, b, place)
            }
            fn gemm2_uninit(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>,
                c: &mut [std::mem::MaybeUninit<Self>]) -> bool {
                crate::kernels::float_gemm_uninit(a, b, c)
            }
            #[cfg(feature = "blas")]
            fn dot1(x: ndarray::ArrayView1<'_, Self>, y: ndarray::ArrayView1<'_, Self>) -> Self {
                crate::kernels::float_dot1(x, y)
            }
            #[cfg(feature = "blas")]
            fn dot1_arrays<S1, S2, D1, D2>(
                x: &ndarray::ArrayBase<S1, D1>,
                y: &ndarray::ArrayBase<S2, D2>,
            ) -> Option<Self>
            where
                S1: ndarray::Data<Elem = Self>,
                S2: ndarray::Data<Elem = Self>,
                D1: ndarray::Dimension,
                D2: ndarray::Dimension,
            {
                crate::kernels::blas::dot1_arrays(x, y)
            }
        }
    )*};
}
/// `c + a·b` with one rounding where the hardware has it (real floats), else multiply and add.
trait FusedMulAdd: Sized {
    fn fma(a: Self, b: Self, c: Self) -> Self;
}
impl FusedMulAdd for f32 {
    #[inline(always)]
    fn fma(a: Self, b: Self, c: Self) -> Self {
        a.mul_add(b, c)
    }
}
impl FusedMulAdd for f64 {
    #[inline(always)]
    fn fma(a: Self, b: Self, c: Self) -> Self {
        a.mul_add(b, c)
    }
}
impl<F: num_complex::ComplexFloat> FusedMulAdd for Complex<F> {
    #[inline(always)]
    fn fma(a: Self, b: Self, c: Self) -> Self {
        c + a * b
    }
}

float_element!(f32 => "float32", 0.0, f64 => "float64", 0.0,
               Complex<f32> => "complex64", Complex::new(0.0, 0.0),
               Complex<f64> => "complex128", Complex::new(0.0, 0.0));

impl sealed::Sealed for bool {}
impl Element for bool {
    const DTYPE: &'static str = "bool";
    const KIND: Kind = Kind::Bool;
    #[inline(always)]
    fn zero() -> Self {
        false
    }
    #[inline(always)]
    fn np_add(self, rhs: Self) -> Self {
        self | rhs
    }
    #[inline(always)]
    fn np_mul(self, rhs: Self) -> Self {
        self & rhs
    }
    fn gemm2(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        c: ArrayViewMut2<'_, Self>,
    ) -> Result<(), crate::Error> {
        crate::kernels::bool_gemm(a, b, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_wrap_like_numpy() {
        assert_eq!(100i8.np_mul(3), 44); // np.int8(100) * np.int8(3) == 44
        assert_eq!(i64::MAX.np_add(1), i64::MIN);
        assert_eq!(200u8.np_add(100), 44);
        assert_eq!(0u32.np_add(0).np_mul(7), 0);
    }

    #[test]
    fn bool_is_or_of_ands() {
        assert!(true.np_add(true));
        assert!(!true.np_mul(false));
        assert!(!bool::zero());
    }

    #[test]
    fn complex_does_not_conjugate() {
        let i = Complex::new(0.0f64, 1.0);
        assert_eq!(i.np_mul(i), Complex::new(-1.0, 0.0));
    }
}
