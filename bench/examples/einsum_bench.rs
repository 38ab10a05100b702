//! Times `npdot::einsum` on one case, for `scripts/compare_einsum.py`:
//!
//! ```text
//! einsum_bench <subscripts> <dtype> <shape> [<shape> ...] [--min-time S] [--repeats N]
//!              [--clock cpu] [--matmul] [--gemm MxKxN]
//! ```
//!
//! Shapes are written `512x512` (`-` for 0-D); dtype is `float64`, `complex128` or `int64`.
//! Prints one JSON object: the median seconds per call over the repeats (each repeat an
//! autoranged number of calls taking at least `--min-time`), and the bytes of operand copies
//! one call makes (`npdot::tuning::bytes_copied`). Options:
//!
//! * `--clock cpu`: process CPU time (all threads, `CLOCK_PROCESS_CPUTIME_ID`, the clock of
//!   Python's `time.process_time`) instead of wall-clock time; with
//!   `OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1` it excludes the time the process waits for
//!   a core on a loaded machine.
//! * `--matmul`: also `npdot::matmul` of the first two operands (the floor of a plain product).
//! * `--ndarray-einsum`: also `ndarray_einsum::einsum` (the crate `ndarray-einsum`, the Rust
//!   ecosystem's einsum; lowercase labels, no `...`) on the same arrays.
//! * `--gemm MxKxN` (float64 only): also the raw `cblas_dgemm` of the first two operands'
//!   buffers read as a C-order M×K and K×N matrix, into a preallocated C-order M×N result —
//!   the one BLAS call a contraction such as `ijk,jkl->il` ends in.
//!
//! The timed calls of all variants are interleaved repeat by repeat, so load from other
//! processes hits them alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ndarray::{ArrayD, IxDyn};
use num_complex::Complex;

/// `struct timespec` of the C library (64-bit Linux and macOS layout).
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of the whole process (all threads) since it started.
fn process_cpu_time() -> Duration {
    #[cfg(target_os = "linux")]
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    #[cfg(not(target_os = "linux"))]
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 12; // macOS
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `struct timespec`; the clock id is a valid constant.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Seconds taken by `n` calls of `f`, on the chosen clock.
fn timed(cpu: bool, n: usize, f: &mut dyn FnMut()) -> f64 {
    if cpu {
        let t = process_cpu_time();
        for _ in 0..n {
            f();
        }
        return process_cpu_time().saturating_sub(t).as_secs_f64();
    }
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64()
}

/// Median seconds per call of each job: calls per repeat autoranged per job, repeats
/// interleaved across the jobs.
fn time_all(cpu: bool, min_time: f64, repeats: usize, jobs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let counts: Vec<usize> = jobs
        .iter_mut()
        .map(|f| {
            let mut n = 1usize;
            loop {
                let dt = timed(cpu, n, *f);
                if dt >= min_time {
                    return n;
                }
                n = if dt <= 0.0 {
                    n * 10
                } else {
                    ((n as f64) * (min_time * 1.2 / dt)).ceil() as usize
                };
            }
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(repeats); jobs.len()];
    for _ in 0..repeats {
        for (j, f) in jobs.iter_mut().enumerate() {
            samples[j].push(timed(cpu, counts[j], *f) / counts[j] as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut v| {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            v[v.len() / 2]
        })
        .collect()
}

fn make<T>(shape: &[usize], seed: u64, f: impl Fn(u64) -> T) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    let mut s = seed;
    let v = (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            f(z ^ (z >> 31))
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

/// What to time besides `einsum`.
struct Opts {
    cpu: bool,
    min_time: f64,
    repeats: usize,
    matmul: bool,
    ndarray_einsum: bool,
    gemm: Option<[usize; 3]>,
}

/// The raw `cblas_dgemm` of `a` (M×K) and `b` (K×N), C order, into `c` (M×N).
fn raw_dgemm(a: &[f64], b: &[f64], c: &mut [f64], [m, k, n]: [usize; 3]) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    // SAFETY: the buffers hold at least M·K, K·N and M·N elements (asserted), read as C-order
    // matrices with leading dimensions K, N and N.
    unsafe {
        cblas_sys::cblas_dgemm(
            cblas_sys::CblasRowMajor,
            cblas_sys::CblasNoTrans,
            cblas_sys::CblasNoTrans,
            m as i32,
            n as i32,
            k as i32,
            1.0,
            a.as_ptr(),
            k as i32,
            b.as_ptr(),
            n as i32,
            0.0,
            c.as_mut_ptr(),
            n as i32,
        )
    }
}

fn run<T: npdot::Element + ndarray::LinalgScalar>(
    sub: &str,
    shapes: &[Vec<usize>],
    o: &Opts,
    f: impl Fn(u64) -> T + Copy,
) {
    let ops: Vec<ArrayD<T>> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| make(s, i as u64 + 1, f))
        .collect();
    let views: Vec<_> = ops.iter().map(|a| a.view()).collect();
    let before = npdot::tuning::bytes_copied();
    black_box(npdot::einsum(sub, &views).unwrap());
    let copied = npdot::tuning::bytes_copied() - before;
    let mut e = || {
        black_box(npdot::einsum(sub, black_box(&views)).unwrap());
    };
    let mut m = || {
        black_box(npdot::matmul(black_box(&ops[0]), black_box(&ops[1])).unwrap());
    };
    let f64s = |a: &ArrayD<T>| -> Vec<f64> {
        (a as &dyn std::any::Any)
            .downcast_ref::<ArrayD<f64>>()
            .expect("--gemm needs float64")
            .iter()
            .copied()
            .collect()
    };
    let (ga, gb) = match o.gemm {
        Some(_) => (f64s(&ops[0]), f64s(&ops[1])),
        None => (Vec::new(), Vec::new()),
    };
    let mut gc = o.gemm.map_or(Vec::new(), |[m, _, n]| vec![0.0f64; m * n]);
    let mut g = || {
        if let Some(dims) = o.gemm {
            raw_dgemm(black_box(&ga), black_box(&gb), &mut gc, dims);
            black_box(&gc);
        }
    };
    let dyn_ops: Vec<&dyn ndarray_einsum::ArrayLike<T>> = ops
        .iter()
        .map(|a| a as &dyn ndarray_einsum::ArrayLike<T>)
        .collect();
    let mut ne = || {
        black_box(ndarray_einsum::einsum(sub, black_box(&dyn_ops)).unwrap());
    };
    let mut jobs: Vec<&mut dyn FnMut()> = vec![&mut e];
    if o.matmul {
        jobs.push(&mut m);
    }
    if o.ndarray_einsum {
        jobs.push(&mut ne);
    }
    if o.gemm.is_some() {
        jobs.push(&mut g);
    }
    let t = time_all(o.cpu, o.min_time, o.repeats, &mut jobs);
    let mut out = format!("{{\"einsum\": {:e}, \"bytes_copied\": {copied}", t[0]);
    let mut i = 1;
    if o.matmul {
        out.push_str(&format!(", \"matmul\": {:e}", t[i]));
        i += 1;
    }
    if o.ndarray_einsum {
        out.push_str(&format!(", \"ndarray_einsum\": {:e}", t[i]));
        i += 1;
    }
    if o.gemm.is_some() {
        out.push_str(&format!(", \"cblas_dgemm\": {:e}", t[i]));
    }
    println!("{out}}}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sub = args[0].clone();
    let dtype = args[1].clone();
    let mut o = Opts {
        cpu: false,
        min_time: 0.2,
        repeats: 5,
        matmul: false,
        ndarray_einsum: false,
        gemm: None,
    };
    let mut shapes = Vec::new();
    let mut i = 2;
    while i < args.len() {
        match args[i].as_str() {
            "--min-time" => {
                o.min_time = args[i + 1].parse().unwrap();
                i += 1;
            }
            "--repeats" => {
                o.repeats = args[i + 1].parse().unwrap();
                i += 1;
            }
            "--clock" => {
                o.cpu = args[i + 1] == "cpu";
                i += 1;
            }
            "--gemm" => {
                let d: Vec<usize> = args[i + 1].split('x').map(|d| d.parse().unwrap()).collect();
                o.gemm = Some([d[0], d[1], d[2]]);
                i += 1;
            }
            "--matmul" => o.matmul = true,
            "--ndarray-einsum" => o.ndarray_einsum = true,
            "-" => shapes.push(vec![]),
            s => shapes.push(s.split('x').map(|d| d.parse().unwrap()).collect()),
        }
        i += 1;
    }
    assert!(
        o.gemm.is_none() || dtype == "float64",
        "--gemm needs float64"
    );
    let unit = |z: u64| (z >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
    match dtype.as_str() {
        "float64" => run::<f64>(&sub, &shapes, &o, unit),
        "complex128" => run::<Complex<f64>>(&sub, &shapes, &o, |z| {
            Complex::new(unit(z), unit(z.rotate_left(17)))
        }),
        "int64" => run::<i64>(&sub, &shapes, &o, |z| (z % 201) as i64 - 100),
        other => panic!("dtype {other}"),
    }
}
