//! Layout predicates: can a strided 2-D operand be handed to BLAS as is, and how.
//! Pure functions of dims and strides (in elements).

use ndarray::ArrayView2;

/// How a 2-D operand is stored, in BLAS terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MatLayout {
    /// Unit column stride; rows `ld` elements apart (`ld ≥ cols`): pass with `NoTrans`.
    RowMajor {
        /// Leading dimension.
        ld: usize,
    },
    /// Unit row stride; columns `ld` elements apart (`ld ≥ rows`): pass with `Trans`.
    ColMajor {
        /// Leading dimension.
        ld: usize,
    },
}

/// The BLAS layout of a `(rows, cols)` operand with `strides`, or `None` if BLAS cannot take it
/// without a copy (negative, zero or non-unit inner stride, overlapping rows, or a leading
/// dimension above `i32::MAX`). Strides of length-1 axes do not matter (NumPy's rule too).
/// Row-major is preferred when both apply.
pub(crate) fn mat_layout(dims: (usize, usize), strides: (isize, isize)) -> Option<MatLayout> {
    let (r, c) = dims;
    let (rs, cs) = strides;
    let max_ld = i32::MAX as usize;
    // Row-major: unit stride along columns (or a single column).
    if c <= 1 || cs == 1 {
        let ld = if r <= 1 {
            c.max(1)
        } else if rs > 0 {
            rs as usize
        } else {
            0
        };
        if ld >= c.max(1) && ld <= max_ld {
            return Some(MatLayout::RowMajor { ld });
        }
    }
    // Column-major: unit stride along rows (or a single row).
    if r <= 1 || rs == 1 {
        let ld = if c <= 1 {
            r.max(1)
        } else if cs > 0 {
            cs as usize
        } else {
            0
        };
        if ld >= r.max(1) && ld <= max_ld {
            return Some(MatLayout::ColMajor { ld });
        }
    }
    None
}

/// `b` is exactly `aᵀ` on the same memory (same first element, swapped dims and strides):
/// the product `a·b` is then `a·aᵀ`, symmetric, and `?syrk` computes it in half the flops.
#[cfg_attr(not(feature = "blas"), allow(dead_code))]
pub(crate) fn is_transpose_of<T>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> bool {
    let (m, k) = a.dim();
    std::ptr::eq(a.as_ptr(), b.as_ptr())
        && b.dim() == (k, m)
        && (k <= 1 || b.strides()[0] == a.strides()[1])
        && (m <= 1 || b.strides()[1] == a.strides()[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        use MatLayout::*;
        assert_eq!(mat_layout((3, 4), (4, 1)), Some(RowMajor { ld: 4 }));
        assert_eq!(mat_layout((3, 4), (10, 1)), Some(RowMajor { ld: 10 }));
        assert_eq!(mat_layout((3, 4), (1, 3)), Some(ColMajor { ld: 3 }));
        assert_eq!(mat_layout((3, 4), (1, 7)), Some(ColMajor { ld: 7 }));
        assert_eq!(mat_layout((3, 4), (3, 1)), None, "rows overlap");
        assert_eq!(mat_layout((3, 4), (-4, 1)), None, "negative");
        assert_eq!(mat_layout((3, 4), (0, 1)), None, "broadcast rows");
        assert_eq!(mat_layout((3, 4), (8, 2)), None, "stepped");
        assert_eq!(mat_layout((1, 4), (-99, 1)), Some(RowMajor { ld: 4 }));
        assert_eq!(mat_layout((4, 1), (1, 0)), Some(RowMajor { ld: 1 }));
        assert_eq!(mat_layout((4, 1), (2, 0)), Some(RowMajor { ld: 2 }));
        assert_eq!(mat_layout((1, 1), (0, 0)), Some(RowMajor { ld: 1 }));
        assert_eq!(mat_layout((1, 4), (1, 2)), Some(ColMajor { ld: 2 }));
        assert_eq!(mat_layout((3, 4), ((1usize << 33) as isize, 1)), None);
    }
}
