//! Element types and the lane types they are computed in.
//!
//! NumPy's integer products wrap: the result is the true sum of products reduced modulo
//! 2^bits. The low `w` bits of a sum or product depend only on the low `w` bits of its
//! operands, so any product can be computed in a *wider* unsigned type and truncated at the end
//! with an `as` cast, and signedness never matters. The kernels therefore work on three
//! unsigned **lane** types only:
//!
//! | elements | lane | why |
//! |---|---|---|
//! | `i8 u8 i16 u16` | `u16` | AVX2 has a 16-bit multiply (`vpmullw`) but none for 8 bits |
//! | `i32 u32` | `u32` | `vpmulld` |
//! | `i64 u64 isize usize` | `u64` | emulated with `vpmuludq` + `vpmulld` (see `avx2`) |

use std::fmt::Debug;

use ndarray::{ArrayView2, ArrayViewMut2};

use super::kernel::Portable;
use super::packed;

/// An integer element type with NumPy's wrap-around product semantics.
///
/// Implemented for `i8 i16 i32 i64 isize u8 u16 u32 u64 usize`. The products are computed in
/// [`IntElement::Lane`] (at least as wide as `Self`) and truncated back, which is exact modulo
/// 2^bits of `Self`, i.e. exactly NumPy's result.
pub(crate) trait IntElement:
    Copy + Default + Send + Sync + Debug + PartialEq + 'static
{
    /// The unsigned type the kernels compute in.
    type Lane: Lane;
    /// Zero.
    const ZERO: Self;
    /// Converts to the lane type (sign or zero extension; only the low bits matter).
    fn to_lane(self) -> Self::Lane;
    /// Truncates a lane value back to `Self` (keeps the low bits).
    fn from_lane(x: Self::Lane) -> Self;
    /// Wrapping addition.
    fn wadd(self, rhs: Self) -> Self;
    /// Wrapping multiplication.
    fn wmul(self, rhs: Self) -> Self;
}

/// Implements [`IntElement`] for each `type => lane` pair.
macro_rules! int_element {
    ($($t:ty => $lane:ty),*) => {$(
        impl IntElement for $t {
            type Lane = $lane;
            const ZERO: Self = 0;
            #[inline(always)]
            fn to_lane(self) -> $lane {
                self as $lane
            }
            #[inline(always)]
            fn from_lane(x: $lane) -> Self {
                x as $t
            }
            #[inline(always)]
            fn wadd(self, rhs: Self) -> Self {
                self.wrapping_add(rhs)
            }
            #[inline(always)]
            fn wmul(self, rhs: Self) -> Self {
                self.wrapping_mul(rhs)
            }
        }
    )*};
}

int_element!(i8 => u16, u8 => u16, i16 => u16, u16 => u16, i32 => u32, u32 => u32,
             i64 => u64, u64 => u64, isize => u64, usize => u64);

/// An unsigned type the kernels compute in: `u16`, `u32` or `u64`.
pub(crate) trait Lane: Copy + Default + Send + Sync + Debug + PartialEq + 'static {
    /// Zero.
    const ZERO: Self;
    /// Wrapping addition.
    fn wadd(self, rhs: Self) -> Self;
    /// Wrapping multiplication.
    fn wmul(self, rhs: Self) -> Self;
    /// `c = a · b` through the packed, blocked driver on the best micro-kernel this CPU has,
    /// on `threads` threads (`None`: as many as the size warrants). Preconditions (checked):
    /// consistent shapes, all dimensions non-zero.
    fn gemm_packed<T: IntElement<Lane = Self>>(
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
        c: ArrayViewMut2<'_, T>,
        threads: Option<usize>,
    ) -> Result<(), crate::Error>;
}

/// Implements [`Lane`] for one type; `$avx2` names the AVX2 micro-kernel token type.
macro_rules! lane {
    ($($t:ty => $avx2:ident),*) => {$(
        impl Lane for $t {
            const ZERO: Self = 0;
            #[inline(always)]
            fn wadd(self, rhs: Self) -> Self {
                self.wrapping_add(rhs)
            }
            #[inline(always)]
            fn wmul(self, rhs: Self) -> Self {
                self.wrapping_mul(rhs)
            }
            fn gemm_packed<T: IntElement<Lane = Self>>(
                a: ArrayView2<'_, T>,
                b: ArrayView2<'_, T>,
                c: ArrayViewMut2<'_, T>,
                threads: Option<usize>,
            ) -> Result<(), crate::Error> {
                #[cfg(target_arch = "x86_64")]
                if let Some(kern) = super::avx2::$avx2::detect() {
                    return packed::gemm(kern, a, b, c, threads);
                }
                packed::gemm(Portable::<$t>::new(), a, b, c, threads)
            }
        }
    )*};
}

lane!(u16 => Avx2U16, u32 => Avx2U32, u64 => Avx2U64);
