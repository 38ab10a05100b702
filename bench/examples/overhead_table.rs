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
//! npdot's semantics layer; plus, for floats, `cblas` = the `?gemm` of the matrix·matrix case),
//! `alloc` (allocating and freeing the result alone: one allocation of its size; none for a
//! static scalar) and `overhead = npdot − raw − alloc`. Targets: ≤ 25 ns static, ≤ 60 ns `IxDyn`.
//! Times: timeit's autorange (≥ `--min-time`, default 0.02 s) and the minimum of `--repeats`
//! (default 5) repeats, CPU clock with `--clock cpu` (run with `OPENBLAS_NUM_THREADS=1
//! RAYON_NUM_THREADS=1`).
//!
//! `--count N` runs every job `N` times inside `measured`, which `scripts/overhead_table.sh`
//! has callgrind collect and dump once per job (`--toggle-collect`/`--dump-after`): the
//! instructions per call of each side, independent of the machine's load. `--list` prints the
//! case and side names in that order; `--instructions FILE` reads them back (one count per
//! line, in list order) into the table.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewMut2, Ix1, Ix2};
use npdot::prelude::*;
use num_complex::Complex64;

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)] // each includer uses a different part of the shared module
mod support;
use support::{Gen, RawGemm, arr, gemm};

/// One timed closure.
type Job = Box<dyn FnMut()>;

/// The sides of one case.
struct Case {
    name: String,
    npdot: Job,
    raw: Job,
    alloc: Option<Job>,
    cblas: Option<Job>,
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
fn measured(f: &mut Job, number: u64) {
    for _ in 0..number {
        f();
    }
}

/// Time of `number` calls of `f` on the chosen clock.
fn time(f: &mut Job, number: u64, cpu: bool) -> Duration {
    if cpu {
        let t = cpu_now();
        measured(f, number);
        return cpu_now().saturating_sub(t);
    }
    let t = Instant::now();
    measured(f, number);
    t.elapsed()
}

/// ns per call: autorange to `min`, then the fastest of `repeats` repeats.
fn ns_per_call(f: &mut Job, min: Duration, repeats: usize, cpu: bool) -> f64 {
    let mut number = 1u64;
    'outer: loop {
        for j in [1, 2, 5] {
            if time(f, number * j, cpu) >= min {
                number *= j;
                break 'outer;
            }
        }
        number *= 10;
    }
    (0..repeats)
        .map(|_| time(f, number, cpu).as_secs_f64() * 1e9 / number as f64)
        .fold(f64::INFINITY, f64::min)
}

/// Element types of the table.
trait Ty: Gen + Element + std::fmt::Debug {
    /// `?gemm` on the same buffers, for the float types.
    fn cblas(
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        c: ArrayViewMut2<'_, Self>,
    ) -> Option<Job>;
}

/// The `?gemm` job of a float type: the call into `c`, prepared once.
fn cblas_job<T: RawGemm>(a: Array2<T>, b: Array2<T>, mut c: Array2<T>) -> Job {
    // The call points into the three heap buffers, which stay where they are when the arrays
    // move into the closure that keeps them alive.
    let call = gemm(a.view(), b.view(), c.view_mut());
    Box::new(move || {
        let _ = (&a, &b, &c);
        black_box(run_now_ref(&call));
    })
}

/// Runs a prepared call without consuming it.
fn run_now_ref(call: &support::RawCall) -> f64 {
    // SAFETY: the call's buffers are owned by the job that holds it and live as long.
    unsafe { call.run() }
}

macro_rules! float_ty {
    ($($t:ty),*) => {$(
        impl Ty for $t {
            fn cblas(
                a: ArrayView2<'_, Self>,
                b: ArrayView2<'_, Self>,
                c: ArrayViewMut2<'_, Self>,
            ) -> Option<Job> {
                Some(cblas_job(a.to_owned(), b.to_owned(), c.to_owned()))
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
    ) -> Option<Job> {
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

/// The 2-D operands of the raw kernel for `op(a, b)`: `(n, k)·(k, m)`.
fn raw_operands<T: Clone>(
    form: Form,
    op: Op,
    a: &ArrayD<T>,
    b: &ArrayD<T>,
) -> (Array2<T>, Array2<T>) {
    let m2 = |x: &ArrayD<T>| x.view().into_dimensionality::<Ix2>().unwrap().to_owned();
    let row = |x: &ArrayD<T>| {
        x.view()
            .into_dimensionality::<Ix1>()
            .unwrap()
            .insert_axis(ndarray::Axis(0))
            .to_owned()
    };
    let col = |x: &ArrayD<T>| {
        x.view()
            .into_dimensionality::<Ix1>()
            .unwrap()
            .insert_axis(ndarray::Axis(1))
            .to_owned()
    };
    match (form, op) {
        (Form::MV, _) => (m2(a), col(b)),
        (Form::VM, Op::Inner) => (m2(b), col(a)),
        (Form::VM, _) => (row(a), m2(b)),
        (Form::MM, Op::Inner) => (m2(a), m2(b).reversed_axes()),
        (Form::MM, _) => (m2(a), m2(b)),
        (Form::VV, _) => (row(a), col(b)),
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
fn static_job<T: Ty>(op: Op, form: Form, a: &ArrayD<T>, b: &ArrayD<T>) -> Job {
    let v1 = |x: &ArrayD<T>| x.view().into_dimensionality::<Ix1>().unwrap().to_owned();
    let v2 = |x: &ArrayD<T>| x.view().into_dimensionality::<Ix2>().unwrap().to_owned();
    macro_rules! call {
        ($a:expr, $b:expr) => {{
            let (a, b) = ($a, $b);
            match op {
                Op::Dot => Box::new(move || {
                    black_box(npdot::dot(&a, &b).unwrap());
                }) as Job,
                Op::Inner => Box::new(move || {
                    black_box(npdot::inner(&a, &b).unwrap());
                }),
                Op::Matmul => Box::new(move || {
                    black_box(npdot::matmul(&a, &b).unwrap());
                }),
            }
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
fn dyn_job<T: Ty>(op: Op, a: &ArrayD<T>, b: &ArrayD<T>) -> Job {
    let (a, b) = (a.clone(), b.clone());
    match op {
        Op::Dot => Box::new(move || {
            black_box(npdot::dot(&a, &b).unwrap());
        }),
        Op::Inner => Box::new(move || {
            black_box(npdot::inner(&a, &b).unwrap());
        }),
        Op::Matmul => Box::new(move || {
            black_box(npdot::matmul(&a, &b).unwrap());
        }),
    }
}

/// The raw kernel job and the one-allocation job of a case.
fn raw_jobs<T: Ty>(
    op: Op,
    form: Form,
    a: &ArrayD<T>,
    b: &ArrayD<T>,
    dynamic: bool,
) -> (Job, Option<Job>) {
    let (ra, rb) = raw_operands(form, op, a, b);
    let out_len = ra.nrows() * rb.ncols();
    let alloc: Option<Job> = if form == Form::VV && !dynamic {
        None
    } else {
        let len = if form == Form::VV { 1 } else { out_len };
        Some(Box::new(move || {
            let v: Vec<T> = Vec::with_capacity(black_box(len));
            black_box(v);
        }))
    };
    if form == Form::VV {
        let (x, y): (Array1<T>, Array1<T>) = (ra.row(0).to_owned(), rb.column(0).to_owned());
        return (
            Box::new(move || {
                black_box(T::dot1(x.view(), y.view()));
            }),
            alloc,
        );
    }
    let mut c = Array2::<T>::from_elem((ra.nrows(), rb.ncols()), T::zero());
    (
        Box::new(move || {
            T::gemm2(ra.view(), rb.view(), c.view_mut()).unwrap();
            black_box(&c);
        }),
        alloc,
    )
}

/// Every case of one element type.
fn cases_of<T: Ty>(out: &mut Vec<Case>) {
    for n in [4usize, 16] {
        for op in [Op::Dot, Op::Inner, Op::Matmul] {
            for form in [Form::VV, Form::MV, Form::VM, Form::MM] {
                let (a, b) = operands::<T>(form, op, n);
                for dynamic in [false, true] {
                    let npdot = if dynamic {
                        dyn_job(op, &a, &b)
                    } else {
                        static_job(op, form, &a, &b)
                    };
                    let (raw, alloc) = raw_jobs(op, form, &a, &b, dynamic);
                    let cblas = if form == Form::MM {
                        let (ra, rb) = raw_operands(form, op, &a, &b);
                        let mut c = Array2::<T>::from_elem((n, n), T::zero());
                        T::cblas(ra.view(), rb.view(), c.view_mut())
                    } else {
                        None
                    };
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
                        raw,
                        alloc,
                        cblas,
                    });
                }
            }
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
            (c.npdot)();
            (c.raw)();
            measured(&mut c.npdot, n);
            measured(&mut c.raw, n);
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
        "| case | npdot ns | raw ns | alloc ns | overhead ns | target | ok? | npdot instr | raw instr | cblas ns |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (i, c) in cases.iter_mut().enumerate() {
        let t_np = ns_per_call(&mut c.npdot, min, repeats, cpu);
        let t_raw = ns_per_call(&mut c.raw, min, repeats, cpu);
        let t_alloc = c
            .alloc
            .as_mut()
            .map_or(0.0, |f| ns_per_call(f, min, repeats, cpu));
        let t_cblas = c.cblas.as_mut().map(|f| ns_per_call(f, min, repeats, cpu));
        let over = t_np - t_raw - t_alloc;
        let target = if c.name.ends_with("dyn") { 60.0 } else { 25.0 };
        let (ni, ri) = match &instr {
            Some(v) => (format!("{:.0}", v[2 * i]), format!("{:.0}", v[2 * i + 1])),
            None => ("-".into(), "-".into()),
        };
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | ≤ {:.0} | {} | {} | {} | {} |",
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
        );
    }
}
