//! Unit tests of the vector kernels against naive in-order references, for every element
//! type and layout: contiguous, transposed, negative and stepped strides, zero length. The
//! `miri_` tests are small enough for Miri (no FFI, no SIMD copies there).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder, s};
use num_complex::Complex;

use super::*;

/// Test values of a type from small integers (exact in every type).
trait Val: Element {
    fn val(i: i64) -> Self;
    /// Whether `got` equals `want` up to the rounding of a reordered sum of `k` products of
    /// magnitudes ≤ `mag`.
    fn close(got: Self, want: Self, k: usize, mag: f64) -> bool;
}

macro_rules! int_val {
    ($($t:ty),*) => {$(
        impl Val for $t {
            fn val(i: i64) -> Self {
                i as $t
            }
            fn close(got: Self, want: Self, _: usize, _: f64) -> bool {
                got == want
            }
        }
    )*};
}
int_val!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Val for bool {
    fn val(i: i64) -> Self {
        i % 3 == 0
    }
    fn close(got: Self, want: Self, _: usize, _: f64) -> bool {
        got == want
    }
}

macro_rules! float_val {
    ($($t:ty),*) => {$(
        impl Val for $t {
            fn val(i: i64) -> Self {
                (i % 17) as $t * 0.375 - 2.5
            }
            fn close(got: Self, want: Self, k: usize, mag: f64) -> bool {
                (got as f64 - want as f64).abs() <= 4.0 * <$t>::EPSILON as f64 * (k as f64 + 2.0) * mag
            }
        }
        impl Val for Complex<$t> {
            fn val(i: i64) -> Self {
                Complex::new(<$t>::val(i), <$t>::val(3 * i + 1))
            }
            fn close(got: Self, want: Self, k: usize, mag: f64) -> bool {
                <$t>::close(got.re, want.re, k, 2.0 * mag) && <$t>::close(got.im, want.im, k, 2.0 * mag)
            }
        }
    )*};
}
float_val!(f32, f64);

/// `Σ x[i]·y[i]` in order.
fn naive_dot<T: Element>(x: ArrayView1<'_, T>, y: ArrayView1<'_, T>) -> T {
    x.iter()
        .zip(y)
        .fold(T::zero(), |s, (&a, &b)| s.np_add(a.np_mul(b)))
}

/// `a · x` in order.
fn naive_mat_vec<T: Element>(a: ArrayView2<'_, T>, x: ArrayView1<'_, T>) -> Vec<T> {
    a.rows().into_iter().map(|r| naive_dot(r, x)).collect()
}

/// Largest |value| of the test data (for the float tolerance).
const MAG: f64 = 8.0 * 8.0;

fn vec_of<T: Val>(n: usize, seed: i64) -> Array1<T> {
    Array1::from_shape_fn(n, |i| T::val(i as i64 * 7 + seed))
}

/// Every layout of a vector of `n` elements: contiguous, reversed, stepped, stepped reversed.
fn with_vector_layouts<T: Val>(n: usize, seed: i64, f: &mut dyn FnMut(ArrayView1<'_, T>)) {
    let base = vec_of::<T>(3 * n + 1, seed);
    f(base.slice(s![..n]));
    f(base.slice(s![..n;-1]));
    f(base.slice(s![..3 * n;3]));
    f(base.slice(s![1..2 * n + 1;-2]));
}

fn check_dot<T: Val>() {
    for n in [
        0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 191, 192, 193,
        257,
    ] {
        let y0 = vec_of::<T>(n, 5);
        with_vector_layouts::<T>(n, 1, &mut |x| {
            with_vector_layouts::<T>(n, 3, &mut |y| {
                let (got, want) = (dot(x, y), naive_dot(x, y));
                assert!(
                    T::close(got, want, n, MAG),
                    "{} n={n}: {got:?} vs {want:?}",
                    T::DTYPE
                );
            });
            let (got, want) = (dot(x, y0.view()), naive_dot(x, y0.view()));
            assert!(T::close(got, want, n, MAG), "{} n={n}", T::DTYPE);
        });
    }
}

fn check_mat_vec<T: Val>() {
    for (n, k) in [
        (0, 3),
        (3, 0),
        (1, 1),
        (2, 2),
        (3, 5),
        (4, 4),
        (1, 3),
        (4, 1),
        (2, 4),
        (4, 5),
        (5, 4),
        (2, 9),
        (3, 2),
        (5, 17),
        (6, 6),
        (7, 3),
        (8, 8),
        (8, 40),
        (9, 4),
        (16, 16),
        (33, 9),
    ] {
        let c = Array2::from_shape_fn((n, k), |(i, j)| T::val((i * 5 + j * 3) as i64));
        let f = Array2::from_shape_fn((n, k).f(), |(i, j)| T::val((i * 5 + j * 3) as i64));
        let big =
            Array2::from_shape_fn((2 * n + 1, 3 * k + 1), |(i, j)| T::val((i * 11 + j) as i64));
        let stepped = big.slice(s![..2 * n;2, ..3 * k;3]);
        let negative = big.slice(s![..n;-1, 1..k + 1;-1]);
        let ct = Array2::from_shape_fn((k, n), |(j, i)| T::val((i * 5 + j * 3) as i64));
        let layouts = [c.view(), f.view(), stepped, negative, ct.t()];
        for a in layouts {
            with_vector_layouts::<T>(k, 2, &mut |x| {
                let got = mat_vec_new(a, x).unwrap();
                let want = naive_mat_vec(a, x);
                assert_eq!(got.len(), n);
                for (g, w) in got.iter().zip(&want) {
                    assert!(
                        T::close(*g, *w, k, MAG),
                        "{} ({n},{k}) {:?}",
                        T::DTYPE,
                        a.strides()
                    );
                }
                // vector · matrix is the same product of the transpose.
                let got_vm = vec_mat_new(x, a.t()).unwrap();
                assert_eq!(got_vm, got);
                // The same kernel into a new `ArrayD`, from the arrays as they are.
                let (ad, xd) = (a.into_dyn(), x.into_dyn());
                let got_dyn = super::super::dyn_place::through_dyn_place(|p| {
                    mat_vec_arrays_dyn(&ad, false, &xd, p)
                })
                .unwrap();
                assert_eq!(got_dyn, Array1::from_vec(got.clone()).into_dyn());
                let got_dyn = super::super::dyn_place::through_dyn_place(|p| {
                    mat_vec_arrays_dyn(&a.t(), true, &x, p)
                })
                .unwrap();
                assert_eq!(got_dyn.into_raw_vec_and_offset().0, got);
            });
        }
    }
}

macro_rules! every_type {
    ($name:ident, $check:ident) => {
        #[test]
        fn $name() {
            $check::<f32>();
            $check::<f64>();
            $check::<Complex<f32>>();
            $check::<Complex<f64>>();
            $check::<i8>();
            $check::<i16>();
            $check::<i32>();
            $check::<i64>();
            $check::<isize>();
            $check::<u8>();
            $check::<u16>();
            $check::<u32>();
            $check::<u64>();
            $check::<usize>();
            $check::<bool>();
        }
    };
}
every_type!(dot_matches_the_naive_sum, check_dot);
every_type!(mat_vec_matches_the_naive_product, check_mat_vec);

#[test]
fn integers_wrap_and_bool_is_or_of_ands() {
    let x = Array1::from_elem(40, 100i8);
    let y = Array1::from_elem(40, 3i8);
    assert_eq!(
        dot(x.view(), y.view()),
        100i8.wrapping_mul(3).wrapping_mul(40)
    );
    let a = Array1::from_shape_fn(20, |i| i % 3 == 0);
    let b = Array1::from_shape_fn(20, |i| i == 9);
    assert!(dot(a.view(), b.view()));
    assert!(!dot(a.view(), Array1::from_elem(20, false).view()));
    let m = Array2::from_elem((3, 40), 100u8);
    assert_eq!(
        mat_vec_new(m.view(), Array1::from_elem(40, 3u8).view()).unwrap(),
        vec![100u8.wrapping_mul(3).wrapping_mul(40); 3]
    );
}

#[test]
fn complex_products_do_not_conjugate() {
    let x = Array1::from_shape_fn(19, |i| Complex::new(i as f64, 1.0 - i as f64));
    let y = Array1::from_shape_fn(19, |i| Complex::new(2.0, i as f64 % 3.0));
    let want = x
        .iter()
        .zip(&y)
        .fold(Complex::new(0.0, 0.0), |s, (a, b)| s + a * b);
    assert_eq!(dot(x.view(), y.view()), want);
}

#[test]
fn results_are_summed_from_zero() {
    // -0.0 · 1 summed from +0.0 is +0.0, as BLAS and the general kernels give.
    let a = Array2::from_elem((3, 2).f(), -0.0f64);
    let x = Array1::from_elem(2, 1.0f64);
    for v in mat_vec_new(a.view(), x.view()).unwrap() {
        assert!(v == 0.0 && v.is_sign_positive());
    }
    let c = a.as_standard_layout().to_owned();
    for v in mat_vec_new(c.view(), x.view()).unwrap() {
        assert!(v == 0.0 && v.is_sign_positive());
    }
}

#[test]
fn few_rows_are_summed_in_order() {
    // Sums whose rounding depends on the order (1e16 + 1 - 1e16): every strided or short layout
    // of up to 8 rows gives the in-order sum of each row bit for bit.
    let v = [1e16, 1.0, -1e16, 1.0, 3.0, -1e16, 1e16, 0.5];
    for n in 1..=8 {
        for k in [2, 3, 5, 8, 11] {
            let c = Array2::from_shape_fn((n, k), |(i, j)| v[(i + j) % 8]);
            let f = Array2::from_shape_fn((n, k).f(), |(i, j)| v[(i + j) % 8]);
            let big = Array2::from_shape_fn((2 * n + 1, 3 * k + 1), |(i, j)| v[(i + j) % 8]);
            let stepped = big.slice(s![..2 * n;2, ..3 * k;3]);
            let negative = big.slice(s![..n;-1, 1..k + 1;-1]);
            let x = Array1::from_shape_fn(k, |j| v[(3 * j + 1) % 8] * 1e-16 + 1.0);
            for (a, strict) in [
                (c.view(), k < 8),
                (f.view(), true),
                (stepped, true),
                (negative, true),
            ] {
                let got = mat_vec_new(a, x.view()).unwrap();
                let want = naive_mat_vec(a, x.view());
                if strict {
                    assert_eq!(got, want, "({n},{k}) {:?}", a.strides());
                }
                let got_vm = vec_mat_new(x.view(), a.t()).unwrap();
                assert_eq!(got_vm, got);
            }
        }
    }
}

#[test]
fn sixteen_adjacent_rows_are_summed_in_order() {
    // Matrices of 16 rows with adjacent rows (`rs == 1`: F order, a transposed C matrix, and
    // the matrix of a vector·matrix product) take the register path of `UNIT_ROWS`; 15 and 17
    // rows the column updates. Every element is the in-order sum of its row, bit for bit, for
    // both copies of the kernel (k·16 below and above `MAT_VEC_AVX2_MIN`).
    let v = [1e16, 1.0, -1e16, 1.0, 3.0, -1e16, 1e16, 0.5];
    for n in [15, 16, 17] {
        for k in [1, 2, 3, 8, 15, 16, 17, 40] {
            let f = Array2::from_shape_fn((n, k).f(), |(i, j)| v[(i + 2 * j) % 8]);
            let ct = Array2::from_shape_fn((k, n), |(j, i)| v[(i + 2 * j) % 8]);
            let wide = Array2::from_shape_fn((n, 2 * k).f(), |(i, j)| v[(i + j) % 8]);
            let stepped = wide.slice(s![.., ..;2]);
            let x = Array1::from_shape_fn(k, |j| v[(3 * j + 1) % 8] * 1e-16 + 1.0);
            let xs = Array1::from_shape_fn(2 * k, |j| v[(3 * j / 2 + 1) % 8] * 1e-16 + 1.0);
            for a in [f.view(), ct.t(), stepped] {
                assert_eq!(a.strides()[0], 1);
                for x in [x.view(), xs.slice(s![..;2])] {
                    let got = mat_vec_new(a, x).unwrap();
                    assert_eq!(got, naive_mat_vec(a, x), "({n},{k}) {:?}", a.strides());
                    let got_vm = vec_mat_new(x, a.t()).unwrap();
                    assert_eq!(got_vm, got);
                }
            }
        }
    }
}

#[test]
fn allocation_failure_is_an_error() {
    // A broadcast matrix of 2^60 rows (stride 0): its result cannot be allocated.
    let one = Array2::<f64>::zeros((1, 1));
    let a = one.broadcast((1usize << 60, 1)).unwrap();
    let x = Array1::<f64>::zeros(1);
    let r = mat_vec_new(a, x.view());
    assert!(matches!(r, Err(crate::Error::MemoryError { .. })), "{r:?}");
}

#[test]
fn miri_small_layouts() {
    let a = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as i32);
    let x = Array1::from_shape_fn(4, |j| j as i32 - 1);
    let want = naive_mat_vec(a.view(), x.view());
    assert_eq!(mat_vec_new(a.view(), x.view()).unwrap(), want);
    let f = a.t().as_standard_layout().to_owned();
    assert_eq!(mat_vec_new(f.t(), x.view()).unwrap(), want);
    assert_eq!(
        mat_vec_new(a.slice(s![..;-1, ..;-1]), x.view()).unwrap(),
        naive_mat_vec(a.slice(s![..;-1, ..;-1]), x.view())
    );
    assert_eq!(
        dot(x.view(), x.slice(s![..;-1])),
        naive_dot(x.view(), x.slice(s![..;-1]))
    );
    let e = Array1::<f64>::zeros(0);
    assert_eq!(dot(e.view(), e.view()), 0.0);
    let z = Array2::<f64>::zeros((2, 0));
    assert_eq!(mat_vec_new(z.view(), e.view()).unwrap(), vec![0.0, 0.0]);
}

/// Tiny integer and `bool` matrix products: every shape up to 4×4·4×4, C and F order,
/// transposed, reversed and stepped operands, against the naive product; full-range values
/// wrap.
fn check_tiny_mat_mat<T: Val>() {
    if !takes_tiny_mat_mat::<T>(1, 1, 1) {
        assert!(
            !takes_tiny_mat_mat::<T>(2, 2, 2),
            "floats never take the tiny path"
        );
        return;
    }
    assert!(!takes_tiny_mat_mat::<T>(4, 4, 5) && !takes_tiny_mat_mat::<T>(0, 4, 4));
    // An empty sum does not make a huge result tiny.
    assert!(!takes_tiny_mat_mat::<T>(1 << 40, 1 << 40, 0) && takes_tiny_mat_mat::<T>(8, 8, 0));
    for m in 1..=4 {
        for k in 0..=4 {
            for n in 1..=4 {
                let a = Array2::from_shape_fn((2 * m, 2 * k + 1), |(i, j)| {
                    T::val((i * 31 + j * 7) as i64 * 1_000_003 + 5)
                });
                let b = Array2::from_shape_fn((k, n).f(), |(i, j)| T::val((i * 13 + j) as i64 - 4));
                let views_a = [
                    a.slice(s![..m, ..k]),
                    a.slice(s![..2 * m;2, 1..2 * k + 1;2]),
                    a.slice(s![..m;-1, ..k;-1]),
                ];
                for av in views_a {
                    for bv in [b.view(), b.slice(s![..;-1, ..])] {
                        let want: Vec<T> = av
                            .rows()
                            .into_iter()
                            .flat_map(|r| bv.columns().into_iter().map(move |c| naive_dot(r, c)))
                            .collect();
                        let bt = bv.t().to_owned();
                        for got in [mat_mat_matrix(av, bv), mat_mat_matrix(av, bt.t())] {
                            let got = got.unwrap();
                            assert!(got.is_standard_layout() && got.dim() == (m, n));
                            assert_eq!(got.into_iter().collect::<Vec<T>>(), want, "{m}x{k}x{n}");
                        }
                    }
                }
            }
        }
    }
}
every_type!(tiny_mat_mat_matches_the_naive_product, check_tiny_mat_mat);

#[test]
fn complex_dot_takes_every_element_once() {
    // Small integers: every order of the sums is exact, so the split sums of `dot_parts` must
    // give the in-order element-wise sum bit for bit, for every tail length.
    fn check<F: Val + std::ops::Sub<Output = F>>()
    where
        Complex<F>: Val,
    {
        for n in 0..=41 {
            let x = Array1::from_shape_fn(n, |i| Complex::<F>::val(i as i64 * 5 + 2));
            let y = Array1::from_shape_fn(n, |i| Complex::<F>::val(i as i64 * 3 + 7));
            let want = naive_dot(x.view(), y.view());
            assert_eq!(dot(x.view(), y.view()), want, "n={n}");
            if n >= LANES {
                let parts = |v: &Array1<Complex<F>>| -> Vec<[F; 2]> {
                    v.iter().map(|c| [c.re, c.im]).collect()
                };
                let [re, im] = dot_parts(&parts(&x), &parts(&y));
                assert_eq!(Complex::new(re, im), want, "n={n}");
            }
        }
    }
    check::<f64>();
    check::<f32>();
}
