//! Shared by the `einsum_path` fixture and differential tests: one case from
//! `scripts/gen_einsum_path_fixtures.py` (format in its docstring) replayed through
//! `npdot::einsum_path`, on zero-stride views of the case's shapes, for an element type chosen by
//! the case number (the path depends only on shapes; every type npdot has takes its turn).

use ndarray::{ArrayD, ArrayViewD, IxDyn};
use npdot::{Element, Error, Optimize};
use num_complex::Complex;
use serde_json::Value;

/// NumPy's `optimize=` argument as stored in a case.
pub fn optimize(v: &Value) -> Optimize {
    match v {
        Value::String(s) if s == "greedy" => Optimize::Greedy,
        Value::String(s) if s == "optimal" => Optimize::Optimal,
        Value::String(s) if s == "off" => Optimize::Off,
        Value::Array(a) => {
            let limit = a[1].as_i64().expect("an integer memory limit");
            match a[0].as_str() {
                Some("greedy") => Optimize::GreedyWithMemoryLimit(limit),
                Some("optimal") => Optimize::OptimalWithMemoryLimit(limit),
                _ => panic!("unknown optimize {v}"),
            }
        }
        _ => panic!("unknown optimize {v}"),
    }
}

fn shapes(case: &Value) -> Vec<Vec<usize>> {
    case["shapes"]
        .as_array()
        .expect("shapes")
        .iter()
        .map(|s| {
            s.as_array()
                .expect("a shape")
                .iter()
                .map(|d| d.as_u64().expect("a dimension") as usize)
                .collect()
        })
        .collect()
}

fn run_typed<T: Element>(
    zero: T,
    subscripts: &str,
    shapes: &[Vec<usize>],
    opt: Optimize,
) -> Result<(Vec<Vec<usize>>, String), Error> {
    let base = ArrayD::from_elem(IxDyn(&[]), zero);
    let views: Vec<ArrayViewD<'_, T>> = shapes
        .iter()
        .map(|s| {
            base.broadcast(IxDyn(s))
                .expect("a 0-D array broadcasts to any shape")
        })
        .collect();
    npdot::einsum_path(subscripts, &views, opt)
}

/// The dtype used for case number `n`.
pub fn dtype_name(n: usize) -> &'static str {
    [
        "f64", "f32", "c64", "c128", "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64",
        "usize", "bool",
    ][n % 15]
}

/// Runs `case` through npdot with the element type of case number `n`.
pub fn run(case: &Value, n: usize) -> Result<(Vec<Vec<usize>>, String), Error> {
    let subs = case["subscripts"].as_str().expect("subscripts");
    let sh = shapes(case);
    let opt = optimize(&case["optimize"]);
    match n % 15 {
        0 => run_typed(0f64, subs, &sh, opt),
        1 => run_typed(0f32, subs, &sh, opt),
        2 => run_typed(Complex::<f32>::new(0.0, 0.0), subs, &sh, opt),
        3 => run_typed(Complex::<f64>::new(0.0, 0.0), subs, &sh, opt),
        4 => run_typed(0i8, subs, &sh, opt),
        5 => run_typed(0i16, subs, &sh, opt),
        6 => run_typed(0i32, subs, &sh, opt),
        7 => run_typed(0i64, subs, &sh, opt),
        8 => run_typed(0isize, subs, &sh, opt),
        9 => run_typed(0u8, subs, &sh, opt),
        10 => run_typed(0u16, subs, &sh, opt),
        11 => run_typed(0u32, subs, &sh, opt),
        12 => run_typed(0u64, subs, &sh, opt),
        13 => run_typed(0usize, subs, &sh, opt),
        _ => run_typed(false, subs, &sh, opt),
    }
}

/// Compares npdot's answer with the case's; `None` when they agree, else a description.
pub fn check(case: &Value, n: usize) -> Option<String> {
    let got = run(case, n);
    let describe = |what: String| {
        Some(format!(
            "case {} ({}): einsum_path({:?}, shapes {}, {}) [{}]\n{what}",
            case["id"],
            case.get("exception")
                .and_then(Value::as_str)
                .unwrap_or("ok"),
            case["subscripts"].as_str().unwrap_or(""),
            case["shapes"],
            case["optimize"],
            dtype_name(n)
        ))
    };
    if let Some(want) = case.get("error").and_then(Value::as_str) {
        return match got {
            Err(e) if e.to_string() == want => None,
            Err(e) => describe(format!("  error {:?}\n  want  {want:?}", e.to_string())),
            Ok((p, _)) => describe(format!("  returned path {p:?}\n  want error {want:?}")),
        };
    }
    let want_path: Vec<Vec<usize>> = case["path"]
        .as_array()
        .expect("path")
        .iter()
        .map(|p| {
            p.as_array()
                .expect("a path entry")
                .iter()
                .map(|x| x.as_u64().expect("a position") as usize)
                .collect()
        })
        .collect();
    let want_report = case["report"].as_str().expect("report");
    match got {
        Err(e) => describe(format!("  error {e}\n  want path {want_path:?}")),
        Ok((p, r)) => {
            let mut msg = String::new();
            if p != want_path {
                msg += &format!("  path {p:?}\n  want {want_path:?}\n");
            }
            if r != want_report {
                msg += &format!("  report:\n{r}\n  want:\n{want_report}\n");
            }
            if msg.is_empty() { None } else { describe(msg) }
        }
    }
}
