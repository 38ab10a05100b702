//! One test per example in the two seed documents (the "dot vs inner" Q&A and NumPy's `matmul`
//! documentation). Every expected value below is what NumPy 2.4.6 prints for the same call;
//! the Python line is quoted above each assertion.

use ndarray::{ArrayD, IxDyn, array};
use npdot::prelude::*;
use num_complex::Complex64;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

// ---------------------------------------------------------------------------------------------
// Q&A: "What is the difference between np.dot(a, b) and np.inner(a, b)?"

// >>> a=np.array([[1,2],[3,4]]); b=np.array([[11,12],[13,14]])
// >>> np.dot(a,b)
// array([[37, 40],
//        [85, 92]])
#[test]
fn qa_dot_2x2() {
    let a = array![[1i64, 2], [3, 4]];
    let b = array![[11i64, 12], [13, 14]];
    assert_eq!(npdot::dot(&a, &b).unwrap(), array![[37i64, 40], [85, 92]]);
    // the same through the trait on ArrayD
    let (a, b) = (a.into_dyn(), b.into_dyn());
    assert_eq!(a.dot(&b).unwrap(), array![[37i64, 40], [85, 92]].into_dyn());
}

// >>> np.inner(a,b)
// array([[35, 41],
//        [81, 95]])
#[test]
fn qa_inner_2x2() {
    let a = array![[1i64, 2], [3, 4]];
    let b = array![[11i64, 12], [13, 14]];
    assert_eq!(npdot::inner(&a, &b).unwrap(), array![[35i64, 41], [81, 95]]);
    let (a, b) = (a.into_dyn(), b.into_dyn());
    assert_eq!(
        a.view().inner(&b.view()).unwrap(),
        array![[35i64, 41], [81, 95]].into_dyn()
    );
    // inner(a, b) is dot(a, b.T) for 2-D operands
    let bt = b.t().to_owned();
    assert_eq!(a.inner(&b).unwrap(), a.dot(&bt).unwrap());
}

// "Performance testing": for 1-D operands dot and inner give the same number.
// >>> a = np.array([(i*37)%11-5 for i in range(1000)], dtype=float)
// >>> b = np.array([(i*13)%7-3 for i in range(1000)], dtype=float)
// >>> np.dot(a,b), np.inner(a,b)
// (np.float64(4.0), np.float64(4.0))
#[test]
fn qa_dot_equals_inner_for_vectors() {
    let a: ArrayD<f64> = (0..1000)
        .map(|i| ((i * 37) % 11 - 5) as f64)
        .collect::<ndarray::Array1<f64>>()
        .into_dyn();
    let b: ArrayD<f64> = (0..1000)
        .map(|i| ((i * 13) % 7 - 3) as f64)
        .collect::<ndarray::Array1<f64>>()
        .into_dyn();
    let d = a.dot(&b).unwrap();
    let i = a.inner(&b).unwrap();
    assert_eq!(d.shape(), &[] as &[usize], "1-D . 1-D is a 0-D array");
    assert_eq!(d[IxDyn(&[])], 4.0);
    assert_eq!(i[IxDyn(&[])], 4.0);
}

// The complex 3x3 example. With
// >>> M = np.array([[1+1j,2+2j,3+3j],[4+4j,5+5j,6+6j],[7+7j,8+8j,9+9j]])
// and its transpose (the matrix the answer shows)
// >>> M.T
// array([[1.+1.j, 4.+4.j, 7.+7.j],
//        [2.+2.j, 5.+5.j, 8.+8.j],
//        [3.+3.j, 6.+6.j, 9.+9.j]])
// inner of M with its transpose gives the stated numbers:
// >>> np.inner(M, M.T)
// array([[0. +60.j, 0. +72.j, 0. +84.j],
//        [0.+132.j, 0.+162.j, 0.+192.j],
//        [0.+204.j, 0.+252.j, 0.+300.j]])
// "effectively multiplying the rows to rows rather than rows to columns": it equals
// np.dot(M, M), and no operand is conjugated ((1+1j)**2 = 2j, hence the purely imaginary
// result).
#[test]
fn qa_complex_inner_with_transpose() {
    let m = array![
        [c(1., 1.), c(2., 2.), c(3., 3.)],
        [c(4., 4.), c(5., 5.), c(6., 6.)],
        [c(7., 7.), c(8., 8.), c(9., 9.)]
    ];
    let mt = m.t();
    assert_eq!(
        mt,
        array![
            [c(1., 1.), c(4., 4.), c(7., 7.)],
            [c(2., 2.), c(5., 5.), c(8., 8.)],
            [c(3., 3.), c(6., 6.), c(9., 9.)]
        ]
    );
    let want = array![
        [c(0., 60.), c(0., 72.), c(0., 84.)],
        [c(0., 132.), c(0., 162.), c(0., 192.)],
        [c(0., 204.), c(0., 252.), c(0., 300.)]
    ];
    // the transpose as a strided view, exactly as NumPy's M.T
    assert_eq!(npdot::inner(&m, &mt).unwrap(), want);
    assert_eq!(npdot::dot(&m, &m).unwrap(), want);
    // and through the trait on an owned transposed copy
    let m_dyn = m.clone().into_dyn();
    assert_eq!(
        m_dyn.inner(&mt.to_owned().into_dyn()).unwrap(),
        want.into_dyn()
    );
}

// The other order, and the shown matrix with itself:
// >>> np.inner(M.T, M)
// array([[0. +60.j, 0.+132.j, 0.+204.j],
//        [0. +72.j, 0.+162.j, 0.+252.j],
//        [0. +84.j, 0.+192.j, 0.+300.j]])
// >>> np.inner(M.T, M.T)
// array([[0.+132.j, 0.+156.j, 0.+180.j],
//        [0.+156.j, 0.+186.j, 0.+216.j],
//        [0.+180.j, 0.+216.j, 0.+252.j]])
// >>> np.inner(M[0], M[0]), np.vdot(M[0], M[0])      # inner never conjugates; vdot does
// (np.complex128(28j), np.complex128(28+0j))
#[test]
fn qa_complex_inner_other_orders() {
    let m = array![
        [c(1., 1.), c(2., 2.), c(3., 3.)],
        [c(4., 4.), c(5., 5.), c(6., 6.)],
        [c(7., 7.), c(8., 8.), c(9., 9.)]
    ];
    let mt = m.t();
    assert_eq!(
        npdot::inner(&mt, &m).unwrap(),
        array![
            [c(0., 60.), c(0., 132.), c(0., 204.)],
            [c(0., 72.), c(0., 162.), c(0., 252.)],
            [c(0., 84.), c(0., 192.), c(0., 300.)]
        ]
    );
    assert_eq!(
        npdot::inner(&mt, &mt).unwrap(),
        array![
            [c(0., 132.), c(0., 156.), c(0., 180.)],
            [c(0., 156.), c(0., 186.), c(0., 216.)],
            [c(0., 180.), c(0., 216.), c(0., 252.)]
        ]
    );
    let row = m.row(0);
    // two static 1-D operands: the scalar, as NumPy returns a NumPy scalar
    let r: Complex64 = npdot::inner(&row, &row).unwrap();
    assert_eq!(r, c(0., 28.));
}

// "For 1 and 2 dimensional arrays numpy.inner works as transpose the second matrix then
// multiply":
// >>> A=[[1 ,10], [100,1000]]; B=[[1,2], [3,4]]
// >>> numpy.inner(A,B)
// array([[  21,   43],
//        [2100, 4300]])
#[test]
fn qa_inner_transpose_then_multiply() {
    let a = array![[1i64, 10], [100, 1000]];
    let b = array![[1i64, 2], [3, 4]];
    assert_eq!(
        npdot::inner(&a, &b).unwrap(),
        array![[21i64, 43], [2100, 4300]]
    );
    assert_eq!(
        npdot::dot(&a, &b.t()).unwrap(),
        array![[21i64, 43], [2100, 4300]]
    );
}

// The symbolic forms of the same answer, with a1=2, b1=3, c1=5, d1=7 and a2=11, b2=13,
// c2=17, d2=19:
// numpy.inner(A,B) = [[a1*a2 + b1*b2, a1*c2 + b1*d2], [c1*a2 + d1*b2, c1*c2 + d1*d2]]
// >>> np.inner([[2,3],[5,7]], [[11,13],[17,19]])
// array([[ 61,  91],
//        [146, 218]])
// numpy.inner([a,b],[c,d]) = ac+bd   (the answer's "[c,b]" is a typo)
// >>> np.inner([2,3],[5,7])
// np.int64(31)
// numpy.inner([[a],[b]], [[c],[d]]) = [[ac,ad],[bc,bd]]
// >>> np.inner([[2],[3]],[[5],[7]])
// array([[10, 14],
//        [15, 21]])
#[test]
fn qa_inner_symbolic_forms() {
    let (a1, b1, c1, d1) = (2i64, 3, 5, 7);
    let (a2, b2, c2, d2) = (11i64, 13, 17, 19);
    let a = array![[a1, b1], [c1, d1]];
    let b = array![[a2, b2], [c2, d2]];
    let want = array![
        [a1 * a2 + b1 * b2, a1 * c2 + b1 * d2],
        [c1 * a2 + d1 * b2, c1 * c2 + d1 * d2]
    ];
    assert_eq!(want, array![[61i64, 91], [146, 218]]);
    assert_eq!(npdot::inner(&a, &b).unwrap(), want);

    let v = npdot::inner(&array![2i64, 3], &array![5i64, 7]).unwrap();
    assert_eq!(v, 31);

    assert_eq!(
        npdot::inner(&array![[2i64], [3]], &array![[5i64], [7]]).unwrap(),
        array![[10i64, 14], [15, 21]]
    );
}

// ---------------------------------------------------------------------------------------------
// numpy.matmul documentation

// >>> a = [[1, 0], [0, 1]]; b = [[4, 1], [2, 2]]
// >>> np.matmul(a, b)
// array([[4, 1],
//        [2, 2]])
#[test]
fn doc_matmul_2d() {
    let a = array![[1i64, 0], [0, 1]];
    let b = array![[4i64, 1], [2, 2]];
    assert_eq!(npdot::matmul(&a, &b).unwrap(), array![[4i64, 1], [2, 2]]);
    let (a, b) = (a.into_dyn(), b.into_dyn());
    assert_eq!(a.matmul(&b).unwrap(), array![[4i64, 1], [2, 2]].into_dyn());
}

// >>> a = [[1, 0], [0, 1]]; b = [1, 2]
// >>> np.matmul(a, b)
// array([1, 2])
// >>> np.matmul(b, a)
// array([1, 2])
#[test]
fn doc_matmul_2d_with_1d() {
    let a = array![[1i64, 0], [0, 1]];
    let b = array![1i64, 2];
    assert_eq!(npdot::matmul(&a, &b).unwrap(), array![1i64, 2]);
    assert_eq!(npdot::matmul(&b, &a).unwrap(), array![1i64, 2]);
}

// >>> a = np.arange(2*2*4).reshape((2,2,4))
// >>> b = np.arange(2*2*4).reshape((2,4,2))
// >>> np.matmul(a,b).shape
// (2, 2, 2)
// >>> np.matmul(a,b)[0,1,1]
// np.int64(98)
// >>> sum(a[0,1,:] * b[0,:,1])
// np.int64(98)
// >>> np.matmul(a,b)
// array([[[ 28,  34],
//         [ 76,  98]],
//
//        [[428, 466],
//         [604, 658]]])
#[test]
fn doc_matmul_stack_broadcast() {
    let a = ArrayD::from_shape_vec(IxDyn(&[2, 2, 4]), (0..16i64).collect()).unwrap();
    let b = ArrayD::from_shape_vec(IxDyn(&[2, 4, 2]), (0..16i64).collect()).unwrap();
    let r = a.matmul(&b).unwrap();
    assert_eq!(r.shape(), &[2, 2, 2]);
    assert_eq!(r[[0, 1, 1]], 98);
    let by_hand: i64 = (0..4).map(|k| a[[0, 1, k]] * b[[0, k, 1]]).sum();
    assert_eq!(by_hand, 98);
    assert_eq!(
        r,
        array![[[28i64, 34], [76, 98]], [[428, 466], [604, 658]]].into_dyn()
    );
}

// "matmul differs from dot ... stacks of matrices are broadcast together as if the matrices
// were elements":
// >>> np.dot(a,b).shape
// (2, 2, 2, 2)
// >>> np.dot(a,b)[0,1,1]
// array([252, 274])
#[test]
fn doc_matmul_differs_from_dot_on_stacks() {
    let a = ArrayD::from_shape_vec(IxDyn(&[2, 2, 4]), (0..16i64).collect()).unwrap();
    let b = ArrayD::from_shape_vec(IxDyn(&[2, 4, 2]), (0..16i64).collect()).unwrap();
    let d = a.dot(&b).unwrap();
    assert_eq!(d.shape(), &[2, 2, 2, 2]);
    assert_eq!(d[[0, 1, 1, 0]], 252);
    assert_eq!(d[[0, 1, 1, 1]], 274);
}

// "multiplying a stack of matrices with a vector will result in a stack of vectors":
// >>> np.matmul(a, np.arange(4))
// array([[14, 38],
//        [62, 86]])
#[test]
fn doc_matmul_stack_times_vector() {
    let a = ArrayD::from_shape_vec(IxDyn(&[2, 2, 4]), (0..16i64).collect()).unwrap();
    let v = array![0i64, 1, 2, 3];
    assert_eq!(
        npdot::matmul(&a, &v).unwrap(),
        array![[14i64, 38], [62, 86]].into_dyn()
    );
}

// "Vector, vector returns the scalar inner product, but neither argument is
// complex-conjugated":
// >>> np.matmul([2j, 3j], [2j, 3j])
// np.complex128(-13+0j)
#[test]
fn doc_matmul_vector_vector_complex() {
    let v = array![c(0., 2.), c(0., 3.)];
    let r: Complex64 = npdot::matmul(&v, &v).unwrap();
    assert_eq!(r, c(-13., 0.));
    let r = npdot::matmul(&v.view().into_dyn(), &v).unwrap(); // IxDyn: a 0-D ArrayD
    assert_eq!(r.shape(), &[] as &[usize]);
    assert_eq!(r[IxDyn(&[])], c(-13., 0.));
}

// "Scalar multiplication raises an error."
// The seed document (NumPy 1.10's docs) shows
//     ValueError: Scalar operands are not allowed, use '*' instead
// but NumPy 2.4 raises the gufunc error below, and npdot follows NumPy 2.4:
// >>> np.matmul([1,2], 3)
// ValueError: matmul: Input operand 1 does not have enough dimensions (has 0, gufunc core
// with signature (n?,k),(k,m?)->(n?,m?) requires 1)
// >>> np.matmul(3, [1,2])
// ValueError: matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core
// with signature (n?,k),(k,m?)->(n?,m?) requires 1)
#[test]
fn doc_matmul_scalar_error() {
    let v = array![1i64, 2];
    // A static 0-D operand (`ndarray::arr0(3i64)`) does not compile; an `ArrayD` one gets
    // NumPy's error.
    let s = ndarray::arr0(3i64).into_dyn();
    assert_eq!(
        npdot::matmul(&v, &s).unwrap_err().to_string(),
        "matmul: Input operand 1 does not have enough dimensions (has 0, gufunc core with \
         signature (n?,k),(k,m?)->(n?,m?) requires 1)"
    );
    assert_eq!(
        npdot::matmul(&s, &v).unwrap_err().to_string(),
        "matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with \
         signature (n?,k),(k,m?)->(n?,m?) requires 1)"
    );
    // the trait gives the same error
    let (v, s) = (v.into_dyn(), s.into_dyn());
    assert_eq!(
        v.matmul(&s).unwrap_err().to_string(),
        "matmul: Input operand 1 does not have enough dimensions (has 0, gufunc core with \
         signature (n?,k),(k,m?)->(n?,m?) requires 1)"
    );
}

// The seed's `out` paragraph (copied from `dot` into the 1.10 docs) says out "must be
// C-contiguous". NumPy 2.4's matmul follows gufunc rules and accepts any strides:
// >>> o = np.zeros((2,2,2), dtype=int).transpose(2,0,1)
// >>> np.matmul(a, b, out=o); o.flags.c_contiguous
// False
// >>> o
// array([[[ 28,  34],
//         [ 76,  98]],
//
//        [[428, 466],
//         [604, 658]]])
#[test]
fn doc_matmul_out_any_strides() {
    let a = ArrayD::from_shape_vec(IxDyn(&[2, 2, 4]), (0..16i64).collect()).unwrap();
    let b = ArrayD::from_shape_vec(IxDyn(&[2, 4, 2]), (0..16i64).collect()).unwrap();
    let mut base = ArrayD::<i64>::zeros(IxDyn(&[2, 2, 2]));
    let mut o = base.view_mut().permuted_axes(IxDyn(&[2, 0, 1]));
    assert!(!o.is_standard_layout());
    a.matmul_into(&b, &mut o).unwrap();
    assert_eq!(
        o,
        array![[[28i64, 34], [76, 98]], [[428, 466], [604, 658]]].into_dyn()
    );
}
