//! One test binary for `dot`, `inner` and `matmul` (NumPy fixtures, the live differential test,
//! NumPy's ported tests, regressions, the seed examples), the product family, np.linalg, einsum,
//! einsum_path and the static dimension tables: each file below is what was once its own test
//! target (run one with `cargo test --release --test products <file name>::`, e.g.
//! `products family_fixtures::` or `products differential::`). One binary links and instantiates
//! npdot's generics once instead of nineteen times, which keeps CI within its budget (merging the
//! first five halved their compile time: 116 CPU-seconds instead of 215 for three of them).
//!
//! Tests that change process-wide settings for a whole run (`npdot::tuning`'s allocation cap,
//! forced kernels) stay in their own binaries: `fuzz`, `fuzz_family`, `memory`, `sizes`,
//! `copies`, `static_small`, `concurrency`, `miri`.

#[path = "../support/fixtures.rs"]
mod fixture_harness;
#[path = "../support/differential.rs"]
mod harness;

mod einsum_common;
mod einsum_path_common;
mod linalg_support;

mod differential;
mod differential_einsum;
mod differential_einsum_path;
mod differential_family;
mod differential_linalg;
mod einsum_fixtures;
mod einsum_path_fixtures;
mod family_fixtures;
mod fixtures;
mod fuzz_einsum;
mod linalg_fixtures;
mod numpy_ported;
mod numpy_ported_einsum;
mod numpy_ported_einsum_path;
mod numpy_ported_family;
mod numpy_ported_linalg;
mod regressions;
mod seed_examples;
mod static_dims;
