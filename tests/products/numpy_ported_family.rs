//! NumPy's own tests of the product family, ported as data.
//!
//! Sources (numpy 2.4.6, the installed package's test files):
//! - `numpy/_core/tests/test_multiarray.py`: `TestVdot` (`test_basic`, `test_vdot_array_order`,
//!   `test_vdot_uncontiguous`);
//! - `numpy/_core/tests/test_numeric.py`: `TestTensordot` (`test_rejects_duplicate_axes`,
//!   `test_zero_dimension`, `test_zero_dimensional`) and `test_outer_out_param`;
//! - `numpy/_core/tests/test_ufunc.py` (`TestUfunc`): `test_vecdot`, `test_matvec`,
//!   `test_vecmatvec_identity`, `test_vecdot_matvec_vecmat_complex`, `test_broadcast`;
//! - `numpy/lib/tests/test_shape_base.py`: `TestKron` (`test_basic`, `test_kron_smoke`,
//!   `test_kron_shape`);
//! - `numpy/linalg/tests/test_linalg.py`: `TestOuter`, `test_tensordot`.
//!
//! One Rust test per NumPy test, named after it. Inputs and expected values are NumPy's literals;
//! where the NumPy test computes its expected value with NumPy (`np.einsum`, `np.sum(a * b)`,
//! `vdot` of the flattened copies, ...) the numbers were printed by numpy 2.4.6 and pasted here
//! (never computed with npdot). Where NumPy only checks that `ValueError` is raised, the exact
//! numpy 2.4.6 message is asserted. Dtype loops run over every Rust element type NumPy's list maps
//! to (`bool`, the ten integers, `f32`, `f64`, `Complex<f32>`, `Complex<f64>`).
//!
//! Not applicable (not ported):
//! - object dtype everywhere (`'O'` in `TestVdot::test_basic`, `actual3` of `test_vecdot`/
//!   `test_matvec`/`test_vecdot_matvec_vecmat_complex`, the object `vec`s of
//!   `test_vecmatvec_identity`, `test_vecdot_object_no_conjugate`,
//!   `test_vecdot_object_breaks_outer_loop_on_error`): Rust arrays have no Python objects;
//! - `float16`, `longdouble`, `clongdouble` in dtype loops: no Rust element type;
//! - `np.isscalar(res)` in `TestVdot::test_basic`: npdot's `vdot` returns `T` itself (checked by
//!   the type);
//! - `test_outer_out_param`, `test_matvec_vecmat_out` and the `out=` parts of `test_broadcast`:
//!   npdot's family has no `out=` argument (and Rust forbids `out` aliasing an input); the
//!   values of `test_outer_out_param` are ported;
//! - `test_matvec`'s `axes=[(-1, -2), -2, -1]`: npdot has no `axes=` for `matvec`; the same
//!   product is expressed with transposed input views;
//! - `test_vecdot_subclass`, `TestKron::test_return_type`, `TestKron::test_kron_ma`,
//!   `np.asmatrix` in `test_kron_smoke`: `ndarray` subclasses, masked arrays and `np.matrix`;
//! - `test_broadcast`'s `u += v` overlap warning: an in-place ufunc, not a product;
//! - `TestTensordot::test_zero_dimension`'s comparison with `np.einsum`: einsum is another
//!   function (the comparison with `np.dot` is ported);
//! - `vecdot.signature` (test_ufunc.py line 445): no ufunc objects; the signature appears in the
//!   error texts asserted below.

use ndarray::{Array, ArrayD, IxDyn, array};
use npdot::prelude::*;
use num_complex::Complex;

/// `np.array(x, dtype=np.int64).astype(T)` for small non-negative `x`.
trait Elem: Element {
    fn of(x: i64) -> Self;
}
macro_rules! elem_int {
    ($($t:ty),*) => {$(impl Elem for $t { fn of(x: i64) -> Self { x as $t } })*};
}
elem_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
impl Elem for f32 {
    fn of(x: i64) -> Self {
        x as f32
    }
}
impl Elem for f64 {
    fn of(x: i64) -> Self {
        x as f64
    }
}
impl Elem for Complex<f32> {
    fn of(x: i64) -> Self {
        Complex::new(x as f32, 0.0)
    }
}
impl Elem for Complex<f64> {
    fn of(x: i64) -> Self {
        Complex::new(x as f64, 0.0)
    }
}
impl Elem for bool {
    fn of(x: i64) -> Self {
        x != 0
    }
}

/// Runs `$body` with `T` set to every element type.
macro_rules! for_all_types {
    ($f:ident) => {
        $f::<bool>();
        $f::<i8>();
        $f::<i16>();
        $f::<i32>();
        $f::<i64>();
        $f::<isize>();
        $f::<u8>();
        $f::<u16>();
        $f::<u32>();
        $f::<u64>();
        $f::<usize>();
        $f::<f32>();
        $f::<f64>();
        $f::<Complex<f32>>();
        $f::<Complex<f64>>();
    };
}

fn arange<T: Elem>(shape: &[usize]) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).map(T::of).collect()).unwrap()
}

fn c64(re: f64, im: f64) -> Complex<f64> {
    Complex::new(re, im)
}

mod test_vdot {
    use super::*;

    /// `TestVdot::test_basic`: `vdot(eye(3), eye(3)) == 3` for every dtype (`True` for bool),
    /// and `vdot(eye(3)*1j, eye(3)*1j) == 3` for complex (the first operand is conjugated).
    #[test]
    fn test_basic() {
        fn real<T: Elem>() {
            let b = Array::from_shape_fn((3, 3), |(i, j)| T::of(i64::from(i == j)));
            let want = if T::DTYPE == "bool" {
                T::of(1)
            } else {
                T::of(3)
            };
            assert_eq!(npdot::vdot(&b, &b).unwrap(), want, "{}", T::DTYPE);
        }
        for_all_types!(real);
        let b = Array::from_shape_fn((3, 3), |(i, j)| c64(0.0, f64::from(u8::from(i == j))));
        assert_eq!(npdot::vdot(&b, &b).unwrap(), c64(3.0, 0.0));
        let b = b.mapv(|z| Complex::new(z.re as f32, z.im as f32));
        assert_eq!(b.vdot(&b).unwrap(), Complex::new(3.0f32, 0.0));
    }

    /// `TestVdot::test_vdot_array_order`: C- and F-ordered operands give the same result.
    #[test]
    fn test_vdot_array_order() {
        let a = array![[1i64, 2], [3, 4]];
        let b = a.t().as_standard_layout().into_owned().reversed_axes(); // the same values in F order
        assert!(b.t().is_standard_layout());
        let res = npdot::vdot(&a, &a).unwrap();
        assert_eq!(res, 30);
        assert_eq!(npdot::vdot(&a, &b).unwrap(), res);
        assert_eq!(npdot::vdot(&b, &a).unwrap(), res);
        assert_eq!(npdot::vdot(&b, &b).unwrap(), res);
    }

    /// `TestVdot::test_vdot_uncontiguous`: `a[..., 0]` views of `(size, 2, 2)` arrays; NumPy's
    /// value for `vdot(a.flatten(), b.flatten())`: 2.0 (size 2), 333333000.0 (size 1000).
    #[test]
    fn test_vdot_uncontiguous() {
        for (size, want) in [(2usize, 2.0f64), (1000, 333333000.0)] {
            let mut a = ndarray::Array3::<f64>::zeros((size, 2, 2));
            let mut b = ndarray::Array3::<f64>::zeros((size, 2, 2));
            for i in 0..size {
                a[[i, 0, 0]] = i as f64;
                b[[i, 0, 0]] = i as f64 + 1.0;
            }
            let a = a.slice(ndarray::s![.., .., 0]);
            let b = b.slice(ndarray::s![.., .., 0]);
            assert_eq!(npdot::vdot(&a, &b).unwrap(), want);
            assert_eq!(npdot::vdot(&a, &b.to_owned()).unwrap(), want);
            assert_eq!(npdot::vdot(&a.to_owned(), &b).unwrap(), want);
            let af = a.t().as_standard_layout().into_owned().reversed_axes(); // a.copy('F')
            assert_eq!(npdot::vdot(&af, &b).unwrap(), want);
            let bf = b.t().as_standard_layout().into_owned().reversed_axes();
            assert_eq!(npdot::vdot(&a, &bf).unwrap(), want);
        }
    }
}

mod test_tensordot {
    use super::*;

    /// `TestTensordot::test_rejects_duplicate_axes`.
    #[test]
    fn test_rejects_duplicate_axes() {
        let a = ArrayD::<f64>::ones(IxDyn(&[2, 3, 3]));
        let b = ArrayD::<f64>::ones(IxDyn(&[3, 3, 4]));
        let e = npdot::tensordot(&a, &b, ([1isize, 1], [0isize, 0])).unwrap_err();
        assert_eq!(e.to_string(), "duplicate axes are not allowed in tensordot");
    }

    /// `TestTensordot::test_zero_dimension` (gh-5663): `(3, 0)·(0, 4)` over axes `(1, 0)` equals
    /// `np.dot`: zeros of shape `(3, 4)`.
    #[test]
    fn test_zero_dimension() {
        fn t<T: Elem>() {
            let a = ArrayD::<T>::from_elem(IxDyn(&[3, 0]), T::of(1));
            let b = ArrayD::<T>::from_elem(IxDyn(&[0, 4]), T::of(1));
            let td = npdot::tensordot(&a, &b, (1isize, 0isize)).unwrap();
            assert_eq!(td, ArrayD::from_elem(IxDyn(&[3, 4]), T::zero()));
            assert_eq!(td, npdot::dot(&a, &b).unwrap());
        }
        for_all_types!(t);
    }

    /// `TestTensordot::test_zero_dimensional` (gh-12130): contracting no axes of two 0-D arrays.
    #[test]
    fn test_zero_dimensional() {
        let arr_0d = ndarray::arr0(1i64).into_dyn();
        let ret = npdot::tensordot(&arr_0d, &arr_0d, (Vec::<isize>::new(), Vec::<isize>::new()));
        assert_eq!(ret.unwrap(), arr_0d);
    }

    /// `numpy/linalg/tests/test_linalg.py::test_tensordot`: `np.linalg.tensordot` is
    /// `np.tensordot`.
    #[test]
    fn test_linalg_tensordot() {
        let x = arange::<i64>(&[2, 3]);
        assert_eq!(npdot::linalg::tensordot(&x, &x, 2usize).unwrap()[[]], 55);
        let y = npdot::linalg::tensordot(&x, &x, ([0isize, 1], [0isize, 1])).unwrap();
        assert_eq!(y[[]], 55);
    }
}

mod test_outer {
    use super::*;

    /// `test_numeric.py::test_outer_out_param` (its values; npdot has no `out=`): the outer
    /// product of `ones(5)` and `linspace(-2, 2, 5)`, and of `ones(2)` with it.
    #[test]
    fn test_outer_out_param() {
        let arr1 = ndarray::Array1::<f64>::ones(5);
        let arr2 = ndarray::Array1::<f64>::ones(2);
        let arr3 = array![-2.0, -1.0, 0.0, 1.0, 2.0];
        let res1 = npdot::outer(&arr1, &arr3).unwrap();
        assert_eq!(res1.dim(), (5, 5));
        for row in res1.rows() {
            assert_eq!(row, arr3);
        }
        let res2 = arr2.outer(&arr3).unwrap();
        assert_eq!(
            res2,
            array![[-2.0, -1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0, 2.0]]
        );
    }

    /// `test_linalg.py::TestOuter`: `np.linalg.outer(arange(3), arange(3))`, and the 1-D check.
    #[test]
    fn test_linalg_outer() {
        let arr1 = array![0i64, 1, 2];
        let expected = array![[0i64, 0, 0], [0, 1, 2], [0, 2, 4]];
        assert_eq!(npdot::linalg::outer(&arr1, &arr1).unwrap(), expected);
        let col = arr1.view().insert_axis(ndarray::Axis(1));
        let e = npdot::linalg::outer(&col, &arr1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Input arrays must be one-dimensional, but they are x1.ndim=2 and x2.ndim=1."
        );
    }
}

mod test_ufunc {
    use super::*;

    /// `TestUfunc::test_vecdot`: `vecdot(arange(6).reshape(2, 3), arange(3).reshape(1, 3))` is
    /// `[5, 14]`, also over `axis=-2` of the transposes (`np.linalg.vecdot`'s `axis`).
    #[test]
    fn test_vecdot() {
        fn t<T: Elem>() {
            if T::DTYPE == "bool" {
                return; // NumPy's test uses int64 data; bool would not give [5, 14]
            }
            let arr1 = arange::<T>(&[2, 3]);
            let arr2 = arange::<T>(&[1, 3]);
            let expected = ArrayD::from_shape_vec(IxDyn(&[2]), vec![T::of(5), T::of(14)]).unwrap();
            assert_eq!(
                npdot::vecdot(&arr1, &arr2).unwrap(),
                expected,
                "{}",
                T::DTYPE
            );
            let actual2 = npdot::linalg::vecdot(&arr1.t(), &arr2.t(), -2).unwrap();
            assert_eq!(actual2, expected, "{}", T::DTYPE);
        }
        for_all_types!(t);
    }

    /// `TestUfunc::test_matvec`: `matvec(arange(6).reshape(2, 3), arange(3).reshape(1, 3))` is
    /// `[[5, 14]]`; NumPy's `axes=[(-1, -2), -2, -1]` on the transposes is the same product, here
    /// on transposed views.
    #[test]
    fn test_matvec() {
        fn t<T: Elem>() {
            if T::DTYPE == "bool" {
                return;
            }
            let arr1 = arange::<T>(&[2, 3]);
            let arr2 = arange::<T>(&[1, 3]);
            let expected =
                ArrayD::from_shape_vec(IxDyn(&[1, 2]), vec![T::of(5), T::of(14)]).unwrap();
            assert_eq!(
                npdot::matvec(&arr1, &arr2).unwrap(),
                expected,
                "{}",
                T::DTYPE
            );
            let a1t = arr1.t().to_owned();
            let a2t = arr2.t().to_owned();
            assert_eq!(a1t.t().matvec(&a2t.t()).unwrap(), expected, "{}", T::DTYPE);
        }
        for_all_types!(t);
    }

    /// `TestUfunc::test_vecmatvec_identity`: `(x†A)x == x†(Ax)`, with NumPy's values of `matvec`,
    /// `vecmat` and `einsum('...i,ij,...j', vec.conj(), mat, vec)` (numpy 2.4.6), for the real and
    /// the complex `vec`, and `mat` = identity or the complex matrix.
    #[test]
    fn test_vecmatvec_identity() {
        let z = |v: &[(f64, f64)]| v.iter().map(|&(r, i)| c64(r, i)).collect::<Vec<_>>();
        let vec_real = array![[1., 2., 3.], [4., 5., 6.]].mapv(|x| c64(x, 0.0));
        let vec_cplx = ndarray::Array2::from_shape_vec(
            (2, 3),
            z(&[(1., 0.), (0., 2.), (3., 0.), (4., 0.), (5., 0.), (0., 6.)]),
        )
        .unwrap();
        let eye =
            ndarray::Array2::from_shape_fn((3, 3), |(i, j)| c64(f64::from(u8::from(i == j)), 0.0));
        let mat = ndarray::Array2::from_shape_vec(
            (3, 3),
            z(&[
                (1., 1.),
                (0.5, 0.),
                (0., -0.5),
                (0.25, 0.),
                (0., 2.),
                (0., 0.),
                (4., 0.),
                (0., 0.),
                (0., -1.),
            ]),
        )
        .unwrap();
        // (vec, mat, matvec, vecmat, expected) as printed by NumPy.
        let cases = [
            (
                &vec_real,
                &eye,
                z(&[(1., 0.), (2., 0.), (3., 0.), (4., 0.), (5., 0.), (6., 0.)]),
                z(&[(1., 0.), (2., 0.), (3., 0.), (4., 0.), (5., 0.), (6., 0.)]),
                z(&[(14., 0.), (77., 0.)]),
            ),
            (
                &vec_real,
                &mat,
                z(&[
                    (2., -0.5),
                    (0.25, 4.),
                    (4., -3.),
                    (6.5, 1.),
                    (1., 10.),
                    (16., -6.),
                ]),
                z(&[
                    (13.5, 1.),
                    (0.5, 4.),
                    (0., -3.5),
                    (29.25, 4.),
                    (2., 10.),
                    (0., -8.),
                ]),
                z(&[(14.5, -1.5), (127., 18.)]),
            ),
            (
                &vec_cplx,
                &eye,
                z(&[(1., 0.), (0., 2.), (3., 0.), (4., 0.), (5., 0.), (0., 6.)]),
                z(&[(1., 0.), (0., -2.), (3., 0.), (4., 0.), (5., 0.), (0., -6.)]),
                z(&[(14., 0.), (77., 0.)]),
            ),
            (
                &vec_cplx,
                &mat,
                z(&[
                    (1., 0.5),
                    (-3.75, 0.),
                    (4., -3.),
                    (9.5, 4.),
                    (1., 10.),
                    (22., 0.),
                ]),
                z(&[
                    (13., 0.5),
                    (4.5, 0.),
                    (0., -3.5),
                    (5.25, -20.),
                    (2., 10.),
                    (-6., -2.),
                ]),
                z(&[(13., -1.), (43., -66.)]),
            ),
        ];
        for (vec, mat, want_mv, want_vm, expected) in cases {
            let matvec = npdot::matvec(mat, vec).unwrap();
            let vecmat = npdot::vecmat(vec, mat).unwrap();
            assert_eq!(matvec.iter().copied().collect::<Vec<_>>(), want_mv);
            assert_eq!(vecmat.iter().copied().collect::<Vec<_>>(), want_vm);
            // (vec.conj() * matvec).sum(-1) and (vecmat * vec).sum(-1) equal NumPy's einsum.
            let vec_matvec: Vec<_> = (0..2)
                .map(|i| (0..3).fold(c64(0., 0.), |s, j| s + vec[[i, j]].conj() * matvec[[i, j]]))
                .collect();
            let vecmat_vec: Vec<_> = (0..2)
                .map(|i| (0..3).fold(c64(0., 0.), |s, j| s + vecmat[[i, j]] * vec[[i, j]]))
                .collect();
            assert_eq!(vec_matvec, expected);
            assert_eq!(vecmat_vec, expected);
            // vecdot(vec, matvec) is the same sum.
            let vd = npdot::vecdot(vec, &matvec).unwrap();
            assert_eq!(vd.iter().copied().collect::<Vec<_>>(), expected);
        }
        // The real vec and identity as float64 too.
        let v = array![[1., 2., 3.], [4., 5., 6.]];
        let e = ndarray::Array2::<f64>::eye(3);
        assert_eq!(npdot::matvec(&e, &v).unwrap(), v.clone());
        assert_eq!(npdot::vecmat(&v, &e).unwrap(), v);
    }

    /// `TestUfunc::test_vecdot_matvec_vecmat_complex`: `arr1 = [1, 2j, 3]`, `arr2 = [1, 2, 3]`;
    /// vecdot and vecmat conjugate their first operand, matvec does not.
    #[test]
    fn test_vecdot_matvec_vecmat_complex() {
        let arr1 = array![c64(1., 0.), c64(0., 2.), c64(3., 0.)];
        let arr2 = array![c64(1., 0.), c64(2., 0.), c64(3., 0.)];
        // ((arr1.conj() if conj else arr1) * arr2).sum(): 10-4j conjugated, 10+4j not;
        // ((arr2.conj() if conj else arr2) * arr1).sum(): 10+4j either way.
        let (conj12, plain12, any21) = (c64(10., -4.), c64(10., 4.), c64(10., 4.));
        let v = npdot::vecdot(&arr1, &arr2).unwrap();
        assert_eq!(v, conj12);
        let v = npdot::vecdot(&arr2, &arr1).unwrap();
        assert_eq!(v, any21);
        let col2 = arr2.clone().into_shape_with_order((3, 1)).unwrap();
        let col1 = arr1.clone().into_shape_with_order((3, 1)).unwrap();
        let v = npdot::vecmat(&arr1, &col2).unwrap();
        assert_eq!(v, array![conj12]);
        let v = npdot::vecmat(&arr2, &col1).unwrap();
        assert_eq!(v, array![any21]);
        let row1 = arr1.clone().into_shape_with_order((1, 3)).unwrap();
        let row2 = arr2.clone().into_shape_with_order((1, 3)).unwrap();
        let v = npdot::matvec(&row1, &arr2).unwrap();
        assert_eq!(v, array![plain12]);
        assert_eq!(npdot::matmul(&row1, &arr2).unwrap(), v);
        let v = npdot::matvec(&row2, &arr1).unwrap();
        assert_eq!(v, array![any21]);
    }

    /// `TestUfunc::test_broadcast` (the `vecdot` parts without `out=`), with the exact texts of
    /// the `ValueError`s NumPy's test only checks the type of.
    #[test]
    fn test_broadcast() {
        // broadcast: np.sum(a * b, axis=-1) is [[1, 3], [3, 13]]
        let a = arange::<i64>(&[2, 1, 2]);
        let b = arange::<i64>(&[1, 2, 2]);
        let want = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1i64, 3, 3, 13]).unwrap();
        assert_eq!(npdot::vecdot(&a, &b).unwrap(), want);
        // extend & broadcast loop dimensions
        let b = arange::<i64>(&[2, 2]);
        assert_eq!(npdot::vecdot(&a, &b).unwrap(), want);
        // Broadcast in core dimensions should fail
        let e = npdot::vecdot(&arange::<i64>(&[4, 2]), &arange::<i64>(&[4, 1])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "vecdot: Input operand 1 has a mismatch in its core dimension 0, with gufunc \
             signature (n),(n)->() (size 1 is different from 2)"
        );
        // Extend core dimensions should fail
        let e =
            npdot::vecdot(&arange::<i64>(&[4, 2]), &ndarray::arr0(7i64).into_dyn()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "vecdot: Input operand 1 does not have enough dimensions (has 0, gufunc core with \
             signature (n),(n)->() requires 1)"
        );
        // Broadcast should fail
        let e = npdot::vecdot(&arange::<i64>(&[2, 1, 1]), &arange::<i64>(&[3, 1, 1])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "operands could not be broadcast together with remapped shapes \
             [original->remapped]: (2,1,1)->(2,1) (3,1,1)->(3,1)  and requested shape ()"
        );
        // The output-reduction part without out=: vecdot(arange(6).reshape(3, 2), ones(2)).
        let c = npdot::vecdot(&arange::<f64>(&[3, 2]), &ndarray::Array1::<f64>::ones(2)).unwrap();
        assert_eq!(c, array![1.0, 5.0, 9.0].into_dyn());
    }
}

mod test_kron {
    use super::*;

    /// `TestKron::test_basic`: 0-D, 1-D and 3-D operands with a 2-D one, both orders.
    #[test]
    fn test_basic() {
        fn t<T: Elem>() {
            let m = |v: &[i64], s: &[usize]| {
                ArrayD::from_shape_vec(IxDyn(s), v.iter().map(|&x| T::of(x)).collect()).unwrap()
            };
            let b = m(&[1, 2, 3, 4], &[2, 2]);
            let one = m(&[1], &[]);
            assert_eq!(npdot::kron(&one, &b).unwrap(), b);
            assert_eq!(npdot::kron(&b, &one).unwrap(), b);
            if T::DTYPE == "bool" {
                return; // 3 and 6..12 are not bool values
            }
            let three = m(&[3], &[1]);
            let k = m(&[3, 6, 9, 12], &[2, 2]);
            assert_eq!(npdot::kron(&three, &b).unwrap(), k, "{}", T::DTYPE);
            assert_eq!(b.kron(&three).unwrap(), k, "{}", T::DTYPE);
            let a3 = m(&[1, 2], &[2, 1, 1]);
            let k3 = m(&[1, 2, 3, 4, 2, 4, 6, 8], &[2, 2, 2]);
            assert_eq!(npdot::kron(&a3, &b).unwrap(), k3, "{}", T::DTYPE);
            assert_eq!(npdot::kron(&b, &a3).unwrap(), k3, "{}", T::DTYPE);
        }
        for_all_types!(t);
    }

    /// `TestKron::test_kron_smoke`: `kron(ones((3, 3)), ones((3, 3))) == ones((9, 9))`.
    #[test]
    fn test_kron_smoke() {
        let a = ndarray::Array2::<f64>::ones((3, 3));
        assert_eq!(
            npdot::kron(&a, &a).unwrap(),
            ndarray::Array2::<f64>::ones((9, 9))
        );
    }

    /// `TestKron::test_kron_shape`: the result shape is the product of the shapes padded with
    /// leading 1s.
    #[test]
    fn test_kron_shape() {
        let cases: [(&[usize], &[usize], &[usize]); 6] = [
            (&[1, 1], &[1, 1], &[1, 1]),
            (&[1, 2, 3], &[4, 5, 6], &[4, 10, 18]),
            (&[2, 2], &[2, 2, 2], &[2, 4, 4]),
            (&[1, 0], &[1, 1], &[1, 0]),
            (&[2, 0, 2], &[2, 2], &[2, 0, 4]),
            (&[2, 0, 0, 2], &[2, 0, 2], &[2, 0, 0, 4]),
        ];
        for (sa, sb, want) in cases {
            let a = ArrayD::<f64>::ones(IxDyn(sa));
            let b = ArrayD::<f64>::ones(IxDyn(sb));
            let k = npdot::kron(&a, &b).unwrap();
            assert_eq!(k.shape(), want, "{sa:?} {sb:?}");
            assert!(k.iter().all(|&x| x == 1.0));
        }
    }
}
