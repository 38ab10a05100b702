//! Live differential test of `npdot::linalg::{multi_dot, matrix_power, cross}` against NumPy 2.4.
//!
//! `scripts/differential_linalg.py` draws random cases from a seed (every dtype, small shapes
//! with zero-size dimensions, all layouts of the fixtures, about one case in six an error case),
//! asks NumPy for each answer and streams them as JSON lines; this test replays each through
//! npdot with the fixtures' rules (`tests/products/linalg_fixtures.rs`: integers and `bool` exactly,
//! floats within `4·eps·(k+2)·bound`, error texts byte for byte, npdot's own error variant where
//! NumPy returns another dtype or raises a bare `IndexError`).
//!
//! Knobs (environment):
//! * `NPDOT_PYTHON` — the Python with `numpy==2.4.*` (default `python3`). Without one the test is
//!   skipped with a loud message, or fails when `CI` or `NPDOT_REQUIRE_NUMPY=1` is set.
//! * `NPDOT_LINALG_DIFF_CASES` — number of cases (default 20000, about 6 s).
//! * `NPDOT_LINALG_DIFF_SEED` — the seed (default: random; always printed).
//! * `NPDOT_LINALG_DIFF_CASE` — replay only this case index of the seed.
//!
//! Big local runs: `NPDOT_LINALG_DIFF_CASES=200000 cargo test --release --test products differential_linalg::`.
//! Every failure prints the one line that replays it, e.g.
//! `NPDOT_LINALG_DIFF_SEED=7 NPDOT_LINALG_DIFF_CASE=1234 cargo test --release --test products differential_linalg:: -- --nocapture`.

use crate::harness::{env_u64, numpy_required, random_seed};
use crate::linalg_support;

use std::process::Command;

use linalg_support::{parse_cases, replay_all};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scripts/differential_linalg.py"
);

#[test]
fn differential_linalg() {
    let python = std::env::var("NPDOT_PYTHON").unwrap_or_else(|_| "python3".into());
    let seed = env_u64("NPDOT_LINALG_DIFF_SEED").unwrap_or_else(random_seed);
    let single = env_u64("NPDOT_LINALG_DIFF_CASE");
    let count = env_u64("NPDOT_LINALG_DIFF_CASES").unwrap_or(20_000);
    let mut cmd = Command::new(&python);
    cmd.arg(SCRIPT).arg("--seed").arg(seed.to_string());
    match single {
        Some(i) => cmd.arg("--case").arg(i.to_string()),
        None => cmd.arg("--count").arg(count.to_string()),
    };
    let out = match cmd.output() {
        Ok(o) if o.status.success() => o,
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            let msg = format!(
                "differential_linalg needs Python with numpy==2.4.* ($NPDOT_PYTHON, else python3): {why}"
            );
            if numpy_required() {
                panic!("{msg}\n(CI or NPDOT_REQUIRE_NUMPY is set, so this is a failure)");
            }
            eprintln!("!!! SKIPPED: {msg}");
            return;
        }
    };
    let text = String::from_utf8(out.stdout).expect("utf-8 JSON lines");
    let cases = parse_cases(&text, "differential_linalg.py");
    println!("seed {seed}: {} cases", cases.len());
    let failed = replay_all(&cases, 25, &|c| {
        let i = c.id.rsplit(':').next().unwrap_or("?");
        format!(
            "NPDOT_LINALG_DIFF_SEED={seed} NPDOT_LINALG_DIFF_CASE={i} cargo test --release \
             --test products differential_linalg:: -- --nocapture"
        )
    });
    assert_eq!(
        failed,
        0,
        "{failed} of {} cases failed; rerun this run: NPDOT_LINALG_DIFF_SEED={seed} \
         NPDOT_LINALG_DIFF_CASES={count} cargo test --release --test products differential_linalg::",
        cases.len()
    );
}
