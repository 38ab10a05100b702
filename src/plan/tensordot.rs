//! `tensordot` as ONE 2-D product: `a`'s axes grouped into (free, summed) and `b`'s into
//! (summed, free), each group merged into one axis — a view when the strides allow, else one
//! copy of that operand (NumPy's `transpose` + `reshape` copies in the same cases) — then
//! `np.dot` of the two matrices (so NumPy's BLAS special cases apply exactly as in NumPy), and
//! the `(M, N)` result is reshaped (a view: it is C-contiguous) to the free axes of `a` then `b`.
//!
//! The summed pairs may be taken in any order (the sum is the same), so the plan picks the order
//! that lets the most operands merge without a copy: e.g. `axes=([0, 2], [2, 1])` on two C-ordered
//! `(64, 64, 64)` arrays copies only `a`, where NumPy's transposes copy both.

use ndarray::{ArrayD, ArrayViewD, CowArray, IxDyn};

use crate::element::Element;
use crate::error::Error;
use crate::shape::tensordot::{Axes, tensordot_shape};

use super::merge::{grouped_or_copy, grouped_view};

/// [`grouped_or_copy`], with the copy written by `assign` (a loop along the innermost axis of
/// the permuted operand, several times faster than an element-by-element copy of a permuted
/// view).
fn grouped_or_assign<'a, T: Element>(
    v: &ArrayViewD<'a, T>,
    groups: &[&[usize]],
) -> Result<CowArray<'a, T, IxDyn>, Error> {
    if v.is_empty() || grouped_view(v, groups).is_some() {
        return grouped_or_copy(v, groups);
    }
    let perm: Vec<usize> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let src = v.clone().permuted_axes(IxDyn(&perm));
    let mut dst = ArrayD::from_shape_vec(
        IxDyn(src.shape()),
        crate::kernels::mem::try_zeroed(src.len(), src.shape())?,
    )
    .expect("size matches shape");
    dst.assign(&src);
    let shape: Vec<usize> = groups
        .iter()
        .map(|g| g.iter().map(|&ax| v.shape()[ax]).product())
        .collect();
    Ok(CowArray::from(
        dst.into_shape_with_order(IxDyn(&shape))
            .expect("a C-contiguous array reshapes to any shape of its size"),
    ))
}

/// `np.tensordot(a, b, axes)`.
pub(crate) fn tensordot<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    axes: &Axes,
) -> Result<ArrayD<T>, Error> {
    let ts = tensordot_shape(a.shape(), b.shape(), axes)?;
    // NumPy's final reshape refuses a shape whose non-zero dims overflow ("array is too big").
    crate::shape::check_bytes(&ts.out_shape, std::mem::size_of::<T>())?;
    let (sum_a, sum_b) = best_pair_order(&a, &b, &ts.free_a, &ts.sum_a, &ts.sum_b, &ts.free_b);
    let a2 = grouped_or_assign(&a, &[&ts.free_a, &sum_a])?;
    let b2 = grouped_or_assign(&b, &[&sum_b, &ts.free_b])?;
    let r = super::dot(a2.view(), b2.view())?;
    Ok(r.into_shape_with_order(IxDyn(&ts.out_shape))
        .expect("a C-contiguous (M, N) result has the free axes' shape"))
}

/// The order of the summed pairs `(sum_a[i], sum_b[i])` under which the most operands group
/// into a view: the given order, or the pairs sorted by `a`'s strides, or by `b`'s (outermost
/// first). Ties keep the earlier candidate, so C-ordered operands keep NumPy's order.
fn best_pair_order<T>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    free_a: &[usize],
    sum_a: &[usize],
    sum_b: &[usize],
    free_b: &[usize],
) -> (Vec<usize>, Vec<usize>) {
    let n = sum_a.len();
    let given: Vec<usize> = (0..n).collect();
    if n < 2 {
        return (sum_a.to_vec(), sum_b.to_vec());
    }
    let by = |v: &ArrayViewD<'_, T>, axes: &[usize]| {
        let mut p = given.clone();
        p.sort_by_key(|&i| std::cmp::Reverse(v.strides()[axes[i]].unsigned_abs()));
        p
    };
    let mut best = (0, given.clone());
    for p in [given.clone(), by(a, sum_a), by(b, sum_b)] {
        let pa: Vec<usize> = p.iter().map(|&i| sum_a[i]).collect();
        let pb: Vec<usize> = p.iter().map(|&i| sum_b[i]).collect();
        let score = usize::from(grouped_view(a, &[free_a, &pa]).is_some())
            + usize::from(grouped_view(b, &[&pb, free_b]).is_some());
        if score > best.0 {
            best = (score, p);
        }
    }
    let p = best.1;
    (
        p.iter().map(|&i| sum_a[i]).collect(),
        p.iter().map(|&i| sum_b[i]).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;

    fn arange(shape: &[usize]) -> ArrayD<i64> {
        let n: usize = shape.iter().product();
        ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).collect()).unwrap()
    }

    /// The pair order that merges `b` without a copy is found, and the result is unchanged.
    #[test]
    fn pair_order_saves_a_copy() {
        let a = arange(&[4, 3, 5]);
        let b = arange(&[5, 4, 3]);
        let (va, vb) = (a.view(), b.view());
        let (sa, sb) = best_pair_order(&va, &vb, &[1], &[0, 2], &[1, 0], &[2]);
        assert_eq!((sa.clone(), sb.clone()), (vec![2, 0], vec![0, 1]));
        assert!(grouped_view(&vb, &[&sb, &[2]]).is_some());
        let got = tensordot(va, vb, &Axes::Pairs(vec![0, 2], vec![1, 0])).unwrap();
        let mut want = ArrayD::<i64>::zeros(IxDyn(&[3, 3]));
        for i in 0..3 {
            for j in 0..3 {
                for p in 0..4 {
                    for q in 0..5 {
                        want[[i, j]] += a[[p, i, q]] * b[[q, p, j]];
                    }
                }
            }
        }
        assert_eq!(got, want);
        // C-ordered operands that already merge keep the given order.
        let c = arange(&[2, 3, 4]);
        let d = arange(&[3, 4, 5]);
        let (sc, sd) = best_pair_order(&c.view(), &d.view(), &[0], &[1, 2], &[0, 1], &[2]);
        assert_eq!((sc, sd), (vec![1, 2], vec![0, 1]));
    }
}
