//! Small products of static 2-D and 1-D operands (`Array2`·`Array2`, `Array2`·`Array1`,
//! `Array1`·`Array2`), which go straight to the in-line kernels, compute what the general
//! (`IxDyn`) path computes on the same data — bit for bit, since both take the same kernel —
//! and the textbook product (integer-valued data: exact in every dtype), for `dot`, `inner` and
//! `matmul`, every operand layout (C, F, transposed, reversed, stepped), sizes around the
//! tiny-integer (`m·n·k ≤ 64`), small-complex (`≤ 8³`) and small (`≤ 16³`) limits, with the
//! AVX-512 kernel copies on and off. Shape errors are the general path's.

use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder, s};
use npdot::Element;
use npdot::tuning::set_avx512;
use num_complex::Complex;

/// The layouts of an `(r, c)` matrix: C, F, a transposed C copy, reversed rows, every second
/// column of a wider matrix.
fn layouts<T: Element>(r: usize, c: usize, seed: usize, f: fn(i64) -> T) -> Vec<Array2<T>> {
    let val = |i: usize, j: usize| f(((i * 7 + j * 3 + seed) % 11) as i64 - 5);
    let cm = Array2::from_shape_fn((r, c), |(i, j)| val(i, j));
    let fm = Array2::from_shape_fn((r, c).f(), |(i, j)| val(i, j));
    let wide = Array2::from_shape_fn((r, 2 * c), |(i, j)| val(i, j / 2));
    vec![cm, fm, wide]
}

/// The views of one matrix to multiply: as stored, reversed rows, stepped columns.
fn views<T: Element>(ms: &[Array2<T>]) -> Vec<ArrayView2<'_, T>> {
    let c = ms[0].ncols();
    vec![
        ms[0].view(),
        ms[1].view(),
        ms[0].slice(s![..;-1, ..]),
        ms[2].slice(s![.., ..2 * c;2]),
    ]
}

/// `Σ_p a[i, p]·b[p, j]` in order (exact on these integer-valued data).
fn naive<T: Element>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> Array2<T> {
    Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
        (0..a.ncols()).fold(T::zero(), |acc, p| acc.np_add(a[[i, p]].np_mul(b[[p, j]])))
    })
}

fn check_type<T: Element + std::fmt::Debug>(f: fn(i64) -> T) {
    let sizes = [1usize, 2, 3, 4, 5, 8, 9, 16];
    for &m in &sizes {
        for &k in &sizes {
            for &n in &sizes {
                if m * n * k > 16 * 16 * 16 || (m * n * k > 600 && m != k) {
                    continue;
                }
                let am = layouts(m, k, 1, f);
                let bm = layouts(k, n, 2, f);
                for av in views(&am) {
                    for bv in views(&bm) {
                        let want = naive(&av, &bv);
                        let (ad, bd) = (av.view().into_dyn(), bv.view().into_dyn());
                        let got: Array2<T> = npdot::dot(&av, &bv).unwrap();
                        assert_eq!(got, want, "dot {m}x{k}x{n}");
                        let general = npdot::dot(&ad, &bd).unwrap();
                        assert_eq!(got.into_dyn(), general, "dot {m}x{k}x{n} general");
                        let got: Array2<T> = npdot::matmul(&av, &bv).unwrap();
                        assert_eq!(got, want, "matmul {m}x{k}x{n}");
                        let general = npdot::matmul(&ad, &bd).unwrap();
                        assert_eq!(got.into_dyn(), general, "matmul {m}x{k}x{n} general");
                        let bt = bv.t();
                        let got: Array2<T> = npdot::inner(&av, &bt).unwrap();
                        assert_eq!(got, want, "inner {m}x{k}x{n}");
                        let general = npdot::inner(&ad, &bt.into_dyn()).unwrap();
                        assert_eq!(got.into_dyn(), general, "inner {m}x{k}x{n} general");
                        // Matrix·vector and vector·matrix on the same data.
                        let x: Array1<T> = bv.column(0).to_owned();
                        let got: Array1<T> = npdot::dot(&av, &x).unwrap();
                        assert_eq!(got, want.column(0), "mv {m}x{k}");
                        let y: Array1<T> = av.row(0).to_owned();
                        let got: Array1<T> = npdot::dot(&y, &bv).unwrap();
                        assert_eq!(got, want.row(0), "vm {k}x{n}");
                        check_vectors(&av, &bv, &x, &y, &want);
                    }
                }
                if k > 1 {
                    // Misaligned: the general path's message.
                    let b2 = Array2::from_shape_fn((k - 1, n), |_| f(1));
                    let e = npdot::dot(&am[0], &b2).unwrap_err();
                    let g = npdot::dot(&am[0].view().into_dyn(), &b2.view().into_dyn());
                    assert_eq!(e.to_string(), g.unwrap_err().to_string());
                    let e = npdot::inner(&am[0], &b2.t()).unwrap_err();
                    let g = npdot::inner(&am[0].view().into_dyn(), &b2.t().into_dyn());
                    assert_eq!(e.to_string(), g.unwrap_err().to_string());
                    let e = npdot::matmul(&am[0], &b2).unwrap_err();
                    let g = npdot::matmul(&am[0].view().into_dyn(), &b2.view().into_dyn());
                    assert_eq!(e.to_string(), g.unwrap_err().to_string());
                }
            }
        }
    }
}

/// Matrix·vector and vector·matrix of `inner` (static) and of `dot`, `inner` and `matmul` on
/// `IxDyn` operands (strided vectors too): the textbook product, and the static result
/// bit for bit.
fn check_vectors<T: Element + std::fmt::Debug>(
    av: &ArrayView2<'_, T>,
    bv: &ArrayView2<'_, T>,
    x: &Array1<T>,
    y: &Array1<T>,
    want: &Array2<T>,
) {
    let (m, k, n) = (av.nrows(), av.ncols(), bv.ncols());
    let (mv, vm) = (want.column(0).to_owned(), want.row(0).to_owned());
    let got: Array1<T> = npdot::inner(av, x).unwrap();
    assert_eq!(got, mv, "inner mv {m}x{k}");
    let got: Array1<T> = npdot::inner(y, &bv.t()).unwrap();
    assert_eq!(got, vm, "inner vm {k}x{n}");
    // Every second element of a longer vector: strided.
    let x2 = Array1::from_shape_fn(2 * k, |i| x[i / 2]);
    let y2 = Array1::from_shape_fn(2 * k, |i| y[i / 2]);
    for (xs, ys) in [
        (x.view(), y.view()),
        (x2.slice(s![..;2]), y2.slice(s![..;2])),
    ] {
        let (ad, bd, btd) = (
            av.view().into_dyn(),
            bv.view().into_dyn(),
            bv.t().into_dyn(),
        );
        let (xd, yd) = (xs.into_dyn(), ys.into_dyn());
        let st: Array1<T> = npdot::dot(av, &xs).unwrap();
        assert_eq!(st, mv, "mv {m}x{k} strided");
        assert_eq!(
            npdot::dot(&ad, &xd).unwrap(),
            st.clone().into_dyn(),
            "dyn dot mv"
        );
        assert_eq!(
            npdot::matmul(&ad, &xd).unwrap(),
            st.clone().into_dyn(),
            "dyn matmul mv"
        );
        assert_eq!(
            npdot::inner(&ad, &xd).unwrap(),
            st.into_dyn(),
            "dyn inner mv"
        );
        let st: Array1<T> = npdot::matmul(&ys, bv).unwrap();
        assert_eq!(st, vm, "vm {k}x{n} strided");
        assert_eq!(
            npdot::dot(&yd, &bd).unwrap(),
            st.clone().into_dyn(),
            "dyn dot vm"
        );
        assert_eq!(
            npdot::matmul(&yd, &bd).unwrap(),
            st.clone().into_dyn(),
            "dyn matmul vm"
        );
        assert_eq!(
            npdot::inner(&yd, &btd).unwrap(),
            st.into_dyn(),
            "dyn inner vm"
        );
    }
}

fn all_types() {
    check_type::<f64>(|v| v as f64);
    check_type::<f32>(|v| v as f32);
    check_type::<Complex<f64>>(|v| Complex::new(v as f64, (v % 3) as f64));
    check_type::<Complex<f32>>(|v| Complex::new((v % 4) as f32, v as f32));
    check_type::<i64>(|v| v * 1_000_000_007);
    check_type::<i32>(|v| v as i32 * 46_341);
    check_type::<u8>(|v| (v * 37) as u8);
    check_type::<bool>(|v| v % 3 == 0);
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn static_small_products_match_the_general_path_and_the_textbook_product() {
    let _knobs = crate::knobs::exclusive();
    all_types();
    set_avx512(false);
    all_types();
    set_avx512(true);
}

/// NumPy's scalar branch (float `dot`/`inner` with a 1×1 operand) stays on the general path:
/// the static result is the general path's.
#[test]
fn one_by_one_float_operands() {
    let _knobs = crate::knobs::exclusive();
    let s = Array2::from_elem((1, 1), 3.0f64);
    let row = Array2::from_shape_fn((1, 5), |(_, j)| j as f64 - 2.0);
    let col = row.t().to_owned();
    let got: Array2<f64> = npdot::dot(&col, &s).unwrap();
    assert_eq!(got, ndarray::array![[-6.0], [-3.0], [0.0], [3.0], [6.0]]);
    let got: Array2<f64> = npdot::dot(&s, &row).unwrap();
    assert_eq!(got, ndarray::array![[-6.0, -3.0, 0.0, 3.0, 6.0]]);
    let got: Array2<f64> = npdot::inner(&s, &col).unwrap();
    assert_eq!(got, ndarray::array![[-6.0, -3.0, 0.0, 3.0, 6.0]]);
    let got: Array2<f64> = npdot::matmul(&s, &s).unwrap();
    assert_eq!(got, ndarray::array![[9.0]]);
}
