//! The skinny kernels: products with a short contracted length `k ≤ 16` whose other dimensions
//! are large — tall products (`(100000, 8) @ (8, 8)`: [`tall_new`], on [`super::small`]'s
//! register-blocked kernel) and vector·matrix (`(8,) @ (8, 100000)`: [`vecmat_new`]) — where
//! BLAS's packing costs more than the arithmetic. Each writes a new result without zero-filling
//! it first, in parallel over rows or column ranges when the product is large enough.

use ndarray::ArrayView2;

use super::cpu::has_avx2_fma;
#[cfg(target_arch = "x86_64")]
use super::cpu::has_avx512;
use super::small::{Args, isa, run};
use crate::element::Element;

/// Largest contracted length `k` for the skinny kernels below.
pub(crate) const SKINNY_MAX_K: usize = 16;

/// Widest `n` of a skinny product for the kernels below: 16, and 8 for complex types (measured,
/// one thread, `Complex<f64>`: at `n = 16` OpenBLAS `zgemm` is 2× faster, e.g. 104 µs against
/// 212 µs for `(1000, 16)·(16, 16)`; at `n = 8` these kernels are 1.4× faster).
pub(crate) fn skinny_max_n<T: 'static>() -> usize {
    if super::vector::is_complex::<T>() {
        8
    } else {
        16
    }
}
/// Minimum multiply-adds before a skinny product is spread over rayon's threads.
const SKINNY_PAR_MIN_WORK: usize = 1 << 17;

/// A raw pointer into a result buffer, handed to rayon workers that write disjoint parts.
#[derive(Clone, Copy)]
struct SendPtr<T>(*mut T);
// SAFETY: every worker writes a disjoint range of rows/columns through its copy (see the
// callers), and `T: Send` makes writing a `T` from another thread sound.
unsafe impl<T: Send> Send for SendPtr<T> {}
// SAFETY: `&SendPtr` only hands out copies of the pointer; see `Send`.
unsafe impl<T: Send> Sync for SendPtr<T> {}
impl<T> SendPtr<T> {
    /// The pointer (a method, so that closures capture the whole `SendPtr`, not its field).
    fn get(self) -> *mut T {
        self.0
    }
}

/// Runs `job(lo, hi)` over `0..len` in pieces: in parallel ([`super::threads::map`]) when `work`
/// is large enough,
/// otherwise in one call.
fn split_work(len: usize, work: usize, job: impl Fn(usize, usize) + Sync) {
    let threads = rayon::current_num_threads();
    if threads > 1 && work >= SKINNY_PAR_MIN_WORK && len >= 2 * threads {
        let pieces = (threads * 4).min(len);
        super::threads::map((0..pieces).collect(), |t| {
            job(len * t / pieces, len * (t + 1) / pieces)
        });
    } else {
        job(0, len);
    }
}

/// Whether [`tall_new`] computes `a · b` (a `k ≤ SKINNY_MAX_K` product whose rows of `b` are
/// contiguous and 4, 8 or 16 wide).
pub(crate) fn tall_takes<T: 'static>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> bool {
    let k = a.ncols();
    let n = b.ncols();
    let csb = if n <= 1 { 1 } else { b.strides()[1] };
    let fixed = matches!(n, 4 | 8 | 16) && n <= skinny_max_n::<T>();
    b.nrows() == k && k != 0 && k <= SKINNY_MAX_K && csb == 1 && fixed
}

/// A new C-contiguous `m×n` result of `a · b` for a tall, skinny product — many rows, a short
/// `k ≤ 16` and `n ∈ {4, 8, 16}` with unit column stride in `b`, e.g. `(100000, 8) @ (8, 8)` —
/// written row by row by the register-blocked `small::kernel_fixed` (in parallel for large
/// `m`), without zero-filling first. General BLAS `?gemm` packs panels for such shapes and spends
/// more on that than on the arithmetic. `None` when the shape does not qualify;
/// `Err(MemoryError)` when the result cannot be allocated.
pub(crate) fn tall_new<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let (m, k) = a.dim();
    let n = b.ncols();
    if !tall_takes(&a, &b) {
        return Ok(None);
    }
    let Some(len) = m.checked_mul(n) else {
        return Ok(None);
    };
    let mut v: Vec<T> = super::mem::try_with_capacity(len, &[m, n])?;
    let c = SendPtr(v.as_mut_ptr());
    let isa = isa::<T>();
    let (ap, bp) = (a.as_ptr(), b.as_ptr());
    let (rsa, csa, rsb) = (a.strides()[0], a.strides()[1], b.strides()[0]);
    let (sa, sb) = (SendPtr(ap as *mut T), SendPtr(bp as *mut T));
    split_work(m, len.saturating_mul(k), |lo, hi| {
        let args = Args {
            m: hi - lo,
            n,
            k,
            // SAFETY (pointer arithmetic): row lo of `a` (lo ≤ m) is `lo·rsa` elements from
            // its first element; for lo == m the pointer is never dereferenced (m − lo == 0).
            a: sa.get().wrapping_offset(lo as isize * rsa),
            rsa,
            csa,
            b: sb.get(),
            rsb,
            csb: 1,
            c: c.get().wrapping_add(lo * n),
            rsc: n as isize,
            csc: 1,
        };
        // SAFETY: `args` describes rows lo..hi of the live views `a` (read) and `b` (read), and
        // rows lo..hi of the m×n buffer `v` (capacity m·n, leading dimension n), which no other
        // piece touches. k > 0, n ∈ {4, 8, 16} and unit column strides in `b` and `c`, so
        // `kernel` takes its `kernel_fixed` path, which writes every element of its rows
        // without reading any; `isa` is `isa::<T>()` of this CPU.
        unsafe { run(&args, isa) };
    });
    // SAFETY: the pieces cover rows 0..m, each writing all n elements of each of its rows.
    unsafe { v.set_len(len) };
    Ok(Some(v))
}

/// A new result of length `n` for the vector·matrix product `x · b` with a short `k ≤ 16`
/// and `b`'s rows contiguous, e.g. `(8,) @ (8, 100000)`: 16 columns at a time kept in
/// registers, each column summed in order `0 + x[0]·b[0, j] + x[1]·b[1, j] + …` and stored
/// once (in parallel over column ranges for large `n`), without zero-filling the result.
/// `None` when the shape does not qualify; `Err(MemoryError)` when the result cannot be
/// allocated.
pub(crate) fn vecmat_new<T: Element>(
    x: ndarray::ArrayView1<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let (k, n) = b.dim();
    if x.len() != k || k == 0 || k > SKINNY_MAX_K || n < 2 || b.strides()[1] != 1 {
        return Ok(None);
    }
    let mut v: Vec<T> = super::mem::try_with_capacity(n, &[n])?;
    let job = VecMat {
        x: std::array::from_fn(|p| if p < k { x[p] } else { T::zero() }),
        k,
        b: SendPtr(b.as_ptr() as *mut T),
        rsb: b.strides()[0],
        c: SendPtr(v.as_mut_ptr()),
    };
    let avx2 = has_avx2_fma();
    let groups = n.div_ceil(VECMAT_W);
    split_work(groups, n.saturating_mul(k), |lo, hi| {
        let (j0, j1) = (lo * VECMAT_W, (hi * VECMAT_W).min(n));
        // SAFETY: columns j0..j1 ≤ n of the k rows of `b` (row stride rsb, unit column stride)
        // are inside the view; elements j0..j1 of the n-element buffer `v` belong to this piece
        // alone; AVX2 only when detected.
        unsafe { vecmat_cols(&job, j0, j1, avx2) };
    });
    // SAFETY: the pieces cover columns 0..n, each writing all of its elements.
    unsafe { v.set_len(n) };
    Ok(Some(v))
}

/// Columns per register block of [`vecmat_new`].
const VECMAT_W: usize = 16;

/// One vector·matrix product: `x` (zero-padded to 16), `k`, `b`'s first element and row
/// stride (unit column stride), and the result buffer `c`.
struct VecMat<T> {
    x: [T; SKINNY_MAX_K],
    k: usize,
    b: SendPtr<T>,
    rsb: isize,
    c: SendPtr<T>,
}

/// `c[j] = Σ_p x[p]·b[p, j]` (in order, from zero) for `j` in `j0..j1`.
///
/// # Safety
/// For every `p < k` and `j0 ≤ j < j1`, `b + p·rsb + j` is an element of a live array, and
/// `c + j` is valid for writes and not accessed by anyone else meanwhile; `avx2` only if the
/// CPU supports AVX2 and FMA.
unsafe fn vecmat_cols<T: Element>(job: &VecMat<T>, j0: usize, j1: usize, avx2: bool) {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        // SAFETY: forwarded contract; AVX2 checked by the caller.
        return unsafe { vecmat_cols_avx2(job, j0, j1) };
    }
    let _ = avx2;
    // SAFETY: forwarded contract.
    unsafe { vecmat_cols_any(job, j0, j1) }
}

/// # Safety
/// As for [`vecmat_cols`], and the CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn vecmat_cols_avx2<T: Element>(job: &VecMat<T>, j0: usize, j1: usize) {
    if has_avx512() {
        // SAFETY: forwarded contract; AVX-512 (F, DQ, BW, VL) detected just above.
        return unsafe { vecmat_cols_avx512(job, j0, j1) };
    }
    // SAFETY: forwarded contract.
    unsafe { vecmat_cols_any(job, j0, j1) }
}

/// # Safety
/// As for [`vecmat_cols`], and the CPU must support AVX-512 F, DQ, BW and VL.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2")]
unsafe fn vecmat_cols_avx512<T: Element>(job: &VecMat<T>, j0: usize, j1: usize) {
    // SAFETY: forwarded contract.
    unsafe { vecmat_cols_any(job, j0, j1) }
}

/// # Safety
/// As for [`vecmat_cols`].
#[inline(always)]
unsafe fn vecmat_cols_any<T: Element>(job: &VecMat<T>, j0: usize, j1: usize) {
    let (x, k, b, rsb, c) = (&job.x, job.k, job.b.get(), job.rsb, job.c.get());
    let mut j = j0;
    while j + VECMAT_W <= j1 {
        let mut acc = [T::zero(); VECMAT_W];
        for (p, &xp) in x.iter().enumerate().take(k) {
            // SAFETY: columns j..j + W ≤ j1 of row p < k are in the array (contract), and
            // `[T; W]` has `T`'s alignment.
            let brow = unsafe { &*(b.offset(p as isize * rsb).add(j) as *const [T; VECMAT_W]) };
            for t in 0..VECMAT_W {
                acc[t] = acc[t].np_add(xp.np_mul(brow[t]));
            }
        }
        // SAFETY: c + j .. c + j + W are ours to write (contract).
        unsafe { (c.add(j) as *mut [T; VECMAT_W]).write(acc) };
        j += VECMAT_W;
    }
    for j in j..j1 {
        let mut acc = T::zero();
        for (p, &xp) in x.iter().enumerate().take(k) {
            // SAFETY: (p, j) is in the array (contract).
            acc = acc.np_add(xp.np_mul(unsafe { *b.offset(p as isize * rsb).add(j) }));
        }
        // SAFETY: c + j is ours to write (contract).
        unsafe { c.add(j).write(acc) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::small::gemm;
    use crate::kernels::small::tests::naive;
    use ndarray::{Array2, s};

    /// The skinny kernels write every element of a new buffer: compared with the textbook loop
    /// on integer-valued data (exact), for every qualifying width, odd and parallel row counts,
    /// reversed and strided `a`, and the shapes they must refuse.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "too slow under Miri; tests/checks/miri.rs covers these paths"
    )]
    fn skinny_kernels_match_naive() {
        let big = Array2::from_shape_fn((3001, 33), |(i, j)| ((i * 31 + j * 7) % 23) as f64 - 11.0);
        for &n in &[4usize, 8, 16] {
            for &k in &[1usize, 3, 8, 16] {
                let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 5 + j * 3) % 9) as f64 - 4.0);
                for &m in &[2usize, 3, 257, 3001] {
                    let views = [
                        big.slice(s![..m, ..k]),
                        big.slice(s![..m;-1, ..k]),
                        big.slice(s![..m, ..2 * k;2]),
                    ];
                    for av in views {
                        let want = naive(&av, &b.view());
                        let got = tall_new(av, b.view()).unwrap().expect("qualifies");
                        assert_eq!(Array2::from_shape_vec((m, n), got).unwrap(), want);
                        let mut c = Array2::from_elem((m, n), f64::NAN);
                        gemm(av, b.view(), c.view_mut());
                        assert_eq!(c, want);
                    }
                }
            }
        }
        for &k in &[1usize, 5, 16] {
            for &n in &[2usize, 255, 256, 257, 5000] {
                let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 13 + j) % 17) as f64 - 8.0);
                let x = big.slice(s![7, ..k]);
                let want = naive(&x.insert_axis(ndarray::Axis(0)), &b.view());
                let got = vecmat_new(x, b.view()).unwrap().expect("qualifies");
                assert_eq!(got.as_slice(), want.as_slice().unwrap());
                let xr = big.slice(s![..k;-1, 3]);
                let want = naive(&xr.insert_axis(ndarray::Axis(0)), &b.view());
                assert_eq!(
                    vecmat_new(xr, b.view()).unwrap().unwrap().as_slice(),
                    want.as_slice().unwrap()
                );
            }
        }
        let b = Array2::from_shape_fn((4, 8), |(i, j)| (i + j) as f64);
        assert!(
            tall_new(big.slice(s![..9, ..4]), b.t().t().slice(s![.., ..;2]))
                .unwrap()
                .is_none()
        ); // stride 2
        assert!(
            tall_new(big.slice(s![..9, ..0]), Array2::zeros((0, 8)).view())
                .unwrap()
                .is_none()
        ); // k = 0
        let b17 = Array2::<f64>::zeros((17, 8));
        assert!(
            tall_new(big.slice(s![..9, ..17]), b17.view())
                .unwrap()
                .is_none()
        ); // k > 16
        assert!(
            vecmat_new(big.slice(s![0, ..17]), Array2::zeros((17, 9)).view())
                .unwrap()
                .is_none()
        );
        assert!(vecmat_new(big.slice(s![0, ..8]), b.t()).unwrap().is_none()); // column stride 8
    }
}
