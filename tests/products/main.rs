//! One test binary for the product family, np.linalg, einsum, einsum_path and the static
//! dimension tables: each file below is what was once its own test target (run one with
//! `cargo test --release --test products <file name>::`, e.g. `products family_fixtures::`).
//! One binary links and instantiates npdot's generics once instead of fourteen times, which
//! keeps CI within its budget.

#[path = "../support/fixtures.rs"]
mod fixture_harness;
#[path = "../support/differential.rs"]
mod harness;

mod einsum_common;
mod einsum_path_common;
mod linalg_support;

mod differential_einsum;
mod differential_einsum_path;
mod differential_family;
mod differential_linalg;
mod einsum_fixtures;
mod einsum_path_fixtures;
mod family_fixtures;
mod fuzz_einsum;
mod linalg_fixtures;
mod numpy_ported_einsum;
mod numpy_ported_einsum_path;
mod numpy_ported_family;
mod numpy_ported_linalg;
mod static_dims;
