//! One test binary for `dot`, `inner` and `matmul`: NumPy fixtures, the live differential test,
//! NumPy's ported tests, regressions and the seed examples. Each
//! file below is what was once its own test target (run one with
//! `cargo test --release --test products <file name>::`, e.g. `products differential::`).
//! The product family, np.linalg, einsum and einsum_path are the `family` binary
//! (`tests/family/`), the static dimension tables `tests/static_dims.rs`: separate binaries so
//! that their compiles, each mostly one thread of rustc, run side by side on two cores.
//!
//! Tests that change process-wide settings (`npdot::tuning`'s allocation cap, forced kernels)
//! are in the `checks` binary (`tests/checks/`), where they run alone.

#[path = "../support/fixtures.rs"]
mod fixture_harness;
#[path = "../support/differential.rs"]
mod harness;

mod differential;
mod fixtures;
mod numpy_ported;
mod regressions;
mod seed_examples;
