//! Server side of `scripts/compare_family.py`: times npdot and the physical floor of the
//! product-family benchmark cases on request, so that the script can interleave them with
//! NumPy's timings in one run.
//!
//! Protocol (one line each way): `list` → JSON list of cases (name, NumPy setup, statement);
//! `time <case> <npdot|floor> <calls>` → seconds for `calls` calls; `quit`.

#[allow(dead_code)]
#[path = "../benches/family_cases/mod.rs"]
mod family_cases;

use std::io::{BufRead, Write};
use std::time::Instant;

use family_cases::{CASES, Job};

fn main() {
    let mut built: Vec<Option<(Job, Job)>> = CASES.iter().map(|_| None).collect();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["list"] => {
                let items: Vec<String> = CASES
                    .iter()
                    .map(|c| {
                        format!(
                            "{{\"name\":{:?},\"setup\":{:?},\"stmt\":{:?}}}",
                            c.name, c.numpy_setup, c.numpy_stmt
                        )
                    })
                    .collect();
                writeln!(out, "[{}]", items.join(",")).unwrap();
            }
            ["time", name, which, calls] => {
                let i = CASES
                    .iter()
                    .position(|c| c.name == *name)
                    .expect("case name");
                let jobs = built[i].get_or_insert_with(|| (CASES[i].build)());
                let job = if *which == "floor" {
                    &mut jobs.1
                } else {
                    &mut jobs.0
                };
                let calls: usize = calls.parse().expect("calls");
                let t = Instant::now();
                for _ in 0..calls {
                    job();
                }
                writeln!(out, "{}", t.elapsed().as_secs_f64()).unwrap();
            }
            ["quit"] | [] => break,
            other => panic!("bad command {other:?}"),
        }
        out.flush().unwrap();
    }
}
