//! Running a few parts of one product on several threads: every thread taking part claims
//! the next unclaimed part until none is left ([`map_on`]).
//!
//! From a thread inside a rayon pool the parts go to that pool (`rayon::in_place_scope`, the
//! calling thread working too), so that a product called from parallel user
//! code shares the user's threads. From any other thread (a user's `main`) they go to npdot's
//! own helper threads ([`helpers`]), `rayon::current_num_threads() - 1` of them at most, which
//! after each part keep watching for the next one for a short while ([`set_spin_wait`])
//! before they sleep, as OpenBLAS's threads do. A sleeping thread is slow to wake where the
//! CPUs are virtual: measured (2 vCPUs, Firecracker; the transposed `(64, 64, 64)` `f32`
//! `tensordot` on two threads, 1,500 calls timed one by one), calls that start while rayon's
//! worker sleeps (300 µs of the caller's own work between calls) took p10 377–432 µs against
//! 291–326 µs back to back: ~100 µs to wake a thread, on a call of 300 µs.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// `f` of each item on up to `rayon::current_num_threads()` threads, the results in the
/// items' order. The calling thread works on the items too; each item runs exactly once.
/// A panic in `f` is raised again here once every part has ended.
pub(crate) fn map<I: Send, R: Send>(items: Vec<I>, f: impl Fn(I) -> R + Sync) -> Vec<R> {
    map_on(usize::MAX, items, f)
}

/// [`map`] on at most `threads` threads (the calling one included). Every thread taking part
/// claims the next unclaimed item until none is left, so a thread that starts late takes
/// fewer items instead of holding up the others.
pub(crate) fn map_on<I: Send, R: Send>(
    threads: usize,
    items: Vec<I>,
    f: impl Fn(I) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    let threads = threads.min(rayon::current_num_threads());
    if n <= 1 || threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let extra = (threads - 1).min(n - 1);
    let slots: Vec<Mutex<Option<I>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let done: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    // Claims items until none is left: run by the caller and by every other thread that
    // starts before the caller has finished.
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else { break };
            let item = slot
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .expect("each index is claimed once");
            let r = f(item);
            *done[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        }
    };
    if rayon::current_thread_index().is_some() {
        // Inside a rayon pool: the other copies go to that pool, the calling thread runs one
        // itself (a `par_iter` would hand every part across threads).
        rayon::in_place_scope(|s| {
            for _ in 0..extra {
                let work = &work;
                s.spawn(move |_| work());
            }
            work();
        });
    } else {
        helpers::run(extra, rayon::current_num_threads() - 1, &work);
    }
    done.into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was claimed and ran")
        })
        .collect()
}

/// How long a helper thread keeps watching for work after its last part, in nanoseconds.
static SPIN_NANOS: AtomicU64 = AtomicU64::new(DEFAULT_SPIN.as_nanos() as u64);

/// The default of [`set_spin_wait`]: 2 ms (OpenBLAS's threads wait about 0.1 s).
const DEFAULT_SPIN: Duration = Duration::from_millis(2);

/// Sets how long npdot's helper threads keep watching for the next part of a product after
/// finishing one before they sleep (default 2 ms; `Duration::ZERO`: sleep at once). While
/// watching, a helper yields its CPU to any other runnable thread between checks.
pub fn set_spin_wait(d: Duration) {
    SPIN_NANOS.store(
        u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// The current [`set_spin_wait`] value.
pub fn spin_wait() -> Duration {
    Duration::from_nanos(SPIN_NANOS.load(Ordering::Relaxed))
}

/// npdot's helper threads: started on first use, one per extra thread asked for, kept for the
/// life of the process.
mod helpers {
    use super::*;

    /// A job as the helpers see it: the caller's closure, its lifetime erased (see [`run`]).
    type Job = *const (dyn Fn() + Sync + 'static);

    /// No job (the helper is free to be taken, or taken and not yet given a job).
    const IDLE: u8 = 0;
    /// A job is posted and not yet started.
    const POSTED: u8 = 1;
    /// The helper is running the job.
    const RUNNING: u8 = 2;
    /// The helper has finished the job.
    const DONE: u8 = 3;

    /// One helper thread's mailbox.
    pub(super) struct Helper {
        /// Taken by one caller at a time.
        owned: AtomicBool,
        /// [`IDLE`], [`POSTED`], [`RUNNING`] or [`DONE`].
        state: AtomicU8,
        /// The posted job: written by the owner before `POSTED`, read by the helper after it
        /// moved `POSTED` to `RUNNING`.
        job: UnsafeCell<Option<Job>>,
        /// Whether the job panicked (set before `DONE`).
        panicked: AtomicBool,
        /// The helper is parked or about to park (the owner then unparks it).
        sleeping: AtomicBool,
        /// The helper's thread.
        thread: OnceLock<std::thread::Thread>,
    }

    // SAFETY: `job` is the only field that is not `Sync` by itself. It is written only by the
    // helper's owner (one thread at a time: `owned`) while `state` is `IDLE`, before a
    // `Release` store of `POSTED`, and read only by the helper thread after its `Acquire`
    // compare-exchange from `POSTED` to `RUNNING`, which orders the read after the write; the
    // owner does not write it again until the helper has stored `DONE` (`Release`, read with
    // `Acquire`) or the owner has taken back `POSTED` (compare-exchange: the helper then never
    // reads it). The `Job` pointer is only dereferenced under [`run`]'s contract.
    unsafe impl Sync for Helper {}
    // SAFETY: as above; a raw pointer field is the only reason `Send` is not derived.
    unsafe impl Send for Helper {}

    /// Every helper started so far.
    static POOL: Mutex<Vec<Arc<Helper>>> = Mutex::new(Vec::new());

    /// Runs `work` on the calling thread and on up to `extra` helpers at once (of at most
    /// `cap` helpers in the process: callers beyond that run `work` alone), and returns
    /// when every helper that started it has finished (helpers that had not started by then
    /// never will). `work` must be safe to run any number of times, concurrently (it claims
    /// its items itself). A panic in any copy is raised again here, after all have ended.
    pub(super) fn run(extra: usize, cap: usize, work: &(dyn Fn() + Sync)) {
        let mine = take(extra, cap);
        // SAFETY: only the lifetime is erased. Every helper given this pointer either never
        // starts it (its `POSTED` is taken back below) or has stored `DONE` before this
        // function returns or unwinds (the waits below run on every path: the caller's own
        // copy runs under `catch_unwind`), so `work` outlives every use of the pointer.
        let job: Job =
            unsafe { std::mem::transmute::<*const (dyn Fn() + Sync + '_), Job>(work as *const _) };
        for h in &mine {
            // SAFETY: `h` is owned by this call (`take`) and `IDLE`: no helper reads `job`
            // until the `POSTED` store below (see `Helper`'s `Sync`).
            unsafe { *h.job.get() = Some(job) };
            h.state.store(POSTED, Ordering::SeqCst);
            if h.sleeping.load(Ordering::SeqCst)
                && let Some(t) = h.thread.get()
            {
                t.unpark();
            }
        }
        let own = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let mut panicked = false;
        for h in &mine {
            if h.state
                .compare_exchange(POSTED, IDLE, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                // Started: wait for it to finish.
                let mut spins = 0u32;
                while h.state.load(Ordering::Acquire) != DONE {
                    pause(&mut spins);
                }
                panicked |= h.panicked.swap(false, Ordering::Relaxed);
                h.state.store(IDLE, Ordering::Release);
            }
            h.owned.store(false, Ordering::Release);
        }
        if let Err(payload) = own {
            std::panic::resume_unwind(payload);
        }
        if panicked {
            panic!("a part of a product panicked on a helper thread");
        }
    }

    /// Up to `extra` helpers, each taken for this caller alone (started as needed while the
    /// process has fewer than `cap`; fewer when other callers hold them or a thread cannot be
    /// started).
    fn take(extra: usize, cap: usize) -> Vec<Arc<Helper>> {
        let mut mine = Vec::with_capacity(extra);
        if extra == 0 {
            return mine;
        }
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        for h in pool.iter() {
            if mine.len() == extra {
                return mine;
            }
            if h.owned
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                mine.push(Arc::clone(h));
            }
        }
        while mine.len() < extra && pool.len() < cap {
            let h = Arc::new(Helper {
                owned: AtomicBool::new(true),
                state: AtomicU8::new(IDLE),
                job: UnsafeCell::new(None),
                panicked: AtomicBool::new(false),
                sleeping: AtomicBool::new(false),
                thread: OnceLock::new(),
            });
            let theirs = Arc::clone(&h);
            let Ok(handle) = std::thread::Builder::new()
                .name(format!("npdot-helper-{}", pool.len()))
                .spawn(move || serve(&theirs))
            else {
                break;
            };
            let _ = h.thread.set(handle.thread().clone());
            pool.push(Arc::clone(&h));
            mine.push(h);
        }
        mine
    }

    /// A helper thread's loop: watch for a posted job (for [`spin_wait`] after the last one,
    /// then parked), run it, report.
    fn serve(h: &Helper) {
        let mut since = Instant::now();
        let mut spins = 0u32;
        loop {
            if h.state.load(Ordering::Acquire) != POSTED {
                if since.elapsed() < spin_wait() {
                    pause(&mut spins);
                    continue;
                }
                h.sleeping.store(true, Ordering::SeqCst);
                if h.state.load(Ordering::SeqCst) != POSTED {
                    std::thread::park();
                }
                h.sleeping.store(false, Ordering::SeqCst);
                continue;
            }
            if h.state
                .compare_exchange(POSTED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                // SAFETY: `RUNNING` was reached from `POSTED`, so the owner wrote `job` before
                // posting and waits for `DONE` before it returns: the pointer is valid (see
                // `run`) and nothing writes the cell meanwhile.
                let job = unsafe { *h.job.get() };
                if let Some(job) = job {
                    // SAFETY: `run` keeps the closure alive until this helper stores `DONE`.
                    let work = unsafe { &*job };
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
                    h.panicked.store(r.is_err(), Ordering::Relaxed);
                }
                h.state.store(DONE, Ordering::Release);
            }
            since = Instant::now();
            spins = 0;
        }
    }

    /// One step of a wait: a few spin hints, then the CPU offered to other threads.
    fn pause(spins: &mut u32) {
        if *spins < 64 {
            *spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Every part runs once, its result in its place, on one thread and on several, inside a
    /// pool and outside one (npdot's helpers).
    #[test]
    fn every_part_in_order() {
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                for n in 0..6 {
                    assert_eq!(
                        super::map((0..n).collect(), |p| p * 10),
                        (0..n).map(|p| p * 10).collect::<Vec<_>>()
                    );
                }
            });
            for n in 0..6 {
                assert_eq!(
                    super::map((0..n).collect(), |p| p + 1),
                    (1..=n).collect::<Vec<_>>()
                );
            }
        }
    }

    /// Several callers at once share the helpers: each gets its own results, every part runs
    /// once (a helper serves one caller at a time; a caller that finds none busy-free runs its
    /// parts itself).
    #[test]
    fn concurrent_callers() {
        let runs = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..4usize {
                let runs = &runs;
                s.spawn(move || {
                    for round in 0..20usize {
                        let items: Vec<usize> = (0..5).map(|i| t * 1000 + round * 10 + i).collect();
                        let want: Vec<usize> = items.iter().map(|x| x * 3).collect();
                        let got = super::map(items, |x| {
                            runs.fetch_add(1, Ordering::Relaxed);
                            x * 3
                        });
                        assert_eq!(got, want);
                    }
                });
            }
        });
        assert_eq!(runs.load(Ordering::Relaxed), 4 * 20 * 5);
    }

    /// A panicking part panics the call (after every part has ended), and the helpers serve
    /// the next call as before.
    #[test]
    fn a_panic_is_raised_and_the_helpers_recover() {
        for bad in 0..3usize {
            let r = std::panic::catch_unwind(|| {
                super::map((0..3usize).collect(), |i| {
                    assert!(i != bad, "part {i} fails");
                    i
                })
            });
            assert!(r.is_err());
            assert_eq!(super::map((0..3usize).collect(), |i| i * 2), vec![0, 2, 4]);
        }
    }

    /// Several helpers on one call (more than this machine may have CPUs): every item claimed
    /// by exactly one of the caller and the helpers.
    #[test]
    fn several_helpers_claim_each_item_once() {
        for extra in [0usize, 1, 3] {
            let next = AtomicUsize::new(0);
            let hits: Vec<AtomicUsize> = (0..50).map(|_| AtomicUsize::new(0)).collect();
            let work = || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(h) = hits.get(i) else { break };
                    h.fetch_add(1, Ordering::Relaxed);
                }
            };
            super::helpers::run(extra, 4, &work);
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
        }
    }

    /// Helpers that have gone to sleep are woken for the next call; with no polling at all,
    /// callers racing the helpers' parking (four threads, many short calls) still get every
    /// part run once and never wait for a helper that has not started.
    #[test]
    fn sleeping_helpers_wake() {
        let before = super::spin_wait();
        super::set_spin_wait(std::time::Duration::ZERO);
        for _ in 0..3 {
            assert_eq!(
                super::map((0..4usize).collect(), |i| i + 1),
                vec![1, 2, 3, 4]
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let rounds = if cfg!(miri) { 5 } else { 300 };
        std::thread::scope(|s| {
            for t in 0..4usize {
                s.spawn(move || {
                    for r in 0..rounds {
                        let items: Vec<usize> = (0..3).map(|i| t * 10_000 + r * 3 + i).collect();
                        let want: Vec<usize> = items.iter().map(|x| x + 7).collect();
                        assert_eq!(super::map(items, |x| x + 7), want);
                    }
                });
            }
        });
        super::set_spin_wait(before);
    }
}
