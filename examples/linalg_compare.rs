//! Timing server for `scripts/compare_linalg.py`: `--list` prints the cases (name, NumPy setup
//! and statement, baseline name) as JSON; otherwise reads lines `<case> <calls>` on stdin and
//! answers `<npdot ns> <baseline ns or -1>` for that many calls of each.

use std::io::{BufRead, Write};
use std::time::Instant;

#[path = "../benches/linalg_cases/mod.rs"]
mod linalg_cases;

fn main() {
    let mut cases = linalg_cases::cases();
    if std::env::args().any(|a| a == "--list") {
        let list: Vec<String> = cases
            .iter()
            .map(|c| {
                format!(
                    "{{\"name\": {:?}, \"setup\": {:?}, \"stmt\": {:?}, \"baseline\": {:?}}}",
                    c.name,
                    c.numpy_setup,
                    c.numpy_stmt,
                    c.baseline.as_ref().map(|b| b.0).unwrap_or("")
                )
            })
            .collect();
        println!("[{}]", list.join(", "));
        return;
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let mut it = line.split_whitespace();
        let (Some(name), Some(n)) = (it.next(), it.next().and_then(|n| n.parse::<u32>().ok()))
        else {
            break;
        };
        let case = cases
            .iter_mut()
            .find(|c| c.name == name)
            .expect("known case");
        let t = Instant::now();
        for _ in 0..n {
            (case.npdot)();
        }
        let a = t.elapsed().as_nanos() as f64 / f64::from(n);
        let b = match case.baseline.as_mut() {
            Some((_, f)) => {
                let t = Instant::now();
                for _ in 0..n {
                    f();
                }
                t.elapsed().as_nanos() as f64 / f64::from(n)
            }
            None => -1.0,
        };
        writeln!(out, "{a} {b}").expect("stdout");
        out.flush().expect("stdout");
    }
}
