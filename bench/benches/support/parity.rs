//! ndarray parity: every product ndarray's own `dot` can do — vector·vector (`vv`),
//! matrix·vector (`mv`), vector·matrix (`vm`), matrix·matrix (`mm`) — for f32, f64,
//! Complex<f64>, i64, i32, u8 at n ∈ {2, 3, 4, 8, 16, 64, 256, 1024}, with contiguous operands
//! (`c`) and with the matrix transposed (`t`: the left operand of `mv`/`mm`, the right one of
//! `vm`). Each case times npdot's `dot` as a user calls it (result allocated) next to ndarray's
//! `a.dot(&b)` on the same data and, for the float types where it applies, the raw CBLAS call
//! into a preallocated output. Shared by `benches/parity.rs` (criterion) and
//! `examples/parity_table.rs` (the interleaved table of the README).
//!
//! Integer matrix·matrix at n = 1024 is left out: ndarray's generic loop takes seconds per call
//! there (npdot: milliseconds), so the case says nothing and costs most of a run.

use std::hint::black_box;
use std::rc::Rc;

use ndarray::{Array1, Array2, Ix1, Ix2, LinalgScalar};
use num_complex::Complex64;

use super::{Gen, Job, RawCall, arr, ddot, dgemv, gemm};

/// Sizes of the grid.
pub const SIZES: &[usize] = &[2, 3, 4, 8, 16, 64, 256, 1024];

/// The shape families, in table order.
pub const FAMILIES: &[&str] = &["vv", "mv", "vm", "mm"];

/// The element types, in table order.
pub const DTYPES: &[&str] = &["f64", "f32", "c128", "i64", "i32", "u8"];

/// The data and closures of one parity case.
pub struct ParityCase {
    /// `npdot::dot(&a, &b)`, result allocated.
    pub npdot: Job,
    /// ndarray's `a.dot(&b)`.
    pub ndarray: Job,
    /// The raw CBLAS call on the same buffers, output preallocated (float types only).
    pub raw: Option<Job>,
}

/// One parity case: `family`, `dtype`, `n`, transposed or not.
#[derive(Clone, Copy, Debug)]
pub struct ParitySpec {
    /// `vv`, `mv`, `vm` or `mm`.
    pub family: &'static str,
    /// One of [`DTYPES`].
    pub dtype: &'static str,
    /// The size of every dimension.
    pub n: usize,
    /// Whether the matrix operand is a transposed view.
    pub trans: bool,
}

impl ParitySpec {
    /// `family/dtype_n_layout`, e.g. `mv/f64_16_t`.
    pub fn name(&self) -> String {
        format!(
            "{}/{}_{}_{}",
            self.family,
            self.dtype,
            self.n,
            if self.trans { "t" } else { "c" }
        )
    }

    /// Makes the data and the closures (and checks npdot against ndarray once).
    pub fn build(&self) -> ParityCase {
        match self.dtype {
            "f64" => build::<f64>(self, true),
            "f32" => build::<f32>(self, true),
            "c128" => build::<Complex64>(self, true),
            "i64" => build::<i64>(self, false),
            "i32" => build::<i32>(self, false),
            "u8" => build::<u8>(self, false),
            d => panic!("unknown dtype {d}"),
        }
    }
}

/// Every case of the grid, family by family (`vv` has no transposed variant).
pub fn specs() -> Vec<ParitySpec> {
    let mut v = Vec::new();
    for &family in FAMILIES {
        for &dtype in DTYPES {
            for &n in SIZES {
                if family == "mm" && n == 1024 && !matches!(dtype, "f64" | "f32" | "c128") {
                    continue;
                }
                for trans in [false, true] {
                    if family == "vv" && trans {
                        continue;
                    }
                    v.push(ParitySpec {
                        family,
                        dtype,
                        n,
                        trans,
                    });
                }
            }
        }
    }
    v
}

/// The raw-call builders of the float types (`None` for the integer ones).
trait Raw: Sized {
    fn mm(a: &Array2<Self>, trans: bool, b: &Array2<Self>, c: &mut Array2<Self>)
    -> Option<RawCall>;
    fn mv(a: &Array2<Self>, trans: bool, x: &Array1<Self>, y: &mut Array1<Self>)
    -> Option<RawCall>;
    fn vv(x: &Array1<Self>, y: &Array1<Self>) -> Option<RawCall>;
}

macro_rules! raw_float {
    ($t:ty) => {
        impl Raw for $t {
            fn mm(
                a: &Array2<Self>,
                trans: bool,
                b: &Array2<Self>,
                c: &mut Array2<Self>,
            ) -> Option<RawCall> {
                let av = if trans { a.t() } else { a.view() };
                Some(gemm::<$t>(av, b.view(), c.view_mut()))
            }
            fn mv(
                _: &Array2<Self>,
                _: bool,
                _: &Array1<Self>,
                _: &mut Array1<Self>,
            ) -> Option<RawCall> {
                None
            }
            fn vv(_: &Array1<Self>, _: &Array1<Self>) -> Option<RawCall> {
                None
            }
        }
    };
}
raw_float!(f32);
raw_float!(Complex64);

impl Raw for f64 {
    fn mm(
        a: &Array2<Self>,
        trans: bool,
        b: &Array2<Self>,
        c: &mut Array2<Self>,
    ) -> Option<RawCall> {
        let av = if trans { a.t() } else { a.view() };
        Some(gemm::<f64>(av, b.view(), c.view_mut()))
    }
    fn mv(
        a: &Array2<Self>,
        trans: bool,
        x: &Array1<Self>,
        y: &mut Array1<Self>,
    ) -> Option<RawCall> {
        let av = if trans { a.t() } else { a.view() };
        Some(dgemv(av, x.view(), y.view_mut()))
    }
    fn vv(x: &Array1<Self>, y: &Array1<Self>) -> Option<RawCall> {
        Some(ddot(x.view(), y.view()))
    }
}

macro_rules! raw_none {
    ($t:ty) => {
        impl Raw for $t {
            fn mm(
                _: &Array2<Self>,
                _: bool,
                _: &Array2<Self>,
                _: &mut Array2<Self>,
            ) -> Option<RawCall> {
                None
            }
            fn mv(
                _: &Array2<Self>,
                _: bool,
                _: &Array1<Self>,
                _: &mut Array1<Self>,
            ) -> Option<RawCall> {
                None
            }
            fn vv(_: &Array1<Self>, _: &Array1<Self>) -> Option<RawCall> {
                None
            }
        }
    };
}
raw_none!(i64);
raw_none!(i32);
raw_none!(u8);

fn mat<T: Gen>(n: usize, seed: u64) -> Array2<T> {
    arr::<T>(&[n, n], seed)
        .into_dimensionality::<Ix2>()
        .expect("2-D")
}

fn vec1<T: Gen>(n: usize, seed: u64) -> Array1<T> {
    arr::<T>(&[n], seed)
        .into_dimensionality::<Ix1>()
        .expect("1-D")
}

/// The raw job: one prepared call; `keep` owns the buffers it points into.
fn raw_job(keep: impl Sized + 'static, call: Option<RawCall>) -> Option<Job> {
    let call = call?;
    Some(Box::new(move || {
        let _owner = &keep;
        // SAFETY: the call points into heap buffers owned by `keep`, which live as long as
        // this closure and never move; the output is only written by this call.
        black_box(unsafe { call.run() });
    }))
}

fn build<T: Gen + LinalgScalar + Raw + std::fmt::Debug>(s: &ParitySpec, float: bool) -> ParityCase {
    let n = s.n;
    let name = s.name();
    // Integers wrap identically on both sides; floats may differ in the order of the sums.
    let check = move |got: Vec<T>, want: Vec<T>| {
        if !float {
            assert_eq!(got, want, "{name}: npdot and ndarray differ");
        } else {
            assert_eq!(got.len(), want.len(), "{name}: lengths differ");
        }
    };
    let t = s.trans;
    match s.family {
        "vv" => {
            let (x, y) = (Rc::new(vec1::<T>(n, 1)), Rc::new(vec1::<T>(n, 2)));
            let got = npdot::dot(&*x, &*y).unwrap();
            check(vec![got], vec![x.dot(&*y)]);
            let raw = raw_job((x.clone(), y.clone()), T::vv(&x, &y));
            let (x2, y2) = (x.clone(), y.clone());
            ParityCase {
                npdot: Box::new(move || {
                    black_box(npdot::dot(black_box(&*x), black_box(&*y)).unwrap());
                }),
                ndarray: Box::new(move || {
                    black_box(black_box(&*x2).dot(black_box(&*y2)));
                }),
                raw,
            }
        }
        "mv" => {
            let (a, x) = (Rc::new(mat::<T>(n, 1)), Rc::new(vec1::<T>(n, 2)));
            let av = if t { a.t() } else { a.view() };
            let got = npdot::dot(&av, &*x).unwrap();
            check(got.iter().copied().collect(), av.dot(&*x).to_vec());
            let mut y = Array1::<T>::zeros(n);
            let call = T::mv(&a, t, &x, &mut y);
            let raw = raw_job((a.clone(), x.clone(), y), call);
            let (a2, x2) = (a.clone(), x.clone());
            ParityCase {
                npdot: Box::new(move || {
                    let av = if t { a.t() } else { a.view() };
                    black_box(npdot::dot(black_box(&av), black_box(&*x)).unwrap());
                }),
                ndarray: Box::new(move || {
                    let av = if t { a2.t() } else { a2.view() };
                    black_box(black_box(&av).dot(black_box(&*x2)));
                }),
                raw,
            }
        }
        "vm" => {
            let (x, b) = (Rc::new(vec1::<T>(n, 1)), Rc::new(mat::<T>(n, 2)));
            let bv = if t { b.t() } else { b.view() };
            let got = npdot::dot(&*x, &bv).unwrap();
            check(got.iter().copied().collect(), x.dot(&bv).to_vec());
            let mut y = Array1::<T>::zeros(n);
            // x·B = Bᵀ·x
            let call = T::mv(&b, !t, &x, &mut y);
            let raw = raw_job((b.clone(), x.clone(), y), call);
            let (x2, b2) = (x.clone(), b.clone());
            ParityCase {
                npdot: Box::new(move || {
                    let bv = if t { b.t() } else { b.view() };
                    black_box(npdot::dot(black_box(&*x), black_box(&bv)).unwrap());
                }),
                ndarray: Box::new(move || {
                    let bv = if t { b2.t() } else { b2.view() };
                    black_box(black_box(&*x2).dot(black_box(&bv)));
                }),
                raw,
            }
        }
        "mm" => {
            let (a, b) = (Rc::new(mat::<T>(n, 1)), Rc::new(mat::<T>(n, 2)));
            let av = if t { a.t() } else { a.view() };
            let got = npdot::dot(&av, &*b).unwrap();
            check(
                got.iter().copied().collect(),
                av.dot(&*b).iter().copied().collect(),
            );
            let mut c = Array2::<T>::zeros((n, n));
            let call = T::mm(&a, t, &b, &mut c);
            let raw = raw_job((a.clone(), b.clone(), c), call);
            let (a2, b2) = (a.clone(), b.clone());
            ParityCase {
                npdot: Box::new(move || {
                    let av = if t { a.t() } else { a.view() };
                    black_box(npdot::dot(black_box(&av), black_box(&*b)).unwrap());
                }),
                ndarray: Box::new(move || {
                    let av = if t { a2.t() } else { a2.view() };
                    black_box(black_box(&av).dot(black_box(&*b2)));
                }),
                raw,
            }
        }
        f => panic!("unknown family {f}"),
    }
}
