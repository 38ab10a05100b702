//! The live differential harness shared by the differential tests: decoding NumPy's bytes,
//! building the views NumPy saw, comparing results (integers and `bool` exactly, floats and
//! complex within `4·eps·(k+2)·(|A||B|)` per component, NaN and ±inf positions identical),
//! capturing panics, and the driver that streams cases from a generator script running a live
//! NumPy and reports every failure with its replay command.
//!
//! Each test file defines its `Case` (a [`Head`] plus its own fields, reached through `Deref`),
//! how to parse it, and how to call npdot on the two operand views: the [`DiffCase`] trait.

#![allow(dead_code)] // each test binary uses its own part of the harness

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::io::{BufRead, BufReader, Read, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use npdot::prelude::*;
use num_complex::Complex;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Elements: decoding NumPy's bytes and comparing

/// How a result element failed to match NumPy's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Miss {
    /// Outside the tolerance (or not equal, for exact types).
    Value,
    /// NaN on one side only.
    Nan,
    /// ±inf on one side only, or of the other sign.
    Inf,
    /// Both zero, signs differ.
    ZeroSign,
}

pub trait Diff: Element {
    /// Bytes per element in NumPy's buffer.
    const SIZE: usize;
    fn from_le(bytes: &[u8]) -> Self;
    /// Compares `got` with NumPy's `want`; `bound` is |A||B| for this element (floats only).
    fn check(got: Self, want: Self, bound: f64, k: usize) -> Result<(), Miss>;
}

macro_rules! int_diff {
    ($($t:ty),*) => {$(
        impl Diff for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn from_le(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().expect("element size"))
            }
            fn check(got: Self, want: Self, _: f64, _: usize) -> Result<(), Miss> {
                if got == want { Ok(()) } else { Err(Miss::Value) }
            }
        }
    )*};
}
int_diff!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Diff for bool {
    const SIZE: usize = 1;
    fn from_le(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
    fn check(got: Self, want: Self, _: f64, _: usize) -> Result<(), Miss> {
        if got == want {
            Ok(())
        } else {
            Err(Miss::Value)
        }
    }
}

/// Whether `NPDOT_DIFF_ZERO_SIGN=1` asks for zeros' signs to match. Off by default: NumPy's own
/// sign depends on its code path (`np.dot([[-0.0]], [[1.0]])` is -0.0, `np.matmul` gives 0.0).
pub fn zero_sign_matters() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("NPDOT_DIFF_ZERO_SIGN").is_ok_and(|v| v == "1"))
}

/// One real component: NaN and ±inf must match exactly (a zero's sign, if asked); finite values within
/// `4·eps·(k+2)·bound`, plus an absolute `4·(k+2)` units of the smallest subnormal's rounding
/// error (products that underflow lose relative precision).
pub fn check_real(
    got: f64,
    want: f64,
    bound: f64,
    k: usize,
    eps: f64,
    tiny: f64,
) -> Result<(), Miss> {
    if want.is_nan() || got.is_nan() {
        return if want.is_nan() && got.is_nan() {
            Ok(())
        } else {
            Err(Miss::Nan)
        };
    }
    if want.is_infinite() || got.is_infinite() {
        return if want == got { Ok(()) } else { Err(Miss::Inf) };
    }
    if want == 0.0 && got == 0.0 {
        return if want.is_sign_negative() == got.is_sign_negative() || !zero_sign_matters() {
            Ok(())
        } else {
            Err(Miss::ZeroSign)
        };
    }
    let slack = 4.0 * (k as f64 + 2.0);
    if (got - want).abs() <= slack * (eps * bound + tiny) {
        Ok(())
    } else {
        Err(Miss::Value)
    }
}

macro_rules! float_diff {
    ($($t:ty),*) => {$(
        impl Diff for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn from_le(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().expect("element size"))
            }
            fn check(got: Self, want: Self, bound: f64, k: usize) -> Result<(), Miss> {
                let tiny = f64::from(<$t>::MIN_POSITIVE * <$t>::EPSILON);
                check_real(got.into(), want.into(), bound, k, <$t>::EPSILON.into(), tiny)
            }
        }
        impl Diff for Complex<$t> {
            const SIZE: usize = 2 * std::mem::size_of::<$t>();
            fn from_le(bytes: &[u8]) -> Self {
                let n = std::mem::size_of::<$t>();
                Complex::new(<$t>::from_le(&bytes[..n]), <$t>::from_le(&bytes[n..]))
            }
            fn check(got: Self, want: Self, bound: f64, k: usize) -> Result<(), Miss> {
                <$t>::check(got.re, want.re, bound, k)?;
                <$t>::check(got.im, want.im, bound, k)
            }
        }
    )*};
}
float_diff!(f32, f64);

pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    fn nibble(c: u8) -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(format!("bad hex digit {:?}", c as char)),
        }
    }
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return Err("odd hex length".into());
    }
    s.chunks_exact(2)
        .map(|p| Ok(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

pub fn decode<T: Diff>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(T::SIZE).map(T::from_le).collect()
}

// ---------------------------------------------------------------------------------------------
// Cases

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
    pub data: Vec<u8>,
    pub views: Vec<ViewOp>,
}

/// NumPy's result (or, for `out=`, the whole `out` buffer after the call).
#[derive(Debug)]
pub struct Want {
    pub shape: Vec<usize>,
    pub dtype: String,
    pub data: Vec<u8>,
    /// |A||B| per element, floats and complex only.
    pub bound: Option<Vec<f64>>,
}

#[derive(Debug)]
pub enum Expect {
    /// NumPy's `ValueError` (or `AxisError`) text.
    Error(String),
    /// NumPy raises `IndexError` with this text (the case says where npdot has its own error).
    IndexError(String),
    Array(Want),
}

/// What every case has: its index, operation, dtype, API variant, contracted length, tags, the
/// two operands and NumPy's answer.
#[derive(Debug)]
pub struct Head {
    pub index: u64,
    pub op: String,
    pub dtype: String,
    pub api: String,
    pub k: usize,
    pub tags: Vec<String>,
    pub a: Operand,
    pub b: Operand,
    pub expect: Expect,
}

/// Parses the fields of [`Head`] from a case line (`expect` holds `error`, `index_error`, or
/// the result's `shape`, `dtype`, `data` and, for floats, `bound`).
pub fn parse_head(v: &Value) -> Result<Head, String> {
    let e = field(v, "expect")?;
    let expect = match (e.get("error"), e.get("index_error")) {
        (Some(msg), _) => Expect::Error(msg.as_str().ok_or("error must be a string")?.to_owned()),
        (_, Some(msg)) => {
            Expect::IndexError(msg.as_str().ok_or("error must be a string")?.to_owned())
        }
        _ => Expect::Array(Want {
            shape: usizes(field(e, "shape")?)?,
            dtype: str_field(e, "dtype")?.to_owned(),
            data: unhex(str_field(e, "data")?)?,
            bound: match e.get("bound") {
                None => None,
                Some(b) => Some(decode::<f64>(&unhex(
                    b.as_str().ok_or("bound must be a string")?,
                )?)),
            },
        }),
    };
    Ok(Head {
        index: int(field(v, "i")?)? as u64,
        op: str_field(v, "op")?.to_owned(),
        dtype: str_field(v, "dtype")?.to_owned(),
        api: str_field(v, "api")?.to_owned(),
        k: int(field(v, "k")?)? as usize,
        tags: field(v, "tags")?
            .as_array()
            .ok_or("tags must be a list")?
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        a: parse_operand(field(v, "a")?, "data")?,
        b: parse_operand(field(v, "b")?, "data")?,
        expect,
    })
}

/// A test file's case: its [`Head`] (through `Deref`) and how npdot computes it.
pub trait DiffCase: std::ops::Deref<Target = Head> + Sized {
    /// Parses one case line.
    fn parse(v: &Value) -> Result<Self, String>;
    /// Calls npdot on the operands as NumPy saw them and checks the outcome; `Err` is a
    /// harness problem (a view the case cannot build).
    fn run_on_views<T: Diff>(
        &self,
        a: ArrayViewD<'_, T>,
        b: ArrayViewD<'_, T>,
    ) -> Result<Result<Outcome, Failure>, String>;
}

// ---------------------------------------------------------------------------------------------
// Parsing case lines

pub fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name).ok_or_else(|| format!("missing field {name:?}"))
}

pub fn str_field<'a>(v: &'a Value, name: &str) -> Result<&'a str, String> {
    field(v, name)?
        .as_str()
        .ok_or_else(|| format!("{name} must be a string"))
}

pub fn int(v: &Value) -> Result<i64, String> {
    v.as_i64()
        .ok_or_else(|| format!("expected an integer, got {v}"))
}

pub fn usizes(v: &Value) -> Result<Vec<usize>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))?
        .iter()
        .map(|x| usize::try_from(int(x)?).map_err(|e| e.to_string()))
        .collect()
}

pub fn parse_views(v: &Value) -> Result<Vec<ViewOp>, String> {
    let list = v.as_array().ok_or("views must be a list")?;
    list.iter()
        .map(|op| {
            let (name, arg) = op
                .as_object()
                .and_then(|o| o.iter().next())
                .ok_or("bad view op")?;
            Ok(match name.as_str() {
                "slice" => ViewOp::Slice(
                    arg.as_array()
                        .ok_or("slice spec must be a list")?
                        .iter()
                        .map(|s| match s.as_array().map(Vec::as_slice) {
                            Some([a, b, c]) => {
                                Ok((int(a)? as isize, int(b)? as isize, int(c)? as isize))
                            }
                            _ => Err(format!("bad slice {s}")),
                        })
                        .collect::<Result<_, String>>()?,
                ),
                "permute" => ViewOp::Permute(usizes(arg)?),
                "insert_axis" => ViewOp::InsertAxis(int(arg)? as usize),
                "broadcast" => ViewOp::Broadcast(usizes(arg)?),
                other => return Err(format!("unknown view op {other}")),
            })
        })
        .collect()
}

pub fn parse_operand(v: &Value, data_field: &str) -> Result<Operand, String> {
    Ok(Operand {
        shape: usizes(field(v, "shape")?)?,
        data: unhex(str_field(v, data_field)?)?,
        views: parse_views(field(v, "views")?)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Building the views NumPy saw

pub fn slice_of(spec: &[(isize, isize, isize)], ax: ndarray::AxisDescription) -> Slice {
    let (start, end, step) = spec[ax.axis.index()];
    Slice::new(start, Some(end), step)
}

/// Applies `ops` to `v` and hands the result to `f` (recursive: `broadcast` borrows its input).
pub fn with_view<T, R>(
    v: ArrayViewD<'_, T>,
    ops: &[ViewOp],
    f: &mut dyn FnMut(ArrayViewD<'_, T>) -> R,
) -> Result<R, String> {
    let Some((op, rest)) = ops.split_first() else {
        return Ok(f(v));
    };
    match op {
        ViewOp::Slice(spec) if spec.len() == v.ndim() => {
            let mut v = v;
            v.slice_each_axis_inplace(|ax| slice_of(spec, ax));
            with_view(v, rest, f)
        }
        ViewOp::Permute(axes) => with_view(v.permuted_axes(IxDyn(axes)), rest, f),
        ViewOp::InsertAxis(i) => with_view(v.insert_axis(Axis(*i)), rest, f),
        ViewOp::Broadcast(shape) => match v.broadcast(IxDyn(shape)) {
            Some(b) => with_view(b, rest, f),
            None => Err(format!("cannot broadcast {:?} to {shape:?}", v.shape())),
        },
        other => Err(format!("bad view op {other:?} for shape {:?}", v.shape())),
    }
}

pub fn base<T: Diff>(op: &Operand) -> Result<ArrayD<T>, String> {
    ArrayD::from_shape_vec(IxDyn(&op.shape), decode(&op.data)).map_err(|e| e.to_string())
}

pub fn layout(v: &ArrayViewD<'_, impl Sized>) -> String {
    format!("shape {:?} strides {:?}", v.shape(), v.strides())
}

// ---------------------------------------------------------------------------------------------
// Running and checking one case

/// Why a case failed: a short class (for grouping) and the details.
pub struct Failure {
    pub class: String,
    pub detail: String,
}

pub fn fail(class: impl Into<String>, detail: impl Into<String>) -> Failure {
    Failure {
        class: class.into(),
        detail: detail.into(),
    }
}

pub fn preview<T: Debug>(xs: impl IntoIterator<Item = T>) -> String {
    let mut s = String::from("[");
    for (i, x) in xs.into_iter().enumerate() {
        if i == 24 {
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

/// Compares npdot's values with NumPy's, element by element in logical (C) order.
pub fn compare<T: Diff>(
    got: &[T],
    want: &[T],
    bound: Option<&[f64]>,
    k: usize,
    what: &str,
) -> Result<(), Failure> {
    if got.len() != want.len() {
        return Err(fail(
            "internal",
            format!("{what}: {} values, NumPy gave {}", got.len(), want.len()),
        ));
    }
    let mut worst: Option<Miss> = None;
    let mut bad = Vec::new();
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let b = bound.map_or(0.0, |b| b[i]);
        if let Err(m) = T::check(g, w, b, k) {
            worst = Some(worst.map_or(m, |x| x.min(m)));
            if bad.len() < 8 {
                bad.push(format!("[{i}] got {g:?} want {w:?} (|A||B| {b:e})"));
            }
        }
    }
    match worst {
        None => Ok(()),
        Some(m) => Err(fail(
            format!("{m:?}"),
            format!(
                "{what}: {}\n    want {}\n    got  {}",
                bad.join("; "),
                preview(want),
                preview(got)
            ),
        )),
    }
}

/// What npdot produced, for the replay printout.
pub struct Outcome {
    pub text: String,
}

/// Checks npdot's error against NumPy's: the same text for a `ValueError`; for NumPy's
/// `IndexError` (a tensordot axis past an operand's dimensions), npdot's own variant.
pub fn check_error(case: &Head, got: &npdot::Error) -> Result<Outcome, Failure> {
    let text = got.to_string();
    match &case.expect {
        Expect::Error(want) if *want == text => Ok(Outcome {
            text: format!("  error (as NumPy): {text}"),
        }),
        Expect::Error(want) => Err(fail(
            "error text",
            format!("error text differs\n    want {want:?}\n    got  {text:?}\n    ({got:?})"),
        )),
        Expect::IndexError(_) if matches!(got, npdot::Error::TensordotAxisOutOfRange { .. }) => {
            Ok(Outcome {
                text: format!("  error (NumPy: IndexError): {text}"),
            })
        }
        Expect::IndexError(want) => Err(fail(
            "error kind",
            format!("NumPy raises IndexError {want:?}; npdot errs: {text:?} ({got:?})"),
        )),
        Expect::Array(Want { shape, .. }) => Err(fail(
            "unexpected error",
            format!("NumPy gives shape {shape:?}; npdot errs: {text:?} ({got:?})"),
        )),
    }
}

/// NumPy's result, or the failure of a case where NumPy raises and npdot returned `Ok`.
pub fn expected_array(case: &Head) -> Result<&Want, Failure> {
    match &case.expect {
        Expect::Array(want) => Ok(want),
        Expect::Error(want) | Expect::IndexError(want) => Err(fail(
            "missing error",
            format!("NumPy raises {want:?}; npdot returned Ok"),
        )),
    }
}

/// Checks an array result (or the error npdot returned) against NumPy's answer for `case`:
/// the error text, or the dtype, the shape and every value within the case's bound.
pub fn check_plain<T: Diff>(
    case: &Head,
    got: Result<ArrayD<T>, npdot::Error>,
) -> Result<Outcome, Failure> {
    let got = match got {
        Err(e) => return check_error(case, &e),
        Ok(r) => r,
    };
    let Want {
        shape,
        dtype,
        data,
        bound,
    } = expected_array(case)?;
    if dtype != T::DTYPE {
        return Err(fail(
            "dtype",
            format!("NumPy's result dtype is {dtype}, npdot's {}", T::DTYPE),
        ));
    }
    if got.shape() != shape.as_slice() {
        return Err(fail(
            "shape",
            format!(
                "want shape {shape:?}, got {:?} (values {})",
                got.shape(),
                preview(got.iter())
            ),
        ));
    }
    let values: Vec<T> = got.iter().copied().collect();
    compare(
        &values,
        &decode::<T>(data),
        bound.as_deref(),
        case.k,
        "values",
    )?;
    Ok(Outcome {
        text: format!(
            "  result: shape {:?} (as NumPy) values {}",
            got.shape(),
            preview(&values)
        ),
    })
}

pub fn run_case<C: DiffCase, T: Diff>(case: &C) -> Result<Outcome, Failure> {
    let bad = |e: String| fail("harness", e);
    let a0 = base::<T>(&case.a).map_err(bad)?;
    let b0 = base::<T>(&case.b).map_err(bad)?;
    let mut shapes = String::new();
    let result = with_view(a0.view(), &case.a.views, &mut |a| {
        with_view(b0.view(), &case.b.views, &mut |b| {
            let _ = write!(shapes, "a: {}\n  b: {}", layout(&a), layout(&b));
            case.run_on_views(a.view(), b)
        })
    })
    .and_then(|r| r)
    .and_then(|r| r)
    .map_err(bad)?;
    match result {
        Ok(mut o) => {
            o.text = format!("  {shapes}\n{}", o.text);
            Ok(o)
        }
        Err(mut f) => {
            f.detail = format!("{shapes}\n  {}", f.detail);
            Err(f)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Panics inside npdot become failures (captured quietly, with their location)

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

pub fn install_panic_capture() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if CAPTURING.with(Cell::get) {
            LAST_PANIC.with(|p| *p.borrow_mut() = info.to_string());
        } else {
            default(info);
        }
    }));
}

pub fn run_guarded<C: DiffCase>(case: &C) -> Result<Outcome, Failure> {
    CAPTURING.with(|c| c.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(|| match case.dtype.as_str() {
        "float32" => run_case::<C, f32>(case),
        "float64" => run_case::<C, f64>(case),
        "complex64" => run_case::<C, Complex<f32>>(case),
        "complex128" => run_case::<C, Complex<f64>>(case),
        "int8" => run_case::<C, i8>(case),
        "int16" => run_case::<C, i16>(case),
        "int32" => run_case::<C, i32>(case),
        "int64" => run_case::<C, i64>(case),
        "intp" => run_case::<C, isize>(case),
        "uint8" => run_case::<C, u8>(case),
        "uint16" => run_case::<C, u16>(case),
        "uint32" => run_case::<C, u32>(case),
        "uint64" => run_case::<C, u64>(case),
        "uintp" => run_case::<C, usize>(case),
        "bool" => run_case::<C, bool>(case),
        other => Err(fail("harness", format!("unknown dtype {other}"))),
    }));
    CAPTURING.with(|c| c.set(false));
    r.unwrap_or_else(|_| Err(fail("panic", LAST_PANIC.with(|p| p.borrow().clone()))))
}

// ---------------------------------------------------------------------------------------------
// The driver

pub fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    Some(
        v.replace('_', "")
            .parse()
            .unwrap_or_else(|e| panic!("{name}={v}: {e}")),
    )
}

pub fn numpy_required() -> bool {
    let set = |n: &str| {
        std::env::var(n)
            .map(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
            .unwrap_or(false)
    };
    set("CI") || set("NPDOT_REQUIRE_NUMPY")
}

pub fn random_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let x = (t as u64) ^ (u64::from(std::process::id()) << 32);
    // splitmix64, keep 32 bits so seeds are easy to type
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) & 0xFFFF_FFFF
}

/// One differential test: its generator script and how to name and replay it.
pub struct Driver {
    /// The test's name in messages.
    pub name: &'static str,
    /// The generator script, relative to the crate root (e.g. `scripts/differential.py`).
    pub script: &'static str,
    /// The `cargo test` arguments that select the test (e.g. `--test products differential::`).
    pub select: &'static str,
    /// Whether the script takes `--custom` (the `NPDOT_DIFF_CUSTOM` knob).
    pub custom: bool,
}

/// Skips loudly (or fails, in CI) when no NumPy 2.4 can be run.
pub fn no_numpy(name: &str, why: &str) {
    let msg = format!(
        "differential test needs Python with numpy==2.4.* ($NPDOT_PYTHON, else python3): {why}"
    );
    if numpy_required() {
        panic!("{msg}\n(CI or NPDOT_REQUIRE_NUMPY is set, so this is a failure)");
    }
    // Straight to the process's stderr: libtest captures `eprintln!` of passing tests.
    let bar = "!".repeat(100);
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n{bar}\n!!! {name} SKIPPED: {msg}\n\
         !!! (set NPDOT_PYTHON to a Python with numpy==2.4.*, e.g. the .venv made by .ci/test)\n{bar}\n"
    );
}

/// Streams `d`'s cases from its generator (a live NumPy), replays each through npdot, prints
/// every failure with its replay command and fails the test if any case differs.
pub fn drive<C: DiffCase>(d: &Driver) {
    let script = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), d.script);
    let python = std::env::var("NPDOT_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let seed = env_u64("NPDOT_DIFF_SEED").unwrap_or_else(random_seed);
    let single = env_u64("NPDOT_DIFF_CASE");
    let cases = env_u64("NPDOT_DIFF_CASES").unwrap_or(20_000);
    let report = env_u64("NPDOT_DIFF_REPORT").unwrap_or(25) as usize;

    let custom = std::env::var("NPDOT_DIFF_CUSTOM").ok().filter(|_| d.custom);
    let single = single.or(custom.as_ref().map(|_| 0));

    let mut cmd = Command::new(&python);
    cmd.arg(&script).arg("--seed").arg(seed.to_string());
    match (&custom, single) {
        (Some(text), _) => cmd.arg("--custom").arg(text),
        (None, Some(i)) => cmd.arg("--case").arg(i.to_string()),
        (None, None) => cmd.arg("--cases").arg(cases.to_string()),
    };
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return no_numpy(d.name, &format!("cannot run {python}: {e}")),
    };
    let mut stderr = child.stderr.take().expect("stderr");
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    // A reader thread keeps the pipe drained so Python generates while we replay.
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::sync_channel::<String>(4096);
    let reader = std::thread::spawn(move || {
        for line in BufReader::with_capacity(1 << 20, stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });

    let Ok(header) = rx.recv() else {
        let _ = reader.join();
        let status = child.wait();
        let err = err_thread.join().unwrap_or_default();
        return no_numpy(
            d.name,
            &format!("{python} {script} produced no cases ({status:?}):\n{err}"),
        );
    };
    let header: Value = serde_json::from_str(&header).expect("header line");
    let numpy = header["numpy"].as_str().unwrap_or("?").to_owned();
    let select = |i: u64| match &custom {
        Some(text) => format!("NPDOT_DIFF_CUSTOM='{text}'"),
        None => format!("NPDOT_DIFF_SEED={seed} NPDOT_DIFF_CASE={i}"),
    };
    let replay = |i: u64| {
        format!(
            "{} cargo test --release {} -- --nocapture",
            select(i),
            d.select
        )
    };
    let show = |i: u64| match &custom {
        Some(text) => format!("{python} {} --seed 0 --custom '{text}' --show", d.script),
        None => format!("{python} {} --seed {seed} --case {i} --show", d.script),
    };
    println!(
        "{}: seed {seed}, {} case(s), numpy {numpy} ({python})\n\
         rerun this run: NPDOT_DIFF_SEED={seed} NPDOT_DIFF_CASES={cases} cargo test --release {}",
        d.name,
        single.map_or(cases, |_| 1),
        d.select
    );

    install_panic_capture();
    let start = Instant::now();
    let mut ran = 0u64;
    let mut ok_errors = 0u64;
    let mut per_op: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_dtype: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_tag: BTreeMap<String, u64> = BTreeMap::new();
    let mut groups: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut printed = 0usize;
    for line in rx {
        let v: Value = serde_json::from_str(&line).expect("case line");
        let case = C::parse(&v).unwrap_or_else(|e| panic!("bad case line ({e}): {line:.300}"));
        ran += 1;
        *per_op.entry(case.op.clone()).or_default() += 1;
        *per_dtype.entry(case.dtype.clone()).or_default() += 1;
        for t in &case.tags {
            *per_tag.entry(t.clone()).or_default() += 1;
        }
        let header = format!(
            "case {} (seed {seed}): {} {} api={} k={} tags={:?}",
            case.index, case.op, case.dtype, case.api, case.k, case.tags
        );
        match run_guarded(&case) {
            Ok(outcome) => {
                if !matches!(case.expect, Expect::Array(_)) {
                    ok_errors += 1;
                }
                if single.is_some() {
                    println!("PASS {header}\n{}", outcome.text);
                }
            }
            Err(f) => {
                let key = format!("{} | {} | {}", f.class, case.op, case.dtype);
                groups.entry(key).or_default().push(case.index);
                if printed < report || single.is_some() {
                    printed += 1;
                    println!(
                        "\nFAIL [{}] {header}\n  {}\n  replay: {}\n  numpy:  {}",
                        f.class,
                        f.detail,
                        replay(case.index),
                        show(case.index)
                    );
                }
            }
        }
    }
    let elapsed = start.elapsed();
    let _ = reader.join();
    let status = child.wait().expect("wait for the driver");
    let err = err_thread.join().unwrap_or_default();
    let _ = panic::take_hook(); // back to the default hook for our own verdict

    let expected = single.map_or(cases, |_| 1);
    println!(
        "\n{}: {ran} case(s) in {:.1}s (seed {seed}); {ok_errors} matched NumPy's error text",
        d.name,
        elapsed.as_secs_f64()
    );
    println!("  ops: {per_op:?}\n  dtypes: {per_dtype:?}\n  tags: {per_tag:?}");
    assert!(
        status.success() && ran == expected,
        "the NumPy driver failed after {ran} of {expected} cases ({status}):\n{err}"
    );
    if !groups.is_empty() {
        let total: usize = groups.values().map(Vec::len).sum();
        let mut msg = format!("{total} of {ran} cases differ from NumPy (seed {seed}):\n");
        for (key, idx) in &groups {
            let _ = writeln!(
                msg,
                "  {key}: {} case(s), e.g. {}",
                idx.len(),
                replay(idx[0])
            );
        }
        panic!("{msg}");
    }
}
