//! Differential test of `npdot::einsum` against a live NumPy 2.4: random cases generated and
//! answered by `scripts/differential_einsum.py` (1–5 operands, random labels, diagonals,
//! ellipses, implicit/explicit outputs, zero-size and size-1 broadcasting, every dtype and
//! layout, ~25% invalid), replayed here: result, shape, view-or-not and error text compared;
//! floats within `8·eps·(k + operands)·einsum(|a|, |b|, …)` (k: the summed length).
//!
//! Knobs: `NPDOT_PYTHON` (Python with numpy 2.4; without one the test is skipped loudly, or
//! fails when `CI` or `NPDOT_REQUIRE_NUMPY=1` is set), `NPDOT_EINSUM_CASES` (default 20000),
//! `NPDOT_EINSUM_SEED` (default random, always printed), `NPDOT_EINSUM_CASE` (replay one case
//! index of the seed). Every failure prints its one-line replay command.

use crate::einsum_common;
use crate::harness::env_u64;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scripts/differential_einsum.py"
);

#[test]
fn einsum_differential_against_numpy() {
    let python = std::env::var("NPDOT_PYTHON").unwrap_or_else(|_| "python3".into());
    let required = std::env::var("CI").is_ok() || std::env::var("NPDOT_REQUIRE_NUMPY").is_ok();
    let probe = Command::new(&python)
        .args([
            "-c",
            "import numpy; assert numpy.__version__.startswith('2.4')",
        ])
        .status();
    if !matches!(probe, Ok(s) if s.success()) {
        assert!(
            !required,
            "NumPy 2.4 not found at {python} (set NPDOT_PYTHON)"
        );
        eprintln!("SKIPPED: no NumPy 2.4 at {python}; set NPDOT_PYTHON");
        return;
    }
    let count = env_u64("NPDOT_EINSUM_CASES").unwrap_or(20_000);
    let seed = env_u64("NPDOT_EINSUM_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            % 1_000_000_007
    });
    let only = env_u64("NPDOT_EINSUM_CASE");
    eprintln!("einsum differential: seed {seed}, {count} cases");
    let mut cmd = Command::new(&python);
    cmd.arg(SCRIPT).arg(seed.to_string()).arg(count.to_string());
    if let Some(i) = only {
        cmd.arg(i.to_string());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the generator");
    let stdout = child.stdout.take().unwrap();
    let (mut n, mut errors, mut views, mut failed) = (0usize, 0usize, 0usize, Vec::new());
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let case: serde_json::Value = serde_json::from_str(&line).unwrap();
        n += 1;
        if case["want"].get("error").is_some() {
            errors += 1;
        } else if case["want"]["view"].as_bool() == Some(true) {
            views += 1;
        }
        if let Err(why) = einsum_common::run(&case) {
            let idx = case["index"].as_u64().unwrap();
            if failed.len() < 20 || only.is_some() {
                eprintln!(
                    "FAIL case {idx}: {why}\n  sub {:?} dtype {} ops {}\n  replay: NPDOT_EINSUM_SEED={seed} NPDOT_EINSUM_CASE={idx} cargo test --release --test products differential_einsum:: -- --nocapture",
                    case["sub"],
                    case["dtype"],
                    case["ops"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|o| format!("{}{}", o["shape"], o["view"]))
                        .collect::<Vec<_>>()
                        .join(" ")
                );
            }
            failed.push(idx);
        }
    }
    assert!(child.wait().unwrap().success(), "generator failed");
    eprintln!(
        "einsum differential: seed {seed}: {n} cases ({errors} errors, {views} views), {} mismatches",
        failed.len()
    );
    assert!(
        n as u64 == count || only.is_some(),
        "generator stopped early"
    );
    assert!(
        failed.is_empty(),
        "{} mismatches (seed {seed})",
        failed.len()
    );
}
