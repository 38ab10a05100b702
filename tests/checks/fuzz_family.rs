//! Fuzz test of the product family and np.linalg (`vdot`, `outer`, `tensordot`, `kron`,
//! `vecdot`, `matvec`, `vecmat`, `linalg::{multi_dot, matrix_power, cross, vecdot, outer}`):
//! random shapes (zero-size, and huge-but-valid ones whose result would not fit in memory),
//! random layouts (transposed, reversed, stepped, broadcast), random axes and exponents, valid or
//! not. Every call must return `Ok` or `Err` — never panic, never abort (results above an
//! allocation cap of 64 MiB must be `Err(MemoryError)`) — and for the exact types (`i64`,
//! `bool`) a call on a strided view must give exactly what the same call gives on a C-ordered
//! copy of the operands (the same value, or the same error text).
//!
//! Knobs: `NPDOT_FUZZ_FAMILY_ITERS` (default 3000), `NPDOT_FUZZ_FAMILY_SEED` (default fixed;
//! `time` for a fresh one, printed), `NPDOT_FUZZ_FAMILY_VERBOSE=1` (print every case first).

use std::panic::{AssertUnwindSafe, catch_unwind};

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use npdot::linalg::LinalgElement;
use npdot::prelude::*;
use num_complex::Complex64;

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

trait Fuzz: LinalgElement + Element {
    fn value(r: &mut Rng) -> Self;
    /// Whether results must match exactly across layouts (integers, bool).
    const EXACT: bool;
}

impl Fuzz for i64 {
    fn value(r: &mut Rng) -> Self {
        r.below(7) as i64 - 3
    }
    const EXACT: bool = true;
}

impl Fuzz for bool {
    fn value(r: &mut Rng) -> Self {
        r.chance(50)
    }
    const EXACT: bool = true;
}

impl Fuzz for f64 {
    fn value(r: &mut Rng) -> Self {
        r.below(9) as f64 - 4.0
    }
    const EXACT: bool = false;
}

impl Fuzz for Complex64 {
    fn value(r: &mut Rng) -> Self {
        Complex64::new(r.below(5) as f64 - 2.0, r.below(5) as f64 - 2.0)
    }
    const EXACT: bool = false;
}

/// A random shape: 0–4 dims of 0–4, sometimes one huge dim. Where a huge dim would be
/// summed over (`big_ok` false) the same shape also gets a zero dim, so the operand is empty and
/// the call quick; for `outer`/`kron` (`big_ok`) the result is huge and must be refused by the
/// allocation cap before any work.
fn shape(r: &mut Rng, min_nd: usize, big_ok: bool) -> Vec<usize> {
    let nd = min_nd + r.below(5 - min_nd as u64) as usize;
    let mut s: Vec<usize> = (0..nd).map(|_| r.below(5) as usize).collect();
    if nd >= 2 && r.chance(3) {
        let i = r.below(nd as u64) as usize;
        s[i] = 1 << (20 + r.below(21));
        if !big_ok || r.chance(50) {
            let j = (i + 1 + r.below(nd as u64 - 1) as usize) % nd;
            s[j] = 0;
        }
    }
    s
}

/// An operand of `shape` (for a huge shape: a broadcast view of a small array) in a random
/// layout: C order, transposed, reversed along an axis, stepped along an axis, or broadcast.
fn operand<T: Fuzz>(r: &mut Rng, shape: &[usize]) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    if n > 1 << 16 || shape.iter().any(|&d| d > 1 << 16) {
        return ArrayD::from_elem(IxDyn(&[]), T::value(r));
    }
    if r.chance(25) {
        // Fortran order: every 2-D core is a transposed C array.
        ArrayD::from_shape_fn(IxDyn(shape).f(), |_| T::value(r))
    } else {
        ArrayD::from_shape_fn(IxDyn(shape), |_| T::value(r))
    }
}

fn view_of<'a, T: Fuzz>(r: &mut Rng, base: &'a ArrayD<T>, shape: &[usize]) -> ArrayViewD<'a, T> {
    if base.ndim() == 0 && !shape.is_empty() {
        // (A shape ndarray cannot broadcast to — too many elements — keeps the 0-D operand.)
        return base.broadcast(IxDyn(shape)).unwrap_or_else(|| base.view());
    }
    let mut v = base.view();
    match r.below(5) {
        1 if v.ndim() >= 2 => {
            // The transpose of a random array is a random array: a transposed layout.
            v = v.reversed_axes();
        }
        2 if v.ndim() >= 1 => {
            let ax = r.below(v.ndim() as u64) as usize;
            v.slice_axis_inplace(Axis(ax), Slice::new(0, None, -1));
        }
        3 if v.ndim() >= 1 => {
            let ax = r.below(v.ndim() as u64) as usize;
            if v.len_of(Axis(ax)) >= 2 {
                v.slice_axis_inplace(Axis(ax), Slice::new(0, None, 2));
            }
        }
        4 if v.ndim() >= 1 && v.len_of(Axis(0)) == 1 => {
            let mut s = v.shape().to_vec();
            s[0] = 3;
            return base.broadcast(IxDyn(&s)).expect("length-1 axis broadcasts");
        }
        _ => {}
    }
    v
}

type Out<T> = Result<ArrayD<T>, String>;

fn run<T: Fuzz>(
    r: &mut Rng,
    op: u64,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    k: i64,
) -> Out<T> {
    let s = |e: npdot::Error| e.to_string();
    match op {
        0 => npdot::vdot(&a, &b)
            .map(|x| ArrayD::from_elem(IxDyn(&[]), x))
            .map_err(s),
        1 => npdot::outer(&a, &b).map(|o| o.into_dyn()).map_err(s),
        2 => npdot::tensordot(&a, &b, (k.unsigned_abs() % 4) as usize).map_err(s),
        3 => {
            let n = (k.unsigned_abs() % 3) as usize;
            let pick = |nd: usize, r: &mut Rng| -> Vec<isize> {
                (0..n)
                    .map(|_| r.below(nd as u64 * 2 + 1) as isize - nd as isize)
                    .collect()
            };
            let (xa, xb) = (pick(a.ndim(), r), pick(b.ndim(), r));
            npdot::tensordot(&a, &b, (xa, xb)).map_err(s)
        }
        4 => npdot::kron(&a, &b).map_err(s),
        5 => npdot::vecdot(&a, &b).map_err(s),
        6 => npdot::matvec(&a, &b).map_err(s),
        7 => npdot::vecmat(&a, &b).map_err(s),
        8 => npdot::linalg::multi_dot(&[a.view(), b.view(), a.view()]).map_err(s),
        9 => npdot::linalg::matrix_power(&a, k).map_err(s),
        10 => npdot::linalg::cross(&a, &b, k as isize).map_err(s),
        11 => npdot::linalg::vecdot(&a, &b, k as isize).map_err(s),
        _ => npdot::linalg::outer(&a, &b)
            .map(|o| o.into_dyn())
            .map_err(s),
    }
}

fn case<T: Fuzz>(r: &mut Rng, iter: usize) {
    let op = r.below(13);
    let big_ok = matches!(op, 1 | 4 | 9 | 10 | 12);
    let (sa, sb) = (shape(r, 0, big_ok), shape(r, 0, big_ok));
    // Make the shapes often fit: share the last dim, or make them 3-vectors for cross.
    let (sa, sb) = match r.below(3) {
        0 if !sa.is_empty() && !sb.is_empty() => {
            let mut sb = sb;
            let last = sb.len() - 1;
            sb[last] = sa[sa.len() - 1];
            (sa, sb)
        }
        1 if op == 10 => (vec![r.below(3) as usize, 3], vec![3]),
        2 if op == 10 => (vec![1 << (20 + r.below(11)), 3], vec![3]),
        1 if op == 9 => {
            let m = r.below(4) as usize;
            if r.chance(25) {
                // A huge broadcast stack: every result is refused by the allocation cap.
                (vec![1 << (20 + r.below(11)), m, m], sb)
            } else {
                (vec![m, m], sb)
            }
        }
        _ => (sa, sb),
    };
    let k = r.below(13) as i64 - 6;
    let (ba, bb) = (operand::<T>(r, &sa), operand::<T>(r, &sb));
    let va = view_of(r, &ba, &sa);
    let vb = view_of(r, &bb, &sb);
    let state = r.0;
    if std::env::var_os("NPDOT_FUZZ_FAMILY_VERBOSE").is_some() {
        println!(
            "{iter}: op {op}, shapes {:?} {:?}, strides {:?} {:?}, k = {k}, {}",
            va.shape(),
            vb.shape(),
            va.strides(),
            vb.strides(),
            std::any::type_name::<T>()
        );
    }
    let got = catch_unwind(AssertUnwindSafe(|| run(r, op, va.clone(), vb.clone(), k)));
    let got = got.unwrap_or_else(|_| {
        panic!(
            "iteration {iter}: op {op} panicked on shapes {:?} {:?} (k = {k}, {})",
            va.shape(),
            vb.shape(),
            std::any::type_name::<T>()
        )
    });
    if T::EXACT && va.len() <= 1 << 16 && vb.len() <= 1 << 16 {
        let (ca, cb) = (
            va.as_standard_layout().into_owned(),
            vb.as_standard_layout().into_owned(),
        );
        let mut r2 = Rng(state);
        let want = run(&mut r2, op, ca.view(), cb.view(), k);
        assert_eq!(
            got,
            want,
            "iteration {iter}: op {op} on a strided view differs from the C-ordered copy \
             (shapes {:?} {:?}, strides {:?} {:?}, k = {k}, {})",
            va.shape(),
            vb.shape(),
            va.strides(),
            vb.strides(),
            std::any::type_name::<T>()
        );
    }
}

#[test]
fn family_never_panics_and_ignores_layout() {
    let _knobs = crate::knobs::exclusive();
    let iters: usize = std::env::var("NPDOT_FUZZ_FAMILY_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let seed = match std::env::var("NPDOT_FUZZ_FAMILY_SEED").as_deref() {
        Ok("time") => {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        }
        Ok(s) => s.parse().unwrap_or(0x9E37_79B9_7F4A_7C15),
        Err(_) => 0x9E37_79B9_7F4A_7C15,
    };
    println!(
        "fuzz_family: seed {seed}, {iters} iterations (NPDOT_FUZZ_FAMILY_SEED={seed} replays)"
    );
    npdot::tuning::set_alloc_limit(Some(64 << 20));
    let mut r = Rng(seed);
    for i in 0..iters {
        match r.below(4) {
            0 => case::<i64>(&mut r, i),
            1 => case::<bool>(&mut r, i),
            2 => case::<f64>(&mut r, i),
            _ => case::<Complex64>(&mut r, i),
        }
    }
    npdot::tuning::set_alloc_limit(None);
}
