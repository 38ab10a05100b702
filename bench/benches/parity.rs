//! `cargo bench -p npdot-bench --bench parity`: npdot's `dot` against ndarray's own `dot` (and the raw CBLAS
//! call for the float types) on every product ndarray can do, one criterion group per shape
//! family: `parity_vv`, `parity_mv`, `parity_vm`, `parity_mm` (cases in
//! `benches/support/parity.rs`). Function ids are `dtype_n_layout/side`. Filter as usual, e.g.
//! `cargo bench -p npdot-bench --bench parity -- parity_mv/f64_16 --warm-up-time 0.5 --measurement-time 2`.
//! Criterion times the sides one after the other; on a busy machine the interleaved
//! `examples/parity_table.rs` gives steadier ratios (it made the README table).

use criterion::{Criterion, criterion_group, criterion_main};

#[allow(dead_code)]
mod support;
use support::parity::{FAMILIES, specs};

fn parity(c: &mut Criterion) {
    for fam in FAMILIES {
        let mut group = c.benchmark_group(format!("parity_{fam}"));
        for spec in specs().into_iter().filter(|s| s.family == *fam) {
            let id = spec.name();
            let id = id.split_once('/').map(|(_, r)| r.to_string()).unwrap_or(id);
            let mut case = spec.build();
            group.bench_function(format!("{id}/npdot"), |b| b.iter(&mut case.npdot));
            group.bench_function(format!("{id}/ndarray"), |b| b.iter(&mut case.ndarray));
            if let Some(raw) = case.raw.as_mut() {
                group.bench_function(format!("{id}/raw"), |b| b.iter(&mut *raw));
            }
        }
        group.finish();
    }
}

criterion_group!(benches, parity);
criterion_main!(benches);
