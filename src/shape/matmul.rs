//! `matmul`'s shape rules: NumPy's generalized ufunc with signature `(n?,k),(k,m?)->(n?,m?)`,
//! including `out=`.
//!
//! NumPy resolves a gufunc call in three stages, and the first error wins:
//!
//! 1. **Dimension counts** (`_validate_num_dims` in `ufunc_object.c`), operand by operand in
//!    the order `a`, `b`, `out`. An operand with fewer dimensions than its core needs drops its
//!    optional (`?`) core dimensions, in signature order, until it has enough; a dropped label
//!    is *missing for every operand* from then on (size 1, absent from the result). So a 1-D
//!    `a` drops `n`, a 1-D `b` drops `m`, and a too-short `out` drops `n` first, then `m` — which
//!    turns the row axis (second-to-last) of a 2-D `a`, or the column axis (last) of a 2-D
//!    `b`, into a *loop* axis. A 0-D input cannot drop `k`:
//!    "does not have enough dimensions". `out` can always drop enough, so it never gets that
//!    error.
//! 2. **Core sizes** (`_get_coredim_sizes`), again in the order `a`, `b`, `out`: the first
//!    operand to mention a label fixes its size; a later one that differs is a "mismatch in its
//!    core dimension" (indexed among the operand's *present* core dimensions).
//! 3. **The iterator** (`NpyIter_AdvancedNew` / `npyiter_fill_axisdata` in `nditer_constr.c`).
//!    Its axes are the broadcast loop axes (as many as the operand with the most loop axes has,
//!    `out` included) followed by `out`'s present core axes; inputs see the latter as
//!    reduction axes. First every operand's loop axes are broadcast together (right-aligned,
//!    size 1 stretches); any conflict is the "could not be broadcast together with remapped
//!    shapes" error, which lists every operand present. Then, walking the loop axes from the
//!    innermost out, `out` (flagged `NO_BROADCAST`, write-only) must cover every axis whose
//!    broadcast size is not 1: where `out` lacks that axis NumPy reports "requires a reduction
//!    along dimension -1", where `out` has size 1 there it reports "non-broadcastable output
//!    operand".
//!
//! Without `out`, the result is allocated with the broadcast loop shape plus the present core
//! dimensions; NumPy's allocation fails with "array is too big" when that overflows, which we
//! report as [`Error::TooBig`] (counting elements; the caller checks bytes).
//!
//! Not modelled: NumPy's 64-dimension limit (`NPY_MAXDIMS`); NumPy cannot even create the
//! operands that would hit it here.

use crate::error::{Error, RemappedDim, RemappedShape};

/// Result of matmul's shape rules.
///
/// How the operands map onto it (the contract the data layer relies on):
///
/// * `a`'s core dimensions are its last two (`n`, `k`), or only its last one (`k`) when
///   `a_vec`; all its other dimensions are loop dimensions. The same holds for `b` with
///   (`k`, `m`) and `b_vec`. Note that `a_vec` (`b_vec`) can be set for a 2-D or larger `a`
///   (`b`) when `out` has too few dimensions: then NumPy treats `a`'s second-to-last axis as a
///   loop axis.
/// * An operand's loop dimensions align with `batch` from the right. Each one is 1 (broadcast)
///   or equal to the `batch` dimension it aligns with. An operand may have *more* loop
///   dimensions than `batch` (only when `out` is given and has fewer); those extra leading
///   dimensions are all 1.
/// * Element `out[i.., r, c]` (with `r`/`c` absent when `a_vec`/`b_vec`) is
///   `sum over t < k of a[i.., r, t] * b[i.., t, c]`, the batch index `i..` broadcast into each
///   operand as above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MatmulShape {
    /// The loop (batch) shape every operand is broadcast to. With `out`, this is out's loop
    /// shape (which may have extra leading dims).
    pub batch: Vec<usize>,
    /// Rows of each core product (1 when `a_vec`).
    pub n: usize,
    /// Contracted length.
    pub k: usize,
    /// Columns of each core product (1 when `b_vec`).
    pub m: usize,
    /// `a` was 1-D (its n dim was prepended, absent from the result), or `out` had too few
    /// dimensions for an `n` axis (then `n` is 1 and `a`'s other dims are all loop dims).
    pub a_vec: bool,
    /// `b` was 1-D (its m dim was appended, absent from the result), or `out` had too few
    /// dimensions for an `m` axis (then `m` is 1 and `b`'s other dims are all loop dims).
    pub b_vec: bool,
    /// The result shape: batch + [n if !a_vec] + [m if !b_vec]. With `out`, equals out's shape.
    pub out_shape: Vec<usize>,
}

/// `np.matmul(a, b)` (`out` = `None`) or `np.matmul(a, b, out=out)`: the loop shape, core sizes
/// and result shape, or the error NumPy 2.4 raises for these shapes (same error, same text).
///
/// Only shapes matter: `out`'s strides, overlap and dtype are the caller's concern.
pub(crate) fn matmul_shape(
    a: &[usize],
    b: &[usize],
    out: Option<&[usize]>,
) -> Result<MatmulShape, Error> {
    // Stage 1: dimension counts. Operand order a, b, out.
    let mut n_missing = false;
    let mut m_missing = false;
    for (operand, shape) in [a, b].into_iter().enumerate() {
        if shape.len() < 2 {
            // The optional dimension (n for a, m for b) goes first; k cannot go.
            if operand == 0 {
                n_missing = true;
            } else {
                m_missing = true;
            }
            if shape.is_empty() {
                return Err(Error::NotEnoughDimensions {
                    operand,
                    has: 0,
                    requires: 1,
                });
            }
        }
    }
    if let Some(o) = out {
        // `out`'s core is (n?, m?): drop n, then m, until `out` has enough dimensions.
        if o.len() < core_ndim(!n_missing, !m_missing) && !n_missing {
            n_missing = true;
        }
        if o.len() < core_ndim(!n_missing, !m_missing) && !m_missing {
            m_missing = true;
        }
    }
    let a_core = core_ndim(!n_missing, true);
    let b_core = core_ndim(true, !m_missing);
    let out_core = core_ndim(!n_missing, !m_missing);

    // Stage 2: core sizes. a fixes n and k, b checks k and fixes m, out checks n and m.
    let n = if n_missing { 1 } else { a[a.len() - 2] };
    let k = core_k(a, b, b_core)?;
    let m = if m_missing { 1 } else { b[b.len() - 1] };
    let mut core_sizes = Vec::with_capacity(2);
    if !n_missing {
        core_sizes.push(n);
    }
    if !m_missing {
        core_sizes.push(m);
    }
    if let Some(o) = out {
        let o_core_dims = &o[o.len() - out_core..];
        for (core_dim, (&size, &expected)) in o_core_dims.iter().zip(&core_sizes).enumerate() {
            if size != expected {
                return Err(core_mismatch(true, 0, core_dim, size, expected));
            }
        }
    }

    // Stage 3: the iterator. Loop dims broadcast first, then `out` must cover them.
    let a_loop = &a[..a.len() - a_core];
    let b_loop = &b[..b.len() - b_core];
    let out_loop = out.map(|o| &o[..o.len() - out_core]);
    let loop_ndim = a_loop
        .len()
        .max(b_loop.len())
        .max(out_loop.map_or(0, <[usize]>::len));
    let mut broadcast = vec![1; loop_ndim];
    let mut conflict = false;
    for l in [Some(a_loop), Some(b_loop), out_loop].into_iter().flatten() {
        let offset = loop_ndim - l.len();
        for (bd, &d) in broadcast[offset..].iter_mut().zip(l) {
            if *bd == 1 {
                *bd = d;
            } else if d != *bd && d != 1 {
                conflict = true;
            }
        }
    }
    if conflict {
        let mut operands = vec![(a, a_core), (b, b_core)];
        operands.extend(out.map(|o| (o, out_core)));
        return Err(broadcast_error(&operands, loop_ndim, &core_sizes));
    }
    let Some(o) = out else {
        let mut out_shape = broadcast.clone();
        out_shape.extend_from_slice(&core_sizes);
        check_size(&out_shape)?;
        return Ok(MatmulShape {
            batch: broadcast,
            n,
            k,
            m,
            a_vec: n_missing,
            b_vec: m_missing,
            out_shape,
        });
    };
    let out_loop = &o[..o.len() - out_core];
    let offset = loop_ndim - out_loop.len();
    for p in (0..loop_ndim).rev() {
        if broadcast[p] == 1 {
            continue;
        }
        if p < offset {
            return Err(Error::OutputRequiresReduction { dim: -1, size: 1 });
        }
        if out_loop[p - offset] == 1 {
            // NumPy prints out's iterator axes in reverse: core axes, then loop axes.
            let remapped = iter_axes(o, out_core, loop_ndim, out_core, true)
                .into_iter()
                .rev();
            let mut full = broadcast;
            full.extend_from_slice(&core_sizes);
            return Err(Error::NonBroadcastableOutput {
                shape: o.to_vec(),
                remapped: remapped.collect(),
                broadcast: full,
            });
        }
    }
    check_size(o)?;
    Ok(MatmulShape {
        batch: out_loop.to_vec(),
        n,
        k,
        m,
        a_vec: n_missing,
        b_vec: m_missing,
        out_shape: o.to_vec(),
    })
}

/// `matmul`'s contracted length for operands of one or two dimensions without `out` (no loop
/// axes), or NumPy's error: [`matmul_shape`]'s checks on these shapes, without allocating
/// unless it fails (the size of the result is the caller's `check_bytes`). Shared with the
/// static-dimension paths.
pub(crate) fn matmul_k(a: &[usize], b: &[usize]) -> Result<usize, Error> {
    debug_assert!((1..=2).contains(&a.len()) && (1..=2).contains(&b.len()));
    // A 1-D `b` has lost `m`: its core is (k); a 2-D one has (k, m).
    core_k(a, b, b.len())
}

/// Stage 2's first check: `b`'s `k` (the first of its `b_core` core dimensions) against `a`'s
/// (its last dimension), which fixed it.
fn core_k(a: &[usize], b: &[usize], b_core: usize) -> Result<usize, Error> {
    let k = a[a.len() - 1];
    let kb = b[b.len() - b_core];
    if kb != k {
        return Err(core_mismatch(false, 1, 0, kb, k));
    }
    Ok(k)
}

/// Number of core dimensions of an operand whose two core labels are present or not.
fn core_ndim(first: bool, second: bool) -> usize {
    usize::from(first) + usize::from(second)
}

/// NumPy's "mismatch in its core dimension" error.
fn core_mismatch(
    output: bool,
    operand: usize,
    core_dim: usize,
    size: usize,
    expected: usize,
) -> Error {
    Error::CoreDimensionMismatch {
        output,
        operand,
        core_dim,
        size,
        expected,
    }
}

/// An operand's size along each of NumPy's iterator axes: `loop_ndim` loop axes (the operand's
/// loop dims, i.e. all but its last `own_core`, right-aligned with `None` before them), then
/// `out_core` axes for out's core dimensions — the operand's own core dims when it is `out`
/// (`own_core == out_core`), reduction axes (`None`) for an input.
fn iter_axes(
    shape: &[usize],
    own_core: usize,
    loop_ndim: usize,
    out_core: usize,
    is_out: bool,
) -> Vec<RemappedDim> {
    let (loop_dims, core_dims) = shape.split_at(shape.len() - own_core);
    let mut axes = vec![None; loop_ndim - loop_dims.len()];
    axes.extend(loop_dims.iter().map(|&d| Some(d)));
    if is_out {
        axes.extend(core_dims.iter().map(|&d| Some(d)));
    } else {
        axes.extend(std::iter::repeat_n(None, out_core));
    }
    axes
}

/// NumPy's "could not be broadcast together with remapped shapes" error. `operands` are
/// `a`, `b` and, if given, `out` (in that order), each with its number of core dimensions;
/// `core_sizes` are out's present core sizes.
fn broadcast_error(
    operands: &[(&[usize], usize)],
    loop_ndim: usize,
    core_sizes: &[usize],
) -> Error {
    let out_core = core_sizes.len();
    let operands = operands
        .iter()
        .enumerate()
        .map(|(i, &(shape, own_core))| RemappedShape {
            original: shape.to_vec(),
            remapped: iter_axes(shape, own_core, loop_ndim, out_core, i == 2),
        })
        .collect();
    let mut requested = vec![None; loop_ndim];
    requested.extend(core_sizes.iter().map(|&d| Some(d)));
    Error::BroadcastMismatch {
        operands,
        requested,
    }
}

/// [`Error::TooBig`] unless the product of `shape`'s non-zero dimensions fits in `isize`.
///
/// Zero dimensions are skipped, as NumPy's allocator and ndarray's constructors both do: an
/// empty array whose other dimensions multiply past `isize::MAX` is still too big.
fn check_size(shape: &[usize]) -> Result<(), Error> {
    let mut size: usize = 1;
    for &d in shape.iter().filter(|&&d| d != 0) {
        size = size.checked_mul(d).ok_or(Error::TooBig)?;
    }
    if size > isize::MAX as usize {
        return Err(Error::TooBig);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error text for `np.matmul(a, b, out=out)`.
    fn err(a: &[usize], b: &[usize], out: Option<&[usize]>) -> String {
        matmul_shape(a, b, out).unwrap_err().to_string()
    }

    /// The result shape for `np.matmul(a, b, out=out)`.
    fn ok(a: &[usize], b: &[usize], out: Option<&[usize]>) -> MatmulShape {
        matmul_shape(a, b, out).unwrap()
    }

    /// The allocation-free check of the static-dimension paths agrees with the full rule on
    /// every pair of 1-D/2-D shapes with sizes 0..4, errors included.
    #[test]
    fn matmul_k_agrees_with_the_rule() {
        let mut shapes: Vec<Vec<usize>> = (0..4).map(|k| vec![k]).collect();
        shapes.extend((0..16).map(|i| vec![i / 4, i % 4]));
        for a in &shapes {
            for b in &shapes {
                let full = matmul_shape(a, b, None).map(|ms| ms.k);
                assert_eq!(matmul_k(a, b), full, "{a:?} @ {b:?}");
            }
        }
    }

    /// NumPy's core-mismatch text.
    fn mismatch(what: &str, operand: usize, dim: usize, size: usize, expected: usize) -> String {
        format!(
            "matmul: {what} operand {operand} has a mismatch in its core dimension {dim}, with \
             gufunc signature (n?,k),(k,m?)->(n?,m?) (size {size} is different from {expected})"
        )
    }

    /// NumPy's text when `out` lacks a loop dimension.
    const REDUCTION: &str = "output operand requires a reduction along dimension -1, but the \
        reduction is not enabled. The dimension size of 1 does not match the expected output \
        shape.";

    /// Shapes without `out`: 1-D promotion and batch broadcasting.
    #[test]
    fn plain_shapes() {
        let s = ok(&[2, 3], &[3, 4], None);
        assert_eq!(
            s,
            MatmulShape {
                batch: vec![],
                n: 2,
                k: 3,
                m: 4,
                a_vec: false,
                b_vec: false,
                out_shape: vec![2, 4],
            }
        );
        let s = ok(&[3], &[3], None);
        assert_eq!((s.n, s.k, s.m, s.a_vec, s.b_vec), (1, 3, 1, true, true));
        assert_eq!(s.out_shape, Vec::<usize>::new());
        assert_eq!(ok(&[3], &[5, 3, 2], None).out_shape, vec![5, 2]);
        assert_eq!(ok(&[5, 2, 3], &[3], None).out_shape, vec![5, 2]);
        let s = ok(&[4, 1, 2, 3], &[5, 3, 6], None);
        assert_eq!(s.batch, vec![4, 5]);
        assert_eq!(s.out_shape, vec![4, 5, 2, 6]);
    }

    /// Zero-size dimensions are ordinary sizes (and do not broadcast).
    #[test]
    fn zero_sizes_are_legal() {
        let s = ok(&[2, 0], &[0, 3], None);
        assert_eq!((s.k, s.out_shape.as_slice()), (0, &[2, 3][..]));
        assert_eq!(ok(&[0, 2, 3], &[1, 3, 4], None).out_shape, vec![0, 2, 4]);
        assert_eq!(ok(&[0, 2, 3], &[3, 4], Some(&[0, 2, 4])).batch, vec![0]);
        // 0 is not 1: it does not broadcast.
        assert!(err(&[0, 2, 3], &[2, 3, 4], None).starts_with("operands could not"));
    }

    /// A 0-D input is rejected, operand 0 first.
    #[test]
    fn zero_dimensional_inputs() {
        let msg = |op: usize| {
            format!(
                "matmul: Input operand {op} does not have enough dimensions (has 0, gufunc core \
                 with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
            )
        };
        assert_eq!(err(&[2, 3], &[], None), msg(1));
        assert_eq!(err(&[], &[2, 3], None), msg(0));
        assert_eq!(err(&[], &[], None), msg(0));
        // Before any core-size check of the other operand.
        assert_eq!(err(&[], &[7], Some(&[5])), msg(0));
    }

    /// `k` mismatches, reported on operand 1 before any broadcasting.
    #[test]
    fn core_mismatch_messages() {
        assert_eq!(err(&[2, 3], &[2, 3], None), mismatch("Input", 1, 0, 2, 3));
        assert_eq!(err(&[3], &[2], None), mismatch("Input", 1, 0, 2, 3));
        // Checked before broadcasting.
        assert_eq!(
            err(&[2, 2, 3], &[3, 4, 2], None),
            mismatch("Input", 1, 0, 4, 3)
        );
        // Before `out` is looked at.
        assert_eq!(
            err(&[2, 3], &[4, 2], Some(&[9])),
            mismatch("Input", 1, 0, 4, 3)
        );
    }

    /// Batch conflicts list every operand with its iterator axes.
    #[test]
    fn broadcast_mismatch_messages() {
        assert_eq!(
            err(&[2, 2, 3], &[3, 3, 2], None),
            "operands could not be broadcast together with remapped shapes \
             [original->remapped]: (2,2,3)->(2,newaxis,newaxis) (3,3,2)->(3,newaxis,newaxis)  \
             and requested shape (2,2)"
        );
        assert_eq!(
            err(&[5, 2, 3], &[3, 2], Some(&[3, 2, 2])),
            "operands could not be broadcast together with remapped shapes \
             [original->remapped]: (5,2,3)->(5,newaxis,newaxis) (3,2)->() (3,2,2)->(3,2,2)  \
             and requested shape (2,2)"
        );
        // `out` with no n/m turns a's and b's rows into loop dims; note "(5)" and "()".
        assert_eq!(
            err(&[5, 3], &[2, 4, 3], Some(&[])),
            "operands could not be broadcast together with remapped shapes \
             [original->remapped]: (5,3)->(5) (2,4,3)->(2,4) ()->()  and requested shape ()"
        );
        assert_eq!(
            err(&[5, 2, 3], &[4, 3, 2], Some(&[2])),
            "operands could not be broadcast together with remapped shapes \
             [original->remapped]: (5,2,3)->(5,2,newaxis) (4,3,2)->(4,newaxis) (2,)->(2)  \
             and requested shape (2)"
        );
    }

    /// `out`'s core dimensions must equal `n` and `m` exactly.
    #[test]
    fn out_core_dims() {
        assert_eq!(
            err(&[2, 3], &[3, 2], Some(&[3, 2])),
            mismatch("Output", 0, 0, 3, 2)
        );
        assert_eq!(
            err(&[2, 3], &[3, 2], Some(&[2, 3])),
            mismatch("Output", 0, 1, 3, 2)
        );
        // b 1-D: out's only core dim is n (index 0).
        assert_eq!(
            err(&[2, 3], &[3], Some(&[2, 5])),
            mismatch("Output", 0, 0, 5, 2)
        );
        assert_eq!(
            err(&[2, 3], &[3], Some(&[1])),
            mismatch("Output", 0, 0, 1, 2)
        );
        // a 1-D: out's only core dim is m (index 0).
        assert_eq!(
            err(&[3], &[3, 2], Some(&[4])),
            mismatch("Output", 0, 0, 4, 2)
        );
        // out's core size 1 is not broadcast.
        assert_eq!(
            err(&[2, 3], &[3, 2], Some(&[1, 2])),
            mismatch("Output", 0, 0, 1, 2)
        );
    }

    /// A short `out` drops `n`, then `m`, for every operand.
    #[test]
    fn out_with_too_few_dims_drops_n_then_m() {
        // out 1-D for a matrix product: n is dropped, a's rows become a loop dim.
        assert_eq!(err(&[2, 3], &[3, 2], Some(&[2])), REDUCTION);
        let s = ok(&[1, 3], &[3, 2], Some(&[2]));
        assert_eq!((s.n, s.m, s.a_vec, s.b_vec), (1, 2, true, false));
        assert_eq!(
            (s.batch.as_slice(), s.out_shape.as_slice()),
            (&[][..], &[2][..])
        );
        // out 0-D: m dropped too, so b's k is its *last* dim.
        assert_eq!(
            err(&[2, 3], &[3, 2], Some(&[])),
            mismatch("Input", 1, 0, 2, 3)
        );
        let s = ok(&[1, 3], &[1, 3], Some(&[]));
        assert_eq!((s.k, s.a_vec, s.b_vec), (3, true, true));
        // The drop happens before core sizes: b's k is then its second-to-last dim of (4,3).
        assert_eq!(
            err(&[5, 3], &[4, 3], Some(&[7])),
            mismatch("Input", 1, 0, 4, 3)
        );
        // Vector products already lack n and m: out's extra dims are loop dims.
        assert_eq!(ok(&[3], &[3], Some(&[2, 3])).batch, vec![2, 3]);
        assert_eq!(ok(&[3], &[3], Some(&[])).out_shape, Vec::<usize>::new());
    }

    /// `out`'s loop dimensions: extra ones are fine, missing or 1 ones are errors.
    #[test]
    fn out_loop_dims() {
        // Extra and stretched leading dims are fine.
        let s = ok(&[1, 2, 3], &[3, 2], Some(&[4, 2, 2]));
        assert_eq!(
            (s.batch.as_slice(), s.out_shape.as_slice()),
            (&[4][..], &[4, 2, 2][..])
        );
        assert_eq!(ok(&[2, 3], &[3, 2], Some(&[5, 1, 2, 2])).batch, vec![5, 1]);
        assert_eq!(ok(&[2, 3], &[3], Some(&[5, 2])).batch, vec![5]);
        // Missing loop dim.
        assert_eq!(err(&[2, 2, 3], &[3, 2], Some(&[2, 2])), REDUCTION);
        // Size-1 loop dim where the broadcast has more.
        assert_eq!(
            err(&[2, 2, 3], &[3, 2], Some(&[1, 2, 2])),
            "non-broadcastable output operand with shape (1,2,2) [remapped to (2,2,1)] doesn't \
             match the broadcast shape (2,2,2)"
        );
        assert_eq!(
            err(&[3, 2, 2, 3], &[3, 2], Some(&[1, 2, 2])),
            "non-broadcastable output operand with shape (1,2,2) [remapped to (2,2,1,newaxis)] \
             doesn't match the broadcast shape (3,2,2,2)"
        );
        // The innermost offending loop axis decides which of the two errors.
        assert_eq!(err(&[3, 1, 2, 3], &[3, 2], Some(&[1, 2, 2])), REDUCTION);
        // Broadcast conflicts come before either.
        assert!(err(&[3, 2, 2, 3], &[3, 3, 2], Some(&[1, 2, 2])).starts_with("operands"));
    }

    /// Results too large to allocate give `TooBig`, never a panic.
    #[test]
    fn too_big_is_an_error_not_a_panic() {
        let h = 1usize << 40;
        assert_eq!(
            matmul_shape(&[h, 1, 1, 3], &[1, h, 3, 1], None),
            Err(Error::TooBig)
        );
        // Zero dims do not rescue it (NumPy: "array is too big").
        assert_eq!(
            matmul_shape(&[h, 1, 0, 3], &[1, h, 3, 1], None),
            Err(Error::TooBig)
        );
        let big = usize::MAX / 2;
        assert_eq!(matmul_shape(&[big, 3], &[3, big], None), Err(Error::TooBig));
        let max = isize::MAX as usize;
        assert_eq!(ok(&[max, 1, 3], &[3, 1], None).out_shape, vec![max, 1, 1]);
        assert_eq!(
            matmul_shape(&[max, 2, 3], &[3, 1], None),
            Err(Error::TooBig)
        );
        assert_eq!(
            matmul_shape(&[usize::MAX, 1, 3], &[3, 1], None),
            Err(Error::TooBig)
        );
        assert_eq!(
            matmul_shape(&[usize::MAX, 3], &[3, usize::MAX], None),
            Err(Error::TooBig)
        );
        // Shape errors come first, as in NumPy (the allocation is the last step).
        assert!(matches!(
            matmul_shape(&[big, 3], &[4, big], None),
            Err(Error::CoreDimensionMismatch { .. })
        ));
        assert_eq!(ok(&[h, 0, 3], &[3, 0], None).out_shape, vec![h, 0, 0]);
    }

    /// Input data used by the table's value rows.
    fn table_data(shape: &[usize], mul: i64, modulus: i64, off: i64) -> Vec<i64> {
        let size: usize = shape.iter().product();
        (0..size as i64)
            .map(|i| (i * mul) % modulus - off)
            .collect()
    }

    /// C-order strides (in elements) of `shape`.
    fn c_strides(shape: &[usize]) -> Vec<usize> {
        let mut strides = vec![1; shape.len()];
        for i in (0..shape.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * shape[i + 1];
        }
        strides
    }

    /// Flat index into an operand with `core` trailing core dims at `core_idx`, its loop dims
    /// broadcast against `batch_idx` as `MatmulShape` documents.
    fn operand_offset(shape: &[usize], core_idx: &[usize], batch_idx: &[usize]) -> usize {
        let strides = c_strides(shape);
        let loop_ndim = shape.len() - core_idx.len();
        let mut offset = 0;
        for t in 0..loop_ndim {
            let from_right = loop_ndim - t;
            let i = if shape[t] == 1 {
                0
            } else {
                assert!(from_right <= batch_idx.len(), "non-1 extra loop dim");
                batch_idx[batch_idx.len() - from_right]
            };
            offset += i * strides[t];
        }
        for (c, &i) in core_idx.iter().enumerate() {
            offset += i * strides[loop_ndim + c];
        }
        offset
    }

    /// The product computed naively from `MatmulShape`'s contract, in C order.
    fn reference(a: &[usize], b: &[usize], s: &MatmulShape) -> Vec<i64> {
        let (ad, bd) = (table_data(a, 3, 7, 3), table_data(b, 5, 11, 5));
        let size: usize = s.out_shape.iter().product();
        let strides = c_strides(&s.out_shape);
        (0..size)
            .map(|flat| {
                let idx: Vec<usize> = strides
                    .iter()
                    .zip(&s.out_shape)
                    .map(|(&st, &d)| flat / st % d)
                    .collect();
                let (batch_idx, core) = idx.split_at(s.batch.len());
                let r = if s.a_vec { None } else { Some(core[0]) };
                let c = if s.b_vec { None } else { core.last().copied() };
                (0..s.k)
                    .map(|t| {
                        let ai: Vec<usize> = r.into_iter().chain([t]).collect();
                        let bi: Vec<usize> = [t].into_iter().chain(c).collect();
                        ad[operand_offset(a, &ai, batch_idx)]
                            * bd[operand_offset(b, &bi, batch_idx)]
                    })
                    .sum()
            })
            .collect()
    }

    /// A JSON array of non-negative integers as a shape.
    fn shape_of(v: &serde_json::Value) -> Vec<usize> {
        v.as_array()
            .expect("shape")
            .iter()
            .map(|d| d.as_u64().expect("dim") as usize)
            .collect()
    }

    /// Every row of the NumPy table (`scripts/gen_matmul_shape_table.py`): same result shape,
    /// or same error text; where the row has values, the naive product over `MatmulShape`
    /// gives NumPy's values.
    #[test]
    fn numpy_table() {
        let text = include_str!("../../tests/data/matmul_shape_table.json");
        let table: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        let messages: Vec<&str> = table["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m.as_str().expect("message"))
            .collect();
        let rows = table["rows"].as_array().expect("rows");
        let mut failures = Vec::new();
        let mut valued = 0;
        for row in rows {
            let (a, b) = (shape_of(&row[0]), shape_of(&row[1]));
            let out = (!row[2].is_null()).then(|| shape_of(&row[2]));
            let got = matmul_shape(&a, &b, out.as_deref());
            let fail = match (&got, &row[3]) {
                (Ok(s), want @ serde_json::Value::Array(_)) => {
                    let want = shape_of(want);
                    let mut expect_shape = s.batch.clone();
                    expect_shape.extend((!s.a_vec).then_some(s.n));
                    expect_shape.extend((!s.b_vec).then_some(s.m));
                    if s.out_shape != want || expect_shape != want {
                        Some(format!("{s:?}"))
                    } else if let Some(values) = row.get(4) {
                        valued += 1;
                        let want: Vec<i64> = values
                            .as_array()
                            .expect("values")
                            .iter()
                            .map(|v| v.as_i64().expect("value"))
                            .collect();
                        let got = reference(&a, &b, s);
                        (got != want).then(|| format!("values {got:?} != {want:?} for {s:?}"))
                    } else {
                        None
                    }
                }
                (Err(e), serde_json::Value::Number(i)) => {
                    let want = messages[i.as_u64().expect("index") as usize];
                    (e.to_string() != want).then(|| format!("{e}\n    want {want}"))
                }
                (Ok(s), want) => Some(format!("{s:?}, want {want}")),
                (Err(e), want) => Some(format!("{e}, want {want}")),
            };
            if let Some(f) = fail {
                failures.push(format!("{a:?} @ {b:?} out={out:?}: {f}"));
            }
        }
        assert!(rows.len() > 20_000, "table has only {} rows", rows.len());
        assert!(valued > 1_000, "only {valued} rows with values");
        assert!(
            failures.is_empty(),
            "{} of {} rows differ from NumPy:\n{}",
            failures.len(),
            rows.len(),
            failures[..failures.len().min(30)].join("\n")
        );
    }
}
