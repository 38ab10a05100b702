//! Timing server for `scripts/compare_linalg.py`: `--list` prints the cases (name, NumPy setup
//! and statement, baseline name) as JSON; otherwise reads lines `<case> <calls>` on stdin and
//! answers `<npdot ns> <baseline ns or -1>` (per call) for that many calls of each.
//!
//! npdot and its baseline run interleaved, in slices of the calls alternating which side goes
//! first (`npdot, baseline, baseline, npdot, …`), so that a change of load on the machine or of
//! cache state during a request falls on both sides alike.
//!
//! Each side's calls run inside its own function, `run_npdot` / `run_baseline`, so that
//! callgrind counts either alone: `echo "multi_dot_4_small 2000" | valgrind --tool=callgrind
//! --toggle-collect='*run_npdot*' target/release/examples/linalg_compare` (then the same with
//! `*run_baseline*`; divide the instructions by the calls).

use std::io::{BufRead, Write};

#[path = "../benches/linalg_cases/mod.rs"]
mod linalg_cases;

fn main() {
    let mut cases = linalg_cases::cases();
    if std::env::args().any(|a| a == "--list") {
        let list: Vec<String> = cases
            .iter()
            .map(|c| {
                format!(
                    "{{\"name\": {:?}, \"setup\": {:?}, \"stmt\": {:?}, \"baseline\": {:?}}}",
                    c.name,
                    c.numpy_setup,
                    c.numpy_stmt,
                    c.baseline.as_ref().map(|b| b.0).unwrap_or("")
                )
            })
            .collect();
        println!("[{}]", list.join(", "));
        return;
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let mut it = line.split_whitespace();
        let (Some(name), Some(n)) = (it.next(), it.next().and_then(|n| n.parse::<u32>().ok()))
        else {
            break;
        };
        let case = cases
            .iter_mut()
            .find(|c| c.name == name)
            .expect("known case");
        // Eight slices (fewer for fewer calls), the side going first alternating.
        let slices = n.clamp(1, 8);
        let (mut a, mut b) = (0f64, 0f64);
        for s in 0..slices {
            let calls = n / slices + u32::from(s < n % slices);
            let mut sides = [true, false];
            if s % 2 == 1 {
                sides.reverse();
            }
            for npdot in sides {
                if npdot {
                    a += run_npdot(&mut case.npdot, calls);
                } else if let Some((_, f)) = case.baseline.as_mut() {
                    b += run_baseline(f, calls);
                }
            }
        }
        let a = a / f64::from(n);
        let b = if case.baseline.is_some() {
            b / f64::from(n)
        } else {
            -1.0
        };
        writeln!(out, "{a} {b}").expect("stdout");
        out.flush().expect("stdout");
    }
}

/// Nanoseconds of `calls` calls of npdot's side of a case.
#[inline(never)]
fn run_npdot(f: &mut linalg_cases::Job, calls: u32) -> f64 {
    time_calls(f, calls, "npdot")
}

/// Nanoseconds of `calls` calls of a case's baseline.
#[inline(never)]
fn run_baseline(f: &mut linalg_cases::Job, calls: u32) -> f64 {
    time_calls(f, calls, "baseline")
}

/// Nanoseconds of `calls` calls of `f` on the comparison's clock. (`side` keeps the two
/// callers distinct functions: identical ones could be merged into one symbol.)
#[inline(always)]
fn time_calls(f: &mut linalg_cases::Job, calls: u32, side: &'static str) -> f64 {
    std::hint::black_box(side);
    let t = now();
    for _ in 0..calls {
        f();
    }
    (now() - t).as_nanos() as f64
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
