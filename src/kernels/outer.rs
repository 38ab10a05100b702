//! `outer` and `kron`: every result element is one product `a[i]·b[j]`, written once, straight
//! into a new C-contiguous buffer (no zero-fill, no temporaries; large buffers get the huge-page
//! hint of [`super::mem`]).

use std::mem::MaybeUninit;

use ndarray::{ArrayView1, ArrayViewD, Axis};

use crate::element::Element;

/// `out[j] = s · y[j]` for every `j`.
#[inline]
fn scale_into<T: Element>(s: T, y: &ArrayView1<'_, T>, out: &mut [MaybeUninit<T>]) {
    match y.as_slice() {
        Some(ys) => {
            for (o, &v) in out.iter_mut().zip(ys) {
                o.write(s.np_mul(v));
            }
        }
        None => {
            for (o, &v) in out.iter_mut().zip(y) {
                o.write(s.np_mul(v));
            }
        }
    }
}

/// A new vector of `len` elements, every one written by `fill` (which must write all of them).
fn new_filled<T: Element>(
    len: usize,
    shape: &[usize],
    fill: impl FnOnce(&mut [MaybeUninit<T>]),
) -> Result<Vec<T>, crate::Error> {
    let mut v: Vec<T> = super::mem::try_with_capacity(len, shape)?;
    fill(&mut v.spare_capacity_mut()[..len]);
    // SAFETY: `with_capacity(len)` reserved at least `len` elements and `fill` initialized the
    // first `len` of them (both callers write every element: see `outer_new`, `kron_new`).
    unsafe { v.set_len(len) };
    Ok(v)
}

/// `a[i]·b[j]` for `i` over `a` and `j` over `b`, row-major `(a.len(), b.len())`: the values of
/// `np.outer` on the flattened operands.
pub(crate) fn outer_new<T: Element>(
    a: ArrayView1<'_, T>,
    b: ArrayView1<'_, T>,
) -> Result<Vec<T>, crate::Error> {
    let (m, n) = (a.len(), b.len());
    new_filled(m * n, &[m, n], |out| {
        if n == 0 {
            return;
        }
        for (row, &s) in out.chunks_exact_mut(n).zip(a.iter()) {
            scale_into(s, &b, row);
        }
    })
}

/// `np.kron(a, b)` for operands of the same number of dimensions (already padded with leading
/// 1s), as a row-major buffer of shape `a.shape[i]·b.shape[i]`.
pub(crate) fn kron_new<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<Vec<T>, crate::Error> {
    assert_eq!(a.ndim(), b.ndim(), "kron contract: padded operands");
    let len = a.len() * b.len();
    let shape: Vec<usize> = a
        .shape()
        .iter()
        .zip(b.shape())
        .map(|(x, y)| x * y)
        .collect();
    new_filled(len, &shape, |out| kron_fill(a, b, out))
}

/// Fills `out` (length `a.len()·b.len()`) with the Kronecker product, recursing on axis 0:
/// the result is `a.shape[0]·b.shape[0]` blocks, block `(i, j)` is `kron(a[i], b[j])`.
fn kron_fill<T: Element>(a: ArrayViewD<'_, T>, b: ArrayViewD<'_, T>, out: &mut [MaybeUninit<T>]) {
    if out.is_empty() {
        return;
    }
    match a.ndim() {
        0 => {
            out[0].write(a[[]].np_mul(b[[]]));
        }
        1 => {
            let a1 = a.into_dimensionality::<ndarray::Ix1>().expect("1-D");
            let b1 = b.into_dimensionality::<ndarray::Ix1>().expect("1-D");
            let n = b1.len();
            for (row, &s) in out.chunks_exact_mut(n).zip(a1.iter()) {
                scale_into(s, &b1, row);
            }
        }
        _ => {
            let block = out.len() / (a.shape()[0] * b.shape()[0]);
            let mut chunks = out.chunks_exact_mut(block);
            for ai in a.axis_iter(Axis(0)) {
                for bj in b.axis_iter(Axis(0)) {
                    let chunk = chunks.next().expect("one block per (i, j)");
                    kron_fill(ai.view(), bj, chunk);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn, array, s};

    #[test]
    fn outer_and_kron_values() {
        let a = array![1i64, 2, 3];
        let b = array![10i64, 20];
        assert_eq!(
            outer_new(a.view(), b.view()).unwrap(),
            vec![10, 20, 20, 40, 30, 60]
        );
        assert_eq!(
            outer_new(a.slice(s![..;-1]), b.view()).unwrap(),
            vec![30, 60, 20, 40, 10, 20]
        );
        assert!(outer_new(a.view(), b.slice(s![..0])).unwrap().is_empty());
        let a2 = array![[1i64, 2], [3, 4]].into_dyn();
        let b2 = array![[0i64, 5], [6, 7]].into_dyn();
        // np.kron([[1,2],[3,4]], [[0,5],[6,7]])
        let want = vec![0, 5, 0, 10, 6, 7, 12, 14, 0, 15, 0, 20, 18, 21, 24, 28];
        assert_eq!(kron_new(a2.view(), b2.view()).unwrap(), want);
        let z = ArrayD::<i64>::zeros(IxDyn(&[2, 0]));
        assert!(kron_new(z.view(), b2.view()).unwrap().is_empty());
        let s0 = ArrayD::from_elem(IxDyn(&[]), 3i64);
        assert_eq!(
            kron_new(s0.view(), ArrayD::from_elem(IxDyn(&[]), 4).view()).unwrap(),
            vec![12]
        );
    }
}
