//! Permute-and-merge of axes: the view that turns a tensor contraction (`tensordot`, einsum's
//! pairwise steps, `kron`) into a (batched) 2-D product. Views only; when a group of axes cannot
//! be merged into one strided axis, [`grouped_or_copy`] copies the operand once.

use ndarray::{ArrayViewD, Axis, CowArray, IxDyn};

use crate::element::Element;

/// The size of each group: the product of its axes' lengths (1 for an empty group).
fn group_sizes<T>(v: &ArrayViewD<'_, T>, groups: &[&[usize]]) -> Vec<usize> {
    groups
        .iter()
        .map(|g| g.iter().map(|&ax| v.shape()[ax]).product())
        .collect()
}

/// `v` with its axes permuted into `groups` (each a list of axes of `v`, outermost first; every
/// axis of `v` in exactly one group) and each group merged into one axis: a view of shape
/// `[size(group) …]`, or `None` when the strides of some group do not merge into one.
pub(crate) fn grouped_view<'a, T>(
    v: &ArrayViewD<'a, T>,
    groups: &[&[usize]],
) -> Option<ArrayViewD<'a, T>> {
    let perm: Vec<usize> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    debug_assert_eq!(perm.len(), v.ndim(), "every axis in exactly one group");
    if v.is_empty() {
        // Nothing to view; the "copy" in `grouped_or_copy` allocates zero elements.
        return None;
    }
    let mut w = v.clone().permuted_axes(IxDyn(&perm));
    // Last group first, so the axis positions of the earlier groups stay put.
    let mut end = w.ndim();
    for g in groups.iter().rev() {
        let start = end - g.len();
        if g.is_empty() {
            w.insert_axis_inplace(Axis(start));
        } else {
            // Fold each outer axis into the group's innermost one (C order within the group);
            // a folded axis is left with length 1 and removed.
            let inner = end - 1;
            for ax in (start..inner).rev() {
                if !w.merge_axes(Axis(ax), Axis(inner)) {
                    return None;
                }
            }
            for _ in start..inner {
                w.index_axis_inplace(Axis(start), 0);
            }
        }
        end = start;
    }
    Some(w)
}

/// `v` permuted into `groups` and merged (see [`grouped_view`]): borrowed when the strides
/// allow, else one C-order copy of the permuted operand (`Err(MemoryError)` when it cannot be
/// allocated).
pub(crate) fn grouped_or_copy<'a, T: Element>(
    v: &ArrayViewD<'a, T>,
    groups: &[&[usize]],
) -> Result<CowArray<'a, T, IxDyn>, crate::error::Error> {
    if let Some(g) = grouped_view(v, groups) {
        return Ok(CowArray::from(g));
    }
    let perm: Vec<usize> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let shape = group_sizes(v, groups);
    super::copied::note::<T>(v.len());
    let owned = crate::kernels::mem::try_standard_copy(&v.clone().permuted_axes(IxDyn(&perm)))?;
    Ok(CowArray::from(
        owned
            .into_shape_with_order(IxDyn(&shape))
            .expect("a C-contiguous array reshapes to any shape of its size"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, s};

    fn arange(shape: &[usize]) -> ArrayD<i64> {
        let n: usize = shape.iter().product();
        ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).collect()).unwrap()
    }

    /// The grouped array equals the permuted operand reshaped in C order.
    fn check(v: &ArrayViewD<'_, i64>, groups: &[&[usize]], expect_view: bool) {
        let perm: Vec<usize> = groups.iter().flat_map(|g| g.iter().copied()).collect();
        let shape = group_sizes(v, groups);
        let want = v
            .clone()
            .permuted_axes(IxDyn(&perm))
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(IxDyn(&shape))
            .unwrap();
        let got = grouped_or_copy(v, groups).unwrap();
        assert_eq!(got.view(), want.view());
        assert_eq!(got.is_view(), expect_view, "groups {groups:?}");
    }

    #[test]
    fn contiguous_groups_are_views() {
        let a = arange(&[2, 3, 4, 5]);
        check(&a.view(), &[&[0, 1], &[2, 3]], true);
        check(&a.view(), &[&[0], &[1, 2, 3]], true);
        check(&a.view(), &[&[], &[0, 1, 2, 3]], true);
        check(&a.view(), &[&[0, 1, 2, 3], &[]], true);
    }

    #[test]
    fn transposed_groups_are_views() {
        let a = arange(&[2, 3, 4, 5]);
        // The axes reversed: group (3, 2) then (1, 0) is the C order of the transpose.
        let t = a.view().reversed_axes();
        check(&t, &[&[3, 2], &[1, 0]], true);
        // Moving the contracted axes to the front of a C array: (2, 3) first, then (0, 1).
        check(&a.view(), &[&[2, 3], &[0, 1]], true);
    }

    #[test]
    fn unmergeable_groups_are_copied_once() {
        let a = arange(&[4, 6, 5]);
        let stepped = a.slice(s![.., ..;2, ..]).into_dyn();
        check(&stepped, &[&[0, 1], &[2]], true);
        check(&stepped, &[&[0, 1, 2]], false);
        check(&stepped, &[&[0], &[1, 2]], false);
        check(&stepped, &[&[0], &[1], &[2]], true);
        let neg = a.slice(s![.., ..;-1, ..]).into_dyn();
        check(&neg, &[&[0], &[1, 2]], false);
        check(&neg, &[&[2], &[0], &[1]], true);
        let neg_inner = a.slice(s![.., .., ..;-1]).into_dyn();
        check(&neg_inner, &[&[0, 1], &[2]], true);
        check(&a.view(), &[&[1, 0], &[2]], false);
    }

    #[test]
    fn size_one_zero_and_broadcast_axes() {
        let a = arange(&[3, 1, 4]);
        check(&a.view(), &[&[1, 0], &[2]], true);
        let z = arange(&[3, 0, 4]);
        check(&z.view(), &[&[0, 1], &[2]], false);
        let row = arange(&[4]);
        let b = row.broadcast(IxDyn(&[3, 4])).unwrap();
        check(&b, &[&[0], &[1]], true);
        check(&b, &[&[0, 1]], false);
        let col = row.view().insert_axis(Axis(1));
        check(&col, &[&[0, 1]], true);
    }
}
