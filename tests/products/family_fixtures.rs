//! Replays the NumPy 2.4 fixture cases of the product family in `tests/fixtures/family/*.json`
//! through npdot's public API: `vdot`, `outer`, `tensordot`, `kron`, `vecdot`, `matvec`, `vecmat`
//! and `np.linalg`'s `outer`, `tensordot`, `vecdot` (with `axis`).
//!
//! The cases are written by `scripts/gen_family_fixtures.py` (see its docstring for the format;
//! operands and values are encoded as in `scripts/gen_fixtures.py`). Every expected value and
//! error text comes from NumPy. Each test replays one file, reports all failing cases, prints
//! case counts per dtype, and fails at the end if any case failed.
//! `cargo test --release --test products family_fixtures:: -- --nocapture` shows the counts. Where NumPy
//! raises Python's `IndexError: tuple index out of range` (a `tensordot` axis past an operand's
//! dimensions), npdot returns `Error::TensordotAxisOutOfRange` with its own message: those cases
//! check the variant.

use std::collections::BTreeMap;

use crate::fixture_harness::*;
use std::fmt::Write as _;

use ndarray::{ArrayD, ArrayViewD, Ix1, Ix2, IxDyn};
use npdot::Axes;
use npdot::dims::ResultDim;
use npdot::prelude::*;
use num_complex::Complex;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The cases

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
    axes: Option<(Axes, String)>,
    axis: Option<isize>,
    expect: Expect,
}

fn parse_case(v: &Value) -> Result<Case, String> {
    let expect = parse_expect(field(v, "expect")?)?;
    let axes = match v.get("axes") {
        None => None,
        Some(x) => Some(match (x.get("count"), x.get("pairs")) {
            (Some(n), _) => (
                Axes::from(n.as_u64().ok_or("bad count")? as usize),
                "count".to_string(),
            ),
            (_, Some(p)) => {
                let lists = p.as_array().ok_or("pairs must be a list")?;
                let ints = |l: &Value| -> Result<Vec<isize>, String> {
                    l.as_array()
                        .ok_or("axes must be a list")?
                        .iter()
                        .map(isize_of)
                        .collect()
                };
                let (xa, xb) = (ints(&lists[0])?, ints(&lists[1])?);
                (Axes::Pairs(xa, xb), string(x, "form")?)
            }
            _ => return Err("bad axes".into()),
        }),
    };
    let axis = match v.get("axis") {
        None => None,
        Some(x) => Some(isize_of(x)?),
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
        axes,
        axis,
        expect,
    })
}

fn load(op: &str) -> Vec<Case> {
    let path = format!(
        "{}/tests/fixtures/family/{op}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (regenerate with scripts/gen_family_fixtures.py)"));
    let root: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = root["cases"].as_array().expect("cases must be a list");
    cases
        .iter()
        .map(|c| parse_case(c).unwrap_or_else(|e| panic!("{path}: bad case {c}: {e}")))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Building the operands NumPy saw

// ---------------------------------------------------------------------------------------------
// Calling npdot

/// The `axes` argument in the Rust form the fixture names: `usize`, `(isize, isize)`,
/// `(Vec<isize>, Vec<isize>)` or `([isize; N], [isize; M])`.
fn tensordot_call<T: Fixture>(case: &Case, f: &dyn Fn(Axes) -> R<T>) -> R<T> {
    // (`&dyn`: one copy of this match per element type, not one per calling closure.)
    let (axes, form) = case.axes.clone().expect("tensordot case has axes");
    match (axes, form.as_str()) {
        (Axes::Count(n), _) => f(n.into()),
        (Axes::Pairs(xa, xb), "pair") => f((xa[0], xb[0]).into()),
        (Axes::Pairs(xa, xb), "array") => match (xa.as_slice(), xb.as_slice()) {
            (&[], &[]) => f(([0isize; 0], [0isize; 0]).into()),
            (&[x], &[y]) => f(([x], [y]).into()),
            (&[x], &[y, z]) => f(([x], [y, z]).into()),
            (&[x, w], &[y]) => f(([x, w], [y]).into()),
            (&[x, w], &[y, z]) => f(([x, w], [y, z]).into()),
            (&[x, w, v], &[y, z, u]) => f(([x, w, v], [y, z, u]).into()),
            _ => f((xa, xb).into()),
        },
        (Axes::Pairs(xa, xb), _) => f((xa, xb).into()),
    }
}

/// What an op returns: an array (vdot: its scalar as a 0-D array).
type R<T> = Result<ArrayD<T>, npdot::Error>;

macro_rules! free_call {
    ($case:expr, $a:expr, $b:expr) => {{
        let (case, a, b) = ($case, $a, $b);
        match case.op.as_str() {
            "vdot" => npdot::vdot(&a, &b).map(|s| ArrayD::from_elem(IxDyn(&[]), s)),
            "outer" => npdot::outer(&a, &b).map(|o| o.into_dyn()),
            "tensordot" => tensordot_call::<T>(case, &|x| npdot::tensordot(&a, &b, x)),
            "kron" => npdot::kron(&a.view().into_dyn(), &b.view().into_dyn()),
            "vecdot" => npdot::vecdot(&a.view().into_dyn(), &b.view().into_dyn()),
            "matvec" => npdot::matvec(&a.view().into_dyn(), &b.view().into_dyn()),
            "vecmat" => npdot::vecmat(&a.view().into_dyn(), &b.view().into_dyn()),
            "linalg_outer" => npdot::linalg::outer(&a, &b).map(|o| o.into_dyn()),
            "linalg_tensordot" => {
                tensordot_call::<T>(case, &|x| npdot::linalg::tensordot(&a, &b, x))
            }
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
            "tensordot" => tensordot_call::<T>(case, &|x| a.tensordot(&b, x)),
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

fn product<T: Fixture>(case: &Case, a: ArrayViewD<'_, T>, b: ArrayViewD<'_, T>) -> R<T> {
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
// Checking

fn check_error(case: &Case, got: &npdot::Error) -> Result<(), String> {
    let text = got.to_string();
    match &case.expect {
        Expect::Error(want) if *want == text => Ok(()),
        Expect::Error(want) => Err(format!(
            "error text differs\n    want {want:?}\n    got  {text:?}  ({got:?})"
        )),
        Expect::IndexError(_) if matches!(got, npdot::Error::TensordotAxisOutOfRange { .. }) => {
            Ok(())
        }
        Expect::IndexError(want) => Err(format!(
            "NumPy raised IndexError {want:?}, got {text:?} ({got:?})"
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
        Ok(r) => check_array(&case.expect, case.k, &r.view()),
        Err(e) => check_error(case, &e),
    }
}

fn run_typed<T: Fixture>(case: &Case) -> Result<(), String> {
    if T::DTYPE != case.dtype {
        return Err(format!("fixture dtype {} run as {}", case.dtype, T::DTYPE));
    }
    let a_base = base::<T>(&case.a.shape, &case.a.data)?;
    let b_base = base::<T>(&case.b.shape, &case.b.data)?;
    with_view(a_base.view(), &case.a.views, &mut |a| {
        with_view(b_base.view(), &case.b.views, &mut |b| {
            run_plain(case, a.view(), b)
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

fn run_guarded(case: &Case) -> Result<(), String> {
    guarded(|| run_case(case))
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
    if let Some((axes, form)) = &case.axes {
        let _ = writeln!(s, "  axes: {axes:?} as {form}");
    }
    if let Some(axis) = case.axis {
        let _ = writeln!(s, "  axis: {axis}");
    }
    match &case.expect {
        Expect::Error(e) | Expect::IndexError(e) => {
            let _ = writeln!(s, "  numpy: error {e:?}");
        }
        Expect::Array { shape, data, .. } => {
            let _ = writeln!(s, "  numpy: shape {shape:?} data {}", preview_values(data));
        }
    }
    let _ = writeln!(s, "  FAIL: {why}");
    s
}

fn replay(op: &str) {
    replay_cases(
        op,
        &load(op),
        16,
        |c| (&c.dtype, &c.expect),
        run_guarded,
        describe,
    );
}

#[test]
fn family_vdot() {
    replay("vdot");
}

#[test]
fn family_outer() {
    replay("outer");
}

#[test]
fn family_tensordot() {
    replay("tensordot");
}

#[test]
fn family_kron() {
    replay("kron");
}

#[test]
fn family_vecdot() {
    replay("vecdot");
}

#[test]
fn family_matvec() {
    replay("matvec");
}

#[test]
fn family_vecmat() {
    replay("vecmat");
}

#[test]
fn family_linalg_outer() {
    replay("linalg_outer");
}

#[test]
fn family_linalg_tensordot() {
    replay("linalg_tensordot");
}

#[test]
fn family_linalg_vecdot() {
    replay("linalg_vecdot");
}

const OPS: [&str; 10] = [
    "vdot",
    "outer",
    "tensordot",
    "kron",
    "vecdot",
    "matvec",
    "vecmat",
    "linalg_outer",
    "linalg_tensordot",
    "linalg_vecdot",
];

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
    for op in OPS {
        let cases = load(op);
        let _ = write!(table, "   {op:<16}");
        for dtype in DTYPES {
            let of: Vec<&Case> = cases.iter().filter(|c| c.dtype == dtype).collect();
            let e = of
                .iter()
                .filter(|c| !matches!(c.expect, Expect::Array { .. }))
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
            .filter(|c| !matches!(c.expect, Expect::Array { .. }))
            .count();
    }
    let _ = writeln!(
        table,
        "   total {total} cases, {errors} errors, operand ndims {ndims:?}, entry points {apis:?}"
    );
    println!("{table}");
    assert!(total >= 1500, "only {total} fixture cases");
    assert!(errors >= 300, "only {errors} error cases");
    assert!(
        (0..=4).all(|n| ndims.contains(&n)),
        "operand ndims {ndims:?}"
    );
}
