//! Generic strided kernel for every [`Element`]: integers (wrapping, as NumPy), `bool` (OR of
//! ANDs) and, for tiny products, floats. Safe code: row-wise `c[i, :] += a[i, p] * b[p, :]`
//! updates, which vectorize when rows are contiguous.

use ndarray::{ArrayView2, ArrayViewMut2, Zip};

use crate::element::{Element, Kind};

/// `c = a · b` (overwrite). `a`: m×k, `b`: k×n, `c`: m×n; any strides.
pub(crate) fn gemm<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
    // Skipping a zero `a[i, p]` is exact for integers and bool (0·x = 0, x + 0 = x), but not for
    // floats (0·inf = NaN), so floats never skip.
    let may_skip = T::KIND != Kind::Float;
    let zero = T::zero();
    for (a_row, mut c_row) in a.rows().into_iter().zip(c.rows_mut()) {
        c_row.fill(zero);
        for (&aip, b_row) in a_row.iter().zip(b.rows()) {
            if may_skip && aip == zero {
                continue;
            }
            match (c_row.as_slice_mut(), b_row.as_slice()) {
                (Some(cs), Some(bs)) => {
                    for (cj, &bj) in cs.iter_mut().zip(bs) {
                        *cj = cj.np_add(aip.np_mul(bj));
                    }
                }
                _ => Zip::from(&mut c_row)
                    .and(&b_row)
                    .for_each(|cj, &bj| *cj = cj.np_add(aip.np_mul(bj))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, s};

    fn naive<T: Element>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> Array2<T> {
        let (m, k) = a.dim();
        let n = b.ncols();
        Array2::from_shape_fn((m, n), |(i, j)| {
            (0..k).fold(T::zero(), |acc, p| acc.np_add(a[[i, p]].np_mul(b[[p, j]])))
        })
    }

    #[test]
    fn wraps_and_handles_strides() {
        let a = Array2::from_shape_fn((5, 7), |(i, j)| {
            (i as i8)
                .wrapping_mul(37)
                .wrapping_add((j as i8).wrapping_mul(91))
        });
        let b = Array2::from_shape_fn((9, 6), |(i, j)| {
            (i as i8).wrapping_mul(113).wrapping_sub(j as i8 * 7)
        });
        let av = a.slice(s![..;-1, ..]);
        let bv = b.slice(s![1..8;1, ..;-1]);
        let mut c = Array2::<i8>::zeros((6, 5));
        gemm(av, bv, c.view_mut().reversed_axes());
        assert_eq!(c.t(), naive(&av, &bv));
    }

    #[test]
    fn bool_is_or_of_ands() {
        let a = Array2::from_shape_fn((3, 4), |(i, j)| (i + j) % 3 == 0);
        let b = Array2::from_shape_fn((4, 2), |(i, j)| (i * j) % 2 == 1);
        let mut c = Array2::from_elem((3, 2), true);
        gemm(a.view(), b.view(), c.view_mut());
        assert_eq!(c, naive(&a.view(), &b.view()));
    }
}
