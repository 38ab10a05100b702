//! Shape rules of `np.linalg`'s `multi_dot`, `matrix_power` and `cross`: pure functions of the
//! operand shapes, giving the result's shape (and evaluation order) or NumPy's error.

use crate::error::Error;
use crate::plan::chain::{Chain, INLINE, Table};

/// What `multi_dot` of three or more arrays evaluates (no heap allocation for chains of up to
/// eight arrays: `multi_dot`'s bookkeeping stays small next to small products).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MultiDotShape {
    /// The order of the products (NumPy's), on the 2-D operands.
    pub(crate) chain: Chain,
    /// The result's shape in its first `out_ndim` entries: the 2-D product's, without the
    /// row/column axes added.
    out: [usize; 2],
    out_ndim: usize,
}

impl MultiDotShape {
    /// The shape of the result (0, 1 or 2 dimensions).
    pub(crate) fn out_shape(&self) -> &[usize] {
        &self.out[..self.out_ndim]
    }
}

/// The 2-D shape `multi_dot` gives array `i` of `n` (shape `s`): a 1-D first array as a row
/// `(1, len)`, a 1-D last array as a column `(len, 1)`, a 2-D one as it is; `None` otherwise.
fn multi_dot_operand(s: &[usize], i: usize, n: usize) -> Option<(usize, usize)> {
    match (s.len(), i) {
        (1, 0) => Some((1, s[0])),
        (1, i) if i == n - 1 => Some((s[0], 1)),
        (2, _) => Some((s[0], s[1])),
        _ => None,
    }
}

/// `multi_dot` of `n ≥ 3` arrays with shapes `shape(0), …` (two arrays are `np.dot`, fewer an
/// error: see [`multi_dot_count`]). Checks in NumPy's order: the dimensions of every array, then
/// each product's alignment in evaluation order (the first misaligned product is the error).
pub(crate) fn multi_dot_shape<'s>(
    n: usize,
    shape: impl Fn(usize) -> &'s [usize],
) -> Result<MultiDotShape, Error> {
    debug_assert!(n >= 3);
    let mut operands: Table<(usize, usize), INLINE> = Table::filled(n, (0, 0));
    for (i, o) in operands.iter_mut().enumerate() {
        let s = shape(i);
        // (A match, not `ok_or`: no error value built and dropped per array.)
        match multi_dot_operand(s, i, n) {
            Some(two_d) => *o = two_d,
            None => return Err(Error::NotTwoDimensional { ndim: s.len() }),
        }
    }
    let chain = Chain::for_shapes(&operands);
    let (rows, cols) = if fits(&operands) {
        (operands[0].0, operands[n - 1].1)
    } else {
        product_shape(&chain, &operands, 0, n - 1)?
    };
    let (out, out_ndim) = match (shape(0).len() == 1, shape(n - 1).len() == 1) {
        (true, true) => ([0, 0], 0),
        (true, false) => ([cols, 0], 1),
        (false, true) => ([rows, 0], 1),
        (false, false) => ([rows, cols], 2),
    };
    Ok(MultiDotShape {
        chain,
        out,
        out_ndim,
    })
}

/// `np.multi_dot`'s first check: at least two arrays.
pub(crate) fn multi_dot_count(n: usize) -> Result<(), Error> {
    if n < 2 {
        Err(Error::ExpectingTwoArrays)
    } else {
        Ok(())
    }
}

/// 2^31 on 64-bit targets: the product of two smaller dimensions is below `isize::MAX`.
const DIM_MAX: usize = 1 << (usize::BITS / 2 - 1);

/// Whether every product of the chain is valid, whatever the order: each matrix aligned with
/// the next (the product of `i..=k` has the columns of `k`, that of `k+1..=j` the rows of `k+1`)
/// and every dimension below `DIM_MAX`, so that no product's size can reach `isize::MAX`
/// elements. Then [`product_shape`] finds no error; otherwise it finds the first one in NumPy's
/// order.
fn fits(operands: &[(usize, usize)]) -> bool {
    operands.windows(2).all(|w| w[0].1 == w[1].0)
        && operands.iter().all(|&(r, c)| r < DIM_MAX && c < DIM_MAX)
}

/// The shape of the product of matrices `i..=j` (matrix `i` is `operands[i]`), checking each
/// `np.dot` in evaluation order (left operand, right operand, then their product), as NumPy's
/// recursion meets them.
fn product_shape(
    chain: &Chain,
    operands: &[(usize, usize)],
    i: usize,
    j: usize,
) -> Result<(usize, usize), Error> {
    if i == j {
        return Ok(operands[i]);
    }
    let k = chain.split(i, j);
    let (a0, a1) = product_shape(chain, operands, i, k)?;
    let (b0, b1) = product_shape(chain, operands, k + 1, j)?;
    if a1 != b0 {
        return Err(Error::NotAligned {
            a_shape: vec![a0, a1],
            b_shape: vec![b0, b1],
            a_axis: 1,
            b_axis: 0,
        });
    }
    super::size_of_shape(&[a0, b1])?;
    Ok((a0, b1))
}

/// `matrix_power`'s rule (`_assert_stacked_square`): at least 2-D, square in the last two
/// dimensions. Gives the matrix order `m`.
pub(crate) fn matrix_power_shape(shape: &[usize]) -> Result<usize, Error> {
    let nd = shape.len();
    if nd < 2 {
        return Err(Error::NotStackedTwoDimensional { ndim: nd });
    }
    if shape[nd - 2] != shape[nd - 1] {
        return Err(Error::NotSquare);
    }
    Ok(shape[nd - 1])
}

/// What `linalg.cross(a, b, axis)` computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CrossShape {
    /// `axis` normalized for `a`.
    pub(crate) axis_a: usize,
    /// `axis` normalized for `b`.
    pub(crate) axis_b: usize,
    /// The broadcast shape of the other axes (`a` and `b` with their vector axis moved last,
    /// then removed).
    pub(crate) batch: Vec<usize>,
    /// Where the vector axis goes in the result (`axis` normalized for the result).
    pub(crate) axis_out: usize,
}

/// Python's `shape[axis]` index, or `None` where Python raises `IndexError`.
fn py_index(axis: isize, ndim: usize) -> Option<usize> {
    let nd = ndim as isize;
    let i = if axis < 0 { axis + nd } else { axis };
    (0..nd).contains(&i).then_some(i as usize)
}

/// `np.linalg.cross` rule: `a.shape[axis]` and `b.shape[axis]` must be 3, then the other axes
/// broadcast (NumPy's `broadcast(a[..., 0], b[..., 0])` after moving the axis last).
pub(crate) fn cross_shape(a: &[usize], b: &[usize], axis: isize) -> Result<CrossShape, Error> {
    let axis_a = py_index(axis, a.len()).ok_or(Error::CrossAxisOutOfRange {
        axis,
        ndim: a.len(),
    })?;
    let axis_b = py_index(axis, b.len()).ok_or(Error::CrossAxisOutOfRange {
        axis,
        ndim: b.len(),
    })?;
    if a[axis_a] != 3 || b[axis_b] != 3 {
        return Err(Error::CrossNotThreeVectors {
            a_len: a[axis_a],
            b_len: b[axis_b],
        });
    }
    let rest = |s: &[usize], ax: usize| -> Vec<usize> {
        s.iter()
            .enumerate()
            .filter(|&(i, _)| i != ax)
            .map(|(_, &d)| d)
            .collect()
    };
    let (ra, rb) = (rest(a, axis_a), rest(b, axis_b));
    let batch = broadcast_shapes(&ra, &rb).ok_or_else(|| Error::CrossBroadcast {
        a_shape: ra.clone(),
        b_shape: rb.clone(),
    })?;
    let mut out_shape = batch.clone();
    out_shape.push(3);
    super::size_of_shape(&out_shape)?;
    let axis_out = py_index(axis, batch.len() + 1).expect("the result has the most dimensions");
    Ok(CrossShape {
        axis_a,
        axis_b,
        batch,
        axis_out,
    })
}

/// NumPy's broadcasting of two shapes (right-aligned, size 1 stretches), `None` if they do not.
fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let nd = a.len().max(b.len());
    let at = |s: &[usize], i: usize| {
        if i + s.len() < nd {
            1
        } else {
            s[i + s.len() - nd]
        }
    };
    (0..nd)
        .map(|i| match (at(a, i), at(b, i)) {
            (x, y) if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(shapes: &[&[usize]]) -> Result<MultiDotShape, Error> {
        multi_dot_shape(shapes.len(), |i| shapes[i])
    }

    fn err(r: Result<impl std::fmt::Debug, Error>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn multi_dot_errors_match_numpy() {
        assert_eq!(multi_dot_count(0), Err(Error::ExpectingTwoArrays));
        assert_eq!(err(multi_dot_count(1)), "Expecting at least two arrays.");
        assert_eq!(multi_dot_count(2), Ok(()));
        assert_eq!(
            err(md(&[&[2, 2], &[], &[3]])),
            "0-dimensional array given. Array must be two-dimensional"
        );
        assert_eq!(
            err(md(&[&[2, 2], &[2, 2, 2], &[3]])),
            "3-dimensional array given. Array must be two-dimensional"
        );
        // A 1-D array in the middle is not promoted.
        assert_eq!(
            err(md(&[&[2, 2], &[2], &[2, 2]])),
            "1-dimensional array given. Array must be two-dimensional"
        );
        // A(BC) is cheaper, so B·C is the first product and the misaligned one.
        assert_eq!(
            err(md(&[&[2, 3], &[2, 2], &[3]])),
            "shapes (2,2) and (3,1) not aligned: 2 (dim 1) != 3 (dim 0)"
        );
        assert_eq!(
            err(md(&[&[3], &[2, 2], &[3]])),
            "shapes (2,2) and (3,1) not aligned: 2 (dim 1) != 3 (dim 0)"
        );
    }

    #[test]
    fn multi_dot_shapes() {
        let s = md(&[&[10, 100], &[100, 5], &[5, 50]]).unwrap();
        assert_eq!(s.out_shape(), [10, 50]);
        let s = md(&[&[100], &[100, 5], &[5, 50], &[50]]).unwrap();
        assert_eq!(s.out_shape(), [0usize; 0]);
        assert_eq!(multi_dot_operand(&[100], 0, 4), Some((1, 100)));
        assert_eq!(multi_dot_operand(&[50], 3, 4), Some((50, 1)));
        assert_eq!(multi_dot_operand(&[50], 2, 4), None);
        assert_eq!(multi_dot_operand(&[5, 50], 2, 4), Some((5, 50)));
        let s = md(&[&[100], &[100, 5], &[5, 50]]).unwrap();
        assert_eq!(s.out_shape(), [50]);
        let s = md(&[&[7, 100], &[100, 5], &[5]]).unwrap();
        assert_eq!(s.out_shape(), [7]);
        let s = md(&[&[0, 3], &[3, 4], &[4, 0], &[0, 2]]).unwrap();
        assert_eq!(s.out_shape(), [0, 2]);
    }

    #[test]
    fn matrix_power_shapes() {
        assert_eq!(
            err(matrix_power_shape(&[])),
            "0-dimensional array given. Array must be at least two-dimensional"
        );
        assert_eq!(
            err(matrix_power_shape(&[3])),
            "1-dimensional array given. Array must be at least two-dimensional"
        );
        assert_eq!(
            err(matrix_power_shape(&[2, 3])),
            "Last 2 dimensions of the array must be square"
        );
        assert_eq!(
            err(matrix_power_shape(&[3, 2, 3])),
            "Last 2 dimensions of the array must be square"
        );
        assert_eq!(matrix_power_shape(&[4, 3, 3]), Ok(3));
        assert_eq!(matrix_power_shape(&[0, 0]), Ok(0));
    }

    #[test]
    fn cross_errors_match_numpy() {
        assert_eq!(
            err(cross_shape(&[2, 5, 3], &[4, 1, 3], -1)),
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is \
             between arg 0 with shape (2, 5) and arg 1 with shape (4, 1)."
        );
        assert_eq!(
            err(cross_shape(&[2, 5, 3], &[4, 3], -1)),
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is \
             between arg 0 with shape (2, 5) and arg 1 with shape (4,)."
        );
        assert_eq!(
            err(cross_shape(&[3, 7], &[3, 6], 0)),
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is \
             between arg 0 with shape (7,) and arg 1 with shape (6,)."
        );
        assert_eq!(
            err(cross_shape(&[3], &[2, 3], 0)),
            "Both input arrays must be (arrays of) 3-dimensional vectors, but they are 3 and 2 \
             dimensional instead."
        );
        assert_eq!(
            cross_shape(&[3], &[3], 1),
            Err(Error::CrossAxisOutOfRange { axis: 1, ndim: 1 })
        );
        assert_eq!(
            cross_shape(&[], &[3], -1),
            Err(Error::CrossAxisOutOfRange { axis: -1, ndim: 0 })
        );
        assert_eq!(
            cross_shape(&[3], &[2, 3], -2),
            Err(Error::CrossAxisOutOfRange { axis: -2, ndim: 1 })
        );
    }

    #[test]
    fn cross_shapes() {
        let s = cross_shape(&[3, 3], &[3], 0).unwrap();
        assert_eq!((s.axis_a, s.axis_b, s.axis_out), (0, 0, 0));
        assert_eq!(s.batch, vec![3]);
        let s = cross_shape(&[4, 1, 3], &[5, 3], -1).unwrap();
        assert_eq!(s.batch, vec![4, 5]);
        assert_eq!(s.axis_out, 2);
        let s = cross_shape(&[2, 3, 4], &[3, 1], -2).unwrap();
        assert_eq!((s.axis_a, s.axis_b, s.axis_out), (1, 0, 1));
        assert_eq!(s.batch, vec![2, 4]);
        let s = cross_shape(&[0, 3], &[1, 3], 1).unwrap();
        assert_eq!(s.batch, vec![0]);
        assert_eq!(broadcast_shapes(&[], &[2, 1]), Some(vec![2, 1]));
        assert_eq!(broadcast_shapes(&[0], &[1]), Some(vec![0]));
        assert_eq!(broadcast_shapes(&[0], &[2]), None);
    }
}
