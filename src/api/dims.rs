//! Static dimensions in, static dimensions out: the dimension type of each product's result,
//! computed at compile time from its operands' dimension types.
//!
//! ndarray gives every array a dimension type: `Ix0` … `Ix6` (`Array0` … `Array6`, a fixed
//! number of axes known to the compiler) or `IxDyn` (`ArrayD`, any number). npdot's products
//! follow NumPy's shape rules, and for fixed numbers of axes those rules fix the number of axes
//! of the result, so the result gets a fixed dimension type too:
//!
//! | product | result dimensions (`a`, `b`: the operands' counts) |
//! |---|---|
//! | [`dot`](crate::dot), [`inner`](crate::inner) | `a + b − 2`; a 0-D operand multiplies: the other's |
//! | [`matmul`](crate::matmul) | `max(a, b)` for `a, b ≥ 2`; `a − 1` for a 1-D `b`, `b − 1` for a 1-D `a`; a 0-D operand does not compile |
//! | `kron` | `max(a, b)` |
//! | `vecdot` `(n),(n)->()` | `max(a, b) − 1` (`a, b ≥ 1`) |
//! | `matvec` `(m,n),(n)->(m)` | `max(a − 2, b − 1) + 1` (`a ≥ 2`, `b ≥ 1`) |
//! | `vecmat` `(n),(n,m)->(m)` | `max(a − 1, b − 2) + 1` (`a ≥ 1`, `b ≥ 2`) |
//!
//! `IxDyn` on either side gives `IxDyn`, and so does a result of more than 6 dimensions
//! (ndarray's largest static type is `Ix6`). A pair NumPy always rejects for its numbers of
//! dimensions (`matmul` with a 0-D operand, `matvec` with a 1-D matrix, ...) has no entry: the
//! call does not compile. An `IxDyn` operand can still fail at run time, with NumPy's error.
//!
//! The result itself is [`ResultDim::Value`]: `Array<T, D>` — except that a 0-D result of
//! static operands is the scalar `T` (as NumPy returns a NumPy scalar and ndarray's `dot` of
//! two vectors returns `T`); with `IxDyn` it stays a 0-D `ArrayD`.
//!
//! ```
//! use ndarray::{array, Array1, Array2, Array3, Array4, ArrayD, IxDyn};
//! # fn main() -> Result<(), npdot::Error> {
//! let m: Array2<f64> = array![[1., 2.], [3., 4.]];
//! let v: Array1<f64> = array![1., 1.];
//! let s: Array3<f64> = Array3::zeros((5, 2, 2));
//!
//! let mm: Array2<f64> = npdot::matmul(&m, &m)?;
//! let mv: Array1<f64> = npdot::matmul(&m, &v)?;
//! let vv: f64 = npdot::dot(&v, &v)?;                 // the scalar
//! let sm: Array3<f64> = npdot::matmul(&s, &m)?;      // a stack of 5 products
//! let ss: Array4<f64> = npdot::dot(&s, &s)?;         // np.dot(s, s): shape (5, 2, 5, 2)
//! let d: ArrayD<f64> = npdot::dot(&v.view().into_dyn(), &v)?;   // IxDyn: a 0-D ArrayD
//! assert_eq!((mv[1], vv, ss.shape(), d[IxDyn(&[])]), (7., 2., &[5, 2, 5, 2][..], 2.));
//! # let _ = (mm, sm);
//! # Ok(())
//! # }
//! ```
//!
//! In generic code, name the result with the aliases ([`DotOutput`], [`MatmulOutput`], ...)
//! and bound the dimension types with the tables ([`DotDim`], [`MatmulDim`], ...):
//!
//! ```
//! use ndarray::{Array, Dimension, Ix2};
//! use npdot::dims::{MatmulDim, MatmulOutput};
//!
//! /// `x @ w` for a batch `x` of any static (or dynamic) dimension type.
//! fn layer<D: Dimension + MatmulDim<Ix2>>(
//!     x: &Array<f32, D>,
//!     w: &Array<f32, Ix2>,
//! ) -> Result<MatmulOutput<f32, D, Ix2>, npdot::Error> {
//!     npdot::matmul(x, w)
//! }
//! let y = layer(&ndarray::Array3::<f32>::ones((4, 3, 2)), &ndarray::Array2::ones((2, 5)))?;
//! assert_eq!(y.shape(), &[4, 3, 5]);
//! # Ok::<(), npdot::Error>(())
//! ```

use ndarray::{Array, Array0, Array1, Array2, ArrayD, Dim, Dimension, Ix, Ix0, IxDyn};

use crate::element::Element;
use crate::error::Error;
use crate::plan::typed::Product;

/// A dimension type a product's result can have, and the value a product with that result
/// returns: [`ResultDim::Value`].
pub trait ResultDim: Dimension {
    /// What a product whose result has this dimension type returns: the scalar `T` for `Ix0`
    /// (a 0-D result of static operands: `Array1 · Array1`), `Array<T, Self>` for `Ix1` …
    /// `Ix6` and `IxDyn` (a 0-D result stays a 0-D `ArrayD`).
    type Value<T: Element>;

    /// A result of this type as an `ArrayD` (a 0-D one for a scalar), for code that handles
    /// every dimension type alike.
    ///
    /// ```
    /// use ndarray::{array, Ix0, Ix1, IxDyn};
    /// use npdot::dims::ResultDim;
    /// let v = array![3, 4];
    /// assert_eq!(Ix0::into_dyn(npdot::dot(&v, &v)?), ndarray::arr0(25).into_dyn());
    /// assert_eq!(Ix1::into_dyn(npdot::dot(&v, &array![[1, 0], [0, 1]])?).shape(), &[2]);
    /// # Ok::<(), npdot::Error>(())
    /// ```
    fn into_dyn<T: Element>(value: Self::Value<T>) -> ArrayD<T>;

    /// The computed result in this type.
    #[doc(hidden)]
    fn from_product<T: Element>(p: Product<T>) -> Result<Self::Value<T>, Error>;

    /// A scalar result (of two `Ix1` operands) in this type.
    #[doc(hidden)]
    #[inline(always)]
    fn from_scalar<T: Element>(x: T) -> Result<Self::Value<T>, Error> {
        Self::from_product(Product::Scalar(x))
    }

    /// A 1-D result (of an `Ix2` and an `Ix1` operand) in this type: `Ix1` returns it as it
    /// is (no round trip through [`Product`], so the compiler can build the array where the
    /// caller keeps it).
    #[doc(hidden)]
    #[inline(always)]
    fn from_vector<T: Element>(r: Array1<T>) -> Result<Self::Value<T>, Error> {
        Self::from_product(Product::Vector(r))
    }

    /// A result of `IxDyn` operands in this type: `IxDyn` returns it as it is.
    #[doc(hidden)]
    #[inline(always)]
    fn from_dyn<T: Element>(a: ArrayD<T>) -> Result<Self::Value<T>, Error> {
        Self::from_product(Product::Dyn(a))
    }

    /// A 2-D result (of two `Ix2` operands) in this type: `Ix2` returns it as it is.
    #[doc(hidden)]
    #[inline(always)]
    fn from_matrix<T: Element>(r: Result<Array2<T>, Error>) -> Result<Self::Value<T>, Error> {
        Self::from_product(Product::Matrix(r?))
    }
}

/// `p` as an array of dimension type `D`; a conversion between equal static types is a move.
#[inline(always)]
fn into_array<T: Element, D: Dimension>(p: Product<T>) -> Result<Array<T, D>, Error> {
    let got = p.ndim();
    let r = match p {
        Product::Scalar(x) => convert(Array0::from_elem((), x)),
        Product::Vector(a) => convert(a),
        Product::Matrix(a) => convert(a),
        Product::Stack(a) => convert(a),
        Product::Dyn(a) => convert(a),
    };
    r.ok_or(Error::ResultDimension {
        expected: D::NDIM.unwrap_or(got),
        got,
    })
}

/// `a` as an array of dimension type `D`, or `None`. The conversion is compiled only for the
/// pairs of dimension types where it can succeed (`if const`: `D` or `E` is `IxDyn`, or both
/// have the same number of axes), e.g. not `Array1` → `Ix2` in the code of an `Ix2` result.
#[inline(always)]
fn convert<T, E: Dimension, D: Dimension>(a: Array<T, E>) -> Option<Array<T, D>> {
    if const {
        match (D::NDIM, E::NDIM) {
            (Some(d), Some(e)) => d == e,
            _ => true,
        }
    } {
        a.into_dimensionality::<D>().ok()
    } else {
        None
    }
}

impl ResultDim for Ix0 {
    type Value<T: Element> = T;

    fn into_dyn<T: Element>(value: T) -> ArrayD<T> {
        ArrayD::from_elem(IxDyn(&[]), value)
    }

    #[inline(always)]
    fn from_scalar<T: Element>(x: T) -> Result<T, Error> {
        Ok(x)
    }

    #[inline(always)]
    fn from_product<T: Element>(p: Product<T>) -> Result<T, Error> {
        match p {
            Product::Scalar(x) => Ok(x),
            p => into_array::<T, Ix0>(p).map(Array0::into_scalar),
        }
    }
}

macro_rules! array_result {
    ($($d:ty $({ $($extra:item)* })?),*) => {$(
        impl ResultDim for $d {
            type Value<T: Element> = Array<T, $d>;

            fn into_dyn<T: Element>(value: Array<T, $d>) -> ArrayD<T> {
                value.into_dyn()
            }

            #[inline(always)]
            fn from_product<T: Element>(p: Product<T>) -> Result<Array<T, $d>, Error> {
                into_array::<T, $d>(p)
            }

            $($($extra)*)?
        }
    )*};
}
array_result!(
    Dim<[Ix; 1]> {
        #[inline(always)]
        fn from_vector<T: Element>(r: Array1<T>) -> Result<Array1<T>, Error> {
            Ok(r)
        }
    },
    Dim<[Ix; 2]> {
        #[inline(always)]
        fn from_matrix<T: Element>(r: Result<Array2<T>, Error>) -> Result<Array2<T>, Error> {
            r
        }
    },
    Dim<[Ix; 3]>,
    Dim<[Ix; 4]>,
    Dim<[Ix; 5]>,
    Dim<[Ix; 6]>,
    IxDyn {
        #[inline(always)]
        fn from_dyn<T: Element>(a: ArrayD<T>) -> Result<ArrayD<T>, Error> {
            Ok(a)
        }
    }
);

/// The dimension type of a result with `N` dimensions: `IxN` up to 6, `IxDyn` above.
#[doc(hidden)]
pub struct Rank<const N: usize>;

/// See [`Rank`].
#[doc(hidden)]
pub trait RankDim {
    /// `IxN`, or `IxDyn` above 6.
    type Dim: ResultDim;
}

macro_rules! rank_dim {
    ($($n:literal => $d:ty),*) => {$(
        impl RankDim for Rank<$n> {
            type Dim = $d;
        }
    )*};
}
rank_dim!(0 => Ix0, 1 => Dim<[Ix; 1]>, 2 => Dim<[Ix; 2]>, 3 => Dim<[Ix; 3]>, 4 => Dim<[Ix; 4]>,
          5 => Dim<[Ix; 5]>, 6 => Dim<[Ix; 6]>, 7 => IxDyn, 8 => IxDyn, 9 => IxDyn, 10 => IxDyn);

/// The larger of `a` and `b`.
const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// `np.dot`/`np.inner` result dimensions: `a.shape[:-1] + b.shape[:-2] + b.shape[-1:]` (dot),
/// `a.shape[:-1] + b.shape[:-1]` (inner) — both `a + b − 2` — and a 0-D operand multiplies.
const fn dot_ndim(a: usize, b: usize) -> usize {
    if a == 0 {
        b
    } else if b == 0 {
        a
    } else {
        a + b - 2
    }
}

/// `np.matmul` result dimensions (`a, b ≥ 1`): the broadcast batch dimensions, then `n` unless
/// `a` is 1-D, then `m` unless `b` is 1-D.
const fn matmul_ndim(a: usize, b: usize) -> usize {
    max(a.saturating_sub(2), b.saturating_sub(2)) + (a >= 2) as usize + (b >= 2) as usize
}

/// `np.kron` result dimensions: the larger count (the smaller operand gets leading 1s).
const fn kron_ndim(a: usize, b: usize) -> usize {
    max(a, b)
}

/// `np.vecdot` `(n),(n)->()` result dimensions (`a, b ≥ 1`): the broadcast loop dimensions.
const fn vecdot_ndim(a: usize, b: usize) -> usize {
    max(a, b) - 1
}

/// `np.matvec` `(m,n),(n)->(m)` result dimensions (`a ≥ 2`, `b ≥ 1`).
const fn matvec_ndim(a: usize, b: usize) -> usize {
    max(a - 2, b - 1) + 1
}

/// `np.vecmat` `(n),(n,m)->(m)` result dimensions (`a ≥ 1`, `b ≥ 2`).
const fn vecmat_ndim(a: usize, b: usize) -> usize {
    max(a - 1, b - 2) + 1
}

/// One table: `impl $tr<Dim<[Ix; r]>> for Dim<[Ix; l]>` for every `l` of the left list and `r`
/// of the right one, with the result rank `$f(l, r)`, plus the `IxDyn` entries: `IxDyn` with
/// every right entry, every left entry with `IxDyn`, and `IxDyn` with `IxDyn`.
macro_rules! table {
    ($tr:ident, $f:ident; [$($l:literal)*] x $r:tt) => {
        $( table!(@row $tr, $f; $l; $r); )*
        table!(@dyn $tr; [$($l)*] x $r);
    };
    (@row $tr:ident, $f:ident; $l:literal; [$($r:literal)*]) => {$(
        impl $tr<Dim<[Ix; $r]>> for Dim<[Ix; $l]> {
            type Dim = <Rank<{ $f($l, $r) }> as RankDim>::Dim;
        }
    )*};
    (@dyn $tr:ident; [$($l:literal)*] x [$($r:literal)*]) => {
        $( impl $tr<IxDyn> for Dim<[Ix; $l]> {
            type Dim = IxDyn;
        } )*
        $( impl $tr<Dim<[Ix; $r]>> for IxDyn {
            type Dim = IxDyn;
        } )*
        impl $tr<IxDyn> for IxDyn {
            type Dim = IxDyn;
        }
    };
}

/// The dimension type of `np.dot(a, b)` for `a` of dimension type `Self` and `b` of `D2`:
/// `a + b − 2` dimensions, the other operand's when one is 0-D; `IxDyn` with an `IxDyn`
/// operand or above 6 dimensions. Every pair of `Ix0` … `Ix6`, `IxDyn` has an entry.
pub trait DotDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(DotDim, dot_ndim; [0 1 2 3 4 5 6] x [0 1 2 3 4 5 6]);

/// The dimension type of `np.inner(a, b)` for `a` of dimension type `Self` and `b` of `D2`:
/// `a + b − 2` dimensions, the other operand's when one is 0-D; `IxDyn` with an `IxDyn`
/// operand or above 6 dimensions. Every pair of `Ix0` … `Ix6`, `IxDyn` has an entry.
pub trait InnerDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(InnerDim, dot_ndim; [0 1 2 3 4 5 6] x [0 1 2 3 4 5 6]);

/// The dimension type of `np.matmul(a, b)` (`a @ b`) for `a` of dimension type `Self` and `b`
/// of `D2`: the broadcast batch dimensions plus the present core ones (`Ix2 @ Ix2 → Ix2`,
/// `Ix2 @ Ix1 → Ix1`, `Ix1 @ Ix1 → Ix0`, `Ix3 @ Ix2 → Ix3`); `IxDyn` with an `IxDyn` operand.
/// No entry for a static 0-D operand, which NumPy always rejects:
///
/// ```compile_fail
/// let s = ndarray::arr0(2.0);
/// let m = ndarray::Array2::<f64>::eye(2);
/// let _ = npdot::matmul(&s, &m); // error: `Ix0: MatmulDim<Ix2>` is not satisfied
/// ```
///
/// ```compile_fail
/// let s = ndarray::arr0(2.0).into_dyn();
/// let m = ndarray::arr0(2.0);
/// let _ = npdot::matmul(&s, &m); // error: `IxDyn: MatmulDim<Ix0>` is not satisfied
/// ```
pub trait MatmulDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(MatmulDim, matmul_ndim; [1 2 3 4 5 6] x [1 2 3 4 5 6]);

/// The dimension type of `np.kron(a, b)` for `a` of dimension type `Self` and `b` of `D2`:
/// as many dimensions as the operand with more; `IxDyn` with an `IxDyn` operand.
pub trait KronDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(KronDim, kron_ndim; [0 1 2 3 4 5 6] x [0 1 2 3 4 5 6]);

/// The dimension type of `np.vecdot(a, b)` (signature `(n),(n)->()`) for `a` of dimension type
/// `Self` and `b` of `D2`: the broadcast loop dimensions, `max(a, b) − 1`; `IxDyn` with an
/// `IxDyn` operand. No entry for a static 0-D operand (NumPy rejects it).
pub trait VecdotDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(VecdotDim, vecdot_ndim; [1 2 3 4 5 6] x [1 2 3 4 5 6]);

/// The dimension type of `np.matvec(a, b)` (signature `(m,n),(n)->(m)`) for `a` of dimension
/// type `Self` and `b` of `D2`: `max(a − 2, b − 1) + 1`; `IxDyn` with an `IxDyn` operand. No
/// entry for a static `a` of fewer than 2 dimensions or a 0-D `b` (NumPy rejects them).
pub trait MatvecDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(MatvecDim, matvec_ndim; [2 3 4 5 6] x [1 2 3 4 5 6]);

/// The dimension type of `np.vecmat(a, b)` (signature `(n),(n,m)->(m)`) for `a` of dimension
/// type `Self` and `b` of `D2`: `max(a − 1, b − 2) + 1`; `IxDyn` with an `IxDyn` operand. No
/// entry for a 0-D `a` or a static `b` of fewer than 2 dimensions (NumPy rejects them).
pub trait VecmatDim<D2: Dimension>: Dimension {
    /// The result's dimension type.
    type Dim: ResultDim;
}
table!(VecmatDim, vecmat_ndim; [1 2 3 4 5 6] x [2 3 4 5 6]);

/// What `np.dot(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>` of elements `T`.
pub type DotOutput<T, D1, D2> = <<D1 as DotDim<D2>>::Dim as ResultDim>::Value<T>;
/// What `np.inner(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>`.
pub type InnerOutput<T, D1, D2> = <<D1 as InnerDim<D2>>::Dim as ResultDim>::Value<T>;
/// What `np.matmul(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>`.
pub type MatmulOutput<T, D1, D2> = <<D1 as MatmulDim<D2>>::Dim as ResultDim>::Value<T>;
/// What `np.kron(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>`.
pub type KronOutput<T, D1, D2> = <<D1 as KronDim<D2>>::Dim as ResultDim>::Value<T>;
/// What `np.vecdot(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>`.
pub type VecdotOutput<T, D1, D2> = <<D1 as VecdotDim<D2>>::Dim as ResultDim>::Value<T>;
/// What `np.matvec(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>`.
pub type MatvecOutput<T, D1, D2> = <<D1 as MatvecDim<D2>>::Dim as ResultDim>::Value<T>;
/// What `np.vecmat(a, b)` returns for `a: ArrayBase<_, D1>`, `b: ArrayBase<_, D2>`.
pub type VecmatOutput<T, D1, D2> = <<D1 as VecmatDim<D2>>::Dim as ResultDim>::Value<T>;

/// Converts a computed result to the output type of its static dimension type.
#[inline(always)]
pub(crate) fn output<T: Element, D: ResultDim>(p: Product<T>) -> Result<D::Value<T>, Error> {
    D::from_product(p)
}
