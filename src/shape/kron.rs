//! `kron`'s shape rule (NumPy 2.4's `numpy/lib/_shape_base_impl.py`): the operand with fewer
//! dimensions gets leading 1s, and each result dimension is the product of the two. (NumPy's
//! special case of a 0-D operand — a plain `multiply` — gives the same shape and values.)

use crate::error::Error;

/// The shapes of `np.kron(a, b)`: both operands padded to the same number of dimensions, and
/// the result shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KronShape {
    /// `a`'s shape with leading 1s.
    pub a: Vec<usize>,
    /// `b`'s shape with leading 1s.
    pub b: Vec<usize>,
    /// `a[i] * b[i]` for every axis.
    pub out_shape: Vec<usize>,
}

/// `np.kron(a, b)`'s shapes, or [`Error::TooBig`] when the result cannot exist.
pub(crate) fn kron_shape(a: &[usize], b: &[usize]) -> Result<KronShape, Error> {
    let nd = a.len().max(b.len());
    let pad = |s: &[usize]| {
        let mut v = vec![1; nd - s.len()];
        v.extend_from_slice(s);
        v
    };
    let (a, b) = (pad(a), pad(b));
    let out_shape = a
        .iter()
        .zip(&b)
        .map(|(&x, &y)| x.checked_mul(y).ok_or(Error::TooBig))
        .collect::<Result<Vec<_>, _>>()?;
    super::size_of_shape(&out_shape)?;
    Ok(KronShape { a, b, out_shape })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapes checked against NumPy 2.4.6.
    #[test]
    fn shapes_match_numpy() {
        let s = |a: &[usize], b: &[usize]| kron_shape(a, b).unwrap().out_shape;
        assert_eq!(s(&[2, 3], &[4]), vec![2, 12]);
        assert_eq!(s(&[4], &[2, 3]), vec![2, 12]);
        assert_eq!(s(&[], &[4]), vec![4]);
        assert_eq!(s(&[2, 3], &[]), vec![2, 3]);
        assert_eq!(s(&[], &[]), Vec::<usize>::new());
        assert_eq!(s(&[2, 0], &[4]), vec![2, 0]);
        assert_eq!(s(&[2, 3, 1], &[5, 1, 2, 3]), vec![5, 2, 6, 3]);
        let k = kron_shape(&[3], &[2, 2]).unwrap();
        assert_eq!((k.a, k.b), (vec![1, 3], vec![2, 2]));
        assert_eq!(kron_shape(&[1 << 40], &[1 << 40]), Err(Error::TooBig));
        assert_eq!(kron_shape(&[1 << 62, 0], &[4, 1]), Err(Error::TooBig));
    }
}
