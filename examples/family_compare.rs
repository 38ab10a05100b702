//! Server side of `scripts/compare_family.py`: times npdot and the physical floor of the
//! product-family benchmark cases on request, so that the script can interleave them with
//! NumPy's timings in one run.
//!
//! Protocol (one line each way): `list` → JSON list of cases (name, NumPy setup, statement);
//! `time <case> <npdot|floor> <calls>` → seconds for `calls` calls; `quit`.
//!
//! `NPDOT_AVX512=0` in the environment switches npdot's AVX-512 kernel copies off
//! (`npdot::tuning::set_avx512`), so that an AVX-512 machine measures the AVX2 ones.

#[allow(dead_code)]
#[path = "../benches/family_cases/mod.rs"]
mod family_cases;

use std::io::{BufRead, Write};

use family_cases::{CASES, Job};

fn main() {
    if std::env::var("NPDOT_AVX512").is_ok_and(|v| v == "0") {
        npdot::tuning::set_avx512(false);
    }
    let mut built: Vec<Option<(Job, Job)>> = CASES.iter().map(|_| None).collect();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["list"] => {
                let items: Vec<String> = CASES
                    .iter()
                    .map(|c| {
                        format!(
                            "{{\"name\":{:?},\"setup\":{:?},\"stmt\":{:?}}}",
                            c.name, c.numpy_setup, c.numpy_stmt
                        )
                    })
                    .collect();
                writeln!(out, "[{}]", items.join(",")).unwrap();
            }
            ["time", name, which, calls] => {
                let i = CASES
                    .iter()
                    .position(|c| c.name == *name)
                    .expect("case name");
                let jobs = built[i].get_or_insert_with(|| (CASES[i].build)());
                let job = if *which == "floor" {
                    &mut jobs.1
                } else {
                    &mut jobs.0
                };
                let calls: usize = calls.parse().expect("calls");
                let t = now();
                for _ in 0..calls {
                    job();
                }
                writeln!(out, "{}", (now() - t).as_secs_f64()).unwrap();
            }
            ["quit"] | [] => break,
            other => panic!("bad command {other:?}"),
        }
        out.flush().unwrap();
    }
}

/// A point on the clock the comparison uses: the process CPU clock (`CLOCK_PROCESS_CPUTIME_ID`,
/// Python's `time.process_time`) when `NPDOT_CLOCK=cpu`, else the wall clock.
fn now() -> std::time::Duration {
    static CPU: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    if !*CPU.get_or_init(|| std::env::var("NPDOT_CLOCK").is_ok_and(|v| v == "cpu")) {
        return START.get_or_init(std::time::Instant::now).elapsed();
    }
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
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
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
