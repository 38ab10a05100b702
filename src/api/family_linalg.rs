//! `np.linalg`'s thin layers over the product family: `outer` (1-D operands only), `tensordot`
//! and `vecdot` with an `axis`.

use ndarray::{Array2, ArrayBase, ArrayD, Data, Dimension};

use crate::element::Element;
use crate::error::Error;
use crate::plan;
use crate::shape::tensordot::Axes;

/// `np.linalg.outer(x1, x2)`: like [`crate::outer`], but both operands must be 1-D.
///
/// ```
/// use ndarray::array;
/// # use npdot::linalg;
/// assert_eq!(linalg::outer(&array![1, 2], &array![3, 4]).unwrap(), array![[3, 4], [6, 8]]);
/// assert_eq!(
///     linalg::outer(&array![[1, 2]], &array![3, 4]).unwrap_err().to_string(),
///     "Input arrays must be one-dimensional, but they are x1.ndim=2 and x2.ndim=1."
/// );
/// ```
pub fn outer<T, S1, S2, D1, D2>(
    x1: &ArrayBase<S1, D1>,
    x2: &ArrayBase<S2, D2>,
) -> Result<Array2<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    crate::shape::outer::linalg_outer_check(x1.ndim(), x2.ndim())?;
    plan::family::outer(x1.view().into_dyn(), x2.view().into_dyn())
}

/// `np.linalg.tensordot(x1, x2, axes=axes)`: the same as [`crate::tensordot`].
///
/// ```
/// use ndarray::array;
/// # use npdot::linalg;
/// let a = array![[1, 2], [3, 4]];
/// assert_eq!(linalg::tensordot(&a, &a, 2usize).unwrap()[[]], 30);
/// ```
pub fn tensordot<T, S1, S2, D1, D2>(
    x1: &ArrayBase<S1, D1>,
    x2: &ArrayBase<S2, D2>,
    axes: impl Into<Axes>,
) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    plan::tensordot::tensordot(x1.view().into_dyn(), x2.view().into_dyn(), &axes.into())
}

/// `np.linalg.vecdot(x1, x2, axis=axis)`: [`crate::vecdot`] over `axis` of each operand (negative
/// counts from the end) instead of the last; NumPy's `AxisError` text when `axis` is out of range.
///
/// ```
/// use ndarray::array;
/// # use npdot::linalg;
/// let a = array![[1, 2], [3, 4]];
/// assert_eq!(linalg::vecdot(&a, &a, 0).unwrap(), array![10, 20].into_dyn());
/// assert_eq!(linalg::vecdot(&a, &a, 2).unwrap_err().to_string(),
///            "axis 2 is out of bounds for array of dimension 2");
/// ```
pub fn vecdot<T, S1, S2, D1, D2>(
    x1: &ArrayBase<S1, D1>,
    x2: &ArrayBase<S2, D2>,
    axis: isize,
) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    plan::gufunc::vecdot(x1.view().into_dyn(), x2.view().into_dyn(), Some(axis))
}
