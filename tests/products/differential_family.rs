//! Differential test of the product family: random cases evaluated by a live NumPy 2.4 (`vdot`,
//! `outer`, `tensordot`, `kron`, `vecdot`, `matvec`, `vecmat`, and `np.linalg`'s `outer`,
//! `tensordot`, `vecdot` with `axis`), replayed through npdot's public API.
//!
//! `scripts/differential_family.py` generates the cases from a seed and asks NumPy for each
//! answer (the result, or the exact `ValueError`/`AxisError` text; Python's `IndexError` for a
//! `tensordot` axis past an operand's dimensions, where npdot returns
//! `Error::TensordotAxisOutOfRange` with its own text); this test compares like
//! `tests/differential.rs`: integers and `bool` exactly, floats and complex within
//! `4·eps·(k+2)·(|A||B|)` per component (NaN and ±inf positions identical), error text byte for
//! byte, result shape and dtype identical.
//!
//! Knobs (environment), as for `tests/differential.rs`:
//!
//! * `NPDOT_PYTHON` — the Python with `numpy==2.4.*` (default `python3`). Without one, the test
//!   is skipped with a loud message, or fails when `CI` or `NPDOT_REQUIRE_NUMPY=1` is set.
//! * `NPDOT_DIFF_CASES` — number of cases (default 20000).
//! * `NPDOT_DIFF_SEED` — the seed (default: random; always printed).
//! * `NPDOT_DIFF_CASE` — replay only this case index of the seed, printing it in full.
//! * `NPDOT_DIFF_REPORT` — how many failing cases to print in full (default 25).
//! * `NPDOT_DIFF_ZERO_SIGN=1` — also require zeros' signs to match NumPy's.
//!
//! Big local runs: `NPDOT_DIFF_CASES=200000 cargo test --release --test products differential_family::`.
//! Every failure prints the command that replays exactly that case, e.g.
//! `NPDOT_DIFF_SEED=7 NPDOT_DIFF_CASE=1234 cargo test --release --test products differential_family:: -- --nocapture`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::io::{BufRead, BufReader, Read, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use ndarray::{ArrayD, ArrayViewD, Axis, Ix1, Ix2, IxDyn, Slice};
use npdot::Axes;
use npdot::dims::ResultDim;
use npdot::prelude::*;
use num_complex::Complex;
use serde_json::Value;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scripts/differential_family.py"
);

// ---------------------------------------------------------------------------------------------
// Elements: decoding NumPy's bytes and comparing

/// How a result element failed to match NumPy's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Miss {
    /// Outside the tolerance (or not equal, for exact types).
    Value,
    /// NaN on one side only.
    Nan,
    /// ±inf on one side only, or of the other sign.
    Inf,
    /// Both zero, signs differ.
    ZeroSign,
}

trait Diff: Element {
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
fn zero_sign_matters() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("NPDOT_DIFF_ZERO_SIGN").is_ok_and(|v| v == "1"))
}

/// One real component: NaN and ±inf must match exactly (a zero's sign, if asked); finite values within
/// `4·eps·(k+2)·bound`, plus an absolute `4·(k+2)` units of the smallest subnormal's rounding
/// error (products that underflow lose relative precision).
fn check_real(got: f64, want: f64, bound: f64, k: usize, eps: f64, tiny: f64) -> Result<(), Miss> {
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

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    fn nibble(c: u8) -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(format!("bad hex digit {:?}", c as char)),
        }
    }
    let s = s.as_bytes();
    if s.len() % 2 != 0 {
        return Err("odd hex length".into());
    }
    s.chunks_exact(2)
        .map(|p| Ok(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

fn decode<T: Diff>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(T::SIZE).map(T::from_le).collect()
}

// ---------------------------------------------------------------------------------------------
// Cases

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
    data: Vec<u8>,
    views: Vec<ViewOp>,
}

/// NumPy's result (or, for `out=`, the whole `out` buffer after the call).
#[derive(Debug)]
struct Want {
    shape: Vec<usize>,
    dtype: String,
    data: Vec<u8>,
    /// |A||B| per element, floats and complex only.
    bound: Option<Vec<f64>>,
}

#[derive(Debug)]
enum Expect {
    Error(String),
    IndexError(String),
    Array(Want),
}

#[derive(Debug)]
struct Case {
    index: u64,
    op: String,
    dtype: String,
    api: String,
    k: usize,
    tags: Vec<String>,
    a: Operand,
    b: Operand,
    /// `tensordot`'s axes and the Rust form to pass them in.
    axes: Option<(Axes, String)>,
    /// `linalg_vecdot`'s axis.
    axis: Option<isize>,
    expect: Expect,
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name).ok_or_else(|| format!("missing field {name:?}"))
}

fn str_field<'a>(v: &'a Value, name: &str) -> Result<&'a str, String> {
    field(v, name)?
        .as_str()
        .ok_or_else(|| format!("{name} must be a string"))
}

fn int(v: &Value) -> Result<i64, String> {
    v.as_i64()
        .ok_or_else(|| format!("expected an integer, got {v}"))
}

fn usizes(v: &Value) -> Result<Vec<usize>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))?
        .iter()
        .map(|x| usize::try_from(int(x)?).map_err(|e| e.to_string()))
        .collect()
}

fn parse_views(v: &Value) -> Result<Vec<ViewOp>, String> {
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

fn parse_operand(v: &Value, data_field: &str) -> Result<Operand, String> {
    Ok(Operand {
        shape: usizes(field(v, "shape")?)?,
        data: unhex(str_field(v, data_field)?)?,
        views: parse_views(field(v, "views")?)?,
    })
}

fn parse_case(v: &Value) -> Result<Case, String> {
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
    Ok(Case {
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
        axes: parse_axes(v)?,
        axis: match v.get("axis") {
            None => None,
            Some(x) => Some(int(x)? as isize),
        },
        expect,
    })
}

fn parse_axes(v: &Value) -> Result<Option<(Axes, String)>, String> {
    let Some(x) = v.get("axes") else {
        return Ok(None);
    };
    if let Some(n) = x.get("count") {
        return Ok(Some((Axes::Count(int(n)? as usize), "count".into())));
    }
    let p = field(x, "pairs")?
        .as_array()
        .ok_or("pairs must be a list")?;
    let ints = |l: &Value| -> Result<Vec<isize>, String> {
        l.as_array()
            .ok_or("axes must be a list")?
            .iter()
            .map(|y| int(y).map(|y| y as isize))
            .collect()
    };
    Ok(Some((
        Axes::Pairs(ints(&p[0])?, ints(&p[1])?),
        str_field(x, "form")?.to_owned(),
    )))
}

// ---------------------------------------------------------------------------------------------
// Building the views NumPy saw

fn slice_of(spec: &[(isize, isize, isize)], ax: ndarray::AxisDescription) -> Slice {
    let (start, end, step) = spec[ax.axis.index()];
    Slice::new(start, Some(end), step)
}

/// Applies `ops` to `v` and hands the result to `f` (recursive: `broadcast` borrows its input).
fn with_view<T, R>(
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

fn base<T: Diff>(op: &Operand) -> Result<ArrayD<T>, String> {
    ArrayD::from_shape_vec(IxDyn(&op.shape), decode(&op.data)).map_err(|e| e.to_string())
}

fn layout(v: &ArrayViewD<'_, impl Sized>) -> String {
    format!("shape {:?} strides {:?}", v.shape(), v.strides())
}

// ---------------------------------------------------------------------------------------------
// Calling npdot through the API variant the case names

/// What an op returns: an array (vdot: its scalar as a 0-D array).
type R<T> = Result<ArrayD<T>, npdot::Error>;

/// Calls `f` with the case's `axes` in the Rust form the case names: `usize`, `(isize, isize)`,
/// `(Vec<isize>, Vec<isize>)` or `([isize; N], [isize; M])`.
fn with_axes<T>(case: &Case, f: impl Fn(Axes) -> R<T>) -> R<T> {
    let (axes, form) = case.axes.clone().expect("tensordot case has axes");
    match (axes, form.as_str()) {
        (Axes::Count(n), _) => f(n.into()),
        (Axes::Pairs(xa, xb), "pair") => f((xa[0], xb[0]).into()),
        (Axes::Pairs(xa, xb), "array") => match (xa.as_slice(), xb.as_slice()) {
            (&[], &[]) => f(([0isize; 0], [0isize; 0]).into()),
            (&[x], &[y]) => f(([x], [y]).into()),
            (&[x, w], &[y, z]) => f(([x, w], [y, z]).into()),
            (&[x, w, v], &[y, z, u]) => f(([x, w, v], [y, z, u]).into()),
            _ => f((xa, xb).into()),
        },
        (Axes::Pairs(xa, xb), _) => f((xa, xb).into()),
    }
}

macro_rules! free_call {
    ($case:expr, $a:expr, $b:expr) => {{
        let (case, a, b) = ($case, $a, $b);
        match case.op.as_str() {
            "vdot" => npdot::vdot(&a, &b).map(|s| ArrayD::from_elem(IxDyn(&[]), s)),
            "outer" => npdot::outer(&a, &b).map(|o| o.into_dyn()),
            "tensordot" => with_axes(case, |x| npdot::tensordot(&a, &b, x)),
            "kron" => npdot::kron(&a.view().into_dyn(), &b.view().into_dyn()),
            "vecdot" => npdot::vecdot(&a.view().into_dyn(), &b.view().into_dyn()),
            "matvec" => npdot::matvec(&a.view().into_dyn(), &b.view().into_dyn()),
            "vecmat" => npdot::vecmat(&a.view().into_dyn(), &b.view().into_dyn()),
            "linalg_outer" => npdot::linalg::outer(&a, &b).map(|o| o.into_dyn()),
            "linalg_tensordot" => with_axes(case, |x| npdot::linalg::tensordot(&a, &b, x)),
            "linalg_vecdot" => {
                npdot::linalg::vecdot(&a, &b, case.axis.expect("linalg_vecdot axis"))
            }
            other => panic!("unknown op {other}"),
        }
    }};
}

macro_rules! method_call {
    ($case:expr, $a:expr, $b:expr) => {{
        let (case, a, b) = ($case, $a, $b);
        match case.op.as_str() {
            "vdot" => a.vdot(&b).map(|s| ArrayD::from_elem(IxDyn(&[]), s)),
            "outer" => a.outer(&b).map(|o| o.into_dyn()),
            "tensordot" => with_axes(case, |x| a.tensordot(&b, x)),
            "kron" => a.kron(&b),
            "vecdot" => a.vecdot(&b),
            "matvec" => a.matvec(&b),
            "vecmat" => a.vecmat(&b),
            other => panic!("no method for {other}"),
        }
    }};
}

/// A call of `$f` with static operand types: the result's static type (from the
/// `npdot::dims` table `$tab`) converted back with `ResultDim::into_dyn` (`typed`), or the
/// `IxDyn` path for a pair the table leaves out because NumPy always rejects it (`dyn`: with
/// static operands such a call does not compile).
macro_rules! static_op {
    (typed, $f:ident, $tab:ident, $da:ty, $db:ty, $a:expr, $b:expr) => {
        npdot::$f(&$a, &$b).map(<<$da as npdot::dims::$tab<$db>>::Dim as ResultDim>::into_dyn)
    };
    (dyn, $f:ident, $tab:ident, $da:ty, $db:ty, $a:expr, $b:expr) => {
        npdot::$f(&$a.view().into_dyn(), &$b.view().into_dyn())
    };
}

macro_rules! fixed_call {
    ($case:expr, $a:expr, $b:expr, $da:ty, $db:ty, matvec: $mv:tt, vecmat: $vm:tt) => {{
        let case = $case;
        let a = $a.into_dimensionality::<$da>().expect("fixed a");
        let b = $b.into_dimensionality::<$db>().expect("fixed b");
        match case.op.as_str() {
            "kron" => static_op!(typed, kron, KronDim, $da, $db, a, b),
            "vecdot" => static_op!(typed, vecdot, VecdotDim, $da, $db, a, b),
            "matvec" => static_op!($mv, matvec, MatvecDim, $da, $db, a, b),
            "vecmat" => static_op!($vm, vecmat, VecmatDim, $da, $db, a, b),
            _ => free_call!(case, a, b),
        }
    }};
}

fn product<T: Diff>(case: &Case, a: ArrayViewD<'_, T>, b: ArrayViewD<'_, T>) -> R<T> {
    match case.api.as_str() {
        "method" => method_call!(case, a, b),
        "owned" => method_call!(case, a.to_owned(), b.to_owned()),
        "fixed" => match (a.ndim(), b.ndim()) {
            (1, 1) => fixed_call!(case, a, b, Ix1, Ix1, matvec: dyn, vecmat: dyn),
            (1, 2) => fixed_call!(case, a, b, Ix1, Ix2, matvec: dyn, vecmat: typed),
            (2, 1) => fixed_call!(case, a, b, Ix2, Ix1, matvec: typed, vecmat: dyn),
            (2, 2) => fixed_call!(case, a, b, Ix2, Ix2, matvec: typed, vecmat: typed),
            _ => free_call!(case, a, b),
        },
        _ => free_call!(case, a, b),
    }
}

// ---------------------------------------------------------------------------------------------
// Running and checking one case

/// Why a case failed: a short class (for grouping) and the details.
struct Failure {
    class: String,
    detail: String,
}

fn fail(class: impl Into<String>, detail: impl Into<String>) -> Failure {
    Failure {
        class: class.into(),
        detail: detail.into(),
    }
}

fn preview<T: Debug>(xs: impl IntoIterator<Item = T>) -> String {
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
fn compare<T: Diff>(
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
struct Outcome {
    text: String,
}

fn run_case<T: Diff>(case: &Case) -> Result<Outcome, Failure> {
    let bad = |e: String| fail("harness", e);
    let a0 = base::<T>(&case.a).map_err(bad)?;
    let b0 = base::<T>(&case.b).map_err(bad)?;
    let mut shapes = String::new();
    let result = with_view(a0.view(), &case.a.views, &mut |a| {
        with_view(b0.view(), &case.b.views, &mut |b| {
            let _ = write!(shapes, "a: {}\n  b: {}", layout(&a), layout(&b));
            run_on_views(case, a.view(), b)
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

fn run_on_views<T: Diff>(
    case: &Case,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<Result<Outcome, Failure>, String> {
    Ok(check_plain(case, product(case, a, b)))
}

fn check_error(case: &Case, got: &npdot::Error) -> Result<Outcome, Failure> {
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

fn expected_array(case: &Case) -> Result<&Want, Failure> {
    match &case.expect {
        Expect::Array(want) => Ok(want),
        Expect::Error(want) | Expect::IndexError(want) => Err(fail(
            "missing error",
            format!("NumPy raises {want:?}; npdot returned Ok"),
        )),
    }
}

fn check_plain<T: Diff>(
    case: &Case,
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

// ---------------------------------------------------------------------------------------------
// Panics inside npdot become failures (captured quietly, with their location)

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fn install_panic_capture() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if CAPTURING.with(Cell::get) {
            LAST_PANIC.with(|p| *p.borrow_mut() = info.to_string());
        } else {
            default(info);
        }
    }));
}

fn run_guarded(case: &Case) -> Result<Outcome, Failure> {
    CAPTURING.with(|c| c.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(|| match case.dtype.as_str() {
        "float32" => run_case::<f32>(case),
        "float64" => run_case::<f64>(case),
        "complex64" => run_case::<Complex<f32>>(case),
        "complex128" => run_case::<Complex<f64>>(case),
        "int8" => run_case::<i8>(case),
        "int16" => run_case::<i16>(case),
        "int32" => run_case::<i32>(case),
        "int64" => run_case::<i64>(case),
        "intp" => run_case::<isize>(case),
        "uint8" => run_case::<u8>(case),
        "uint16" => run_case::<u16>(case),
        "uint32" => run_case::<u32>(case),
        "uint64" => run_case::<u64>(case),
        "uintp" => run_case::<usize>(case),
        "bool" => run_case::<bool>(case),
        other => Err(fail("harness", format!("unknown dtype {other}"))),
    }));
    CAPTURING.with(|c| c.set(false));
    r.unwrap_or_else(|_| Err(fail("panic", LAST_PANIC.with(|p| p.borrow().clone()))))
}

// ---------------------------------------------------------------------------------------------
// The driver

fn env_u64(name: &str) -> Option<u64> {
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

fn numpy_required() -> bool {
    let set = |n: &str| {
        std::env::var(n)
            .map(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
            .unwrap_or(false)
    };
    set("CI") || set("NPDOT_REQUIRE_NUMPY")
}

fn random_seed() -> u64 {
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

fn no_numpy(why: &str) {
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
        "\n{bar}\n!!! differential_family_against_numpy SKIPPED: {msg}\n\
         !!! (set NPDOT_PYTHON to a Python with numpy==2.4.*, e.g. the .venv made by .ci/test)\n{bar}\n"
    );
}

#[test]
fn differential_family_against_numpy() {
    let python = std::env::var("NPDOT_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let seed = env_u64("NPDOT_DIFF_SEED").unwrap_or_else(random_seed);
    let single = env_u64("NPDOT_DIFF_CASE");
    let cases = env_u64("NPDOT_DIFF_CASES").unwrap_or(20_000);
    let report = env_u64("NPDOT_DIFF_REPORT").unwrap_or(25) as usize;

    let custom: Option<String> = None;
    let single = single.or(custom.as_ref().map(|_| 0));

    let mut cmd = Command::new(&python);
    cmd.arg(SCRIPT).arg("--seed").arg(seed.to_string());
    match (&custom, single) {
        (Some(text), _) => cmd.arg("--custom").arg(text),
        (None, Some(i)) => cmd.arg("--case").arg(i.to_string()),
        (None, None) => cmd.arg("--cases").arg(cases.to_string()),
    };
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return no_numpy(&format!("cannot run {python}: {e}")),
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
        return no_numpy(&format!(
            "{python} {SCRIPT} produced no cases ({status:?}):\n{err}"
        ));
    };
    let header: Value = serde_json::from_str(&header).expect("header line");
    let numpy = header["numpy"].as_str().unwrap_or("?").to_owned();
    let select = |i: u64| match &custom {
        Some(text) => format!("NPDOT_DIFF_CUSTOM='{text}'"),
        None => format!("NPDOT_DIFF_SEED={seed} NPDOT_DIFF_CASE={i}"),
    };
    let replay = |i: u64| {
        format!(
            "{} cargo test --release --test products differential_family:: -- --nocapture",
            select(i)
        )
    };
    let show = |i: u64| match &custom {
        Some(text) => format!("custom case: {text}"),
        None => format!("{python} scripts/differential_family.py --seed {seed} --case {i} --show"),
    };
    println!(
        "differential: seed {seed}, {} case(s), numpy {numpy} ({python})\n\
         rerun this run: NPDOT_DIFF_SEED={seed} NPDOT_DIFF_CASES={cases} cargo test --release --test products differential_family::",
        single.map_or(cases, |_| 1)
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
        let case = parse_case(&v).unwrap_or_else(|e| panic!("bad case line ({e}): {line:.300}"));
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
        "\ndifferential: {ran} case(s) in {:.1}s (seed {seed}); {ok_errors} matched NumPy's error text",
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
