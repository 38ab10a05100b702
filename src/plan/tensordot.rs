//! `tensordot` as ONE 2-D product: `a`'s axes grouped into (free, summed) and `b`'s into
//! (summed, free), each group merged into one axis — a view when the strides allow, else one
//! copy of that operand (NumPy's `transpose` + `reshape` copies in the same cases) — then
//! `np.dot` of the two matrices (so NumPy's BLAS special cases apply exactly as in NumPy), and
//! the `(M, N)` result is reshaped (a view: it is C-contiguous) to the free axes of `a` then `b`.

use ndarray::{ArrayD, ArrayViewD, IxDyn};

use crate::element::Element;
use crate::error::Error;
use crate::shape::tensordot::{Axes, tensordot_shape};

use super::merge::grouped_or_copy;

/// `np.tensordot(a, b, axes)`.
pub(crate) fn tensordot<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    axes: &Axes,
) -> Result<ArrayD<T>, Error> {
    let ts = tensordot_shape(a.shape(), b.shape(), axes)?;
    let a2 = grouped_or_copy(&a, &[&ts.free_a, &ts.sum_a]);
    let b2 = grouped_or_copy(&b, &[&ts.sum_b, &ts.free_b]);
    let r = super::dot(a2.view(), b2.view())?;
    Ok(r.into_shape_with_order(IxDyn(&ts.out_shape))
        .expect("a C-contiguous (M, N) result has the free axes' shape"))
}
