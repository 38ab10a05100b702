//! In-register transposes of one tile of a strided plane (AVX2): `dst[i·ct + j] =
//! src[i + j·sl]` — source lines `j` (`sl` apart) contiguous along `i`, destination rows `i`
//! (`ct` apart) contiguous along `j`. Elements are moved as bit patterns (loads, stores and
//! shuffles do not change them), so one kernel serves every type of its size: 8-byte
//! ([`transpose_tile_avx2`]) and 4-byte ([`transpose_tile_avx2_4b`]). Used by every
//! transposing copy of the crate ([`super::view::tiled_copy`]) and by the packing of the
//! in-place blocked product ([`super::tensor_gemm`]), whose panels of 6 or 12 source lines
//! are why the leftover lines (fewer than a full register tile) get register tiles of their
//! own: 2 lines at a time for 8-byte elements, 4 and 2 lines for 4-byte ones.

#![cfg(target_arch = "x86_64")]

use super::view::copy_tile;

/// [`copy_tile`] of 8-byte elements with `st == 1`, 4 × 4 blocks at a time: the two 128-bit
/// halves of each source line pair are loaded into one register (`vinsertf128` from memory,
/// no shuffle port), then one unpack per destination row; leftover pairs of lines 4 × 2 (two
/// 256-bit loads, two unpacks, four 128-bit stores); the rest element by element.
///
/// # Safety
/// The CPU must support AVX2; the contract of [`copy_tile`] with `st == 1`.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn transpose_tile_avx2(
    src: *const f64,
    sl: isize,
    dst: *mut f64,
    ct: usize,
    nt: usize,
    nl: usize,
) {
    use std::arch::x86_64::*;
    let (nt4, nl4, nl2) = (nt & !3, nl & !3, nl & !1);
    for j in (0..nl4).step_by(4) {
        for i in (0..nt4).step_by(4) {
            // SAFETY: `i + 3 < nt`, `j + 3 < nl`, so every element read (`src[i + q + (j +
            // r)·sl]`, `q, r < 4`) and written (`dst[(i + q)·ct + j + r]`) is one the caller
            // allows; unaligned loads and stores.
            unsafe {
                let s = src.offset(i as isize + j as isize * sl);
                let row = |r: isize| s.offset(r * sl);
                // a_rq = src[(j + r)·sl + i + q].
                let x0 = _mm256_loadu2_m128d(row(2), row(0)); // a00 a01 | a20 a21
                let x1 = _mm256_loadu2_m128d(row(3), row(1)); // a10 a11 | a30 a31
                let x2 = _mm256_loadu2_m128d(row(2).add(2), row(0).add(2)); // a02 a03 | a22 a23
                let x3 = _mm256_loadu2_m128d(row(3).add(2), row(1).add(2)); // a12 a13 | a32 a33
                let d = dst.add(i * ct + j);
                _mm256_storeu_pd(d, _mm256_unpacklo_pd(x0, x1));
                _mm256_storeu_pd(d.add(ct), _mm256_unpackhi_pd(x0, x1));
                _mm256_storeu_pd(d.add(2 * ct), _mm256_unpacklo_pd(x2, x3));
                _mm256_storeu_pd(d.add(3 * ct), _mm256_unpackhi_pd(x2, x3));
            }
        }
    }
    // A leftover pair of source lines `nl4 ≤ j < nl2` (at most one), 4 steps at a time.
    for j in (nl4..nl2).step_by(2) {
        for i in (0..nt4).step_by(4) {
            // SAFETY: `i + 3 < nt`, `j + 1 < nl`: every element read (`src[i + q + (j +
            // r)·sl]`, `q < 4`, `r < 2`) and written (`dst[(i + q)·ct + j + r]`) is inside the
            // caller's block; unaligned loads and stores.
            unsafe {
                let s = src.offset(i as isize + j as isize * sl);
                let x0 = _mm256_loadu_pd(s); // a00 a01 a02 a03
                let x1 = _mm256_loadu_pd(s.offset(sl)); // a10 a11 a12 a13
                let lo = _mm256_unpacklo_pd(x0, x1); // a00 a10 | a02 a12
                let hi = _mm256_unpackhi_pd(x0, x1); // a01 a11 | a03 a13
                let d = dst.add(i * ct + j);
                _mm_storeu_pd(d, _mm256_castpd256_pd128(lo));
                _mm_storeu_pd(d.add(ct), _mm256_castpd256_pd128(hi));
                _mm_storeu_pd(d.add(2 * ct), _mm256_extractf128_pd::<1>(lo));
                _mm_storeu_pd(d.add(3 * ct), _mm256_extractf128_pd::<1>(hi));
            }
        }
    }
    // SAFETY: the caller's contract; `nt4 ≤ nt`, `nl2 ≤ nl`; the parts written above are the
    // `nt4 × nl2` corner.
    unsafe { copy_rest(src, sl, dst, ct, nt, nl, nt4, nl2) };
}

/// The rest of a transposed block after its `nt4 × nl4` corner (`st == 1`), element by
/// element: the lines `nl4 ≤ j < nl` (all steps), then the steps `nt4 ≤ i < nt` (lines below
/// `nl4`).
///
/// # Safety
/// The contract of [`copy_tile`] with `st == 1`; `nt4 ≤ nt`, `nl4 ≤ nl`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn copy_rest<T: Copy>(
    src: *const T,
    sl: isize,
    dst: *mut T,
    ct: usize,
    nt: usize,
    nl: usize,
    nt4: usize,
    nl4: usize,
) {
    // SAFETY: both parts are inside the caller's `nt × nl` block.
    unsafe {
        copy_tile(
            src.offset(nl4 as isize * sl),
            1,
            sl,
            dst.add(nl4),
            ct,
            nt,
            nl - nl4,
        );
        copy_tile(src.add(nt4), 1, sl, dst.add(nt4 * ct), ct, nt - nt4, nl4);
    }
}

/// [`copy_tile`] of 4-byte elements with `st == 1`, 8 × 8 blocks at a time: the 128-bit
/// quarters of source lines `r` and `r + 4` are loaded into one register (`vinsertf128` from
/// memory), so that a 4 × 4 transpose in each 128-bit half (two unpacks and two shuffles per
/// pair of destination rows) transposes the whole block. Leftover lines below the 8-line
/// blocks go 8 steps at a time as well: a group of 4 lines (four 256-bit loads, eight
/// shuffles, eight 128-bit stores), then a pair (two loads, two unpacks, eight 64-bit stores);
/// leftover steps 4 × 4 in SSE registers ([`transpose_4x4_ps`]) as far as they go, the rest
/// element by element.
///
/// # Safety
/// The CPU must support AVX2; the contract of [`copy_tile`] with `st == 1`.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn transpose_tile_avx2_4b(
    src: *const f32,
    sl: isize,
    dst: *mut f32,
    ct: usize,
    nt: usize,
    nl: usize,
) {
    use std::arch::x86_64::*;
    let (nt8, nl8) = (nt & !7, nl & !7);
    let (nt4, nl4, nl2) = (nt & !3, nl & !3, nl & !1);
    for j in (0..nl8).step_by(8) {
        for i in (0..nt8).step_by(8) {
            // SAFETY: `i + 7 < nt`, `j + 7 < nl`, so every element read (`src[i + q + (j +
            // r)·sl]`, `q, r < 8`) and written (`dst[(i + q)·ct + j + r]`) is one the caller
            // allows; unaligned loads and stores.
            unsafe {
                let s = src.offset(i as isize + j as isize * sl);
                let row = |r: isize| s.offset(r * sl);
                for h in [0usize, 4] {
                    // x_r = a[r][h..h+4] | a[r+4][h..h+4], a[r][q] = src[(j + r)·sl + i + q].
                    let x0 = _mm256_loadu2_m128(row(4).add(h), row(0).add(h));
                    let x1 = _mm256_loadu2_m128(row(5).add(h), row(1).add(h));
                    let x2 = _mm256_loadu2_m128(row(6).add(h), row(2).add(h));
                    let x3 = _mm256_loadu2_m128(row(7).add(h), row(3).add(h));
                    let t0 = _mm256_unpacklo_ps(x0, x1); // a0h a1h a0h+1 a1h+1 | rows 4, 5
                    let t1 = _mm256_unpackhi_ps(x0, x1); // a0h+2 a1h+2 a0h+3 a1h+3 | …
                    let t2 = _mm256_unpacklo_ps(x2, x3); // a2h a3h a2h+1 a3h+1 | rows 6, 7
                    let t3 = _mm256_unpackhi_ps(x2, x3);
                    let d = dst.add((i + h) * ct + j);
                    // Destination row `h + q` = column `h + q` of the block, rows 0..8.
                    _mm256_storeu_ps(d, _mm256_shuffle_ps::<0x44>(t0, t2));
                    _mm256_storeu_ps(d.add(ct), _mm256_shuffle_ps::<0xEE>(t0, t2));
                    _mm256_storeu_ps(d.add(2 * ct), _mm256_shuffle_ps::<0x44>(t1, t3));
                    _mm256_storeu_ps(d.add(3 * ct), _mm256_shuffle_ps::<0xEE>(t1, t3));
                }
            }
        }
    }
    // A leftover group of 4 source lines `nl8 ≤ j < nl4` (at most one), 8 steps at a time.
    for j in (nl8..nl4).step_by(4) {
        for i in (0..nt8).step_by(8) {
            // SAFETY: `i + 7 < nt`, `j + 3 < nl`: every element read (`src[i + q + (j +
            // r)·sl]`, `q < 8`, `r < 4`) and written (`dst[(i + q)·ct + j + r]`) is inside
            // the caller's block; unaligned loads and stores.
            unsafe {
                let s = src.offset(i as isize + j as isize * sl);
                let x0 = _mm256_loadu_ps(s); // a[0][0..8]
                let x1 = _mm256_loadu_ps(s.offset(sl));
                let x2 = _mm256_loadu_ps(s.offset(2 * sl));
                let x3 = _mm256_loadu_ps(s.offset(3 * sl));
                let t0 = _mm256_unpacklo_ps(x0, x1); // a00 a10 a01 a11 | a04 a14 a05 a15
                let t1 = _mm256_unpackhi_ps(x0, x1); // a02 a12 a03 a13 | a06 a16 a07 a17
                let t2 = _mm256_unpacklo_ps(x2, x3); // a20 a30 a21 a31 | a24 a34 a25 a35
                let t3 = _mm256_unpackhi_ps(x2, x3);
                // u_q: step q in the low half, step q + 4 in the high half (lines 0..4).
                let u = [
                    _mm256_shuffle_ps::<0x44>(t0, t2),
                    _mm256_shuffle_ps::<0xEE>(t0, t2),
                    _mm256_shuffle_ps::<0x44>(t1, t3),
                    _mm256_shuffle_ps::<0xEE>(t1, t3),
                ];
                let d = dst.add(i * ct + j);
                for (q, uq) in u.into_iter().enumerate() {
                    _mm_storeu_ps(d.add(q * ct), _mm256_castps256_ps128(uq));
                    _mm_storeu_ps(d.add((q + 4) * ct), _mm256_extractf128_ps::<1>(uq));
                }
            }
        }
    }
    // A leftover pair of source lines `nl4 ≤ j < nl2` (at most one), 8 steps at a time.
    for j in (nl4..nl2).step_by(2) {
        for i in (0..nt8).step_by(8) {
            // SAFETY: `i + 7 < nt`, `j + 1 < nl`: every element read (`src[i + q + (j +
            // r)·sl]`, `q < 8`, `r < 2`) and written (`dst[(i + q)·ct + j + r]`, 8 bytes at
            // a time, unaligned) is inside the caller's block.
            unsafe {
                let s = src.offset(i as isize + j as isize * sl);
                let x0 = _mm256_loadu_ps(s);
                let x1 = _mm256_loadu_ps(s.offset(sl));
                // Pairs (a0q, a1q): steps 0, 1 | 4, 5 and 2, 3 | 6, 7.
                let lo = _mm256_castps_si256(_mm256_unpacklo_ps(x0, x1));
                let hi = _mm256_castps_si256(_mm256_unpackhi_ps(x0, x1));
                let halves = [
                    (0, _mm256_castsi256_si128(lo)),
                    (4, _mm256_extracti128_si256::<1>(lo)),
                    (2, _mm256_castsi256_si128(hi)),
                    (6, _mm256_extracti128_si256::<1>(hi)),
                ];
                let d = dst.add(i * ct + j);
                for (q, v) in halves {
                    _mm_storel_epi64(d.add(q * ct).cast::<__m128i>(), v);
                    _mm_storel_epi64(
                        d.add((q + 1) * ct).cast::<__m128i>(),
                        _mm_unpackhi_epi64(v, v),
                    );
                }
            }
        }
    }
    // The leftover steps `nt8 ≤ i < nt4` of lines below `nl4`, 4 × 4 at a time.
    for j in (0..nl4).step_by(4) {
        for i in (nt8..nt4).step_by(4) {
            // SAFETY: `i + 3 < nt`, `j + 3 < nl`: inside the caller's block, as above.
            unsafe {
                transpose_4x4_ps(
                    src.offset(i as isize + j as isize * sl),
                    sl,
                    dst.add(i * ct + j),
                    ct,
                )
            };
        }
    }
    // SAFETY: the rest, element by element, each inside the caller's block: the lines
    // `nl2 ≤ j < nl` (at most one) over the steps below `nt8`; the steps `nt8 ≤ i < nt4` of
    // the lines `nl4 ≤ j < nl`; the steps `nt4 ≤ i < nt` of every line. With the parts above
    // (`nt8 × nl2`, and `(nt4 - nt8) × nl4`), every element of the block once.
    unsafe {
        copy_tile(
            src.offset(nl2 as isize * sl),
            1,
            sl,
            dst.add(nl2),
            ct,
            nt8,
            nl - nl2,
        );
        copy_tile(
            src.add(nt8).offset(nl4 as isize * sl),
            1,
            sl,
            dst.add(nt8 * ct + nl4),
            ct,
            nt4 - nt8,
            nl - nl4,
        );
        copy_tile(src.add(nt4), 1, sl, dst.add(nt4 * ct), ct, nt - nt4, nl);
    }
}

/// One 4 × 4 block of [`transpose_tile_avx2_4b`] in SSE registers: `dst[q·ct + r] =
/// src[q + r·sl]` for `q, r < 4`.
///
/// # Safety
/// Those 16 elements of `src` are readable and those of `dst` writable.
#[inline(always)]
unsafe fn transpose_4x4_ps(src: *const f32, sl: isize, dst: *mut f32, ct: usize) {
    use std::arch::x86_64::*;
    // SAFETY: the caller's contract; unaligned loads and stores (SSE is baseline on x86_64).
    unsafe {
        let r0 = _mm_loadu_ps(src);
        let r1 = _mm_loadu_ps(src.offset(sl));
        let r2 = _mm_loadu_ps(src.offset(2 * sl));
        let r3 = _mm_loadu_ps(src.offset(3 * sl));
        let t0 = _mm_unpacklo_ps(r0, r1); // a00 a10 a01 a11
        let t1 = _mm_unpacklo_ps(r2, r3); // a20 a30 a21 a31
        let t2 = _mm_unpackhi_ps(r0, r1); // a02 a12 a03 a13
        let t3 = _mm_unpackhi_ps(r2, r3); // a22 a32 a23 a33
        _mm_storeu_ps(dst, _mm_movelh_ps(t0, t1));
        _mm_storeu_ps(dst.add(ct), _mm_movehl_ps(t1, t0));
        _mm_storeu_ps(dst.add(2 * ct), _mm_movelh_ps(t2, t3));
        _mm_storeu_ps(dst.add(3 * ct), _mm_movehl_ps(t3, t2));
    }
}
