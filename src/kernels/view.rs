//! Strided views that ndarray's safe API cannot build: several axes of one view walked
//! together (an einsum diagonal), whose stride is the sum of theirs.

use ndarray::{ArrayViewD, Axis, IxDyn, ShapeBuilder};

/// `v` with each group of axes walked together: result axis `g` has the common length of the
/// axes in `groups[g]` and the sum of their strides, so its element `[i_0, …, i_g, …]` is the
/// element of `v` whose index along every axis of group `g` is `i_g` (the diagonal).
///
/// Panics unless every axis of `v` is in exactly one group and the axes of a group have equal
/// lengths (callers check both and report NumPy's errors before).
pub(crate) fn collapse_axes<'a, T>(
    v: &ArrayViewD<'a, T>,
    groups: &[Vec<usize>],
) -> ArrayViewD<'a, T> {
    let nd = v.ndim();
    let mut seen = vec![false; nd];
    let mut dims = Vec::with_capacity(groups.len());
    let mut strides = Vec::with_capacity(groups.len());
    for g in groups {
        assert!(!g.is_empty(), "collapse_axes: empty group");
        let len = v.shape()[g[0]];
        let mut stride: isize = 0;
        for &ax in g {
            assert!(ax < nd && !seen[ax], "collapse_axes: each axis once");
            seen[ax] = true;
            assert_eq!(v.shape()[ax], len, "collapse_axes: equal lengths");
            stride = stride.wrapping_add(v.strides()[ax]);
        }
        dims.push(len);
        strides.push(stride);
    }
    assert!(seen.iter().all(|&s| s), "collapse_axes: each axis once");
    if dims.contains(&0) {
        // No elements: any strides describe them.
        let zeros = vec![0usize; dims.len()];
        return ArrayViewD::from_shape(IxDyn(&dims).strides(IxDyn(&zeros)), &[])
            .expect("an empty view");
    }
    // Start from the lowest-address element so every stride is non-negative, then flip back.
    let mut ptr = v.as_ptr();
    let mut abs = Vec::with_capacity(dims.len());
    let mut flip = Vec::new();
    for (g, (&d, &s)) in dims.iter().zip(&strides).enumerate() {
        if d > 1 && s < 0 {
            ptr = ptr.wrapping_offset(s * (d as isize - 1));
            flip.push(g);
        }
        abs.push(if d > 1 { s.unsigned_abs() } else { 0 });
    }
    // SAFETY: every index of the new view maps to an index of `v` (the group's common index
    // repeated along each of its axes, all lengths equal), and the element it addresses is
    // `v.as_ptr() + Σ_g i_g·Σ_{a∈g} stride_a = v.as_ptr() + Σ_a i_a·stride_a`, that element of
    // `v`. Moving `ptr` to the lowest-address element along the negative-stride axes and using
    // absolute strides describes the same set of elements (the axes are flipped back below), so
    // each one lies in `v`'s allocation, alive and not mutated for `'a` (a shared borrow).
    // Every non-zero stride is a sum of `v`'s strides over in-bounds offsets, so no offset
    // overflows `isize`; the element count is at most `v`'s.
    let mut out = unsafe { ArrayViewD::from_shape_ptr(IxDyn(&dims).strides(IxDyn(&abs)), ptr) };
    for g in flip {
        out.invert_axis(Axis(g));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, s};

    #[test]
    fn diagonals_of_strided_views() {
        let a = ArrayD::from_shape_vec(IxDyn(&[4, 3, 4]), (0..48).collect::<Vec<i64>>()).unwrap();
        let d = collapse_axes(&a.view(), &[vec![0, 2], vec![1]]);
        assert_eq!(d.shape(), &[4, 3]);
        for i in 0..4 {
            for j in 0..3 {
                assert_eq!(d[[i, j]], a[[i, j, i]]);
            }
        }
        let r = a.slice(s![..;-1, .., ..;-1]).into_dyn();
        let d = collapse_axes(&r, &[vec![1], vec![2, 0]]);
        for i in 0..4 {
            for j in 0..3 {
                assert_eq!(d[[j, i]], r[[i, j, i]]);
            }
        }
        let m = a.slice(s![..;2, .., 1..3]).into_dyn();
        let d = collapse_axes(&m, &[vec![0, 2], vec![1]]);
        assert_eq!(d[[1, 2]], m[[1, 2, 1]]);
        let z = ArrayD::<f64>::zeros(IxDyn(&[0, 0, 2]));
        assert_eq!(
            collapse_axes(&z.view(), &[vec![0, 1], vec![2]]).shape(),
            &[0, 2]
        );
    }
}
