//! Regression cases for mismatches the differential harness (`tests/products/differential.rs`) found
//! against NumPy 2.4.6. Expected values are NumPy's, shown in each test's comment.

use ndarray::{ArrayD, IxDyn, arr0, array};
use npdot::prelude::*;
use num_complex::Complex;

fn d(v: ArrayD<f64>) -> Vec<f64> {
    v.iter().copied().collect()
}

/// NumPy's BLAS path for `dot`/`inner` (float/complex, ndim ≤ 2) treats 0-D, length-1 and
/// (1,1)/(0,1) operands as scalars and computes `0 + alpha·x` with `?axpy`, which skips
/// `alpha == 0` entirely: a zero scalar times inf/NaN gives 0, not NaN.
#[test]
fn zero_scalar_times_non_finite_is_zero_on_numpys_blas_path() {
    // np.dot(0.0, [inf, 1.0]) -> [0., 0.]
    let s = arr0(0.0f64).into_dyn();
    let v = array![f64::INFINITY, 1.0].into_dyn();
    assert_eq!(d(s.dot(&v).unwrap()), vec![0.0, 0.0]);
    // np.dot([0.0], [[inf, 1.0]]) -> [0., 0.]
    let a = array![0.0f64].into_dyn();
    let b = array![[f64::INFINITY, 1.0]].into_dyn();
    assert_eq!(d(a.dot(&b).unwrap()), vec![0.0, 0.0]);
    // np.inner([0.0], [[nan], [1.0]]) -> [0., 0.]
    let b = array![[f64::NAN], [1.0]].into_dyn();
    assert_eq!(d(a.inner(&b).unwrap()), vec![0.0, 0.0]);
    // np.dot([[inf], [1.0]], [[0.0]]) -> [[0.], [0.]]
    let a = array![[f64::INFINITY], [1.0]].into_dyn();
    let b = array![[0.0f64]].into_dyn();
    let r = a.dot(&b).unwrap();
    assert_eq!(r.shape(), &[2, 1]);
    assert_eq!(d(r), vec![0.0, 0.0]);
    // np.dot(np.complex64(0), [nan, 1.0]) -> [0.+0.j, 0.+0.j]
    let s = arr0(Complex::new(0.0f32, 0.0)).into_dyn();
    let v = array![Complex::new(f32::NAN, 0.0), Complex::new(1.0, 0.0)].into_dyn();
    let r = s.dot(&v).unwrap();
    assert!(r.iter().all(|z| *z == Complex::new(0.0, 0.0)), "{r:?}");
}

/// Outside that path NumPy multiplies elementwise (or runs the full product), so NaN stays.
#[test]
fn zero_times_inf_is_nan_elsewhere() {
    // np.dot(0.0, [[[inf, 1.0]]]) -> [[[nan, 0.]]]  (ndim > 2: elementwise multiply)
    let s = arr0(0.0f64).into_dyn();
    let v = ArrayD::from_shape_vec(IxDyn(&[1, 1, 2]), vec![f64::INFINITY, 1.0]).unwrap();
    let r = s.dot(&v).unwrap();
    assert!(r[[0, 0, 0]].is_nan() && r[[0, 0, 1]] == 0.0);
    // np.matmul([[0.0]], [[inf, 1.0]]) -> [[nan, 0.]]  (matmul has no scalar branch)
    let a = array![[0.0f64]].into_dyn();
    let b = array![[f64::INFINITY, 1.0]].into_dyn();
    let r = a.matmul(&b).unwrap();
    assert!(r[[0, 0]].is_nan() && r[[0, 1]] == 0.0);
    // Integers have no such branch: np.dot(np.int64(0), [5, 7]) -> [0, 0] by plain multiply.
    let s = arr0(0i64).into_dyn();
    let v = array![5i64, 7].into_dyn();
    assert_eq!(
        s.dot(&v).unwrap().iter().copied().collect::<Vec<_>>(),
        vec![0, 0]
    );
}
