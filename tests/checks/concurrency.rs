//! Many threads calling npdot at once get exactly the results of a serial run, and nothing
//! deadlocks: not OpenBLAS's own thread pool (large `?gemm`s are multi-threaded inside
//! OpenBLAS), not rayon's (batched products spread their items over rayon workers, which then
//! call BLAS themselves), not the two together.
//!
//! A fixed pool of cases — BLAS products (`gemm` small and large, `gemv`, long `dot`, `syrk`,
//! complex), batched products large enough to go parallel, N-D `dot`/`inner`, integer and bool
//! kernels, broadcast and negative-stride operands, `*_into` calls; the product family (`vdot`,
//! `outer`, `tensordot`, `kron`, `vecdot`, `matvec`, `vecmat`), `np.linalg` (`multi_dot`,
//! `matrix_power` with positive and negative exponents — LAPACK —, `cross`, `vecdot`), `einsum`
//! (BLAS contractions, multi-operand paths, diagonals, views) and `einsum_path` — is computed once serially;
//! then `NPDOT_CONC_THREADS` threads (default 8) start together behind a barrier and each makes
//! `NPDOT_CONC_CALLS` calls (default 300; the full figure is 10000) walking the pool in its own
//! order, comparing every result bit for bit with the serial one. A watchdog fails the test if
//! the run takes longer than `NPDOT_CONC_TIMEOUT` seconds (default 600).
//!
//! Full run: `NPDOT_CONC_CALLS=10000 cargo test --release --test checks concurrency:: -- --nocapture`.
//!
//! This binary never changes the BLAS dimension limit: splitting a product changes the order
//! of floating-point additions, and this test demands bit-identical results.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use npdot::prelude::*;
use num_complex::Complex;

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// Element types with a bit-exact comparison key.
trait Bits: Element {
    fn random(rng: &mut Rng) -> Self;
    fn bits(self) -> [u64; 2];
}

impl Bits for f32 {
    fn random(rng: &mut Rng) -> Self {
        rng.unit() as f32
    }
    fn bits(self) -> [u64; 2] {
        [self.to_bits() as u64, 0]
    }
}
impl Bits for f64 {
    fn random(rng: &mut Rng) -> Self {
        rng.unit()
    }
    fn bits(self) -> [u64; 2] {
        [self.to_bits(), 0]
    }
}
impl Bits for Complex<f32> {
    fn random(rng: &mut Rng) -> Self {
        Complex::new(rng.unit() as f32, rng.unit() as f32)
    }
    fn bits(self) -> [u64; 2] {
        [self.re.to_bits() as u64, self.im.to_bits() as u64]
    }
}
impl Bits for Complex<f64> {
    fn random(rng: &mut Rng) -> Self {
        Complex::new(rng.unit(), rng.unit())
    }
    fn bits(self) -> [u64; 2] {
        [self.re.to_bits(), self.im.to_bits()]
    }
}
macro_rules! int_bits {
    ($($t:ty),*) => {$(
        impl Bits for $t {
            fn random(rng: &mut Rng) -> Self { rng.next_u64() as $t }
            fn bits(self) -> [u64; 2] { [self as u64, 0] }
        }
    )*};
}
int_bits!(i8, i16, i32, i64, u8, u64, usize);
impl Bits for bool {
    fn random(rng: &mut Rng) -> Self {
        rng.next_u64().is_multiple_of(5)
    }
    fn bits(self) -> [u64; 2] {
        [self as u64, 0]
    }
}

fn random_array<T: Bits>(rng: &mut Rng, shape: &[usize]) -> ArrayD<T> {
    let n = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|_| T::random(rng)).collect()).unwrap()
}

/// How a case turns its two stored arrays into operands.
#[derive(Clone, Copy, Debug)]
enum View {
    /// As stored.
    Plain,
    /// Last two axes swapped (a transposed view, no copy).
    Transposed,
    /// Every axis reversed (negative strides: copied once by the plan).
    Reversed,
    /// Every other element of the last axis.
    Stepped,
}

fn view<'a, T>(a: &'a ArrayD<T>, v: View) -> ArrayViewD<'a, T> {
    let mut x = a.view();
    match v {
        View::Plain => {}
        View::Transposed => {
            let n = x.ndim();
            x.swap_axes(n - 1, n - 2);
        }
        View::Reversed => {
            for i in 0..x.ndim() {
                x.invert_axis(Axis(i));
            }
        }
        View::Stepped => {
            let n = x.ndim();
            x.slice_axis_inplace(Axis(n - 1), Slice::new(0, None, 2));
        }
    }
    x
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Dot,
    Inner,
    Matmul,
    MatmulInto,
    DotInto,
}

/// One case: an operation on two arrays of one type, each viewed some way.
struct Case<T> {
    op: Op,
    a: ArrayD<T>,
    b: ArrayD<T>,
    va: View,
    vb: View,
    /// `b` is `a` itself (transposed by `vb`): `a·aᵀ`, BLAS `?syrk`.
    same: bool,
    /// `b` broadcast to this shape (stride-0 batch axes).
    b_broadcast: Option<Vec<usize>>,
}

impl<T: Bits> Case<T> {
    fn run(&self) -> Vec<[u64; 2]> {
        let a = view(&self.a, self.va);
        // `b` is a view of `a` itself when `same` (the syrk path needs the same pointer).
        let b0 = view(if self.same { &self.a } else { &self.b }, self.vb);
        let b = match &self.b_broadcast {
            Some(s) => b0.broadcast(IxDyn(s)).expect("broadcast"),
            None => b0.view(),
        };
        let r = match self.op {
            Op::Dot => a.dot(&b),
            Op::Inner => a.inner(&b),
            Op::Matmul => a.matmul(&b),
            Op::DotInto => {
                let mut out =
                    ArrayD::<T>::from_elem(a.dot(&b).expect("valid case").raw_dim(), T::zero());
                a.dot_into(&b, &mut out).map(|()| out)
            }
            Op::MatmulInto => {
                // Into an F-order (reversed-axes) out.
                let mut shape = a.matmul(&b).expect("valid case").shape().to_vec();
                shape.reverse();
                let mut store = ArrayD::<T>::from_elem(IxDyn(&shape), T::zero());
                let mut out = store.view_mut().reversed_axes();
                a.matmul_into(&b, &mut out).map(|()| out.to_owned())
            }
        };
        let r = r.expect("valid case");
        let mut v: Vec<[u64; 2]> = r.iter().map(|x| x.bits()).collect();
        v.push([r.ndim() as u64, r.len() as u64]);
        v
    }
}

/// A type-erased case.
trait AnyCase: Send + Sync {
    fn run(&self) -> Vec<[u64; 2]>;
    fn describe(&self) -> String;
}

impl<T: Bits> AnyCase for Case<T> {
    fn run(&self) -> Vec<[u64; 2]> {
        Case::run(self)
    }
    fn describe(&self) -> String {
        format!(
            "{:?} {} a{:?} ({:?}) b{:?} ({:?}){}{}",
            self.op,
            std::any::type_name::<T>(),
            self.a.shape(),
            self.va,
            if self.same {
                self.a.shape()
            } else {
                self.b.shape()
            },
            self.vb,
            if self.same { " b = a" } else { "" },
            self.b_broadcast
                .as_ref()
                .map_or(String::new(), |s| format!(" broadcast to {s:?}"))
        )
    }
}

fn case<T: Bits + 'static>(
    rng: &mut Rng,
    op: Op,
    a: &[usize],
    b: &[usize],
    va: View,
    vb: View,
) -> Box<dyn AnyCase> {
    Box::new(Case::<T> {
        op,
        a: random_array(rng, a),
        b: random_array(rng, b),
        va,
        vb,
        same: false,
        b_broadcast: None,
    })
}

/// A case given as a closure (the product family, np.linalg, einsum): its result's bits.
struct FnCase {
    name: String,
    f: Box<dyn Fn() -> Vec<[u64; 2]> + Send + Sync>,
}

impl AnyCase for FnCase {
    fn run(&self) -> Vec<[u64; 2]> {
        (self.f)()
    }
    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// The comparison key of a result: every element's bits, then its shape.
fn key<T: Bits>(r: ndarray::ArrayViewD<'_, T>) -> Vec<[u64; 2]> {
    let mut v: Vec<[u64; 2]> = r.iter().map(|x| x.bits()).collect();
    v.push([r.ndim() as u64, r.len() as u64]);
    v.extend(r.shape().iter().map(|&d| [d as u64, 0]));
    v
}

fn fn_case(name: &str, f: impl Fn() -> Vec<[u64; 2]> + Send + Sync + 'static) -> Box<dyn AnyCase> {
    Box::new(FnCase {
        name: name.to_string(),
        f: Box::new(f),
    })
}

/// The product family, np.linalg and einsum: each case owns its random operands.
fn family_pool(rng: &mut Rng) -> Vec<Box<dyn AnyCase>> {
    use npdot::Optimize;
    let mut p = Vec::new();
    // vdot (conjugating the first operand) and outer: long vectors, stepped views.
    let (a, b) = (
        random_array::<Complex<f64>>(rng, &[40, 500]),
        random_array::<Complex<f64>>(rng, &[20_000]),
    );
    p.push(fn_case("vdot c128 (40,500)·(20000,)", move || {
        vec![npdot::vdot(&a, &b).expect("valid case").bits()]
    }));
    let (a, b) = (
        random_array::<f64>(rng, &[600]),
        random_array::<f64>(rng, &[2, 400]),
    );
    p.push(fn_case("outer f64 (600,)x(2,400) stepped", move || {
        let bs = view(&b, View::Stepped);
        key(npdot::outer(&a, &bs).expect("valid case").into_dyn().view())
    }));
    // tensordot: merged views (one gemm) and transposed axes.
    let (a, b) = (
        random_array::<f64>(rng, &[24, 32, 40]),
        random_array::<f64>(rng, &[40, 32, 16]),
    );
    p.push(fn_case("tensordot f64 axes ([1,2],[1,0])", move || {
        key(npdot::tensordot(&a, &b, ([1isize, 2], [1isize, 0]))
            .expect("valid case")
            .view())
    }));
    let (a, b) = (
        random_array::<i32>(rng, &[6, 10, 8]),
        random_array::<i32>(rng, &[8, 10, 6]),
    );
    p.push(fn_case(
        "tensordot i32 axes 1, a negative strides",
        move || {
            let ar = view(&a, View::Reversed);
            key(npdot::tensordot(&ar, &b, 1usize)
                .expect("valid case")
                .view())
        },
    ));
    // kron, large enough for the huge-page result path to matter.
    let (a, b) = (
        random_array::<f32>(rng, &[48, 48]),
        random_array::<f32>(rng, &[40, 40]),
    );
    p.push(fn_case("kron f32 48x48 ⊗ 40x40", move || {
        key(npdot::kron(&a, &b).expect("valid case").into_dyn().view())
    }));
    // gufuncs: batched, broadcast, conjugating.
    let (a, b) = (
        random_array::<Complex<f32>>(rng, &[3000, 16]),
        random_array::<Complex<f32>>(rng, &[16]),
    );
    p.push(fn_case("vecdot c64 (3000,16)·(16,)", move || {
        key(npdot::vecdot(&a, &b).expect("valid case").into_dyn().view())
    }));
    let (a, b) = (
        random_array::<f64>(rng, &[2000, 16, 16]),
        random_array::<f64>(rng, &[2000, 16]),
    );
    p.push(fn_case("matvec f64 (2000,16,16)·(2000,16)", move || {
        key(npdot::matvec(&a, &b).expect("valid case").into_dyn().view())
    }));
    let (a, b) = (
        random_array::<Complex<f64>>(rng, &[64, 48]),
        random_array::<Complex<f64>>(rng, &[20, 64, 30]),
    );
    p.push(fn_case("vecmat c128 (64,48)ᵀ·(20,64,30)", move || {
        let at = view(&a, View::Transposed);
        key(npdot::vecmat(&at.index_axis(Axis(0), 0), &b)
            .expect("valid case")
            .into_dyn()
            .view())
    }));
    let (a, b) = (
        random_array::<i64>(rng, &[500, 3]),
        random_array::<i64>(rng, &[1, 3]),
    );
    p.push(fn_case("vecmat i64 (500,3)·(1,3)", move || {
        key(npdot::vecmat(&a, &b.view().reversed_axes())
            .expect("valid case")
            .into_dyn()
            .view())
    }));
    // np.linalg.
    let ms: Vec<ArrayD<f64>> = [[30, 200], [200, 10], [10, 150], [150, 40]]
        .iter()
        .map(|s| random_array(rng, s))
        .collect();
    p.push(fn_case("multi_dot f64 of four uneven", move || {
        let views: Vec<_> = ms.iter().map(|m| m.view()).collect();
        key(npdot::linalg::multi_dot(&views).expect("valid case").view())
    }));
    let a = random_array::<f64>(rng, &[16, 24, 24]);
    p.push(fn_case(
        "matrix_power f64 (16,24,24) n=-3 (LAPACK)",
        move || {
            key(npdot::linalg::matrix_power(&a, -3)
                .expect("valid case")
                .view())
        },
    ));
    let a = random_array::<i64>(rng, &[40, 40]);
    p.push(fn_case("matrix_power i64 40x40 n=13", move || {
        key(npdot::linalg::matrix_power(&a, 13)
            .expect("valid case")
            .view())
    }));
    let (a, b) = (
        random_array::<f64>(rng, &[5000, 3]),
        random_array::<f64>(rng, &[3, 5000]),
    );
    p.push(fn_case(
        "linalg.cross f64 (5000,3)x(3,5000) axes",
        move || {
            let bt = b.view().reversed_axes();
            key(npdot::linalg::cross(&a, &bt, -1)
                .expect("valid case")
                .view())
        },
    ));
    let (a, b) = (
        random_array::<f32>(rng, &[64, 300]),
        random_array::<f32>(rng, &[300, 64]),
    );
    p.push(fn_case("linalg.vecdot f32 axis 0", move || {
        let at = a.view().reversed_axes();
        key(npdot::linalg::vecdot(&at, &b, 0)
            .expect("valid case")
            .view())
    }));
    // einsum: one BLAS contraction, a batched one, a multi-operand path, diagonal, a view.
    let (a, b) = (
        random_array::<f64>(rng, &[8, 4, 32, 16]),
        random_array::<f64>(rng, &[8, 4, 48, 16]),
    );
    p.push(fn_case("einsum bhqd,bhkd->bhqk f64", move || {
        let r = npdot::einsum("bhqd,bhkd->bhqk", &[a.view(), b.view()]).expect("valid case");
        key(r.view())
    }));
    let ops: Vec<ArrayD<f64>> = [[60, 8], [8, 70], [70, 9], [9, 50], [50, 5]]
        .iter()
        .map(|s| random_array(rng, s))
        .collect();
    p.push(fn_case("einsum ij,jk,kl,lm,mn->in f64", move || {
        let views: Vec<_> = ops.iter().map(|m| m.view()).collect();
        key(npdot::einsum("ij,jk,kl,lm,mn->in", &views)
            .expect("valid case")
            .view())
    }));
    let (a, b) = (
        random_array::<i16>(rng, &[30, 30, 6]),
        random_array::<i16>(rng, &[6, 30]),
    );
    p.push(fn_case("einsum iij,jk->ik i16 (diagonal)", move || {
        key(npdot::einsum("iij,jk->ik", &[a.view(), b.view()])
            .expect("valid case")
            .view())
    }));
    let a = random_array::<Complex<f64>>(rng, &[50, 50]);
    p.push(fn_case("einsum ii->i c128 (a view)", move || {
        let r = npdot::einsum("ii->i", &[a.view()]).expect("valid case");
        let mut k = key(r.view());
        k.push([r.is_view() as u64, 2]);
        k
    }));
    let shapes: Vec<ArrayD<f32>> = (0..8)
        .map(|i| ArrayD::zeros(IxDyn(&[4 + i, 5 + i])))
        .collect();
    p.push(fn_case("einsum_path optimal, 8-chain", move || {
        let views: Vec<_> = shapes.iter().map(|m| m.view()).collect();
        let (path, report) =
            npdot::einsum_path("ab,bc,cd,de,ef,fg,gh,hi->ai", &views, Optimize::Optimal)
                .expect("valid case");
        let mut v: Vec<[u64; 2]> = path.iter().flatten().map(|&i| [i as u64, 0]).collect();
        v.extend(report.bytes().map(|c| [c as u64, 1]));
        v
    }));
    p
}

fn pool() -> Vec<Box<dyn AnyCase>> {
    use Op::*;
    use View::*;
    let rng = &mut Rng(0x636f_6e63);
    let mut p: Vec<Box<dyn AnyCase>> = vec![
        // Tiny products (the in-line small kernel), every family.
        case::<f64>(rng, Matmul, &[4, 4], &[4, 4], Plain, Plain),
        case::<f32>(rng, Matmul, &[5, 3], &[5, 2], Transposed, Plain),
        case::<Complex<f64>>(rng, Dot, &[4, 4], &[4, 4], Plain, Transposed),
        case::<i64>(rng, Matmul, &[4, 4], &[4, 4], Plain, Reversed),
        case::<u8>(rng, Dot, &[7, 3], &[3, 6], Plain, Plain),
        case::<bool>(rng, Matmul, &[5, 9], &[9, 5], Plain, Plain),
        case::<i8>(rng, Inner, &[6, 4], &[5, 4], Reversed, Plain),
        // Medium BLAS products: single- or multi-threaded inside OpenBLAS.
        case::<f64>(rng, Matmul, &[64, 64], &[64, 64], Plain, Plain),
        case::<f64>(rng, Matmul, &[80, 96], &[72, 80], Transposed, Transposed),
        case::<f32>(rng, Dot, &[100, 70], &[90, 70], Plain, Transposed),
        case::<Complex<f32>>(rng, Matmul, &[48, 40], &[40, 56], Plain, Plain),
        case::<Complex<f64>>(rng, MatmulInto, &[48, 40], &[48, 32], Transposed, Plain),
        // Large: OpenBLAS goes multi-threaded.
        case::<f64>(rng, Matmul, &[256, 256], &[256, 256], Plain, Plain),
        case::<f32>(rng, Dot, &[200, 300], &[200, 260], Transposed, Plain),
        case::<f64>(rng, DotInto, &[200, 240], &[240, 220], Plain, Plain),
        // gemv, both sides, and long dots (OpenBLAS threads ?dot above 10000 elements).
        case::<f64>(rng, Matmul, &[512, 384], &[384], Plain, Plain),
        case::<f32>(rng, Matmul, &[300], &[500, 300], Plain, Transposed),
        case::<f64>(rng, Dot, &[100_000], &[100_000], Plain, Plain),
        case::<f32>(rng, Inner, &[50_000], &[50_000], Plain, Plain),
        case::<Complex<f64>>(rng, Dot, &[20_000], &[20_000], Plain, Plain),
        case::<f64>(rng, Dot, &[30_000], &[15_000], Stepped, Reversed),
        // Batched: small items over rayon (parallel above 2^17 multiply-adds in all).
        case::<f64>(rng, Matmul, &[512, 8, 8], &[512, 8, 8], Plain, Plain),
        case::<f32>(rng, Matmul, &[64, 16, 16], &[64, 16, 16], Plain, Transposed),
        case::<f64>(rng, Matmul, &[32, 40, 40], &[32, 40, 40], Reversed, Plain),
        case::<i32>(rng, Matmul, &[256, 8, 8], &[256, 8, 8], Plain, Plain),
        case::<i64>(rng, Matmul, &[64, 16, 16], &[64, 16, 16], Transposed, Plain),
        case::<u64>(rng, MatmulInto, &[40, 12, 20], &[40, 20, 12], Plain, Plain),
        case::<bool>(rng, Matmul, &[128, 16, 16], &[128, 16, 16], Plain, Plain),
        case::<Complex<f64>>(rng, Matmul, &[128, 8, 8], &[128, 8, 8], Plain, Plain),
        // N-D dot and inner (flattened into one product).
        case::<f64>(rng, Dot, &[8, 32, 32], &[8, 32, 32], Plain, Plain),
        case::<f64>(rng, Inner, &[8, 32, 32], &[8, 32, 32], Plain, Plain),
        case::<i16>(rng, Dot, &[3, 7, 9], &[4, 9, 5], Plain, Reversed),
        case::<usize>(rng, Inner, &[5, 6, 7], &[3, 4], Stepped, Plain),
        // Stepped and reversed large operands (copied once).
        case::<f64>(rng, Matmul, &[120, 200], &[100, 110], Stepped, Reversed),
        case::<u8>(rng, Matmul, &[100, 100], &[100, 100], Plain, Plain),
    ];
    // A·Aᵀ on the same memory: ?syrk.
    for (shape, op) in [([80usize, 50usize], Op::Matmul), ([200, 120], Op::Dot)] {
        p.push(Box::new(Case::<f64> {
            op,
            a: random_array(rng, &shape),
            b: ArrayD::zeros(IxDyn(&[0])),
            va: View::Plain,
            vb: View::Transposed,
            same: true,
            b_broadcast: None,
        }));
    }
    p.push(Box::new(Case::<Complex<f32>> {
        op: Op::Inner,
        a: random_array(rng, &[64, 48]),
        b: ArrayD::zeros(IxDyn(&[0])),
        va: View::Plain,
        vb: View::Plain,
        same: true,
        b_broadcast: None,
    }));
    // A broadcast (stride-0) batch operand.
    for batch in [16usize, 300] {
        p.push(Box::new(Case::<f64> {
            op: Op::Matmul,
            a: random_array(rng, &[batch, 12, 24]),
            b: random_array(rng, &[1, 24, 10]),
            va: View::Plain,
            vb: View::Plain,
            same: false,
            b_broadcast: Some(vec![batch, 24, 10]),
        }));
    }
    p.extend(family_pool(rng));
    p
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[test]
fn threads_match_a_serial_run_bit_for_bit() {
    let _knobs = crate::knobs::shared();
    let threads = env("NPDOT_CONC_THREADS", 8);
    let calls = env("NPDOT_CONC_CALLS", 300);
    let timeout = env("NPDOT_CONC_TIMEOUT", 600);
    let cases: Arc<Vec<Box<dyn AnyCase>>> = Arc::new(pool());
    let t0 = Instant::now();
    let want: Arc<Vec<Vec<[u64; 2]>>> = Arc::new(cases.iter().map(|c| c.run()).collect());
    // Repeating a case serially must already be bit-identical; time each case to sort the pool
    // into light and heavy ones (heavy: above 200 µs).
    let (mut light, mut heavy) = (Vec::new(), Vec::new());
    for (i, (c, w)) in cases.iter().zip(want.iter()).enumerate() {
        let t = Instant::now();
        assert!(&c.run() == w, "serial rerun differs: {}", c.describe());
        if t.elapsed() > Duration::from_micros(200) {
            heavy.push(i);
        } else {
            light.push(i);
        }
    }
    let serial = t0.elapsed();
    let (light, heavy) = (Arc::new(light), Arc::new(heavy));

    let (tx, rx) = mpsc::channel();
    let barrier = Arc::new(Barrier::new(threads));
    let done = Arc::new(AtomicU64::new(0));
    let t1 = Instant::now();
    for t in 0..threads {
        let (cases, want, barrier, done, tx) = (
            cases.clone(),
            want.clone(),
            barrier.clone(),
            done.clone(),
            tx.clone(),
        );
        let (light, heavy) = (light.clone(), heavy.clone());
        std::thread::spawn(move || {
            barrier.wait();
            let mut failures = Vec::new();
            let mut heavy_calls = 0usize;
            let mut rng = Rng(0x7468_7265_6164 ^ t as u64);
            for j in 0..calls {
                // Each thread its own order: a heavy case every 8th call, light ones otherwise.
                let list = if j % 8 == 7 && !heavy.is_empty() {
                    heavy_calls += 1;
                    &heavy
                } else {
                    &light
                };
                let i = list[(rng.next_u64() % list.len() as u64) as usize];
                let got = cases[i].run();
                if got != want[i] && failures.len() < 5 {
                    failures.push(format!("thread {t} call {j}: {}", cases[i].describe()));
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            let _ = tx.send((failures, heavy_calls));
        });
    }
    drop(tx);
    let mut failures = Vec::new();
    let mut heavy_calls = 0;
    for _ in 0..threads {
        match rx.recv_timeout(Duration::from_secs(timeout as u64)) {
            Ok((f, h)) => {
                failures.extend(f);
                heavy_calls += h;
            }
            Err(_) => panic!(
                "no progress for {timeout} s: deadlock? ({} of {} calls done)",
                done.load(Ordering::Relaxed),
                threads * calls
            ),
        }
    }
    let concurrent = t1.elapsed();
    println!(
        "concurrency: {} cases ({} heavy); serial passes {:.2?}; {threads} threads × {calls} \
         calls = {} calls ({heavy_calls} heavy) in {:.2?}",
        cases.len(),
        heavy.len(),
        serial,
        threads * calls,
        concurrent
    );
    assert!(
        failures.is_empty(),
        "results differ from the serial run:\n{}",
        failures.join("\n")
    );
}

/// A negative `matrix_power` (LAPACK's `?gesv`) called from a thread with a small stack: npdot
/// runs LAPACK on a thread of its own with a large stack, because OpenBLAS's multithreaded
/// `?getrf` keeps about half a MiB per recursion level on the stack (it overflowed the 2 MiB
/// of a spawned thread, and wrong products followed). Here the caller has 256 KiB: less than
/// one such level. The inverses are checked (`a · a⁻¹ = I`), then a multithreaded product.
#[test]
fn lapack_from_a_thread_with_a_small_stack() {
    let _knobs = crate::knobs::shared();
    let rng = &mut Rng(0x6c61_7061);
    // Diagonally dominant: well conditioned.
    let mut a = random_array::<f64>(rng, &[16, 24, 24]);
    for mut m in a.outer_iter_mut() {
        for i in 0..24 {
            m[[i, i]] += 30.0;
        }
    }
    let big = random_array::<f64>(rng, &[256, 256]);
    let want = big.matmul(&big).unwrap();
    let worker = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            for _ in 0..4 {
                let inv = npdot::linalg::matrix_power(&a, -1).unwrap();
                let eye = a.matmul(&inv).unwrap();
                for m in eye.outer_iter() {
                    for (ij, &x) in m.indexed_iter() {
                        let (i, j) = (ij[0], ij[1]);
                        let e = if i == j { 1.0 } else { 0.0 };
                        assert!((x - e).abs() < 1e-12, "a · a⁻¹ [{i}, {j}] = {x}");
                    }
                }
            }
        })
        .unwrap();
    worker.join().unwrap();
    let again = big.matmul(&big).unwrap();
    assert!(
        again == want,
        "a multithreaded product changed after the inverses"
    );
}
