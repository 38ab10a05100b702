//! The ndarray-parity table: every case of `benches/support/parity.rs` timed interleaved —
//! npdot's `dot`, ndarray's `dot` and (float types) the raw CBLAS call, side after side, for
//! several rounds, keeping each side's best per-call time — so that the load of a shared
//! machine hits all sides alike. Prints one Markdown table per shape family with
//! `R = t_npdot / t_ndarray` per cell, then every case with R > 1.
//!
//! ```text
//! cargo run --release -p npdot-bench --example parity_table                  # the whole grid (~2 minutes)
//! cargo run --release -p npdot-bench --example parity_table -- mv/ 5         # cases containing "mv/", 5 rounds
//! ```
//! Each round also gives a paired ratio (npdot's batch over ndarray's batch, timed one after the
//! other, the order alternating from round to round); with 6 rounds or more every case gets the
//! median of its ratios and a distribution-free confidence interval of that median (order
//! statistics of the binomial, coverage ≥ 95 %), and a case counts as **slower** only when the
//! whole interval is above 1 — a difference the noise of the machine cannot explain. The table
//! then shows the median ratio, bold where slower, `~` after it where the median is above 1 but
//! the interval holds 1.
//!
//! Environment: `PARITY_MIN_MS` (default 2): the minimum duration of one timed batch of calls;
//! `PARITY_CLOCK=cpu`: time with the process CPU clock instead of the wall clock (on a loaded
//! machine, with `OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1`, this removes the time spent
//! waiting for a core); `PARITY_KERNEL=blas` or `mm`: forces npdot's general float GEMM kernel
//! (BLAS or matrixmultiply) instead of its automatic choice.

/// The distribution-free confidence interval of the median of `q` (sorted): the order
/// statistics `(q[j], q[n - 1 - j])` with the largest `j` such that a binomial(n, ½) tail
/// below `j + 1` has probability ≤ 2.5 % (coverage ≥ 95 %); `None` under 6 values.
fn median_ci(q: &[f64]) -> Option<(f64, f64)> {
    let n = q.len();
    if n < 6 {
        return None;
    }
    // P(X ≤ j) for X ~ binomial(n, 1/2), accumulated term by term.
    let mut tail = 0.0f64;
    let mut term = 0.5f64.powi(n as i32);
    let mut j = 0usize;
    for i in 0..n {
        tail += term;
        if tail > 0.025 {
            break;
        }
        j = i + 1;
        term = term * (n - i) as f64 / (i + 1) as f64;
    }
    let j = j.saturating_sub(1).min((n - 1) / 2);
    Some((q[j], q[n - 1 - j]))
}

fn median(q: &[f64]) -> f64 {
    let n = q.len();
    if n % 2 == 1 {
        q[n / 2]
    } else {
        (q[n / 2 - 1] + q[n / 2]) / 2.0
    }
}

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)] // each includer uses a different part of the shared module
mod support;
use support::Job;
use support::parity::{DTYPES, FAMILIES, SIZES, specs};

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

/// Per-call time of `f` over a batch of calls lasting at least `min` (timeit's autorange).
fn per_call(f: &mut Job, min: Duration) -> f64 {
    let cpu = std::env::var("PARITY_CLOCK").is_ok_and(|c| c == "cpu");
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
            let want = (min.as_secs_f64() * 1.2 / e.as_secs_f64() * number as f64) as u64;
            want.clamp(number + 1, number * 100)
        };
    }
}

fn fmt_ns(s: f64) -> String {
    let ns = s * 1e9;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// `calls` calls of `f`. Never inlined: callgrind restricts collection to it
/// (`--toggle-collect='*parity_table::run_calls*'`).
#[inline(never)]
fn run_calls(f: &mut Job, calls: u64) {
    for _ in 0..calls {
        f();
    }
}

/// `PARITY_PROFILE=<side>`: runs `calls` calls of one side of the one case named exactly
/// `name` (for callgrind instruction counts: `valgrind --tool=callgrind
/// --toggle-collect='*parity_table::run_calls*' ... parity_table mv/f64_4_c 10000`).
fn profile(side: &str, name: &str, calls: u64) {
    let spec = specs()
        .into_iter()
        .find(|s| s.name() == name)
        .expect("no such case");
    let mut case = spec.build();
    let f = match side {
        "npdot" => &mut case.npdot,
        "ndarray" => &mut case.ndarray,
        _ => case.raw.as_mut().expect("no raw side"),
    };
    f();
    run_calls(f, calls);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Ok(side) = std::env::var("PARITY_PROFILE") {
        let calls = args.get(1).and_then(|c| c.parse().ok()).unwrap_or(10_000);
        return profile(&side, &args[0], calls);
    }
    let filter = args.first().cloned().unwrap_or_default();
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let min_ms: u64 = std::env::var("PARITY_MIN_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let min = Duration::from_millis(min_ms);
    // `PARITY_SWAP=1`: time ndarray's side first in each round (a check that the order of the
    // sides does not favour either).
    let swap = std::env::var("PARITY_SWAP").is_ok_and(|v| v == "1");
    // `PARITY_KERNEL=blas|mm`: forces npdot's general float GEMM kernel (for a comparison of
    // the automatic choice with either kernel).
    match std::env::var("PARITY_KERNEL").as_deref() {
        Ok("blas") => npdot::tuning::set_gemm_kernel(npdot::tuning::GemmKernel::Blas),
        Ok("mm") => npdot::tuning::set_gemm_kernel(npdot::tuning::GemmKernel::Matrixmultiply),
        _ => {}
    }
    let (config, core, threads) = support::openblas_info();
    println!(
        "OpenBLAS: {config} (core {core}), {threads} threads; rounds {rounds}, batches ≥ {min_ms} ms"
    );
    // name -> (npdot, ndarray, raw)
    let mut res: BTreeMap<String, (f64, f64, Option<f64>)> = BTreeMap::new();
    // name -> (median of the per-round ratios, its confidence interval)
    let mut paired: BTreeMap<String, (f64, Option<(f64, f64)>)> = BTreeMap::new();
    for spec in specs() {
        let name = spec.name();
        if !name.contains(&filter) {
            continue;
        }
        let mut case = spec.build();
        let (mut tn, mut ta, mut tr) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
        let mut ratios = Vec::with_capacity(rounds);
        for round in 0..rounds {
            // The order alternates from round to round (`PARITY_SWAP=1`: ndarray first in the
            // first round), so that neither side always runs first.
            let (n, a) = if (round % 2 == 1) != swap {
                let a = per_call(&mut case.ndarray, min);
                (per_call(&mut case.npdot, min), a)
            } else {
                let n = per_call(&mut case.npdot, min);
                (n, per_call(&mut case.ndarray, min))
            };
            (tn, ta) = (tn.min(n), ta.min(a));
            ratios.push(n / a);
            if let Some(r) = case.raw.as_mut() {
                tr = tr.min(per_call(r, min));
            }
        }
        ratios.sort_by(f64::total_cmp);
        let (q, ci) = (median(&ratios), median_ci(&ratios));
        let raw = case.raw.is_some().then_some(tr);
        eprintln!(
            "{name:<16} npdot {:>10}  ndarray {:>10}  raw {:>10}  R {:.2}  median {:.2}{}",
            fmt_ns(tn),
            fmt_ns(ta),
            raw.map(fmt_ns).unwrap_or_default(),
            tn / ta,
            q,
            ci.map(|(lo, hi)| format!(" [{lo:.2}, {hi:.2}]"))
                .unwrap_or_default()
        );
        res.insert(name.clone(), (tn, ta, raw));
        paired.insert(name, (q, ci));
    }
    let stats = rounds >= 6;
    // Slower: the best times (under 6 rounds), else the whole interval of the median above 1.
    let is_slower = |name: &str| match paired[name] {
        (_, Some((lo, _))) => lo > 1.0,
        _ => {
            let (a, b, _) = res[name];
            a > b
        }
    };
    // One table per family: rows dtype/layout, columns n, cells R = npdot / ndarray.
    for fam in FAMILIES {
        if !res.keys().any(|k| k.starts_with(&format!("{fam}/"))) {
            continue;
        }
        println!("\n**{fam}** (R = npdot / ndarray)\n");
        let head: Vec<String> = SIZES.iter().map(|n| n.to_string()).collect();
        println!("| case | {} |", head.join(" | "));
        println!("|---|{}", "---|".repeat(SIZES.len()));
        for dt in DTYPES {
            for lay in ["c", "t"] {
                let cells: Vec<String> = SIZES
                    .iter()
                    .map(|n| {
                        let name = format!("{fam}/{dt}_{n}_{lay}");
                        res.get(&name)
                            .map(|(a, b, _)| {
                                let r = if stats { paired[&name].0 } else { a / b };
                                if is_slower(&name) {
                                    format!("**{r:.2}**")
                                } else if r > 1.0 && stats {
                                    format!("{r:.2}~")
                                } else {
                                    format!("{r:.2}")
                                }
                            })
                            .unwrap_or_else(|| "–".into())
                    })
                    .collect();
                if cells.iter().all(|c| c == "–") {
                    continue;
                }
                println!("| {dt} {lay} | {} |", cells.join(" | "));
            }
        }
    }
    let slower: Vec<_> = res.iter().filter(|(name, _)| is_slower(name)).collect();
    if stats {
        let within = res
            .keys()
            .filter(|name| !is_slower(name) && paired[*name].0 > 1.0)
            .count();
        let best = res.values().filter(|(a, b, _)| a > b).count();
        println!(
            "\n{} of {} cases slower than ndarray (the confidence interval of the median ratio \
             above 1, {rounds} rounds); {within} more with a median above 1 within the noise; \
             {best} with npdot's best time above ndarray's:",
            slower.len(),
            res.len()
        );
    } else {
        println!(
            "\n{} of {} cases slower than ndarray:",
            slower.len(),
            res.len()
        );
    }
    for (name, (a, b, r)) in slower {
        let (q, ci) = paired[name];
        println!(
            "- {name}: npdot {} vs ndarray {} (raw {}), R {:.2}, median {q:.2}{}",
            fmt_ns(*a),
            fmt_ns(*b),
            r.map(fmt_ns).unwrap_or_else(|| "–".into()),
            a / b,
            ci.map(|(lo, hi)| format!(" [{lo:.2}, {hi:.2}]"))
                .unwrap_or_default()
        );
    }
}
