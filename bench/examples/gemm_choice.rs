//! The measurements behind the float GEMM choice (`npdot::tuning::set_gemm_kernel`): each
//! product timed with BLAS forced, with matrixmultiply forced and with the automatic choice,
//! interleaved for several rounds (best per-call time of each), through `npdot::matmul_into`
//! into a preallocated output (`into`) and through `npdot::matmul` with the result allocated
//! (`new`). Prints one line per case (`f64`, `f32`, then `complex128`) with
//! `R = t_mm / t_blas` (< 1: matrixmultiply faster) and what the automatic choice picked.
//!
//! ```text
//! PARITY_CLOCK=cpu OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 \
//!     cargo run --release -p npdot-bench --example gemm_choice            # one thread: the crossover
//! cargo run --release -p npdot-bench --example gemm_choice -- 5            # default threads, 5 rounds
//! ```
//! `PARITY_CLOCK=cpu`: process CPU clock (use with one thread on a loaded machine);
//! `GEMM_CHOICE_FILTER=<text>`: only the cases whose label contains it.

use ndarray::{Array2, ArrayView2, ShapeBuilder, s};
use npdot::tuning::{GemmKernel, set_gemm_kernel};
use num_complex::Complex64;
use std::time::{Duration, Instant};

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

fn cpu_now() -> Duration {
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `struct timespec`; 2 is CLOCK_PROCESS_CPUTIME_ID.
    let rc = unsafe { clock_gettime(2, &mut ts) };
    assert_eq!(rc, 0);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Best-effort per-call time of `f` over a batch lasting at least 20 ms.
fn per_call(f: &mut dyn FnMut()) -> f64 {
    let cpu = std::env::var("PARITY_CLOCK").is_ok_and(|c| c == "cpu");
    let min = Duration::from_millis(20);
    let mut number = 1u64;
    loop {
        let (t, c) = (Instant::now(), if cpu { cpu_now() } else { Duration::ZERO });
        for _ in 0..number {
            f();
        }
        let e = if cpu {
            cpu_now().saturating_sub(c)
        } else {
            t.elapsed()
        };
        if e >= min {
            return e.as_secs_f64() / number as f64;
        }
        number = if e.as_nanos() == 0 {
            number * 10
        } else {
            ((min.as_secs_f64() * 1.2 / e.as_secs_f64() * number as f64) as u64)
                .clamp(number + 1, number * 100)
        };
    }
}

fn fmt(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.1} µs", s * 1e6)
    } else {
        format!("{:.2} ms", s * 1e3)
    }
}

/// One case: `(m, k)·(k, n)` of `T`, operands in the given layout.
fn case<T: Val>(label: &str, a: ArrayView2<'_, T>, b: ArrayView2<'_, T>, rounds: usize) {
    if std::env::var("GEMM_CHOICE_FILTER").is_ok_and(|f| !label.contains(&f)) {
        return;
    }
    let (m, n) = (a.nrows(), b.ncols());
    let mut out = Array2::<T>::from_elem((m, n), T::val(0));
    let kernels = [
        GemmKernel::Blas,
        GemmKernel::Matrixmultiply,
        GemmKernel::Auto,
    ];
    let mut best_into = [f64::INFINITY; 3];
    let mut best_new = [f64::INFINITY; 3];
    for _ in 0..rounds {
        for (i, &kern) in kernels.iter().enumerate() {
            set_gemm_kernel(kern);
            let t = per_call(&mut || {
                npdot::matmul_into(&a, &b, &mut out).unwrap();
            });
            best_into[i] = best_into[i].min(t);
            let t = per_call(&mut || {
                std::hint::black_box(npdot::matmul(&a, &b).unwrap());
            });
            best_new[i] = best_new[i].min(t);
        }
    }
    set_gemm_kernel(GemmKernel::Auto);
    let pick = |t: &[f64; 3]| {
        if (t[2] - t[1]).abs() < (t[2] - t[0]).abs() {
            "mm"
        } else {
            "blas"
        }
    };
    println!(
        "{label:<28} into: blas {:>9} mm {:>9} R {:.2} auto {:>9} ({}) | new: blas {:>9} mm {:>9} R {:.2} auto {:>9} ({})",
        fmt(best_into[0]),
        fmt(best_into[1]),
        best_into[1] / best_into[0],
        fmt(best_into[2]),
        pick(&best_into),
        fmt(best_new[0]),
        fmt(best_new[1]),
        best_new[1] / best_new[0],
        fmt(best_new[2]),
        pick(&best_new),
    );
}

/// The element types measured, with small integer values.
trait Val: npdot::Element {
    fn val(x: i8) -> Self;
}

impl Val for f64 {
    fn val(x: i8) -> Self {
        x.into()
    }
}

impl Val for f32 {
    fn val(x: i8) -> Self {
        x.into()
    }
}

impl Val for Complex64 {
    /// `x + (x mod 3 − 1)i`: both parts non-zero for most elements.
    fn val(x: i8) -> Self {
        Complex64::new(x.into(), (x.rem_euclid(3) - 1).into())
    }
}

fn mat<T: Val>(r: usize, c: usize, f_order: bool) -> Array2<T> {
    let sh = (r, c).set_f(f_order);
    Array2::from_shape_fn(sh, |(i, j)| T::val(((i * 7 + j * 3) % 11) as i8 - 5))
}

fn run<T: Val>(dt: &str, rounds: usize) {
    // Squares around the crossover and up to the large sizes.
    for n in [
        17, 20, 24, 28, 32, 40, 48, 64, 96, 128, 160, 192, 256, 384, 448, 512, 1024,
    ] {
        let (a, b) = (mat::<T>(n, n, false), mat::<T>(n, n, false));
        case(&format!("{dt} {n}^3 C"), a.view(), b.view(), rounds);
        if matches!(n, 64 | 128 | 256 | 384 | 512) {
            let at = mat::<T>(n, n, true);
            case(&format!("{dt} {n}^3 F·C"), at.view(), b.view(), rounds);
        }
    }
    // Rectangular and skinny classes: (m, k, n).
    for (m, k, n) in [
        (1000, 32, 1000),
        (1000, 1000, 32),
        (32, 1000, 1000),
        (2, 1000, 1000),
        (1000, 1000, 2),
        (1000, 2, 1000),
        (4096, 64, 64),
        (64, 4096, 64),
        (200, 30, 200),
        (512, 128, 512),
        (128, 512, 128),
        (64, 256, 1024),
    ] {
        let (a, b) = (mat::<T>(m, k, false), mat::<T>(k, n, false));
        case(
            &format!("{dt} ({m},{k})·({k},{n})"),
            a.view(),
            b.view(),
            rounds,
        );
    }
    // Stepped views (s = x[::2, ::2]): BLAS needs a copy, matrixmultiply does not.
    for n in [64, 256, 512] {
        let x = mat::<T>(2 * n, 2 * n, false);
        let sv = x.slice(s![..;2, ..;2]);
        case(&format!("{dt} s@s {n}"), sv, sv, rounds);
    }
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    println!(
        "OpenBLAS core: {:?}; avx512f: {}; rayon threads: {}",
        npdot::tuning::blas_core_name(),
        std::arch::is_x86_feature_detected!("avx512f"),
        rayon::current_num_threads()
    );
    run::<f64>("f64", rounds);
    run::<f32>("f32", rounds);
    run::<Complex64>("c128", rounds);
}
