//! Shape rules of NumPy's vector gufuncs `vecdot` `(n),(n)->()`, `matvec` `(m,n),(n)->(m)` and
//! `vecmat` `(n),(n,m)->(m)` — the same three stages as `matmul`'s (see `shape::matmul`), for
//! signatures without optional dimensions, plus the `axis` argument of `vecdot`:
//!
//! 1. **Dimension counts**, operand by operand: fewer dimensions than the core needs is
//!    "does not have enough dimensions".
//! 2. With `axis` (`vecdot` only): the axis is normalized for operand 0, then operand 1
//!    (`AxisError`); that axis is the operand's core dimension, the others are loop dimensions.
//! 3. **Core sizes**: operand 0 fixes the sizes of its labels, operand 1 must agree
//!    ("mismatch in its core dimension").
//! 4. **Broadcasting** of the loop dimensions (right-aligned, size 1 stretches); a conflict is
//!    the "could not be broadcast together with remapped shapes" error of `matmul`.

use crate::error::{Error, RemappedDim, RemappedShape};

/// One of NumPy's vector gufuncs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gufunc {
    /// `np.vecdot`, `(n),(n)->()`.
    Vecdot,
    /// `np.matvec`, `(m,n),(n)->(m)`.
    Matvec,
    /// `np.vecmat`, `(n),(n,m)->(m)`.
    Vecmat,
}

impl Gufunc {
    /// NumPy's name of the function.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Gufunc::Vecdot => "vecdot",
            Gufunc::Matvec => "matvec",
            Gufunc::Vecmat => "vecmat",
        }
    }

    /// The signature as NumPy prints it.
    pub(crate) fn signature(self) -> &'static str {
        match self {
            Gufunc::Vecdot => "(n),(n)->()",
            Gufunc::Matvec => "(m,n),(n)->(m)",
            Gufunc::Vecmat => "(n),(n,m)->(m)",
        }
    }

    /// Number of core dimensions of each input.
    fn core_ndim(self) -> [usize; 2] {
        match self {
            Gufunc::Vecdot => [1, 1],
            Gufunc::Matvec => [2, 1],
            Gufunc::Vecmat => [1, 2],
        }
    }
}

/// The resolved shapes of a vector gufunc call.
///
/// The operands' loop dimensions align with `batch` from the right (each 1 or equal); their core
/// dimensions are the last ones (`a`: `[m, n]` for `matvec`, `[n]` otherwise; `b`: `[n, m]` for
/// `vecmat`, `[n]` otherwise) — or, for `vecdot` with `axis`, the axes in `core_axis`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GufuncShape {
    /// The broadcast loop shape.
    pub batch: Vec<usize>,
    /// The contracted length.
    pub n: usize,
    /// The length of the output's core dimension (1 for `vecdot`).
    pub m: usize,
    /// For `vecdot`: the axis of each operand that is contracted (the last one without `axis`).
    pub core_axis: [usize; 2],
    /// `batch` followed by `[m]` (`matvec`, `vecmat`).
    pub out_shape: Vec<usize>,
}

/// The shapes of `g(a, b)`, with NumPy's `axis` argument for `vecdot` (`None`: the last axis).
pub(crate) fn gufunc_shape(
    g: Gufunc,
    a: &[usize],
    b: &[usize],
    axis: Option<isize>,
) -> Result<GufuncShape, Error> {
    debug_assert!(axis.is_none() || g == Gufunc::Vecdot);
    let core = g.core_ndim();
    for (operand, (shape, &need)) in [a, b].iter().zip(&core).enumerate() {
        if shape.len() < need {
            return Err(Error::GufuncNotEnoughDimensions {
                name: g.name(),
                signature: g.signature(),
                operand,
                has: shape.len(),
                requires: need,
            });
        }
    }
    // The core axes of each operand (in label order) and its loop dims.
    let mut core_axes: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (i, shape) in [a, b].iter().enumerate() {
        core_axes[i] = match axis {
            Some(ax) => {
                let nd = shape.len() as isize;
                let norm = if ax < 0 { ax + nd } else { ax };
                if !(0..nd).contains(&norm) {
                    return Err(Error::VecdotAxisOutOfBounds {
                        axis: ax,
                        ndim: shape.len(),
                    });
                }
                vec![norm as usize]
            }
            None => (shape.len() - core[i]..shape.len()).collect(),
        };
    }
    let loop_dims = |shape: &[usize], axes: &[usize]| -> Vec<usize> {
        (0..shape.len())
            .filter(|k| !axes.contains(k))
            .map(|k| shape[k])
            .collect()
    };
    let (a_loop, b_loop) = (loop_dims(a, &core_axes[0]), loop_dims(b, &core_axes[1]));
    let ca: Vec<usize> = core_axes[0].iter().map(|&k| a[k]).collect();
    let cb: Vec<usize> = core_axes[1].iter().map(|&k| b[k]).collect();
    // Operand 0 fixes n (and m for matvec); operand 1's first core dim is n.
    let (n, m_from_a) = match g {
        Gufunc::Matvec => (ca[1], Some(ca[0])),
        _ => (ca[0], None),
    };
    if cb[0] != n {
        return Err(Error::GufuncCoreDimensionMismatch {
            name: g.name(),
            signature: g.signature(),
            operand: 1,
            core_dim: 0,
            size: cb[0],
            expected: n,
        });
    }
    let out_core: Vec<usize> = match g {
        Gufunc::Vecdot => vec![],
        Gufunc::Matvec => vec![m_from_a.expect("matvec has m")],
        Gufunc::Vecmat => vec![cb[1]],
    };
    let loop_ndim = a_loop.len().max(b_loop.len());
    let mut batch = vec![1usize; loop_ndim];
    let mut conflict = false;
    for l in [&a_loop, &b_loop] {
        for (bd, &d) in batch[loop_ndim - l.len()..].iter_mut().zip(l) {
            if *bd == 1 {
                *bd = d;
            } else if d != *bd && d != 1 {
                conflict = true;
            }
        }
    }
    if conflict {
        let remap = |shape: &[usize], l: &[usize]| {
            let mut r: Vec<RemappedDim> = vec![None; loop_ndim - l.len()];
            r.extend(l.iter().map(|&d| Some(d)));
            r.extend(std::iter::repeat_n(None, out_core.len()));
            RemappedShape {
                original: shape.to_vec(),
                remapped: r,
            }
        };
        let mut requested: Vec<RemappedDim> = vec![None; loop_ndim];
        requested.extend(out_core.iter().map(|&d| Some(d)));
        return Err(Error::BroadcastMismatch {
            operands: vec![remap(a, &a_loop), remap(b, &b_loop)],
            requested,
        });
    }
    let mut out_shape = batch.clone();
    out_shape.extend_from_slice(&out_core);
    super::size_of_shape(&out_shape)?;
    Ok(GufuncShape {
        batch,
        n,
        m: out_core.first().copied().unwrap_or(1),
        core_axis: [core_axes[0][0], core_axes[1][0]],
        out_shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Gufunc::*;

    fn err(g: Gufunc, a: &[usize], b: &[usize], axis: Option<isize>) -> String {
        gufunc_shape(g, a, b, axis).unwrap_err().to_string()
    }
    fn ok(g: Gufunc, a: &[usize], b: &[usize], axis: Option<isize>) -> Vec<usize> {
        gufunc_shape(g, a, b, axis).unwrap().out_shape
    }
    const BC: &str =
        "operands could not be broadcast together with remapped shapes [original->remapped]: ";

    /// Every text below was printed by NumPy 2.4.6.
    #[test]
    fn messages_match_numpy() {
        assert_eq!(
            err(Vecdot, &[3], &[4], None),
            "vecdot: Input operand 1 has a mismatch in its core dimension 0, with gufunc \
             signature (n),(n)->() (size 4 is different from 3)"
        );
        assert_eq!(
            err(Vecdot, &[], &[4], None),
            "vecdot: Input operand 0 does not have enough dimensions (has 0, gufunc core with \
             signature (n),(n)->() requires 1)"
        );
        assert_eq!(
            err(Vecdot, &[3], &[], None),
            "vecdot: Input operand 1 does not have enough dimensions (has 0, gufunc core with \
             signature (n),(n)->() requires 1)"
        );
        assert_eq!(
            err(Vecdot, &[2, 3], &[3, 3], None),
            format!("{BC}(2,3)->(2,) (3,3)->(3,)  and requested shape ()")
        );
        assert_eq!(
            err(Vecdot, &[2, 2, 3], &[3, 3, 3], None),
            format!("{BC}(2,2,3)->(2,2) (3,3,3)->(3,3)  and requested shape ()")
        );
        assert_eq!(
            err(Matvec, &[3], &[3], None),
            "matvec: Input operand 0 does not have enough dimensions (has 1, gufunc core with \
             signature (m,n),(n)->(m) requires 2)"
        );
        assert_eq!(
            err(Matvec, &[2, 3], &[4], None),
            "matvec: Input operand 1 has a mismatch in its core dimension 0, with gufunc \
             signature (m,n),(n)->(m) (size 4 is different from 3)"
        );
        assert_eq!(
            err(Matvec, &[2, 3], &[], None),
            "matvec: Input operand 1 does not have enough dimensions (has 0, gufunc core with \
             signature (m,n),(n)->(m) requires 1)"
        );
        assert_eq!(
            err(Matvec, &[2, 2, 3], &[3, 3], None),
            format!("{BC}(2,2,3)->(2,newaxis) (3,3)->(3,newaxis)  and requested shape (2)")
        );
        assert_eq!(
            err(Matvec, &[2, 4, 3], &[3, 3], None),
            format!("{BC}(2,4,3)->(2,newaxis) (3,3)->(3,newaxis)  and requested shape (4)")
        );
        assert_eq!(
            err(Matvec, &[2, 3, 4], &[5, 4], None),
            format!("{BC}(2,3,4)->(2,newaxis) (5,4)->(5,newaxis)  and requested shape (3)")
        );
        assert_eq!(
            err(Vecmat, &[3], &[3], None),
            "vecmat: Input operand 1 does not have enough dimensions (has 1, gufunc core with \
             signature (n),(n,m)->(m) requires 2)"
        );
        assert_eq!(
            err(Vecmat, &[], &[3, 3], None),
            "vecmat: Input operand 0 does not have enough dimensions (has 0, gufunc core with \
             signature (n),(n,m)->(m) requires 1)"
        );
        assert_eq!(
            err(Vecmat, &[4], &[3, 3], None),
            "vecmat: Input operand 1 has a mismatch in its core dimension 0, with gufunc \
             signature (n),(n,m)->(m) (size 3 is different from 4)"
        );
        assert_eq!(
            err(Vecmat, &[2, 3], &[3, 3, 4], None),
            format!("{BC}(2,3)->(2,newaxis) (3,3,4)->(3,newaxis)  and requested shape (4)")
        );
        assert_eq!(
            err(Vecmat, &[2, 3], &[5, 3, 4], None),
            format!("{BC}(2,3)->(2,newaxis) (5,3,4)->(5,newaxis)  and requested shape (4)")
        );
    }

    /// `linalg.vecdot`'s `axis`, texts from NumPy 2.4.6.
    #[test]
    fn axis_messages_match_numpy() {
        let axis_err = |ax: isize, nd: usize| {
            format!("axis {ax} is out of bounds for array of dimension {nd}")
        };
        assert_eq!(err(Vecdot, &[2, 3], &[2, 3], Some(2)), axis_err(2, 2));
        assert_eq!(err(Vecdot, &[2, 3], &[2, 3], Some(-3)), axis_err(-3, 2));
        assert_eq!(err(Vecdot, &[2, 3], &[3], Some(1)), axis_err(1, 1));
        assert_eq!(err(Vecdot, &[3], &[2, 3], Some(1)), axis_err(1, 1));
        assert_eq!(err(Vecdot, &[2, 3, 4], &[3, 4], Some(2)), axis_err(2, 2));
        assert_eq!(err(Vecdot, &[3, 4], &[2, 3, 4], Some(-3)), axis_err(-3, 2));
        assert_eq!(err(Vecdot, &[2, 3, 4], &[3, 4], Some(-4)), axis_err(-4, 3));
        // Dimension counts of both operands come before any axis check.
        assert!(
            err(Vecdot, &[2, 3], &[], Some(5)).starts_with("vecdot: Input operand 1 does not have")
        );
        assert!(
            err(Vecdot, &[], &[2, 3], Some(5)).starts_with("vecdot: Input operand 0 does not have")
        );
        assert_eq!(
            err(Vecdot, &[2, 3], &[3, 3], Some(0)),
            "vecdot: Input operand 1 has a mismatch in its core dimension 0, with gufunc \
             signature (n),(n)->() (size 3 is different from 2)"
        );
        assert_eq!(
            err(Vecdot, &[2, 3, 4], &[5, 3, 4], Some(1)),
            format!("{BC}(2,3,4)->(2,4) (5,3,4)->(5,4)  and requested shape ()")
        );
        assert_eq!(
            err(Vecdot, &[2, 3], &[2, 3, 4], Some(0)),
            format!("{BC}(2,3)->(3) (2,3,4)->(3,4)  and requested shape ()")
        );
        assert_eq!(
            err(Vecdot, &[2, 3], &[2, 4], Some(0)),
            format!("{BC}(2,3)->(3,) (2,4)->(4,)  and requested shape ()")
        );
        let s = gufunc_shape(Vecdot, &[2, 3, 4], &[3, 1], Some(-2)).unwrap();
        assert_eq!(
            (s.batch, s.n, s.core_axis, s.out_shape),
            (vec![2, 4], 3, [1, 0], vec![2, 4])
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(ok(Vecdot, &[3], &[3], None), Vec::<usize>::new());
        assert_eq!(ok(Vecdot, &[2, 3], &[5, 1, 3], None), vec![5, 2]);
        assert_eq!(ok(Vecdot, &[2, 1, 3], &[5, 3], None), vec![2, 5]);
        assert_eq!(ok(Matvec, &[1, 3, 4], &[5, 4], None), vec![5, 3]);
        assert_eq!(ok(Matvec, &[3, 4], &[4], None), vec![3]);
        assert_eq!(ok(Vecmat, &[4], &[4, 2], None), vec![2]);
        assert_eq!(ok(Vecmat, &[7, 1, 4], &[3, 4, 2], None), vec![7, 3, 2]);
        assert_eq!(ok(Vecdot, &[0, 3], &[1, 3], None), vec![0]);
        assert_eq!(ok(Matvec, &[2, 0], &[0], None), vec![2]);
        assert!(err(Vecdot, &[0, 3], &[2, 3], None).starts_with("operands could not"));
        let s = gufunc_shape(Matvec, &[5, 3, 4], &[4], None).unwrap();
        assert_eq!((s.n, s.m), (4, 3));
        let s = gufunc_shape(Vecmat, &[4], &[4, 2], None).unwrap();
        assert_eq!((s.n, s.m), (4, 2));
        assert_eq!(
            gufunc_shape(Vecdot, &[1 << 62, 1, 1], &[8, 1], None),
            Err(Error::TooBig)
        );
    }
}
