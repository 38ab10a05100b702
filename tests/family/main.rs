//! One test binary for the product family (vdot, outer, tensordot, kron, vecdot, matvec,
//! vecmat), np.linalg (multi_dot, matrix_power, cross, vecdot, outer, tensordot, matmul),
//! einsum and einsum_path: NumPy fixtures, the live differential tests, NumPy's ported tests and
//! einsum's fuzz test. Run one file with `cargo test --release --test family <file name>::`,
//! e.g. `family family_fixtures::` or `family differential_linalg::`. `dot`, `inner` and
//! `matmul` are the `products` binary (`tests/products/`).

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
