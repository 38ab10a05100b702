//! The flattening products: `vdot` (sizes must match) and `outer` (any sizes; `linalg.outer`
//! only for 1-D operands).

use crate::error::Error;

/// `np.vdot(a, b)`: both operands are flattened, so only their sizes must agree. NumPy reports a
/// mismatch as the failure to reshape `b` to `a`'s length.
pub(crate) fn vdot_check(a_size: usize, b_size: usize) -> Result<(), Error> {
    if a_size != b_size {
        return Err(Error::VdotSizeMismatch { a_size, b_size });
    }
    Ok(())
}

/// `np.outer(a, b)`'s result shape `(a.size, b.size)` (a 0-D operand has size 1).
pub(crate) fn outer_shape(a_size: usize, b_size: usize) -> Result<[usize; 2], Error> {
    super::size_of_shape(&[a_size, b_size])?;
    Ok([a_size, b_size])
}

/// `np.linalg.outer(x1, x2)`: both operands must be 1-D.
pub(crate) fn linalg_outer_check(ndim1: usize, ndim2: usize) -> Result<(), Error> {
    if ndim1 != 1 || ndim2 != 1 {
        return Err(Error::OuterNotOneDimensional { ndim1, ndim2 });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages checked against NumPy 2.4.6.
    #[test]
    fn messages_match_numpy() {
        let e = |r: Result<(), Error>| r.unwrap_err().to_string();
        assert_eq!(
            e(vdot_check(3, 4)),
            "cannot reshape array of size 4 into shape (3,)"
        );
        assert_eq!(
            e(vdot_check(6, 5)),
            "cannot reshape array of size 5 into shape (6,)"
        );
        assert_eq!(
            e(vdot_check(0, 1)),
            "cannot reshape array of size 1 into shape (0,)"
        );
        assert_eq!(
            e(vdot_check(1, 0)),
            "cannot reshape array of size 0 into shape (1,)"
        );
        assert_eq!(vdot_check(0, 0), Ok(()));
        assert_eq!(
            e(linalg_outer_check(2, 1)),
            "Input arrays must be one-dimensional, but they are x1.ndim=2 and x2.ndim=1."
        );
        assert_eq!(
            e(linalg_outer_check(0, 1)),
            "Input arrays must be one-dimensional, but they are x1.ndim=0 and x2.ndim=1."
        );
        assert_eq!(linalg_outer_check(1, 1), Ok(()));
        assert_eq!(outer_shape(6, 0), Ok([6, 0]));
        assert_eq!(outer_shape(1 << 62, 1 << 3), Err(Error::TooBig));
    }
}
