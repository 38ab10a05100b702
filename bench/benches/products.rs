//! `cargo bench -p npdot-bench --bench products`: one criterion group per case of issue 5's target table (and
//! DESIGN §6), each measuring npdot next to the baselines that make a ratio meaningful, in the
//! same run:
//!
//! * `npdot` — the product as a user calls it (result allocated, like NumPy);
//! * `cblas` — the direct CBLAS call(s) on the same buffers, output preallocated (BLAS cases);
//! * `npdot_into` — npdot's `matmul_into`/`dot_into` into a result allocated once (large BLAS
//!   cases: with `cblas`, the cost of the semantics layer without the result's allocation);
//! * `ndarray` — ndarray's own `Array2::dot` / `Array1::dot` where it applies;
//! * `faer` — faer's `matmul` for the large f64 gemm.
//!
//! The cases, their data and the correctness check of every baseline live in
//! `benches/support/mod.rs`, shared with `examples/bench_compare.rs` (the NumPy comparison).
//! Filter as usual: `cargo bench -p npdot-bench --bench products -- matmul_f64_4x4`. HTML reports land in
//! `target/criterion/report/index.html`.
//!
//! Settings are modest so the run itself takes about 5 minutes on 2 idle cores (plus the first
//! build of the bench profile): 10 samples, 0.3 s of warm-up and 1 s of measurement per
//! function, flat sampling for cases above 1 ms per call. Criterion times the functions of a
//! group one after the other, so on a busy machine their ratios drift with the load; the
//! interleaved `scripts/compare_numpy.py` is the instrument for ratios there.

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

#[allow(dead_code)] // the bench uses every case but not the raw-call helpers directly
mod support;
use support::{CASES, Job};

/// Time of one call of `f`, after one warm-up call.
fn one_call(f: &mut Job) -> Duration {
    f();
    let t = Instant::now();
    f();
    t.elapsed()
}

/// Every case of [`CASES`] as a criterion group.
fn products(c: &mut Criterion) {
    let (config, core, threads) = support::openblas_info();
    eprintln!(
        "OpenBLAS: {config} (core {core}), {threads} threads; rayon: {} threads",
        rayon::current_num_threads()
    );
    for spec in CASES {
        let mut case = (spec.build)();
        let slow = one_call(&mut case.npdot) > Duration::from_millis(1);
        let mut group = c.benchmark_group(spec.name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1000));
        if slow {
            group.sampling_mode(SamplingMode::Flat);
        }
        group.bench_function("npdot", |b| b.iter(&mut case.npdot));
        for (label, job) in [
            ("npdot_into", case.npdot_into.as_mut()),
            ("cblas", case.cblas.as_mut()),
            ("ndarray", case.ndarray.as_mut()),
            ("faer", case.faer.as_mut()),
        ] {
            if let Some(job) = job {
                group.bench_function(label, |b| b.iter(&mut *job));
            }
        }
        group.finish();
    }
}

criterion_group!(benches, products);
criterion_main!(benches);
