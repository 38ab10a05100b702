//! `IxDyn` matrix products that one BLAS call or matrixmultiply computes are written straight
//! into their new `ArrayD` (`Element::gemm_new_dyn`, whose array is built before the kernel
//! runs). They must take the kernel the static (`Array2`) path takes on the same data — the
//! same call with the same flags, so the same bits — and the products around that route must
//! keep their own kernels: small ones, tall and skinny ones (`k ≤ 16`), a single row, `a · aᵀ`
//! (`?syrk`). Checked bit for bit against the static path, for `dot`, `inner` and `matmul`,
//! C, F, transposed and stepped operands, with the kernel chosen per shape and forced to BLAS
//! and to matrixmultiply, on data whose sums depend on the order of the additions.

use ndarray::{Array2, ArrayView2, ShapeBuilder, s};
use npdot::Element;
use npdot::tuning::{GemmKernel, set_gemm_kernel};
use num_complex::Complex;

/// Puts the kernel choice back to `Auto` when dropped (also when a check fails).
struct Kernel;

impl Drop for Kernel {
    fn drop(&mut self) {
        set_gemm_kernel(GemmKernel::Auto);
    }
}

/// An `(r, c)` matrix in C order, in F order, and inside one twice as wide (stepped columns),
/// of values whose products and sums round.
fn layouts<T: Element>(r: usize, c: usize, seed: usize, f: fn(f64) -> T) -> Vec<Array2<T>> {
    let val = |i: usize, j: usize| f(((i * 7 + j * 3 + seed) % 11) as f64 / 3.0 - 1.7);
    vec![
        Array2::from_shape_fn((r, c), |(i, j)| val(i, j)),
        Array2::from_shape_fn((r, c).f(), |(i, j)| val(i, j)),
        Array2::from_shape_fn((r, 2 * c), |(i, j)| val(i, j / 2)),
    ]
}

/// The views of [`layouts`]: C, F, stepped columns, and the transpose of a C `(c, r)` matrix.
fn views<'a, T: Element>(ms: &'a [Array2<T>], t: &'a Array2<T>) -> Vec<ArrayView2<'a, T>> {
    vec![ms[0].view(), ms[1].view(), ms[2].slice(s![.., ..;2]), t.t()]
}

/// `(n, k, m)`: every route near the one under test.
const SHAPES: [(usize, usize, usize); 9] = [
    (17, 17, 17), // not small: one call
    (16, 16, 16), // small for reals, not for complex
    (40, 8, 8),   // tall and skinny: the skinny kernel
    (40, 8, 5),   // k ≤ 16, a width the skinny kernel does not take
    (1, 8, 40),   // one row, k ≤ 16
    (1, 40, 40),  // one row
    (33, 20, 2),  // two columns
    (24, 24, 24), // one call
    (5, 40, 7),   // not small
];

fn check<T: Element + std::fmt::Debug>(f: fn(f64) -> T) {
    for (n, k, m) in SHAPES {
        let (am, bm) = (layouts(n, k, 1, f), layouts(k, m, 2, f));
        let (at, bt) = (
            layouts(k, n, 1, f).swap_remove(0),
            layouts(m, k, 2, f).swap_remove(0),
        );
        for a in views(&am, &at) {
            for b in views(&bm, &bt) {
                let (ad, bd) = (a.into_dyn(), b.into_dyn());
                let want: Array2<T> = npdot::matmul(&a, &b).unwrap();
                let got = npdot::matmul(&ad, &bd).unwrap();
                assert_eq!(got, want.into_dyn(), "matmul {n}×{k}·{k}×{m}");
                let want: Array2<T> = npdot::dot(&a, &b).unwrap();
                assert_eq!(npdot::dot(&ad, &bd).unwrap(), want.into_dyn(), "dot");
                // inner(a, bᵀ) = a · b, on `b`'s transpose as given.
                let want: Array2<T> = npdot::inner(&a, &b.t()).unwrap();
                let got = npdot::inner(&ad, &b.t().into_dyn()).unwrap();
                assert_eq!(got, want.into_dyn(), "inner");
            }
        }
        // a · aᵀ (`?syrk` and a mirror where the result is square and at least 16 wide).
        for a in views(&am, &at) {
            let want: Array2<T> = npdot::matmul(&a, &a.t()).unwrap();
            let got = npdot::matmul(&a.into_dyn(), &a.t().into_dyn()).unwrap();
            assert_eq!(got, want.into_dyn(), "a·aᵀ {n}×{k}");
        }
    }
}

#[test]
fn dyn_gemm_takes_the_static_kernel_bit_for_bit() {
    let _knobs = crate::knobs::exclusive();
    let _reset = Kernel;
    for kernel in [
        GemmKernel::Auto,
        GemmKernel::Blas,
        GemmKernel::Matrixmultiply,
    ] {
        set_gemm_kernel(kernel);
        check::<f64>(|x| x);
        check::<f32>(|x| x as f32);
        check::<Complex<f64>>(|x| Complex::new(x, 0.5 - x));
        check::<Complex<f32>>(|x| Complex::new(x as f32, 0.25 * x as f32));
    }
}
