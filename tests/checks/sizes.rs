//! Sizes: dimensions above the BLAS limit are split across several BLAS calls, and results too
//! big to exist are [`Error::TooBig`] — never a panic, a wrap-around or an allocation abort.
//!
//! The real limit is `i32::MAX` (LP64 OpenBLAS); products that large need tens of GB, so the
//! split is forced by lowering the limit with `npdot::tuning::set_blas_dim_limit`. The limit is
//! global: the tests that change it hold `LIMIT` so that they do not see each other's values.
//! With integer-valued data every split is exact, so results must be *identical* to the
//! unsplit ones; with general data, splitting `k` reorders additions, so those are compared
//! within the usual floating-point bound.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ndarray::{Array2, ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use npdot::prelude::*;
use num_complex::Complex;

static LIMIT: Mutex<()> = Mutex::new(());

/// Holds the limit lock; restores the default limit when dropped.
struct Limit<'a>(#[allow(dead_code)] MutexGuard<'a, ()>);

impl Limit<'_> {
    fn lock() -> Self {
        Limit(LIMIT.lock().unwrap_or_else(|e| e.into_inner()))
    }
    fn set(&self, l: usize) {
        npdot::tuning::set_blas_dim_limit(l);
    }
}

impl Drop for Limit<'_> {
    fn drop(&mut self) {
        npdot::tuning::set_blas_dim_limit(usize::MAX);
    }
}

trait Val: Element + std::fmt::Debug {
    fn from_i(i: i64) -> Self;
    fn from_f(x: f64, y: f64) -> Self;
    fn abs(self) -> f64;
    const EPS: f64;
}
impl Val for f32 {
    fn from_i(i: i64) -> Self {
        i as f32
    }
    fn from_f(x: f64, _: f64) -> Self {
        x as f32
    }
    fn abs(self) -> f64 {
        f64::from(self).abs()
    }
    const EPS: f64 = f32::EPSILON as f64;
}
impl Val for f64 {
    fn from_i(i: i64) -> Self {
        i as f64
    }
    fn from_f(x: f64, _: f64) -> Self {
        x
    }
    fn abs(self) -> f64 {
        self.abs()
    }
    const EPS: f64 = f64::EPSILON;
}
impl Val for Complex<f32> {
    fn from_i(i: i64) -> Self {
        Complex::new((i % 5) as f32, (i % 3) as f32)
    }
    fn from_f(x: f64, y: f64) -> Self {
        Complex::new(x as f32, y as f32)
    }
    fn abs(self) -> f64 {
        f64::from(self.norm())
    }
    const EPS: f64 = f32::EPSILON as f64;
}
impl Val for Complex<f64> {
    fn from_i(i: i64) -> Self {
        Complex::new((i % 5) as f64, (i % 3) as f64)
    }
    fn from_f(x: f64, y: f64) -> Self {
        Complex::new(x, y)
    }
    fn abs(self) -> f64 {
        self.norm()
    }
    const EPS: f64 = f64::EPSILON;
}

/// Deterministic pseudo-random integer-valued data in -4..=4.
fn int_data<T: Val>(shape: &[usize], seed: u64) -> ArrayD<T> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        T::from_i((s % 9) as i64 - 4)
    })
}

/// Deterministic pseudo-random data in (-1, 1).
fn real_data<T: Val>(shape: &[usize], seed: u64) -> ArrayD<T> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    ArrayD::from_shape_fn(IxDyn(shape), |_| T::from_f(next(), next()))
}

/// The products whose BLAS calls get split: every dim above small limits, every BLAS routine
/// (`?gemm` with both transposes, `?gemv` from both sides, `?dot`, `?syrk`), an F-order `out`,
/// N-D `dot`/`inner` and a batch. All are above the small-product cutoff (4096 multiply-adds),
/// so they reach BLAS. Returns one result array per product.
fn products<T: Val>(data: impl Fn(&[usize], u64) -> ArrayD<T>) -> Vec<(String, ArrayD<T>)> {
    let mut r = Vec::new();
    let a = data(&[23, 150], 1);
    let b = data(&[150, 29], 2);
    let bt = data(&[29, 150], 3);
    let at = data(&[150, 23], 4);
    let v = data(&[150], 5);
    let w = data(&[1000], 6);
    let w2 = data(&[1000], 7);
    r.push(("gemm".into(), a.matmul(&b).unwrap()));
    r.push(("gemm bᵀ".into(), a.matmul(&bt.t()).unwrap()));
    r.push(("gemm aᵀ".into(), at.t().matmul(&b).unwrap()));
    r.push(("gemm aᵀ bᵀ".into(), at.t().dot(&bt.t()).unwrap()));
    r.push(("gemv".into(), a.matmul(&v).unwrap()));
    r.push(("gemv aᵀ".into(), at.t().dot(&v).unwrap()));
    r.push(("vec·mat".into(), v.matmul(&b).unwrap()));
    r.push(("vec·matᵀ".into(), v.matmul(&bt.t()).unwrap()));
    r.push(("dot".into(), w.dot(&w2).unwrap()));
    r.push(("dot stepped".into(), {
        let ws = w.slice_axis(Axis(0), Slice::new(0, None, 2));
        ws.inner(&w2.slice_axis(Axis(0), (0..500).into())).unwrap()
    }));
    r.push(("syrk a·aᵀ".into(), a.matmul(&a.t()).unwrap()));
    r.push(("syrk inner(a, a)".into(), a.inner(&a).unwrap()));
    let mut f_out = ArrayD::<T>::from_elem(IxDyn(&[23, 29]).f(), T::zero());
    a.matmul_into(&b, &mut f_out).unwrap();
    r.push(("gemm into F-order out".into(), f_out));
    let a3 = data(&[3, 9, 150], 8);
    let b3 = data(&[4, 150, 11], 9);
    r.push(("N-D dot".into(), a3.dot(&b3).unwrap()));
    r.push((
        "N-D inner".into(),
        a3.inner(&data(&[2, 5, 150], 10)).unwrap(),
    ));
    r.push(("batch".into(), a3.matmul(&data(&[3, 150, 21], 11)).unwrap()));
    r
}

/// `a · b` by the textbook loops (2-D only), for checking the unsplit results.
fn naive<T: Val>(a: &ArrayViewD<'_, T>, b: &ArrayViewD<'_, T>) -> Array2<T> {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    Array2::from_shape_fn((m, n), |(i, j)| {
        (0..k).fold(T::zero(), |acc, p| acc.np_add(a[[i, p]].np_mul(b[[p, j]])))
    })
}

fn split_exact<T: Val>() {
    let lock = Limit::lock();
    let unsplit = products::<T>(int_data);
    // The unsplit product itself is right.
    let a = int_data::<T>(&[23, 150], 1);
    let b = int_data::<T>(&[150, 29], 2);
    assert_eq!(unsplit[0].1, naive(&a.view(), &b.view()).into_dyn());
    // Limit 1 makes ~10^5 BLAS calls per product: release builds only.
    let ones = if cfg!(debug_assertions) { 2 } else { 1 };
    for limit in [ones, 2, 3, 5, 7, 16, 22, 23, 24, 28, 29, 149, 150, 151] {
        lock.set(limit);
        assert_eq!(npdot::tuning::blas_dim_limit(), limit);
        for ((name, want), (_, got)) in unsplit.iter().zip(products::<T>(int_data)) {
            assert_eq!(
                &got,
                want,
                "{name} ({}) with blas_dim_limit {limit}",
                std::any::type_name::<T>()
            );
        }
    }
}

#[test]
fn split_products_equal_unsplit_exactly() {
    let _knobs = crate::knobs::exclusive();
    split_exact::<f32>();
    split_exact::<f64>();
    split_exact::<Complex<f32>>();
    split_exact::<Complex<f64>>();
}

fn split_close<T: Val>() {
    let lock = Limit::lock();
    let unsplit = products::<T>(real_data);
    // |split − unsplit| ≤ 2 · 4 · eps · (k + 2) · Σ|a||b| ≤ 8 · eps · (k + 2) · k  (|x| < √2).
    let k = 1000.0;
    let bound = 8.0 * T::EPS * (k + 2.0) * 2.0 * k;
    let mut identical = true;
    let ones = if cfg!(debug_assertions) { 2 } else { 1 };
    for limit in [ones, 3, 7, 29, 149] {
        lock.set(limit);
        for ((name, want), (_, got)) in unsplit.iter().zip(products::<T>(real_data)) {
            assert_eq!(got.shape(), want.shape(), "{name}");
            for (x, y) in got.iter().zip(want) {
                identical &= x == y;
                let d = (*x).np_add(y.np_mul(T::from_f(-1.0, 0.0))).abs();
                assert!(
                    d <= bound,
                    "{name} ({}) limit {limit}: {x:?} vs {y:?}",
                    std::any::type_name::<T>()
                );
            }
        }
    }
    println!(
        "{}: split results bit-identical to unsplit: {identical}",
        std::any::type_name::<T>()
    );
}

/// With general data the split reorders additions (k split) or changes the BLAS routine
/// (an m or n chunk of 1 becomes ?gemv): close, not necessarily identical.
#[test]
fn split_products_are_close_for_general_data() {
    let _knobs = crate::knobs::exclusive();
    split_close::<f32>();
    split_close::<f64>();
    split_close::<Complex<f64>>();
}

#[test]
fn limit_is_clamped() {
    let _knobs = crate::knobs::exclusive();
    let lock = Limit::lock();
    lock.set(0);
    assert_eq!(npdot::tuning::blas_dim_limit(), 1);
    lock.set(usize::MAX);
    assert_eq!(npdot::tuning::blas_dim_limit(), i32::MAX as usize);
}

// ---------------------------------------------------------------------------------------------
// Too big: stride-0 broadcast views have any shape whose element count fits in isize.

/// `one` (a 0-D array) broadcast to `shape`: stride 0 everywhere, no memory.
fn bc<'a, T: Element>(one: &'a ArrayD<T>, shape: &[usize]) -> ArrayViewD<'a, T> {
    one.broadcast(IxDyn(shape))
        .expect("element count fits in isize")
}

const H40: usize = 1 << 40;

fn too_big_for<T: Element>() {
    let one = ArrayD::<T>::from_elem(IxDyn(&[]), T::zero());
    let v = |s: &[usize]| bc(&one, s);
    let too_big = |r: Result<ArrayD<T>, Error>, what: &str| {
        assert_eq!(r.unwrap_err(), Error::TooBig, "{what} ({})", T::DTYPE);
        assert!(Error::TooBig.to_string().starts_with("array is too big"));
    };
    // Element counts that overflow usize (2^80, 2^66).
    too_big(
        v(&[H40, 1, 1, 3]).matmul(&v(&[1, H40, 3, 1])),
        "matmul 2^80",
    );
    too_big(v(&[1 << 33, 3]).dot(&v(&[3, 1 << 33])), "dot 2^66");
    too_big(v(&[1 << 33, 3]).inner(&v(&[1 << 33, 3])), "inner 2^66");
    too_big(v(&[H40, 5]).dot(&v(&[7, 5, H40])), "N-D dot");
    too_big(npdot::matmul(&v(&[H40, 3]), &v(&[3, H40])), "2-D matmul");
    // Counts between isize::MAX and usize::MAX.
    too_big(v(&[1 << 62, 1, 1, 1]).matmul(&v(&[2, 1, 1])), "matmul 2^63");
    // Zero dims do not excuse the others (NumPy: "array is too big" too).
    too_big(
        v(&[H40, 1, 0, 3]).matmul(&v(&[1, H40, 3, 1])),
        "empty matmul",
    );
    too_big(v(&[0, 1 << 33, 3]).dot(&v(&[3, 1 << 33])), "empty dot");
}

/// Element counts that overflow `usize` (or `isize`) are `Err(TooBig)`, for every element
/// type family, through every operation.
#[test]
fn overflowing_element_counts_are_errors() {
    let _knobs = crate::knobs::exclusive();
    too_big_for::<f64>();
    too_big_for::<Complex<f32>>();
    too_big_for::<i64>();
    too_big_for::<u8>();
    too_big_for::<bool>();
}

/// Regression (found by tests/checks/fuzz.rs): NumPy's limit is itemsize × (product of the non-zero
/// dims) ≤ isize::MAX, so an *empty* float64 result of shape (2^30, 2^31, 0, 1) is too big,
/// while the same uint8 result is fine (NumPy 2.4.6 checked: "array is too big" for float64).
#[test]
fn empty_results_count_bytes_of_nonzero_dims() {
    let _knobs = crate::knobs::exclusive();
    let one = ArrayD::<f64>::zeros(IxDyn(&[]));
    let a = bc(&one, &[1 << 30, 1, 0, 1]);
    let b = bc(&one, &[1, 1 << 31, 1, 1]);
    assert_eq!(a.matmul(&b).unwrap_err(), Error::TooBig);
    let one8 = ArrayD::<u8>::zeros(IxDyn(&[]));
    let r = bc(&one8, &[1 << 30, 1, 0, 1])
        .matmul(&bc(&one8, &[1, 1 << 31, 1, 1]))
        .unwrap();
    assert_eq!(r.shape(), &[1 << 30, 1 << 31, 0, 1]);
    // The small-product fast path (2-D, no work) must apply the same rule.
    let one16 = ArrayD::<i16>::zeros(IxDyn(&[]));
    let big = isize::MAX as usize;
    assert_eq!(
        bc(&one16, &[0, 1]).dot(&bc(&one16, &[1, big])).unwrap_err(),
        Error::TooBig
    );
    let onec = ArrayD::<Complex<f32>>::zeros(IxDyn(&[]));
    assert_eq!(
        bc(&onec, &[big, 0])
            .matmul(&bc(&onec, &[0, 0]))
            .unwrap_err(),
        Error::TooBig
    );
    // inner: (2^31, 1)·(2^31, 0, 1) → (2^31, 2^31, 0).
    assert_eq!(
        bc(&one, &[1 << 31, 1])
            .inner(&bc(&one, &[1 << 31, 0, 1]))
            .unwrap_err(),
        Error::TooBig
    );
}

/// Regression (found by tests/checks/fuzz.rs): `dot(a, b, out=out)` allocates nothing, so NumPy
/// reports a result too big to exist through its `out` checks, not as "too big".
#[test]
fn dot_into_never_reports_too_big() {
    let _knobs = crate::knobs::exclusive();
    let one = ArrayD::<u8>::zeros(IxDyn(&[]));
    let a = bc(&one, &[isize::MAX as usize, 0, 0]);
    let b = bc(&one, &[(1 << 31) - 1, 0, 9]);
    let mut out = ArrayD::<u8>::zeros(IxDyn(&[1, 0, (1 << 31) - 1, 9]));
    // NumPy 2.4.6: "output array has wrong dimensions".
    assert_eq!(
        a.dot_into(&b, &mut out).unwrap_err(),
        Error::OutputWrongDimensions
    );
    let a = bc(&one, &[1, 1 << 62, 1]);
    let b = bc(&one, &[1, 1 << 40]);
    let mut out = ArrayD::<u8>::zeros(IxDyn(&[1, 1, 1]));
    assert_eq!(
        a.dot_into(&b, &mut out).unwrap_err(),
        Error::OutputWrongDimensions
    );
    let mut out = ArrayD::<u8>::zeros(IxDyn(&[1, 1]));
    assert_eq!(
        a.dot_into(&b, &mut out).unwrap_err(),
        Error::OutputNotAcceptable
    );
}

/// Empty results of huge broadcast operands come back at once: nothing is copied or computed,
/// even for layouts BLAS cannot take (stride 0) that would otherwise be copied.
#[test]
fn empty_results_of_huge_operands_are_immediate() {
    let _knobs = crate::knobs::exclusive();
    let t0 = Instant::now();
    let one = ArrayD::<f64>::from_elem(IxDyn(&[]), 1.0);
    let zeros = ArrayD::<f64>::zeros(IxDyn(&[1, 0, 3]));
    let r = zeros.matmul(&bc(&one, &[H40, 3, 5])).unwrap();
    assert_eq!(r.shape(), &[H40, 0, 5]);
    let r = bc(&one, &[1, H40]).dot(&bc(&one, &[H40, 0])).unwrap();
    assert_eq!(r.shape(), &[1, 0]);
    let r = bc(&one, &[0, H40]).inner(&bc(&one, &[7, H40])).unwrap();
    assert_eq!(r.shape(), &[0, 7]);
    let r = bc(&one, &[3, 0, H40]).dot(&bc(&one, &[5, H40, 2])).unwrap();
    assert_eq!(r.shape(), &[3, 0, 5, 2]);
    let mut out = ArrayD::<f64>::zeros(IxDyn(&[2, 0, 4]));
    bc(&one, &[2, 0, H40])
        .matmul_into(&bc(&one, &[H40, 4]), &mut out)
        .unwrap();
    let i = ArrayD::<i32>::from_elem(IxDyn(&[]), 1);
    let r = bc(&i, &[H40, 0, 3]).matmul(&bc(&i, &[3, 2])).unwrap();
    assert_eq!(r.shape(), &[H40, 0, 2]);
    // k = 0 with a huge output count is still just zeros, but that one would need memory:
    // a (2, 0) · (0, 3) is the small version.
    let r = bc(&one, &[2, 0]).dot(&bc(&one, &[0, 3])).unwrap();
    assert_eq!(r, ArrayD::<f64>::zeros(IxDyn(&[2, 3])));
    assert!(
        t0.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t0.elapsed()
    );
}
