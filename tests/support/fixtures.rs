//! The NumPy fixture harness shared by the fixture tests: fixture elements and their
//! comparison (`4·eps·(k+2)·bound` for floats, exact otherwise), operands and the views NumPy
//! saw, NumPy's expected answer, checking a result, and capturing panics inside a case.

#![allow(dead_code)] // each test binary uses its own part of the harness

use std::cell::RefCell;
use std::fmt::{Debug, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use npdot::prelude::*;
use num_complex::Complex;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Element parsing and comparison

/// An element type as stored in the fixtures.
pub trait Fixture: Element {
    fn parse(v: &Value) -> Result<Self, String>;
    /// Whether `got` matches NumPy's `want`: exactly (NaN matching NaN) unless `bound` is given,
    /// then within `4 * eps * (k + 2) * bound`.
    fn matches(got: Self, want: Self, bound: Option<f64>, k: usize) -> bool;
}

macro_rules! int_fixture {
    ($($t:ty => $as:ident),*) => {$(
        impl Fixture for $t {
            fn parse(v: &Value) -> Result<Self, String> {
                v.$as()
                    .and_then(|x| <$t>::try_from(x).ok())
                    .ok_or_else(|| format!("bad {} value {v}", stringify!($t)))
            }
            fn matches(got: Self, want: Self, _: Option<f64>, _: usize) -> bool {
                got == want
            }
        }
    )*};
}
int_fixture!(i8 => as_i64, i16 => as_i64, i32 => as_i64, i64 => as_i64, isize => as_i64,
             u8 => as_u64, u16 => as_u64, u32 => as_u64, u64 => as_u64, usize => as_u64);

impl Fixture for bool {
    fn parse(v: &Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| format!("bad bool value {v}"))
    }
    fn matches(got: Self, want: Self, _: Option<f64>, _: usize) -> bool {
        got == want
    }
}

pub fn parse_real<F: std::str::FromStr>(v: &Value) -> Result<F, String> {
    v.as_str()
        .and_then(|s| s.parse::<F>().ok())
        .ok_or_else(|| format!("bad float value {v}"))
}

pub fn real_matches(got: f64, want: f64, bound: Option<f64>, k: usize, eps: f64) -> bool {
    if want.is_nan() {
        return got.is_nan();
    }
    match bound {
        Some(b) if want.is_finite() => (got - want).abs() <= 4.0 * eps * (k as f64 + 2.0) * b,
        _ => got == want,
    }
}

macro_rules! float_fixture {
    ($($t:ty),*) => {$(
        impl Fixture for $t {
            fn parse(v: &Value) -> Result<Self, String> {
                parse_real::<$t>(v)
            }
            fn matches(got: Self, want: Self, bound: Option<f64>, k: usize) -> bool {
                real_matches(got.into(), want.into(), bound, k, <$t>::EPSILON.into())
            }
        }
        impl Fixture for Complex<$t> {
            fn parse(v: &Value) -> Result<Self, String> {
                match v.as_array().map(Vec::as_slice) {
                    Some([re, im]) => Ok(Complex::new(parse_real::<$t>(re)?, parse_real::<$t>(im)?)),
                    _ => Err(format!("bad complex value {v}")),
                }
            }
            fn matches(got: Self, want: Self, bound: Option<f64>, k: usize) -> bool {
                <$t>::matches(got.re, want.re, bound, k) && <$t>::matches(got.im, want.im, bound, k)
            }
        }
    )*};
}
float_fixture!(f32, f64);

// ---------------------------------------------------------------------------------------------
// Operands and answers

#[derive(Debug)]
pub enum ViewOp {
    Slice(Vec<(isize, isize, isize)>),
    Permute(Vec<usize>),
    InsertAxis(usize),
    Broadcast(Vec<usize>),
}

#[derive(Debug)]
pub struct Operand {
    pub shape: Vec<usize>,
    pub data: Vec<Value>,
    pub views: Vec<ViewOp>,
}

/// NumPy's answer.
#[derive(Debug)]
pub enum Expect {
    /// NumPy's `ValueError` (or other exception) text.
    Error(String),
    /// NumPy raises `IndexError` with this text (the case says where npdot has its own error).
    IndexError(String),
    Array {
        dtype: String,
        shape: Vec<usize>,
        data: Vec<Value>,
        bound: Option<Vec<f64>>,
    },
}

pub fn usizes(v: &Value) -> Result<Vec<usize>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))?
        .iter()
        .map(|x| {
            x.as_u64()
                .and_then(|x| usize::try_from(x).ok())
                .ok_or_else(|| format!("bad size {x}"))
        })
        .collect()
}

pub fn isize_of(v: &Value) -> Result<isize, String> {
    v.as_i64()
        .and_then(|x| isize::try_from(x).ok())
        .ok_or_else(|| format!("bad index {v}"))
}

pub fn parse_views(v: &Value) -> Result<Vec<ViewOp>, String> {
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
                "insert_axis" => ViewOp::InsertAxis(usizes(&Value::Array(vec![arg.clone()]))?[0]),
                "broadcast" => ViewOp::Broadcast(usizes(arg)?),
                other => return Err(format!("unknown view op {other}")),
            })
        })
        .collect()
}

pub fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name).ok_or_else(|| format!("missing field {name}"))
}

pub fn string(v: &Value, name: &str) -> Result<String, String> {
    field(v, name)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{name} must be a string"))
}

pub fn parse_operand(v: &Value) -> Result<Operand, String> {
    Ok(Operand {
        shape: usizes(field(v, "shape")?)?,
        data: field(v, "data")?
            .as_array()
            .ok_or("data must be a list")?
            .clone(),
        views: parse_views(field(v, "views")?)?,
    })
}

/// NumPy's answer of a case line's `expect`: `error`, `index_error`, or the result's `dtype`,
/// `shape`, `data` and, for floats, `bound`.
pub fn parse_expect(e: &Value) -> Result<Expect, String> {
    Ok(match (e.get("error"), e.get("index_error")) {
        (Some(msg), _) => Expect::Error(msg.as_str().ok_or("error must be a string")?.to_owned()),
        (_, Some(msg)) => {
            Expect::IndexError(msg.as_str().ok_or("error must be a string")?.to_owned())
        }
        _ => Expect::Array {
            dtype: string(e, "dtype")?,
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
                        .map(|x| x.as_f64().ok_or_else(|| format!("bad bound {x}")))
                        .collect::<Result<_, _>>()?,
                ),
            },
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Building the operands NumPy saw

pub fn base<T: Fixture>(shape: &[usize], data: &[Value]) -> Result<ArrayD<T>, String> {
    let data = data.iter().map(T::parse).collect::<Result<Vec<T>, _>>()?;
    ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|e| format!("fixture base: {e}"))
}

pub fn slice_spec(ax: ndarray::AxisDescription, spec: &[(isize, isize, isize)]) -> Slice {
    let (start, end, step) = spec[ax.axis.index()];
    Slice::new(start, Some(end), step)
}

/// Applies the view operations to `v` and hands the resulting view to `f`. Recursive because
/// `broadcast` borrows the view it starts from.
pub fn with_view<T: Fixture>(
    v: ArrayViewD<'_, T>,
    ops: &[ViewOp],
    f: &mut dyn FnMut(ArrayViewD<'_, T>) -> Result<(), String>,
) -> Result<(), String> {
    let Some((op, rest)) = ops.split_first() else {
        return f(v);
    };
    match op {
        ViewOp::Slice(spec) => {
            if spec.len() != v.ndim() {
                return Err(format!(
                    "fixture: slice spec {spec:?} for ndim {}",
                    v.ndim()
                ));
            }
            let mut v = v;
            v.slice_each_axis_inplace(|ax| slice_spec(ax, spec));
            with_view(v, rest, f)
        }
        ViewOp::Permute(axes) => with_view(v.permuted_axes(IxDyn(axes)), rest, f),
        ViewOp::InsertAxis(i) => with_view(v.insert_axis(Axis(*i)), rest, f),
        ViewOp::Broadcast(shape) => {
            let b = v
                .broadcast(IxDyn(shape))
                .ok_or_else(|| format!("fixture: cannot broadcast {:?} to {shape:?}", v.shape()))?;
            with_view(b, rest, f)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checking

pub fn preview<T: Debug>(xs: impl IntoIterator<Item = T>) -> String {
    let mut s = String::from("[");
    for (i, x) in xs.into_iter().enumerate() {
        if i == 48 {
            s.push_str(", ...");
            break;
        }
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{x:?}");
    }
    s.push(']');
    s
}

/// Like [`preview`], for fixture values (printed as JSON, strings without escapes).
pub fn preview_values(values: &[Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(49)
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    let more = if values.len() > 48 { ", ..." } else { "" };
    format!("[{}{more}]", shown[..shown.len().min(48)].join(", "))
}

/// Compares an npdot result (an array, or the `out` view after the call) with NumPy's.
pub fn check_array<T: Fixture>(
    expect: &Expect,
    k: usize,
    got: &ArrayViewD<'_, T>,
) -> Result<(), String> {
    let Expect::Array {
        dtype,
        shape,
        data,
        bound,
    } = expect
    else {
        return Err(format!(
            "expected NumPy's error, got Ok with shape {:?}",
            got.shape()
        ));
    };
    // NumPy's result dtype is the input dtype (intp/uintp are NumPy's int64/uint64 here)
    let numpy_name = match T::DTYPE {
        "intp" => "int64",
        "uintp" => "uint64",
        other => other,
    };
    if dtype != numpy_name {
        return Err(format!(
            "fixture: NumPy's result dtype {dtype} is not {numpy_name}"
        ));
    }
    if got.shape() != shape.as_slice() {
        return Err(format!(
            "shape: expected {shape:?}, got {:?} (values {})",
            got.shape(),
            preview(got.iter())
        ));
    }
    let want = data.iter().map(T::parse).collect::<Result<Vec<T>, _>>()?;
    let mut bad = Vec::new();
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let b = bound.as_ref().map(|b| b[i]);
        if !T::matches(*g, *w, b, k) {
            bad.push(format!(
                "[{i}] got {g:?} want {w:?}{}",
                match b {
                    Some(b) => format!(" (bound {b:e})"),
                    None => String::new(),
                }
            ));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} values differ: {}\n    want {}\n    got  {}",
            bad.len(),
            want.len(),
            preview(&bad),
            preview(&want),
            preview(got.iter())
        ))
    }
}

thread_local! {
    /// While a case runs: `Some`, and a panic's message and location go here.
    static PANIC_MSG: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records panics inside cases (message and location) instead of printing them, so a panicking
/// case is reported like any other failure and the run goes on. Other panics print as usual.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = PANIC_MSG.with(|m| match m.borrow_mut().as_mut() {
                Some(slot) => {
                    let payload = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let at = info.location().map(|l| l.to_string()).unwrap_or_default();
                    *slot = format!("{payload} (at {at})");
                    true
                }
                None => false,
            });
            if !captured {
                default(info);
            }
        }));
    });
}

/// Runs one case with panics captured: a panicking case is a failure like any other.
pub fn guarded(run: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    PANIC_MSG.with(|m| *m.borrow_mut() = Some(String::new()));
    let result = panic::catch_unwind(AssertUnwindSafe(run));
    let msg = PANIC_MSG
        .with(|m| m.borrow_mut().take())
        .unwrap_or_default();
    result.unwrap_or_else(|_| Err(format!("PANIC: {msg}")))
}

pub fn describe_views(views: &[ViewOp]) -> String {
    if views.is_empty() {
        "contiguous".into()
    } else {
        format!("{views:?}")
    }
}

#[derive(Default)]
pub struct Counts {
    pub ok: usize,
    pub errors: usize,
    pub failed: usize,
}

/// Replays the fixture cases of `op`: runs each (`run`, panics caught), prints the failures
/// (`describe`) and a count per dtype (`key` gives a case's dtype and NumPy's answer; `width` pads
/// the op's name in the table), and fails if any case failed.
pub fn replay_cases<C>(
    op: &str,
    cases: &[C],
    width: usize,
    key: impl Fn(&C) -> (&String, &Expect),
    run: impl Fn(&C) -> Result<(), String>,
    describe: impl Fn(&C, &str) -> String,
) {
    install_panic_hook();
    let mut counts: std::collections::BTreeMap<String, Counts> = Default::default();
    let mut failures = Vec::new();
    for case in cases {
        let (dtype, expect) = key(case);
        let c = counts.entry(dtype.clone()).or_default();
        match expect {
            Expect::Error(_) | Expect::IndexError(_) => c.errors += 1,
            Expect::Array { .. } => c.ok += 1,
        }
        if let Err(why) = run(case) {
            c.failed += 1;
            failures.push(describe(case, &why));
        }
    }
    let mut report = String::from("\n");
    for f in &failures {
        report.push_str(f);
    }
    let _ = writeln!(
        report,
        "== {op}: {} cases ({} expect a value, {} expect an error), {} failed",
        cases.len(),
        counts.values().map(|c| c.ok).sum::<usize>(),
        counts.values().map(|c| c.errors).sum::<usize>(),
        failures.len()
    );
    for (dtype, c) in &counts {
        let _ = writeln!(
            report,
            "   {op:<width$} {dtype:<11} {:4} cases  {:4} ok  {:4} errors  {:4} failed",
            c.ok + c.errors,
            c.ok,
            c.errors,
            c.failed
        );
    }
    println!("{report}");
    assert!(
        failures.is_empty(),
        "{op}: {} of {} fixture cases failed (details above)",
        failures.len(),
        cases.len()
    );
}
