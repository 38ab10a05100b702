//! `f64` copies of the stack kernels of [`super`] written with x86-64 intrinsics, for the shapes
//! where the compiled generic code leaves speed behind: `matvec` with rows of a multiple of 8
//! elements, `vecmat` with a multiple of 4 (AVX2) or 8 (AVX-512) columns.
//!
//! Every kernel computes exactly the sums of the generic one — the same partial sums in the same
//! order, one multiply then one add per element, the same pairwise reduction — so the results
//! are bit-identical whichever copy runs. What differs is how memory is walked:
//!
//! * each matrix is read front to back, row after row (sequential lines for the hardware
//!   prefetcher), and the matrix [`AHEAD`] items later is prefetched by software while the
//!   current one is summed — each row of it as the same row of the current one is read, so the
//!   prefetches are spread over the work instead of issued in one burst per item — and a stack
//!   much larger than the caches streams at bandwidth;
//! * `vecmat` sums are chains of dependent adds in row order (one per column): eight chains of
//!   different column blocks or items advance together, so the adder's latency is hidden;
//! * results are written once, a vector at a time.

use std::arch::x86_64::{
    __m256d, _MM_HINT_T0, _mm_prefetch, _mm256_add_pd, _mm256_loadu_pd, _mm256_mul_pd,
    _mm256_permute2f128_pd, _mm256_permute4x64_pd, _mm256_set1_pd, _mm256_setzero_pd,
    _mm256_storeu_pd, _mm256_unpackhi_pd, _mm256_unpacklo_pd,
};
#[cfg(npdot_mm_avx512)]
use std::arch::x86_64::{
    __m512d, _mm512_add_pd, _mm512_loadu_pd, _mm512_mul_pd, _mm512_permutexvar_pd, _mm512_set1_pd,
    _mm512_setr_epi64, _mm512_setzero_pd, _mm512_shuffle_f64x2, _mm512_storeu_pd,
    _mm512_unpackhi_pd, _mm512_unpacklo_pd,
};

use super::{LANES, Stack, dot_slices};

/// How many items ahead the matrices are prefetched (measured on the `(10000, 16, 16)` stacks:
/// without prefetching the kernels ran at about half the bandwidth of a plain read pass; 4 and 8
/// items ahead did equally well).
const AHEAD: usize = 4;

/// Prefetches (into L1) the `len` elements from `off` of item `t + AHEAD`'s matrix (`span`
/// elements from `(t + AHEAD)·sa`), when that item exists in `a`; nothing for a shared matrix.
#[inline(always)]
fn prefetch_row(a: &[f64], t: usize, sa: usize, span: usize, off: usize, len: usize) {
    let start = (t + AHEAD).saturating_mul(sa);
    if sa == 0 || len == 0 || off + len > span || start.saturating_add(span) > a.len() {
        return;
    }
    let row = &a[start + off..start + off + len];
    let mut o = 0;
    while o < len {
        // SAFETY: `o < len = row.len()`: the address is inside `row`. A prefetch only hints
        // the cache; SSE (which it needs) is part of x86-64.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(row.as_ptr().add(o).cast::<i8>()) };
        o += 8;
    }
    // SAFETY: as above, for the last element (its line may start after the last `o`).
    unsafe { _mm_prefetch::<_MM_HINT_T0>(row.as_ptr().add(len - 1).cast::<i8>()) };
}

/// `matvec` over a stack with AVX2 (see [`super::matvec_items`]): four rows at a time, each in
/// two `ymm` accumulators (lanes 0–3 and 4–7 of the generic kernel's eight partial sums), reduced
/// in exactly [`super::reduce`]'s order and stored as one vector; leftover rows by
/// [`dot_slices`] (the same sums).
///
/// # Safety
/// The CPU must support AVX2 and FMA. `n % 8 == 0`, `n ≥ 8`, `m ≥ 1`.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn matvec_f64_avx2(s: Stack<'_, f64>, m: usize, n: usize, y: &mut [f64]) {
    debug_assert!(n.is_multiple_of(LANES) && n >= LANES && m >= 1);
    // Rows of the common lengths get their own fully unrolled copy.
    // SAFETY: forwarded contract.
    unsafe {
        match n {
            8 => matvec_avx2_n::<8>(s, m, n, y),
            16 => matvec_avx2_n::<16>(s, m, n, y),
            32 => matvec_avx2_n::<32>(s, m, n, y),
            _ => matvec_avx2_n::<0>(s, m, n, y),
        }
    }
}

/// The body of [`matvec_f64_avx2`], for rows of `N` elements (`N > 0`: a compile-time row
/// length, `n == N`) or `n` (`N == 0`).
///
/// # Safety
/// As for [`matvec_f64_avx2`].
#[target_feature(enable = "avx2,fma")]
unsafe fn matvec_avx2_n<const N: usize>(s: Stack<'_, f64>, m: usize, n: usize, y: &mut [f64]) {
    let n = if N == 0 { n } else { N };
    let span = (m - 1) * s.ld + n;
    for (t, y_t) in y.chunks_exact_mut(m).enumerate() {
        let rows4 = m - m % 4;
        if rows4 < m {
            prefetch_row(s.a, t, s.sa, span, rows4 * s.ld, span - rows4 * s.ld);
        }
        let x = &s.x[t * s.sx..][..n];
        let a = &s.a[t * s.sa..][..span];
        let mut r = 0;
        while r + 4 <= m {
            let mut lo = [_mm256_setzero_pd(); 4];
            let mut hi = [_mm256_setzero_pd(); 4];
            for q in 0..4 {
                prefetch_row(s.a, t, s.sa, span, (r + q) * s.ld, n);
                // SAFETY: row `r + q < m` starts at `(r + q)·ld` and its `n` elements end by
                // `(m − 1)·ld + n = a.len()`; `c + 8 ≤ n = x.len()`: every 4-element load at
                // `c` and `c + 4` is in bounds.
                unsafe {
                    let row = a.as_ptr().add((r + q) * s.ld);
                    for c in (0..n).step_by(LANES) {
                        let (rp, xp) = (row.add(c), x.as_ptr().add(c));
                        let p_lo = _mm256_mul_pd(_mm256_loadu_pd(rp), _mm256_loadu_pd(xp));
                        let p_hi =
                            _mm256_mul_pd(_mm256_loadu_pd(rp.add(4)), _mm256_loadu_pd(xp.add(4)));
                        lo[q] = _mm256_add_pd(lo[q], p_lo);
                        hi[q] = _mm256_add_pd(hi[q], p_hi);
                    }
                }
            }
            // SAFETY: AVX2 is enabled here.
            let v = unsafe { reduce4_avx2(lo, hi) };
            let out = &mut y_t[r..r + 4];
            // SAFETY: `out` has exactly 4 elements.
            unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
            r += 4;
        }
        for (q, o) in y_t[r..].iter_mut().enumerate() {
            *o = dot_slices::<f64, false>(&a[(r + q) * s.ld..][..n], x);
        }
    }
}

/// The four sums `reduce(lanes of row q)` of rows whose partial sums 0–3 are `lo[q]` and 4–7
/// `hi[q]`, in [`super::reduce`]'s order.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2,fma")]
unsafe fn reduce4_avx2(lo: [__m256d; 4], hi: [__m256d; 4]) -> __m256d {
    // u[q] = (s4[0], s4[1], s4[2], s4[3]) of row q, s4[i] = acc[i] + acc[i + 4].
    let u: [__m256d; 4] = std::array::from_fn(|q| _mm256_add_pd(lo[q], hi[q]));
    // (s4[0] + s4[2], s4[1] + s4[3]) of two rows.
    let half = |v: __m256d, w: __m256d| {
        _mm256_add_pd(
            _mm256_permute2f128_pd::<0x20>(v, w),
            _mm256_permute2f128_pd::<0x31>(v, w),
        )
    };
    let (h01, h23) = (half(u[0], u[1]), half(u[2], u[3]));
    // (s4[0] + s4[2]) + (s4[1] + s4[3]) of rows 0, 2, 1, 3, then in row order.
    let sums = _mm256_add_pd(_mm256_unpacklo_pd(h01, h23), _mm256_unpackhi_pd(h01, h23));
    _mm256_permute4x64_pd::<0xD8>(sums)
}

/// `matvec` over a stack with AVX-512: eight rows at a time in eight `zmm` accumulators (lane
/// `l` sums the products of columns `≡ l mod 8`, one multiply then one add per element, as
/// [`super::matvec_items`]' generic code), reduced together by shuffles in exactly the order of
/// [`super::reduce`] and stored as one vector; leftover rows four at a time by the AVX2 scheme
/// of [`matvec_f64_avx2`], then by [`dot_slices`] (the same sums).
///
/// # Safety
/// The CPU must support AVX-512 F and DQ, AVX2 and FMA. `n % 8 == 0`, `n ≥ 8`, `m ≥ 1`.
#[cfg(npdot_mm_avx512)]
#[allow(clippy::incompatible_msrv)] // compiled only from rustc 1.89 on (`npdot_mm_avx512`)
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
pub(super) unsafe fn matvec_f64_avx512(s: Stack<'_, f64>, m: usize, n: usize, y: &mut [f64]) {
    debug_assert!(n.is_multiple_of(LANES) && n >= LANES && m >= 1);
    // Rows of the common lengths get their own fully unrolled copy.
    // SAFETY: forwarded contract.
    unsafe {
        match n {
            8 => matvec_avx512_n::<8>(s, m, n, y),
            16 => matvec_avx512_n::<16>(s, m, n, y),
            32 => matvec_avx512_n::<32>(s, m, n, y),
            _ => matvec_avx512_n::<0>(s, m, n, y),
        }
    }
}

/// The body of [`matvec_f64_avx512`], for rows of `N` elements (`N > 0`: a compile-time row
/// length, `n == N`) or `n` (`N == 0`).
///
/// # Safety
/// As for [`matvec_f64_avx512`].
#[cfg(npdot_mm_avx512)]
#[allow(clippy::incompatible_msrv)] // compiled only from rustc 1.89 on (`npdot_mm_avx512`)
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn matvec_avx512_n<const N: usize>(s: Stack<'_, f64>, m: usize, n: usize, y: &mut [f64]) {
    let n = if N == 0 { n } else { N };
    let order = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
    let span = (m - 1) * s.ld + n;
    let rows8 = m - m % LANES;
    for (t, y_t) in y.chunks_exact_mut(m).enumerate() {
        if rows8 < m {
            prefetch_row(s.a, t, s.sa, span, rows8 * s.ld, span - rows8 * s.ld);
        }
        let x = &s.x[t * s.sx..][..n];
        let a = &s.a[t * s.sa..][..span];
        for r in (0..rows8).step_by(LANES) {
            let mut acc = [_mm512_setzero_pd(); LANES];
            for (q, acc_q) in acc.iter_mut().enumerate() {
                prefetch_row(s.a, t, s.sa, span, (r + q) * s.ld, n);
                // SAFETY: row `r + q < m` starts at `(r + q)·ld` and its `n` elements end by
                // `(m − 1)·ld + n = a.len()`; `c + 8 ≤ n = x.len()`: both loads are in bounds.
                unsafe {
                    let row = a.as_ptr().add((r + q) * s.ld);
                    for c in (0..n).step_by(LANES) {
                        let p = _mm512_mul_pd(
                            _mm512_loadu_pd(row.add(c)),
                            _mm512_loadu_pd(x.as_ptr().add(c)),
                        );
                        *acc_q = _mm512_add_pd(*acc_q, p);
                    }
                }
            }
            // s4[i] = acc[i] + acc[i + 4], for rows in pairs.
            let half = |u: __m512d, v: __m512d| {
                _mm512_add_pd(
                    _mm512_shuffle_f64x2::<0b01_00_01_00>(u, v),
                    _mm512_shuffle_f64x2::<0b11_10_11_10>(u, v),
                )
            };
            let (w01, w23) = (half(acc[0], acc[1]), half(acc[2], acc[3]));
            let (w45, w67) = (half(acc[4], acc[5]), half(acc[6], acc[7]));
            // (s4[0] + s4[2], s4[1] + s4[3]) for four rows.
            let quarter = |u: __m512d, v: __m512d| {
                _mm512_add_pd(
                    _mm512_shuffle_f64x2::<0b10_00_10_00>(u, v),
                    _mm512_shuffle_f64x2::<0b11_01_11_01>(u, v),
                )
            };
            let (x0123, x4567) = (quarter(w01, w23), quarter(w45, w67));
            // (s4[0] + s4[2]) + (s4[1] + s4[3]), rows in the order 0, 4, 1, 5, 2, 6, 3, 7.
            let sums = _mm512_add_pd(
                _mm512_unpacklo_pd(x0123, x4567),
                _mm512_unpackhi_pd(x0123, x4567),
            );
            let out = &mut y_t[r..r + LANES];
            // SAFETY: `out` has exactly 8 elements.
            unsafe { _mm512_storeu_pd(out.as_mut_ptr(), _mm512_permutexvar_pd(order, sums)) };
        }
        if rows8 < m {
            let rest = Stack {
                a: &a[rows8 * s.ld..],
                sa: 0,
                ld: s.ld,
                x,
                sx: 0,
            };
            // SAFETY: AVX2 and FMA are present (this function's contract); `rest` holds the
            // `m − rows8 ≥ 1` remaining rows of `n % 8 == 0` elements.
            unsafe { matvec_f64_avx2(rest, m - rows8, n, &mut y_t[rows8..]) };
        }
    }
}

/// Defines a `vecmat` stack kernel for one vector width (see [`vecmat_f64_avx2`]).
macro_rules! vecmat_kernel {
    ($(#[$attr:meta])* $name:ident, $group:ident, $feat:literal, $w:literal, $zero:ident,
     $set1:ident, $load:ident, $mul:ident, $add:ident, $store:ident) => {
        $(#[$attr])*
        #[allow(clippy::incompatible_msrv)] // AVX-512 intrinsics: only from rustc 1.89 on
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name(s: Stack<'_, f64>, n: usize, m: usize, y: &mut [f64]) {
            debug_assert!(m % $w == 0 && m >= $w && n >= 1);
            // `P` column blocks of `m` (the most of 8, 4, 2, 1 that divide its blocks) of `G`
            // items: `P·G = 8` accumulators.
            // SAFETY: forwarded contract; `m` is a multiple of `P·W` in each call.
            unsafe {
                match m / $w {
                    b if b % 8 == 0 => $group::<8, 1>(s, n, m, y),
                    b if b % 4 == 0 => $group::<4, 2>(s, n, m, y),
                    b if b % 2 == 0 => $group::<2, 4>(s, n, m, y),
                    _ => $group::<1, 8>(s, n, m, y),
                }
            }
        }

        /// The body of the kernel of the same width: `G` items at a time (then the last ones
        /// one by one), each in column chunks of `P` blocks, every block summed over the rows
        /// in order from zero.
        ///
        /// # Safety
        /// As for the kernel; `m % (P·W) == 0`; `P·G ≤ 8`.
        #[allow(clippy::incompatible_msrv)] // AVX-512 intrinsics: only from rustc 1.89 on
        #[target_feature(enable = $feat)]
        unsafe fn $group<const P: usize, const G: usize>(
            s: Stack<'_, f64>,
            n: usize,
            m: usize,
            y: &mut [f64],
        ) {
            const W: usize = $w;
            let span = (n - 1) * s.ld + m;
            let count = y.len() / m;
            let mut t = 0;
            while t + G <= count {
                let xs: [&[f64]; G] = std::array::from_fn(|k| &s.x[(t + k) * s.sx..][..n]);
                let items: [&[f64]; G] =
                    std::array::from_fn(|k| &s.a[(t + k) * s.sa..][..span]);
                for jc in (0..m).step_by(P * W) {
                    let mut acc = [[$zero(); P]; G];
                    for i in 0..n {
                        if jc == 0 {
                            for k in 0..G {
                                prefetch_row(s.a, t + k, s.sa, span, i * s.ld, m);
                            }
                        }
                        for k in 0..G {
                            // SAFETY: `i < n = xs[k].len()`; row `i < n` of the chunk starts
                            // at `i·ld + jc` and its `P·W ≤ m − jc` elements end by
                            // `(n − 1)·ld + m = items[k].len()`: every load is in bounds.
                            unsafe {
                                let xi = $set1(*xs[k].get_unchecked(i));
                                let row = items[k].as_ptr().add(i * s.ld + jc);
                                for (p, acc_p) in acc[k].iter_mut().enumerate() {
                                    let v = $mul(xi, $load(row.add(p * W)));
                                    *acc_p = $add(*acc_p, v);
                                }
                            }
                        }
                    }
                    for (k, acc_k) in acc.iter().enumerate() {
                        let out = &mut y[(t + k) * m + jc..][..P * W];
                        for (p, v) in acc_k.iter().enumerate() {
                            // SAFETY: `out` has `P·W` elements: `W` from `p·W` are in bounds.
                            unsafe { $store(out.as_mut_ptr().add(p * W), *v) };
                        }
                    }
                }
                t += G;
            }
            if G > 1 && t < count {
                let rest = Stack {
                    a: &s.a[t * s.sa..],
                    x: &s.x[t * s.sx..],
                    ..s
                };
                // SAFETY: the same contract for the items from `t` on.
                unsafe { $group::<P, 1>(rest, n, m, &mut y[t * m..]) };
            }
        }
    };
}

vecmat_kernel!(
    /// `vecmat` over a stack with AVX2 (see [`super::vecmat_items`], real `f64`: no
    /// conjugation): the result's 4-column blocks, eight at a time (of one item or of
    /// consecutive ones), each summed over the rows in order from zero — the generic kernel's
    /// per-column sums.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA. `m % 4 == 0`, `m ≥ 4`, `n ≥ 1`.
    vecmat_f64_avx2, vecmat_avx2_group, "avx2,fma", 4, _mm256_setzero_pd, _mm256_set1_pd,
    _mm256_loadu_pd, _mm256_mul_pd, _mm256_add_pd, _mm256_storeu_pd
);

#[cfg(npdot_mm_avx512)]
vecmat_kernel!(
    /// `vecmat` over a stack with AVX-512: as [`vecmat_f64_avx2`] with 8-column blocks.
    ///
    /// # Safety
    /// The CPU must support AVX-512 F, DQ, BW and VL, AVX2 and FMA. `m % 8 == 0`, `m ≥ 8`,
    /// `n ≥ 1`.
    vecmat_f64_avx512, vecmat_avx512_group, "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma", 8,
    _mm512_setzero_pd, _mm512_set1_pd, _mm512_loadu_pd, _mm512_mul_pd, _mm512_add_pd,
    _mm512_storeu_pd
);

#[cfg(test)]
mod tests {
    use super::super::{matvec_items_any, vecmat_items_any};
    use super::*;
    use crate::kernels::cpu::{has_avx2_fma, has_avx512};

    /// Data whose sums depend on their order (magnitudes from 1e-3 to 1e3) with negative zeros.
    fn values(len: usize, seed: usize) -> Vec<f64> {
        (0..len)
            .map(|i| match (i + seed) % 9 {
                0 => -0.0,
                k => {
                    ((i * 7 + seed) as f64 * 0.61).sin()
                        * k as f64
                        * 1e3f64.powi((i % 3) as i32 - 1)
                }
            })
            .collect()
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|f| f.to_bits()).collect()
    }

    /// Each available copy of the `matvec` and `vecmat` kernels gives the generic kernel's
    /// bits: rows in eights, fours and a remainder, unrolled and general row lengths, padded
    /// rows (`ld` > row length), one matrix or vector shared by every item (stride 0), stacks
    /// shorter and longer than the prefetch distance and than a group of items; small enough
    /// for Miri (which runs only the generic code: it detects no AVX).
    #[test]
    fn simd_kernels_give_the_generic_bits() {
        let count_cases = [1usize, 3, 6, 9];
        for (m, n, pad) in [
            (8usize, 8usize, 0usize),
            (16, 16, 0),
            (13, 16, 3),
            (4, 24, 1),
            (5, 40, 0),
            (3, 32, 2),
        ] {
            for &count in &count_cases {
                for (shared_a, shared_x) in [(false, false), (true, false), (false, true)] {
                    let ld = n + pad;
                    let sa = if shared_a { 0 } else { m * ld };
                    let a = values((count * m * ld).max(m * ld), m + n);
                    let x = values(count * n, 3);
                    let s = Stack {
                        a: &a,
                        sa,
                        ld,
                        x: &x,
                        sx: if shared_x { 0 } else { n },
                    };
                    let mut want = vec![7.0; count * m];
                    matvec_items_any(s, m, n, &mut want);
                    if has_avx2_fma() {
                        let mut got = vec![1.0; count * m];
                        // SAFETY: AVX2 and FMA detected; `n % 8 == 0`, `n ≥ 8`, `m ≥ 1`.
                        unsafe { matvec_f64_avx2(s, m, n, &mut got) };
                        assert_eq!(
                            bits(&got),
                            bits(&want),
                            "avx2 m={m} n={n} ld={ld} count={count}"
                        );
                    }
                    #[cfg(npdot_mm_avx512)]
                    if has_avx512() && m >= 8 {
                        let mut got = vec![1.0; count * m];
                        // SAFETY: AVX-512 detected; `n % 8 == 0`, `n ≥ 8`, `m ≥ 8`.
                        unsafe { matvec_f64_avx512(s, m, n, &mut got) };
                        assert_eq!(
                            bits(&got),
                            bits(&want),
                            "avx512 m={m} n={n} ld={ld} count={count}"
                        );
                    }
                }
            }
        }
        for (n, m, pad) in [
            (1usize, 4usize, 0usize),
            (3, 8, 1),
            (16, 16, 0),
            (5, 24, 0),
            (2, 32, 3),
            (4, 64, 0),
            (2, 72, 0),
            (3, 12, 0),
        ] {
            for &count in &count_cases {
                for (shared_a, shared_x) in [(false, false), (true, false), (false, true)] {
                    let ld = m + pad;
                    let sa = if shared_a { 0 } else { n * ld };
                    let a = values((count * n * ld).max(n * ld), n + m);
                    let x = values(count * n, 5);
                    let s = Stack {
                        a: &a,
                        sa,
                        ld,
                        x: &x,
                        sx: if shared_x { 0 } else { n },
                    };
                    let mut want = vec![7.0; count * m];
                    vecmat_items_any::<f64, true>(s, n, m, &mut want);
                    if has_avx2_fma() {
                        let mut got = vec![1.0; count * m];
                        // SAFETY: AVX2 and FMA detected; `m % 4 == 0`, `m ≥ 4`, `n ≥ 1`.
                        unsafe { vecmat_f64_avx2(s, n, m, &mut got) };
                        assert_eq!(
                            bits(&got),
                            bits(&want),
                            "avx2 n={n} m={m} ld={ld} count={count}"
                        );
                    }
                    #[cfg(npdot_mm_avx512)]
                    if has_avx512() && m % 8 == 0 {
                        let mut got = vec![1.0; count * m];
                        // SAFETY: AVX-512 detected; `m % 8 == 0`, `m ≥ 8`, `n ≥ 1`.
                        unsafe { vecmat_f64_avx512(s, n, m, &mut got) };
                        assert_eq!(
                            bits(&got),
                            bits(&want),
                            "avx512 n={n} m={m} ld={ld} count={count}"
                        );
                    }
                }
            }
        }
    }

    /// Rows of zeros and negative zeros sum to +0.0, as in the generic kernels.
    #[test]
    fn simd_kernels_sum_zeros_to_positive_zero() {
        let z = vec![-0.0f64; 16 * 16];
        let x = values(16, 1);
        let s = Stack {
            a: &z,
            sa: 0,
            ld: 16,
            x: &x,
            sx: 0,
        };
        if has_avx2_fma() {
            let (mut mv, mut vm) = (vec![1.0; 32], vec![1.0; 32]);
            // SAFETY: AVX2 and FMA detected; 16 × 16 matrices.
            unsafe {
                matvec_f64_avx2(s, 16, 16, &mut mv);
                vecmat_f64_avx2(s, 16, 16, &mut vm);
            }
            assert!(
                mv.iter().chain(&vm).all(|v| v.to_bits() == 0),
                "{mv:?} {vm:?}"
            );
        }
        #[cfg(npdot_mm_avx512)]
        if has_avx512() {
            let (mut mv, mut vm) = (vec![1.0; 32], vec![1.0; 32]);
            // SAFETY: AVX-512 detected; 16 × 16 matrices.
            unsafe {
                matvec_f64_avx512(s, 16, 16, &mut mv);
                vecmat_f64_avx512(s, 16, 16, &mut vm);
            }
            assert!(
                mv.iter().chain(&vm).all(|v| v.to_bits() == 0),
                "{mv:?} {vm:?}"
            );
        }
    }
}
