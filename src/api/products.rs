//! The public entry points: the [`Products`] extension trait and the free functions.

use ndarray::{ArrayBase, ArrayD, Data, DataMut, Dimension, IxDyn};

use crate::element::Element;
use crate::error::Error;
use crate::plan;

/// NumPy's products as methods on any dynamic-dimensional array (`ArrayD`, `ArrayViewD`,
/// `ArcArray<_, IxDyn>`, `CowArray<_, IxDyn>`). Import it with `use npdot::prelude::*;`.
///
/// For fixed-dimension arrays (`Array2`, `ArrayView1`, ...) use the free functions
/// [`crate::dot`], [`crate::inner`], [`crate::matmul`], or call `.into_dyn()`.
pub trait Products<T: Element> {
    /// `np.dot(self, rhs)`: 0-D operands multiply; 1-D·1-D gives a 0-D sum of products;
    /// otherwise the sum over the last axis of `self` and the second-to-last of `rhs` (its only
    /// axis if `rhs` is 1-D). The result has shape
    /// `self.shape[:-1] + rhs.shape[:-2] + rhs.shape[-1:]`.
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
    fn dot<S2: Data<Elem = T>>(&self, rhs: &ArrayBase<S2, IxDyn>) -> Result<ArrayD<T>, Error>;

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
    fn inner<S2: Data<Elem = T>>(&self, rhs: &ArrayBase<S2, IxDyn>) -> Result<ArrayD<T>, Error>;

    /// `self @ rhs` (`np.matmul`): stacks of matrices in the last two axes, batch axes broadcast,
    /// a 1-D `self` gets a 1 prepended and a 1-D `rhs` a 1 appended (removed from the result).
    /// 0-D operands are an error, as in NumPy.
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
    fn matmul<S2: Data<Elem = T>>(&self, rhs: &ArrayBase<S2, IxDyn>) -> Result<ArrayD<T>, Error>;

    /// `np.dot(self, rhs, out=out)`: `out` must have exactly the result's shape and be
    /// C-contiguous (NumPy's rule); it is overwritten.
    fn dot_into<S2, S3>(
        &self,
        rhs: &ArrayBase<S2, IxDyn>,
        out: &mut ArrayBase<S3, IxDyn>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        S3: DataMut<Elem = T>;

    /// `np.matmul(self, rhs, out=out)`: gufunc rules — `out` may have any strides and extra
    /// leading dimensions the result is broadcast into; it is overwritten.
    fn matmul_into<S2, S3>(
        &self,
        rhs: &ArrayBase<S2, IxDyn>,
        out: &mut ArrayBase<S3, IxDyn>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        S3: DataMut<Elem = T>;
}

impl<T: Element, S: Data<Elem = T>> Products<T> for ArrayBase<S, IxDyn> {
    fn dot<S2: Data<Elem = T>>(&self, rhs: &ArrayBase<S2, IxDyn>) -> Result<ArrayD<T>, Error> {
        if let Some(out) = plan::small_2d(self, rhs) {
            return Ok(out);
        }
        if let Some(out) = plan::vec_vec(self, rhs) {
            return Ok(out);
        }
        plan::dot(self.view(), rhs.view())
    }

    fn inner<S2: Data<Elem = T>>(&self, rhs: &ArrayBase<S2, IxDyn>) -> Result<ArrayD<T>, Error> {
        if let Some(out) = plan::vec_vec(self, rhs) {
            return Ok(out);
        }
        plan::inner(self.view(), rhs.view())
    }

    fn matmul<S2: Data<Elem = T>>(&self, rhs: &ArrayBase<S2, IxDyn>) -> Result<ArrayD<T>, Error> {
        if let Some(out) = plan::small_2d(self, rhs) {
            return Ok(out);
        }
        if let Some(out) = plan::vec_vec(self, rhs) {
            return Ok(out);
        }
        plan::matmul(self.view(), rhs.view())
    }

    fn dot_into<S2, S3>(
        &self,
        rhs: &ArrayBase<S2, IxDyn>,
        out: &mut ArrayBase<S3, IxDyn>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        S3: DataMut<Elem = T>,
    {
        plan::dot_into(self.view(), rhs.view(), out.view_mut())
    }

    fn matmul_into<S2, S3>(
        &self,
        rhs: &ArrayBase<S2, IxDyn>,
        out: &mut ArrayBase<S3, IxDyn>,
    ) -> Result<(), Error>
    where
        S2: Data<Elem = T>,
        S3: DataMut<Elem = T>,
    {
        plan::matmul_into(self.view(), rhs.view(), out.view_mut())
    }
}

/// `np.dot(a, b)` for arrays of any dimensionality. See [`Products::dot`].
///
/// ```
/// use ndarray::array;
/// let a = array![[1, 2], [3, 4]];
/// let b = array![[11, 12], [13, 14]];
/// let d = npdot::dot(&a, &b).unwrap();
/// assert_eq!(d, array![[37, 40], [85, 92]].into_dyn());
/// ```
pub fn dot<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if let Some(out) = plan::small_2d(a, b) {
        return Ok(out);
    }
    if let Some(out) = plan::vec_vec(a, b) {
        return Ok(out);
    }
    plan::dot(a.view().into_dyn(), b.view().into_dyn())
}

/// `np.inner(a, b)` for arrays of any dimensionality. See [`Products::inner`].
///
/// ```
/// use ndarray::array;
/// let a = array![[1, 2], [3, 4]];
/// let b = array![[11, 12], [13, 14]];
/// assert_eq!(npdot::inner(&a, &b).unwrap(), array![[35, 41], [81, 95]].into_dyn());
/// ```
pub fn inner<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if let Some(out) = plan::vec_vec(a, b) {
        return Ok(out);
    }
    plan::inner(a.view().into_dyn(), b.view().into_dyn())
}

/// `a @ b` (`np.matmul`) for arrays of any dimensionality. See [`Products::matmul`].
///
/// ```
/// use ndarray::array;
/// let a = array![[1, 0], [0, 1]];
/// let b = array![1, 2];
/// assert_eq!(npdot::matmul(&a, &b).unwrap(), array![1, 2].into_dyn());
/// assert_eq!(npdot::matmul(&b, &a).unwrap(), array![1, 2].into_dyn());
/// ```
pub fn matmul<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if let Some(out) = plan::small_2d(a, b) {
        return Ok(out);
    }
    if let Some(out) = plan::vec_vec(a, b) {
        return Ok(out);
    }
    plan::matmul(a.view().into_dyn(), b.view().into_dyn())
}

/// `np.dot(a, b, out=out)` for arrays of any dimensionality. See [`Products::dot_into`].
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
    D1: Dimension,
    D2: Dimension,
    D3: Dimension,
{
    plan::dot_into(
        a.view().into_dyn(),
        b.view().into_dyn(),
        out.view_mut().into_dyn(),
    )
}

/// `np.matmul(a, b, out=out)` for arrays of any dimensionality. See [`Products::matmul_into`].
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
    D1: Dimension,
    D2: Dimension,
    D3: Dimension,
{
    plan::matmul_into(
        a.view().into_dyn(),
        b.view().into_dyn(),
        out.view_mut().into_dyn(),
    )
}
