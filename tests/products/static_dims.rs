//! Static dimensions in, static dimensions out.
//!
//! * `dimension_tables_match_numpy`: every table of `npdot::dims` (`dot`, `inner`, `matmul`,
//!   `kron`, `vecdot`, `matvec`, `vecmat`) for every pair of `Ix0 … Ix6` and `IxDyn`: the pair
//!   has an entry exactly when NumPy accepts operands of those numbers of dimensions, and the
//!   entry's dimension type has NumPy's result dimension count
//!   (`tests/data/static_dims_table.json`, written by `scripts/gen_static_dims_table.py`).
//! * `every_pair_*`: `dot`, `inner` and `matmul` called with every pair of static (and `IxDyn`)
//!   dimension types for `f64` and `i64`: the result has its static type and equals the `IxDyn`
//!   path on the same data, and a shape mismatch gives the same error.
//! * The fast paths of 1-D and 2-D operands (`plan::typed`) against the `IxDyn` path over layouts
//!   (contiguous, transposed, reversed, stepped), sizes on both sides of the small-kernel and
//!   skinny-kernel limits, every element type family, NumPy's scalar branch with special
//!   values, the `_into` forms with static `out`, and errors.
//!
//! Cheap: small shapes only (well under a second).

use std::any::TypeId;
use std::marker::PhantomData;

use ndarray::{
    Array, Array1, Array2, Array3, Array4, ArrayD, ArrayView, Dimension, Ix0, Ix1, Ix2, Ix3, Ix4,
    Ix5, Ix6, IxDyn, ShapeBuilder, array, s,
};
use npdot::dims::{
    DotDim, DotOutput, InnerDim, KronDim, MatmulDim, MatmulOutput, MatvecDim, ResultDim, VecdotDim,
    VecmatDim,
};
use npdot::prelude::*;
use num_complex::Complex64;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The tables against NumPy

/// Asks, for a concrete pair of dimension types, whether a table has an entry and which number
/// of dimensions it gives (`Some(None)`: `IxDyn`): an inherent method with the table as bound
/// wins over the trait fallback when the bound holds.
struct Probe<A, B>(PhantomData<(A, B)>);

/// The fallback: no entry.
#[allow(dead_code)] // some tables have an entry for every pair
trait NoEntry {
    fn dot(&self) -> Option<Option<usize>> {
        None
    }
    fn inner(&self) -> Option<Option<usize>> {
        None
    }
    fn matmul(&self) -> Option<Option<usize>> {
        None
    }
    fn kron(&self) -> Option<Option<usize>> {
        None
    }
    fn vecdot(&self) -> Option<Option<usize>> {
        None
    }
    fn matvec(&self) -> Option<Option<usize>> {
        None
    }
    fn vecmat(&self) -> Option<Option<usize>> {
        None
    }
}
impl<A, B> NoEntry for Probe<A, B> {}

macro_rules! probe {
    ($($name:ident: $tr:ident),*) => {$(
        impl<A: $tr<B>, B: Dimension> Probe<A, B> {
            #[allow(dead_code)]
            fn $name(&self) -> Option<Option<usize>> {
                Some(<<A as $tr<B>>::Dim as Dimension>::NDIM)
            }
        }
    )*};
}
probe!(dot: DotDim, inner: InnerDim, matmul: MatmulDim, kron: KronDim, vecdot: VecdotDim,
       matvec: MatvecDim, vecmat: VecmatDim);

/// `[table][a][b]` for `a, b` in `0..=7` (7 stands for `IxDyn`).
type Entries = Vec<(&'static str, usize, usize, Option<Option<usize>>)>;

macro_rules! probe_pairs {
    ($out:ident; [$(($la:ty, $ln:literal))*] x $r:tt) => {
        $( probe_pairs!(@row $out; ($la, $ln); $r); )*
    };
    (@row $out:ident; ($la:ty, $ln:literal); [$(($rb:ty, $rn:literal))*]) => {$(
        let p = Probe::<$la, $rb>(PhantomData);
        $out.push(("dot", $ln, $rn, p.dot()));
        $out.push(("inner", $ln, $rn, p.inner()));
        $out.push(("matmul", $ln, $rn, p.matmul()));
        $out.push(("kron", $ln, $rn, p.kron()));
        $out.push(("vecdot", $ln, $rn, p.vecdot()));
        $out.push(("matvec", $ln, $rn, p.matvec()));
        $out.push(("vecmat", $ln, $rn, p.vecmat()));
    )*};
}

fn entries() -> Entries {
    let mut out = Entries::new();
    probe_pairs!(out;
        [(Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 7)]
        x [(Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 7)]);
    out
}

#[test]
fn dimension_tables_match_numpy() {
    let text = include_str!("../data/static_dims_table.json");
    let json: Value = serde_json::from_str(text).expect("valid JSON");
    let numpy = |table: &str, a: usize, b: usize| -> Option<usize> {
        json["tables"][table][a][b].as_u64().map(|n| n as usize)
    };
    let entries = entries();
    assert_eq!(entries.len(), 7 * 64);
    for (table, a, b, got) in entries {
        let want = match (a, b) {
            (7, 7) => Some(None),
            // An IxDyn operand: an entry when some number of dimensions on its side works with
            // the static one; the result is IxDyn.
            (7, b) => (0..7).any(|a| numpy(table, a, b).is_some()).then_some(None),
            (a, 7) => (0..7).any(|b| numpy(table, a, b).is_some()).then_some(None),
            (a, b) => numpy(table, a, b).map(|n| (n <= 6).then_some(n)),
        };
        assert_eq!(got, want, "{table}: Ix{a} with Ix{b} (7 = IxDyn)");
    }
}

#[test]
fn scalar_results_are_the_element_type() {
    assert_eq!(
        TypeId::of::<DotOutput<f64, Ix1, Ix1>>(),
        TypeId::of::<f64>()
    );
    assert_eq!(TypeId::of::<DotOutput<i8, Ix0, Ix0>>(), TypeId::of::<i8>());
    assert_eq!(
        TypeId::of::<MatmulOutput<bool, Ix1, Ix1>>(),
        TypeId::of::<bool>()
    );
    assert_eq!(
        TypeId::of::<MatmulOutput<f64, IxDyn, Ix1>>(),
        TypeId::of::<ArrayD<f64>>()
    );
    assert_eq!(
        TypeId::of::<DotOutput<f32, Ix6, Ix6>>(),
        TypeId::of::<ArrayD<f32>>()
    );
    assert_eq!(
        TypeId::of::<MatmulOutput<f32, Ix3, Ix2>>(),
        TypeId::of::<Array3<f32>>()
    );
}

// ---------------------------------------------------------------------------------------------
// Every pair through the static and the IxDyn paths

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Dot,
    Inner,
    Matmul,
}

/// Operand shapes of `na` and `nb` dimensions that `op` accepts (contracted length 3, rows 2,
/// columns 4, other axes 2), or, with `bad`, whose contracted lengths differ (3 and 5).
fn shapes(op: Op, na: usize, nb: usize, bad: bool) -> (Vec<usize>, Vec<usize>) {
    let k2 = if bad { 5 } else { 3 };
    let mut a = vec![2; na];
    let mut b = vec![2; nb];
    if na > 0 && nb > 0 {
        a[na - 1] = 3;
        match (op, nb) {
            (Op::Inner, _) | (_, 1) => b[nb - 1] = k2,
            _ => {
                b[nb - 2] = k2;
                b[nb - 1] = 4;
            }
        }
    }
    (a, b)
}

/// Integer-valued data (exact in every element type and kernel order).
trait Val: Element {
    fn val(i: usize) -> Self;
}
impl Val for f64 {
    fn val(i: usize) -> Self {
        ((i * 7 + 3) % 11) as f64 - 5.0
    }
}
impl Val for i64 {
    fn val(i: usize) -> Self {
        ((i * 7 + 3) % 11) as i64 - 5
    }
}
impl Val for f32 {
    fn val(i: usize) -> Self {
        ((i * 5 + 1) % 9) as f32 - 4.0
    }
}
impl Val for Complex64 {
    fn val(i: usize) -> Self {
        Complex64::new(((i * 5 + 1) % 9) as f64 - 4.0, (i % 4) as f64 - 1.5)
    }
}
impl Val for u8 {
    fn val(i: usize) -> Self {
        (i * 37 % 251) as u8
    }
}
impl Val for i32 {
    fn val(i: usize) -> Self {
        ((i * 7 + 3) % 11) as i32 - 5
    }
}
impl Val for bool {
    fn val(i: usize) -> Self {
        (i * 7 + 3).is_multiple_of(3)
    }
}

fn data<T: Val, D: Dimension>(shape: &[usize], seed: usize) -> Array<T, D> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|i| T::val(i + seed)).collect())
        .expect("shape")
        .into_dimensionality::<D>()
        .expect("rank")
}

/// The checks of one pair of dimension types for `op`, on operands of `na` and `nb` dimensions.
macro_rules! check_pair {
    ($f:ident, $tr:ident, $op:expr, $t:ty, $da:ty, $db:ty, $na:expr, $nb:expr) => {{
        let (sa, sb) = shapes($op, $na, $nb, false);
        let a: Array<$t, $da> = data(&sa, 0);
        let b: Array<$t, $db> = data(&sb, 5);
        // Views throughout: one instantiation per pair of dimension types.
        let (a, b) = (a.view(), b.view());
        let r = npdot::$f(&a, &b).expect("static");
        let want = npdot::$f(&a.view().into_dyn(), &b.view().into_dyn()).expect("IxDyn");
        let got = <<$da as $tr<$db>>::Dim as ResultDim>::into_dyn(r);
        assert_eq!(got, want, "{:?} {:?} {:?}", $op, sa, sb);
        // The method.
        let m = Products::$f(&a, &b).expect("method");
        assert_eq!(<<$da as $tr<$db>>::Dim as ResultDim>::into_dyn(m), want);
        // Errors: the same as the IxDyn path's.
        if $na > 0 && $nb > 0 {
            let (sa, sb) = shapes($op, $na, $nb, true);
            let a: Array<$t, $da> = data(&sa, 0);
            let b: Array<$t, $db> = data(&sb, 5);
            let (a, b) = (a.view(), b.view());
            let e = npdot::$f(&a, &b).map(|_| ()).expect_err("static mismatch");
            let want = npdot::$f(&a.view().into_dyn(), &b.view().into_dyn()).expect_err("IxDyn");
            assert_eq!(e, want, "{:?} {:?} {:?}", $op, sa, sb);
        }
    }};
}

/// `check_pair!` for every left × right entry, in `f64` and `i64`; `IxDyn` operands have
/// `$dyn_rank` dimensions.
macro_rules! all_pairs {
    ($f:ident, $tr:ident, $op:expr; [$(($la:ty, $ln:expr))*] x $r:tt) => {
        $( all_pairs!(@row $f, $tr, $op; ($la, $ln); $r); )*
    };
    // Each pair in a function of its own: one function holding all 64 pairs' locals overflows
    // the test thread's stack in unoptimized builds.
    (@row $f:ident, $tr:ident, $op:expr; ($la:ty, $ln:expr); [$(($rb:ty, $rn:expr))*]) => {$({
        #[inline(never)]
        fn pair() {
            check_pair!($f, $tr, $op, f64, $la, $rb, $ln, $rn);
            check_pair!($f, $tr, $op, i64, $la, $rb, $ln, $rn);
        }
        pair();
    })*};
}

#[test]
fn every_pair_dot() {
    all_pairs!(dot, DotDim, Op::Dot;
        [(Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 3)]
        x [(Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 2)]);
}

#[test]
fn every_pair_inner() {
    all_pairs!(inner, InnerDim, Op::Inner;
        [(Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 2)]
        x [(Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 3)]);
}

#[test]
fn every_pair_matmul() {
    all_pairs!(matmul, MatmulDim, Op::Matmul;
        [(Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 3)]
        x [(Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 1)]);
}

// ---------------------------------------------------------------------------------------------
// The documented types

#[test]
fn result_types_follow_the_operands() -> Result<(), npdot::Error> {
    let a2: Array2<f64> = data(&[2, 3], 0);
    let b2: Array2<f64> = data(&[3, 4], 1);
    let v3: Array1<f64> = data(&[3], 2);
    let s3: Array3<f64> = data(&[5, 2, 3], 3);
    let t3: Array3<f64> = data(&[5, 3, 2], 4);
    let mm: Array2<f64> = npdot::matmul(&a2, &b2)?;
    let mv: Array1<f64> = npdot::matmul(&a2, &v3)?;
    let vv: f64 = npdot::matmul(&v3, &v3)?;
    let sm: Array3<f64> = npdot::matmul(&s3, &b2)?;
    let dd: Array4<f64> = npdot::dot(&s3, &t3)?;
    let ii: Array3<f64> = npdot::inner(&a2, &s3)?;
    let x: f64 = npdot::dot(&v3, &v3)?;
    let y: f64 = npdot::inner(&v3, &v3)?;
    assert_eq!((mm.dim(), mv.dim(), sm.dim()), ((2, 4), 2, (5, 2, 4)));
    assert_eq!((dd.dim(), ii.dim()), ((5, 2, 5, 2), (2, 5, 2)));
    assert_eq!((vv, x, y), (v3.iter().map(|e| e * e).sum(), vv, vv));
    // 0-D operands of dot/inner multiply: the other operand's type.
    let z = ndarray::arr0(2.0);
    let d0: Array2<f64> = npdot::dot(&z, &a2)?;
    let i0: Array1<f64> = npdot::inner(&v3, &z)?;
    let zz: f64 = npdot::dot(&z, &z)?;
    assert_eq!((d0, i0, zz), (&a2 * 2.0, &v3 * 2.0, 4.0));
    // IxDyn on either side gives IxDyn, and 1-D·1-D a 0-D ArrayD.
    let vd = v3.view().into_dyn();
    let d: ArrayD<f64> = npdot::dot(&vd, &v3)?;
    let m: ArrayD<f64> = npdot::matmul(&v3, &vd)?;
    assert_eq!((d.ndim(), d[IxDyn(&[])], m[IxDyn(&[])]), (0, vv, vv));
    let md: ArrayD<f64> = a2.view().into_dyn().matmul(&b2)?;
    assert_eq!(md, mm.clone().into_dyn());
    // Above 6 dimensions: IxDyn.
    let big: ndarray::Array<f64, Ix4> = data(&[2, 1, 2, 3], 0);
    let big2: ndarray::Array<f64, Ix5> = data(&[1, 2, 1, 3, 2], 1);
    let r: ArrayD<f64> = npdot::dot(&big, &big2)?;
    assert_eq!(r.shape(), &[2, 1, 2, 1, 2, 1, 2]);
    let six: ndarray::Array<i64, Ix6> = data(&[1, 2, 1, 1, 2, 3], 0);
    let r6: ndarray::Array<i64, Ix6> = npdot::matmul(&six, &data::<i64, Ix2>(&[3, 2], 0))?;
    assert_eq!(r6.shape(), &[1, 2, 1, 1, 2, 2]);
    // Owned receivers, views, ArcArray and CowArray take the trait.
    let arc = a2.to_shared();
    let cow = ndarray::CowArray::from(b2.view());
    let viaarc: Array2<f64> = arc.matmul(&cow)?;
    let viacow: Array2<f64> = cow.t().matmul(&arc.t())?;
    assert_eq!(viaarc.t(), viacow);
    Ok(())
}

/// With the prelude imported, the method call `a.dot(&b)` on `Array1`/`Array2` is npdot's (it
/// returns a `Result`); ndarray's own stays reachable through its trait.
#[test]
fn method_dot_on_array2_is_numpys() {
    let a = array![[1.0, 2.0], [3.0, 4.0]];
    let x = array![1.0, -1.0];
    let r: Result<Array1<f64>, npdot::Error> = a.dot(&x);
    assert_eq!(r.unwrap(), array![-1.0, -1.0]);
    let s: Result<f64, npdot::Error> = x.dot(&x);
    assert_eq!(s.unwrap(), 2.0);
    let nd: Array1<f64> = ndarray::linalg::Dot::dot(&a, &x);
    assert_eq!(nd, array![-1.0, -1.0]);
    // The mismatch ndarray's `dot` panics on is NumPy's error here.
    assert_eq!(
        a.dot(&array![1.0, 2.0, 3.0]).unwrap_err().to_string(),
        "shapes (2,2) and (3,) not aligned: 2 (dim 1) != 3 (dim 0)"
    );
}

// ---------------------------------------------------------------------------------------------
// The fast paths against the IxDyn path

/// `a` in several layouts with the same contents: C order, F order, negative strides (a view
/// of a reversed copy), every other element of a larger array.
fn layouts2<T: Val>(a: &Array2<T>) -> Vec<(&'static str, Array2<T>, Array2<T>)> {
    let (n, k) = a.dim();
    let mut f = Array2::from_elem((n, k).f(), T::zero());
    f.assign(a);
    let rev = a.slice(s![..;-1, ..;-1]).to_owned();
    let mut big = Array2::from_elem((2 * n, 2 * k), T::zero());
    big.slice_mut(s![..;2, ..;2]).assign(a);
    // (name, storage, unused) — views are taken by `view2` below.
    vec![
        ("c", a.clone(), Array2::from_elem((0, 0), T::zero())),
        ("f", f, Array2::from_elem((0, 0), T::zero())),
        ("neg", rev, Array2::from_elem((0, 0), T::zero())),
        ("step", big, Array2::from_elem((0, 0), T::zero())),
    ]
}

/// The view of a `layouts2` entry with the original contents.
fn view2<'a, T>(name: &str, st: &'a Array2<T>) -> ArrayView<'a, T, Ix2> {
    match name {
        "neg" => st.slice(s![..;-1, ..;-1]),
        "step" => st.slice(s![..;2, ..;2]),
        _ => st.view(),
    }
}

/// `x` as is, reversed (a view of a reversed copy), stepped.
fn layouts1<T: Val>(x: &Array1<T>) -> Vec<(&'static str, Array1<T>)> {
    let rev = x.slice(s![..;-1]).to_owned();
    let mut big = Array1::from_elem(2 * x.len(), T::zero());
    big.slice_mut(s![..;2]).assign(x);
    vec![("c", x.clone()), ("neg", rev), ("step", big)]
}

fn view1<'a, T>(name: &str, st: &'a Array1<T>) -> ArrayView<'a, T, Ix1> {
    match name {
        "neg" => st.slice(s![..;-1]),
        "step" => st.slice(s![..;2]),
        _ => st.view(),
    }
}

type R<T> = Result<ArrayD<T>, npdot::Error>;

#[track_caller]
fn same<T: Element>(what: &str, got: R<T>, want: R<T>) {
    assert_eq!(got, want, "{what}");
}

/// Every fast-path pair (1·1, 2·1, 1·2, 2·2) of the three products, in every layout pair and
/// at sizes on both sides of the small-kernel limits, equals the IxDyn path; so do errors.
fn fast_paths<T: Val>() {
    for &(n, k, m) in &[
        (1, 1, 1),
        (2, 3, 4),
        (4, 4, 4),
        (3, 1, 5),
        (0, 3, 2),
        (2, 0, 3),
        (5, 17, 1),
        (8, 40, 9),
        (33, 7, 20),
        (64, 65, 3),
        (1, 16, 300),
    ] {
        let a: Array2<T> = data(&[n, k], 1);
        let b: Array2<T> = data(&[k, m], 2);
        let bt: Array2<T> = data(&[m, k], 3);
        let x: Array1<T> = data(&[k], 4);
        let y: Array1<T> = data(&[k], 5);
        for (la, sa, _) in layouts2(&a) {
            let av = view2(la, &sa);
            for (lb, sb, _) in layouts2(&b) {
                let bv = view2(lb, &sb);
                let (ad, bd) = (av.view().into_dyn(), bv.view().into_dyn());
                let what = format!("({n},{k})·({k},{m}) {la} {lb} {}", T::DTYPE);
                same(
                    &what,
                    npdot::dot(&av, &bv).map(|r| r.into_dyn()),
                    npdot::dot(&ad, &bd),
                );
                same(
                    &what,
                    npdot::matmul(&av, &bv).map(|r| r.into_dyn()),
                    npdot::matmul(&ad, &bd),
                );
                // A mismatch: a against itself (unless square).
                same(
                    &what,
                    npdot::dot(&av, &av).map(|r| r.into_dyn()),
                    npdot::dot(&ad, &ad),
                );
                same(
                    &what,
                    npdot::matmul(&bv, &av).map(|r| r.into_dyn()),
                    npdot::matmul(&bd, &ad),
                );
            }
            for (lb, sb, _) in layouts2(&bt) {
                let bv = view2(lb, &sb);
                let (ad, bd) = (av.view().into_dyn(), bv.view().into_dyn());
                let what = format!("inner ({n},{k})·({m},{k}) {la} {lb} {}", T::DTYPE);
                same(
                    &what,
                    npdot::inner(&av, &bv).map(|r| r.into_dyn()),
                    npdot::inner(&ad, &bd),
                );
                same(
                    &what,
                    npdot::inner(&av, &b).map(|r| r.into_dyn()),
                    npdot::inner(&ad, &b.view().into_dyn()),
                );
            }
            for (lx, sx) in layouts1(&x) {
                let xv = view1(lx, &sx);
                let (ad, xd) = (av.view().into_dyn(), xv.view().into_dyn());
                let what = format!("({n},{k})·({k},) {la} {lx} {}", T::DTYPE);
                same(
                    &what,
                    npdot::dot(&av, &xv).map(|r| r.into_dyn()),
                    npdot::dot(&ad, &xd),
                );
                same(
                    &what,
                    npdot::inner(&av, &xv).map(|r| r.into_dyn()),
                    npdot::inner(&ad, &xd),
                );
                same(
                    &what,
                    npdot::matmul(&av, &xv).map(|r| r.into_dyn()),
                    npdot::matmul(&ad, &xd),
                );
                // vector · matrix: x (k) with a (n, k) is a mismatch unless n == k; aᵀ is fine.
                let at = av.t();
                let atd = at.view().into_dyn();
                same(
                    &what,
                    npdot::dot(&xv, &at).map(|r| r.into_dyn()),
                    npdot::dot(&xd, &atd),
                );
                same(
                    &what,
                    npdot::matmul(&xv, &at).map(|r| r.into_dyn()),
                    npdot::matmul(&xd, &atd),
                );
                same(
                    &what,
                    npdot::inner(&xv, &av).map(|r| r.into_dyn()),
                    npdot::inner(&xd, &ad),
                );
                same(
                    &what,
                    npdot::dot(&xv, &av).map(|r| r.into_dyn()),
                    npdot::dot(&xd, &ad),
                );
                same(
                    &what,
                    npdot::matmul(&xv, &av).map(|r| r.into_dyn()),
                    npdot::matmul(&xd, &ad),
                );
            }
        }
        for (lx, sx) in layouts1(&x) {
            let xv = view1(lx, &sx);
            for (ly, sy) in layouts1(&y) {
                let yv = view1(ly, &sy);
                let (xd, yd) = (xv.view().into_dyn(), yv.view().into_dyn());
                let what = format!("({k},)·({k},) {lx} {ly} {}", T::DTYPE);
                let s0 = |r: Result<T, npdot::Error>| r.map(|s| ArrayD::from_elem(IxDyn(&[]), s));
                same(&what, s0(npdot::dot(&xv, &yv)), npdot::dot(&xd, &yd));
                same(&what, s0(npdot::inner(&xv, &yv)), npdot::inner(&xd, &yd));
                same(&what, s0(npdot::matmul(&xv, &yv)), npdot::matmul(&xd, &yd));
                if k == 0 {
                    continue;
                }
                let short = xv.slice(s![1..]);
                let sd = short.view().into_dyn();
                same(&what, s0(npdot::dot(&short, &yv)), npdot::dot(&sd, &yd));
                same(&what, s0(npdot::inner(&short, &yv)), npdot::inner(&sd, &yd));
                same(
                    &what,
                    s0(npdot::matmul(&short, &yv)),
                    npdot::matmul(&sd, &yd),
                );
            }
        }
    }
}

#[test]
fn fast_paths_equal_the_general_path() {
    fast_paths::<f64>();
    fast_paths::<f32>();
    fast_paths::<Complex64>();
    fast_paths::<i64>();
    fast_paths::<u8>();
    fast_paths::<bool>();
}

fn d(x: &Array2<f64>) -> ArrayView<'_, f64, IxDyn> {
    x.view().into_dyn()
}

fn d1(x: &Array1<f64>) -> ArrayView<'_, f64, IxDyn> {
    x.view().into_dyn()
}

/// NumPy's BLAS scalar branch (`dot`/`inner` with a one-element float operand: `0·inf` is 0)
/// and signed zeros come out of the static calls exactly as out of the IxDyn path.
#[test]
fn scalar_branch_and_special_values() {
    let bits = |r: R<f64>| r.map(|a| a.mapv(f64::to_bits));
    let specials = [f64::INFINITY, f64::NAN, -0.0, 1.0, f64::NEG_INFINITY];
    let zero11 = array![[0.0]];
    let row = Array2::from_shape_vec((1, 5), specials.to_vec()).unwrap();
    let col = row.t().to_owned();
    let vec5 = Array1::from(specials.to_vec());
    let z1 = array![0.0];
    let nz1 = array![-0.0];
    let one = array![f64::INFINITY];
    let cases: Vec<(&str, R<f64>, R<f64>)> = vec![
        (
            "dot (1,1)(1,5)",
            npdot::dot(&zero11, &row).map(|r| r.into_dyn()),
            npdot::dot(&d(&zero11), &d(&row)),
        ),
        (
            "dot (5,1)(1,1)",
            npdot::dot(&col, &zero11).map(|r| r.into_dyn()),
            npdot::dot(&d(&col), &d(&zero11)),
        ),
        (
            "matmul (5,1)(1,1)",
            npdot::matmul(&col, &zero11).map(|r| r.into_dyn()),
            npdot::matmul(&d(&col), &d(&zero11)),
        ),
        (
            "inner (5,1)(1,1)",
            npdot::inner(&col, &zero11).map(|r| r.into_dyn()),
            npdot::inner(&d(&col), &d(&zero11)),
        ),
        (
            "dot (5,1)(1,)",
            npdot::dot(&col, &z1).map(|r| r.into_dyn()),
            npdot::dot(&d(&col), &d1(&z1)),
        ),
        (
            "dot (5,1)(1,) -0",
            npdot::dot(&col, &nz1).map(|r| r.into_dyn()),
            npdot::dot(&d(&col), &d1(&nz1)),
        ),
        (
            "inner (5,1)(1,)",
            npdot::inner(&col, &z1).map(|r| r.into_dyn()),
            npdot::inner(&d(&col), &d1(&z1)),
        ),
        (
            "matmul (5,1)(1,)",
            npdot::matmul(&col, &z1).map(|r| r.into_dyn()),
            npdot::matmul(&d(&col), &d1(&z1)),
        ),
        (
            "dot (1,)(1,5)",
            npdot::dot(&z1, &row).map(|r| r.into_dyn()),
            npdot::dot(&d1(&z1), &d(&row)),
        ),
        (
            "inner (1,)(5,1)",
            npdot::inner(&z1, &col).map(|r| r.into_dyn()),
            npdot::inner(&d1(&z1), &d(&col)),
        ),
        (
            "matmul (1,)(1,5)",
            npdot::matmul(&z1, &row).map(|r| r.into_dyn()),
            npdot::matmul(&d1(&z1), &d(&row)),
        ),
        (
            "dot (1,)(1,)",
            npdot::dot(&z1, &one).map(|r| ArrayD::from_elem(IxDyn(&[]), r)),
            npdot::dot(&d1(&z1), &d1(&one)),
        ),
        (
            "inner (1,)(1,) -0",
            npdot::inner(&nz1, &z1).map(|r| ArrayD::from_elem(IxDyn(&[]), r)),
            npdot::inner(&d1(&nz1), &d1(&z1)),
        ),
        (
            "matmul (1,)(1,)",
            npdot::matmul(&z1, &one).map(|r| ArrayD::from_elem(IxDyn(&[]), r)),
            npdot::matmul(&d1(&z1), &d1(&one)),
        ),
        (
            "dot (5,)(5,)",
            npdot::dot(&vec5, &vec5).map(|r| ArrayD::from_elem(IxDyn(&[]), r)),
            npdot::dot(&d1(&vec5), &d1(&vec5)),
        ),
        (
            "dot 0-D",
            npdot::dot(&ndarray::arr0(0.0), &row).map(|r| r.into_dyn()),
            npdot::dot(&ndarray::arr0(0.0).into_dyn(), &d(&row)),
        ),
    ];
    for (what, got, want) in cases {
        assert_eq!(bits(got), bits(want), "{what}");
    }
}

/// The `_into` forms with static operands and a static `out`: the same result (and the same
/// untouched `out` on error) as the IxDyn path with an identical `out`; for small products and
/// a contiguous 1-D `out`, the values of the allocating call (the same kernel).
fn into_forms<T: Val>() {
    for &(n, k, m) in &[
        (2, 3, 4),
        (4, 4, 4),
        (1, 1, 1),
        (3, 0, 2),
        (17, 9, 33),
        (1, 20, 5),
    ] {
        let a: Array2<T> = data(&[n, k], 1);
        let b: Array2<T> = data(&[k, m], 2);
        let x: Array1<T> = data(&[k], 3);
        let xm: Array1<T> = data(&[n], 4);
        let check = |what: &str, out_shape: (usize, usize), f_order: bool| {
            let fresh = || {
                let mut o = Array2::from_elem(out_shape.set_f(f_order), T::val(9));
                o.assign(&data::<T, Ix2>(&[out_shape.0, out_shape.1], 9));
                o
            };
            for dot in [true, false] {
                let (mut o1, mut o2) = (fresh(), fresh());
                let r1 = if dot {
                    npdot::dot_into(&a, &b, &mut o1)
                } else {
                    npdot::matmul_into(&a, &b, &mut o1)
                };
                let (ad, bd) = (a.view().into_dyn(), b.view().into_dyn());
                let mut o2d = o2.view_mut().into_dyn();
                let r2 = if dot {
                    npdot::dot_into(&ad, &bd, &mut o2d)
                } else {
                    npdot::matmul_into(&ad, &bd, &mut o2d)
                };
                assert_eq!(r1, r2, "{what} dot={dot}");
                assert_eq!(o1, o2, "{what} dot={dot}");
                // A small product: the allocating call's values (the same small kernel).
                if r1.is_ok() && n * m * k <= 512 {
                    let want = if dot {
                        npdot::dot(&ad, &bd)
                    } else {
                        npdot::matmul(&ad, &bd)
                    };
                    assert_eq!(o1.into_dyn(), want.unwrap(), "{what} dot={dot} allocating");
                }
            }
        };
        check(&format!("({n},{k})·({k},{m}) -> C"), (n, m), false);
        check(&format!("({n},{k})·({k},{m}) -> F"), (n, m), true);
        check(&format!("({n},{k})·({k},{m}) -> wrong"), (n, m + 1), false);
        // matrix · vector and vector · matrix into 1-D outs, contiguous and stepped.
        for step in [1usize, 2] {
            let mut big1 = Array1::from_elem(step * (n.max(m) + 1) + 1, T::val(7));
            let mut big2 = big1.clone();
            let mut o1 = big1.slice_mut(s![..step * n;step]);
            let mut o2 = big2.slice_mut(s![..step * n;step]);
            let mut o2d = o2.view_mut().into_dyn();
            let (ad, xd) = (a.view().into_dyn(), x.view().into_dyn());
            assert_eq!(
                npdot::matmul_into(&a, &x, &mut o1),
                npdot::matmul_into(&ad, &xd, &mut o2d)
            );
            assert_eq!(
                npdot::dot_into(&a, &x, &mut o1),
                npdot::dot_into(&ad, &xd, &mut o2d)
            );
            assert_eq!(big1, big2, "({n},{k})·({k},) step {step}");
            if step == 1 {
                // A contiguous `out`: the allocating call's values (the same vector kernel).
                let want = npdot::dot(&ad, &xd).unwrap();
                assert_eq!(
                    big1.slice(s![..n]).into_dyn(),
                    want,
                    "({n},{k})·({k},) allocating"
                );
            }
            let mut o1 = big1.slice_mut(s![..step * m;step]);
            let mut o2 = big2.slice_mut(s![..step * m;step]);
            let mut o2d = o2.view_mut().into_dyn();
            let bd = b.view().into_dyn();
            let xr: Array1<T> = data(&[k], 5);
            let xrd = xr.view().into_dyn();
            assert_eq!(
                npdot::matmul_into(&xr, &b, &mut o1),
                npdot::matmul_into(&xrd, &bd, &mut o2d)
            );
            assert_eq!(
                npdot::dot_into(&xr, &b, &mut o1),
                npdot::dot_into(&xrd, &bd, &mut o2d)
            );
            assert_eq!(big1, big2, "({k},)·({k},{m}) step {step}");
            if step == 1 {
                let want = npdot::matmul(&xrd, &bd).unwrap();
                assert_eq!(
                    big1.slice(s![..m]).into_dyn(),
                    want,
                    "({k},)·({k},{m}) allocating"
                );
            }
            // A wrong length, and a mismatched operand.
            let mut o1 = big1.slice_mut(s![..step * (m + 1);step]);
            let mut o2 = big2.slice_mut(s![..step * (m + 1);step]);
            let mut o2d = o2.view_mut().into_dyn();
            assert_eq!(
                npdot::matmul_into(&xr, &b, &mut o1),
                npdot::matmul_into(&xrd, &bd, &mut o2d)
            );
            assert_eq!(
                npdot::dot_into(&xm, &b, &mut o1),
                npdot::dot_into(&xm.view().into_dyn(), &bd, &mut o2d)
            );
            assert_eq!(big1, big2);
        }
    }
}

#[test]
fn into_forms_equal_the_general_path() {
    into_forms::<f64>();
    into_forms::<i32>();
    into_forms::<Complex64>();
    into_forms::<bool>();
}

/// Errors a static call reports itself (shape checks, sizes) are the IxDyn path's.
#[test]
fn errors_are_the_general_paths() {
    let a: Array2<f64> = data(&[2, 3], 0);
    let v: Array1<f64> = data(&[2], 0);
    let e = |r: Result<Array1<f64>, npdot::Error>| r.unwrap_err().to_string();
    assert_eq!(
        e(npdot::dot(&a, &v)),
        "shapes (2,3) and (2,) not aligned: 3 (dim 1) != 2 (dim 0)"
    );
    assert_eq!(
        e(npdot::inner(&v, &a)),
        "shapes (2,) and (3,2) not aligned: 2 (dim 0) != 3 (dim 0)"
    );
    assert_eq!(
        e(npdot::matmul(&a, &v)),
        "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \
         (n?,k),(k,m?)->(n?,m?) (size 2 is different from 3)"
    );
    // Too big to allocate: a broadcast (stride 0) view with huge dimensions.
    let one = ndarray::arr2(&[[1.0f64]]);
    let tall = one.broadcast((1 << 40, 3)).unwrap();
    let wide = one.broadcast((3, 1 << 40)).unwrap();
    let col = ndarray::arr1(&[1.0f64]);
    let col3 = col.broadcast(3).unwrap();
    let wider = one.broadcast((3, 1 << 61)).unwrap(); // (1 << 61) · 8 bytes: too big
    for (got, want) in [
        (
            npdot::dot(&tall, &wide).map(|_| ()),
            npdot::dot(&tall.into_dyn(), &wide.into_dyn()).map(|_| ()),
        ),
        (
            npdot::matmul(&tall, &wide).map(|_| ()),
            npdot::matmul(&tall.into_dyn(), &wide.into_dyn()).map(|_| ()),
        ),
        (
            npdot::inner(&tall, &tall).map(|_| ()),
            npdot::inner(&tall.into_dyn(), &tall.into_dyn()).map(|_| ()),
        ),
        (
            npdot::matmul(&col3, &wider).map(|_| ()),
            npdot::matmul(&col3.into_dyn(), &wider.into_dyn()).map(|_| ()),
        ),
    ] {
        assert_eq!(got, want);
        assert_eq!(got, Err(npdot::Error::TooBig));
    }
    // An empty result is too big too when its non-zero dimensions are (NumPy counts them).
    let empty = ndarray::Array2::<f64>::zeros((0, 3));
    let huge = one.broadcast((3, 1 << 61)).unwrap();
    assert_eq!(
        npdot::matmul(&empty, &huge).map(|_| ()),
        Err(npdot::Error::TooBig)
    );
    assert_eq!(
        npdot::dot(&empty, &huge).map(|_| ()),
        npdot::dot(&empty.view().into_dyn(), &huge.into_dyn()).map(|_| ())
    );
}

/// With `a: &ArrayRef` (ndarray 0.17's argument type), the method call is ndarray's own `dot`.
#[test]
fn method_dot_on_arrayref_is_ndarrays() {
    let a = array![[1.0, 2.0], [3.0, 4.0]];
    let x = array![1.0, -1.0];
    let r: &ndarray::ArrayRef<f64, Ix2> = &a;
    let nd: Array1<f64> = r.dot(&x);
    assert_eq!(nd, array![-1.0, -1.0]);
}
