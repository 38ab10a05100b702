//! `cargo bench -p npdot-bench --bench linalg`: `np.linalg`'s `multi_dot`, `matrix_power` and `cross`, each next
//! to its baseline in the same run (the hand-parenthesized `npdot::dot` chain in NumPy's order;
//! the same four matmuls by hand). Cases in `benches/linalg_cases/mod.rs`; the NumPy comparison
//! is `scripts/compare_linalg.py`. Short settings: 10 samples, 0.3 s warm-up, 1 s measurement.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

#[allow(dead_code)] // the NumPy statements are read by examples/linalg_compare.rs only
mod linalg_cases;

fn linalg(c: &mut Criterion) {
    for mut case in linalg_cases::cases() {
        let mut group = c.benchmark_group(case.name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        group.bench_function("npdot", |b| b.iter(&mut case.npdot));
        if let Some((name, f)) = case.baseline.as_mut() {
            group.bench_function(*name, |b| b.iter(&mut *f));
        }
        group.finish();
    }
}

criterion_group!(benches, linalg);
criterion_main!(benches);
