//! Replays NumPy 2.4's answers for `np.linalg.multi_dot`, `matrix_power` and `cross` (written by
//! `scripts/gen_linalg_fixtures.py` into `tests/fixtures/linalg/*.json`) through
//! `npdot::linalg`: every dtype × layouts (C order, transposed, negative strides, stepped,
//! broadcast stride 0, transposed-and-stepped, zero-size) × every error text.
//!
//! Tolerance rule (float cases with random values; integer-valued float cases compare exactly):
//! `|got − want| ≤ 4·eps·(k+2)·bound` per real component, where `bound` is the same computation
//! on absolute values in float64 and `k` the contracted length (see the generator's docstring).
//! For `matrix_power` with `n < 0` the matrices are diagonally dominant (1-norm condition number
//! below 10) and `k` also carries the inverse's error, `m·cond₁(A)·(|n|+1)`: an LU-based inverse
//! has a componentwise error of a few `m·eps·cond` relative to `|A⁻¹|`, which the powers then
//! propagate; NumPy's and npdot's LAPACK builds differ (blocking, kernels), so exact agreement is
//! not expected there. `float32`/`complex64` inverses are computed in double precision by both.
//!
//! `cargo test --release --test products linalg_fixtures:: -- --nocapture` prints the counts per dtype.

use crate::linalg_support;

use linalg_support::{load, replay_all};

fn replay(name: &str) {
    let cases = load(name);
    assert!(!cases.is_empty());
    let failed = replay_all(&cases, 30, &|c| {
        format!(
            "grep '\"id\":\"{}\"' tests/fixtures/linalg/{name}.json",
            c.id
        )
    });
    assert_eq!(failed, 0, "{failed} of {} {name} cases failed", cases.len());
}

#[test]
fn fixtures_multi_dot() {
    replay("multi_dot");
}

#[test]
fn fixtures_matrix_power() {
    replay("matrix_power");
}

#[test]
fn fixtures_cross() {
    replay("cross");
}
