//! NumPy's other matrix and vector products — `vdot`, `outer`, `tensordot`, `kron`, `vecdot`,
//! `matvec`, `vecmat` — as free functions on arrays of any dimensionality and as methods of the
//! [`ProductFamily`] prelude trait.

use ndarray::{Array2, ArrayBase, ArrayD, Data, Dimension};

use crate::api::dims::{
    KronDim, KronOutput, MatvecDim, MatvecOutput, ResultDim, VecdotDim, VecdotOutput, VecmatDim,
    VecmatOutput,
};
use crate::element::Element;
use crate::error::Error;
use crate::plan;
use crate::plan::typed::Product;
use crate::shape::tensordot::Axes;

/// `np.vdot(a, b)`: both operands flattened in C order (any shapes of equal size), the FIRST one
/// complex-conjugated, summed: `Σ conj(a.flat[i])·b.flat[i]`. Returns the scalar.
///
/// ```
/// use ndarray::array;
/// use num_complex::Complex;
/// let a = array![Complex::new(1.0, 2.0), Complex::new(3.0, -1.0)];
/// let b = array![Complex::new(2.0, -1.0), Complex::new(1.0, 1.0)];
/// assert_eq!(npdot::vdot(&a, &b).unwrap(), Complex::new(2.0, -1.0));
/// let m = array![[1, 2], [3, 4]];
/// assert_eq!(npdot::vdot(&m, &m.t()).unwrap(), 1 + 2 * 3 + 3 * 2 + 4 * 4);
/// assert_eq!(npdot::vdot(&m, &array![1, 2, 3]).unwrap_err().to_string(),
///            "cannot reshape array of size 3 into shape (4,)");
/// ```
pub fn vdot<T, S1, S2, D1, D2>(a: &ArrayBase<S1, D1>, b: &ArrayBase<S2, D2>) -> Result<T, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    plan::family::vdot(a.view().into_dyn(), b.view().into_dyn())
}

/// `np.outer(a, b)`: both operands flattened (a 0-D one has one element); the result has shape
/// `(a.len(), b.len())` and element `(i, j)` = `a.flat[i]·b.flat[j]` (no conjugation).
///
/// ```
/// use ndarray::array;
/// let o = npdot::outer(&array![1, 2, 3], &array![[1, 10]]).unwrap();
/// assert_eq!(o, array![[1, 10], [2, 20], [3, 30]]);
/// ```
pub fn outer<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Array2<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    plan::family::outer(a.view().into_dyn(), b.view().into_dyn())
}

/// `np.tensordot(a, b, axes)`: the sum of products over `axes` (see [`Axes`]: `N` for the last
/// `N` axes of `a` with the first `N` of `b`, or two lists of axes, negative ones counted from
/// the end). The result has `a`'s remaining axes, then `b`'s. Computed as ONE matrix product
/// over permuted and merged views of the operands (an operand is copied once only when its
/// strides do not allow the merge).
///
/// ```
/// use ndarray::{ArrayD, IxDyn};
/// let a = ArrayD::from_shape_vec(IxDyn(&[3, 4, 5]), (0..60).collect()).unwrap();
/// let b = ArrayD::from_shape_vec(IxDyn(&[4, 3, 2]), (0..24).collect()).unwrap();
/// let c = npdot::tensordot(&a, &b, ([1isize, 0], [0isize, 1])).unwrap();
/// assert_eq!(c.shape(), &[5, 2]);
/// assert_eq!(c[[0, 0]], 4400);
/// let d = npdot::tensordot(&a, &b, 1usize);
/// assert_eq!(d.unwrap_err().to_string(), "shape-mismatch for sum");
/// ```
pub fn tensordot<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    axes: impl Into<Axes>,
) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    plan::tensordot::tensordot(a.view().into_dyn(), b.view().into_dyn(), &axes.into())
}

/// `np.kron(a, b)`: the Kronecker product. The operand with fewer dimensions gets leading 1s;
/// result dimension `i` is `a.shape[i]·b.shape[i]`. Written once, without temporaries.
///
/// ```
/// use ndarray::array;
/// let k = npdot::kron(&array![[1, 2], [3, 4]], &array![1, 10]).unwrap();
/// assert_eq!(k, array![[1, 10, 2, 20], [3, 30, 4, 40]]); // Array2 ⊗ Array1 -> Array2
/// ```
pub fn kron<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<KronOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension + KronDim<D2>,
    D2: Dimension,
{
    let r = plan::family::kron(a.view().into_dyn(), b.view().into_dyn())?;
    <<D1 as KronDim<D2>>::Dim as ResultDim>::from_product(Product::Dyn(r))
}

/// `np.vecdot(a, b)`: the gufunc `(n),(n)->()` — `Σ conj(a[…, i])·b[…, i]` over the last axis,
/// the other axes broadcast together.
///
/// ```
/// use ndarray::array;
/// let v = npdot::vecdot(&array![[1, 2], [3, 4]], &array![10, 1]).unwrap();
/// assert_eq!(v, array![12, 34]);
/// ```
pub fn vecdot<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<VecdotOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension + VecdotDim<D2>,
    D2: Dimension,
{
    let r = plan::gufunc::vecdot(a.view().into_dyn(), b.view().into_dyn(), None)?;
    <<D1 as VecdotDim<D2>>::Dim as ResultDim>::from_product(Product::Dyn(r))
}

/// `np.matvec(a, b)`: the gufunc `(m,n),(n)->(m)` — matrix times vector over the last axes
/// (no conjugation), the other axes broadcast together.
///
/// ```
/// use ndarray::array;
/// let v = npdot::matvec(&array![[1, 2], [3, 4]], &array![10, 1]).unwrap();
/// assert_eq!(v, array![12, 34]);
/// ```
pub fn matvec<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<MatvecOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension + MatvecDim<D2>,
    D2: Dimension,
{
    let r = plan::gufunc::matvec(a.view().into_dyn(), b.view().into_dyn())?;
    <<D1 as MatvecDim<D2>>::Dim as ResultDim>::from_product(Product::Dyn(r))
}

/// `np.vecmat(a, b)`: the gufunc `(n),(n,m)->(m)` — the conjugated vector `a` times the matrix
/// `b` over the last axes, the other axes broadcast together.
///
/// ```
/// use ndarray::array;
/// let v = npdot::vecmat(&array![10, 1], &array![[1, 2], [3, 4]]).unwrap();
/// assert_eq!(v, array![13, 24]);
/// ```
pub fn vecmat<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<VecmatOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension + VecmatDim<D2>,
    D2: Dimension,
{
    let r = plan::gufunc::vecmat(a.view().into_dyn(), b.view().into_dyn())?;
    <<D1 as VecmatDim<D2>>::Dim as ResultDim>::from_product(Product::Dyn(r))
}

/// NumPy's other products as methods on every array (`Array1`, `Array2`, `ArrayD`, views,
/// `ArcArray`, `CowArray`); the right operand is any array of the same element type. Each
/// method is the free function of the same name ([`vdot`](crate::vdot),
/// [`outer`](crate::outer), [`tensordot`](crate::tensordot), [`kron`](crate::kron),
/// [`vecdot`](crate::vecdot), [`matvec`](crate::matvec), [`vecmat`](crate::vecmat)).
///
/// ```
/// use ndarray::array;
/// use npdot::prelude::*;
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let b = array![1.0, -1.0];
/// assert_eq!(a.vdot(&a).unwrap(), 30.0);
/// assert_eq!(b.outer(&b).unwrap(), array![[1.0, -1.0], [-1.0, 1.0]]);
/// assert_eq!(a.tensordot(&a, 2usize).unwrap()[[]], 30.0);
/// assert_eq!(a.kron(&b).unwrap().shape(), &[2, 4]);
/// assert_eq!(a.vecdot(&b).unwrap(), array![-1.0, -1.0]);
/// assert_eq!(a.matvec(&b).unwrap(), array![-1.0, -1.0]);
/// assert_eq!(b.vecmat(&a).unwrap(), array![-2.0, -2.0]);
/// ```
pub trait ProductFamily<T: Element> {
    /// The dimension type of `self`, which (with the other operand's) fixes the result's.
    type Dim: Dimension;
    /// `np.vdot(self, rhs)`: see [`vdot`](crate::vdot).
    fn vdot<S2: Data<Elem = T>, D2: Dimension>(&self, rhs: &ArrayBase<S2, D2>) -> Result<T, Error>;
    /// `np.outer(self, rhs)`: see [`outer`](crate::outer).
    fn outer<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<Array2<T>, Error>;
    /// `np.tensordot(self, rhs, axes)`: see [`tensordot`](crate::tensordot).
    fn tensordot<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
        axes: impl Into<Axes>,
    ) -> Result<ArrayD<T>, Error>;
    /// `np.kron(self, rhs)`: see [`kron`](crate::kron).
    fn kron<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<KronOutput<T, Self::Dim, D2>, Error>
    where
        Self::Dim: KronDim<D2>;
    /// `np.vecdot(self, rhs)`: see [`vecdot`](crate::vecdot).
    fn vecdot<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<VecdotOutput<T, Self::Dim, D2>, Error>
    where
        Self::Dim: VecdotDim<D2>;
    /// `np.matvec(self, rhs)`: see [`matvec`](crate::matvec).
    fn matvec<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<MatvecOutput<T, Self::Dim, D2>, Error>
    where
        Self::Dim: MatvecDim<D2>;
    /// `np.vecmat(self, rhs)`: see [`vecmat`](crate::vecmat).
    fn vecmat<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<VecmatOutput<T, Self::Dim, D2>, Error>
    where
        Self::Dim: VecmatDim<D2>;
}

impl<T: Element, S: Data<Elem = T>, D: Dimension> ProductFamily<T> for ArrayBase<S, D> {
    type Dim = D;
    fn vdot<S2: Data<Elem = T>, D2: Dimension>(&self, rhs: &ArrayBase<S2, D2>) -> Result<T, Error> {
        vdot(self, rhs)
    }
    fn outer<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<Array2<T>, Error> {
        outer(self, rhs)
    }
    fn tensordot<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
        axes: impl Into<Axes>,
    ) -> Result<ArrayD<T>, Error> {
        tensordot(self, rhs, axes)
    }
    fn kron<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<KronOutput<T, D, D2>, Error>
    where
        D: KronDim<D2>,
    {
        kron(self, rhs)
    }
    fn vecdot<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<VecdotOutput<T, D, D2>, Error>
    where
        D: VecdotDim<D2>,
    {
        vecdot(self, rhs)
    }
    fn matvec<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<MatvecOutput<T, D, D2>, Error>
    where
        D: MatvecDim<D2>,
    {
        matvec(self, rhs)
    }
    fn vecmat<S2: Data<Elem = T>, D2: Dimension>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<VecmatOutput<T, D, D2>, Error>
    where
        D: VecmatDim<D2>,
    {
        vecmat(self, rhs)
    }
}
