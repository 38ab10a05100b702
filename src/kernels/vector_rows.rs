//! Matrix·vector products of at most [`ROWS_MAX`] rows with the sums in registers: one pass
//! over the columns (`acc[i] += a[i, j]·x[j]` for every row `i`, in order of `j`), so each
//! element of the result is summed in order from zero — the order of an in-order dot product
//! per row, bit for bit — while the matrix is read column by column (contiguous columns of a
//! transposed matrix load as one vector) and each `x[j]` once. The row count is a constant
//! of each compiled copy (one per count up to [`ROWS_MAX`], and [`UNIT_ROWS`] for adjacent
//! rows), so the sums stay in registers and the loops have no start-up cost.

use super::MatVec;
use crate::element::Element;

/// Most rows computed here.
pub(super) const ROWS_MAX: usize = 8;

/// `y[i] = Σ_j a[i·rs + j·cs]·x[j·ix]` for `i < n` (the fields of `job`), in order of `j`
/// from zero.
///
/// # Safety
/// `1 ≤ n ≤ ROWS_MAX`; every `a + i·rs + j·cs` (`i < n`, `j < k`) and `x + j·ix` (`j < k`) is
/// an element of a live array; `y` is valid for writes of `n` elements that nothing else
/// accesses during the call.
#[inline(always)]
pub(super) unsafe fn mat_vec_rows<T: Element>(job: &MatVec<T>) {
    let (n, rs) = (job.n, job.rs);
    macro_rules! rows {
        ($($n:literal)*) => {
            match n {
                $($n => if rs == 1 {
                    // SAFETY: the caller's contract, with `rs == 1`.
                    unsafe { rows::<T, $n, true>(job) }
                } else {
                    // SAFETY: the caller's contract.
                    unsafe { rows::<T, $n, false>(job) }
                },)*
                _ => unreachable!("kernel contract: 1 ≤ n ≤ ROWS_MAX"),
            }
        };
    }
    rows!(1 2 3 4 5 6 7 8);
}

/// Rows of the one larger count computed here when the matrix's rows are adjacent (`rs == 1`:
/// its columns are contiguous, as in a transposed C matrix or the matrix of a vector·matrix
/// product): 16 sums still fit in registers, where updating the result column by column would
/// load and store it once per column.
pub(super) const UNIT_ROWS: usize = 16;

/// [`mat_vec_rows`] for `UNIT_ROWS` rows with `rs == 1`.
///
/// # Safety
/// As for [`mat_vec_rows`], with `n == UNIT_ROWS` and `rs == 1`.
#[inline(always)]
pub(super) unsafe fn mat_vec_unit_rows<T: Element>(job: &MatVec<T>) {
    debug_assert!(job.n == UNIT_ROWS && job.rs == 1);
    // SAFETY: the caller's contract.
    unsafe { rows::<T, UNIT_ROWS, true>(job) }
}

/// [`mat_vec_rows`] for `N` rows (`UNIT`: `rs` is 1, known to the compiler).
///
/// # Safety
/// As for [`mat_vec_rows`], with `n = N` (and `rs == 1` if `UNIT`).
#[inline(always)]
unsafe fn rows<T: Element, const N: usize, const UNIT: bool>(job: &MatVec<T>) {
    let &MatVec {
        k, a, cs, x, ix, y, ..
    } = job;
    let rs = if UNIT { 1 } else { job.rs };
    let mut acc = [T::zero(); N];
    for j in 0..k as isize {
        // SAFETY: `j < k` and every `i < N = n`: elements of live arrays (the contract).
        unsafe {
            let xj = *x.offset(j * ix);
            let col = a.offset(j * cs);
            for (i, s) in (0isize..).zip(acc.iter_mut()) {
                *s = s.np_add((*col.offset(i * rs)).np_mul(xj));
            }
        }
    }
    for (i, s) in acc.into_iter().enumerate() {
        // SAFETY: `i < N = n`: inside `y` (the contract).
        unsafe { y.add(i).write(s) };
    }
}
