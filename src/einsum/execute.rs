//! Execution: per-operand sums first, then pairwise contractions, each ONE batched product
//! through the plan/kernels layers (labels grouped into batch / kept-left / kept-right /
//! contracted; operands viewed as `(batch, M, K)` and `(batch, K, N)` by permuting and merging
//! axes, a view whenever strides allow).

use ndarray::{ArrayD, Axis, CowArray, Ix2, IxDyn, Zip};

use super::order;
use crate::element::{Element, Kind};
use crate::error::Error;
use crate::kernels::batch::batched;
use crate::plan::layout::mat_layout;
use crate::plan::merge::{grouped_or_copy, grouped_view};
use crate::shape::tensordot::TensordotShape;

/// One term of the contraction: an array and its label per axis (distinct labels).
pub(crate) struct Term<'a, T> {
    /// The data.
    pub arr: CowArray<'a, T, IxDyn>,
    /// One label per axis.
    pub labels: Vec<u8>,
}

/// A zero-filled C-order array of `shape`, or `TooBig`.
fn zeros<T: Element>(shape: &[usize]) -> Result<ArrayD<T>, Error> {
    let n = crate::shape::check_bytes(shape, std::mem::size_of::<T>())?;
    let v = crate::kernels::mem::try_zeroed(n, shape)?;
    Ok(ArrayD::from_shape_vec(IxDyn(shape), v).expect("size matches shape"))
}

/// Axis positions of `labels` within `of`.
fn axes_of(of: &[u8], labels: &[u8]) -> Vec<usize> {
    labels
        .iter()
        .map(|l| of.iter().position(|x| x == l).expect("label present"))
        .collect()
}

/// `term` summed over every label not in `keep`; the kept labels stay in their order.
fn sum_out<'a, T: Element>(
    term: Term<'a, T>,
    keep: &dyn Fn(u8) -> bool,
) -> Result<Term<'a, T>, Error> {
    let kept: Vec<u8> = term.labels.iter().copied().filter(|&l| keep(l)).collect();
    if kept.len() == term.labels.len() {
        return Ok(term);
    }
    let dropped: Vec<u8> = term.labels.iter().copied().filter(|&l| !keep(l)).collect();
    let (ka, da) = (
        axes_of(&term.labels, &kept),
        axes_of(&term.labels, &dropped),
    );
    let kshape: Vec<usize> = ka.iter().map(|&a| term.arr.shape()[a]).collect();
    let mut out = zeros::<T>(&kshape)?;
    let v = term.arr.view();
    let g = grouped_or_copy(&v, &[&ka, &da])?;
    let g2 = g.view().into_dimensionality::<Ix2>().expect("2-D");
    let (p, r) = g2.dim();
    if p > 0 && r > 0 {
        let o = out.as_slice_mut().expect("C order");
        let (s0, s1) = (
            g2.strides()[0].unsigned_abs(),
            g2.strides()[1].unsigned_abs(),
        );
        if p == 1 || s1 <= s0 {
            for (o, row) in o.iter_mut().zip(g2.rows()) {
                *o = row.iter().fold(T::zero(), |acc, &x| acc.np_add(x));
            }
        } else {
            let mut ov = ndarray::ArrayViewMut1::from(o);
            for col in g2.columns() {
                Zip::from(&mut ov)
                    .and(&col)
                    .for_each(|o, &x| *o = o.np_add(x));
            }
        }
    }
    Ok(Term {
        arr: CowArray::from(out),
        labels: kept,
    })
}

/// `v` itself when the 2-D kernels take its `(M, K)` cores as they are, else one C-order copy.
fn blas_ready<'a, T: Element>(v: CowArray<'a, T, IxDyn>) -> Result<CowArray<'a, T, IxDyn>, Error> {
    if !(cfg!(feature = "blas") && T::KIND == Kind::Float) {
        return Ok(v);
    }
    let (sh, st) = (v.shape(), v.strides());
    Ok(if mat_layout((sh[1], sh[2]), (st[1], st[2])).is_some() {
        v
    } else {
        CowArray::from(crate::kernels::mem::try_standard_copy(&v.view())?)
    })
}

/// The product of two terms, summed over the labels they share that `needed` does not hold.
fn contract<'a, T: Element>(
    a: Term<'a, T>,
    b: Term<'a, T>,
    needed: &dyn Fn(u8) -> bool,
) -> Result<Term<'a, T>, Error> {
    // Labels only one side carries and nobody needs: summed first.
    let (la, lb) = (a.labels.clone(), b.labels.clone());
    let a = sum_out(a, &|l| needed(l) || lb.contains(&l))?;
    let b = sum_out(b, &|l| needed(l) || la.contains(&l))?;
    let batch: Vec<u8> = a
        .labels
        .iter()
        .copied()
        .filter(|&l| b.labels.contains(&l) && needed(l))
        .collect();
    let contr: Vec<u8> = a
        .labels
        .iter()
        .copied()
        .filter(|&l| b.labels.contains(&l) && !needed(l))
        .collect();
    let kept_a: Vec<u8> = a
        .labels
        .iter()
        .copied()
        .filter(|l| !b.labels.contains(l))
        .collect();
    let kept_b: Vec<u8> = b
        .labels
        .iter()
        .copied()
        .filter(|l| !a.labels.contains(l))
        .collect();
    let dim = |t: &Term<'a, T>, l: u8| {
        t.arr.shape()[t.labels.iter().position(|&x| x == l).expect("label")]
    };
    let prod = |t: &Term<'a, T>, ls: &[u8]| ls.iter().map(|&l| dim(t, l)).product::<usize>();
    let (nb, m, k, n) = (
        prod(&a, &batch),
        prod(&a, &kept_a),
        prod(&a, &contr),
        prod(&b, &kept_b),
    );
    let mut out_labels = batch.clone();
    out_labels.extend(&kept_a);
    out_labels.extend(&kept_b);
    let mut out_shape: Vec<usize> = batch.iter().map(|&l| dim(&a, l)).collect();
    out_shape.extend(kept_a.iter().map(|&l| dim(&a, l)));
    out_shape.extend(kept_b.iter().map(|&l| dim(&b, l)));
    crate::shape::check_bytes(&out_shape, std::mem::size_of::<T>())?;

    let (av, bv) = (a.arr.view(), b.arr.view());
    if batch.is_empty() {
        // A `tensordot`: where an operand's axes need a copy to become a matrix, the blocked
        // product that reads it in place may take it (`plan::tensordot::packed`).
        let ts = TensordotShape {
            free_a: axes_of(&a.labels, &kept_a),
            sum_a: axes_of(&a.labels, &contr),
            sum_b: axes_of(&b.labels, &contr),
            free_b: axes_of(&b.labels, &kept_b),
            out_shape: out_shape.clone(),
        };
        let merges = [
            grouped_view(&av, &[&ts.free_a, &ts.sum_a]).is_some(),
            grouped_view(&bv, &[&ts.sum_b, &ts.free_b]).is_some(),
        ];
        if merges != [true, true]
            && let Some(out) = crate::plan::tensordot::packed(&av, &bv, &ts, merges)?
        {
            return Ok(Term {
                arr: CowArray::from(out),
                labels: out_labels,
            });
        }
    }
    let a3 = grouped_or_copy(
        &av,
        &[
            &axes_of(&a.labels, &batch),
            &axes_of(&a.labels, &kept_a),
            &axes_of(&a.labels, &contr),
        ],
    )?;
    let b3 = grouped_or_copy(
        &bv,
        &[
            &axes_of(&b.labels, &batch),
            &axes_of(&b.labels, &contr),
            &axes_of(&b.labels, &kept_b),
        ],
    )?;
    let out = if m == 1 && n == 1 {
        // A batch of dot products (or of plain products when k == 1).
        let mut out1 = ndarray::Array1::from_vec(crate::kernels::mem::try_zeroed(nb, &[nb])?);
        let a2 = a3.view().index_axis_move(Axis(1), 0);
        let b2 = b3.view().index_axis_move(Axis(2), 0);
        let a2 = a2.into_dimensionality::<Ix2>().expect("2-D");
        let b2 = b2.into_dimensionality::<Ix2>().expect("2-D");
        if k == 1 {
            Zip::from(&mut out1)
                .and(a2.column(0))
                .and(b2.column(0))
                .for_each(|o, &x, &y| *o = x.np_mul(y));
        } else if k > 1 {
            Zip::from(&mut out1)
                .and(a2.rows())
                .and(b2.rows())
                .for_each(|o, x, y| *o = T::dot1(x, y));
        }
        out1.into_dyn()
    } else {
        let a3 = blas_ready(a3)?;
        let b3 = blas_ready(b3)?;
        let mut new = None;
        if nb == 1 && m > 0 && n > 0 && k > 0 {
            let a2 = a3
                .view()
                .index_axis_move(Axis(0), 0)
                .into_dimensionality::<Ix2>()
                .expect("2-D");
            let b2 = b3
                .view()
                .index_axis_move(Axis(0), 0)
                .into_dimensionality::<Ix2>()
                .expect("2-D");
            new = T::gemm_new(a2, b2)?;
        }
        match new {
            Some(v) => ArrayD::from_shape_vec(IxDyn(&[nb, m, n]), v).expect("size matches"),
            None => {
                let mut out = zeros::<T>(&[nb, m, n])?;
                batched(a3.view(), b3.view(), out.view_mut())?;
                out
            }
        }
    };
    let out = out
        .into_shape_with_order(IxDyn(&out_shape))
        .expect("C order reshapes");
    Ok(Term {
        arr: CowArray::from(out),
        labels: out_labels,
    })
}

/// Contracts `terms` (labels already collapsed, sizes broadcast-checked) into the array with
/// labels `out`; `size[l]` is the size of label `l`.
pub(crate) fn run<'a, T: Element>(
    terms: Vec<Term<'a, T>>,
    size: &[usize; 256],
    out: &[u8],
) -> Result<CowArray<'a, T, IxDyn>, Error> {
    // A length-1 axis of a label whose size is not 1 is broadcast: drop it.
    let mut terms: Vec<Term<'a, T>> = terms
        .into_iter()
        .map(|mut t| {
            for ax in (0..t.labels.len()).rev() {
                if t.arr.shape()[ax] == 1 && size[t.labels[ax] as usize] != 1 {
                    t.arr.index_axis_inplace(Axis(ax), 0);
                    t.labels.remove(ax);
                }
            }
            t
        })
        .collect();
    // Labels that only one term carries and the output lacks: summed first.
    let mut count = [0usize; 256];
    for t in &terms {
        for &l in &t.labels {
            count[l as usize] += 1;
        }
    }
    let in_out = |l: u8| out.contains(&l);
    terms = terms
        .into_iter()
        .map(|t| sum_out(t, &|l| in_out(l) || count[l as usize] > 1))
        .collect::<Result<_, _>>()?;

    if terms.len() > 1 {
        // Labels as bits for the order search.
        let mut bit = [u8::MAX; 256];
        let mut sizes_f = Vec::new();
        for t in &terms {
            for &l in &t.labels {
                if bit[l as usize] == u8::MAX {
                    bit[l as usize] = sizes_f.len() as u8;
                    sizes_f.push(size[l as usize] as f64);
                }
            }
        }
        let mask = |ls: &[u8]| {
            ls.iter()
                .fold(0u128, |m, &l| m | (1u128 << bit[l as usize]))
        };
        let masks: Vec<u128> = terms.iter().map(|t| mask(&t.labels)).collect();
        let out_mask = out
            .iter()
            .filter(|&&l| bit[l as usize] != u8::MAX)
            .fold(0u128, |m, &l| m | (1u128 << bit[l as usize]));
        for (i, j) in order::order(&masks, out_mask, &sizes_f) {
            let b = terms.remove(j);
            let a = terms.remove(i);
            let mut others = [false; 256];
            for t in &terms {
                for &l in &t.labels {
                    others[l as usize] = true;
                }
            }
            let c = contract(a, b, &|l| in_out(l) || others[l as usize])?;
            terms.push(c);
        }
    }
    let t = terms.pop().expect("one term left");
    let perm = axes_of(&t.labels, out);
    let arr = if t.arr.is_view() {
        crate::kernels::mem::try_standard_copy(&t.arr.view())?
    } else {
        t.arr.into_owned()
    };
    Ok(CowArray::from(arr.permuted_axes(IxDyn(&perm))))
}
