//! Shared by the `np.linalg` fixture, ported and differential tests: parsing the JSON cases
//! written by `scripts/gen_linalg_fixtures.py` / `scripts/differential_linalg.py` (format in the
//! former's docstring) and replaying one case through `npdot::linalg`.

#![allow(dead_code)]

use crate::fixture_harness::{field, isize_of, parse_real, string, usizes};
use std::collections::BTreeMap;
use std::fmt::Debug;

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use npdot::linalg::{self, LinalgElement};
use num_complex::Complex;
use serde_json::Value;

/// An element type as stored in the fixtures.
pub trait Fixture: LinalgElement {
    /// Machine epsilon of the type (0 for exact types).
    const EPS: f64;
    fn parse(v: &Value) -> Result<Self, String>;
    /// `got` against NumPy's `want`: exactly (NaN matching NaN) without `tol`, else within `tol`
    /// per real component.
    fn matches(got: Self, want: Self, tol: Option<f64>) -> bool;
}

macro_rules! int_fixture {
    ($($t:ty => $as:ident),*) => {$(
        impl Fixture for $t {
            const EPS: f64 = 0.0;
            fn parse(v: &Value) -> Result<Self, String> {
                v.$as()
                    .and_then(|x| <$t>::try_from(x).ok())
                    .ok_or_else(|| format!("bad {} value {v}", stringify!($t)))
            }
            fn matches(got: Self, want: Self, _: Option<f64>) -> bool {
                got == want
            }
        }
    )*};
}
int_fixture!(i8 => as_i64, i16 => as_i64, i32 => as_i64, i64 => as_i64, isize => as_i64,
             u8 => as_u64, u16 => as_u64, u32 => as_u64, u64 => as_u64, usize => as_u64);

impl Fixture for bool {
    const EPS: f64 = 0.0;
    fn parse(v: &Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| format!("bad bool value {v}"))
    }
    fn matches(got: Self, want: Self, _: Option<f64>) -> bool {
        got == want
    }
}

fn real_matches(got: f64, want: f64, tol: Option<f64>) -> bool {
    if got.is_nan() || want.is_nan() {
        return got.is_nan() && want.is_nan();
    }
    if got.is_infinite() || want.is_infinite() {
        return got == want;
    }
    match tol {
        None => got == want,
        Some(t) => (got - want).abs() <= t,
    }
}

macro_rules! float_fixture {
    ($($t:ty),*) => {$(
        impl Fixture for $t {
            const EPS: f64 = <$t>::EPSILON as f64;
            fn parse(v: &Value) -> Result<Self, String> {
                parse_real(v)
            }
            fn matches(got: Self, want: Self, tol: Option<f64>) -> bool {
                real_matches(got as f64, want as f64, tol)
            }
        }
        impl Fixture for Complex<$t> {
            const EPS: f64 = <$t>::EPSILON as f64;
            fn parse(v: &Value) -> Result<Self, String> {
                match v.as_array().map(Vec::as_slice) {
                    Some([re, im]) => Ok(Complex::new(parse_real(re)?, parse_real(im)?)),
                    _ => Err(format!("bad complex value {v}")),
                }
            }
            fn matches(got: Self, want: Self, tol: Option<f64>) -> bool {
                real_matches(got.re as f64, want.re as f64, tol)
                    && real_matches(got.im as f64, want.im as f64, tol)
            }
        }
    )*};
}
float_fixture!(f32, f64);

/// One view operation of the format.
#[derive(Clone, Debug)]
pub enum ViewOp {
    Slice(Vec<(isize, isize, isize)>),
    Permute(Vec<usize>),
    InsertAxis(usize),
    Broadcast(Vec<usize>),
}

#[derive(Clone, Debug)]
pub struct Operand {
    pub shape: Vec<usize>,
    pub data: Vec<Value>,
    pub views: Vec<ViewOp>,
}

#[derive(Clone, Debug)]
pub enum Expect {
    Array {
        shape: Vec<usize>,
        data: Vec<Value>,
        bound: Option<Vec<f64>>,
        k: usize,
    },
    /// NumPy's error text.
    Error(String),
    /// An npdot error where NumPy has none or a Python artefact: the variant's name.
    NpdotError(String),
}

#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub op: String,
    pub dtype: String,
    pub args: Vec<Operand>,
    pub n: i64,
    pub axis: isize,
    pub expect: Expect,
    pub raw: Value,
}

fn parse_views(v: &Value) -> Result<Vec<ViewOp>, String> {
    let list = v.as_array().ok_or("views must be a list")?;
    list.iter()
        .map(|op| {
            let obj = op.as_object().ok_or("view op must be an object")?;
            let (name, arg) = obj.iter().next().ok_or("empty view op")?;
            Ok(match name.as_str() {
                "slice" => ViewOp::Slice(
                    arg.as_array()
                        .ok_or("slice spec must be a list")?
                        .iter()
                        .map(|s| match s.as_array().map(Vec::as_slice) {
                            Some([a, b, c]) => Ok((isize_of(a)?, isize_of(b)?, isize_of(c)?)),
                            _ => Err(format!("bad slice {s}")),
                        })
                        .collect::<Result<_, String>>()?,
                ),
                "permute" => ViewOp::Permute(usizes(arg)?),
                "insert_axis" => {
                    ViewOp::InsertAxis(arg.as_u64().ok_or("bad insert_axis")? as usize)
                }
                "broadcast" => ViewOp::Broadcast(usizes(arg)?),
                other => return Err(format!("unknown view op {other}")),
            })
        })
        .collect()
}

pub fn parse_case(v: &Value) -> Result<Case, String> {
    let e = field(v, "expect")?;
    let expect = if let Some(msg) = e.get("error") {
        Expect::Error(msg.as_str().ok_or("error must be a string")?.to_owned())
    } else if let Some(name) = e.get("npdot_error") {
        Expect::NpdotError(
            name.as_str()
                .ok_or("npdot_error must be a string")?
                .to_owned(),
        )
    } else {
        Expect::Array {
            shape: usizes(field(e, "shape")?)?,
            data: field(e, "data")?
                .as_array()
                .ok_or("data must be a list")?
                .clone(),
            bound: match e.get("bound") {
                None => None,
                Some(b) => Some(
                    b.as_array()
                        .ok_or("bound must be a list")?
                        .iter()
                        .map(parse_real::<f64>)
                        .collect::<Result<_, _>>()?,
                ),
            },
            k: e.get("k").and_then(Value::as_u64).unwrap_or(0) as usize,
        }
    };
    let args = field(v, "args")?
        .as_array()
        .ok_or("args must be a list")?
        .iter()
        .map(|o| {
            Ok(Operand {
                shape: usizes(field(o, "shape")?)?,
                data: field(o, "data")?
                    .as_array()
                    .ok_or("data must be a list")?
                    .clone(),
                views: parse_views(field(o, "views")?)?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Case {
        id: string(v, "id")?,
        op: string(v, "op")?,
        dtype: string(v, "dtype")?,
        args,
        n: v.get("n").and_then(Value::as_i64).unwrap_or(0),
        axis: v.get("axis").map(isize_of).transpose()?.unwrap_or(-1),
        expect,
        raw: v.clone(),
    })
}

/// All cases of a JSON file `{"cases": [...]}` (or JSON lines, one case per line).
pub fn parse_cases(text: &str, what: &str) -> Vec<Case> {
    let values: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(root) if root.get("cases").is_some() => {
            root["cases"].as_array().cloned().unwrap_or_default()
        }
        _ => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: {e}: {l}")))
            .collect(),
    };
    values
        .iter()
        .map(|c| parse_case(c).unwrap_or_else(|e| panic!("{what}: bad case {c}: {e}")))
        .collect()
}

pub fn load(name: &str) -> Vec<Case> {
    let path = format!(
        "{}/tests/fixtures/linalg/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (regenerate with scripts/gen_linalg_fixtures.py)"));
    parse_cases(&text, &path)
}

fn base<T: Fixture>(o: &Operand) -> Result<ArrayD<T>, String> {
    let data = o.data.iter().map(T::parse).collect::<Result<Vec<T>, _>>()?;
    ArrayD::from_shape_vec(IxDyn(&o.shape), data).map_err(|e| format!("fixture base: {e}"))
}

/// The view NumPy computed on. `broadcast` may only come first (it borrows the base).
fn view<'a, T: Fixture>(b: &'a ArrayD<T>, ops: &[ViewOp]) -> Result<ArrayViewD<'a, T>, String> {
    let (mut v, rest) = match ops.split_first() {
        Some((ViewOp::Broadcast(shape), rest)) => (
            b.broadcast(IxDyn(shape))
                .ok_or_else(|| format!("cannot broadcast {:?} to {shape:?}", b.shape()))?,
            rest,
        ),
        _ => (b.view(), ops),
    };
    for op in rest {
        v = match op {
            ViewOp::Slice(spec) => {
                let mut v = v;
                v.slice_each_axis_inplace(|ax| {
                    let (s, e, st) = spec[ax.axis.index()];
                    Slice::new(s, Some(e), st)
                });
                v
            }
            ViewOp::Permute(axes) => v.permuted_axes(IxDyn(axes)),
            ViewOp::InsertAxis(i) => v.insert_axis(Axis(*i)),
            ViewOp::Broadcast(_) => return Err("broadcast only as the first view op".into()),
        };
    }
    Ok(v)
}

fn error_name(e: &npdot::Error) -> String {
    let d = format!("{e:?}");
    d.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

fn check<T: Fixture>(case: &Case, got: Result<ArrayD<T>, npdot::Error>) -> Result<(), String> {
    match (&case.expect, got) {
        (Expect::Error(want), Err(e)) if e.to_string() == *want => Ok(()),
        (Expect::NpdotError(want), Err(e)) if error_name(&e) == *want => Ok(()),
        (Expect::Error(want), Err(e)) => Err(format!("error text\n  got:  {e}\n  want: {want}")),
        (Expect::NpdotError(want), Err(e)) => Err(format!("error {e:?}, want variant {want}")),
        (Expect::Error(want), Ok(r)) => Err(format!("got {r:?}, want error: {want}")),
        (Expect::NpdotError(want), Ok(r)) => Err(format!("got {r:?}, want npdot error {want}")),
        (Expect::Array { .. }, Err(e)) => Err(format!("unexpected error: {e}")),
        (
            Expect::Array {
                shape,
                data,
                bound,
                k,
            },
            Ok(r),
        ) => {
            if r.shape() != shape.as_slice() {
                return Err(format!("shape {:?}, want {shape:?}", r.shape()));
            }
            let want = data.iter().map(T::parse).collect::<Result<Vec<T>, _>>()?;
            for (i, (g, w)) in r.iter().zip(&want).enumerate() {
                let tol = bound
                    .as_ref()
                    .map(|b| 4.0 * T::EPS * (*k as f64 + 2.0) * b[i]);
                if !T::matches(*g, *w, tol) {
                    return Err(format!(
                        "element {i} (C order): got {g:?}, want {w:?} (tolerance {tol:?})"
                    ));
                }
            }
            Ok(())
        }
    }
}

fn run_typed<T: Fixture>(case: &Case) -> Result<(), String> {
    let bases = case
        .args
        .iter()
        .map(base::<T>)
        .collect::<Result<Vec<_>, _>>()?;
    let views = bases
        .iter()
        .zip(&case.args)
        .map(|(b, o)| view(b, &o.views))
        .collect::<Result<Vec<_>, _>>()?;
    let got = match case.op.as_str() {
        "multi_dot" => linalg::multi_dot(&views),
        "matrix_power" => linalg::matrix_power(&views[0], case.n),
        "cross" => linalg::cross(&views[0], &views[1], case.axis),
        other => return Err(format!("unknown op {other}")),
    };
    check(case, got)
}

/// Replays one case; `Err` describes the mismatch (a panic is caught and reported too).
pub fn run_case(case: &Case) -> Result<(), String> {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match case.dtype.as_str() {
        "float32" => run_typed::<f32>(case),
        "float64" => run_typed::<f64>(case),
        "complex64" => run_typed::<Complex<f32>>(case),
        "complex128" => run_typed::<Complex<f64>>(case),
        "int8" => run_typed::<i8>(case),
        "int16" => run_typed::<i16>(case),
        "int32" => run_typed::<i32>(case),
        "int64" => run_typed::<i64>(case),
        "intp" => run_typed::<isize>(case),
        "uint8" => run_typed::<u8>(case),
        "uint16" => run_typed::<u16>(case),
        "uint32" => run_typed::<u32>(case),
        "uint64" => run_typed::<u64>(case),
        "uintp" => run_typed::<usize>(case),
        "bool" => run_typed::<bool>(case),
        other => Err(format!("unknown dtype {other}")),
    }));
    r.unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(format!("panicked: {msg}"))
    })
}

/// Replays all cases, printing every failure (up to `report` in full) and the counts per
/// dtype; gives the number of failures.
pub fn replay_all(cases: &[Case], report: usize, replay_hint: &dyn Fn(&Case) -> String) -> usize {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failed = 0;
    let mut diverged = 0;
    for case in cases {
        let e = counts
            .entry(format!("{} {}", case.op, case.dtype))
            .or_default();
        e.0 += 1;
        if let Err(why) = run_case(case) {
            if singular_verdict_differs(case, &why) {
                diverged += 1;
                println!(
                    "known divergence {} (pure-Rust LU, numerically singular matrix): {why}",
                    case.id
                );
                continue;
            }
            e.1 += 1;
            failed += 1;
            if failed <= report {
                let mut raw = case.raw.to_string();
                if raw.len() > 600 {
                    raw.truncate(600);
                    raw.push_str("...");
                }
                eprintln!(
                    "FAIL {}: {why}\n  case: {raw}\n  replay: {}",
                    case.id,
                    replay_hint(case)
                );
            }
        }
    }
    for (k, (n, f)) in &counts {
        println!("{k:32} {n:6} cases {f:4} failed");
    }
    println!(
        "total: {} cases, {failed} failed, {diverged} known divergences",
        cases.len()
    );
    failed
}

/// The one known divergence: a negative power of a matrix that is singular up to rounding (the
/// case's `near_singular`, set by the generator from NumPy's condition number). Whether LAPACK
/// reports "Singular matrix" or returns huge values there depends on the order of its
/// roundings: the pure-Rust LU cannot reproduce OpenBLAS's, and two OpenBLAS builds differ too
/// where they run different kernels (NumPy's 0.3.31 and Debian's 0.3.21 on an AVX-512 Xeon
/// with their own AVX-512 kernels: `uint32` `(3,6,6)`, `n = -5`, seed 3783175200 case 2632).
/// Only the verdict may differ; any other difference still fails.
fn singular_verdict_differs(case: &Case, why: &str) -> bool {
    let near_singular = case.raw.get("near_singular").and_then(Value::as_bool) == Some(true);
    let numpy_singular =
        case.raw["expect"].get("error").and_then(Value::as_str) == Some("Singular matrix");
    near_singular
        && (numpy_singular || why.contains("Singular matrix") || why.contains("SingularMatrix"))
}
