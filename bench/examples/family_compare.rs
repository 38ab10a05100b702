//! Server side of `scripts/compare_family.py`: times npdot and the physical floor of the
//! product-family benchmark cases on request, so that the script can interleave them with
//! NumPy's timings in one run.
//!
//! Protocol (one line each way): `list` → JSON list of cases (name, NumPy setup, statement);
//! `time <case> <npdot|floor> <calls>` → seconds for `calls` calls; `quit`.
//!
//! `NPDOT_BENCH_HUGEPAGES=1` gives every buffer of 4 MiB or more in this process (operands,
//! floor buffers, results) the `madvise(MADV_HUGEPAGE)` hint NumPy's allocator gives its own
//! (see [`NumpyLikeAlloc`]), so that npdot reads operands backed by the same kind of pages as
//! NumPy's (2 MiB ones where transparent huge pages are in `madvise` mode) instead of 4 KiB ones.
//! Off by default (the figures stay comparable with earlier runs); on a shared 2-core machine it
//! made no difference beyond the noise for `vdot` of 10⁶ elements.
//!
//! `NPDOT_DISABLE_AVX512=1` in the environment (read by npdot itself) switches npdot's AVX-512
//! kernel copies off, so that an AVX-512 machine measures the AVX2 ones.

#[allow(dead_code)]
#[path = "../benches/family_cases/mod.rs"]
mod family_cases;

use std::io::{BufRead, Write};

use family_cases::{CASES, Job};

/// The system allocator plus NumPy's hint: on Linux, NumPy's data allocator
/// (`PyDataMem_UserNEW` → `_npy_alloc_cache`) calls `madvise(MADV_HUGEPAGE)` on every buffer
/// of at least 4 MiB. Only with `NPDOT_BENCH_HUGEPAGES=1` (read once, at the start of
/// `main`).
struct NumpyLikeAlloc;

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: std::ffi::c_int)
    -> std::ffi::c_int;
}

/// Hints the whole pages inside `[p, p + len)` as huge-page candidates, for `len` ≥ 4 MiB.
fn advise(p: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    if !p.is_null() && len >= 1 << 22 && hugepages_on() {
        let start = p as usize;
        let first = start.div_ceil(4096) * 4096;
        let last = (start + len) / 4096 * 4096;
        if last > first {
            // SAFETY: whole pages inside an allocation just made; MADV_HUGEPAGE (14) is only a
            // hint and changes no contents.
            unsafe { madvise(first as *mut _, last - first, 14) };
        }
    }
}

/// Whether [`NumpyLikeAlloc`] advises (no allocation: an atomic, set from the environment).
fn hugepages_on() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    static ON: AtomicU8 = AtomicU8::new(2);
    match ON.load(Ordering::Relaxed) {
        2 => {
            // `var_os` on a short key: no allocation above the 4 MiB threshold, no recursion.
            let on = std::env::var_os("NPDOT_BENCH_HUGEPAGES").is_some_and(|v| v == "1");
            ON.store(on as u8, Ordering::Relaxed);
            on
        }
        v => v == 1,
    }
}

// SAFETY: every request is forwarded to `System` unchanged; the hint does not touch the memory.
unsafe impl std::alloc::GlobalAlloc for NumpyLikeAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { std::alloc::System.alloc(layout) };
        advise(p, layout.size());
        p
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { std::alloc::System.alloc_zeroed(layout) };
        advise(p, layout.size());
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: forwarded contract.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { std::alloc::System.realloc(ptr, layout, new_size) };
        advise(p, new_size);
        p
    }
}

#[global_allocator]
static ALLOC: NumpyLikeAlloc = NumpyLikeAlloc;

fn main() {
    hugepages_on(); // read the switch before any large allocation
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
