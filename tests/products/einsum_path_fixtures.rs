//! Replays NumPy 2.4's `np.einsum_path` answers in `tests/fixtures/einsum_path/*.json` through
//! `npdot::einsum_path`: the path and the report byte for byte, or the error text.
//!
//! Written by `scripts/gen_einsum_path_fixtures.py` (format, and how NumPy's hash-seeded choice
//! of ellipsis letters is pinned to npdot's ASCII order, in its docstring): `fixed.json` holds
//! NumPy's docstring examples, every parser error, and counts beyond `u128` and beyond a float;
//! `random.json` 600 random expressions (1–8 operands, repeated labels, size-1 and size-0
//! dimensions, broadcasting ellipses, implicit and explicit outputs, memory limits, both
//! optimizers and `optimize=False`, ~15% corrupted into errors; a quarter of them "wide": up to
//! 12 operands, 16 labels and sizes up to 20000, so counts pass 2^53 and `u128`). Every case runs with one of npdot's 15 element types
//! in turn. All failures are listed before the test fails.

use crate::einsum_path_common;

use serde_json::Value;

fn replay(file: &str) {
    let path = format!(
        "{}/tests/fixtures/einsum_path/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert!(doc["numpy"].as_str().unwrap().starts_with("2.4"));
    let cases = doc["cases"].as_array().expect("cases");
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(n, c)| einsum_path_common::check(c, n))
        .collect();
    let errors = cases.iter().filter(|c| c.get("error").is_some()).count();
    println!(
        "{file}: {} cases ({errors} errors), {} failed",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from NumPy:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn fixed_cases() {
    replay("fixed.json");
}

#[test]
fn random_cases() {
    replay("random.json");
}
