//! NumPy's own tests of `np.linalg.multi_dot`, `matrix_power` and `cross`, ported as data:
//! `scripts/gen_linalg_fixtures.py` (`gen_ported`) turns each assertion of
//! `numpy/linalg/tests/test_linalg.py` (`TestMultiDot`, `TestMatrixPower`, `test_cross`) and
//! `numpy/_core/tests/test_numeric.py` (`TestCross`) into a case of
//! `tests/fixtures/linalg/numpy_ported.json` (ids name the NumPy test), with the expected value
//! NumPy's test asserts (or NumPy's own answer where the test only checks a shape) and the
//! exact error text where it asserts a raise. `TestMatrixPower` and the cross tests run over all
//! 15 npdot dtypes, `TestMultiDot` over the four float types (NumPy uses `np.random.random`).
//!
//! What does not apply, and why:
//! * `TestMultiDot.test_*_and_out` (3 tests): npdot's `multi_dot` has no `out=` parameter.
//! * `TestMultiDot.test_dynamic_programming_logic` checks NumPy's private cost and split tables
//!   (`_multi_dot_matrix_chain_order`); the same Cormen example is checked on npdot's split
//!   choice in the unit test `plan::chain::tests::chain_orders_match_numpy`, and here as a
//!   product of six random matrices.
//! * `TestMatrixPower.test_large_power` uses `n = 2**100 + 2**10 + 2**5 + r`; npdot's `n` is an
//!   `i64`, so the ported cases use `2**62 + 2**10 + 2**5 + r` (the same residue mod 4, which is
//!   all the test depends on: its matrix is a 4-cycle).
//! * `TestMatrixPower.test_exceptions_bad_power` (`n = 1.5`, `n = [1]` → `TypeError`): a
//!   non-integer exponent does not type-check in Rust.
//! * `TestMatrixPower`'s `object`, `float16`, `longdouble`, `clongdouble` dtypes: not npdot
//!   element types. `test_power_is_minus_one` for integer and `bool` dtypes: NumPy returns
//!   `float64`, npdot returns `Error::InverseDtype` (these cases expect that error).
//! * `TestCross` (for `np.cross`): the 2-vector cases become `np.linalg.cross`'s error (it only
//!   takes 3-vectors); `axisa`/`axisb`/`axisc` do not exist in `linalg.cross` (one `axis`), so
//!   only the assertions expressible with one axis are ported; `test_uint8_int32_mixed_dtypes`
//!   is ported with one dtype (npdot has no mixed-dtype products); `test_zero_dimension`'s
//!   `np.cross` message becomes `linalg.cross`'s `IndexError`, npdot's
//!   `Error::CrossAxisOutOfRange`.
//! * NumPy quirk not ported: `matrix_power(a, -2**63)` returns `None` in NumPy 2.4 (it takes
//!   `np.abs` of the exponent, which overflows `int64`); npdot returns the power of the inverse
//!   (checked below).

use crate::linalg_support;

use linalg_support::{load, replay_all};

#[test]
fn numpy_ported_linalg() {
    let cases = load("numpy_ported");
    assert!(cases.len() > 500);
    let failed = replay_all(&cases, 30, &|c| {
        format!(
            "grep '\"id\":\"{}\"' tests/fixtures/linalg/numpy_ported.json",
            c.id
        )
    });
    assert_eq!(failed, 0, "{failed} of {} ported cases failed", cases.len());
}

#[test]
fn matrix_power_of_most_negative_exponent() {
    // A 4-cycle permutation: P^(-2^63) = (P^-1)^(2^63) = I since 4 divides 2^63.
    let p = ndarray::array![
        [0.0, 0.0, 0.0, 1.0],
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0]
    ];
    let r = npdot::linalg::matrix_power(&p, i64::MIN).unwrap();
    assert_eq!(r, ndarray::Array2::<f64>::eye(4).into_dyn());
    let r = npdot::linalg::matrix_power(&p, i64::MIN + 1).unwrap();
    assert_eq!(r, p.into_dyn());
}
