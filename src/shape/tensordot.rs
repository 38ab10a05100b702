//! `tensordot`'s shape rules, step for step as NumPy 2.4's `numpy/_core/numeric.py` checks them
//! (the first error wins):
//!
//! 1. `axes` as an integer `N` means `a`'s last `N` axes (`-N..0`) with `b`'s first `N` (`0..N`).
//! 2. The axis lists as given (before negative axes are normalized) must not repeat an axis:
//!    `a`'s list first, then `b`'s.
//! 3. Lists of different lengths: `shape-mismatch for sum`. Otherwise, pair by pair: `a`'s axis
//!    is looked up (an out-of-range axis is Python's `IndexError`), then `b`'s, their lengths
//!    compared (`shape-mismatch for sum` at the first difference), and negative axes normalized.
//! 4. Each operand is transposed to (free axes, contracted axes) — `b`: (contracted, free) — and
//!    NumPy's `transpose` fails with `axes don't match array` when two given axes named the same
//!    axis (e.g. `0` and `-2` on a 2-D operand): `a` first.
//!
//! The result shape is `a`'s free axes followed by `b`'s free axes.

use crate::error::Error;

/// The `axes` argument of `tensordot`: NumPy's `axes=N` or `axes=(axes_a, axes_b)`.
///
/// Built with `.into()` from `usize` (`N`), `(isize, isize)` (one axis each),
/// `(Vec<isize>, Vec<isize>)` or `([isize; N], [isize; M])`; negative axes count from the end.
///
/// ```
/// use npdot::Axes;
/// assert_eq!(Axes::from(2usize), Axes::Count(2));
/// assert_eq!(Axes::from((1isize, 0isize)), Axes::Pairs(vec![1], vec![0]));
/// assert_eq!(Axes::from(([1isize, 0], [0isize, 1])), Axes::Pairs(vec![1, 0], vec![0, 1]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Axes {
    /// `axes=N`: the last `N` axes of `a` with the first `N` axes of `b`, in order.
    Count(usize),
    /// `axes=(axes_a, axes_b)`: `axes_a[i]` of `a` is summed with `axes_b[i]` of `b`.
    Pairs(Vec<isize>, Vec<isize>),
}

impl From<usize> for Axes {
    fn from(n: usize) -> Self {
        Axes::Count(n)
    }
}

impl From<(isize, isize)> for Axes {
    fn from((a, b): (isize, isize)) -> Self {
        Axes::Pairs(vec![a], vec![b])
    }
}

impl From<(Vec<isize>, Vec<isize>)> for Axes {
    fn from((a, b): (Vec<isize>, Vec<isize>)) -> Self {
        Axes::Pairs(a, b)
    }
}

impl<const N: usize, const M: usize> From<([isize; N], [isize; M])> for Axes {
    fn from((a, b): ([isize; N], [isize; M])) -> Self {
        Axes::Pairs(a.to_vec(), b.to_vec())
    }
}

impl From<(&[isize], &[isize])> for Axes {
    fn from((a, b): (&[isize], &[isize])) -> Self {
        Axes::Pairs(a.to_vec(), b.to_vec())
    }
}

/// The validated contraction of `tensordot`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TensordotShape {
    /// `a`'s free axes, in order.
    pub free_a: Vec<usize>,
    /// `a`'s contracted axes, normalized, in the order given.
    pub sum_a: Vec<usize>,
    /// `b`'s contracted axes, normalized, paired with `sum_a`.
    pub sum_b: Vec<usize>,
    /// `b`'s free axes, in order.
    pub free_b: Vec<usize>,
    /// The result shape: `a`'s free lengths, then `b`'s.
    pub out_shape: Vec<usize>,
}

/// Python's `seq[i]` index rule: the normalized index, or `None` (`IndexError`).
fn py_index(i: isize, len: usize) -> Option<usize> {
    let len = len as isize;
    let j = if i < 0 { i + len } else { i };
    (0..len).contains(&j).then_some(j as usize)
}

/// `np.tensordot(a, b, axes)`'s shape rules (see the module docs).
pub(crate) fn tensordot_shape(
    a: &[usize],
    b: &[usize],
    axes: &Axes,
) -> Result<TensordotShape, Error> {
    let (axes_a, axes_b): (Vec<isize>, Vec<isize>) = match axes {
        Axes::Count(n) => {
            let n = isize::try_from(*n).unwrap_or(isize::MAX);
            ((-n..0).collect(), (0..n).collect())
        }
        Axes::Pairs(x, y) => (x.clone(), y.clone()),
    };
    let has_dup = |v: &[isize]| (1..v.len()).any(|i| v[..i].contains(&v[i]));
    if has_dup(&axes_a) || has_dup(&axes_b) {
        return Err(Error::TensordotDuplicateAxes);
    }
    if axes_a.len() != axes_b.len() {
        return Err(Error::TensordotShapeMismatch);
    }
    let mut sum_a = Vec::with_capacity(axes_a.len());
    let mut sum_b = Vec::with_capacity(axes_b.len());
    for (&x, &y) in axes_a.iter().zip(&axes_b) {
        let ia = py_index(x, a.len()).ok_or(Error::TensordotAxisOutOfRange {
            operand: 0,
            axis: x,
            ndim: a.len(),
        })?;
        let ib = py_index(y, b.len()).ok_or(Error::TensordotAxisOutOfRange {
            operand: 1,
            axis: y,
            ndim: b.len(),
        })?;
        if a[ia] != b[ib] {
            return Err(Error::TensordotShapeMismatch);
        }
        sum_a.push(ia);
        sum_b.push(ib);
    }
    // NumPy's transpose(free + summed) needs a permutation: a repeated normalized axis makes
    // the list longer than ndim.
    let free = |nd: usize, sum: &[usize]| -> Result<Vec<usize>, Error> {
        let f: Vec<usize> = (0..nd).filter(|k| !sum.contains(k)).collect();
        if f.len() + sum.len() != nd {
            return Err(Error::TensordotAxesDontMatch);
        }
        Ok(f)
    };
    let free_a = free(a.len(), &sum_a)?;
    let free_b = free(b.len(), &sum_b)?;
    let mut out_shape: Vec<usize> = free_a.iter().map(|&k| a[k]).collect();
    out_shape.extend(free_b.iter().map(|&k| b[k]));
    Ok(TensordotShape {
        free_a,
        sum_a,
        sum_b,
        free_b,
        out_shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(a: &[usize], b: &[usize], axes: impl Into<Axes>) -> String {
        tensordot_shape(a, b, &axes.into()).unwrap_err().to_string()
    }
    fn ok(a: &[usize], b: &[usize], axes: impl Into<Axes>) -> Vec<usize> {
        tensordot_shape(a, b, &axes.into()).unwrap().out_shape
    }

    const MISMATCH: &str = "shape-mismatch for sum";
    const DUP: &str = "duplicate axes are not allowed in tensordot";
    const DONT_MATCH: &str = "axes don't match array";

    /// Shapes and messages checked against NumPy 2.4.6.
    #[test]
    fn shapes_match_numpy() {
        assert_eq!(ok(&[2, 3], &[3, 4], 1usize), vec![2, 4]);
        assert_eq!(ok(&[2, 3], &[3, 4], 0usize), vec![2, 3, 3, 4]);
        assert_eq!(ok(&[2, 3], &[3, 4], (-1isize, -2isize)), vec![2, 4]);
        assert_eq!(ok(&[2, 3], &[3, 4], (1isize, 0isize)), vec![2, 4]);
        assert_eq!(ok(&[], &[], 0usize), Vec::<usize>::new());
        assert_eq!(ok(&[2, 3, 4], &[3, 4, 5], 2usize), vec![2, 5]);
        assert_eq!(
            ok(&[3, 4, 5], &[4, 3, 2], ([1isize, 0], [0isize, 1])),
            vec![5, 2]
        );
        assert_eq!(ok(&[2, 3], &[3, 4], (vec![], vec![])), vec![2, 3, 3, 4]);
        let s =
            tensordot_shape(&[3, 4, 5], &[4, 3, 2], &([1isize, 0], [0isize, 1]).into()).unwrap();
        assert_eq!(
            (s.free_a, s.sum_a, s.sum_b, s.free_b),
            (vec![2], vec![1, 0], vec![0, 1], vec![2])
        );
    }

    #[test]
    fn errors_match_numpy() {
        assert_eq!(err(&[2, 3], &[2, 4], 1usize), MISMATCH);
        assert_eq!(err(&[2, 3, 4], &[4, 3, 5], 2usize), MISMATCH);
        assert_eq!(err(&[2, 3], &[3, 4], (vec![1], vec![0, 1])), MISMATCH);
        assert_eq!(err(&[3, 3], &[3, 3], (vec![0, 0], vec![0, 1])), DUP);
        assert_eq!(err(&[3, 3], &[3, 3], (vec![0, 1], vec![0, 0])), DUP);
        assert_eq!(err(&[3, 3], &[3, 3], (vec![0, -2], vec![0, 1])), DONT_MATCH);
        assert_eq!(err(&[3, 3], &[3, 3], (vec![0, 1], vec![-1, 1])), DONT_MATCH);
        assert_eq!(
            err(&[3, 3], &[3, 3, 3], (vec![0, 1], vec![-1, 2])),
            DONT_MATCH
        );
        // Length mismatch before any index lookup.
        assert_eq!(err(&[2, 3], &[3, 4], (vec![1, 5], vec![0])), MISMATCH);
        // Pair by pair: a mismatch before an out-of-range axis wins.
        assert_eq!(err(&[2, 3], &[3, 4], (vec![0, 5], vec![1, 7])), MISMATCH);
        assert_eq!(err(&[2, 3, 4], &[3, 4], 3usize), MISMATCH);
        // Out of range (NumPy: IndexError): a's axis first.
        let e = tensordot_shape(&[2, 3], &[3, 4], &(vec![5, 0], vec![7, 1]).into()).unwrap_err();
        assert_eq!(
            e,
            Error::TensordotAxisOutOfRange {
                operand: 0,
                axis: 5,
                ndim: 2
            }
        );
        let e = tensordot_shape(&[2, 3], &[2, 4], &(vec![0, 5], vec![0, 7]).into()).unwrap_err();
        assert_eq!(
            e,
            Error::TensordotAxisOutOfRange {
                operand: 0,
                axis: 5,
                ndim: 2
            }
        );
        let e = tensordot_shape(&[2, 3], &[3, 4], &(1isize, 5isize).into()).unwrap_err();
        assert_eq!(
            e,
            Error::TensordotAxisOutOfRange {
                operand: 1,
                axis: 5,
                ndim: 2
            }
        );
        let e = tensordot_shape(&[2, 3], &[3, 4], &3usize.into()).unwrap_err();
        assert_eq!(
            e,
            Error::TensordotAxisOutOfRange {
                operand: 0,
                axis: -3,
                ndim: 2
            }
        );
        let e = tensordot_shape(&[], &[3], &1usize.into()).unwrap_err();
        assert_eq!(
            e,
            Error::TensordotAxisOutOfRange {
                operand: 0,
                axis: -1,
                ndim: 0
            }
        );
        let e = tensordot_shape(&[3], &[], &1usize.into()).unwrap_err();
        assert_eq!(
            e,
            Error::TensordotAxisOutOfRange {
                operand: 1,
                axis: 0,
                ndim: 0
            }
        );
        assert_eq!(
            e.to_string(),
            "tensordot: axis 0 is out of range for operand 1 with 0 dimensions (NumPy raises \
             IndexError: tuple index out of range)"
        );
    }
}
