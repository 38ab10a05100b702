//! NumPy's own einsum tests, ported as data.
//!
//! Source: `numpy/_core/tests/test_einsum.py`, class `TestEinsum` (numpy 2.4.6).
//! `scripts/numpy_ported_einsum.py` runs that class under pytest with `np.einsum` wrapped and
//! records every call npdot's `einsum` can express, with NumPy's own answer for it
//! (`optimize=False`: the C implementation, whose results and messages are npdot's contract)
//! into `tests/fixtures/einsum/numpy_ported.json`; each test below replays the calls of the
//! NumPy test it is named after: values (floats within `8·eps·(k + operands)·einsum(|a|, …)`,
//! the rest exact), shapes, view-or-not and error texts.
//!
//! Not applicable (no call of these tests is ported):
//! - `test_einsum_sorting_behavior`: `einsum_path` with the sublist format (the path report).
//! - `test_subscript_range`: the sublist format (`np.einsum(a, [0, 20], b, [20, 2], [0, 2])`).
//! - `test_einsum_object_errors`, `test_object_loop`: object dtype.
//! - `test_einsum_0d_out`: an `int64` `out=` for `float64` operands (mixed dtypes).
//! - `test_einsum_fixedstridebug`: `float32` with `int16` / `float64` with `float32` operands
//!   (mixed dtypes).
//!
//! Ported in part (what is left out, and why):
//! - every call in the sublist format (`np.einsum(a, [0, 1], b, [1, 2])`): npdot takes
//!   subscripts strings only;
//! - `dtype=` and `casting=`: npdot keeps the operands' dtype and has no casting;
//! - `out=`: calls with an `out` of the operands' dtype are ported without it (same values);
//!   calls with another dtype are not; the checks on `out` itself (`TypeError` for a non-array
//!   `out`, its shape) are not ported;
//! - `order=`: only the result's memory layout; calls are ported without it, and the checks of
//!   invalid `order`/`casting`/`dtype` values and unknown keywords (`test_einsum_specific_errors`)
//!   are not ported;
//! - operands of mixed dtypes (NumPy's type promotion) and of `float16`, `longdouble`,
//!   `clongdouble`, object dtypes (no Rust element type): `test_einsum_sums_float16`,
//!   `_longdouble`, `_clongdouble`, `_object` keep only their calls on other dtypes;
//! - an expression a NumPy test repeats over many sizes is ported for its first four sizes
//!   (the fixture stays small); operands are ported C-contiguous (values, not strides: layouts
//!   are covered by `einsum_fixtures` and `differential_einsum`).

use crate::einsum_common;

use std::sync::OnceLock;

fn cases() -> &'static Vec<serde_json::Value> {
    static CASES: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    CASES.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/einsum/numpy_ported.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
    })
}

/// Replays every recorded call of `TestEinsum::<name>`.
fn replay(name: &str) {
    let full = format!("TestEinsum::{name}");
    let mut n = 0;
    let mut failures = Vec::new();
    for case in cases().iter().filter(|c| c["test"] == full.as_str()) {
        n += 1;
        if let Err(why) = einsum_common::run(case) {
            failures.push(format!("{:?} {}: {why}", case["sub"], case["dtype"]));
        }
    }
    assert!(n > 0, "no recorded calls for {full}");
    assert!(
        failures.is_empty(),
        "{full}: {} of {n} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

macro_rules! ported {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            replay(stringify!($name));
        }
    )*};
}

ported!(
    test_broadcasting_dot_cases,
    test_collapse,
    test_combined_views_mapping,
    test_complex,
    test_different_paths,
    test_edge_cases,
    test_einsum_all_contig_non_contig_output,
    test_einsum_broadcast,
    test_einsum_errors,
    test_einsum_failed_on_p9_and_s390x,
    test_einsum_fixed_collapsingbug,
    test_einsum_misc,
    test_einsum_specific_errors,
    test_einsum_sums_cfloat128,
    test_einsum_sums_cfloat64,
    test_einsum_sums_clongdouble,
    test_einsum_sums_float16,
    test_einsum_sums_float32,
    test_einsum_sums_float64,
    test_einsum_sums_int16,
    test_einsum_sums_int32,
    test_einsum_sums_int64,
    test_einsum_sums_int8,
    test_einsum_sums_longdouble,
    test_einsum_sums_object,
    test_einsum_sums_uint16,
    test_einsum_sums_uint32,
    test_einsum_sums_uint64,
    test_einsum_sums_uint8,
    test_einsum_views,
    test_expand,
    test_hadamard_like_products,
    test_index_transformations,
    test_inner_product,
    test_out_is_res,
    test_output_order,
    test_random_cases,
    test_singleton_broadcasting,
    test_small_boolean_arrays,
);
