//! npdot's side of the NumPy comparison: times every benchmark case (npdot and the direct CBLAS
//! call on the same buffers) the way Python's `timeit` does, and prints JSON.
//!
//! ```text
//! python3 scripts/compare_numpy.py          # the one command: builds this, times both sides
//! cargo run --release -p npdot-bench --example bench_compare               # npdot side alone, JSON on stdout
//! cargo run --release -p npdot-bench --example bench_compare -- --cases matmul_f64_4x4,dot_f64_1000
//! ```
//!
//! Method (identical to `timeit` on the Python side): *autorange* picks the number of calls per
//! repeat — 1, 2, 5, 10, 20, 50, ... until one repeat takes at least `--min-time` seconds
//! (default 0.2, timeit's) — then `--repeats` repeats (default 7) are timed and the median time
//! per call is reported. The npdot and CBLAS repeats are interleaved, so load from other
//! processes hits both alike.
//!
//! Options: `--clock cpu` measures process CPU time (all threads) instead of wall-clock time:
//! on a loaded machine, with `OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1`, it excludes the time
//! the process waits for a core (Python's `time.process_time` is the same clock).
//! `--openblas-threads N` calls `openblas_set_num_threads(N)`. Both must come before `--list`,
//! `--info` and `--serve`, which act at once. `--list` prints the case specs (name, target, NumPy setup and statement) as JSON;
//! `--info` prints OpenBLAS's configuration and thread count; `--serve` answers a line protocol
//! on stdin (used by `scripts/compare_numpy.py` to interleave NumPy and npdot repeats):
//!
//! ```text
//! has NAME WHICH                    ->  yes | no
//! autorange NAME WHICH MIN_SECONDS  ->  NUMBER TOTAL_NS
//! time NAME WHICH NUMBER            ->  TOTAL_NS
//! quit
//! ```
//!
//! where `WHICH` is `npdot`, `npdot_into`, `cblas`, `ndarray` or `faer`; a case is built (its data made and
//! checked) the first time it is named, and dropped when another case is named. Errors are answered with a line starting `error`.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)] // each includer uses a different part of the shared module
mod support;
use support::{CASES, Case, Job, Spec};

/// Whether [`time`] measures process CPU time (`--clock cpu`) instead of wall-clock time.
static CPU_CLOCK: AtomicBool = AtomicBool::new(false);

/// `struct timespec` of the C library (64-bit Linux and macOS layout).
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of the whole process (all threads) since it started: `CLOCK_PROCESS_CPUTIME_ID`,
/// the clock behind Python's `time.process_time`.
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

/// Total time of `number` calls of `f`. Never inlined: profilers restrict collection to it
/// (`valgrind --tool=callgrind --toggle-collect='*bench_compare::time*'`, see
/// `scripts/profile_case.sh`).
#[inline(never)]
fn time(f: &mut Job, number: u64) -> Duration {
    if CPU_CLOCK.load(Ordering::Relaxed) {
        let t = process_cpu_time();
        for _ in 0..number {
            f();
        }
        return process_cpu_time().saturating_sub(t);
    }
    let t = Instant::now();
    for _ in 0..number {
        f();
    }
    t.elapsed()
}

/// timeit's autorange: the first of 1, 2, 5, 10, 20, 50, ... calls taking at least `min`.
fn autorange(f: &mut Job, min: Duration) -> (u64, Duration) {
    let mut i = 1u64;
    loop {
        for j in [1, 2, 5] {
            let number = i * j;
            let t = time(f, number);
            if t >= min {
                return (number, t);
            }
        }
        i *= 10;
    }
}

/// The median of `v` (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The job of `case` named `which`.
fn pick<'a>(case: &'a mut Case, which: &str) -> Option<&'a mut Job> {
    match which {
        "npdot" => Some(&mut case.npdot),
        "cblas" => case.cblas.as_mut(),
        "ndarray" => case.ndarray.as_mut(),
        "faer" => case.faer.as_mut(),
        "npdot_into" => case.npdot_into.as_mut(),
        "stream" => case.stream.as_mut(),
        _ => None,
    }
}

/// A spec as JSON (no timings).
fn spec_json(s: &Spec) -> Value {
    json!({
        "name": s.name,
        "target": s.target,
        "cblas_target": s.cblas_target,
        "numpy_setup": s.np_setup,
        "numpy_stmt": s.np_stmt,
    })
}

/// OpenBLAS and thread facts as JSON.
fn info_json() -> Value {
    let (config, core, threads) = support::openblas_info();
    json!({
        "openblas_config": config,
        "openblas_core": core,
        "openblas_threads": threads,
        "rayon_threads": rayon::current_num_threads(),
        "OPENBLAS_NUM_THREADS": std::env::var("OPENBLAS_NUM_THREADS").ok(),
        "OPENBLAS_CORETYPE": std::env::var("OPENBLAS_CORETYPE").ok(),
        "RAYON_NUM_THREADS": std::env::var("RAYON_NUM_THREADS").ok(),
    })
}

/// Times every selected case standalone and returns the JSON report.
fn run_all(names: Option<Vec<String>>, repeats: usize, min: Duration) -> Value {
    let mut out = Vec::new();
    for spec in CASES {
        if let Some(names) = &names
            && !names.iter().any(|n| n == spec.name)
        {
            continue;
        }
        eprintln!("timing {}", spec.name);
        let mut case = (spec.build)();
        let (n_np, _) = autorange(&mut case.npdot, min);
        let n_cb = case.cblas.as_mut().map(|f| autorange(f, min).0);
        let (mut t_np, mut t_cb) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            t_np.push(time(&mut case.npdot, n_np).as_nanos() as f64 / n_np as f64);
            if let (Some(f), Some(n)) = (case.cblas.as_mut(), n_cb) {
                t_cb.push(time(f, n).as_nanos() as f64 / n as f64);
            }
        }
        let mut v = spec_json(spec);
        v["npdot_ns"] = json!(median(&mut t_np));
        v["npdot_number"] = json!(n_np);
        v["npdot_repeats_ns"] = json!(t_np);
        if n_cb.is_some() {
            v["cblas_ns"] = json!(median(&mut t_cb));
            v["cblas_number"] = json!(n_cb);
        }
        out.push(v);
    }
    json!({ "info": info_json(), "repeats": repeats, "cases": out })
}

/// The case `spec`, from `current` or freshly built (dropping the previous one first).
fn load<'a>(current: &'a mut Option<(&'static str, Case)>, spec: &'static Spec) -> &'a mut Case {
    if current.as_ref().map(|c| c.0) != Some(spec.name) {
        *current = None; // free the previous case's data before building the next
        *current = Some((spec.name, (spec.build)()));
    }
    &mut current.as_mut().expect("just built").1
}

/// The `--serve` line protocol (see the crate doc).
fn serve() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    let mut current: Option<(&'static str, Case)> = None;
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = match words.as_slice() {
            ["quit"] => break,
            ["has", name, which] => match support::find(name) {
                None => format!("error unknown case {name}"),
                Some(spec) => {
                    let case = load(&mut current, spec);
                    if pick(case, which).is_some() {
                        "yes"
                    } else {
                        "no"
                    }
                    .to_owned()
                }
            },
            [cmd @ ("autorange" | "time"), name, which, arg] => match support::find(name) {
                None => format!("error unknown case {name}"),
                Some(spec) => {
                    let case = load(&mut current, spec);
                    match (pick(case, which), *cmd) {
                        (None, _) => format!("error no {which} for {name}"),
                        (Some(f), "autorange") => match arg.parse::<f64>() {
                            Ok(s) => {
                                let (n, t) = autorange(f, Duration::from_secs_f64(s));
                                format!("{n} {}", t.as_nanos())
                            }
                            Err(e) => format!("error {e}"),
                        },
                        (Some(f), _) => match arg.parse::<u64>() {
                            Ok(n) => time(f, n).as_nanos().to_string(),
                            Err(e) => format!("error {e}"),
                        },
                    }
                }
            },
            _ => format!("error cannot parse {line:?}"),
        };
        writeln!(stdout, "{reply}").expect("stdout");
        stdout.flush().expect("stdout");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut names = None;
    let mut repeats = 7;
    let mut min = Duration::from_millis(200);
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--list" => {
                let specs: Vec<Value> = CASES.iter().map(spec_json).collect();
                println!("{}", json!({ "info": info_json(), "cases": specs }));
                return;
            }
            "--info" => {
                println!("{}", info_json());
                return;
            }
            "--serve" => return serve(),
            "--clock" => {
                match value(i).as_str() {
                    "wall" => CPU_CLOCK.store(false, Ordering::Relaxed),
                    "cpu" => CPU_CLOCK.store(true, Ordering::Relaxed),
                    other => panic!("--clock wall|cpu, not {other:?}"),
                }
                i += 1;
            }
            "--openblas-threads" => {
                support::openblas_set_threads(value(i).parse().expect("--openblas-threads N"));
                i += 1;
            }
            "--cases" => {
                names = Some(value(i).split(',').map(str::to_owned).collect());
                i += 1;
            }
            "--repeats" => {
                repeats = value(i).parse().expect("--repeats N");
                i += 1;
            }
            "--min-time" => {
                min = Duration::from_secs_f64(value(i).parse().expect("--min-time SECONDS"));
                i += 1;
            }
            other => {
                eprintln!(
                    "unknown option {other}; use --list, --info, --serve, --cases A,B, \
                     --repeats N, --min-time SECONDS, --openblas-threads N, --clock wall|cpu"
                );
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let report = run_all(names, repeats, min);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).expect("serializable")
    );
}
