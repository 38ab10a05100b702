//! Replays the NumPy 2.4 fixture cases in `tests/fixtures/*.json` through npdot's public API.
//!
//! The cases are written by `scripts/gen_fixtures.py` (see its docstring for the format). Every
//! expected value and error text there comes from NumPy, never from npdot. Each test replays one
//! file, reports *all* failing cases with their details, prints case counts per dtype, and fails
//! at the end if any case failed. `cargo test --test fixtures -- --nocapture` shows the counts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, Ix0, Ix1, Ix2, IxDyn, Slice};
use npdot::dims::{DotDim, InnerDim, MatmulDim, ResultDim};
use npdot::prelude::*;
use num_complex::Complex;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Element parsing and comparison

/// An element type as stored in the fixtures.
trait Fixture: Element {
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

fn parse_real<F: std::str::FromStr>(v: &Value) -> Result<F, String> {
    v.as_str()
        .and_then(|s| s.parse::<F>().ok())
        .ok_or_else(|| format!("bad float value {v}"))
}

fn real_matches(got: f64, want: f64, bound: Option<f64>, k: usize, eps: f64) -> bool {
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
// The cases

#[derive(Debug)]
enum ViewOp {
    Slice(Vec<(isize, isize, isize)>),
    Permute(Vec<usize>),
    InsertAxis(usize),
    Broadcast(Vec<usize>),
}

#[derive(Debug)]
struct Operand {
    shape: Vec<usize>,
    data: Vec<Value>,
    views: Vec<ViewOp>,
}

#[derive(Debug)]
struct Out {
    shape: Vec<usize>,
    fill: Value,
    views: Vec<ViewOp>,
}

#[derive(Debug)]
enum Expect {
    Error(String),
    Array {
        dtype: String,
        shape: Vec<usize>,
        data: Vec<Value>,
        bound: Option<Vec<f64>>,
    },
}

#[derive(Debug)]
struct Case {
    id: String,
    op: String,
    dtype: String,
    api: String,
    family: String,
    k: usize,
    a: Operand,
    b: Operand,
    out: Option<Out>,
    expect: Expect,
}

fn usizes(v: &Value) -> Result<Vec<usize>, String> {
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

fn isize_of(v: &Value) -> Result<isize, String> {
    v.as_i64()
        .and_then(|x| isize::try_from(x).ok())
        .ok_or_else(|| format!("bad index {v}"))
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
                "insert_axis" => ViewOp::InsertAxis(usizes(&Value::Array(vec![arg.clone()]))?[0]),
                "broadcast" => ViewOp::Broadcast(usizes(arg)?),
                other => return Err(format!("unknown view op {other}")),
            })
        })
        .collect()
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name).ok_or_else(|| format!("missing field {name}"))
}

fn string(v: &Value, name: &str) -> Result<String, String> {
    field(v, name)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{name} must be a string"))
}

fn parse_operand(v: &Value) -> Result<Operand, String> {
    Ok(Operand {
        shape: usizes(field(v, "shape")?)?,
        data: field(v, "data")?
            .as_array()
            .ok_or("data must be a list")?
            .clone(),
        views: parse_views(field(v, "views")?)?,
    })
}

fn parse_case(v: &Value) -> Result<Case, String> {
    let e = field(v, "expect")?;
    let expect = match e.get("error") {
        Some(msg) => Expect::Error(msg.as_str().ok_or("error must be a string")?.to_owned()),
        None => Expect::Array {
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
    };
    let out = match v.get("out") {
        None => None,
        Some(o) => Some(Out {
            shape: usizes(field(o, "shape")?)?,
            fill: field(o, "fill")?.clone(),
            views: parse_views(field(o, "views")?)?,
        }),
    };
    Ok(Case {
        id: string(v, "id")?,
        op: string(v, "op")?,
        dtype: string(v, "dtype")?,
        api: string(v, "api")?,
        family: string(v, "family")?,
        k: field(v, "k")?.as_u64().ok_or("k must be an integer")? as usize,
        a: parse_operand(field(v, "a")?)?,
        b: parse_operand(field(v, "b")?)?,
        out,
        expect,
    })
}

fn load(op: &str) -> Vec<Case> {
    let path = format!("{}/tests/fixtures/{op}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (regenerate with scripts/gen_fixtures.py)"));
    let root: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = root["cases"].as_array().expect("cases must be a list");
    cases
        .iter()
        .map(|c| parse_case(c).unwrap_or_else(|e| panic!("{path}: bad case {c}: {e}")))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Building the operands NumPy saw

fn base<T: Fixture>(shape: &[usize], data: &[Value]) -> Result<ArrayD<T>, String> {
    let data = data.iter().map(T::parse).collect::<Result<Vec<T>, _>>()?;
    ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|e| format!("fixture base: {e}"))
}

fn slice_spec(ax: ndarray::AxisDescription, spec: &[(isize, isize, isize)]) -> Slice {
    let (start, end, step) = spec[ax.axis.index()];
    Slice::new(start, Some(end), step)
}

/// Applies the view operations to `v` and hands the resulting view to `f`. Recursive because
/// `broadcast` borrows the view it starts from.
fn with_view<T: Fixture>(
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

fn out_view<'a, T>(
    mut v: ArrayViewMutD<'a, T>,
    ops: &[ViewOp],
) -> Result<ArrayViewMutD<'a, T>, String> {
    for op in ops {
        v = match op {
            ViewOp::Slice(spec) => {
                v.slice_each_axis_inplace(|ax| slice_spec(ax, spec));
                v
            }
            ViewOp::Permute(axes) => v.permuted_axes(IxDyn(axes)),
            ViewOp::InsertAxis(i) => v.insert_axis(Axis(*i)),
            ViewOp::Broadcast(_) => return Err("fixture: broadcast on out".into()),
        };
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Calling npdot

/// The product on `$a`, `$b` converted to static dimension types, its result back to `ArrayD`.
/// `dyn_matmul`: a static 0-D `matmul` operand does not compile, so `matmul` runs on `IxDyn`.
macro_rules! fixed_call {
    ($op:expr, $a:expr, $b:expr, $da:ty, $db:ty $(, $matmul:ident)?) => {{
        let a = $a.into_dimensionality::<$da>().expect("fixed a");
        let b = $b.into_dimensionality::<$db>().expect("fixed b");
        match $op {
            "dot" => npdot::dot(&a, &b).map(<<$da as DotDim<$db>>::Dim as ResultDim>::into_dyn),
            "inner" => {
                npdot::inner(&a, &b).map(<<$da as InnerDim<$db>>::Dim as ResultDim>::into_dyn)
            }
            _ => fixed_call!(@matmul a, b, $da, $db $(, $matmul)?),
        }
    }};
    (@matmul $a:ident, $b:ident, $da:ty, $db:ty) => {
        npdot::matmul(&$a, &$b).map(<<$da as MatmulDim<$db>>::Dim as ResultDim>::into_dyn)
    };
    (@matmul $a:ident, $b:ident, $da:ty, $db:ty, dyn_matmul) => {
        npdot::matmul(&$a.into_dyn(), &$b.into_dyn())
    };
}

macro_rules! fixed_into {
    ($op:expr, $a:expr, $b:expr, $out:expr, $da:ty, $db:ty $(, $matmul:ident)?) => {{
        let a = $a.into_dimensionality::<$da>().expect("fixed a");
        let b = $b.into_dimensionality::<$db>().expect("fixed b");
        match $op {
            "dot_into" => npdot::dot_into(&a, &b, $out),
            _ => fixed_into!(@matmul a, b, $out $(, $matmul)?),
        }
    }};
    (@matmul $a:ident, $b:ident, $out:expr) => {
        npdot::matmul_into(&$a, &$b, $out)
    };
    (@matmul $a:ident, $b:ident, $out:expr, dyn_matmul) => {
        npdot::matmul_into(&$a.into_dyn(), &$b.into_dyn(), $out)
    };
}

fn product<T: Fixture>(
    case: &Case,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, npdot::Error> {
    let op = case.op.as_str();
    match case.api.as_str() {
        "trait_view" => match op {
            "dot" => a.dot(&b),
            "inner" => a.inner(&b),
            _ => a.matmul(&b),
        },
        "trait_owned" => {
            let a = a.to_owned();
            match op {
                "dot" => a.dot(&b.to_owned()),
                "inner" => a.inner(&b), // owned receiver, view argument
                _ => a.matmul(&b.to_owned()),
            }
        }
        "free_fixed" => match (a.ndim(), b.ndim()) {
            (0, 0) => fixed_call!(op, a, b, Ix0, Ix0, dyn_matmul),
            (0, 1) => fixed_call!(op, a, b, Ix0, Ix1, dyn_matmul),
            (0, 2) => fixed_call!(op, a, b, Ix0, Ix2, dyn_matmul),
            (1, 0) => fixed_call!(op, a, b, Ix1, Ix0, dyn_matmul),
            (1, 1) => fixed_call!(op, a, b, Ix1, Ix1),
            (1, 2) => fixed_call!(op, a, b, Ix1, Ix2),
            (2, 0) => fixed_call!(op, a, b, Ix2, Ix0, dyn_matmul),
            (2, 1) => fixed_call!(op, a, b, Ix2, Ix1),
            (2, 2) => fixed_call!(op, a, b, Ix2, Ix2),
            _ => fixed_call!(op, a, b, IxDyn, IxDyn),
        },
        _ => match op {
            "dot" => npdot::dot(&a, &b),
            "inner" => npdot::inner(&a, &b),
            _ => npdot::matmul(&a, &b),
        },
    }
}

fn product_into<T: Fixture>(
    case: &Case,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: &mut ArrayViewMutD<'_, T>,
) -> Result<(), npdot::Error> {
    let op = case.op.as_str();
    let dot = op == "dot_into";
    match case.api.as_str() {
        "trait_view" if dot => a.dot_into(&b, out),
        "trait_view" => a.matmul_into(&b, out),
        "trait_owned" if dot => a.to_owned().dot_into(&b.to_owned(), out),
        "trait_owned" => a.to_owned().matmul_into(&b, out),
        "free_fixed" => match (a.ndim(), b.ndim()) {
            (0, 0) => fixed_into!(op, a, b, out, Ix0, Ix0, dyn_matmul),
            (0, 1) => fixed_into!(op, a, b, out, Ix0, Ix1, dyn_matmul),
            (0, 2) => fixed_into!(op, a, b, out, Ix0, Ix2, dyn_matmul),
            (1, 0) => fixed_into!(op, a, b, out, Ix1, Ix0, dyn_matmul),
            (1, 1) => fixed_into!(op, a, b, out, Ix1, Ix1),
            (1, 2) => fixed_into!(op, a, b, out, Ix1, Ix2),
            (2, 0) => fixed_into!(op, a, b, out, Ix2, Ix0, dyn_matmul),
            (2, 1) => fixed_into!(op, a, b, out, Ix2, Ix1),
            (2, 2) => fixed_into!(op, a, b, out, Ix2, Ix2),
            _ => fixed_into!(op, a, b, out, IxDyn, IxDyn),
        },
        _ if dot => npdot::dot_into(&a, &b, out),
        _ => npdot::matmul_into(&a, &b, out),
    }
}

// ---------------------------------------------------------------------------------------------
// Checking

fn preview<T: Debug>(xs: impl IntoIterator<Item = T>) -> String {
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
fn preview_values(values: &[Value]) -> String {
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
fn check_array<T: Fixture>(case: &Case, got: &ArrayViewD<'_, T>) -> Result<(), String> {
    let Expect::Array {
        dtype,
        shape,
        data,
        bound,
    } = &case.expect
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
        if !T::matches(*g, *w, b, case.k) {
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

fn check_error(case: &Case, got: &npdot::Error) -> Result<(), String> {
    let text = got.to_string();
    match &case.expect {
        Expect::Error(want) if *want == text => Ok(()),
        Expect::Error(want) => Err(format!(
            "error text differs\n    want {want:?}\n    got  {text:?}  ({got:?})"
        )),
        Expect::Array { shape, .. } => Err(format!(
            "expected Ok with shape {shape:?}, got error {text:?} ({got:?})"
        )),
    }
}

fn run_plain<T: Fixture>(
    case: &Case,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<(), String> {
    match product(case, a, b) {
        Ok(r) => check_array(case, &r.view()),
        Err(e) => check_error(case, &e),
    }
}

fn run_into<T: Fixture>(
    case: &Case,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<(), String> {
    let spec = case
        .out
        .as_ref()
        .ok_or("fixture: *_into case without out")?;
    let fill = T::parse(&spec.fill)?;
    let mut out_base = ArrayD::from_elem(IxDyn(&spec.shape), fill);
    let mut out = out_view(out_base.view_mut(), &spec.views)?;
    let res = product_into(case, a, b, &mut out);
    let mut outcome = match &res {
        Ok(()) => check_array(case, &out.view()),
        Err(e) => check_error(case, e),
    };
    if res.is_ok() {
        out.fill(fill);
    }
    let stray = out_base
        .iter()
        .filter(|x| !T::matches(**x, fill, None, 0))
        .count();
    if stray > 0 {
        let what = if res.is_ok() {
            "outside the out view"
        } else {
            "although it returned Err"
        };
        let msg = format!("npdot wrote {stray} element(s) of out's base {what}");
        outcome = match outcome {
            Ok(()) => Err(msg),
            Err(e) => Err(format!("{e}; {msg}")),
        };
    }
    outcome
}

fn run_typed<T: Fixture>(case: &Case) -> Result<(), String> {
    if T::DTYPE != case.dtype {
        return Err(format!("fixture dtype {} run as {}", case.dtype, T::DTYPE));
    }
    let a_base = base::<T>(&case.a.shape, &case.a.data)?;
    let b_base = base::<T>(&case.b.shape, &case.b.data)?;
    let into = case.op.ends_with("_into");
    with_view(a_base.view(), &case.a.views, &mut |a| {
        with_view(b_base.view(), &case.b.views, &mut |b| {
            if into {
                run_into(case, a.view(), b)
            } else {
                run_plain(case, a.view(), b)
            }
        })
    })
}

fn run_case(case: &Case) -> Result<(), String> {
    match case.dtype.as_str() {
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
    }
}

thread_local! {
    /// While a case runs: `Some`, and a panic's message and location go here.
    static PANIC_MSG: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records panics inside cases (message and location) instead of printing them, so a panicking
/// case is reported like any other failure and the run goes on. Other panics print as usual.
fn install_panic_hook() {
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

fn run_guarded(case: &Case) -> Result<(), String> {
    PANIC_MSG.with(|m| *m.borrow_mut() = Some(String::new()));
    let result = panic::catch_unwind(AssertUnwindSafe(|| run_case(case)));
    let msg = PANIC_MSG
        .with(|m| m.borrow_mut().take())
        .unwrap_or_default();
    result.unwrap_or_else(|_| Err(format!("PANIC: {msg}")))
}

fn describe_views(views: &[ViewOp]) -> String {
    if views.is_empty() {
        "contiguous".into()
    } else {
        format!("{views:?}")
    }
}

fn describe(case: &Case, why: &str) -> String {
    let mut s = format!(
        "--- {} [op {}, dtype {}, api {}, family {}, k {}]\n",
        case.id, case.op, case.dtype, case.api, case.family, case.k
    );
    for (name, o) in [("a", &case.a), ("b", &case.b)] {
        let _ = writeln!(
            s,
            "  {name}: base {:?} data {} views {}",
            o.shape,
            preview_values(&o.data),
            describe_views(&o.views)
        );
    }
    if let Some(o) = &case.out {
        let _ = writeln!(
            s,
            "  out: base {:?} fill {} views {}",
            o.shape,
            preview_values(std::slice::from_ref(&o.fill)),
            describe_views(&o.views)
        );
    }
    match &case.expect {
        Expect::Error(e) => {
            let _ = writeln!(s, "  numpy: error {e:?}");
        }
        Expect::Array { shape, data, .. } => {
            let _ = writeln!(s, "  numpy: shape {shape:?} data {}", preview_values(data));
        }
    }
    let _ = writeln!(s, "  FAIL: {why}");
    s
}

#[derive(Default)]
struct Counts {
    ok: usize,
    errors: usize,
    failed: usize,
}

fn replay(op: &str) {
    install_panic_hook();
    let cases = load(op);
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let c = counts.entry(case.dtype.clone()).or_default();
        match case.expect {
            Expect::Error(_) => c.errors += 1,
            Expect::Array { .. } => c.ok += 1,
        }
        if let Err(why) = run_guarded(case) {
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
            "   {op:<12} {dtype:<11} {:4} cases  {:4} ok  {:4} errors  {:4} failed",
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

#[test]
fn fixtures_dot() {
    replay("dot");
}

#[test]
fn fixtures_inner() {
    replay("inner");
}

#[test]
fn fixtures_matmul() {
    replay("matmul");
}

#[test]
fn fixtures_dot_into() {
    replay("dot_into");
}

#[test]
fn fixtures_matmul_into() {
    replay("matmul_into");
}

/// The fixture set itself meets the coverage the issue asks for.
#[test]
fn fixtures_coverage() {
    const DTYPES: [&str; 15] = [
        "float32",
        "float64",
        "complex64",
        "complex128",
        "int8",
        "int16",
        "int32",
        "int64",
        "intp",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintp",
        "bool",
    ];
    let mut total = 0;
    let mut errors = 0;
    let mut table = String::from("== fixture cases per op and dtype (value / error)\n");
    let mut ndims = std::collections::BTreeSet::new();
    let mut apis = BTreeMap::new();
    for op in ["dot", "inner", "matmul", "dot_into", "matmul_into"] {
        let cases = load(op);
        let _ = write!(table, "   {op:<12}");
        for dtype in DTYPES {
            let of: Vec<&Case> = cases.iter().filter(|c| c.dtype == dtype).collect();
            let e = of
                .iter()
                .filter(|c| matches!(c.expect, Expect::Error(_)))
                .count();
            assert!(!of.is_empty(), "{op}: no {dtype} cases");
            let _ = write!(table, " {dtype}:{}/{e}", of.len() - e);
        }
        table.push('\n');
        for c in &cases {
            for o in [&c.a, &c.b] {
                let mut nd = o.shape.len();
                for v in &o.views {
                    match v {
                        ViewOp::InsertAxis(_) => nd += 1,
                        ViewOp::Broadcast(s) => nd = s.len(),
                        _ => {}
                    }
                }
                ndims.insert(nd);
            }
        }
        for c in &cases {
            *apis.entry(c.api.clone()).or_insert(0usize) += 1;
        }
        total += cases.len();
        errors += cases
            .iter()
            .filter(|c| matches!(c.expect, Expect::Error(_)))
            .count();
    }
    let _ = writeln!(
        table,
        "   total {total} cases, {errors} errors, operand ndims {ndims:?}, entry points {apis:?}"
    );
    println!("{table}");
    assert!(total >= 2000, "only {total} fixture cases");
    assert!(errors >= 400, "only {errors} error cases");
    assert!(
        (0..=5).all(|n| ndims.contains(&n)),
        "operand ndims {ndims:?}"
    );
}
