//! npdot's benchmarks live in `benches/` (criterion groups: `cargo bench -p npdot-bench`) and
//! `examples/` (the timing servers that `scripts/compare_*.py` drive against NumPy). This
//! library is empty: the package exists so that `cargo test` on npdot does not compile the
//! benchmarks' dependencies.
