//! Differential test: random cases evaluated by a live NumPy 2.4, replayed through npdot.
//!
//! `scripts/differential.py` generates the cases from a seed, asks NumPy for each answer (the
//! result, or the exact `ValueError` text) and streams them as JSON lines (format in its
//! docstring); this test replays every case through npdot's public API and compares: integers
//! and `bool` exactly, floats and complex within `4·eps·(k+2)·(|A||B|)` per component (NaN and
//! ±inf positions identical), error text byte for byte, result shape
//! and dtype identical, and for `out=` the whole buffer `out` is a view of (elements outside the
//! view must keep their sentinel, and an error must leave the buffer untouched).
//!
//! Knobs (environment):
//!
//! * `NPDOT_PYTHON` — the Python with `numpy==2.4.*` (default `python3`). Without one, the test
//!   is skipped with a loud message, or fails when `CI` or `NPDOT_REQUIRE_NUMPY=1` is set.
//! * `NPDOT_DIFF_CASES` — number of cases (default 20000).
//! * `NPDOT_DIFF_SEED` — the seed (default: random; always printed).
//! * `NPDOT_DIFF_CASE` — replay only this case index of the seed, printing it in full.
//! * `NPDOT_DIFF_CUSTOM` — run one hand-written case instead (to minimize a failure), e.g.
//!   `NPDOT_DIFF_CUSTOM='op = "dot"; a = np.array(0.0); b = np.array([np.inf, 1.0])'`; see
//!   `custom_case` in the script for the other names it reads (views, `out`, `api`).
//! * `NPDOT_DIFF_REPORT` — how many failing cases to print in full (default 25).
//! * `NPDOT_DIFF_ZERO_SIGN=1` — also require zeros' signs to match NumPy's (off by default:
//!   NumPy's own sign of a zero sum depends on its code path).
//!
//! Big local runs: `NPDOT_DIFF_CASES=1000000 cargo test --release --test products differential::` (one
//! stream), or chunks with their own seeds:
//! `for s in $(seq 100 149); do NPDOT_DIFF_SEED=$s cargo test --release --test products differential:: || break; done`
//! (50 × 20,000 cases; about 20 s per chunk on 2 cores).
//!
//! Every failure prints the command that replays exactly that case, e.g.
//! `NPDOT_DIFF_SEED=7 NPDOT_DIFF_CASE=1234 cargo test --release --test products differential:: -- --nocapture`.

use crate::harness::*;

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, Ix0, Ix1, Ix2, IxDyn};
use npdot::dims::{DotDim, InnerDim, MatmulDim, ResultDim};
use npdot::prelude::*;
use serde_json::Value;

/// A case: the common [`Head`] and, for `*_into`, the base shape of `out`, its fill value's
/// bytes, and the views.
#[derive(Debug)]
struct Case {
    head: Head,
    out: Option<Operand>,
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
            out: match v.get("out") {
                None => None,
                Some(o) => Some(parse_operand(o, "fill")?),
            },
        })
    }
    fn run_on_views<T: Diff>(
        &self,
        a: ArrayViewD<'_, T>,
        b: ArrayViewD<'_, T>,
    ) -> Result<Result<Outcome, Failure>, String> {
        run_on_views(self, a, b)
    }
}

// ---------------------------------------------------------------------------------------------
// Building the views NumPy saw

fn out_view<'a, T>(
    mut v: ArrayViewMutD<'a, T>,
    ops: &[ViewOp],
) -> Result<ArrayViewMutD<'a, T>, String> {
    for op in ops {
        v = match op {
            ViewOp::Slice(spec) if spec.len() == v.ndim() => {
                v.slice_each_axis_inplace(|ax| slice_of(spec, ax));
                v
            }
            ViewOp::Permute(axes) => v.permuted_axes(IxDyn(axes)),
            ViewOp::InsertAxis(i) => v.insert_axis(Axis(*i)),
            other => return Err(format!("bad out view op {other:?}")),
        };
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Calling npdot through the API variant the case names

/// Calls `$f` on `$a`, `$b` converted to the static dimension types listed for their numbers of
/// dimensions (`IxDyn` otherwise), then `$post` on its `Ok` value with the pair's types.
macro_rules! fixed {
    ($a:expr, $b:expr, $f:expr, $post:ident; $(($na:literal, $nb:literal) => $da:ty, $db:ty);*) => {
        match ($a.ndim(), $b.ndim()) {
            $(($na, $nb) => {
                let a = $a.into_dimensionality::<$da>().expect("fixed a");
                let b = $b.into_dimensionality::<$db>().expect("fixed b");
                $f(&a, &b).map(|r| $post!($da, $db, r))
            })*
            _ => $f(&$a, &$b).map(|r| $post!(IxDyn, IxDyn, r)),
        }
    };
}

/// Every pair of 0-D, 1-D and 2-D operands (`dot`, `inner`).
macro_rules! fixed_all {
    ($a:expr, $b:expr, $f:expr, $post:ident) => {
        fixed!($a, $b, $f, $post; (0, 0) => Ix0, Ix0; (0, 1) => Ix0, Ix1; (0, 2) => Ix0, Ix2;
               (1, 0) => Ix1, Ix0; (1, 1) => Ix1, Ix1; (1, 2) => Ix1, Ix2;
               (2, 0) => Ix2, Ix0; (2, 1) => Ix2, Ix1; (2, 2) => Ix2, Ix2)
    };
}

/// The pairs of 1-D and 2-D operands (`matmul`: a static 0-D operand does not compile; those
/// cases go through `IxDyn`).
macro_rules! fixed_matmul {
    ($a:expr, $b:expr, $f:expr, $post:ident) => {
        fixed!($a, $b, $f, $post; (1, 1) => Ix1, Ix1; (1, 2) => Ix1, Ix2;
               (2, 1) => Ix2, Ix1; (2, 2) => Ix2, Ix2)
    };
}

/// A static result of `dot` (`inner`, `matmul`: the same dimension tables) as an `ArrayD`.
macro_rules! dot_dyn {
    ($da:ty, $db:ty, $r:expr) => {
        <<$da as DotDim<$db>>::Dim as ResultDim>::into_dyn($r)
    };
}
macro_rules! inner_dyn {
    ($da:ty, $db:ty, $r:expr) => {
        <<$da as InnerDim<$db>>::Dim as ResultDim>::into_dyn($r)
    };
}
macro_rules! matmul_dyn {
    ($da:ty, $db:ty, $r:expr) => {
        <<$da as MatmulDim<$db>>::Dim as ResultDim>::into_dyn($r)
    };
}
/// `()` of an `_into` call.
macro_rules! unit {
    ($da:ty, $db:ty, $r:expr) => {
        $r
    };
}

fn product<T: Diff>(
    op: &str,
    api: &str,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, npdot::Error> {
    match (api, op) {
        ("trait_view", "dot") => a.dot(&b),
        ("trait_view", "inner") => a.inner(&b),
        ("trait_view", _) => a.matmul(&b),
        ("trait_owned", "dot") => a.to_owned().dot(&b.to_owned()),
        ("trait_owned", "inner") => a.to_owned().inner(&b),
        ("trait_owned", _) => a.to_owned().matmul(&b.to_owned()),
        ("free_fixed", "dot") => fixed_all!(a, b, |x, y| npdot::dot(x, y), dot_dyn),
        ("free_fixed", "inner") => fixed_all!(a, b, |x, y| npdot::inner(x, y), inner_dyn),
        ("free_fixed", _) => fixed_matmul!(a, b, |x, y| npdot::matmul(x, y), matmul_dyn),
        (_, "dot") => npdot::dot(&a, &b),
        (_, "inner") => npdot::inner(&a, &b),
        _ => npdot::matmul(&a, &b),
    }
}

fn product_into<T: Diff>(
    op: &str,
    api: &str,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: &mut ArrayViewMutD<'_, T>,
) -> Result<(), npdot::Error> {
    let dot = op == "dot_into";
    match api {
        "trait_view" if dot => a.dot_into(&b, out),
        "trait_view" => a.matmul_into(&b, out),
        "trait_owned" if dot => a.to_owned().dot_into(&b.to_owned(), out),
        "trait_owned" => a.to_owned().matmul_into(&b, out),
        "free_fixed" if dot => fixed_all!(a, b, |x, y| npdot::dot_into(x, y, out), unit),
        "free_fixed" => fixed_matmul!(a, b, |x, y| npdot::matmul_into(x, y, out), unit),
        _ if dot => npdot::dot_into(&a, &b, out),
        _ => npdot::matmul_into(&a, &b, out),
    }
}

// ---------------------------------------------------------------------------------------------
// Running and checking one case

fn run_on_views<T: Diff>(
    case: &Case,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<Result<Outcome, Failure>, String> {
    let (op, api) = (case.op.as_str(), case.api.as_str());
    let Some(out) = &case.out else {
        let got = product(op, api, a, b);
        return Ok(check_plain(case, got));
    };
    let fill = decode::<T>(&out.data)[0];
    let mut obase = ArrayD::from_elem(IxDyn(&out.shape), fill);
    let mut ov = out_view(obase.view_mut(), &out.views)?;
    let olayout = layout(&ov.view());
    let got = product_into(op, api, a, b, &mut ov);
    let got_base: Vec<T> = obase.iter().copied().collect();
    let olayout = format!("out: {olayout} (base {:?})", out.shape);
    Ok(match check_into(case, got, &got_base, fill) {
        Ok(mut o) => {
            o.text = format!("  {olayout}\n{}", o.text);
            Ok(o)
        }
        Err(mut f) => {
            f.detail = format!("{olayout}\n  {}", f.detail);
            Err(f)
        }
    })
}

fn check_into<T: Diff>(
    case: &Case,
    got: Result<(), npdot::Error>,
    got_base: &[T],
    fill: T,
) -> Result<Outcome, Failure> {
    if let Err(e) = got {
        let outcome = check_error(case, &e)?;
        let fills = vec![fill; got_base.len()];
        compare(
            got_base,
            &fills,
            None,
            0,
            "out written although the call failed",
        )
        .map_err(|f| fail("out written on error", f.detail))?;
        return Ok(outcome);
    }
    let Want { data, bound, .. } = expected_array(case)?;
    compare(
        got_base,
        &decode::<T>(data),
        bound.as_deref(),
        case.k,
        "out buffer",
    )?;
    Ok(Outcome {
        text: format!(
            "  out buffer after the call (as NumPy): {}",
            preview(got_base)
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// The test

#[test]
fn differential_against_numpy() {
    drive::<Case>(&Driver {
        name: "differential",
        script: "scripts/differential.py",
        select: "--test products differential::",
        custom: true,
    });
}
