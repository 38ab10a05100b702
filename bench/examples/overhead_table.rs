//! Per-call overhead of npdot over the raw kernel, for every small case (issue 9): `dot`,
//! `inner`, `matmul` × vector·vector, matrix·vector, vector·matrix, matrix·matrix × f64, f32,
//! c128, i64 × sizes 4 and 16 × static (`Array1`/`Array2`) and `IxDyn` operands.
//!
//! ```text
//! bash scripts/overhead_table.sh            # the one command: time + callgrind, markdown table
//! cargo run --release -p npdot-bench --example overhead_table -- --clock cpu   # times only
//! ```
//!
//! Per case, on the same buffers: `npdot` (the call as a user writes it, allocating its result),
//! `raw` (the element type's own 2-D kernel entry, `Element::gemm2` — or `Element::dot1` for
//! vector·vector — into an output allocated once beforehand: the kernel npdot runs, without
//! npdot's semantics layer; plus, for floats, `cblas` = the `?gemm` of the matrix·matrix case,
//! called directly on buffers placed as the raw side's),
//! `alloc` (allocating and freeing the result alone: one allocation of its size; none for a
//! static scalar) and `overhead = npdot − raw − alloc`. Targets: ≤ 25 ns static, ≤ 60 ns `IxDyn`.
//! The raw side's operand copies and output sit at the same offsets in their 4 KiB pages as
//! npdot's operands and result (the `page` column: npdot's result's offset, with `→` where it
//! moved during the timing): on this machine's OpenBLAS a `?gemm` into a 4 KiB result takes up
//! to 15 % longer at some offsets than at others, whoever calls it.
//! Times: timeit's autorange (≥ `--min-time`, default 0.02 s) per side, then `--repeats`
//! (default 5) rounds that time the sides of a case in turn, and each side's fastest repeat;
//! CPU clock with `--clock cpu` (run with `OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1`).
//!
//! `--count N` runs every job `N` times inside `measured`, which `scripts/overhead_table.sh`
//! has callgrind collect and dump once per job (`--toggle-collect`/`--dump-after`): the
//! instructions per call of each side, independent of the machine's load. `--list` prints the
//! case and side names in that order; `--instructions FILE` reads them back (one count per
//! line, in list order) into the table.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewMut2, Ix1, Ix2};
use npdot::prelude::*;
use num_complex::Complex64;

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)] // each includer uses a different part of the shared module
mod support;
use support::{Gen, arr, gemm};

/// One timed closure.
type Job = Box<dyn FnMut()>;

/// Where npdot's results land: the offset in its 4 KiB page of the last result's first element
/// (`usize::MAX` for a scalar result). Recorded by the npdot job on every call.
type Page = Rc<Cell<usize>>;

/// Page offset of a result's buffer; `None` for a scalar.
trait Placed {
    fn page(&self) -> Option<usize>;
}

impl<T, D: ndarray::Dimension> Placed for ndarray::Array<T, D> {
    fn page(&self) -> Option<usize> {
        Some(self.as_ptr() as usize % PAGE)
    }
}

macro_rules! scalar_placed {
    ($($t:ty),*) => {$(
        impl Placed for $t {
            fn page(&self) -> Option<usize> {
                None
            }
        }
    )*};
}
scalar_placed!(f32, f64, Complex64, i64);

/// The page size whose offsets the raw output copies.
const PAGE: usize = 4096;

/// Records `r`'s page offset in `seen`, and hands `r` to `black_box`.
#[inline(always)]
fn record<R: Placed>(seen: &Page, r: R) {
    seen.set(r.page().unwrap_or(usize::MAX));
    black_box(r);
}

/// The sides of one case.
struct Case {
    name: String,
    npdot: Job,
    /// Page offset of npdot's last result.
    seen: Page,
    /// The raw kernel, its output placed once npdot's result has been.
    raw: Box<dyn RawJob>,
    alloc: Option<Job>,
    /// The `?gemm` call of a float matrix·matrix case, placed as `raw`.
    cblas: Option<Box<dyn RawJob>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Dot,
    Inner,
    Matmul,
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    VV,
    MV,
    VM,
    MM,
}

/// `struct timespec` of the C library (64-bit Linux layout).
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// Process CPU time (`CLOCK_PROCESS_CPUTIME_ID`).
fn cpu_now() -> Duration {
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `struct timespec`; 2 is CLOCK_PROCESS_CPUTIME_ID.
    let rc = unsafe { clock_gettime(2, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// `number` calls of `f`. Never inlined: callgrind collects and dumps exactly this function.
#[inline(never)]
fn measured(f: &mut dyn FnMut(), number: u64) {
    for _ in 0..number {
        f();
    }
}

/// Time of `number` calls of `f` on the chosen clock.
fn time(f: &mut dyn FnMut(), number: u64, cpu: bool) -> Duration {
    if cpu {
        let t = cpu_now();
        measured(f, number);
        return cpu_now().saturating_sub(t);
    }
    let t = Instant::now();
    measured(f, number);
    t.elapsed()
}

/// Calls per timed repeat of `f`: timeit's autorange (1, 2, 5, 10, ... until one repeat takes
/// at least `min`).
fn autorange(f: &mut dyn FnMut(), min: Duration, cpu: bool) -> u64 {
    let mut number = 1u64;
    loop {
        for j in [1, 2, 5] {
            if time(f, number * j, cpu) >= min {
                return number * j;
            }
        }
        number *= 10;
    }
}

/// ns per call of each job: autoranged one by one, then `repeats` rounds that time every job
/// once in turn (interleaved, so that all sides see the same load on a shared machine), and
/// the fastest repeat of each.
fn ns_per_call_interleaved(
    jobs: &mut [&mut dyn FnMut()],
    min: Duration,
    repeats: usize,
    cpu: bool,
) -> Vec<f64> {
    let numbers: Vec<u64> = jobs.iter_mut().map(|f| autorange(f, min, cpu)).collect();
    let mut best = vec![f64::INFINITY; jobs.len()];
    for _ in 0..repeats {
        for ((f, &number), best) in jobs.iter_mut().zip(&numbers).zip(&mut best) {
            let t = time(f, number, cpu).as_secs_f64() * 1e9 / number as f64;
            *best = best.min(t);
        }
    }
    best
}

/// Element types of the table.
trait Ty: Gen + Element + Placed + std::fmt::Debug {
    /// The `?gemm` of `c = a · b`, prepared once, for the float types.
    fn cblas(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        c: ArrayViewMut2<'_, Self>,
    ) -> Option<support::RawCall>;
}

macro_rules! float_ty {
    ($($t:ty),*) => {$(
        impl Ty for $t {
            fn cblas(
                a: ArrayView2<'_, Self>,
                b: ArrayView2<'_, Self>,
                c: ArrayViewMut2<'_, Self>,
            ) -> Option<support::RawCall> {
                Some(gemm(a, b, c))
            }
        }
    )*};
}
float_ty!(f32, f64, Complex64);

impl Ty for i64 {
    fn cblas(
        _: ArrayView2<'_, i64>,
        _: ArrayView2<'_, i64>,
        _: ArrayViewMut2<'_, i64>,
    ) -> Option<support::RawCall> {
        None
    }
}

/// The operands of one case: shapes by form and size.
fn operands<T: Ty>(form: Form, op: Op, n: usize) -> (ArrayD<T>, ArrayD<T>) {
    let (sa, sb): (Vec<usize>, Vec<usize>) = match (form, op) {
        (Form::VV, _) => (vec![n], vec![n]),
        (Form::MV, _) => (vec![n, n], vec![n]),
        (Form::VM, _) => (vec![n], vec![n, n]),
        (Form::MM, _) => (vec![n, n], vec![n, n]),
    };
    (arr::<T>(&sa, 1), arr::<T>(&sb, 2))
}

/// A C-order copy of `x`'s elements whose first element sits at page offset `page` (anywhere
/// for `None`), as a 1-D array (reshaped by the caller, without a copy).
fn placed<T: Ty>(x: ndarray::ArrayViewD<'_, T>, page: Option<usize>) -> Array1<T> {
    let len = x.len();
    let big = Array1::from_elem(len + PAGE / std::mem::size_of::<T>(), T::zero());
    let start = page.map_or(0, |p| {
        // Both offsets are multiples of 16 (the allocator's alignment), so of the element size.
        (p + PAGE - big.as_ptr() as usize % PAGE) % PAGE / std::mem::size_of::<T>()
    });
    let mut v = big.slice_move(ndarray::s![start..start + len]);
    v.iter_mut().zip(x.iter()).for_each(|(d, s)| *d = *s);
    assert!(page.is_none_or(|p| v.as_ptr() as usize % PAGE == p));
    v
}

/// The 2-D operands of the raw kernel for `op(a, b)`: `(n, k)·(k, m)`, copies of `a` and `b`
/// at the page offsets `pages` of npdot's own operands (so that both sides read memory placed
/// alike).
fn raw_operands<T: Ty>(
    form: Form,
    op: Op,
    a: &ArrayD<T>,
    b: &ArrayD<T>,
    pages: [Option<usize>; 2],
) -> (Array2<T>, Array2<T>) {
    let shaped = |x: &ArrayD<T>, page, shape: (usize, usize)| {
        placed(x.view(), page).into_shape_with_order(shape).unwrap()
    };
    let m2 = |x: &ArrayD<T>, page| shaped(x, page, (x.shape()[0], x.shape()[1]));
    let row = |x: &ArrayD<T>, page| shaped(x, page, (1, x.len()));
    let col = |x: &ArrayD<T>, page| shaped(x, page, (x.len(), 1));
    let [pa, pb] = pages;
    match (form, op) {
        (Form::MV, _) => (m2(a, pa), col(b, pb)),
        (Form::VM, Op::Inner) => (m2(b, pb), col(a, pa)),
        (Form::VM, _) => (row(a, pa), m2(b, pb)),
        (Form::MM, Op::Inner) => (m2(a, pa), m2(b, pb).reversed_axes()),
        (Form::MM, _) => (m2(a, pa), m2(b, pb)),
        (Form::VV, _) => (row(a, pa), col(b, pb)),
    }
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Dot => "dot",
        Op::Inner => "inner",
        Op::Matmul => "matmul",
    }
}

fn form_name(f: Form) -> &'static str {
    match f {
        Form::VV => "vv",
        Form::MV => "mv",
        Form::VM => "vm",
        Form::MM => "mm",
    }
}

/// The npdot job on static operands (`Array1`/`Array2` of the same data).
fn static_job<T: Ty>(
    op: Op,
    form: Form,
    a: &ArrayD<T>,
    b: &ArrayD<T>,
    seen: &Page,
) -> (Job, [Option<usize>; 2]) {
    let v1 = |x: &ArrayD<T>| x.view().into_dimensionality::<Ix1>().unwrap().to_owned();
    let v2 = |x: &ArrayD<T>| x.view().into_dimensionality::<Ix2>().unwrap().to_owned();
    macro_rules! call {
        ($a:expr, $b:expr) => {{
            let (a, b, seen) = ($a, $b, seen.clone());
            let pages = [a.page(), b.page()];
            let job = match op {
                Op::Dot => Box::new(move || record(&seen, npdot::dot(&a, &b).unwrap())) as Job,
                Op::Inner => Box::new(move || record(&seen, npdot::inner(&a, &b).unwrap())),
                Op::Matmul => Box::new(move || record(&seen, npdot::matmul(&a, &b).unwrap())),
            };
            (job, pages)
        }};
    }
    match form {
        Form::VV => call!(v1(a), v1(b)),
        Form::MV => call!(v2(a), v1(b)),
        Form::VM => call!(v1(a), v2(b)),
        Form::MM => call!(v2(a), v2(b)),
    }
}

/// The npdot job on `IxDyn` operands.
fn dyn_job<T: Ty>(op: Op, a: &ArrayD<T>, b: &ArrayD<T>, seen: &Page) -> (Job, [Option<usize>; 2]) {
    let (a, b, seen) = (a.clone(), b.clone(), seen.clone());
    let pages = [a.page(), b.page()];
    let job: Job = match op {
        Op::Dot => Box::new(move || record(&seen, npdot::dot(&a, &b).unwrap())),
        Op::Inner => Box::new(move || record(&seen, npdot::inner(&a, &b).unwrap())),
        Op::Matmul => Box::new(move || record(&seen, npdot::matmul(&a, &b).unwrap())),
    };
    (job, pages)
}

/// The raw kernel of a case on its own copies of the operands (at the page offsets of npdot's
/// operands), into an output allocated once. The output's buffer is allocated with the
/// operands, a page larger than it needs; [`Raw::place`] then puts the output's first element
/// at the page offset of npdot's own result (without allocating, so npdot's result stays where
/// it is), so that both sides use memory placed alike: on this machine's OpenBLAS the time of a
/// `?gemm` into a 4 KiB result moves by up to 15 % with the result's page offset, whatever
/// computes it.
#[allow(clippy::large_enum_variant)] // one per case, boxed
enum Raw<T: Ty> {
    /// Vector·vector: `Element::dot1`, no output.
    Dot(Array1<T>, Array1<T>),
    /// Everything else: `Element::gemm2` of `a` and `b` into the `rows × cols` output `c`, or
    /// the `?gemm` call `cblas` on the same buffers, prepared once placed.
    Gemm {
        a: Array2<T>,
        b: Array2<T>,
        /// The output's buffer until placed.
        big: Option<Array1<T>>,
        c: Option<Array2<T>>,
        cblas: Option<Option<support::RawCall>>,
    },
}

impl<T: Ty> Raw<T> {
    /// The raw side of `op(a, b)` (`cblas`: the `?gemm` call instead of `Element::gemm2`),
    /// its operands at `pages`.
    fn new(
        op: Op,
        form: Form,
        a: &ArrayD<T>,
        b: &ArrayD<T>,
        pages: [Option<usize>; 2],
        cblas: bool,
    ) -> Self {
        if form == Form::VV {
            let [pa, pb] = pages;
            return Raw::Dot(placed(a.view(), pa), placed(b.view(), pb));
        }
        let (ra, rb) = raw_operands(form, op, a, b, pages);
        let len = ra.nrows() * rb.ncols();
        let big = Array1::from_elem(len + PAGE / std::mem::size_of::<T>(), T::zero());
        Raw::Gemm {
            a: ra,
            b: rb,
            big: Some(big),
            c: None,
            cblas: cblas.then_some(None),
        }
    }

    /// Places the output at page offset `page` (anywhere for `None`).
    fn place(&mut self, page: Option<usize>) {
        let Raw::Gemm {
            a,
            b,
            big,
            c,
            cblas,
        } = self
        else {
            return;
        };
        let big = big.take().expect("placed once");
        let (rows, cols) = (a.nrows(), b.ncols());
        let size = std::mem::size_of::<T>();
        let start = page.map_or(0, |p| {
            // Both offsets are multiples of 16 (the allocator's alignment), so of `size`.
            (p + PAGE - big.as_ptr() as usize % PAGE) % PAGE / size
        });
        let placed = big
            .slice_move(ndarray::s![start..start + rows * cols])
            .into_shape_with_order((rows, cols))
            .unwrap();
        assert!(page.is_none_or(|p| placed.as_ptr() as usize % PAGE == p));
        let c = c.insert(placed);
        if let Some(call) = cblas {
            // The call points into the three heap buffers, which stay where they are and
            // alive as long as `self`; nothing else touches `c` from here on.
            *call = T::cblas(a.view(), b.view(), c.view_mut());
        }
    }

    fn run(&mut self) {
        match self {
            Raw::Dot(x, y) => {
                black_box(T::dot1(x.view(), y.view()));
            }
            Raw::Gemm {
                cblas: Some(call), ..
            } => {
                let call = call.as_ref().expect("placed");
                // SAFETY: the call's buffers are `self`'s (see `place`), alive and unmoved.
                black_box(unsafe { call.run() });
            }
            Raw::Gemm { a, b, c, .. } => {
                let c = c.as_mut().expect("placed");
                T::gemm2(a.view(), b.view(), c.view_mut()).unwrap();
                black_box(c);
            }
        }
    }
}

/// The one-allocation job of a case: a result's allocation and release alone (none for a
/// static scalar).
fn alloc_job<T: Ty>(form: Form, n: usize, dynamic: bool) -> Option<Job> {
    if form == Form::VV && !dynamic {
        return None;
    }
    let len = match form {
        Form::VV => 1,
        Form::MM => n * n,
        Form::MV | Form::VM => n,
    };
    Some(Box::new(move || {
        let v: Vec<T> = Vec::with_capacity(black_box(len));
        black_box(v);
    }))
}

/// Every case of one element type.
fn cases_of<T: Ty>(out: &mut Vec<Case>) {
    for n in [4usize, 16] {
        for op in [Op::Dot, Op::Inner, Op::Matmul] {
            for form in [Form::VV, Form::MV, Form::VM, Form::MM] {
                let (a, b) = operands::<T>(form, op, n);
                for dynamic in [false, true] {
                    let seen = Page::default();
                    let (npdot, pages) = if dynamic {
                        dyn_job(op, &a, &b, &seen)
                    } else {
                        static_job(op, form, &a, &b, &seen)
                    };
                    let raw = Box::new(Raw::new(op, form, &a, &b, pages, false));
                    let alloc = alloc_job::<T>(form, n, dynamic);
                    let cblas = (form == Form::MM && T::KIND == npdot::Kind::Float).then(|| {
                        Box::new(Raw::new(op, form, &a, &b, pages, true)) as Box<dyn RawJob>
                    });
                    out.push(Case {
                        name: format!(
                            "{}_{}_{}_{}_{}",
                            op_name(op),
                            form_name(form),
                            T::DTYPE,
                            n,
                            if dynamic { "dyn" } else { "static" }
                        ),
                        npdot,
                        seen,
                        raw,
                        alloc,
                        cblas,
                    });
                }
            }
        }
    }
}

/// [`Raw`] of any element type.
trait RawJob {
    fn place(&mut self, page: Option<usize>);
    fn run(&mut self);
}

impl<T: Ty> RawJob for Raw<T> {
    fn place(&mut self, page: Option<usize>) {
        Raw::place(self, page);
    }
    fn run(&mut self) {
        Raw::run(self);
    }
}

impl Case {
    /// Runs npdot once (its result lands where the timed calls will find it: nothing is
    /// allocated after this) and places the raw output at the same page offset.
    fn prepare(&mut self) {
        (self.npdot)();
        let page = Some(self.seen.get()).filter(|&p| p != usize::MAX);
        self.raw.place(page);
        if let Some(c) = self.cblas.as_mut() {
            c.place(page);
        }
    }
}

fn all_cases() -> Vec<Case> {
    let mut v = Vec::new();
    cases_of::<f64>(&mut v);
    cases_of::<f32>(&mut v);
    cases_of::<Complex64>(&mut v);
    cases_of::<i64>(&mut v);
    v
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .map(|i| args[i + 1].clone())
    };
    let cpu = flag("--clock").as_deref() == Some("cpu");
    let min = Duration::from_secs_f64(flag("--min-time").map_or(0.02, |s| s.parse().unwrap()));
    let repeats: usize = flag("--repeats").map_or(5, |s| s.parse().unwrap());
    let only = flag("--cases");
    let mut cases = all_cases();
    if let Some(only) = &only {
        cases.retain(|c| only.split(',').any(|o| c.name.contains(o)));
    }
    if let Some(n) = flag("--count") {
        let n: u64 = n.parse().unwrap();
        for c in &mut cases {
            // One call first (not collected): lazy initialization stays out of the counts.
            c.prepare();
            c.raw.run();
            measured(&mut c.npdot, n);
            measured(&mut || c.raw.run(), n);
        }
        return;
    }
    if args.iter().any(|a| a == "--list") {
        for c in &cases {
            println!("{}", c.name);
        }
        return;
    }
    let instr: Option<Vec<f64>> = flag("--instructions").map(|p| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect()
    });
    println!(
        "| case | npdot ns | raw ns | alloc ns | overhead ns | target | ok? | npdot instr | raw instr | cblas ns | page |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (i, c) in cases.iter_mut().enumerate() {
        c.prepare();
        let placed = c.seen.get();
        let mut raw = || c.raw.run();
        let mut jobs: Vec<&mut dyn FnMut()> = vec![&mut c.npdot, &mut raw];
        if let Some(f) = c.alloc.as_mut() {
            jobs.push(f);
        }
        let mut cblas = c.cblas.as_mut().map(|r| move || r.run());
        if let Some(f) = cblas.as_mut() {
            jobs.push(f);
        }
        let t = ns_per_call_interleaved(&mut jobs, min, repeats, cpu);
        let (t_np, t_raw) = (t[0], t[1]);
        let t_alloc = if c.alloc.is_some() { t[2] } else { 0.0 };
        let t_cblas = cblas.is_some().then(|| t[t.len() - 1]);
        let over = t_np - t_raw - t_alloc;
        // npdot's result page offset when the raw output was placed, and after the timing.
        let pages = match (placed, c.seen.get()) {
            (usize::MAX, _) => "-".to_string(),
            (p, q) if p == q => format!("{p:03x}"),
            (p, q) => format!("{p:03x}→{q:03x}"),
        };
        let target = if c.name.ends_with("dyn") { 60.0 } else { 25.0 };
        let (ni, ri) = match &instr {
            Some(v) => (format!("{:.0}", v[2 * i]), format!("{:.0}", v[2 * i + 1])),
            None => ("-".into(), "-".into()),
        };
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | ≤ {:.0} | {} | {} | {} | {} | {} |",
            c.name,
            t_np,
            t_raw,
            t_alloc,
            over,
            target,
            if over <= target { "yes" } else { "NO" },
            ni,
            ri,
            t_cblas.map_or("-".into(), |t| format!("{t:.1}")),
            pages,
        );
    }
}
