//! Products that do not pay for packing: tiny matrices (direct triple loop) and
//! matrix × vector (one pass over the matrix, vectorized along its contiguous direction).

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis};

use super::lane::{IntElement, Lane};

/// Columns of `c` one pass of the direct loop accumulates in registers.
const DIRECT_NB: usize = 4;

/// Matrix elements below which `gemv` runs on one thread.
const GEMV_PAR_MIN: usize = 1 << 18;

/// `c = a · b` by the direct triple loop, for tiny products (no packing, no allocation).
/// Shapes must be consistent (checked by the caller).
pub(crate) fn gemm_direct<T: IntElement>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n));
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.fill(T::ZERO);
        return;
    }
    let v = Views::new(&a, &b, &mut c);
    // SAFETY: `v` describes the valid, still-borrowed views `a` (m×k), `b` (k×n), `c` (m×n).
    unsafe { direct(&v, m, n, k) }
}

/// The direct loop over blocks of `DIRECT_NB` columns. (Deliberately not compiled for AVX2:
/// at these sizes the vectorizer's run-time checks cost more than they save.)
///
/// # Safety
/// `v` must describe valid views `a` (m×k), `b` (k×n), `c` (m×n) that are still borrowed
/// (`c` mutably, its elements aliasing neither each other nor `a`/`b`).
#[inline(always)]
unsafe fn direct<T: IntElement>(v: &Views<T>, m: usize, n: usize, k: usize) {
    // A `while` loop: `step_by` costs dozens of instructions to set up, which shows on 2×2.
    let mut j0 = 0;
    while j0 < n {
        // SAFETY: j0 < n, and the views are valid (caller contract).
        unsafe { direct_block(v, m, k, j0, DIRECT_NB.min(n - j0)) };
        j0 += DIRECT_NB;
    }
}

/// Base pointers and strides of `a`, `b`, `c` for the direct loop.
struct Views<T> {
    /// `a`'s element `[0, 0]` and strides.
    a: (*const T, isize, isize),
    /// `b`'s element `[0, 0]` and strides.
    b: (*const T, isize, isize),
    /// `c`'s element `[0, 0]` and strides.
    c: (*mut T, isize, isize),
}

impl<T> Views<T> {
    /// Captures the raw layout of the three views.
    fn new(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>, c: &mut ArrayViewMut2<'_, T>) -> Self {
        Views {
            a: (a.as_ptr(), a.strides()[0], a.strides()[1]),
            b: (b.as_ptr(), b.strides()[0], b.strides()[1]),
            c: (c.as_mut_ptr(), c.strides()[0], c.strides()[1]),
        }
    }
}

/// `c[.., j0 .. j0 + nb] = a · b[.., j0 .. j0 + nb]` for `nb <= DIRECT_NB`, each row's sums
/// kept in `DIRECT_NB` registers (independent accumulators, no dependency chain through
/// memory). Lanes `j >= nb` re-read column `j0` (always valid) and are never stored, so one
/// branch-free instance serves every block width.
///
/// # Safety
/// `v` must come from valid views `a` (m×k), `b` (k×n), `c` (m×n) that are still borrowed
/// (`c` mutably, its elements aliasing neither each other nor `a`/`b`), with `j0 < n` and
/// `j0 + nb <= n`.
#[inline(always)]
unsafe fn direct_block<T: IntElement>(v: &Views<T>, m: usize, k: usize, j0: usize, nb: usize) {
    let (ap, ars, acs) = v.a;
    let (bp, brs, bcs) = v.b;
    let (cp, crs, ccs) = v.c;
    // Column offsets of the block in `b`: valid columns j0 + j for j < nb, else j0.
    let mut bcol = [0isize; DIRECT_NB];
    for (j, o) in bcol.iter_mut().enumerate() {
        *o = (j0 + if j < nb { j } else { 0 }) as isize * bcs;
    }
    for i in 0..m {
        let mut acc = [T::ZERO; DIRECT_NB];
        for p in 0..k {
            // SAFETY: [i, p] is a valid index of `a` (i < m, p < k): the offset stays inside
            // the view (ndarray's view invariant).
            let x = unsafe { *ap.offset(i as isize * ars + p as isize * acs) };
            let brow = p as isize * brs;
            for (s, &o) in acc.iter_mut().zip(&bcol) {
                // SAFETY: `o` is the offset of a column < n (see `bcol`), so [p, column] is a
                // valid index of `b`.
                let y = unsafe { *bp.offset(brow + o) };
                *s = s.wadd(x.wmul(y));
            }
        }
        for (j, &s) in acc.iter().take(nb).enumerate() {
            // SAFETY: [i, j0 + j] is a valid index of `c` (j < nb, j0 + nb <= n), whose
            // elements alias nothing else (caller contract), so the write is exclusive.
            unsafe { *cp.offset(i as isize * crs + (j0 + j) as isize * ccs) = s };
        }
    }
}

/// `y = m · x` for an `r × k` matrix `m`, `k`-vector `x` and `r`-vector `y` (any strides).
pub(crate) fn gemv<T: IntElement>(
    m: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
    mut y: ArrayViewMut1<'_, T>,
) -> Result<(), crate::Error> {
    let (rows, k) = m.dim();
    assert!(x.len() == k && y.len() == rows);
    if rows == 0 {
        return Ok(());
    }
    if k == 0 {
        y.fill(T::ZERO);
        return Ok(());
    }
    let threads = if rows.saturating_mul(k) >= GEMV_PAR_MIN {
        rayon::current_num_threads()
    } else {
        1
    };
    gemv_threads(m, x, y, threads)
}

/// [`gemv`] with the thread count given (`1`: no other thread); `k > 0`.
pub(crate) fn gemv_threads<T: IntElement>(
    m: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
    mut y: ArrayViewMut1<'_, T>,
    threads: usize,
) -> Result<(), crate::Error> {
    let rows = m.nrows();
    assert!(x.len() == m.ncols() && y.len() == rows);
    if threads > 1 && rows > 1 {
        let chunk = rows.div_ceil(2 * threads);
        let jobs: Vec<_> = m
            .axis_chunks_iter(Axis(0), chunk)
            .zip(y.axis_chunks_iter_mut(Axis(0), chunk))
            .collect();
        crate::kernels::threads::map(jobs, |(m, y)| gemv_serial(m, x, y))
            .into_iter()
            .collect()
    } else {
        gemv_serial(m, x, y)
    }
}

/// Serial `gemv`, on AVX2 code when the CPU has it.
fn gemv_serial<T: IntElement>(
    m: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
    y: ArrayViewMut1<'_, T>,
) -> Result<(), crate::Error> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked on the line above), the only requirement
        // `gemv_avx2` adds to the safe `gemv_body`.
        return unsafe { gemv_avx2(m, x, y) };
    }
    gemv_body(m, x, y)
}

/// [`gemv_body`] compiled for AVX2 (LLVM then vectorizes its loops with 256-bit vectors).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gemv_avx2<T: IntElement>(
    m: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
    y: ArrayViewMut1<'_, T>,
) -> Result<(), crate::Error> {
    gemv_body(m, x, y)
}

/// The gemv loops: dot products along contiguous rows, or `axpy` updates along contiguous
/// columns, accumulating in lanes; other layouts take strided dot products.
#[inline(always)]
fn gemv_body<T: IntElement>(
    m: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
    mut y: ArrayViewMut1<'_, T>,
) -> Result<(), crate::Error> {
    let (rows, k) = m.dim();
    let (rs, cs) = (m.strides()[0], m.strides()[1]);
    if cs == 1 || k == 1 {
        // Contiguous rows: one dot product each, in the element type (wrapping arithmetic is
        // exact in any order) against a contiguous copy of `x` when it is strided.
        let xs_owned: Vec<T>;
        let xs: &[T] = match x.as_slice() {
            Some(s) => s,
            None => {
                let mut v = crate::kernels::mem::try_with_capacity_as(k, &[k], uint_name::<T>())?;
                v.extend(x.iter().copied());
                xs_owned = v;
                &xs_owned
            }
        };
        for (row, yi) in m.rows().into_iter().zip(y.iter_mut()) {
            *yi = match row.as_slice() {
                Some(row) => dot_elems(row, xs),
                None => row
                    .iter()
                    .zip(xs)
                    .fold(T::ZERO, |s, (&a, &b)| s.wadd(a.wmul(b))),
            };
        }
    } else if rs == 1 || rows == 1 {
        let mut acc = alloc_lanes::<T>(rows, Some(T::Lane::ZERO))?;
        for (col, xp) in m.columns().into_iter().zip(x.iter()) {
            let xp = xp.to_lane();
            match col.as_slice() {
                Some(col) => {
                    for (s, &a) in acc.iter_mut().zip(col) {
                        *s = s.wadd(a.to_lane().wmul(xp));
                    }
                }
                None => {
                    for (s, &a) in acc.iter_mut().zip(col.iter()) {
                        *s = s.wadd(a.to_lane().wmul(xp));
                    }
                }
            }
        }
        for (yi, &s) in y.iter_mut().zip(&acc) {
            *yi = T::from_lane(s);
        }
    } else {
        for (row, yi) in m.rows().into_iter().zip(y.iter_mut()) {
            *yi = row
                .iter()
                .zip(x.iter())
                .fold(T::ZERO, |s, (&a, &b)| s.wadd(a.wmul(b)));
        }
    }
    Ok(())
}

/// The NumPy name of the unsigned integer type of `U`'s size (the kernels' scratch buffers
/// hold integers in their unsigned, wrapping representation).
fn uint_name<U>() -> &'static str {
    match size_of::<U>() {
        1 => "uint8",
        2 => "uint16",
        4 => "uint32",
        _ => "uint64",
    }
}

/// A lane buffer of `len` elements: empty with that capacity (`fill: None`) or filled.
fn alloc_lanes<T: IntElement>(
    len: usize,
    fill: Option<T::Lane>,
) -> Result<Vec<T::Lane>, crate::Error> {
    let dtype = uint_name::<T::Lane>();
    match fill {
        None => crate::kernels::mem::try_with_capacity_as(len, &[len], dtype),
        Some(x) => crate::kernels::mem::try_filled_as(len, x, &[len], dtype),
    }
}

/// `Σ a[p] · b[p]` over the common length, wrapping in the element type. A plain reduction:
/// wrapping addition is associative, so LLVM's loop vectorizer splits it into vector partial
/// sums by itself (and any order gives the same result).
#[inline(always)]
pub(crate) fn dot_elems<T: IntElement>(a: &[T], b: &[T]) -> T {
    a.iter()
        .zip(b)
        .fold(T::ZERO, |s, (&x, &y)| s.wadd(x.wmul(y)))
}

/// [`dot_elems`] compiled for AVX2 (wider vectors).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_elems_avx2<T: IntElement>(a: &[T], b: &[T]) -> T {
    dot_elems(a, b)
}

/// `Σ x[p] · y[p]` for two integer vectors (wrapping): vectorized over contiguous slices (on
/// AVX2 code when the CPU has it), a strided loop otherwise.
pub(crate) fn dot1<T: IntElement>(x: ArrayView1<'_, T>, y: ArrayView1<'_, T>) -> T {
    match (x.as_slice(), y.as_slice()) {
        (Some(a), Some(b)) => {
            #[cfg(target_arch = "x86_64")]
            if a.len() >= 64 && std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked on the line above), the only
                // requirement `dot_elems_avx2` adds to the safe `dot_elems`.
                return unsafe { dot_elems_avx2(a, b) };
            }
            dot_elems(a, b)
        }
        _ => x
            .iter()
            .zip(y.iter())
            .fold(T::ZERO, |s, (&a, &b)| s.wadd(a.wmul(b))),
    }
}
