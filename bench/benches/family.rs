//! `cargo bench -p npdot-bench --bench family`: one criterion group per product-family case of
//! `benches/family_cases/mod.rs`, timing npdot next to the case's physical floor (the least work
//! any implementation must do; see that file). The NumPy comparison, interleaved in one run, is
//! `scripts/compare_family.py`. Filter as usual: `cargo bench -p npdot-bench --bench family -- kron`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

#[allow(dead_code)]
mod family_cases;
use family_cases::CASES;

fn family(c: &mut Criterion) {
    for spec in CASES {
        let (mut npdot, mut floor) = (spec.build)();
        let mut g = c.benchmark_group(spec.name);
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        g.bench_function("npdot", |b| b.iter(&mut npdot));
        g.bench_function("floor", |b| b.iter(&mut floor));
        g.finish();
    }
}

criterion_group!(benches, family);
criterion_main!(benches);
