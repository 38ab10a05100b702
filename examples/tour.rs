//! A tour of npdot: every example of the two documents this crate comes from — the
//! "np.dot vs np.inner" question and the `numpy.matmul` reference page — run through npdot and
//! printed next to what NumPy 2.4.6 prints for the same code.
//!
//! ```text
//! cargo run --release --example tour
//! ```
//!
//! NumPy's side is hard-coded text, for display only; regenerate it with
//! `python examples/tour_numpy.py` (numpy==2.4.*). Every npdot result is checked against the
//! values NumPy returned (and errors against NumPy's exact message) and marked ✓ or ✗; the tour
//! exits with status 1 if any example disagrees.

use ndarray::{Array, ArrayD, Dimension, IxDyn, ShapeBuilder, arr0, array, s};
use npdot::prelude::*;
use num_complex::Complex64;

/// Runs `let` in the tour and shows it next to its NumPy counterpart.
macro_rules! setup {
    ($t:expr, $np:literal, let mut $name:ident = $e:expr) => {
        let mut $name = $e;
        $t.setup(
            $np,
            concat!("let mut ", stringify!($name), " = ", stringify!($e), ";"),
        );
    };
    ($t:expr, $np:literal, let $name:ident = $e:expr) => {
        let $name = $e;
        $t.setup(
            $np,
            concat!("let ", stringify!($name), " = ", stringify!($e), ";"),
        );
    };
}

/// Runs one example: the NumPy code and its printout, the npdot expression (shown as written),
/// and either the value NumPy returned (`want ...`) or `error` (NumPy raised; npdot must return
/// `Err` with the same message).
macro_rules! check {
    ($t:expr, $np:literal => $np_out:expr, $rs:expr, want $want:expr) => {
        $t.value($np, $np_out, stringify!($rs), $rs, $want)
    };
    ($t:expr, $np:literal => $np_out:expr, $rs:expr, error) => {
        $t.error($np, $np_out, stringify!($rs), $rs)
    };
}

fn main() {
    let mut tour = Tour::default();
    println!("npdot tour: the seed documents' examples, NumPy 2.4.6 (left) and npdot (right)");
    println!(
        "float and complex products computed by {}",
        if cfg!(feature = "blas") {
            "OpenBLAS (cblas)"
        } else {
            "npdot's pure-Rust kernels (built without the `blas` feature)"
        }
    );
    dot_versus_inner(&mut tour);
    matmul_reference(&mut tour);
    out_arguments(&mut tour);
    errors(&mut tour);
    product_family(&mut tour);
    tour.finish();
}

/// Seed 1: "What is the difference between np.dot and np.inner?"
#[allow(non_snake_case)] // `A`, `B` as in the seed document
fn dot_versus_inner(t: &mut Tour) {
    t.section(
        "1. np.dot vs np.inner (seed: \"What is the difference between np.dot and np.inner?\")",
    );

    setup!(t, "a = np.array([[1,2],[3,4]])", let a = array![[1i64, 2], [3, 4]].into_dyn());
    setup!(t, "b = np.array([[11,12],[13,14]])", let b = array![[11i64, 12], [13, 14]].into_dyn());
    check!(t, "np.dot(a, b)" => &["array([[37, 40],", "       [85, 92]])"],
        a.dot(&b), want array![[37i64, 40], [85, 92]].into_dyn());
    check!(t, "np.inner(a, b)" => &["array([[35, 41],", "       [81, 95]])"],
        a.inner(&b), want array![[35i64, 41], [81, 95]].into_dyn());

    t.note("1-D: the only case where np.dot and np.inner agree (a 0-D result prints as NumPy's scalar)");
    setup!(t, "x = np.arange(1000.0)",
        let x = ArrayD::from_shape_fn(IxDyn(&[1000]), |i| i[0] as f64));
    check!(t, "np.dot(x, x)" => &["np.float64(332833500.0)"],
        x.dot(&x), want arr0(332833500.0).into_dyn());
    check!(t, "np.inner(x, x)" => &["np.float64(332833500.0)"],
        x.inner(&x), want arr0(332833500.0).into_dyn());

    t.note("\"For 1 and 2 dimensional arrays numpy.inner works as transpose the second matrix then multiply\"");
    setup!(t, "A = np.array([[1,10],[100,1000]])", let A = array![[1i64, 10], [100, 1000]].into_dyn());
    setup!(t, "B = np.array([[1,2],[3,4]])", let B = array![[1i64, 2], [3, 4]].into_dyn());
    check!(t, "np.inner(A, B)" => &["array([[  21,   43],", "       [2100, 4300]])"],
        A.inner(&B), want array![[21i64, 43], [2100, 4300]].into_dyn());
    check!(t, "np.dot(A, B.T)" => &["array([[  21,   43],", "       [2100, 4300]])"],
        A.dot(&B.t()), want array![[21i64, 43], [2100, 4300]].into_dyn());
    t.note("numpy.inner([a,b],[c,d]) = ac+bd and numpy.inner([[a],[b]], [[c],[d]]) = [[ac,ad],[bc,bd]]");
    check!(t, "np.inner([1,2], [3,4])" => &["np.int64(11)"],
        npdot::inner(&array![1i64, 2], &array![3i64, 4]), want 11i64);
    check!(t, "np.inner([[1],[2]], [[3],[4]])" => &["array([[3, 4],", "       [6, 8]])"],
        npdot::inner(&array![[1i64], [2]], &array![[3i64], [4]]),
        want array![[3i64, 4], [6, 8]]);

    t.note(
        "\"inner is not working properly with complex 2D arrays\": it multiplies rows with rows",
    );
    setup!(t, "m = np.array([[1+1j,2+2j,3+3j],[4+4j,5+5j,6+6j],[7+7j,8+8j,9+9j]])",
        let m = array![[c(1., 1.), c(2., 2.), c(3., 3.)], [c(4., 4.), c(5., 5.), c(6., 6.)], [c(7., 7.), c(8., 8.), c(9., 9.)]].into_dyn());
    check!(t, "m.T" => &[
            "array([[1.+1.j, 4.+4.j, 7.+7.j],",
            "       [2.+2.j, 5.+5.j, 8.+8.j],",
            "       [3.+3.j, 6.+6.j, 9.+9.j]])",
        ],
        Ok(m.t().to_owned()),
        want cmat(&[[1., 4., 7.], [2., 5., 8.], [3., 6., 9.]], &[[1., 4., 7.], [2., 5., 8.], [3., 6., 9.]]));
    check!(t, "np.inner(m, m.T)" => &[
            "array([[0. +60.j, 0. +72.j, 0. +84.j],",
            "       [0.+132.j, 0.+162.j, 0.+192.j],",
            "       [0.+204.j, 0.+252.j, 0.+300.j]])",
        ],
        m.inner(&m.t()),
        want cmat(&[[0.; 3]; 3], &[[60., 72., 84.], [132., 162., 192.], [204., 252., 300.]]));
    check!(t, "np.dot(m, m.T)" => &[
            "array([[0. +28.j, 0. +64.j, 0.+100.j],",
            "       [0. +64.j, 0.+154.j, 0.+244.j],",
            "       [0.+100.j, 0.+244.j, 0.+388.j]])",
        ],
        m.dot(&m.t()),
        want cmat(&[[0.; 3]; 3], &[[28., 64., 100.], [64., 154., 244.], [100., 244., 388.]]));

    t.note(
        "\"its behavior is different in higher dimensions\": three products of the same 3-D arrays",
    );
    setup!(t, "p = np.arange(8).reshape(2,2,2)", let p = arange(0, 8, &[2, 2, 2]));
    setup!(t, "q = np.arange(8, 16).reshape(2,2,2)", let q = arange(8, 16, &[2, 2, 2]));
    check!(t, "np.dot(p, q)" => &[
            "array([[[[ 10,  11],",
            "         [ 14,  15]],",
            "",
            "        [[ 46,  51],",
            "         [ 66,  71]]],",
            "",
            "",
            "       [[[ 82,  91],",
            "         [118, 127]],",
            "",
            "        [[118, 131],",
            "         [170, 183]]]])",
        ],
        p.dot(&q),
        want ints(&[2, 2, 2, 2], &[10, 11, 14, 15, 46, 51, 66, 71, 82, 91, 118, 127, 118, 131, 170, 183]));
    check!(t, "np.inner(p, q)" => &[
            "array([[[[  9,  11],",
            "         [ 13,  15]],",
            "",
            "        [[ 43,  53],",
            "         [ 63,  73]]],",
            "",
            "",
            "       [[[ 77,  95],",
            "         [113, 131]],",
            "",
            "        [[111, 137],",
            "         [163, 189]]]])",
        ],
        p.inner(&q),
        want ints(&[2, 2, 2, 2], &[9, 11, 13, 15, 43, 53, 63, 73, 77, 95, 113, 131, 111, 137, 163, 189]));
    check!(t, "np.matmul(p, q)" => &[
            "array([[[ 10,  11],",
            "        [ 46,  51]],",
            "",
            "       [[118, 127],",
            "        [170, 183]]])",
        ],
        p.matmul(&q),
        want ints(&[2, 2, 2], &[10, 11, 46, 51, 118, 127, 170, 183]));
}

/// Seed 2: the `numpy.matmul` reference page.
fn matmul_reference(t: &mut Tour) {
    t.section("2. numpy.matmul, the reference page's examples (free functions take any ndarray; static dimensions in, static dimensions out)");

    t.note("For 2-D arrays it is the matrix product");
    setup!(t, "a = [[1, 0], [0, 1]]", let a = array![[1i64, 0], [0, 1]]);
    setup!(t, "b = [[4, 1], [2, 2]]", let b = array![[4i64, 1], [2, 2]]);
    check!(t, "np.matmul(a, b)" => &["array([[4, 1],", "       [2, 2]])"],
        npdot::matmul(&a, &b), want array![[4i64, 1], [2, 2]]);

    t.note("For 2-D mixed with 1-D, the result is the usual");
    setup!(t, "b = [1, 2]", let b = array![1i64, 2]);
    check!(t, "np.matmul(a, b)" => &["array([1, 2])"],
        npdot::matmul(&a, &b), want array![1i64, 2]);
    check!(t, "np.matmul(b, a)" => &["array([1, 2])"],
        npdot::matmul(&b, &a), want array![1i64, 2]);

    t.note("Broadcasting is conventional for stacks of arrays");
    setup!(t, "a = np.arange(2*2*4).reshape((2,2,4))", let a = arange(0, 16, &[2, 2, 4]));
    setup!(t, "b = np.arange(2*2*4).reshape((2,4,2))", let b = arange(0, 16, &[2, 4, 2]));
    check!(t, "np.matmul(a,b).shape" => &["(2, 2, 2)"],
        a.matmul(&b).map(|c| c.shape().to_vec()), want vec![2, 2, 2]);
    check!(t, "np.matmul(a,b)[0,1,1]" => &["np.int64(98)"],
        a.matmul(&b).map(|c| c[[0, 1, 1]]), want 98);
    check!(t, "sum(a[0,1,:] * b[0,:,1])" => &["np.int64(98)"],
        npdot::dot(&a.slice(s![0, 1, ..]), &b.slice(s![0, .., 1])), want 98i64);
    check!(t, "np.matmul(a,b)" => &[
            "array([[[ 28,  34],",
            "        [ 76,  98]],",
            "",
            "       [[428, 466],",
            "        [604, 658]]])",
        ],
        a.matmul(&b),
        want ints(&[2, 2, 2], &[28, 34, 76, 98, 428, 466, 604, 658]));
    t.note("matmul differs from dot: stacks of matrices are broadcast together as if the matrices were elements");
    check!(t, "np.dot(a,b).shape" => &["(2, 2, 2, 2)"],
        a.dot(&b).map(|c| c.shape().to_vec()), want vec![2, 2, 2, 2]);

    t.note("Vector, vector returns the scalar inner product, but neither argument is complex-conjugated");
    check!(t, "np.matmul([2j, 3j], [2j, 3j])" => &["np.complex128(-13+0j)"],
        npdot::matmul(&array![c(0., 2.), c(0., 3.)], &array![c(0., 2.), c(0., 3.)]),
        want c(-13., 0.));

    t.note("Scalar multiplication raises an error (the 1.10-era page printed \"Scalar operands are not allowed, use '*' instead\"; NumPy 2 prints the gufunc message; npdot: with a static 0-D operand (`arr0(3)`) the call does not even compile, with an `ArrayD` one it is NumPy's error)");
    check!(t, "np.matmul([1,2], 3)" => &["ValueError: matmul: Input operand 1 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"],
        npdot::matmul(&array![1i64, 2], &arr0(3i64).into_dyn()), error);
    check!(t, "np.matmul(3, [1,2])" => &["ValueError: matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"],
        npdot::matmul(&arr0(3i64).into_dyn(), &array![1i64, 2]), error);
    t.note("matmul differs from dot: multiplication by scalars is not allowed (dot multiplies)");
    check!(t, "np.dot([1,2], 3)" => &["array([3, 6])"],
        npdot::dot(&array![1i64, 2], &arr0(3i64)), want array![3i64, 6]);
}

/// The page's `out` paragraph, with NumPy 2's two sets of rules: `dot` wants exactly the result's
/// shape, C-contiguous; `matmul` is a gufunc and takes any strides and extra broadcast dims.
fn out_arguments(t: &mut Tour) {
    t.section(
        "3. out=: np.dot needs the exact shape and a C-array; np.matmul follows gufunc rules",
    );

    setup!(t, "a = np.array([[1, 0], [0, 1]])", let a = array![[1i64, 0], [0, 1]].into_dyn());
    setup!(t, "b = np.array([[4, 1], [2, 2]])", let b = array![[4i64, 1], [2, 2]].into_dyn());
    setup!(t, "out = np.zeros((2,2), dtype=int)", let mut out = ArrayD::<i64>::zeros(IxDyn(&[2, 2])));
    check!(t, "np.dot(a, b, out=out)" => &["array([[4, 1],", "       [2, 2]])"],
        a.dot_into(&b, &mut out).map(|()| out.clone()),
        want array![[4i64, 1], [2, 2]].into_dyn());
    check!(t, "np.dot(a, b, out=np.zeros((2,2), dtype=int).T)" => &["ValueError: output array is not acceptable (must have the right datatype, number of dimensions, and be a C-Array)"],
        a.dot_into(&b, &mut ArrayD::zeros(IxDyn(&[2, 2]).f())), error);
    check!(t, "np.dot(a, b, out=np.zeros((2,3), dtype=int))" => &["ValueError: output array has wrong dimensions"],
        a.dot_into(&b, &mut ArrayD::zeros(IxDyn(&[2, 3]))), error);
    setup!(t, "out_t = np.zeros((2,2), dtype=int).T", let mut out_t = ArrayD::<i64>::zeros(IxDyn(&[2, 2]).f()));
    check!(t, "np.matmul(a, b, out=out_t)" => &["array([[4, 1],", "       [2, 2]])"],
        a.matmul_into(&b, &mut out_t).map(|()| out_t.clone()),
        want array![[4i64, 1], [2, 2]].into_dyn());
    setup!(t, "out3 = np.zeros((3,2,2), dtype=int)", let mut out3 = ArrayD::<i64>::zeros(IxDyn(&[3, 2, 2])));
    check!(t, "np.matmul(a, b, out=out3)" => &[
            "array([[[4, 1],",
            "        [2, 2]],",
            "",
            "       [[4, 1],",
            "        [2, 2]],",
            "",
            "       [[4, 1],",
            "        [2, 2]]])",
        ],
        a.matmul_into(&b, &mut out3).map(|()| out3.clone()),
        want ints(&[3, 2, 2], &[4, 1, 2, 2, 4, 1, 2, 2, 4, 1, 2, 2]));
    check!(t, "np.matmul(a, b, out=np.zeros((2,3), dtype=int))" => &["ValueError: matmul: Output operand 0 has a mismatch in its core dimension 1, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)"],
        a.matmul_into(&b, &mut ArrayD::zeros(IxDyn(&[2, 3]))), error);
}

/// The page's "Raises ValueError" paragraph, for each function.
fn errors(t: &mut Tour) {
    t.section("4. \"If the last dimension of a is not the same size as the second-to-last dimension of b\": ValueError");
    check!(t, "np.matmul(np.ones((2,3)), np.ones((2,3)))" => &["ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 2 is different from 3)"],
        ones(&[2, 3]).matmul(&ones(&[2, 3])), error);
    check!(t, "np.dot(np.ones((2,3)), np.ones((2,3)))" => &["ValueError: shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)"],
        ones(&[2, 3]).dot(&ones(&[2, 3])), error);
    t.note("np.inner prints the second shape with its last two axes swapped, and so does npdot");
    check!(t, "np.inner(np.ones((2,3)), np.ones((2,4)))" => &["ValueError: shapes (2,3) and (4,2) not aligned: 3 (dim 1) != 4 (dim 0)"],
        ones(&[2, 3]).inner(&ones(&[2, 4])), error);
    check!(t, "np.inner(np.ones((2,3)), np.ones((5,6,7)))" => &["ValueError: shapes (2,3) and (5,7,6) not aligned: 3 (dim 1) != 7 (dim 1)"],
        ones(&[2, 3]).inner(&ones(&[5, 6, 7])), error);
    t.note("stacks that do not broadcast (note NumPy's two spaces before \"and\")");
    check!(t, "np.matmul(np.ones((2,2,3)), np.ones((3,3,2)))" => &["ValueError: operands could not be broadcast together with remapped shapes [original->remapped]: (2,2,3)->(2,newaxis,newaxis) (3,3,2)->(3,newaxis,newaxis)  and requested shape (2,2)"],
        ones(&[2, 2, 3]).matmul(&ones(&[3, 3, 2])), error);
}

/// The rest of NumPy's "Matrix and vector products": one example of each function.
fn product_family(t: &mut Tour) {
    t.section("5. The rest of NumPy's matrix and vector products (np.* and np.linalg.*)");

    setup!(t, "a = np.array([1+2j, 3+4j])", let a = array![c(1., 2.), c(3., 4.)].into_dyn());
    setup!(t, "b = np.array([5+6j, 7+8j])", let b = array![c(5., 6.), c(7., 8.)].into_dyn());
    t.note("vdot conjugates its first argument");
    check!(t, "np.vdot(a, b)" => &["np.complex128(70-8j)"], a.vdot(&b), want c(70., -8.));
    check!(t, "np.outer([1, 2, 3], [10, 20])" => &["array([[10, 20],", "       [20, 40],", "       [30, 60]])"],
        npdot::outer(&array![1i64, 2, 3], &array![10i64, 20]).map(|o| o.into_dyn()),
        want ints(&[3, 2], &[10, 20, 20, 40, 30, 60]));

    setup!(t, "x = np.arange(24.0).reshape(2, 3, 4)", let x = arange(0, 24, &[2, 3, 4]).mapv(|v| v as f64));
    setup!(t, "y = np.arange(12.0).reshape(4, 3)", let y = arange(0, 12, &[4, 3]).mapv(|v| v as f64));
    t.note("tensordot: one GEMM over permuted, merged views of x and y (no copy here)");
    check!(t, "np.tensordot(x, y, axes=([1, 2], [1, 0]))" => &["array([ 440., 1232.])"],
        x.tensordot(&y, ([1isize, 2], [1isize, 0])),
        want array![440.0, 1232.0].into_dyn());
    check!(t, "np.tensordot(x, y, axes=([1, 2], [0, 1]))" => &["ValueError: shape-mismatch for sum"],
        x.tensordot(&y, ([1isize, 2], [0isize, 1])), error);
    check!(t, "np.kron([[1, 2], [3, 4]], [[0, 1], [1, 0]])" => &[
            "array([[0, 1, 0, 2],",
            "       [1, 0, 2, 0],",
            "       [0, 3, 0, 4],",
            "       [3, 0, 4, 0]])",
        ],
        npdot::kron(&array![[1i64, 2], [3, 4]], &array![[0i64, 1], [1, 0]]).map(|k: ndarray::Array2<i64>| k.into_dyn()),
        want ints(&[4, 4], &[0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0]));

    setup!(t, "v = np.array([[0., 5., 0.], [0., 0., 10.], [0., 6., 8.]])",
        let v = array![[0., 5., 0.], [0., 0., 10.], [0., 6., 8.]].into_dyn());
    setup!(t, "n = np.array([0., 0.6, 0.8])", let n = array![0., 0.6, 0.8].into_dyn());
    check!(t, "np.vecdot(v, n)" => &["array([ 3.,  8., 10.])"], v.vecdot(&n), want array![3.0, 8.0, 10.0].into_dyn());
    setup!(t, "m = np.arange(6).reshape(2, 3)", let m = arange(0, 6, &[2, 3]));
    check!(t, "np.matvec(m, [1, 0, -1])" => &["array([-2, -2])"],
        m.matvec(&array![1i64, 0, -1]), want array![-2i64, -2].into_dyn());
    check!(t, "np.vecmat([1, -1], m)" => &["array([-3, -3, -3])"],
        npdot::vecmat(&array![1i64, -1], &m), want array![-3i64, -3, -3].into_dyn());

    t.note("einsum: pairwise products on the BLAS/integer kernels; a permutation or diagonal borrows its operand");
    check!(t, "np.einsum('ij,jk->ik', m, m.T)" => &["array([[ 5, 14],", "       [14, 50]])"],
        npdot::einsum("ij,jk->ik", &[m.view(), m.t()]).map(|r| r.into_owned()),
        want ints(&[2, 2], &[5, 14, 14, 50]));
    setup!(t, "sq = np.arange(9).reshape(3, 3)", let sq = arange(0, 9, &[3, 3]));
    check!(t, "np.einsum('ii->i', sq)  # a view" => &["array([0, 4, 8])"],
        npdot::einsum("ii->i", &[sq.view()]).map(|r| { assert!(r.is_view()); r.into_owned() }),
        want array![0i64, 4, 8].into_dyn());
    check!(t, "np.einsum_path('ij,jk,kl->il', ...(2,3),(3,4),(4,5), optimize='greedy')[0]" => &["['einsum_path', (1, 2), (0, 1)]"],
        npdot::einsum_path("ij,jk,kl->il",
            &[ones(&[2, 3]).view(), ones(&[3, 4]).view(), ones(&[4, 5]).view()],
            npdot::Optimize::Greedy).map(|(path, _report)| path),
        want vec![vec![1, 2], vec![0, 1]]);

    t.note("np.linalg: multi_dot in NumPy's chain order, matrix_power by repeated squaring, cross");
    check!(t, "np.linalg.multi_dot([np.ones((10, 100)), np.ones((100, 5)), np.ones((5, 50))]).shape" => &["(10, 50)"],
        npdot::linalg::multi_dot(&[ones(&[10, 100]).view(), ones(&[100, 5]).view(), ones(&[5, 50]).view()])
            .map(|r| r.shape().to_vec()),
        want vec![10, 50]);
    check!(t, "np.linalg.matrix_power(np.array([[1, 1], [1, 0]]), 10)" => &["array([[89, 55],", "       [55, 34]])"],
        npdot::linalg::matrix_power(&ints(&[2, 2], &[1, 1, 1, 0]), 10),
        want ints(&[2, 2], &[89, 55, 55, 34]));
    check!(t, "np.linalg.matrix_power(np.array([[2., 0.], [0., 4.]]), -1)" => &["array([[0.5 , 0.  ],", "       [0.  , 0.25]])"],
        npdot::linalg::matrix_power(&array![[2.0, 0.0], [0.0, 4.0]].into_dyn(), -1),
        want array![[0.5, 0.0], [0.0, 0.25]].into_dyn());
    check!(t, "np.linalg.matrix_power(np.array([[1., 2.], [2., 4.]]), -1)" => &["LinAlgError: Singular matrix"],
        npdot::linalg::matrix_power(&array![[1.0, 2.0], [2.0, 4.0]].into_dyn(), -1), error);
    check!(t, "np.linalg.cross([1., 0., 0.], [0., 1., 0.])" => &["array([0., 0., 1.])"],
        npdot::linalg::cross(&array![1.0, 0.0, 0.0], &array![0.0, 1.0, 0.0], -1),
        want array![0.0, 0.0, 1.0].into_dyn());
    check!(t, "np.linalg.cross([1., 2.], [3., 4.])" => &["ValueError: Both input arrays must be (arrays of) 3-dimensional vectors, but they are 2 and 2 dimensional instead."],
        npdot::linalg::cross(&array![1.0, 2.0], &array![3.0, 4.0], -1), error);
    t.note("np.linalg's vecdot (with an axis), outer (1-D only), tensordot and matmul");
    setup!(t, "w = np.array([[1, 2], [3, 4]])", let w = ints(&[2, 2], &[1, 2, 3, 4]));
    check!(t, "np.linalg.vecdot(w, w, axis=0)" => &["array([10, 20])"],
        npdot::linalg::vecdot(&w, &w, 0), want array![10i64, 20].into_dyn());
    check!(t, "np.linalg.outer([1, 2, 3], [10, 20])" => &["array([[10, 20],", "       [20, 40],", "       [30, 60]])"],
        npdot::linalg::outer(&array![1i64, 2, 3], &array![10i64, 20]).map(|o| o.into_dyn()),
        want ints(&[3, 2], &[10, 20, 20, 40, 30, 60]));
    check!(t, "np.linalg.outer(w, [1, 2])" => &["ValueError: Input arrays must be one-dimensional, but they are x1.ndim=2 and x2.ndim=1."],
        npdot::linalg::outer(&w, &array![1i64, 2]).map(|o| o.into_dyn()), error);
    check!(t, "np.linalg.tensordot(x, y, axes=([1, 2], [1, 0]))" => &["array([ 440., 1232.])"],
        npdot::linalg::tensordot(&x, &y, ([1isize, 2], [1isize, 0])),
        want array![440.0, 1232.0].into_dyn());
    check!(t, "np.linalg.matmul(w, w)" => &["array([[ 7, 10],", "       [15, 22]])"],
        npdot::linalg::matmul(&w, &w), want ints(&[2, 2], &[7, 10, 15, 22]));
}

// ---------------------------------------------------------------------------------------------
// Helpers: building inputs.

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

/// `np.arange(start, end).reshape(shape)` as `int64`.
fn arange(start: i64, end: i64, shape: &[usize]) -> ArrayD<i64> {
    ints(shape, &(start..end).collect::<Vec<_>>())
}

fn ints(shape: &[usize], values: &[i64]) -> ArrayD<i64> {
    ArrayD::from_shape_vec(IxDyn(shape), values.to_vec()).expect("shape matches the values")
}

/// `np.ones(shape)` (float64).
fn ones(shape: &[usize]) -> ArrayD<f64> {
    ArrayD::ones(IxDyn(shape))
}

/// A 3×3 complex matrix from its real and imaginary parts.
fn cmat(re: &[[f64; 3]; 3], im: &[[f64; 3]; 3]) -> ArrayD<Complex64> {
    ArrayD::from_shape_fn(IxDyn(&[3, 3]), |i| c(re[i[0]][i[1]], im[i[0]][i[1]]))
}

// ---------------------------------------------------------------------------------------------
// Helpers: running and printing the examples.

/// Left column width in the side-by-side layout, and the most the right column may take.
const LEFT: usize = 44;
const RIGHT: usize = 58;

#[derive(Default)]
struct Tour {
    passed: usize,
    failed: Vec<String>,
    /// What was printed last, to put blank lines between blocks but not inside them.
    last: Block,
}

#[derive(Clone, Copy, Default, PartialEq)]
enum Block {
    #[default]
    Heading,
    Setup,
    Case,
}

impl Tour {
    fn section(&mut self, title: &str) {
        println!("\n{}\n{title}\n{}", "═".repeat(100), "═".repeat(100));
        self.last = Block::Heading;
    }

    fn note(&mut self, text: &str) {
        println!("\n  # {text}");
        self.last = Block::Heading;
    }

    /// Starts a block: a blank line unless it follows a heading or continues a run of setups.
    fn start(&mut self, block: Block) {
        if self.last == Block::Case || (self.last == Block::Setup && block == Block::Case) {
            println!();
        }
        self.last = block;
    }

    fn setup(&mut self, np: &str, rs: &str) {
        self.start(Block::Setup);
        self.print(&[format!(">>> {np}")], &[one_line(rs)]);
    }

    /// An example whose NumPy result is a value.
    fn value<V: Show + PartialEq>(
        &mut self,
        np: &str,
        np_out: &[&str],
        rs: &str,
        got: Result<V, npdot::Error>,
        want: V,
    ) {
        self.start(Block::Case);
        let mut left = vec![format!(">>> {np}")];
        left.extend(np_out.iter().map(|l| l.to_string()));
        let mut right = vec![one_line(rs)];
        let verdict = match &got {
            Ok(v) => {
                let shown = v.show();
                right.extend(shown.lines().map(str::to_string));
                if *v != want {
                    format!("✗ differs from NumPy's result: {}", want.show())
                } else if shown != np_out.join("\n") {
                    "✓ same values (the printout differs: the tour's formatter is simple)".into()
                } else {
                    "✓ same values, same printout".into()
                }
            }
            Err(e) => {
                right.push(format!("Err({e:?})"));
                format!("✗ NumPy returned a value, npdot an error: {e}")
            }
        };
        right.push(verdict.clone());
        self.print(&left, &right);
        self.tally(np, &verdict);
    }

    /// An example where NumPy raises `ValueError`: npdot must return `Err` with the same text.
    fn error<V: Show>(
        &mut self,
        np: &str,
        np_out: &[&str],
        rs: &str,
        got: Result<V, npdot::Error>,
    ) {
        self.start(Block::Case);
        let np_text = np_out.join("\n");
        // NumPy's exception name (`ValueError: `, `LinAlgError: `) is not part of the message.
        let want = match np_text.split_once(": ") {
            Some((name, msg)) if name.ends_with("Error") && !name.contains(' ') => msg,
            _ => &np_text,
        };
        let mut left = vec![format!(">>> {np}")];
        left.extend(np_out.iter().map(|l| l.to_string()));
        let mut right = vec![one_line(rs)];
        let verdict = match &got {
            Err(e) => {
                right.push(format!("Err({e:?})"));
                right.push(format!("Display: {e}"));
                if e.to_string() == want {
                    "✓ same message, byte for byte".to_string()
                } else {
                    "✗ the message differs from NumPy's".to_string()
                }
            }
            Ok(v) => {
                right.extend(v.show().lines().map(str::to_string));
                "✗ NumPy raised ValueError, npdot returned a value".to_string()
            }
        };
        right.push(verdict.clone());
        self.print(&left, &right);
        self.tally(np, &verdict);
    }

    fn tally(&mut self, np: &str, verdict: &str) {
        if verdict.starts_with('✓') {
            self.passed += 1;
        } else {
            self.failed.push(np.to_string());
        }
    }

    /// Side by side when both columns fit, NumPy above npdot otherwise.
    fn print(&self, left: &[String], right: &[String]) {
        let width = |v: &[String]| v.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        if width(left) <= LEFT - 2 && width(right) <= RIGHT {
            for i in 0..left.len().max(right.len()) {
                let l = left.get(i).map_or("", String::as_str);
                let r = right.get(i).map_or("", String::as_str);
                let line = format!("  {l:<LEFT$}{r}");
                println!("{}", line.trim_end());
            }
        } else {
            for (i, l) in left.iter().enumerate() {
                println!("  {:<7}{l}", if i == 0 { "NumPy" } else { "" });
            }
            for (i, r) in right.iter().enumerate() {
                println!("  {:<7}{r}", if i == 0 { "npdot" } else { "" });
            }
        }
    }

    fn finish(self) {
        let total = self.passed + self.failed.len();
        println!("\n{}", "═".repeat(100));
        if self.failed.is_empty() {
            println!("✓ all {total} examples agree with NumPy 2.4.6");
        } else {
            println!(
                "✗ {} of {total} examples disagree with NumPy 2.4.6:",
                self.failed.len()
            );
            for np in &self.failed {
                println!("    {np}");
            }
            std::process::exit(1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A tiny NumPy-style printer: `repr` of int64, float64 and complex128 arrays and scalars, with
// NumPy's alignment and nesting (no line wrapping, no summarisation of large arrays).

/// What the tour can print the way NumPy's `repr` does.
trait Show {
    fn show(&self) -> String;
}

/// A shape, printed as NumPy prints `a.shape`: `(2, 2, 2)`.
impl Show for Vec<usize> {
    fn show(&self) -> String {
        match self.as_slice() {
            [d] => format!("({d},)"),
            _ => {
                let dims: Vec<String> = self.iter().map(usize::to_string).collect();
                format!("({})", dims.join(", "))
            }
        }
    }
}

/// An einsum path, printed as NumPy prints the list (without its leading `'einsum_path'`).
impl Show for Vec<Vec<usize>> {
    fn show(&self) -> String {
        let items: Vec<String> = self
            .iter()
            .map(|t| match t.as_slice() {
                [i] => format!("({i},)"),
                _ => format!(
                    "({})",
                    t.iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect();
        format!("['einsum_path', {}]", items.join(", "))
    }
}

/// A scalar result (a product of two static 1-D arrays), as NumPy prints its scalar.
impl Show for i64 {
    fn show(&self) -> String {
        self.scalar_repr()
    }
}

impl Show for Complex64 {
    fn show(&self) -> String {
        self.scalar_repr()
    }
}

/// `()`: what `dot_into`/`matmul_into` return.
impl Show for () {
    fn show(&self) -> String {
        "Ok(())".to_string()
    }
}

/// An array as NumPy prints it; a 0-D array as NumPy prints the scalar it would return.
impl<T: NpElem, D: Dimension> Show for Array<T, D> {
    fn show(&self) -> String {
        let items: Vec<T> = self.iter().copied().collect();
        if self.ndim() == 0 {
            return items[0].scalar_repr();
        }
        if items.is_empty() {
            return format!("array([], shape={})", self.shape().to_vec().show());
        }
        let strs = T::format_all(&items);
        let mut body = String::new();
        nest(&strs, self.shape(), "array(".len(), &mut body);
        format!("array({body})")
    }
}

/// NumPy's `_formatArray`: `[a, b]` for the last axis; between sub-arrays of a higher axis a
/// comma, one newline per remaining axis, and the indentation of the opening brackets.
fn nest(strs: &[String], shape: &[usize], indent: usize, out: &mut String) {
    out.push('[');
    if shape.len() == 1 {
        out.push_str(&strs.join(", "));
    } else {
        let chunk = strs.len() / shape[0];
        let sep = format!(
            ",{}{}",
            "\n".repeat(shape.len() - 1),
            " ".repeat(indent + 1)
        );
        for (i, sub) in strs.chunks(chunk).enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            nest(sub, &shape[1..], indent + 1, out);
        }
    }
    out.push(']');
}

/// Element types the printer knows.
trait NpElem: Copy + PartialEq {
    /// NumPy's repr of the scalar: `np.int64(11)`.
    fn scalar_repr(self) -> String;
    /// Every element's text, padded to a common width as NumPy pads them in an array.
    fn format_all(items: &[Self]) -> Vec<String>;
}

impl NpElem for i64 {
    fn scalar_repr(self) -> String {
        format!("np.int64({self})")
    }
    fn format_all(items: &[Self]) -> Vec<String> {
        pad_left(items.iter().map(i64::to_string).collect())
    }
}

impl NpElem for f64 {
    fn scalar_repr(self) -> String {
        format!("np.float64({self:?})")
    }
    fn format_all(items: &[Self]) -> Vec<String> {
        format_floats(items, false)
    }
}

impl NpElem for Complex64 {
    fn scalar_repr(self) -> String {
        // Python's complex repr, inside NumPy's: `np.complex128(13j)`, `np.complex128(-13+0j)`.
        let sign = if self.im.is_sign_negative() { '-' } else { '+' };
        if self.re == 0.0 && self.re.is_sign_positive() {
            format!("np.complex128({}j)", self.im)
        } else {
            format!("np.complex128({}{sign}{}j)", self.re, self.im.abs())
        }
    }
    fn format_all(items: &[Self]) -> Vec<String> {
        let re: Vec<f64> = items.iter().map(|z| z.re).collect();
        let im: Vec<f64> = items.iter().map(|z| z.im).collect();
        let re = format_floats(&re, false);
        let im = format_floats(&im, true);
        re.iter()
            .zip(&im)
            .map(|(r, i)| format!("{r}{i}j"))
            .collect()
    }
}

/// NumPy's default float format: at most 8 fractional digits, trailing zeros trimmed but the
/// point kept (`37.`), integer parts right-aligned and fractions left-aligned to a common width.
/// `plus` prints a sign on non-negative numbers too (imaginary parts).
fn format_floats(items: &[f64], plus: bool) -> Vec<String> {
    let parts: Vec<(String, String)> = items
        .iter()
        .map(|&x| {
            let text = format!("{x:.8}");
            let text = text.trim_end_matches('0');
            let (int, frac) = text.split_once('.').unwrap_or((text, ""));
            let int = if plus && !int.starts_with('-') {
                format!("+{int}")
            } else {
                int.to_string()
            };
            (int, format!(".{frac}"))
        })
        .collect();
    let int_w = parts.iter().map(|(i, _)| i.len()).max().unwrap_or(0);
    let frac_w = parts.iter().map(|(_, f)| f.len()).max().unwrap_or(0);
    parts
        .into_iter()
        .map(|(i, f)| format!("{i:>int_w$}{f:<frac_w$}"))
        .collect()
}

/// `stringify!` breaks long expressions over lines; the tour shows them on one.
fn one_line(code: &str) -> String {
    code.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

fn pad_left(strs: Vec<String>) -> Vec<String> {
    let w = strs.iter().map(String::len).max().unwrap_or(0);
    strs.into_iter().map(|s| format!("{s:>w$}")).collect()
}
