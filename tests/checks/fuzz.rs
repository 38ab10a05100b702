//! Randomized differential fuzzing of npdot's public API against a naive reference.
//!
//! Every case draws an operation (`dot`, `inner`, `matmul`, `dot_into`, `matmul_into`), one of
//! the 15 element types, operand shapes (0-D to 32-D, zero-size, mismatched, and huge ones made
//! by broadcasting a tiny array with stride 0), operand layouts (permuted axes, reversed and
//! stepped slices, offsets, stride-0 broadcast axes, one operand the transpose of the other on
//! the same memory), an `out` array with its own layout, and sometimes a tiny BLAS dimension
//! limit (forcing the split path). It then checks:
//!
//! * npdot does not panic, and does not abort: the run caps every allocation request at
//!   64 MiB (`npdot::tuning::set_alloc_limit`), and valid cases whose result is larger (huge
//!   outer dims next to a zero-size contracted dim, or broadcast inputs) must return
//!   `Err(MemoryError)` at once (1% of the cases are such products: `(2^40, 0) @ (0, 3)`);
//! * for valid input, the result equals the naive reference **exactly**: integers wrap, `bool`
//!   is OR of ANDs, and floats are small integers (plus occasional ±inf/NaN, compared by
//!   NaN-ness), so every sum is exact in any summation order;
//! * for invalid input, npdot returns an `Err` of the class the reference predicts from NumPy's
//!   rules (DESIGN §2): not aligned, too few dimensions, core mismatch, loop/broadcast error,
//!   unacceptable or wrong-shaped `out`, too big;
//! * `dot_into`/`matmul_into` write every element of the `out` view and nothing of its base
//!   array outside the view, and leave `out` untouched on error.
//!
//! The reference (`reference` module below) derives shapes and values with plain loops over
//! indices; it calls nothing from npdot.
//!
//! Environment knobs:
//!
//! * `NPDOT_FUZZ_ITERS`: number of cases (default 3000 in debug builds, 200000 in release, 40 under Miri);
//! * `NPDOT_FUZZ_THREADS`: worker threads (default 2);
//! * `NPDOT_FUZZ_BIG`: probability of a case with BLAS-sized dims (default 0.03);
//! * `NPDOT_FUZZ_SEED`: base seed, decimal or `0x` hex (default fixed; `time` for a fresh one);
//! * `NPDOT_FUZZ_CASE`: run only this case seed (as printed by a failure) and describe it;
//! * `NPDOT_FUZZ_TRACE=1`: print every case seed before running it (to find a case that aborts).
//!
//! The long run (≥ 10 million executions):
//! `NPDOT_FUZZ_ITERS=10000000 cargo test --release --test checks fuzz:: -- --nocapture`.

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, Ix2, IxDyn, Slice};
use npdot::prelude::*;
use num_complex::Complex;

// ---------------------------------------------------------------------------------------------
// A tiny deterministic PRNG (SplitMix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `p`.
    fn p(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64) < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// Seed of case `i` in the stream `base`.
fn case_seed(base: u64, i: u64) -> u64 {
    let mut r = Rng::new(base ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64()
}

// ---------------------------------------------------------------------------------------------
// Element types: random values and the reference arithmetic (independent of npdot's).

trait Fz: Element + Debug {
    const NAME: &'static str;
    const FLOAT: bool;
    fn random(rng: &mut Rng, special: bool) -> Self;
    fn r_zero() -> Self;
    fn r_add(self, o: Self) -> Self;
    fn r_mul(self, o: Self) -> Self;
    /// Equal, with NaN equal to NaN (and 0.0 equal to -0.0).
    fn same(self, o: Self) -> bool;
    /// Equal to zero (either sign).
    fn is_zero(self) -> bool {
        self.same(Self::r_zero())
    }
}

macro_rules! fz_int {
    ($($t:ty),*) => {$(
        impl Fz for $t {
            const NAME: &'static str = stringify!($t);
            const FLOAT: bool = false;
            fn random(rng: &mut Rng, _: bool) -> Self {
                match rng.below(10) {
                    0..=1 => 0,
                    2..=5 => rng.next_u64() as $t,
                    _ => (rng.below(7) as i64 - 3) as $t,
                }
            }
            fn r_zero() -> Self { 0 }
            fn r_add(self, o: Self) -> Self { self.wrapping_add(o) }
            fn r_mul(self, o: Self) -> Self { self.wrapping_mul(o) }
            fn same(self, o: Self) -> bool { self == o }
        }
    )*};
}
fz_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Fz for bool {
    const NAME: &'static str = "bool";
    const FLOAT: bool = false;
    fn random(rng: &mut Rng, _: bool) -> Self {
        rng.p(0.4)
    }
    fn r_zero() -> Self {
        false
    }
    fn r_add(self, o: Self) -> Self {
        self || o
    }
    fn r_mul(self, o: Self) -> Self {
        self && o
    }
    fn same(self, o: Self) -> bool {
        self == o
    }
}

macro_rules! fz_float {
    ($($t:ident),*) => {$(
        impl Fz for $t {
            const NAME: &'static str = stringify!($t);
            const FLOAT: bool = true;
            fn random(rng: &mut Rng, special: bool) -> Self {
                if special && rng.p(0.15) {
                    return rng.pick(&[$t::INFINITY, $t::NEG_INFINITY, $t::NAN, -0.0]);
                }
                (rng.below(9) as i32 - 4) as $t
            }
            fn r_zero() -> Self { 0.0 }
            fn r_add(self, o: Self) -> Self { self + o }
            fn r_mul(self, o: Self) -> Self { self * o }
            fn same(self, o: Self) -> bool { self == o || (self.is_nan() && o.is_nan()) }
        }
        impl Fz for Complex<$t> {
            const NAME: &'static str = concat!("Complex<", stringify!($t), ">");
            const FLOAT: bool = true;
            fn random(rng: &mut Rng, special: bool) -> Self {
                Complex::new($t::random(rng, special), $t::random(rng, special))
            }
            fn r_zero() -> Self { Complex::new(0.0, 0.0) }
            fn r_add(self, o: Self) -> Self { Complex::new(self.re + o.re, self.im + o.im) }
            fn r_mul(self, o: Self) -> Self {
                Complex::new(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)
            }
            fn same(self, o: Self) -> bool {
                // With inf/NaN inputs, OpenBLAS's complex kernels (and so NumPy) do not follow
                // the textbook formula: `np.dot([inf-2j]*3, [2+2j]*3)` is `nan+infj`, the
                // formula gives `inf+infj`. Then only "not finite" is checked.
                let finite = |c: Self| c.re.is_finite() && c.im.is_finite();
                if !finite(o) {
                    return !finite(self);
                }
                self.re.same(o.re) && self.im.same(o.im)
            }
        }
    )*};
}
fz_float!(f32, f64);

// ---------------------------------------------------------------------------------------------
// Operand layouts: a base array plus a recipe (permute, slice with steps/reversal/offsets,
// broadcast) that turns it into a view of the wanted shape.

/// Dims above this are only ever broadcast (stride 0), never allocated.
const HUGE: usize = 1 << 16;

#[derive(Clone, Debug)]
struct Layout {
    /// View axis `i` is base axis `perm[i]`.
    perm: Vec<usize>,
    /// The base array's shape (memory order).
    base: Vec<usize>,
    /// Per view axis (before broadcasting): start, end, step.
    slices: Vec<(usize, usize, isize)>,
}

impl Layout {
    /// A random layout of `shape`; `bcast` allows stride-0 axes (dims above [`HUGE`] always are
    /// broadcast); `plain` asks for a C-contiguous array.
    fn random(rng: &mut Rng, shape: &[usize], bcast: bool, plain: bool) -> Layout {
        let nd = shape.len();
        let mut is_b = vec![false; nd];
        let mut steps = vec![1isize; nd];
        let mut extra = vec![0usize; nd];
        let huge_out = !bcast && shape.iter().any(|&d| d > HUGE);
        let fancy = !plain && !huge_out && rng.p(0.7);
        for i in 0..nd {
            let d = shape[i];
            if d > HUGE {
                // Inputs: broadcast from one element. `out` (never huge unless empty): plain.
                is_b[i] = bcast;
                continue;
            }
            if !fancy {
                continue;
            }
            if bcast && d != 1 && rng.p(0.12) {
                is_b[i] = true;
                continue;
            }
            if d > 1 && rng.p(0.25) {
                steps[i] = rng.range(2, 3) as isize;
            }
            if rng.p(0.25) {
                steps[i] = -steps[i];
            }
            if rng.p(0.2) {
                extra[i] = rng.range(1, 2);
            }
        }
        let base_dim = |i: usize, steps: &[isize], extra: &[usize]| {
            if is_b[i] {
                1
            } else {
                shape[i] * steps[i].unsigned_abs() + extra[i]
            }
        };
        let total = (0..nd).try_fold(1usize, |acc, i| {
            acc.checked_mul(base_dim(i, &steps, &extra))
        });
        if total.is_none_or(|t| t > 1 << 20) {
            steps.iter_mut().for_each(|s| *s = s.signum());
            extra.iter_mut().for_each(|e| *e = 0);
        }
        let mut perm: Vec<usize> = (0..nd).collect();
        if fancy && rng.p(0.4) {
            for i in (1..nd).rev() {
                perm.swap(i, rng.below(i + 1));
            }
        }
        let mut base = vec![0; nd];
        let mut slices = Vec::with_capacity(nd);
        for i in 0..nd {
            let bd = base_dim(i, &steps, &extra);
            base[perm[i]] = bd;
            let d = if is_b[i] { 1 } else { shape[i] };
            let span = if d == 0 {
                0
            } else {
                (d - 1) * steps[i].unsigned_abs() + 1
            };
            let start = rng.below(bd - span + 1);
            slices.push((start, start + span, steps[i]));
        }
        Layout { perm, base, slices }
    }

    fn base_len(&self) -> usize {
        if self.base.contains(&0) {
            0
        } else {
            self.base.iter().product()
        }
    }

    /// The view before broadcasting.
    fn apply<'a, T>(&self, base: ArrayViewD<'a, T>) -> ArrayViewD<'a, T> {
        let mut v = base.permuted_axes(IxDyn(&self.perm));
        for (i, &(s, e, st)) in self.slices.iter().enumerate() {
            v.slice_axis_inplace(Axis(i), Slice::new(s as isize, Some(e as isize), st));
        }
        v
    }

    fn apply_mut<'a, T>(&self, base: ArrayViewMutD<'a, T>) -> ArrayViewMutD<'a, T> {
        let mut v = base.permuted_axes(IxDyn(&self.perm));
        for (i, &(s, e, st)) in self.slices.iter().enumerate() {
            v.slice_axis_inplace(Axis(i), Slice::new(s as isize, Some(e as isize), st));
        }
        v
    }
}

/// An operand: random data in a base array, and the layout that views it.
struct Operand<T> {
    base: ArrayD<T>,
    layout: Layout,
}

impl<T: Fz> Operand<T> {
    fn new(rng: &mut Rng, layout: Layout, special: bool) -> Self {
        let data: Vec<T> = (0..layout.base_len())
            .map(|_| T::random(rng, special))
            .collect();
        let base = ArrayD::from_shape_vec(IxDyn(&layout.base), data).expect("base shape");
        Operand { base, layout }
    }
    fn pre_view(&self) -> ArrayViewD<'_, T> {
        self.layout.apply(self.base.view())
    }
}

// ---------------------------------------------------------------------------------------------
// The naive reference: NumPy's rules (DESIGN §2), plain loops over indices.

/// The error classes of NumPy's rules, as the reference predicts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    NotAligned,
    NotEnoughDims,
    CoreMismatch,
    /// Batch broadcast failure, non-broadcastable `out`, or `out` needing a reduction.
    Loop,
    OutNotAcceptable,
    OutWrongDims,
    /// `np.multiply`'s broadcast errors (`dot` with `out` and a 0-D operand).
    Ufunc,
    TooBig,
    /// A valid product whose buffers cannot be allocated.
    Memory,
}

fn class_of(e: &Error) -> Option<Class> {
    Some(match e {
        Error::NotAligned { .. } => Class::NotAligned,
        Error::NotEnoughDimensions { .. } => Class::NotEnoughDims,
        Error::CoreDimensionMismatch { .. } => Class::CoreMismatch,
        Error::BroadcastMismatch { .. }
        | Error::NonBroadcastableOutput { .. }
        | Error::OutputRequiresReduction { .. } => Class::Loop,
        Error::OutputNotAcceptable => Class::OutNotAcceptable,
        Error::OutputWrongDimensions => Class::OutWrongDims,
        Error::UfuncBroadcast { .. } | Error::UfuncNonBroadcastableOutput { .. } => Class::Ufunc,
        Error::TooBig => Class::TooBig,
        Error::MemoryError { .. } => Class::Memory,
        _ => return None,
    })
}

enum Want<T> {
    Value(ArrayD<T>),
    Fail(Class),
    /// Valid but too expensive to check (huge shapes); npdot is not called.
    Skip,
    /// Valid, with a result larger than [`ALLOC_CAP`]: npdot must return `MemoryError`.
    Huge,
}

/// Largest `result elements × k` the reference computes.
const BUDGET: usize = if cfg!(miri) { 20_000 } else { 300_000 };
/// Largest result, in bytes, a case may allocate.
const MAX_BYTES: usize = 1 << 26;
/// The allocation cap of the whole run (`npdot::tuning::set_alloc_limit`): valid cases with
/// huge results are refused before any memory is requested, so they run in an instant.
const ALLOC_CAP: usize = MAX_BYTES;

mod reference {
    use super::*;

    /// NumPy's allocation rule: itemsize × (product of the non-zero dims) ≤ isize::MAX.
    pub fn too_big(shape: &[usize], itemsize: usize) -> bool {
        let mut bytes = itemsize.max(1);
        for &d in shape {
            if d != 0 {
                match bytes.checked_mul(d) {
                    Some(b) if b <= isize::MAX as usize => bytes = b,
                    _ => return true,
                }
            }
        }
        false
    }

    /// NumPy's C-contiguity (size-1 axes' strides ignored, empty arrays contiguous).
    pub fn c_contiguous(shape: &[usize], strides: &[isize]) -> bool {
        if shape.contains(&0) {
            return true;
        }
        let mut expect = 1isize;
        for (&d, &s) in shape.iter().zip(strides).rev() {
            if d != 1 {
                if s != expect {
                    return false;
                }
                expect *= d as isize;
            }
        }
        true
    }

    fn elems(shape: &[usize]) -> usize {
        shape.iter().product()
    }

    /// Calls `f` with every multi-index of `shape` in C order.
    fn for_each_index(shape: &[usize], mut f: impl FnMut(&[usize])) {
        if shape.contains(&0) {
            return;
        }
        let mut idx = vec![0usize; shape.len()];
        loop {
            f(&idx);
            let mut d = shape.len();
            loop {
                if d == 0 {
                    return;
                }
                d -= 1;
                idx[d] += 1;
                if idx[d] < shape[d] {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    /// A valid case too costly to compute: when it must allocate a result larger than
    /// [`ALLOC_CAP`], npdot is called and must return `MemoryError` at once (the cap refuses the
    /// request before the OS sees it); otherwise it is skipped.
    fn huge_or_skip<T>(result: &[usize], allocates: bool) -> Want<T> {
        let bytes = result
            .iter()
            .try_fold(std::mem::size_of::<T>(), |p, &d| p.checked_mul(d));
        if allocates && bytes.is_some_and(|b| b > ALLOC_CAP) {
            Want::Huge
        } else {
            Want::Skip
        }
    }

    fn affordable<T>(out: &[usize], k: usize) -> bool {
        if out.iter().any(|&d| d > HUGE) && !out.contains(&0) {
            return false;
        }
        let n = elems(out);
        n.saturating_mul(std::mem::size_of::<T>()) <= MAX_BYTES
            && n.saturating_mul(k.max(1)) <= BUDGET
    }

    /// `np.dot` (`inner == false`) or `np.inner`, with `out` = `(shape, strides)` for `dot_into`.
    pub fn contract<T: Fz>(
        a: &ArrayViewD<'_, T>,
        b: &ArrayViewD<'_, T>,
        inner: bool,
        out: Option<(&[usize], &[isize])>,
    ) -> Want<T> {
        let (sa, sb) = (a.shape(), b.shape());
        let scalar = sa.is_empty() || sb.is_empty();
        let (k, out_shape) = if scalar {
            (
                1,
                if sa.is_empty() {
                    sb.to_vec()
                } else {
                    sa.to_vec()
                },
            )
        } else {
            let k = sa[sa.len() - 1];
            let kb = if inner || sb.len() == 1 {
                sb[sb.len() - 1]
            } else {
                sb[sb.len() - 2]
            };
            if k != kb {
                return Want::Fail(Class::NotAligned);
            }
            let mut o = sa[..sa.len() - 1].to_vec();
            if inner {
                o.extend_from_slice(&sb[..sb.len() - 1]);
            } else if sb.len() >= 2 {
                o.extend_from_slice(&sb[..sb.len() - 2]);
                o.push(sb[sb.len() - 1]);
            }
            (k, o)
        };
        if let (true, Some((shape, _))) = (scalar, out)
            && !(T::FLOAT && sa.len() <= 2 && sb.len() <= 2)
        {
            return multiply_into(a, b, shape);
        }
        match out {
            Some((shape, strides)) => {
                if shape.len() != out_shape.len() || !c_contiguous(shape, strides) {
                    return Want::Fail(Class::OutNotAcceptable);
                }
                if shape != out_shape.as_slice() {
                    return Want::Fail(Class::OutWrongDims);
                }
            }
            None => {
                if too_big(&out_shape, std::mem::size_of::<T>()) {
                    return Want::Fail(Class::TooBig);
                }
            }
        }
        if !affordable::<T>(&out_shape, k) {
            return huge_or_skip::<T>(&out_shape, out.is_none());
        }
        // NumPy's BLAS path (float/complex, both operands at most 2-D) has a scalar branch:
        // when one operand has a "scalar" shape (0-D, 1-D of length ≤ 1, 2-D (≤1, 1); for
        // `inner`, `b` with its axes swapped) with one element and the other operand more
        // than one element, it zero-fills the result and adds `alpha·x` with `?axpy`, which
        // skips `alpha == 0` (so 0·inf gives 0, not NaN).
        if T::FLOAT && sa.len() <= 2 && sb.len() <= 2 {
            let scalar_shape = |s: &[usize]| match s {
                [] => true,
                [n] => *n <= 1,
                [r, 1] => *r <= 1,
                _ => false,
            };
            let mut sbt = sb.to_vec();
            if inner && sbt.len() == 2 {
                sbt.swap(0, 1);
            }
            let (a_s, b_s) = (scalar_shape(sa), scalar_shape(&sbt));
            if a_s || b_s {
                let (s, o) = if a_s { (a, b) } else { (b, a) };
                if s.len() == 1 && o.len() > 1 && s.iter().all(|x| x.is_zero()) {
                    if !affordable::<T>(&out_shape, 1) {
                        return Want::Skip;
                    }
                    return Want::Value(ArrayD::from_elem(IxDyn(&out_shape), T::r_zero()));
                }
            }
        }
        let mut data = Vec::with_capacity(elems(&out_shape));
        let na = sa.len().saturating_sub(1);
        let mut ai = vec![0usize; sa.len()];
        let mut bi = vec![0usize; sb.len()];
        for_each_index(&out_shape, |idx| {
            if scalar {
                data.push(if sa.is_empty() {
                    a[[]].r_mul(b[idx])
                } else {
                    a[idx].r_mul(b[[]])
                });
                return;
            }
            let (ia, rest) = idx.split_at(na);
            ai[..na].copy_from_slice(ia);
            let t_pos = if inner || sb.len() == 1 {
                bi[..rest.len()].copy_from_slice(rest);
                sb.len() - 1
            } else {
                let (jb, m) = rest.split_at(rest.len() - 1);
                bi[..jb.len()].copy_from_slice(jb);
                bi[sb.len() - 1] = m[0];
                sb.len() - 2
            };
            let mut acc = T::r_zero();
            for t in 0..k {
                ai[na] = t;
                bi[t_pos] = t;
                acc = acc.r_add(a[&ai[..]].r_mul(b[&bi[..]]));
            }
            data.push(acc);
        });
        Want::Value(ArrayD::from_shape_vec(IxDyn(&out_shape), data).expect("ref shape"))
    }

    /// `np.dot(a, b, out=out)` with a 0-D operand where NumPy does not take its BLAS path (any
    /// type but float/complex with both operands at most 2-D): `np.multiply(a, b, out=out)`,
    /// i.e. ufunc broadcasting of all three shapes, `out` must have the broadcast shape.
    fn multiply_into<T: Fz>(
        a: &ArrayViewD<'_, T>,
        b: &ArrayViewD<'_, T>,
        out: &[usize],
    ) -> Want<T> {
        let (sa, sb) = (a.shape(), b.shape());
        let nd = sa.len().max(sb.len()).max(out.len());
        let mut bshape = vec![1usize; nd];
        for (i, d) in bshape.iter_mut().enumerate() {
            for s in [sa, sb, out] {
                if i + s.len() >= nd {
                    let x = s[i + s.len() - nd];
                    if x != 1 {
                        if *d != 1 && *d != x {
                            return Want::Fail(Class::Ufunc);
                        }
                        *d = x;
                    }
                }
            }
        }
        if bshape != out {
            return Want::Fail(Class::Ufunc);
        }
        if !affordable::<T>(out, 1) {
            return Want::Skip;
        }
        let pick = |s: &[usize], idx: &[usize]| -> Vec<usize> {
            s.iter()
                .zip(&idx[nd - s.len()..])
                .map(|(&d, &i)| if d == 1 { 0 } else { i })
                .collect()
        };
        let mut data = Vec::with_capacity(elems(out));
        for_each_index(out, |idx| {
            data.push(a[&pick(sa, idx)[..]].r_mul(b[&pick(sb, idx)[..]]));
        });
        Want::Value(ArrayD::from_shape_vec(IxDyn(out), data).expect("ref shape"))
    }

    /// `np.matmul(a, b)` or `np.matmul(a, b, out=<array of out_shape>)`: the gufunc
    /// `(n?,k),(k,m?)->(n?,m?)` with NumPy's dimension-dropping, core-size and iterator rules.
    pub fn matmul<T: Fz>(
        a: &ArrayViewD<'_, T>,
        b: &ArrayViewD<'_, T>,
        out: Option<&[usize]>,
    ) -> Want<T> {
        let (sa, sb) = (a.shape(), b.shape());
        if sa.is_empty() || sb.is_empty() {
            return Want::Fail(Class::NotEnoughDims);
        }
        let mut n_missing = sa.len() < 2;
        let mut m_missing = sb.len() < 2;
        let present = |n_m: bool, m_m: bool| usize::from(!n_m) + usize::from(!m_m);
        if let Some(o) = out {
            if o.len() < present(n_missing, m_missing) && !n_missing {
                n_missing = true;
            }
            if o.len() < present(n_missing, m_missing) && !m_missing {
                m_missing = true;
            }
        }
        let a_core = 1 + usize::from(!n_missing);
        let b_core = 1 + usize::from(!m_missing);
        let o_core = present(n_missing, m_missing);
        let k = sa[sa.len() - 1];
        if sb[sb.len() - b_core] != k {
            return Want::Fail(Class::CoreMismatch);
        }
        let mut core = Vec::new();
        if !n_missing {
            core.push(sa[sa.len() - 2]);
        }
        if !m_missing {
            core.push(sb[sb.len() - 1]);
        }
        if let Some(o) = out
            && o[o.len() - o_core..] != core[..]
        {
            return Want::Fail(Class::CoreMismatch);
        }
        let a_loop = &sa[..sa.len() - a_core];
        let b_loop = &sb[..sb.len() - b_core];
        let o_loop = out.map(|o| &o[..o.len() - o_core]);
        let nl = a_loop
            .len()
            .max(b_loop.len())
            .max(o_loop.map_or(0, <[usize]>::len));
        let mut bc = vec![1usize; nl];
        for l in [Some(a_loop), Some(b_loop), o_loop].into_iter().flatten() {
            for (j, &d) in l.iter().enumerate() {
                let p = nl - l.len() + j;
                if bc[p] == 1 {
                    bc[p] = d;
                } else if d != 1 && d != bc[p] {
                    return Want::Fail(Class::Loop);
                }
            }
        }
        let (res_shape, batch) = match (out, o_loop) {
            (Some(o), Some(ol)) => {
                let off = nl - ol.len();
                for (p, &d) in bc.iter().enumerate() {
                    if d != 1 && (p < off || ol[p - off] == 1) {
                        return Want::Fail(Class::Loop);
                    }
                }
                (o.to_vec(), ol.to_vec())
            }
            _ => {
                let mut r = bc.clone();
                r.extend_from_slice(&core);
                if too_big(&r, std::mem::size_of::<T>()) {
                    return Want::Fail(Class::TooBig);
                }
                (r, bc)
            }
        };
        if !affordable::<T>(&res_shape, k) {
            return huge_or_skip::<T>(&res_shape, out.is_none());
        }
        let nb = batch.len();
        let loop_index = |lp: &[usize], bidx: &[usize], dst: &mut [usize]| {
            for (q, &d) in lp.iter().enumerate() {
                let from_right = lp.len() - q;
                dst[q] = if d == 1 || from_right > nb {
                    0
                } else {
                    bidx[nb - from_right]
                };
            }
        };
        let mut ai = vec![0usize; sa.len()];
        let mut bi = vec![0usize; sb.len()];
        let mut data = Vec::with_capacity(elems(&res_shape));
        for_each_index(&res_shape, |idx| {
            let (bidx, cidx) = idx.split_at(nb);
            loop_index(a_loop, bidx, &mut ai);
            loop_index(b_loop, bidx, &mut bi);
            if !n_missing {
                ai[a_loop.len()] = cidx[0];
            }
            if !m_missing {
                bi[sb.len() - 1] = cidx[cidx.len() - 1];
            }
            let (ta, tb) = (sa.len() - 1, sb.len() - b_core);
            let mut acc = T::r_zero();
            for t in 0..k {
                ai[ta] = t;
                bi[tb] = t;
                acc = acc.r_add(a[&ai[..]].r_mul(b[&bi[..]]));
            }
            data.push(acc);
        });
        Want::Value(ArrayD::from_shape_vec(IxDyn(&res_shape), data).expect("ref shape"))
    }
}

// ---------------------------------------------------------------------------------------------
// Case generation (shapes only; element type independent).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Dot,
    Inner,
    Matmul,
    DotInto,
    MatmulInto,
}

/// Huge dims: around the BLAS int limit and up to `isize::MAX`.
const HUGE_DIMS: &[usize] = &[
    (1 << 31) - 1,
    1 << 31,
    (1 << 31) + 1,
    1 << 32,
    (1 << 32) + 3,
    1 << 40,
    (1 << 61) + 1,
    1 << 62,
    isize::MAX as usize,
    (isize::MAX as usize / 3) + 1,
];

struct ShapeGen<'r> {
    rng: &'r mut Rng,
    /// Some dims huge (broadcast only), many zero.
    huge: bool,
    /// Larger dims (BLAS-sized products, parallel batches).
    big: bool,
    /// Many dims, mostly 1.
    high: bool,
}

impl ShapeGen<'_> {
    fn dim(&mut self) -> usize {
        let r = &mut *self.rng;
        if self.huge && r.p(0.3) {
            return r.pick(HUGE_DIMS);
        }
        if self.huge && r.p(0.3) {
            return 0;
        }
        if self.high {
            return if r.p(0.85) { 1 } else { r.range(0, 3) };
        }
        if cfg!(miri) {
            return r.range(0, 4);
        }
        match r.below(100) {
            0..=6 => 0,
            7..=30 => 1,
            31..=80 => r.range(2, 5),
            81..=95 => r.range(6, 12),
            // Debug builds (CI) keep these smaller: the reference is slow there.
            _ if self.big && cfg!(debug_assertions) => r.range(16, 40),
            _ if self.big => r.range(16, 90),
            _ => r.range(13, 24),
        }
    }

    fn ndim(&mut self, min: usize) -> usize {
        let r = &mut *self.rng;
        let nd = if self.high {
            r.range(6, 32)
        } else {
            match r.below(100) {
                0..=4 => 0,
                5..=29 => 1,
                30..=64 => 2,
                65..=84 => 3,
                85..=94 => 4,
                _ => r.range(5, 7),
            }
        };
        nd.max(min)
    }

    fn shape(&mut self, nd: usize) -> Vec<usize> {
        (0..nd).map(|_| self.dim()).collect()
    }

    /// A random mutation that usually makes shapes invalid.
    fn mutate(&mut self, s: &mut Vec<usize>) {
        let r = &mut *self.rng;
        match r.below(4) {
            0 if !s.is_empty() => {
                let i = r.below(s.len());
                s[i] = r.range(0, 6);
            }
            1 => s.insert(0, r.range(0, 3)),
            2 if !s.is_empty() => {
                s.remove(r.below(s.len()));
            }
            _ if !s.is_empty() => {
                let i = r.below(s.len());
                s[i] += 1;
            }
            _ => s.push(r.range(1, 3)),
        }
    }
}

#[derive(Clone, Debug)]
struct Spec {
    op: Op,
    a: Vec<usize>,
    b: Vec<usize>,
    out: Option<Vec<usize>>,
    /// `b` is a view of `a`'s memory: `a` itself (inner), or `a` with its last two axes swapped.
    same: bool,
}

/// Makes `shape` allocatable (for `out`): huge dims are fine only next to a zero dim.
fn shrink_huge(rng: &mut Rng, shape: &mut [usize]) {
    if !shape.contains(&0) {
        for d in shape.iter_mut().filter(|d| **d > HUGE) {
            *d = rng.range(0, 3);
        }
    }
}

/// Keeps every operand's element count within `isize::MAX` (ndarray's limit for a view).
fn fit_view(shape: &mut [usize]) {
    loop {
        let ok = shape
            .iter()
            .filter(|&&d| d != 0)
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .is_some_and(|p| p <= isize::MAX as usize);
        if ok {
            return;
        }
        let i = (0..shape.len())
            .max_by_key(|&i| shape[i])
            .expect("non-empty");
        shape[i] = 1;
    }
}

/// Probability of a case with BLAS-sized dims (`NPDOT_FUZZ_BIG`, default 0.03).
fn big_probability() -> f64 {
    static P: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *P.get_or_init(|| {
        std::env::var("NPDOT_FUZZ_BIG")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.03)
    })
}

/// A valid product with a zero-size contracted dimension and huge outer ones, e.g.
/// `(2^40, 0) @ (0, 3)`: the result is zeros, too large to allocate (`MemoryError`) or to
/// address (`TooBig`), or small.
fn empty_contraction(rng: &mut Rng) -> Spec {
    let dim = |rng: &mut Rng| {
        if rng.p(0.7) {
            rng.pick(HUGE_DIMS)
        } else {
            rng.pick(&[1, 3, 1 << 20, 1 << 28])
        }
    };
    let (n, m, j) = (dim(rng), dim(rng), dim(rng));
    let batch = rng.p(0.3);
    let (op, mut a, mut b) = match rng.below(3) {
        0 if batch => (Op::Matmul, vec![j, n, 0], vec![0, m]),
        0 => (Op::Matmul, vec![n, 0], vec![0, m]),
        1 if batch => (Op::Dot, vec![n, 0], vec![j, 0, m]),
        1 => (Op::Dot, vec![n, 0], vec![0, m]),
        _ if batch => (Op::Inner, vec![n, 0], vec![j, m, 0]),
        _ => (Op::Inner, vec![n, 0], vec![m, 0]),
    };
    fit_view(&mut a);
    fit_view(&mut b);
    Spec {
        op,
        a,
        b,
        out: None,
        same: false,
    }
}

fn gen_spec(rng: &mut Rng) -> Spec {
    if rng.p(0.01) {
        return empty_contraction(rng);
    }
    let op = match rng.below(100) {
        0..=24 => Op::Matmul,
        25..=44 => Op::Dot,
        45..=59 => Op::Inner,
        60..=79 => Op::MatmulInto,
        _ => Op::DotInto,
    };
    let huge = rng.p(0.04);
    let big = !cfg!(miri) && !huge && rng.p(big_probability());
    let high = !huge && rng.p(0.02);
    let valid = rng.p(0.85);
    let same = !huge && rng.p(0.05);
    let mut g = ShapeGen {
        rng,
        huge,
        big,
        high,
    };
    let (mut a, mut b, mut out) = match op {
        Op::Dot | Op::Inner | Op::DotInto => {
            let (na, nb) = if same {
                let n = g.ndim(2);
                (n, n)
            } else {
                (g.ndim(0), g.ndim(0))
            };
            let a = g.shape(na);
            let mut b = if same {
                let mut b = a.clone();
                if op != Op::Inner {
                    b.swap(na - 1, na - 2);
                }
                b
            } else {
                g.shape(nb)
            };
            if !a.is_empty() && !b.is_empty() {
                let nb = b.len();
                let axis = if op == Op::Inner || nb == 1 {
                    nb - 1
                } else {
                    nb - 2
                };
                b[axis] = a[a.len() - 1];
            }
            let mut out = None;
            if op == Op::DotInto {
                let mut o = a[..a.len().saturating_sub(1)].to_vec();
                if a.is_empty() {
                    o = b.clone();
                } else if b.is_empty() {
                    o = a.clone();
                } else if b.len() >= 2 {
                    o.extend_from_slice(&b[..b.len() - 2]);
                    o.push(b[b.len() - 1]);
                }
                out = Some(o);
            }
            (a, b, out)
        }
        Op::Matmul | Op::MatmulInto => {
            let (na, nb) = (g.ndim(1), g.ndim(1));
            let nl = na.max(nb).saturating_sub(2);
            let full: Vec<usize> = (0..nl).map(|_| g.dim()).collect();
            let loops = |nd: usize, g: &mut ShapeGen| -> Vec<usize> {
                let l = nd.saturating_sub(2);
                full[nl - l..]
                    .iter()
                    .map(|&d| if g.rng.p(0.3) { 1 } else { d })
                    .collect()
            };
            let (la, lb) = (loops(na, &mut g), loops(nb, &mut g));
            let (n, k, m) = (g.dim(), g.dim(), g.dim());
            let mut a = la.clone();
            if na >= 2 {
                a.push(n);
            }
            a.push(k);
            let mut b = lb.clone();
            b.push(k);
            if nb >= 2 {
                b.push(m);
            }
            if same && na >= 2 {
                b = a.clone();
                let l = b.len();
                b.swap(l - 1, l - 2);
            }
            let mut out = None;
            if op == Op::MatmulInto {
                let mut o: Vec<usize> = (0..la.len().max(lb.len()))
                    .map(|p| {
                        let da = (p + la.len()).checked_sub(la.len().max(lb.len()));
                        let db = (p + lb.len()).checked_sub(la.len().max(lb.len()));
                        let x = da.map_or(1, |i| la[i]);
                        let y = db.map_or(1, |i| lb[i]);
                        if x == 1 { y } else { x }
                    })
                    .collect();
                for d in o.iter_mut() {
                    if *d == 1 && g.rng.p(0.2) {
                        *d = g.rng.range(0, 3);
                    }
                }
                if g.rng.p(0.25) {
                    for _ in 0..g.rng.range(1, 2) {
                        o.insert(0, g.rng.range(0, 3));
                    }
                }
                if na >= 2 {
                    o.push(a[a.len() - 2]);
                }
                if nb >= 2 {
                    o.push(b[b.len() - 1]);
                }
                out = Some(o);
            }
            (a, b, out)
        }
    };
    if !valid {
        match g.rng.below(3) {
            0 => g.mutate(&mut a),
            1 => g.mutate(&mut b),
            _ => match &mut out {
                Some(o) => g.mutate(o),
                None => g.mutate(&mut b),
            },
        }
    }
    let rng = g.rng;
    fit_view(&mut a);
    fit_view(&mut b);
    if let Some(o) = &mut out {
        shrink_huge(rng, o);
        fit_view(o);
    }
    // An `out` too large to allocate: call the allocating variant instead.
    let mut op = op;
    if out.as_ref().is_some_and(|o| {
        !o.contains(&0)
            && o.iter()
                .try_fold(1usize, |p, &d| p.checked_mul(d))
                .is_none_or(|n| n > 1 << 20)
    }) {
        out = None;
        op = if op == Op::DotInto {
            Op::Dot
        } else {
            Op::Matmul
        };
    }
    let same = same
        && a.len() >= 2
        && b.len() == a.len()
        && (if op == Op::Inner {
            a == b
        } else {
            let mut t = a.clone();
            t.swap(a.len() - 1, a.len() - 2);
            t == b
        });
    Spec {
        op,
        a,
        b,
        out,
        same,
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case.

#[derive(Default)]
struct Stats {
    cases: AtomicU64,
    calls: AtomicU64,
    values: AtomicU64,
    errors: AtomicU64,
    skipped: AtomicU64,
    split: AtomicU64,
    huge: AtomicU64,
}

fn run_case(seed: u64, stats: &Stats, describe: bool) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    match rng.below(15) {
        0 => run_typed::<f32>(&mut rng, stats, describe),
        1 => run_typed::<f64>(&mut rng, stats, describe),
        2 => run_typed::<Complex<f32>>(&mut rng, stats, describe),
        3 => run_typed::<Complex<f64>>(&mut rng, stats, describe),
        4 => run_typed::<i8>(&mut rng, stats, describe),
        5 => run_typed::<i16>(&mut rng, stats, describe),
        6 => run_typed::<i32>(&mut rng, stats, describe),
        7 => run_typed::<i64>(&mut rng, stats, describe),
        8 => run_typed::<isize>(&mut rng, stats, describe),
        9 => run_typed::<u8>(&mut rng, stats, describe),
        10 => run_typed::<u16>(&mut rng, stats, describe),
        11 => run_typed::<u32>(&mut rng, stats, describe),
        12 => run_typed::<u64>(&mut rng, stats, describe),
        13 => run_typed::<usize>(&mut rng, stats, describe),
        _ => run_typed::<bool>(&mut rng, stats, describe),
    }
}

fn first_diff<T: Fz>(got: &ArrayViewD<'_, T>, want: &ArrayD<T>) -> Option<String> {
    if got.shape() != want.shape() {
        return Some(format!("shape {:?}, want {:?}", got.shape(), want.shape()));
    }
    for (idx, (g, w)) in got.iter().zip(want.iter()).enumerate() {
        if !g.same(*w) {
            return Some(format!(
                "element #{idx} (C order) is {g:?}, want {w:?}\n  got  {got:?}\n  want {want:?}"
            ));
        }
    }
    None
}

fn run_typed<T: Fz>(rng: &mut Rng, stats: &Stats, describe: bool) -> Result<(), String> {
    let spec = gen_spec(rng);
    if describe {
        println!("spec: {spec:?}");
    }
    let special = T::FLOAT && rng.p(0.05);
    let la = Layout::random(rng, &spec.a, true, false);
    let a_op = Operand::<T>::new(rng, la, special);
    let b_op = if spec.same {
        None
    } else {
        let lb = Layout::random(rng, &spec.b, true, false);
        Some(Operand::<T>::new(rng, lb, special))
    };
    let out_layout = spec.out.as_ref().map(|o| {
        let plain = spec.op == Op::DotInto && rng.p(0.85);
        Layout::random(rng, o, false, plain)
    });
    let limit = (!cfg!(miri) && rng.p(0.08)).then(|| rng.range(1, 9));
    let use_trait = rng.p(0.5);
    let fixed_dims = rng.p(0.2);

    let a_pre = a_op.pre_view();
    let a = a_pre.broadcast(IxDyn(&spec.a)).expect("a broadcasts");
    let b_pre = b_op.as_ref().map(|o| o.pre_view());
    let b: ArrayViewD<'_, T> = match &b_pre {
        Some(p) => p.broadcast(IxDyn(&spec.b)).expect("b broadcasts"),
        None if spec.op == Op::Inner => a.view(),
        None => {
            let l = a.ndim();
            a.view().permuted_axes(IxDyn(
                &(0..l)
                    .map(|i| match i {
                        _ if i == l - 1 => l - 2,
                        _ if i == l - 2 => l - 1,
                        _ => i,
                    })
                    .collect::<Vec<_>>(),
            ))
        }
    };
    assert_eq!(b.shape(), spec.b.as_slice());

    // The out array: garbage-filled base, and a mask of which base elements the view covers.
    let mut out_base: Option<(ArrayD<T>, ArrayD<bool>)> = out_layout.as_ref().map(|l| {
        let data: Vec<T> = (0..l.base_len()).map(|_| T::random(rng, true)).collect();
        let base = ArrayD::from_shape_vec(IxDyn(&l.base), data).expect("out base");
        let mut mask = ArrayD::from_elem(IxDyn(&l.base), false);
        l.apply_mut(mask.view_mut()).fill(true);
        (base, mask)
    });

    let out_desc = match (&out_layout, &out_base) {
        (Some(l), Some((base, _))) => {
            let v = l.apply(base.view());
            format!(" out{:?} strides {:?}", v.shape(), v.strides())
        }
        _ => String::new(),
    };
    let describe_case = |extra: &str| {
        let mut s = format!(
            "{:?} {} a{:?} strides {:?} b{:?} strides {:?}",
            spec.op,
            T::NAME,
            a.shape(),
            a.strides(),
            b.shape(),
            b.strides()
        );
        if spec.same {
            s += " (b aliases a)";
        }
        s += &out_desc;
        if let Some(l) = limit {
            s += &format!(" blas_dim_limit={l}");
        }
        if special {
            s += " (inf/NaN values)";
        }
        s + extra
    };

    let want = match spec.op {
        Op::Dot => reference::contract(&a, &b, false, None),
        Op::Inner => reference::contract(&a, &b, true, None),
        Op::Matmul => reference::matmul(&a, &b, None),
        Op::DotInto | Op::MatmulInto => {
            let (base, _) = out_base.as_ref().expect("out");
            let l = out_layout.as_ref().expect("out layout");
            let v = l.apply(base.view());
            if spec.op == Op::DotInto {
                reference::contract(&a, &b, false, Some((v.shape(), v.strides())))
            } else {
                reference::matmul(&a, &b, Some(v.shape()))
            }
        }
    };
    if describe {
        println!("case: {}", describe_case(""));
        println!("a = {a:?}\nb = {b:?}");
    }
    if matches!(want, Want::Skip) {
        stats.skipped.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    stats.calls.fetch_add(1, Ordering::Relaxed);
    if let Some(l) = limit {
        npdot::tuning::set_blas_dim_limit(l);
        stats.split.fetch_add(1, Ordering::Relaxed);
    }
    let out_before = out_base.as_ref().map(|(b, _)| b.clone());
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Option<ArrayD<T>>, Error> {
        match spec.op {
            Op::Dot | Op::Inner | Op::Matmul => {
                let two = fixed_dims && a.ndim() == 2 && b.ndim() == 2;
                let r = if two {
                    let a2 = a.view().into_dimensionality::<Ix2>().expect("2-D");
                    let b2 = b.view().into_dimensionality::<Ix2>().expect("2-D");
                    match spec.op {
                        Op::Dot => npdot::dot(&a2, &b2),
                        Op::Inner => npdot::inner(&a2, &b2),
                        _ => npdot::matmul(&a2, &b2),
                    }
                    .map(|r| r.into_dyn())
                } else if use_trait {
                    match spec.op {
                        Op::Dot => a.dot(&b),
                        Op::Inner => a.inner(&b),
                        _ => a.matmul(&b),
                    }
                } else {
                    match spec.op {
                        Op::Dot => npdot::dot(&a, &b),
                        Op::Inner => npdot::inner(&a, &b),
                        _ => npdot::matmul(&a, &b),
                    }
                };
                r.map(Some)
            }
            Op::DotInto | Op::MatmulInto => {
                let (base, _) = out_base.as_mut().expect("out");
                let l = out_layout.as_ref().expect("out layout");
                let mut v = l.apply_mut(base.view_mut());
                let r = match (spec.op, use_trait) {
                    (Op::DotInto, true) => a.dot_into(&b, &mut v),
                    (Op::DotInto, false) => npdot::dot_into(&a, &b, &mut v),
                    (_, true) => a.matmul_into(&b, &mut v),
                    (_, false) => npdot::matmul_into(&a, &b, &mut v),
                };
                r.map(|()| None)
            }
        }
    }));
    if limit.is_some() {
        npdot::tuning::set_blas_dim_limit(usize::MAX);
    }
    let got = result.map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        describe_case(&format!("\n  PANIC: {msg}"))
    })?;
    match (got, want) {
        (Ok(r), Want::Value(w)) => {
            stats.values.fetch_add(1, Ordering::Relaxed);
            let diff = match (r, &out_base, &out_layout) {
                (Some(r), _, _) => first_diff(&r.view(), &w),
                (None, Some((base, mask)), Some(l)) => {
                    let before = out_before.expect("snapshot");
                    let outside = base
                        .iter()
                        .zip(before.iter())
                        .zip(mask.iter())
                        .position(|((x, y), &m)| !m && !x.same(*y));
                    match outside {
                        Some(i) => Some(format!("wrote base element #{i} outside the out view")),
                        None => first_diff(&l.apply(base.view()), &w),
                    }
                }
                _ => unreachable!(),
            };
            match diff {
                Some(d) => Err(describe_case(&format!("\n  WRONG VALUE: {d}"))),
                None => Ok(()),
            }
        }
        (Err(e), Want::Fail(c)) => {
            stats.errors.fetch_add(1, Ordering::Relaxed);
            if class_of(&e) != Some(c) {
                return Err(describe_case(&format!(
                    "\n  WRONG ERROR: {e:?} ({e}), want class {c:?}"
                )));
            }
            // NumPy raises before writing: out must be untouched.
            if let (Some((base, _)), Some(before)) = (&out_base, &out_before)
                && base.iter().zip(before.iter()).any(|(x, y)| !x.same(*y))
            {
                return Err(describe_case("\n  out modified on error"));
            }
            // Display must not panic either.
            let _ = e.to_string();
            Ok(())
        }
        (Ok(_), Want::Fail(c)) => Err(describe_case(&format!(
            "\n  npdot returned Ok, want an error of class {c:?}"
        ))),
        (Err(e), Want::Value(_)) => Err(describe_case(&format!(
            "\n  npdot returned Err({e:?}): {e}, want a value"
        ))),
        (Err(e), Want::Huge) => {
            stats.huge.fetch_add(1, Ordering::Relaxed);
            if class_of(&e) != Some(Class::Memory) {
                return Err(describe_case(&format!(
                    "\n  WRONG ERROR: {e:?} ({e}), want a MemoryError"
                )));
            }
            let _ = e.to_string();
            Ok(())
        }
        (Ok(_), Want::Huge) => Err(describe_case(
            "\n  npdot returned Ok for a result larger than the allocation cap",
        )),
        (_, Want::Skip) => unreachable!(),
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    if v == "time" {
        return Some(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64),
        );
    }
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => v.replace('_', "").parse().ok(),
    }
}

/// Runs `iters` cases of stream `base` on `threads` threads; returns the failures.
fn fuzz(base: u64, iters: u64, threads: u64, stats: &Stats) -> Vec<String> {
    let failures = Mutex::new(Vec::new());
    let next = AtomicU64::new(0);
    let trace = std::env::var_os("NPDOT_FUZZ_TRACE").is_some_and(|v| v != "0");
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= iters {
                        break;
                    }
                    let seed = case_seed(base, i);
                    if trace {
                        eprintln!("case {i}: NPDOT_FUZZ_CASE={seed:#x}");
                    }
                    stats.cases.fetch_add(1, Ordering::Relaxed);
                    if let Err(e) = run_case(seed, stats, false) {
                        let mut f = failures.lock().unwrap();
                        if f.len() < 20 {
                            f.push(format!(
                                "case {i} — reproduce: NPDOT_FUZZ_CASE={seed:#x} cargo test \
                                 --test checks fuzz_random_cases -- --nocapture\n  {e}"
                            ));
                        } else if f.len() == 20 {
                            f.push("(more failures not shown)".into());
                        }
                    }
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

#[test]
fn fuzz_random_cases() {
    let _knobs = crate::knobs::exclusive();
    npdot::tuning::set_alloc_limit(Some(ALLOC_CAP));
    let stats = Stats::default();
    if let Some(seed) = env_u64("NPDOT_FUZZ_CASE") {
        let r = run_case(seed, &stats, true);
        println!("{r:?}");
        assert!(r.is_ok(), "{}", r.unwrap_err());
        return;
    }
    let default_iters = if cfg!(miri) {
        40
    } else if cfg!(debug_assertions) {
        3_000
    } else {
        200_000
    };
    let iters = env_u64("NPDOT_FUZZ_ITERS").unwrap_or(default_iters);
    let threads = env_u64("NPDOT_FUZZ_THREADS").unwrap_or(if cfg!(miri) { 1 } else { 2 });
    let base = env_u64("NPDOT_FUZZ_SEED").unwrap_or(0x6e70_646f_7400_0001);
    let t0 = Instant::now();
    let failures = fuzz(base, iters, threads.max(1), &stats);
    let secs = t0.elapsed().as_secs_f64();
    let ld = |a: &AtomicU64| a.load(Ordering::Relaxed);
    println!(
        "fuzz: seed {base:#x}: {} cases, {} npdot calls ({} values, {} errors, {} valid with a \
         result too large to allocate; {} with a tiny BLAS dim limit), {} skipped as too costly \
         to check, in {secs:.1} s ({:.0} calls/s)",
        ld(&stats.cases),
        ld(&stats.calls),
        ld(&stats.values),
        ld(&stats.errors),
        ld(&stats.huge),
        ld(&stats.split),
        ld(&stats.skipped),
        ld(&stats.calls) as f64 / secs
    );
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
