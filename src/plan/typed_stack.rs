//! Static dimensions: `np.matmul` of stacks of matrices, `Array3 @ Array3`, `Array3 @ Array2`
//! and `Array2 @ Array3`, straight to the batch driver on the operands' static views, with
//! the result allocated once as an `Array3` — no `IxDyn` shape, stride vector or result.
//!
//! Each step is the general path's (`super::matmul`, `super::matmul_compute`) on the same
//! shapes and strides: the shape rule and its errors from `shape::matmul_shape` (one source of
//! truth), NumPy's size check, the zero-filled result, the batch broadcast (a 2-D operand or a
//! batch of 1 gets stride 0 exactly where the general path's broadcast gives it), the fold of a
//! shared `b` into one 2-D product when `a` merges into rows, and otherwise one kernel call per
//! batch item by the same driver loop. A float operand BLAS cannot take as it is (the general
//! path copies it once) goes to the general path.

use ndarray::{Array3, ArrayBase, ArrayView3, Axis, Data, Dimension};

use super::core_ok_parts;
use crate::element::Element;
use crate::error::Error;
use crate::kernels::{batch, mem};
use crate::shape;

/// `a @ b` for operands of static dimension types `Ix3`/`Ix3`, `Ix3`/`Ix2` or `Ix2`/`Ix3`, as
/// the new `Array3`; `None` for other dimension types and where the general path decides (an
/// operand it would copy). Errors are the general path's, from the same shape functions.
pub(super) fn matmul<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Result<Array3<T>, Error>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let ok = matches!(
        (D1::NDIM, D2::NDIM),
        (Some(3), Some(3)) | (Some(3), Some(2)) | (Some(2), Some(3))
    );
    if !ok {
        return None;
    }
    let ms = match shape::matmul_shape(a.shape(), b.shape(), None) {
        Ok(ms) => ms,
        Err(e) => return Some(Err(e)),
    };
    let (n, k, m) = (ms.n, ms.k, ms.m);
    let batch = ms.batch[0];
    let len = match shape::check_bytes(&ms.out_shape, std::mem::size_of::<T>()) {
        Ok(len) => len,
        Err(e) => return Some(Err(e)),
    };
    if len == 0 {
        // Nothing to compute, whatever the operands' layouts (a zero-size operand's strides
        // may be anything, e.g. zero).
        return Some(Ok(
            Array3::from_shape_vec((batch, n, m), Vec::new()).expect("size matches shape")
        ));
    }
    if !core_ok_parts::<T>(a.shape(), a.strides()) || !core_ok_parts::<T>(b.shape(), b.strides()) {
        return None;
    }
    // The batch broadcast as the general path's (a 2-D operand or a batch of 1 gets stride 0).
    let a3 = a.broadcast((batch, n, k))?;
    let b3 = b.broadcast((batch, k, m))?;
    if b3.strides()[0] != 0 {
        // One product per item, each written whole into the new result (no zero-fill pass).
        let mut v = match mem::try_with_capacity::<T>(len, &ms.out_shape) {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        return Some(
            batch::batched3_new(a3, b3, &mut v)
                .map(|()| Array3::from_shape_vec((batch, n, m), v).expect("size matches shape")),
        );
    }
    let mut out = match mem::try_zeroed::<T>(len, &ms.out_shape) {
        Ok(v) => Array3::from_shape_vec((batch, n, m), v).expect("size matches shape"),
        Err(e) => return Some(Err(e)),
    };
    Some(compute(a3, b3, &mut out).map(|()| out))
}

/// `out = a @ b` for the broadcast stacks `a` `(B, n, k)`, `b` `(B, k, m)` and the new,
/// C-contiguous, non-empty `out` `(B, n, m)`: `super::matmul_compute`'s steps.
fn compute<T: Element>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
    out: &mut Array3<T>,
) -> Result<(), Error> {
    let (batch, n, k) = a.dim();
    let m = b.dim().2;
    if b.strides()[0] == 0 {
        // `b` is shared by every batch item: one product `(B·n, k)·(k, m)` when `a`'s rows
        // merge without a copy (`out`, new and C-contiguous, always does).
        let rows = batch * n;
        let a_flat = a.into_shape_with_order((rows, k)).ok();
        if let Some(a_flat) = a_flat.filter(|v| core_ok_parts::<T>(v.shape(), v.strides())) {
            let o_flat = out
                .view_mut()
                .into_shape_with_order((rows, m))
                .expect("C-contiguous result");
            return T::gemm2(a_flat, b.index_axis_move(Axis(0), 0), o_flat);
        }
    }
    batch::batched3(a, b, out.view_mut())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, ArrayD, ArrayView, Ix2, Ix3, s};

    type R = Option<Result<Array3<f64>, Error>>;

    /// Integer-valued data: every summation order gives the same floats.
    fn data(shape: &[usize], seed: usize) -> ArrayD<f64> {
        ArrayD::from_shape_fn(shape, |ix| {
            let v = ix.slice().iter().fold(seed, |h, &i| h * 31 + i);
            (v % 13) as f64 - 6.0
        })
    }

    fn general(a: &ArrayD<f64>, b: &ArrayD<f64>) -> Result<ArrayD<f64>, Error> {
        super::super::matmul(a.view(), b.view())
    }

    /// The static path equals the general path on the same views (values and errors), or
    /// leaves the product to it because an operand's core needs the general path's copy.
    fn same<T, D1, D2>(a: ArrayView<'_, T, D1>, b: ArrayView<'_, T, D2>)
    where
        T: Element + std::fmt::Debug,
        D1: Dimension,
        D2: Dimension,
    {
        let want = super::super::matmul(a.view().into_dyn(), b.view().into_dyn());
        let what = format!(
            "{:?}{:?} @ {:?}{:?}",
            a.shape(),
            a.strides(),
            b.shape(),
            b.strides()
        );
        match matmul(&a, &b) {
            Some(got) => assert_eq!(
                got.map(|r| r.into_dyn()).map_err(|e| e.to_string()),
                want.map_err(|e| e.to_string()),
                "{what}"
            ),
            None => assert!(
                !core_ok_parts::<T>(a.shape(), a.strides())
                    || !core_ok_parts::<T>(b.shape(), b.strides()),
                "{what}: left to the general path"
            ),
        }
    }

    /// C, F, stepped and reversed, transposed cores, batches of 1 (broadcast), 2-D operands
    /// (broadcast; `b` shared: the folded product), for one element type.
    fn every_layout<T: Element + std::fmt::Debug>(f: impl Fn(f64) -> T + Copy) {
        let d = |shape: &[usize], seed: usize| data(shape, seed).mapv(f);
        let big = d(&[6, 10, 12], 1);
        let c = d(&[3, 4, 5], 2);
        let fo = c.t().to_owned().reversed_axes(); // F order
        let tr = d(&[3, 5, 4], 3);
        let one = d(&[1, 4, 5], 4);
        let swap = ndarray::IxDyn(&[0, 2, 1]);
        let lefts = [
            c.view(),
            fo.view(),
            big.slice(s![..;2, ..;-3, 2..7]).into_dyn(),
            tr.view().permuted_axes(swap.clone()),
            one.view(),
        ];
        let (bs, bt, b1) = (d(&[3, 5, 2], 5), d(&[3, 2, 5], 6), d(&[1, 5, 2], 7));
        let bbig = d(&[6, 11, 4], 8);
        let rights = [
            bs.view(),
            bt.view().permuted_axes(swap),
            b1.view(),
            bbig.slice(s![..;2, ..10;-2, 1..3]).into_dyn(),
        ];
        for av in &lefts {
            let a3 = av.view().into_dimensionality::<Ix3>().unwrap();
            let a2 = a3.index_axis(Axis(0), 0);
            for bv in &rights {
                let b3 = bv.view().into_dimensionality::<Ix3>().unwrap();
                let b2 = b3.index_axis(Axis(0), 0);
                same(a3.view(), b3.view());
                same(a3.view(), b2.view());
                same(a2.view(), b3.view());
                // Mismatched cores: the same error.
                same(b3.view(), b3.view());
                same(a2.view(), a3.view());
            }
        }
    }

    #[test]
    fn views_of_every_layout_equal_the_general_path() {
        every_layout(|x| x);
        every_layout(|x| x as f32);
        every_layout(|x| num_complex::Complex64::new(x, 1.0 - x));
        every_layout(|x| x as i64);
        // The owned C-order case runs the static path on every machine.
        let (a, b) = (data(&[3, 4, 5], 1), data(&[3, 5, 2], 2));
        let a3 = a.view().into_dimensionality::<Ix3>().unwrap();
        let b3 = b.view().into_dimensionality::<Ix3>().unwrap();
        let got = matmul(&a3, &b3).unwrap().unwrap().into_dyn();
        assert_eq!(got, general(&a, &b).unwrap());
    }

    #[test]
    fn errors_and_empty_stacks_equal_the_general_path() {
        let cases: [(&[usize], &[usize]); 6] = [
            (&[2, 3, 4], &[3, 4, 2]),
            (&[2, 3, 4], &[2, 5, 2]),
            (&[2, 3, 4], &[5, 2]),
            (&[3, 4], &[2, 5, 2]),
            (&[0, 3, 4], &[1, 4, 2]),
            (&[2, 0, 4], &[4, 0]),
        ];
        for (sa, sb) in cases {
            let (a, b) = (data(sa, 1), data(sb, 2));
            let want = general(&a, &b).map_err(|e| e.to_string());
            let (a3, b3) = (
                a.view().into_dimensionality::<Ix3>(),
                b.view().into_dimensionality::<Ix3>(),
            );
            let (a2, b2) = (
                a.view().into_dimensionality::<Ix2>(),
                b.view().into_dimensionality::<Ix2>(),
            );
            let got: R = match (a3, b3, a2, b2) {
                (Ok(a3), Ok(b3), _, _) => matmul(&a3, &b3),
                (Ok(a3), _, _, Ok(b2)) => matmul(&a3, &b2),
                (_, Ok(b3), Ok(a2), _) => matmul(&a2, &b3),
                _ => unreachable!("2-D or 3-D operands"),
            };
            let got = got
                .unwrap()
                .map(|r| r.into_dyn())
                .map_err(|e| e.to_string());
            assert_eq!(got, want, "{sa:?} @ {sb:?}");
        }
        // Too big: NumPy's message for the result's shape.
        let a = Array2::<f64>::zeros((1 << 31, 0));
        let a = a.broadcast((1 << 31, 1 << 31, 0)).unwrap();
        let b = Array2::<f64>::zeros((0, 1 << 31));
        let want = super::super::matmul(a.view().into_dyn(), b.view().into_dyn()).unwrap_err();
        assert_eq!(
            matmul(&a, &b).unwrap().unwrap_err().to_string(),
            want.to_string()
        );
    }
}
