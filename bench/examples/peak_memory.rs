//! Peak memory of the (1024,1024) f64 products against inputs + output (issue 5, item 4).
//!
//! ```text
//! cargo run --release -p npdot-bench --example peak_memory
//! ```
//!
//! Two instruments, both printed for every case:
//!
//! * **heap** — a counting global allocator (wrapping the system allocator) tracks the bytes
//!   live on the Rust heap and their high-water mark. Before each call the mark is reset to the
//!   current level; after it, `peak − before` is everything npdot allocated during the call:
//!   the result, plus any operand copies and bookkeeping. The ideal is exactly the result.
//! * **RSS** — the kernel's resident-set high-water mark, `VmHWM` in `/proc/self/status`, reset
//!   by writing `5` to `/proc/self/clear_refs` before the call. It also sees memory that does
//!   not come from the Rust allocator (OpenBLAS's own work buffers, mmapped by the library), so
//!   the raw `cblas_dgemm` call is measured the same way for reference.
//!
//! Each case runs once to warm up (OpenBLAS allocates its buffers on first use) before it is
//! measured. The program checks the heap peaks against the contract (BLAS-able operands are
//! never copied; a non-BLAS-able operand at most once) and exits with status 1 if one is off.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{ArrayD, Axis, Ix2, IxDyn};
use npdot::prelude::*;

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)] // this example uses only the data generator and the raw gemm
mod support;
use support::{arr, gemm, run_now};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees hold; the counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A `kB` field of `/proc/self/status`, in bytes (0 where unavailable).
fn status_kb(field: &str) -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<usize>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Resets `VmHWM` to the current RSS; false where the kernel does not allow it.
fn reset_hwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What one call allocated: heap peak above the level before, RSS high-water mark above RSS
/// before (if the mark could be reset).
struct Usage {
    heap: usize,
    rss: Option<usize>,
}

/// Runs `f` once to warm up, then once measured; the result of the measured call is dropped
/// only after both instruments are read.
fn measure<R>(mut f: impl FnMut() -> R) -> Usage {
    drop(f());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let rss0 = status_kb("VmRSS:");
    let hwm_ok = reset_hwm();
    let r = f();
    let heap = PEAK.load(Ordering::Relaxed) - before;
    let hwm = status_kb("VmHWM:");
    drop(r);
    Usage {
        heap,
        rss: hwm_ok.then(|| hwm.saturating_sub(rss0)),
    }
}

const MB: f64 = 1024.0 * 1024.0;

fn main() {
    let n = 1024;
    let a = arr::<f64>(&[n, n], 1);
    let b = arr::<f64>(&[n, n], 2);
    let bytes = n * n * 8;
    let (inputs, output) = (2 * bytes, bytes);
    println!(
        "(1024,1024) f64: inputs {:.1} MiB, output {:.1} MiB, inputs + output {:.1} MiB",
        inputs as f64 / MB,
        output as f64 / MB,
        (inputs + output) as f64 / MB
    );
    println!(
        "{:<34} {:>12} {:>10} {:>14} {:>16}",
        "case", "heap (MiB)", "copies", "peak/(in+out)", "RSS HWM (MiB)"
    );

    let mut c = ArrayD::<f64>::zeros(IxDyn(&[n, n]));
    let a2 = a.view().into_dimensionality::<Ix2>().unwrap();
    let b2 = b.view().into_dimensionality::<Ix2>().unwrap();
    let mut rev = a.view();
    rev.invert_axis(Axis(1));
    // (name, allowed operand copies, measured usage)
    let cases: Vec<(&str, usize, Usage)> = vec![
        (
            "cblas_dgemm (preallocated out)",
            0,
            measure(|| run_now(gemm(a2, b2, c.view_mut().into_dimensionality().unwrap()))),
        ),
        ("matmul(a, b)", 0, measure(|| a.matmul(&b).unwrap())),
        (
            "matmul(a.T, b)  [view]",
            0,
            measure(|| a.t().matmul(&b).unwrap()),
        ),
        ("dot(a, b)", 0, measure(|| a.dot(&b).unwrap())),
        ("inner(a, b)", 0, measure(|| a.inner(&b).unwrap())),
        (
            "matmul(a[:, ::-1], b)  [1 copy]",
            1,
            measure(|| rev.matmul(&b).unwrap()),
        ),
    ];
    let mut ok = true;
    for (name, copies_allowed, u) in &cases {
        let is_raw = name.starts_with("cblas");
        // Heap allocated beyond the result, in operand-sized units.
        let extra = if is_raw {
            u.heap
        } else {
            u.heap.saturating_sub(output)
        };
        let copies = extra as f64 / bytes as f64;
        let peak = inputs + u.heap + if is_raw { output } else { 0 };
        println!(
            "{:<34} {:>12.2} {:>10.2} {:>14.3} {:>16}",
            name,
            u.heap as f64 / MB,
            copies,
            peak as f64 / (inputs + output) as f64,
            u.rss
                .map_or("n/a".to_owned(), |r| format!("{:.2}", r as f64 / MB))
        );
        if copies > *copies_allowed as f64 + 0.01 {
            ok = false;
        }
    }
    println!(
        "heap = bytes allocated by the call (result included); copies = (heap − result) / one \
         operand; peak/(in+out) = (inputs + heap) / (inputs + output)"
    );
    if !ok {
        println!("FAIL: a case copied more than allowed");
        std::process::exit(1);
    }
}
