//! Differential test of the product family: random cases evaluated by a live NumPy 2.4 (`vdot`,
//! `outer`, `tensordot`, `kron`, `vecdot`, `matvec`, `vecmat`, and `np.linalg`'s `outer`,
//! `tensordot`, `vecdot` with `axis`), replayed through npdot's public API.
//!
//! `scripts/differential_family.py` generates the cases from a seed and asks NumPy for each
//! answer (the result, or the exact `ValueError`/`AxisError` text; Python's `IndexError` for a
//! `tensordot` axis past an operand's dimensions, where npdot returns
//! `Error::TensordotAxisOutOfRange` with its own text); this test compares like
//! `tests/products/differential.rs`: integers and `bool` exactly, floats and complex within
//! `4·eps·(k+2)·(|A||B|)` per component (NaN and ±inf positions identical), error text byte for
//! byte, result shape and dtype identical.
//!
//! Knobs (environment), as for `tests/products/differential.rs`:
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

use crate::harness::*;

use ndarray::{ArrayD, ArrayViewD, Ix1, Ix2, IxDyn};
use npdot::Axes;
use npdot::dims::ResultDim;
use npdot::prelude::*;
use serde_json::Value;

/// A case: the common [`Head`], `tensordot`'s axes (and the Rust form to pass them in) and
/// `linalg_vecdot`'s axis.
#[derive(Debug)]
struct Case {
    head: Head,
    axes: Option<(Axes, String)>,
    axis: Option<isize>,
}

impl std::ops::Deref for Case {
    type Target = Head;
    fn deref(&self) -> &Head {
        &self.head
    }
}

impl DiffCase for Case {
    fn parse(v: &Value) -> Result<Self, String> {
        Ok(Case {
            head: parse_head(v)?,
            axes: parse_axes(v)?,
            axis: match v.get("axis") {
                None => None,
                Some(x) => Some(int(x)? as isize),
            },
        })
    }
    fn run_on_views<T: Diff>(
        &self,
        a: ArrayViewD<'_, T>,
        b: ArrayViewD<'_, T>,
    ) -> Result<Result<Outcome, Failure>, String> {
        Ok(check_plain(self, product(self, a, b)))
    }
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
// Calling npdot through the API variant the case names

/// What an op returns: an array (vdot: its scalar as a 0-D array).
type R<T> = Result<ArrayD<T>, npdot::Error>;

/// Calls `f` with the case's `axes` in the Rust form the case names: `usize`, `(isize, isize)`,
/// `(Vec<isize>, Vec<isize>)` or `([isize; N], [isize; M])`.
fn with_axes<T>(case: &Case, f: &dyn Fn(Axes) -> R<T>) -> R<T> {
    // (`&dyn`: one copy of this match per element type, not one per calling closure.)
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
            "tensordot" => with_axes(case, &|x| npdot::tensordot(&a, &b, x)),
            "kron" => npdot::kron(&a.view().into_dyn(), &b.view().into_dyn()),
            "vecdot" => npdot::vecdot(&a.view().into_dyn(), &b.view().into_dyn()),
            "matvec" => npdot::matvec(&a.view().into_dyn(), &b.view().into_dyn()),
            "vecmat" => npdot::vecmat(&a.view().into_dyn(), &b.view().into_dyn()),
            "linalg_outer" => npdot::linalg::outer(&a, &b).map(|o| o.into_dyn()),
            "linalg_tensordot" => with_axes(case, &|x| npdot::linalg::tensordot(&a, &b, x)),
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
            "tensordot" => with_axes(case, &|x| a.tensordot(&b, x)),
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
// The test

#[test]
fn differential_family_against_numpy() {
    drive::<Case>(&Driver {
        name: "differential_family",
        script: "scripts/differential_family.py",
        select: "--test products differential_family::",
        custom: false,
    });
}
