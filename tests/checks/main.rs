//! The hardening checks, as one test binary (one compile of npdot's generic code for all of
//! them, where eight binaries compiled it eight times): concurrency, copies per call, the fuzz
//! tests, allocation failures, Miri-sized kernel tests, sizes past the BLAS limits and the
//! static small products, the `IxDyn` products written into their new array. Run one group with its module name, e.g.
//! `cargo test --release --test checks fuzz:: -- --nocapture`.
//!
//! Tests that turn a process-wide knob run alone (see [`knobs`]).

mod knobs;

mod concurrency;
mod copies;
mod dyn_gemm;
mod fuzz;
mod fuzz_family;
mod memory;
mod miri;
mod sizes;
mod static_small;
