//! Plans of the vector gufuncs. Batch axes are broadcast with stride 0 (never copied).
//!
//! * `vecdot`: one conjugating dot product per batch item, over lanes of the two operands
//!   (`kernels::rowdot`), written straight into the result.
//! * `matvec`: for small matrices, or types our own kernels handle, one dot product per row of
//!   each matrix (rows contiguous: SIMD partial sums); larger float matrices go through the
//!   batch driver as `(m, n)·(n, 1)` products (`?gemv`/`?gemm`).
//! * `matvec`, `vecmat` on small matrices in C-contiguous stacks (or one matrix / vector shared
//!   by every item): one call of the stack kernels of `kernels::rowdot`, no per-item dispatch.
//! * `vecmat`: otherwise the batch driver on `(1, n)·(n, m)` products; complex operands are
//!   never conjugated into a copy: OpenBLAS's `?gemm` conjugates `a` itself (`ConjNoTrans`), or
//!   our loops conjugate each element as they read it.

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Zip};

use crate::element::{Element, Kind};
use crate::error::Error;
use crate::kernels::batch::batched;
use crate::kernels::{conj, family_blas, rowdot};
use crate::shape::gufunc::{Gufunc, GufuncShape, gufunc_shape};

/// Largest `m·n` of one `matvec` item computed row by row (larger float items go to BLAS).
const MATVEC_ROWS_MAX: usize = 64 * 64;

/// `v` with `axis` moved to the end.
fn axis_last<T>(v: ArrayViewD<'_, T>, axis: usize) -> ArrayViewD<'_, T> {
    let nd = v.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&k| k != axis).collect();
    perm.push(axis);
    v.permuted_axes(IxDyn(&perm))
}

/// `batch` followed by `core`.
fn with_core(batch: &[usize], core: &[usize]) -> Vec<usize> {
    let mut s = batch.to_vec();
    s.extend_from_slice(core);
    s
}

/// `np.vecdot(a, b)` (`axis` = `None`) or `np.linalg.vecdot(a, b, axis=axis)`.
pub(crate) fn vecdot<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    axis: Option<isize>,
) -> Result<ArrayD<T>, Error> {
    let gs = gufunc_shape(Gufunc::Vecdot, a.shape(), b.shape(), axis)?;
    let mut out = super::alloc::<T>(&gs.out_shape)?;
    if out.is_empty() {
        return Ok(out);
    }
    let full = with_core(&gs.batch, &[gs.n]);
    let a = axis_last(a, gs.core_axis[0]);
    let b = axis_last(b, gs.core_axis[1]);
    let a = a
        .broadcast(IxDyn(&full))
        .expect("shape rules: broadcastable");
    let b = b
        .broadcast(IxDyn(&full))
        .expect("shape rules: broadcastable");
    // Both operands C-contiguous with the full shape (no broadcast axis): consecutive rows of
    // `n`, walked as slices (no per-row view or `IxDyn` index). `n > 0` here: an empty sum
    // leaves the zeros of `out`.
    if let (Some(xs), Some(ys), Some(os), true) =
        (a.as_slice(), b.as_slice(), out.as_slice_mut(), gs.n > 0)
    {
        for ((o, x), y) in os
            .iter_mut()
            .zip(xs.chunks_exact(gs.n))
            .zip(ys.chunks_exact(gs.n))
        {
            *o = rowdot::dot_slices::<T, true>(x, y);
        }
        return Ok(out);
    }
    let last = Axis(gs.batch.len());
    Zip::from(&mut out)
        .and(a.lanes(last))
        .and(b.lanes(last))
        .for_each(|o, x, y| *o = rowdot::dot_lane::<T, true>(x, y));
    Ok(out)
}

/// `np.matvec(a, b)`: `(…, m, n)·(…, n) → (…, m)`.
pub(crate) fn matvec<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    let gs = gufunc_shape(Gufunc::Matvec, a.shape(), b.shape(), None)?;
    let mut out = super::alloc::<T>(&gs.out_shape)?;
    if out.is_empty() {
        return Ok(out);
    }
    let (m, n) = (gs.m, gs.n);
    let bd = gs.batch.len();
    let small = T::KIND != Kind::Float || m * n <= MATVEC_ROWS_MAX;
    if small
        && let (Some((a_s, sa)), Some((x_s, sx))) =
            (stack(&a, &gs.batch, 2, m * n), stack(&b, &gs.batch, 1, n))
    {
        if n > 0 {
            let s = rowdot::Stack {
                a: a_s,
                sa,
                ld: n,
                x: x_s,
                sx,
            };
            rowdot::matvec_items(s, m, n, out.as_slice_mut().expect("a new C-order array"));
        }
        return Ok(out);
    }
    let a_full = a
        .broadcast(IxDyn(&with_core(&gs.batch, &[m, n])))
        .expect("shape rules: broadcastable");
    if small && (n <= 1 || a_full.strides()[bd + 1] == 1) {
        // b as (…, 1, n) broadcast over the rows: stride 0, no copy.
        let nb = b.ndim();
        let b1 = b.insert_axis(Axis(nb - 1));
        let b_rows = b1
            .broadcast(IxDyn(&with_core(&gs.batch, &[m, n])))
            .expect("shape rules: broadcastable");
        Zip::from(&mut out)
            .and(a_full.lanes(Axis(bd + 1)))
            .and(b_rows.lanes(Axis(bd + 1)))
            .for_each(|o, x, y| *o = rowdot::dot_lane::<T, false>(x, y));
        return Ok(out);
    }
    let nb = b.ndim();
    let b1 = b.insert_axis(Axis(nb));
    let b_col = b1
        .broadcast(IxDyn(&with_core(&gs.batch, &[n, 1])))
        .expect("shape rules: broadcastable");
    let a_p = super::prepare(a_full)?;
    let b_p = super::prepare(b_col)?;
    let out_col = out.view_mut().insert_axis(Axis(bd + 1));
    batched(a_p.view(), b_p.view(), out_col)?;
    Ok(out)
}

/// `np.vecmat(a, b)`: `(…, n)·(…, n, m) → (…, m)`, `a` conjugated — never a conjugated copy:
/// small matrices by [`rowdot::vecmat_items`] (conjugating each element of `a` as it is
/// read), large complex ones by [`vecmat_complex`].
pub(crate) fn vecmat<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    let gs: GufuncShape = gufunc_shape(Gufunc::Vecmat, a.shape(), b.shape(), None)?;
    let mut out = super::alloc::<T>(&gs.out_shape)?;
    if out.is_empty() {
        return Ok(out);
    }
    let (n, m) = (gs.n, gs.m);
    let bd = gs.batch.len();
    if (T::KIND != Kind::Float || n * m <= MATVEC_ROWS_MAX)
        && let (Some((x_s, sx)), Some((b_s, sb))) =
            (stack(&a, &gs.batch, 1, n), stack(&b, &gs.batch, 2, n * m))
    {
        if n > 0 {
            let s = rowdot::Stack {
                a: b_s,
                sa: sb,
                ld: m,
                x: x_s,
                sx,
            };
            rowdot::vecmat_items::<T, true>(
                s,
                n,
                m,
                out.as_slice_mut().expect("a new C-order array"),
            );
        }
        return Ok(out);
    }
    let na = a.ndim();
    let a1 = a.insert_axis(Axis(na - 1));
    let a_row = a1
        .broadcast(IxDyn(&with_core(&gs.batch, &[1, n])))
        .expect("shape rules: broadcastable");
    let b_full = b
        .broadcast(IxDyn(&with_core(&gs.batch, &[n, m])))
        .expect("shape rules: broadcastable");
    if conj::is_complex::<T>() {
        vecmat_complex(a_row, b_full, &mut out, &gs);
        return Ok(out);
    }
    let a_p = super::prepare(a_row)?;
    let b_p = super::prepare(b_full)?;
    let out_row = out.view_mut().insert_axis(Axis(bd));
    batched(a_p.view(), b_p.view(), out_row)?;
    Ok(out)
}

/// Complex `vecmat` without conjugating a copy of `a` (`a`: `(…, 1, n)`, `b`: `(…, n, m)`, both
/// broadcast to the full batch; `out`: a new C-order `(…, m)`): when every item shares one
/// matrix and the vectors merge into the rows of one matrix, ONE `?gemm` that conjugates `a`
/// itself ([`family_blas::conj_gemm`]); else one such `?gemm` per item, or, where BLAS cannot
/// take the layout (or without BLAS), [`rowdot::vecmat_view`], which conjugates as it reads.
fn vecmat_complex<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: &mut ArrayD<T>,
    gs: &GufuncShape,
) {
    let (n, m) = (gs.n, gs.m);
    let bd = gs.batch.len();
    let count: usize = gs.batch.iter().product();
    let mut out2 = out
        .view_mut()
        .into_shape_with_order((count, m))
        .expect("a new C-order array");
    let batch_axes: Vec<usize> = (0..bd).collect();
    if count > 1 && b.strides()[..bd].iter().all(|&s| s == 0) {
        let a2 = super::merge::grouped_view(&a, &[&batch_axes, &[bd], &[bd + 1]]);
        let mut b2 = b.clone();
        for _ in 0..bd {
            b2.index_axis_inplace(Axis(0), 0);
        }
        if let (Some(a2), Ok(b2)) = (a2, b2.into_dimensionality::<ndarray::Ix2>()) {
            let a2 = a2.index_axis_move(Axis(1), 0);
            let a2 = a2.into_dimensionality::<ndarray::Ix2>().expect("two axes");
            if family_blas::conj_gemm(a2, b2, out2.view_mut()) {
                return;
            }
        }
    }
    for (t, idx) in ndarray::indices(IxDyn(&gs.batch)).into_iter().enumerate() {
        let (mut x, mut bm) = (a.clone(), b.clone());
        for &i in ndarray::Dimension::slice(&idx) {
            x.index_axis_inplace(Axis(0), i);
            bm.index_axis_inplace(Axis(0), i);
        }
        let x = x.into_dimensionality::<ndarray::Ix2>().expect("(1, n)");
        let bm = bm.into_dimensionality::<ndarray::Ix2>().expect("(n, m)");
        let mut y = out2.row_mut(t).insert_axis(Axis(0));
        if n == 0 || !family_blas::conj_gemm(x.view(), bm.view(), y.view_mut()) {
            rowdot::vecmat_view::<T, true>(x.row(0), bm, y.row_mut(0));
        }
    }
}

/// The cores of `v` (`batch` then `core_nd` core axes of `core_len` elements in all) as one
/// slice, with the distance between consecutive items: `v` C-contiguous with the full batch
/// (distance `core_len`), or with batch axes of size 1 only (one core shared by every item:
/// distance 0). `None` for other layouts.
fn stack<'s, T>(
    v: &ArrayViewD<'s, T>,
    batch: &[usize],
    core_nd: usize,
    core_len: usize,
) -> Option<(&'s [T], usize)> {
    let vb = &v.shape()[..v.ndim() - core_nd];
    let item = if vb.iter().product::<usize>() == 1 {
        0
    } else if vb == batch {
        core_len
    } else {
        return None;
    };
    Some((v.to_slice()?, item))
}
