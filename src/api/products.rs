//! The public entry points: the [`Products`] extension trait and the free functions.

use ndarray::{ArrayBase, Data, DataMut, Dimension};

use super::dims::{
    DotDim, DotOutput, InnerDim, InnerOutput, MatmulDim, MatmulOutput, ResultDim, output,
};
use crate::element::Element;
use crate::error::Error;
use crate::kernels::slot::{Slot, Written, through_slot};
use crate::plan::typed;

/// NumPy's products as methods on every array: owned (`Array1`, `Array2`, …, `ArrayD`), views,
/// `ArcArray`, `CowArray`, of any dimension type. Import it with `use npdot::prelude::*;`.
///
/// The result's dimension type follows from the operands' at compile time (see
/// [`crate::dims`]): `Array2 @ Array2` is an `Array2`, `Array2 @ Array1` an `Array1`,
/// `Array1 · Array1` the scalar `T`, anything with `ArrayD` an `ArrayD` (a 0-D one for two
/// 1-D operands).
///
/// **`Array1`/`Array2` and ndarray's own `dot`.** ndarray defines an inherent `dot` on 1-D and
/// 2-D arrays (ndarray 0.17: on `ArrayRef<_, Ix1>`/`ArrayRef<_, Ix2>`, reached through
/// `Deref`). With this trait imported, `a.dot(&b)` on an `Array1`/`Array2` (owned or view)
/// calls npdot's `dot` (Rust tries the receiver's own type, where this trait is implemented,
/// before the type it dereferences to); on `&ArrayRef` receivers it calls ndarray's. To be
/// explicit either way, write `npdot::dot(&a, &b)` or `Products::dot(&a, &b)` for NumPy's
/// semantics, and `ndarray::ArrayRef::dot(&a, &b)` for ndarray's.
///
/// ```
/// use ndarray::{array, Array1, Array2};
/// use npdot::prelude::*;
/// # fn main() -> Result<(), npdot::Error> {
/// let a: Array2<f64> = array![[1., 2.], [3., 4.]];
/// let x: Array1<f64> = array![1., -1.];
/// let y: Array1<f64> = a.matmul(&x)?;          // Array2 @ Array1 -> Array1
/// let s: f64 = x.inner(&x)?;                   // Array1 · Array1 -> f64
/// let c: Array2<f64> = Products::dot(&a, &a)?; // np.dot, whatever is in scope
/// assert_eq!((y, s, c[[1, 1]]), (array![-1., -1.], 2., 22.));
/// # Ok(())
/// # }
/// ```
pub trait Products<T: Element> {
    /// The dimension type of `self` (`Ix2` for an `Array2`, ...).
    type Dim: Dimension;

    /// `np.dot(self, rhs)`: 0-D operands multiply; 1-D·1-D gives the sum of products (the
    /// scalar `T` for static dimensions, a 0-D array for `IxDyn`); otherwise the sum over the
    /// last axis of `self` and the second-to-last of `rhs` (its only axis if `rhs` is 1-D). The
    /// result has shape `self.shape[:-1] + rhs.shape[:-2] + rhs.shape[-1:]`.
    ///
    /// ```
    /// use ndarray::{ArrayD, IxDyn};
    /// use npdot::prelude::*;
    /// let a = ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    /// let b = ArrayD::from_shape_vec(IxDyn(&[3]), vec![1.0, 0.0, -1.0]).unwrap();
    /// assert_eq!(a.dot(&b).unwrap().as_slice().unwrap(), &[-2.0, -2.0]);
    /// assert_eq!(a.dot(&a).unwrap_err().to_string(),
    ///            "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)");
    /// ```
    fn dot<S2, D2>(&self, rhs: &ArrayBase<S2, D2>) -> Result<DotOutput<T, Self::Dim, D2>, Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        Self::Dim: DotDim<D2>;

    /// `np.inner(self, rhs)`: 0-D operands multiply; otherwise the sum over the last axes, with
    /// result shape `self.shape[:-1] + rhs.shape[:-1]`. No complex conjugation.
    ///
    /// ```
    /// use ndarray::{ArrayD, IxDyn};
    /// use npdot::prelude::*;
    /// let a = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1, 2, 3, 4]).unwrap();
    /// let b = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![11, 12, 13, 14]).unwrap();
    /// assert_eq!(a.inner(&b).unwrap().as_slice().unwrap(), &[35, 41, 81, 95]);
    /// ```
    fn inner<S2, D2>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<InnerOutput<T, Self::Dim, D2>, Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        Self::Dim: InnerDim<D2>;

    /// `self @ rhs` (`np.matmul`): stacks of matrices in the last two axes, batch axes broadcast,
    /// a 1-D `self` gets a 1 prepended and a 1-D `rhs` a 1 appended (removed from the result).
    /// 0-D operands are an error, as in NumPy (a static 0-D operand does not compile).
    ///
    /// ```
    /// use ndarray::{ArrayD, IxDyn};
    /// use npdot::prelude::*;
    /// let a = ArrayD::from_shape_vec(IxDyn(&[2, 2, 4]), (0..16).collect()).unwrap();
    /// let b = ArrayD::from_shape_vec(IxDyn(&[2, 4, 2]), (0..16).collect()).unwrap();
    /// let c = a.matmul(&b).unwrap();
    /// assert_eq!(c.shape(), &[2, 2, 2]);
    /// assert_eq!(c[[0, 1, 1]], 98);
    /// ```
    fn matmul<S2, D2>(
        &self,
        rhs: &ArrayBase<S2, D2>,
    ) -> Result<MatmulOutput<T, Self::Dim, D2>, Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        Self::Dim: MatmulDim<D2>;

    /// `np.dot(self, rhs, out=out)`: `out` (any dimension type) must have exactly the result's
    /// shape and be C-contiguous (NumPy's rule); it is overwritten.
    fn dot_into<S2, D2, S3, D3>(
        &self,
        rhs: &ArrayBase<S2, D2>,
        out: &mut ArrayBase<S3, D3>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        S3: DataMut<Elem = T>,
        D3: Dimension,
        Self::Dim: DotDim<D2>;

    /// `np.matmul(self, rhs, out=out)`: gufunc rules — `out` (any dimension type) may have any
    /// strides and extra leading dimensions the result is broadcast into; it is overwritten.
    fn matmul_into<S2, D2, S3, D3>(
        &self,
        rhs: &ArrayBase<S2, D2>,
        out: &mut ArrayBase<S3, D3>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        S3: DataMut<Elem = T>,
        D3: Dimension,
        Self::Dim: MatmulDim<D2>;
}

impl<T: Element, S: Data<Elem = T>, D: Dimension> Products<T> for ArrayBase<S, D> {
    type Dim = D;

    #[inline(always)]
    fn dot<S2, D2>(&self, rhs: &ArrayBase<S2, D2>) -> Result<DotOutput<T, D, D2>, Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        D: DotDim<D2>,
    {
        dot(self, rhs)
    }

    #[inline(always)]
    fn inner<S2, D2>(&self, rhs: &ArrayBase<S2, D2>) -> Result<InnerOutput<T, D, D2>, Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        D: InnerDim<D2>,
    {
        inner(self, rhs)
    }

    #[inline(always)]
    fn matmul<S2, D2>(&self, rhs: &ArrayBase<S2, D2>) -> Result<MatmulOutput<T, D, D2>, Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        D: MatmulDim<D2>,
    {
        matmul(self, rhs)
    }

    fn dot_into<S2, D2, S3, D3>(
        &self,
        rhs: &ArrayBase<S2, D2>,
        out: &mut ArrayBase<S3, D3>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        S3: DataMut<Elem = T>,
        D3: Dimension,
        D: DotDim<D2>,
    {
        dot_into(self, rhs, out)
    }

    fn matmul_into<S2, D2, S3, D3>(
        &self,
        rhs: &ArrayBase<S2, D2>,
        out: &mut ArrayBase<S3, D3>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        D2: Dimension,
        S3: DataMut<Elem = T>,
        D3: Dimension,
        D: MatmulDim<D2>,
    {
        matmul_into(self, rhs, out)
    }
}

/// `np.dot(a, b)` for arrays of any dimensionality. See [`Products::dot`].
///
/// ```
/// use ndarray::array;
/// let a = array![[1, 2], [3, 4]];
/// let b = array![[11, 12], [13, 14]];
/// let d = npdot::dot(&a, &b).unwrap();                 // Array2 · Array2 -> Array2
/// assert_eq!(d, array![[37, 40], [85, 92]]);
/// let v = array![1, -1];
/// assert_eq!(npdot::dot(&a, &v).unwrap(), array![-1, -1]);  // Array2 · Array1 -> Array1
/// assert_eq!(npdot::dot(&v, &v).unwrap(), 2);                // Array1 · Array1 -> the scalar
/// ```
#[inline(always)]
pub fn dot<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<DotOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: DotDim<D2>,
    D2: Dimension,
{
    if let Some(r) = typed::dot_scalar(a, b) {
        // Two `Ix1` operands: the scalar, straight.
        return <D1 as DotDim<D2>>::Dim::from_scalar(r);
    }
    if let Some(r) = typed::dot_vector(a, b) {
        // An `Ix2` and an `Ix1` operand: the 1-D result, straight.
        return <D1 as DotDim<D2>>::Dim::from_vector(r);
    }
    if let Some(r) = typed::dot_matrix(a, b) {
        // Two `Ix2` operands of a small product: the 2-D result, straight.
        return <D1 as DotDim<D2>>::Dim::from_matrix(r);
    }
    if let Some(r) = typed::dot_small_dyn(a, b) {
        // Two `IxDyn` operands of a small 2-D product: the result, straight.
        return <D1 as DotDim<D2>>::Dim::from_dyn(r);
    }
    through_slot(|slot| dot_any(a, b, slot))
}

/// [`dot`] of every other pair of dimension types (out of line, so that the scalar case above
/// in-lines into the caller and returns its value in registers), writing its value into the
/// caller's slot (see `kernels::slot`).
#[inline(never)]
fn dot_any<'s, T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    slot: Slot<'s, DotOutput<T, D1, D2>>,
) -> Result<Written<'s>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: DotDim<D2>,
    D2: Dimension,
{
    let value = output::<T, <D1 as DotDim<D2>>::Dim>(typed::dot(a, b)?)?;
    Ok(slot.write(value))
}

/// `np.inner(a, b)` for arrays of any dimensionality. See [`Products::inner`].
///
/// ```
/// use ndarray::array;
/// let a = array![[1, 2], [3, 4]];
/// let b = array![[11, 12], [13, 14]];
/// assert_eq!(npdot::inner(&a, &b).unwrap(), array![[35, 41], [81, 95]]);
/// let s = ndarray::Array3::<i32>::ones((4, 5, 2));
/// assert_eq!(npdot::inner(&a, &s).unwrap().shape(), &[2, 4, 5]); // Array2 · Array3 -> Array3
/// ```
#[inline(always)]
pub fn inner<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<InnerOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: InnerDim<D2>,
    D2: Dimension,
{
    if let Some(r) = typed::inner_scalar(a, b) {
        // Two `Ix1` operands: the scalar, straight.
        return <D1 as InnerDim<D2>>::Dim::from_scalar(r);
    }
    if let Some(r) = typed::inner_vector(a, b) {
        // An `Ix2` and an `Ix1` operand: the 1-D result, straight.
        return <D1 as InnerDim<D2>>::Dim::from_vector(r);
    }
    if let Some(r) = typed::inner_matrix(a, b) {
        // Two `Ix2` operands of a small product: the 2-D result, straight.
        return <D1 as InnerDim<D2>>::Dim::from_matrix(r);
    }
    if let Some(r) = typed::inner_small_dyn(a, b) {
        // Two `IxDyn` operands of a small 2-D product: the result, straight.
        return <D1 as InnerDim<D2>>::Dim::from_dyn(r);
    }
    through_slot(|slot| inner_any(a, b, slot))
}

/// [`inner`] of every other pair of dimension types (out of line, so that the scalar case above
/// in-lines into the caller and returns its value in registers), writing its value into the
/// caller's slot (see `kernels::slot`).
#[inline(never)]
fn inner_any<'s, T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    slot: Slot<'s, InnerOutput<T, D1, D2>>,
) -> Result<Written<'s>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: InnerDim<D2>,
    D2: Dimension,
{
    let value = output::<T, <D1 as InnerDim<D2>>::Dim>(typed::inner(a, b)?)?;
    Ok(slot.write(value))
}

/// `a @ b` (`np.matmul`) for arrays of any dimensionality. See [`Products::matmul`].
///
/// ```
/// use ndarray::array;
/// let a = array![[1, 0], [0, 1]];
/// let b = array![1, 2];
/// assert_eq!(npdot::matmul(&a, &b).unwrap(), array![1, 2]);   // Array2 @ Array1 -> Array1
/// assert_eq!(npdot::matmul(&b, &a).unwrap(), array![1, 2]);   // Array1 @ Array2 -> Array1
/// assert_eq!(npdot::matmul(&b, &b).unwrap(), 5);              // Array1 @ Array1 -> the scalar
/// let d = npdot::matmul(&a.view().into_dyn(), &b).unwrap();   // IxDyn -> ArrayD
/// assert_eq!(d, array![1, 2].into_dyn());
/// ```
///
/// A static 0-D operand does not compile (NumPy rejects it at run time):
///
/// ```compile_fail
/// let _ = npdot::matmul(&ndarray::arr0(1.0), &ndarray::arr1(&[1.0, 2.0]));
/// ```
#[inline(always)]
pub fn matmul<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<MatmulOutput<T, D1, D2>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: MatmulDim<D2>,
    D2: Dimension,
{
    if let Some(r) = typed::matmul_scalar(a, b) {
        // Two `Ix1` operands: the scalar, straight.
        return <D1 as MatmulDim<D2>>::Dim::from_scalar(r);
    }
    if let Some(r) = typed::matmul_vector(a, b) {
        // An `Ix2` and an `Ix1` operand: the 1-D result, straight.
        return <D1 as MatmulDim<D2>>::Dim::from_vector(r);
    }
    if let Some(r) = typed::matmul_matrix(a, b) {
        // Two `Ix2` operands of a small product: the 2-D result, straight.
        return <D1 as MatmulDim<D2>>::Dim::from_matrix(r);
    }
    if let Some(r) = typed::matmul_small_dyn(a, b) {
        // Two `IxDyn` operands of a small 2-D product: the result, straight.
        return <D1 as MatmulDim<D2>>::Dim::from_dyn(r);
    }
    through_slot(|slot| matmul_any(a, b, slot))
}

/// [`matmul`] of every other pair of dimension types (out of line, so that the scalar case above
/// in-lines into the caller and returns its value in registers), writing its value into the
/// caller's slot (see `kernels::slot`).
#[inline(never)]
fn matmul_any<'s, T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    slot: Slot<'s, MatmulOutput<T, D1, D2>>,
) -> Result<Written<'s>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: MatmulDim<D2>,
    D2: Dimension,
{
    let value = output::<T, <D1 as MatmulDim<D2>>::Dim>(typed::matmul(a, b)?)?;
    Ok(slot.write(value))
}

/// `np.dot(a, b, out=out)` for arrays of any dimensionality; `out` of any dimension type. See
/// [`Products::dot_into`].
///
/// ```
/// use ndarray::{array, Array1};
/// let a = array![[1, 2], [3, 4]];
/// let mut out = Array1::zeros(2);
/// npdot::dot_into(&a, &array![1, 1], &mut out).unwrap();
/// assert_eq!(out, array![3, 7]);
/// ```
pub fn dot_into<T, S1, S2, S3, D1, D2, D3>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    out: &mut ArrayBase<S3, D3>,
) -> Result<(), Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: DataMut<Elem = T>,
    D1: DotDim<D2>,
    D2: Dimension,
    D3: Dimension,
{
    typed::dot_into(a, b, out)
}

/// `np.matmul(a, b, out=out)` for arrays of any dimensionality; `out` of any dimension type.
/// See [`Products::matmul_into`].
pub fn matmul_into<T, S1, S2, S3, D1, D2, D3>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    out: &mut ArrayBase<S3, D3>,
) -> Result<(), Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: DataMut<Elem = T>,
    D1: MatmulDim<D2>,
    D2: Dimension,
    D3: Dimension,
{
    typed::matmul_into(a, b, out)
}
