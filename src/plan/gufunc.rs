//! Plans of the vector gufuncs. Batch axes are broadcast with stride 0 (never copied).
//!
//! * `vecdot`: one conjugating dot product per batch item, over lanes of the two operands
//!   (`kernels::rowdot`), written straight into the result.
//! * `matvec`: for small matrices, or types our own kernels handle, one dot product per row of
//!   each matrix (rows contiguous: SIMD partial sums); larger float matrices go through the
//!   batch driver as `(m, n)·(n, 1)` products (`?gemv`/`?gemm`).
//! * `vecmat`: the batch driver on `(1, n)·(n, m)` products; for complex operands the vector is
//!   conjugated first (a copy of the vector operand only: BLAS has no flag that conjugates `x`
//!   in `xᴴ·B`).

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Zip};

use crate::element::{Element, Kind};
use crate::error::Error;
use crate::kernels::batch::batched;
use crate::kernels::{conj, rowdot};
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
    let bd = gs.batch.len();
    let a_full = a
        .broadcast(IxDyn(&with_core(&gs.batch, &[gs.m, gs.n])))
        .expect("shape rules: broadcastable");
    let rows = T::KIND != Kind::Float
        || (gs.m * gs.n <= MATVEC_ROWS_MAX && (gs.n <= 1 || a_full.strides()[bd + 1] == 1));
    if rows && matvec_contiguous(&a_full, &b, &mut out, &gs) {
        return Ok(out);
    }
    if rows {
        // b as (…, 1, n) broadcast over the rows: stride 0, no copy.
        let nb = b.ndim();
        let b1 = b.insert_axis(Axis(nb - 1));
        let b_rows = b1
            .broadcast(IxDyn(&with_core(&gs.batch, &[gs.m, gs.n])))
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
        .broadcast(IxDyn(&with_core(&gs.batch, &[gs.n, 1])))
        .expect("shape rules: broadcastable");
    let a_p = super::prepare(a_full)?;
    let b_p = super::prepare(b_col)?;
    let out_col = out.view_mut().insert_axis(Axis(bd + 1));
    batched(a_p.view(), b_p.view(), out_col)?;
    Ok(out)
}

/// `np.vecmat(a, b)`: `(…, n)·(…, n, m) → (…, m)`, `a` conjugated.
pub(crate) fn vecmat<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    let gs: GufuncShape = gufunc_shape(Gufunc::Vecmat, a.shape(), b.shape(), None)?;
    let mut out = super::alloc::<T>(&gs.out_shape)?;
    if out.is_empty() {
        return Ok(out);
    }
    let bd = gs.batch.len();
    let a_conj;
    let a = if conj::is_complex::<T>() {
        let mut v = crate::kernels::mem::try_with_capacity::<T>(a.len(), a.shape())?;
        v.extend(a.iter().map(|&x| conj::conj(x)));
        a_conj = ArrayD::from_shape_vec(a.raw_dim(), v).expect("len matches shape");
        a_conj.view()
    } else {
        a
    };
    let na = a.ndim();
    let a1 = a.insert_axis(Axis(na - 1));
    let a_row = a1
        .broadcast(IxDyn(&with_core(&gs.batch, &[1, gs.n])))
        .expect("shape rules: broadcastable");
    let b_full = b
        .broadcast(IxDyn(&with_core(&gs.batch, &[gs.n, gs.m])))
        .expect("shape rules: broadcastable");
    let a_p = super::prepare(a_row)?;
    let b_p = super::prepare(b_full)?;
    let out_row = out.view_mut().insert_axis(Axis(bd));
    batched(a_p.view(), b_p.view(), out_row)?;
    Ok(out)
}

/// `matvec` when the matrices are C-contiguous rows of a `(B, m, n)` block and the vectors rows of
/// a `(B, n)` block (no broadcasting): one slice dot product per row, without per-row view
/// bookkeeping. Returns `false` (nothing written) for other layouts.
fn matvec_contiguous<T: Element>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    out: &mut ArrayD<T>,
    gs: &GufuncShape,
) -> bool {
    let (m, n) = (gs.m, gs.n);
    let count: usize = gs.batch.iter().product();
    if b.shape() != with_core(&gs.batch, &[n]).as_slice() {
        return false; // b is broadcast
    }
    let (Some(a_s), Some(b_s)) = (a.as_slice(), b.as_slice()) else {
        return false;
    };
    let Some(o_s) = out.as_slice_mut() else {
        return false;
    };
    if n == 0 {
        o_s.fill(T::zero());
        return true;
    }
    for ((a_i, b_i), o_i) in a_s
        .chunks_exact(m * n)
        .zip(b_s.chunks_exact(n))
        .zip(o_s.chunks_exact_mut(m))
        .take(count)
    {
        for (row, o) in a_i.chunks_exact(n).zip(o_i.iter_mut()) {
            *o = rowdot::dot_slices::<T, false>(row, b_i);
        }
    }
    true
}
