//! Layer 1 — shape rules. Pure functions from operand shapes (and, for `out`, its layout
//! flags) to the result shape or NumPy's exact error. No array data, no element types.

pub(crate) mod matmul;
// ---- product family ----
pub(crate) mod gufunc;
pub(crate) mod kron;
pub(crate) mod outer;
pub(crate) mod tensordot;

// ---- np.linalg ----
pub(crate) mod linalg;

pub(crate) use matmul::{MatmulShape, matmul_k, matmul_shape};

use crate::error::Error;

/// Product of `shape`, or [`Error::TooBig`] if the product of its non-zero dimensions exceeds
/// `isize::MAX` (NumPy's "array is too big" rule: a zero dimension does not excuse the others).
pub(crate) fn size_of_shape(shape: &[usize]) -> Result<usize, Error> {
    let mut nonzero: usize = 1;
    for &d in shape {
        if d != 0 {
            nonzero = nonzero.checked_mul(d).ok_or(Error::TooBig)?;
        }
    }
    if nonzero > isize::MAX as usize {
        return Err(Error::TooBig);
    }
    Ok(if shape.contains(&0) { 0 } else { nonzero })
}

/// Checks that an array of `shape` with elements of `elem_size` bytes fits in memory
/// (`size * itemsize <= isize::MAX`, ndarray's and NumPy's limit).
///
/// Like the element count, the byte count skips zero dimensions (NumPy multiplies the itemsize
/// by every non-zero dimension): an empty `(2**62, 0)` `float64` result is too big.
pub(crate) fn check_bytes(shape: &[usize], elem_size: usize) -> Result<usize, Error> {
    let n = size_of_shape(shape)?;
    // Cannot overflow: `size_of_shape` checked this product.
    let nonzero: usize = shape.iter().filter(|&&d| d != 0).product();
    match nonzero.checked_mul(elem_size.max(1)) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(n),
        _ => Err(Error::TooBig),
    }
}

/// What `np.dot` / `np.inner` computes for given operand shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Contraction {
    /// One operand is 0-D: an elementwise multiply; the result has the other operand's shape.
    Multiply {
        /// The result shape.
        out_shape: Vec<usize>,
    },
    /// A sum of products over one axis of each operand.
    Sum {
        /// The contracted length.
        k: usize,
        /// The result shape.
        out_shape: Vec<usize>,
    },
}

impl Contraction {
    /// The result shape.
    pub(crate) fn out_shape(&self) -> &[usize] {
        match self {
            Contraction::Multiply { out_shape } | Contraction::Sum { out_shape, .. } => out_shape,
        }
    }
}

/// `np.dot` shape rule: sum over the last axis of `a` and the second-to-last of `b` (its only
/// axis when `b` is 1-D); result `a.shape[:-1] + b.shape[:-2] + b.shape[-1:]`.
pub(crate) fn dot_shape(a: &[usize], b: &[usize]) -> Result<Contraction, Error> {
    let c = dot_rule(a, b)?;
    size_of_shape(c.out_shape())?;
    Ok(c)
}

/// [`dot_shape`] without the size check, for `np.dot(a, b, out=out)`: NumPy allocates nothing
/// then, so a result too big to allocate is reported by the `out` checks (wrong dimensions),
/// not as "array is too big".
pub(crate) fn dot_rule(a: &[usize], b: &[usize]) -> Result<Contraction, Error> {
    if a.is_empty() || b.is_empty() {
        let out_shape = if a.is_empty() { b.to_vec() } else { a.to_vec() };
        return Ok(Contraction::Multiply { out_shape });
    }
    let k = dot_k(a, b)?;
    let mut out_shape = a[..a.len() - 1].to_vec();
    if b.len() >= 2 {
        out_shape.extend_from_slice(&b[..b.len() - 2]);
        out_shape.push(b[b.len() - 1]);
    }
    Ok(Contraction::Sum { k, out_shape })
}

/// `np.dot`'s contracted length for operands of at least one dimension each (the last axis of
/// `a` against the second-to-last of `b`, its only axis when `b` is 1-D), or NumPy's error.
/// Allocates nothing unless it fails: the check [`dot_rule`] makes, shared with the
/// static-dimension paths.
pub(crate) fn dot_k(a: &[usize], b: &[usize]) -> Result<usize, Error> {
    debug_assert!(!a.is_empty() && !b.is_empty(), "0-D operands multiply");
    let a_axis = a.len() - 1;
    let b_axis = if b.len() == 1 { 0 } else { b.len() - 2 };
    if a[a_axis] != b[b_axis] {
        return Err(Error::NotAligned {
            a_shape: a.to_vec(),
            b_shape: b.to_vec(),
            a_axis,
            b_axis,
        });
    }
    Ok(a[a_axis])
}

/// `np.inner`'s contracted length for operands of at least one dimension each (their last
/// axes), or NumPy's error, which shows `b` with its last two axes swapped. Allocates nothing
/// unless it fails: the check [`inner_shape`] makes, shared with the static-dimension paths.
pub(crate) fn inner_k(a: &[usize], b: &[usize]) -> Result<usize, Error> {
    debug_assert!(!a.is_empty() && !b.is_empty(), "0-D operands multiply");
    let a_axis = a.len() - 1;
    if a[a_axis] != b[b.len() - 1] {
        let mut b_shape = b.to_vec();
        let b_axis = if b.len() >= 2 {
            b_shape.swap(b.len() - 1, b.len() - 2);
            b.len() - 2
        } else {
            0
        };
        return Err(Error::NotAligned {
            a_shape: a.to_vec(),
            b_shape,
            a_axis,
            b_axis,
        });
    }
    Ok(a[a_axis])
}

/// `np.inner` shape rule: sum over the last axes; result `a.shape[:-1] + b.shape[:-1]`.
/// On mismatch NumPy reports `b` with its last two axes swapped (it computes on that view).
pub(crate) fn inner_shape(a: &[usize], b: &[usize]) -> Result<Contraction, Error> {
    if a.is_empty() || b.is_empty() {
        let out_shape = if a.is_empty() { b.to_vec() } else { a.to_vec() };
        size_of_shape(&out_shape)?;
        return Ok(Contraction::Multiply { out_shape });
    }
    let k = inner_k(a, b)?;
    let mut out_shape = a[..a.len() - 1].to_vec();
    out_shape.extend_from_slice(&b[..b.len() - 1]);
    size_of_shape(&out_shape)?;
    Ok(Contraction::Sum { k, out_shape })
}

/// `np.dot(..., out=out)` rule: `out` must have the result's number of dimensions and be
/// C-contiguous (checked first, one message), then exactly the result's shape.
/// `out_c_contiguous` uses NumPy's definition (size-1 axes' strides ignored, empty arrays
/// contiguous) — ndarray's `is_standard_layout`.
pub(crate) fn check_dot_out(
    expected: &[usize],
    out_shape: &[usize],
    out_c_contiguous: bool,
) -> Result<(), Error> {
    if out_shape.len() != expected.len() || !out_c_contiguous {
        return Err(Error::OutputNotAcceptable);
    }
    if out_shape != expected {
        return Err(Error::OutputWrongDimensions);
    }
    Ok(())
}

/// `np.multiply(a, b, out=out)` rule, which `np.dot(a, b, out=out)` follows when an operand is
/// 0-D and NumPy does not take its BLAS path (see [`dot_out_uses_multiply`]): the three shapes
/// broadcast together (right-aligned, size 1 stretches), and `out` must already have the
/// broadcast shape (it may have extra leading dimensions the result is repeated into).
pub(crate) fn check_multiply_out(a: &[usize], b: &[usize], out: &[usize]) -> Result<(), Error> {
    let nd = a.len().max(b.len()).max(out.len());
    let mut bshape = vec![1usize; nd];
    for (i, d) in bshape.iter_mut().enumerate() {
        for s in [a, b, out] {
            if i + s.len() < nd {
                continue;
            }
            let x = s[i + s.len() - nd];
            if x != 1 {
                if *d != 1 && *d != x {
                    return Err(Error::UfuncBroadcast {
                        shapes: vec![a.to_vec(), b.to_vec(), out.to_vec()],
                    });
                }
                *d = x;
            }
        }
    }
    if out != bshape.as_slice() {
        return Err(Error::UfuncNonBroadcastableOutput {
            shape: out.to_vec(),
            broadcast: bshape,
        });
    }
    Ok(())
}

/// Which `out=` rule `np.dot` applies when an operand is 0-D: NumPy's BLAS path
/// (`cblas_matrixproduct`, strict rules) handles float and complex operands of at most 2
/// dimensions; everything else goes through `np.multiply(a, b, out=out)`.
pub(crate) fn dot_out_uses_multiply(is_float: bool, a_ndim: usize, b_ndim: usize) -> bool {
    !(is_float && a_ndim <= 2 && b_ndim <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(r: Result<Contraction, Error>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn dot_messages_match_numpy() {
        assert_eq!(
            msg(dot_shape(&[2, 3], &[2, 3])),
            "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)"
        );
        assert_eq!(
            msg(dot_shape(&[3], &[2])),
            "shapes (3,) and (2,) not aligned: 3 (dim 0) != 2 (dim 0)"
        );
        assert_eq!(
            msg(dot_shape(&[2, 3, 4], &[5])),
            "shapes (2,3,4) and (5,) not aligned: 4 (dim 2) != 5 (dim 0)"
        );
    }

    #[test]
    fn dot_shapes() {
        let s = dot_shape(&[2, 3, 4], &[5, 4, 6]).unwrap();
        assert_eq!(
            s,
            Contraction::Sum {
                k: 4,
                out_shape: vec![2, 3, 5, 6]
            }
        );
        assert_eq!(dot_shape(&[4], &[4]).unwrap().out_shape(), &[] as &[usize]);
        assert_eq!(dot_shape(&[2, 4], &[4]).unwrap().out_shape(), &[2]);
        assert_eq!(dot_shape(&[4], &[4, 3]).unwrap().out_shape(), &[3]);
        assert_eq!(
            dot_shape(&[], &[4, 3]).unwrap(),
            Contraction::Multiply {
                out_shape: vec![4, 3]
            }
        );
        assert_eq!(
            dot_shape(&[2, 0], &[0, 3]).unwrap(),
            Contraction::Sum {
                k: 0,
                out_shape: vec![2, 3]
            }
        );
        assert_eq!(dot_shape(&[], &[]).unwrap().out_shape(), &[] as &[usize]);
    }

    #[test]
    fn inner_messages_match_numpy() {
        assert_eq!(
            msg(inner_shape(&[2, 3], &[5, 6, 7])),
            "shapes (2,3) and (5,7,6) not aligned: 3 (dim 1) != 7 (dim 1)"
        );
        assert_eq!(
            msg(inner_shape(&[2, 3], &[2, 4])),
            "shapes (2,3) and (4,2) not aligned: 3 (dim 1) != 4 (dim 0)"
        );
        assert_eq!(
            msg(inner_shape(&[3], &[4])),
            "shapes (3,) and (4,) not aligned: 3 (dim 0) != 4 (dim 0)"
        );
        assert_eq!(
            msg(inner_shape(&[2, 3], &[4])),
            "shapes (2,3) and (4,) not aligned: 3 (dim 1) != 4 (dim 0)"
        );
    }

    #[test]
    fn inner_shapes() {
        assert_eq!(
            inner_shape(&[2, 3], &[5, 6, 3]).unwrap().out_shape(),
            &[2, 5, 6]
        );
        assert_eq!(
            inner_shape(&[3], &[3]).unwrap().out_shape(),
            &[] as &[usize]
        );
        assert_eq!(
            inner_shape(&[3], &[]).unwrap(),
            Contraction::Multiply { out_shape: vec![3] }
        );
    }

    #[test]
    fn dot_out_rules() {
        assert_eq!(
            check_dot_out(&[2, 2], &[2, 3], true),
            Err(Error::OutputWrongDimensions)
        );
        assert_eq!(
            check_dot_out(&[2, 2], &[2, 2], false),
            Err(Error::OutputNotAcceptable)
        );
        assert_eq!(
            check_dot_out(&[], &[1], true),
            Err(Error::OutputNotAcceptable)
        );
        assert_eq!(
            check_dot_out(&[2, 2], &[2, 2, 1], true),
            Err(Error::OutputNotAcceptable)
        );
        assert_eq!(check_dot_out(&[2, 2], &[2, 2], true), Ok(()));
    }

    #[test]
    fn multiply_out_rules_match_numpy() {
        let e = |a: &[usize], b: &[usize], o: &[usize]| {
            check_multiply_out(a, b, o).map_err(|e| e.to_string())
        };
        assert_eq!(
            e(&[], &[2, 3], &[3, 3]).unwrap_err(),
            "operands could not be broadcast together with shapes () (2,3) (3,3) "
        );
        assert_eq!(
            e(&[], &[2, 3], &[3]).unwrap_err(),
            "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)"
        );
        assert_eq!(
            e(&[], &[2, 3], &[]).unwrap_err(),
            "non-broadcastable output operand with shape () doesn't match the broadcast shape (2,3)"
        );
        assert_eq!(
            e(&[2, 3], &[], &[2, 3, 1]).unwrap_err(),
            "operands could not be broadcast together with shapes (2,3) () (2,3,1) "
        );
        assert!(e(&[], &[2, 3], &[4, 2, 3]).is_ok());
        assert!(e(&[2, 1, 3], &[], &[2, 4, 3]).is_ok());
        assert!(e(&[], &[], &[5]).is_ok());
        assert!(e(&[], &[2, 3], &[0, 2, 3]).is_ok());
        assert!(dot_out_uses_multiply(false, 0, 2));
        assert!(dot_out_uses_multiply(true, 0, 3));
        assert!(!dot_out_uses_multiply(true, 2, 0));
    }

    /// The allocation-free checks of the static-dimension paths agree with the full rules on
    /// every pair of shapes of 1 to 3 dimensions with sizes 0..3.
    #[test]
    fn contracted_lengths_agree_with_the_rules() {
        let shapes: Vec<Vec<usize>> = (1..=3usize)
            .flat_map(|nd| {
                (0..3usize.pow(nd as u32))
                    .map(move |i| (0..nd).map(|d| i / 3usize.pow(d as u32) % 3).collect())
            })
            .collect();
        let k = |c: Contraction| match c {
            Contraction::Sum { k, .. } => k,
            Contraction::Multiply { .. } => unreachable!("no 0-D operand"),
        };
        for a in &shapes {
            for b in &shapes {
                assert_eq!(dot_k(a, b), dot_rule(a, b).map(k), "dot {a:?} {b:?}");
                assert_eq!(inner_k(a, b), inner_shape(a, b).map(k), "inner {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn huge_shapes_are_errors_not_panics() {
        let big = usize::MAX / 2;
        assert_eq!(dot_shape(&[big, 2], &[2, big]), Err(Error::TooBig));
        assert_eq!(size_of_shape(&[big, 0, big]), Err(Error::TooBig));
        assert_eq!(size_of_shape(&[5, 0, 7]), Ok(0));
        assert_eq!(check_bytes(&[isize::MAX as usize], 8), Err(Error::TooBig));
        // Zero dims do not excuse the bytes either (NumPy: itemsize × non-zero dims).
        assert_eq!(check_bytes(&[1 << 62, 0], 8), Err(Error::TooBig));
        assert_eq!(check_bytes(&[1 << 62, 0], 1), Ok(0));
        assert_eq!(check_bytes(&[1 << 60, 0, 7], 1), Ok(0));
        // dot with `out`: no size check, the out checks report it.
        assert_eq!(dot_shape(&[1 << 62, 4], &[4, 1 << 62]), Err(Error::TooBig));
        assert!(dot_rule(&[1 << 62, 4], &[4, 1 << 62]).is_ok());
    }
}
