//! Live differential test of `npdot::einsum_path` against NumPy 2.4's `np.einsum_path`.
//!
//! `scripts/gen_einsum_path_fixtures.py --stream SEED COUNT [FIRST]` draws random expressions
//! from a seed (1–8 operands, repeated labels, size-0/1 dimensions, broadcasting ellipses,
//! implicit and explicit outputs, memory limits, both optimizers, ~15% corrupted into errors),
//! asks NumPy for each, and streams the cases as JSON lines (the fixture format); this test
//! replays them and compares path, report (byte for byte) or error text.
//!
//! Knobs (environment):
//!
//! * `NPDOT_PYTHON` — the Python with `numpy==2.4.*` (default `python3`). Without one, the test
//!   is skipped with a loud message, or fails when `CI` or `NPDOT_REQUIRE_NUMPY=1` is set.
//! * `NPDOT_EP_DIFF_CASES` — number of cases (default 200: about 3 s). Big local runs: `NPDOT_EP_DIFF_CASES=20000`.
//! * `NPDOT_EP_DIFF_SEED` — the seed (default: random; always printed).
//! * `NPDOT_EP_DIFF_CASE` — replay only this case of the seed.
//!
//! Every failure prints the one line that replays it, e.g.
//! `NPDOT_EP_DIFF_SEED=7 NPDOT_EP_DIFF_CASE=1234 cargo test --release --test products differential_einsum_path:: -- --nocapture`.

use crate::einsum_path_common;
use crate::harness::{env_u64, numpy_required, random_seed};

use serde_json::Value;
use std::io::Write as _;
use std::process::Command;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scripts/gen_einsum_path_fixtures.py"
);

fn no_numpy(why: &str) {
    let msg = format!("einsum_path differential test needs Python with numpy==2.4.*: {why}");
    if numpy_required() {
        panic!("{msg}\n(CI or NPDOT_REQUIRE_NUMPY is set, so this is a failure)");
    }
    let bar = "!".repeat(100);
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n{bar}\n!!! differential_einsum_path SKIPPED: {msg}\n\
         !!! (set NPDOT_PYTHON to a Python with numpy==2.4.*)\n{bar}\n"
    );
}

#[test]
fn einsum_path_against_live_numpy() {
    let python = std::env::var("NPDOT_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let seed = env_u64("NPDOT_EP_DIFF_SEED").unwrap_or_else(random_seed);
    let single = env_u64("NPDOT_EP_DIFF_CASE");
    let (count, first) = match single {
        Some(i) => (i + 1, i),
        None => (env_u64("NPDOT_EP_DIFF_CASES").unwrap_or(200), 0),
    };
    println!("einsum_path differential: seed {seed}, cases {first}..{count}");
    let out = match Command::new(&python)
        .arg(SCRIPT)
        .args([
            "--stream",
            &seed.to_string(),
            &count.to_string(),
            &first.to_string(),
        ])
        .output()
    {
        Ok(o) => o,
        Err(e) => return no_numpy(&format!("cannot run {python}: {e}")),
    };
    if !out.status.success() {
        return no_numpy(&format!(
            "{python} {SCRIPT} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8(out.stdout).expect("UTF-8 cases");
    let mut failures = Vec::new();
    let mut n = 0u64;
    for (k, line) in text.lines().enumerate() {
        let case: Value = serde_json::from_str(line).expect("one JSON case per line");
        let i = first + k as u64;
        n += 1;
        if let Some(why) = einsum_path_common::check(&case, i as usize) {
            failures.push(format!(
                "{why}\n  replay: NPDOT_EP_DIFF_SEED={seed} NPDOT_EP_DIFF_CASE={i} cargo test \
                 --release --test products differential_einsum_path:: -- --nocapture"
            ));
        }
    }
    assert_eq!(
        n,
        count - first,
        "the script streamed fewer cases than asked"
    );
    println!(
        "einsum_path differential: seed {seed}: {n} cases, {} mismatches",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {n} cases differ from NumPy (seed {seed}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
