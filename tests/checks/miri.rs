//! Small deterministic cases through every pure-Rust code path, sized for Miri:
//! `cargo +nightly miri test --no-default-features --test checks miri::` (see `.ci/hardening.sh`).
//! They run (fast) in ordinary test runs too.
//!
//! Paths covered: the in-line small kernel (unrolled widths 4/8/16, contiguous rows, general
//! strides, the allocate-without-zero-fill `product_vec`), static matrix·vector up to 4×4 in
//! line and just past it, `matrixmultiply` (floats above the
//! small cutoff, any strides, complex), the integer and bool kernels, the batch driver (views
//! per item and raw small items, negative and zero batch strides, the rayon-parallel branch),
//! 1-D·1-D, N-D `dot`/`inner` (merged views and copies), the 0-D multiply paths and `*_into`
//! with strided, reversed and F-order `out`. With the `blas` feature the float cases go to
//! OpenBLAS instead (Miri cannot run that; the test is still a useful smoke test).
//!
//! Every result is compared with a textbook loop over integer-valued data, so exactly.

use ndarray::{Array2, ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use npdot::prelude::*;
use num_complex::Complex;

trait Num: Element + std::fmt::Debug {
    fn of(i: i64) -> Self;
}
macro_rules! num {
    ($($t:ty),*) => {$( impl Num for $t { fn of(i: i64) -> Self { i as $t } } )*};
}
num!(f32, f64, i8, i32, i64, u8, u16, u64);
impl Num for Complex<f64> {
    fn of(i: i64) -> Self {
        Complex::new(i as f64, (i % 3) as f64)
    }
}
impl Num for Complex<f32> {
    fn of(i: i64) -> Self {
        Complex::new(i as f32, -((i % 2) as f32))
    }
}
impl Num for bool {
    fn of(i: i64) -> Self {
        i % 3 == 0
    }
}

fn arr<T: Num>(shape: &[usize], seed: i64) -> ArrayD<T> {
    let mut i = seed;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        i = (i * 7 + 3) % 11;
        T::of(i - 5)
    })
}

/// The textbook matrix product of two 2-D views.
fn naive<T: Num>(a: &ArrayViewD<'_, T>, b: &ArrayViewD<'_, T>) -> ArrayD<T> {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    Array2::from_shape_fn((m, n), |(i, j)| {
        (0..k).fold(T::zero(), |acc, p| acc.np_add(a[[i, p]].np_mul(b[[p, j]])))
    })
    .into_dyn()
}

/// 2-D products of every layout combination: plain, transposed, reversed, stepped.
fn layouts_2d<T: Num>(m: usize, k: usize, n: usize) {
    let a = arr::<T>(&[m, 2 * k], 1);
    let b = arr::<T>(&[2 * k, n], 2);
    let at = arr::<T>(&[k, m], 3);
    let a_views: Vec<ArrayViewD<'_, T>> = vec![
        a.slice_axis(Axis(1), Slice::from(0..k)),
        a.slice_axis(Axis(1), Slice::new(0, None, 2)),
        at.t().into_dyn(),
        {
            let mut v = a.slice_axis(Axis(1), Slice::from(k..2 * k));
            v.invert_axis(Axis(0));
            v
        },
    ];
    let b_views: Vec<ArrayViewD<'_, T>> = vec![
        b.slice_axis(Axis(0), Slice::from(0..k)),
        b.slice_axis(Axis(0), Slice::new(isize::from(k > 0), None, 2)),
        {
            let mut v = b.slice_axis(Axis(0), Slice::from(k..2 * k));
            v.invert_axis(Axis(1));
            v
        },
    ];
    for av in &a_views {
        for bv in &b_views {
            let want = naive(av, bv);
            assert_eq!(av.matmul(bv).unwrap(), want, "matmul {m}x{k}x{n}");
            assert_eq!(av.dot(bv).unwrap(), want, "dot {m}x{k}x{n}");
            // F-order out and a reversed out.
            let mut f = ArrayD::from_elem(IxDyn(&[m, n]).f(), T::of(9));
            av.matmul_into(bv, &mut f).unwrap();
            assert_eq!(f, want);
            let mut r = ArrayD::from_elem(IxDyn(&[m, n]), T::of(9));
            let mut rv = r.view_mut();
            rv.invert_axis(Axis(1));
            av.matmul_into(bv, &mut rv).unwrap();
            assert_eq!(rv, want);
            let mut c = ArrayD::from_elem(IxDyn(&[m, n]), T::of(9));
            av.dot_into(bv, &mut c).unwrap();
            assert_eq!(c, want);
        }
    }
}

#[test]
fn small_kernel_widths_and_strides() {
    let _knobs = crate::knobs::shared();
    for n in [1, 3, 4, 8, 16] {
        layouts_2d::<f64>(3, 5, n);
        layouts_2d::<i32>(2, 4, n);
    }
    layouts_2d::<Complex<f32>>(3, 2, 4);
    layouts_2d::<bool>(4, 3, 5);
    layouts_2d::<u8>(0, 3, 4);
    layouts_2d::<i8>(3, 0, 4);
}

#[test]
fn above_the_small_cutoff() {
    let _knobs = crate::knobs::shared();
    // 17·17·17 > 4096 multiply-adds: matrixmultiply (floats) and the generic kernel (ints).
    layouts_2d::<f32>(17, 17, 17);
    layouts_2d::<Complex<f64>>(17, 17, 17);
    layouts_2d::<i64>(17, 17, 17);
    layouts_2d::<bool>(17, 17, 17);
    // Long single columns (n < 4, k > 32) skip the small kernel too.
    layouts_2d::<f64>(5, 40, 1);
    layouts_2d::<u16>(5, 40, 2);
}

#[test]
fn skinny_kernels() {
    let _knobs = crate::knobs::shared();
    // k <= 16 with many rows (n in {4, 8, 16}): the tall kernel writing a new, unzeroed result,
    // and in-place into `out` (matmul_into, dot_into) through the same row kernel.
    for n in [4, 8, 16] {
        let a = arr::<f64>(&[300, 6], 4);
        let b = arr::<f64>(&[6, n], 5);
        let want = naive(&a.view(), &b.view());
        assert_eq!(a.matmul(&b).unwrap(), want, "tall n={n}");
        let mut ar = a.view();
        ar.invert_axis(Axis(0));
        assert_eq!(
            ar.dot(&b).unwrap(),
            naive(&ar, &b.view()),
            "tall reversed n={n}"
        );
        let mut out = ArrayD::from_elem(IxDyn(&[300, n]), 9.0);
        a.matmul_into(&b, &mut out).unwrap();
        assert_eq!(out, want);
    }
    // Many rows: the rows are split over rayon's threads (>= 2^17 multiply-adds).
    let a = arr::<f32>(&[4100, 4], 6);
    let b = arr::<f32>(&[4, 8], 7);
    assert_eq!(a.matmul(&b).unwrap(), naive(&a.view(), &b.view()));
    // vector · matrix with k <= 16: blocks of 16 columns plus a remainder, also split in parallel.
    for (k, n) in [(4, 1030), (16, 9000)] {
        let x = arr::<f64>(&[k], 8);
        let b = arr::<f64>(&[k, n], 9);
        let want = naive(&x.view().insert_axis(Axis(0)), &b.view())
            .into_shape_with_order(IxDyn(&[n]))
            .unwrap();
        assert_eq!(x.matmul(&b).unwrap(), want, "vecmat {k}x{n}");
        assert_eq!(x.dot(&b).unwrap(), want, "vecmat dot {k}x{n}");
    }
}

fn batch_case<T: Num>(batch: usize, n: usize, k: usize, m: usize) {
    let a = arr::<T>(&[batch, n, k], 4);
    let b = arr::<T>(&[batch, k, m], 5);
    let mut ar = a.view();
    ar.invert_axis(Axis(0));
    let b1 = arr::<T>(&[1, k, m], 6);
    let bb = b1.broadcast(IxDyn(&[batch, k, m])).unwrap();
    for (av, bv) in [
        (a.view(), b.view()),
        (ar.view(), b.view()),
        (a.view(), bb.view()),
    ] {
        let got = av.matmul(&bv).unwrap();
        for i in 0..batch {
            let want = naive(&av.index_axis(Axis(0), i), &bv.index_axis(Axis(0), i));
            assert_eq!(got.index_axis(Axis(0), i), want, "item {i}");
        }
        // Into an out whose batch axis is reversed.
        let mut out = ArrayD::from_elem(IxDyn(&[batch, n, m]), T::of(7));
        let mut ov = out.view_mut();
        ov.invert_axis(Axis(0));
        av.matmul_into(&bv, &mut ov).unwrap();
        assert_eq!(ov, got);
    }
}

#[test]
fn batches() {
    let _knobs = crate::knobs::shared();
    batch_case::<f64>(3, 2, 3, 4);
    batch_case::<i32>(4, 3, 2, 8);
    batch_case::<f32>(2, 17, 17, 17);
    batch_case::<bool>(3, 4, 4, 4);
    batch_case::<u8>(0, 2, 2, 2);
    batch_case::<Complex<f64>>(2, 3, 0, 2);
}

/// Every way the batch driver writes a new stack result without zero-filling it first (each
/// item written whole by its kernel, or zero-filled just before a kernel that accumulates):
/// small items the unrolled kernel writes whole (row-major or packed strided `b`, one column),
/// small items it does not (a strided `b` too large to pack, `k == 0`), skinny and larger
/// items (matrixmultiply or BLAS, the integer and bool kernels).
#[test]
fn new_stack_results_are_written_whole() {
    let _knobs = crate::knobs::shared();
    fn check<T: Num>(batch: usize, n: usize, k: usize, m: usize) {
        let a = arr::<T>(&[batch, n, k], 8);
        let b = arr::<T>(&[batch, k, m], 9);
        let bt_data = arr::<T>(&[batch, m, k], 10);
        let bt = bt_data.view().permuted_axes(IxDyn(&[0, 2, 1]));
        for bv in [b.view(), bt] {
            let got = a.matmul(&bv).unwrap();
            for i in 0..batch {
                let want = naive(&a.index_axis(Axis(0), i), &bv.index_axis(Axis(0), i));
                assert_eq!(got.index_axis(Axis(0), i), want, "{n}x{k}x{m} item {i}");
            }
        }
    }
    check::<f64>(2, 3, 4, 8); // unrolled width
    check::<f64>(2, 5, 3, 1); // one column
    check::<f64>(2, 2, 64, 8); // small, strided b of 512 elements: zero-filled first
    check::<f32>(2, 3, 0, 5); // k == 0
    check::<f64>(2, 40, 8, 8); // skinny
    check::<f32>(2, 9, 33, 17); // above the small cutoff
    check::<Complex<f32>>(2, 9, 9, 9);
    check::<i64>(2, 17, 17, 17);
    check::<u8>(2, 2, 70, 5);
    check::<bool>(2, 18, 17, 16);
}

/// Enough total work (2^17 multiply-adds) for the batch driver's rayon branch.
#[test]
fn parallel_batch() {
    let _knobs = crate::knobs::shared();
    batch_case::<f32>(32, 16, 16, 16);
    batch_case::<i64>(32, 16, 16, 16);
}

#[test]
fn vectors_nd_and_scalars() {
    let _knobs = crate::knobs::shared();
    let v = arr::<f64>(&[9], 1);
    let w = arr::<f64>(&[18], 2);
    let ws = w.slice_axis(Axis(0), Slice::new(0, None, 2));
    let want: f64 = v.iter().zip(ws.iter()).map(|(x, y)| x * y).sum();
    assert_eq!(v.dot(&ws).unwrap()[[]], want);
    assert_eq!(v.inner(&ws).unwrap()[[]], want);
    assert_eq!(v.matmul(&ws).unwrap()[[]], want);
    let vi = arr::<i8>(&[40], 3);
    let s: i8 = vi
        .iter()
        .fold(0i8, |a, &x| a.wrapping_add(x.wrapping_mul(x)));
    assert_eq!(vi.dot(&vi).unwrap()[[]], s);

    // N-D dot and inner against per-slice products.
    let a = arr::<i32>(&[2, 3, 4], 4);
    let b = arr::<i32>(&[5, 4, 2], 5);
    let d = a.dot(&b).unwrap();
    assert_eq!(d.shape(), &[2, 3, 5, 2]);
    for i in 0..2 {
        for j in 0..5 {
            let want = naive(&a.index_axis(Axis(0), i), &b.index_axis(Axis(0), j));
            assert_eq!(d.index_axis(Axis(0), i).index_axis(Axis(1), j), want);
        }
    }
    let mut br = b.view();
    br.invert_axis(Axis(2));
    let d = a.dot(&br).unwrap();
    assert_eq!(
        d.index_axis(Axis(0), 1).index_axis(Axis(1), 4),
        naive(&a.index_axis(Axis(0), 1), &br.index_axis(Axis(0), 4))
    );
    let c = arr::<f32>(&[2, 3, 4], 6);
    let e = arr::<f32>(&[5, 4], 7);
    let inn = c.inner(&e).unwrap();
    assert_eq!(inn.shape(), &[2, 3, 5]);
    assert_eq!(
        inn.index_axis(Axis(0), 1),
        naive(&c.index_axis(Axis(0), 1), &e.t().into_dyn())
    );

    // 0-D operands: multiply (allocating, and both out= paths).
    let s = ArrayD::from_elem(IxDyn(&[]), 3i64);
    let m = arr::<i64>(&[2, 3], 8);
    assert_eq!(s.dot(&m).unwrap(), m.mapv(|x| 3 * x));
    let mut out = ArrayD::from_elem(IxDyn(&[4, 2, 3]), 0i64);
    m.dot_into(&s, &mut out).unwrap();
    assert_eq!(out.index_axis(Axis(0), 3), m.mapv(|x| 3 * x));
    let sf = ArrayD::from_elem(IxDyn(&[]), 2.0f64);
    let mf = arr::<f64>(&[2, 3], 9);
    let mut outf = ArrayD::from_elem(IxDyn(&[2, 3]), 0.0);
    sf.dot_into(&mf, &mut outf).unwrap();
    assert_eq!(outf, mf.mapv(|x| 2.0 * x));
}

#[test]
fn errors_do_not_touch_out() {
    let _knobs = crate::knobs::shared();
    let a = arr::<f64>(&[2, 3], 1);
    let mut out = ArrayD::from_elem(IxDyn(&[2, 3]), 5.0);
    assert!(a.matmul_into(&a, &mut out).is_err());
    assert!(a.dot_into(&a.t(), &mut out).is_err());
    assert!(out.iter().all(|&x| x == 5.0));
}

/// The product family's kernels with `unsafe` (outer/kron's write-once buffers, the tiled
/// transposing copy and the accumulated products of `tensordot`, the stack kernels of
/// `matvec`/`vecmat`, complex `vecmat` without a conjugated copy), on a few dozen elements,
/// against textbook loops.
#[test]
fn product_family_paths() {
    let _knobs = crate::knobs::shared();
    // outer and kron: written once into new buffers.
    let x = arr::<i64>(&[2, 3], 1);
    let y = arr::<i64>(&[4], 2);
    let o = npdot::outer(&x, &y).unwrap();
    let xf: Vec<i64> = x.iter().copied().collect();
    for (i, &a) in xf.iter().enumerate() {
        for (j, &b) in y.iter().enumerate() {
            assert_eq!(o[[i, j]], a * b);
        }
    }
    let k = npdot::kron(&x.t().to_owned(), &y).unwrap();
    assert_eq!(k.shape(), &[3, 8]);
    assert_eq!(k[[2, 5]], x[[1, 2]] * y[[1]]);

    // tensordot over a transposed pair (the tiled copy) and over a stepped axis (products
    // summed into the result), checked against the loop.
    let a = arr::<f64>(&[4, 5, 6], 3);
    let b = arr::<f64>(&[6, 5, 4], 4);
    let t = npdot::tensordot(&a, &b, ([0isize, 2], [2isize, 0])).unwrap();
    for i in 0..5 {
        for j in 0..5 {
            let mut s = 0.0;
            for p in 0..4 {
                for q in 0..6 {
                    s += a[[p, i, q]] * b[[q, j, p]];
                }
            }
            assert_eq!(t[[i, j]], s);
        }
    }
    let big = arr::<f64>(&[6, 20, 36], 5);
    let stepped = big.slice(ndarray::s![..;2, .., ..]);
    let w = arr::<f64>(&[3, 20, 48], 6);
    let t = npdot::tensordot(&stepped, &w, ([0isize, 1], [0isize, 1])).unwrap();
    for i in 0..36 {
        for j in 0..48 {
            let mut s = 0.0;
            for p in 0..3 {
                for q in 0..20 {
                    s += stepped[[p, q, i]] * w[[p, q, j]];
                }
            }
            assert_eq!(t[[i, j]], s);
        }
    }

    // matvec / vecmat stacks, a shared matrix, complex vecmat (conjugated as it is read).
    let m = arr::<f64>(&[3, 5, 6], 7);
    let v = arr::<f64>(&[3, 6], 8);
    let mv = npdot::matvec(&m, &v).unwrap();
    let vm = npdot::vecmat(&arr::<f64>(&[3, 5], 9), &m).unwrap();
    let u = arr::<f64>(&[3, 5], 9);
    for t in 0..3 {
        for r in 0..5 {
            let s: f64 = (0..6).map(|j| m[[t, r, j]] * v[[t, j]]).sum();
            assert_eq!(mv[[t, r]], s);
        }
        for j in 0..6 {
            let s: f64 = (0..5).map(|i| u[[t, i]] * m[[t, i, j]]).sum();
            assert_eq!(vm[[t, j]], s);
        }
    }
    let zc = arr::<Complex<f64>>(&[2, 40, 110], 10);
    let xc = arr::<Complex<f64>>(&[2, 40], 11);
    let got = npdot::vecmat(&xc, &zc).unwrap();
    let shared = npdot::vecmat(&xc, &zc.index_axis(Axis(0), 1)).unwrap();
    for t in 0..2 {
        for j in [0usize, 57, 109] {
            let s: Complex<f64> = (0..40).map(|i| xc[[t, i]].conj() * zc[[t, i, j]]).sum();
            assert_eq!(got[[t, j]], s);
            let s1: Complex<f64> = (0..40).map(|i| xc[[t, i]].conj() * zc[[1, i, j]]).sum();
            assert_eq!(shared[[t, j]], s1);
        }
    }
    let vd = npdot::vdot(&xc, &xc).unwrap();
    let want: Complex<f64> = xc.iter().map(|z| z.conj() * z).sum();
    assert_eq!(vd, want);
}

/// Static matrix·vector products of at most 4 rows and columns (computed in line) and just
/// past that (the out-of-line kernel), in every layout of the matrix (C, F, stepped,
/// reversed) and a stepped vector, against the textbook loop.
#[test]
fn static_small_mat_vec() {
    fn check<T: Num>() {
        for n in 1..=5 {
            for k in 0..=5 {
                let base = arr::<T>(&[2 * n + 1, 2 * k + 1], 1)
                    .into_dimensionality::<ndarray::Ix2>()
                    .unwrap();
                let c = base.slice(ndarray::s![..n, ..k]).to_owned();
                let mut f = Array2::from_elem((n, k).f(), T::zero());
                f.assign(&c);
                let stepped = base.slice(ndarray::s![..2 * n;2, ..2 * k;2]);
                let reversed = base.slice(ndarray::s![..n;-1, ..k;-1]);
                let xs = arr::<T>(&[2 * k + 1], 2)
                    .into_dimensionality::<ndarray::Ix1>()
                    .unwrap();
                let x = xs.slice(ndarray::s![..2 * k;2]);
                for a in [c.view(), f.view(), stepped, reversed] {
                    let want = naive(&a.into_dyn(), &x.insert_axis(Axis(1)).into_dyn());
                    let got = npdot::dot(&a, &x).unwrap();
                    assert_eq!(got.into_dyn(), want.index_axis(Axis(1), 0), "({n}, {k})");
                    let got = npdot::matmul(&a, &x).unwrap();
                    assert_eq!(got.into_dyn(), want.index_axis(Axis(1), 0), "({n}, {k})");
                }
            }
        }
    }
    let _knobs = crate::knobs::shared();
    check::<i64>();
    check::<f64>();
    check::<Complex<f64>>();
    if !cfg!(miri) {
        // The same generic code; under Miri three types cover it (141 s with all five).
        check::<u8>();
        check::<bool>();
    }
}
