//! npdot's process-wide knobs (`npdot::tuning::set_alloc_limit`, `set_blas_dim_limit`,
//! `set_gemm_kernel`, `set_avx512`) change what every product in the process does. The tests of
//! this binary that turn them take [`exclusive`] for their whole run; every other test takes
//! [`shared`], so it never sees a knob another test has turned (an allocation cap, a forced
//! kernel, a split of the BLAS calls).

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static KNOBS: RwLock<()> = RwLock::new(());

/// Held by a test that turns a knob: no other test runs meanwhile. (A panic in another test
/// holding the lock only poisons it; the knobs are reset by each test that turns them.)
pub fn exclusive() -> RwLockWriteGuard<'static, ()> {
    KNOBS.write().unwrap_or_else(|e| e.into_inner())
}

/// Held by a test that leaves the knobs alone: it may run alongside other such tests.
pub fn shared() -> RwLockReadGuard<'static, ()> {
    KNOBS.read().unwrap_or_else(|e| e.into_inner())
}
