//! The small kernel's AVX-512 copy for 8-byte integers (`int64`, `uint64`, `intp`, `uintp`):
//! `vpmullq` (AVX-512 DQ) multiplies eight 64-bit lanes at once, which AVX2 cannot (the
//! compiler leaves 64-bit integer products scalar there, and in the generic AVX-512 copy too).
//! Rows of `c` are accumulated four at a time in registers, sixteen columns (two `zmm`) per
//! block, the last block's columns masked; every element of `c` is written once.
//!
//! Integer products wrap around modulo 2⁶⁴ in any order, so the result is exactly the generic
//! kernel's (and NumPy's) for signed and unsigned types alike.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m512i, __mmask8, _mm512_add_epi64, _mm512_mask_storeu_epi64, _mm512_maskz_loadu_epi64,
    _mm512_mullo_epi64, _mm512_set1_epi64, _mm512_setzero_si512,
};

use super::small::Args;
use crate::element::{Element, Kind};

/// Whether [`kernel`] computes this product: `T` is an 8-byte integer type, `k > 0`, `n > 0`,
/// and the rows of `b` and `c` are contiguous (unit column strides).
#[inline(always)]
pub(super) fn takes<T: Element>(x: &Args<T>) -> bool {
    T::KIND == Kind::Int
        && std::mem::size_of::<T>() == 8
        && x.k > 0
        && x.n > 0
        && x.csb == 1
        && x.csc == 1
}

/// Rows of `c` accumulated at a time.
const ROWS: usize = 4;

/// `c = a · b` for a product [`takes`] accepts.
///
/// # Safety
/// The CPU supports AVX-512 F and DQ; `x` as for `small::kernel` (views of live arrays, `c`
/// exclusively borrowed and not overlapping `a` or `b`; `c` may be uninitialized: it is only
/// written), and [`takes`]`(x)`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
pub(super) unsafe fn kernel<T: Element>(x: &Args<T>) {
    debug_assert!(takes(x));
    let mut j = 0;
    while j < x.n {
        let w = (x.n - j).min(16);
        // Lanes of the two registers of this block: all eight of the first, then `w - 8` of
        // the second (none when `w ≤ 8`).
        let m0: __mmask8 = if w >= 8 { 0xff } else { (1u8 << w) - 1 };
        let m1: __mmask8 = if w >= 16 {
            0xff
        } else if w > 8 {
            (1u8 << (w - 8)) - 1
        } else {
            0
        };
        let mut i = 0;
        while i + ROWS <= x.m {
            // SAFETY: rows i .. i + ROWS ≤ m, columns j .. j + w ≤ n (the block's lanes), the
            // caller's contract and CPU features.
            unsafe { block::<T, ROWS>(x, i, j, m0, m1) };
            i += ROWS;
        }
        while i < x.m {
            // SAFETY: as above, for the one row i < m.
            unsafe { block::<T, 1>(x, i, j, m0, m1) };
            i += 1;
        }
        j += w;
    }
}

/// Rows `i .. i + R` and the columns of the lanes `m0` (columns `j .. j + 8`) and `m1`
/// (columns `j + 8 .. j + 16`) of `c = a · b`.
///
/// # Safety
/// As for [`kernel`], with `i + R ≤ m` and the lanes set in `m0`, `m1` columns `< n`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
unsafe fn block<T: Element, const R: usize>(
    x: &Args<T>,
    i: usize,
    j: usize,
    m0: __mmask8,
    m1: __mmask8,
) {
    let two = m1 != 0;
    let mut lo: [__m512i; R] = [_mm512_setzero_si512(); R];
    let mut hi: [__m512i; R] = [_mm512_setzero_si512(); R];
    let a = x.a.cast::<i64>();
    let b = x.b.cast::<i64>();
    let c = x.c.cast::<i64>();
    for p in 0..x.k {
        // Row p of `b` from column j: `w` consecutive elements (unit column stride). The
        // masked loads read only the lanes set (the others are neither read nor faulted on),
        // so the pointers may run past the row's end: formed with `wrapping_offset`, and
        // only ever dereferenced in the lanes of columns < n.
        let bp = b.wrapping_offset(p as isize * x.rsb + j as isize);
        // SAFETY: the lanes of `m0`, `m1` are elements j .. j + w of row p < k of `b`, in
        // bounds (the caller's contract); `T` is an 8-byte integer, read as `i64` (same size,
        // alignment and bits).
        let (b0, b1) = unsafe {
            (
                _mm512_maskz_loadu_epi64(m0, bp),
                if two {
                    _mm512_maskz_loadu_epi64(m1, bp.wrapping_add(8))
                } else {
                    _mm512_setzero_si512()
                },
            )
        };
        for r in 0..R {
            // SAFETY: row i + r < m, column p < k of `a`, in bounds (the caller's contract).
            let ar = unsafe { *a.offset((i + r) as isize * x.rsa + p as isize * x.csa) };
            let av = _mm512_set1_epi64(ar);
            lo[r] = _mm512_add_epi64(lo[r], _mm512_mullo_epi64(av, b0));
            if two {
                hi[r] = _mm512_add_epi64(hi[r], _mm512_mullo_epi64(av, b1));
            }
        }
    }
    for r in 0..R {
        let cp = c.wrapping_offset((i + r) as isize * x.rsc + j as isize);
        // SAFETY: the lanes of `m0`, `m1` are elements j .. j + w of row i + r < m of `c`, in
        // bounds and ours alone (the caller's contract); the masked stores write only them.
        unsafe {
            _mm512_mask_storeu_epi64(cp, m0, lo[r]);
            if two {
                _mm512_mask_storeu_epi64(cp.wrapping_add(8), m1, hi[r]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, s};

    use super::super::small::tests::naive;
    use super::super::small::{self, Args};

    /// Values whose products and sums wrap around (both signs, near the type's limits).
    fn big(i: usize, j: usize, seed: u64) -> u64 {
        let h = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ (j as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
            ^ seed;
        h.rotate_left(17).wrapping_mul(0xff51_afd7_ed55_8ccd)
    }

    /// `c = a · b` through this kernel (where the CPU has AVX-512; the dispatch of
    /// `small::gemm` otherwise), every element written over a poisoned `c`, exact against the
    /// textbook loop in wrapping arithmetic: every width 1–20 (whole and masked register
    /// blocks), row counts around the four-row groups, a contiguous, transposed, stepped and
    /// reversed `a`, and `int64`/`uint64`.
    #[test]
    fn products_match_the_textbook_loop() {
        let direct = crate::kernels::cpu::has_avx512();
        for n in 1usize..=20 {
            for (m, k) in [(1usize, 1usize), (3, 2), (4, 5), (5, 16), (9, 3)] {
                let a0 = Array2::from_shape_fn((2 * m, 2 * k), |(i, j)| big(i, j, 1) as i64);
                let b = Array2::from_shape_fn((k, n), |(i, j)| big(i, j, 2) as i64);
                let at = a0.t().as_standard_layout().into_owned();
                let views = [
                    a0.slice(s![..m, ..k]),
                    at.t().slice_move(s![..m, ..k]),
                    a0.slice(s![..;2, ..;2]),
                    a0.slice(s![..m;-1, ..k;-1]),
                ];
                for av in views {
                    let want = naive(&av, &b.view());
                    let mut c = Array2::from_elem((m, n), 0x5555_5555_5555_5555i64);
                    if direct {
                        let x = Args::of_views(&av, &b.view(), &mut c.view_mut());
                        assert!(super::takes(&x));
                        // SAFETY: AVX-512 F and DQ detected; `x` describes the live views
                        // `av`, `b` and the exclusively borrowed, C-contiguous `c` exactly;
                        // `takes(x)` holds.
                        unsafe { super::kernel(&x) };
                    } else {
                        small::gemm(av, b.view(), c.view_mut());
                    }
                    assert_eq!(c, want, "{m}x{k}x{n}, a strides {:?}", av.strides());
                    let au = av.mapv(|v| v as u64);
                    let bu = b.mapv(|v| v as u64);
                    let mut cu = Array2::from_elem((m, n), 7u64);
                    small::gemm(au.view(), bu.view(), cu.view_mut());
                    assert_eq!(cu, naive(&au.view(), &bu.view()), "uint64 {m}x{k}x{n}");
                }
            }
        }
    }
}
