//! AVX2 micro-kernels (x86-64), selected at runtime.
//!
//! Each kernel is a zero-sized token type whose only constructor, `detect`, checks
//! `is_x86_feature_detected!("avx2")`; holding a token therefore proves the CPU runs AVX2, which
//! is what makes calling the `#[target_feature(enable = "avx2")]` functions sound.
//!
//! * `u16` (elements `i8 u8 i16 u16`): 6×32 tile, `vpmullw` + `vpaddw`, 16 lanes per
//!   instruction. The packed `A` value is stored twice in a `u32` so a `vpbroadcastd` fills all
//!   sixteen 16-bit lanes.
//! * `u32` (elements `i32 u32`): 6×16 tile, `vpmulld` + `vpaddd`, 8 lanes.
//! * `u64` (elements `i64 u64 isize usize`): 6×4 tile. AVX2 has no 64-bit multiply; with
//!   `a = a_hi·2³² + a_lo` and `b = b_hi·2³² + b_lo`,
//!   `a·b mod 2⁶⁴ = a_lo·b_lo + ((a_lo·b_hi + a_hi·b_lo) mod 2³²)·2³²`.
//!   `vpmuludq(a, b)` gives the 64-bit `a_lo·b_lo`; `vpmulld(a, swap32(b))` gives the two
//!   32-bit cross products `[a_lo·b_hi, a_hi·b_lo]` in the two halves of each 64-bit lane.
//!   The kernel accumulates both separately (`vpaddq` and `vpaddd`), and only after the whole
//!   `kc` loop folds the cross sums in: `lo + ((cr_lo + cr_hi) << 32)`. Two multiplies per four
//!   64-bit products instead of the usual three-multiply emulation per product term.

use std::arch::x86_64::{
    __m256i, _mm256_add_epi16, _mm256_add_epi32, _mm256_add_epi64, _mm256_and_si256,
    _mm256_loadu_si256, _mm256_mul_epu32, _mm256_mullo_epi16, _mm256_mullo_epi32,
    _mm256_set1_epi32, _mm256_set1_epi64x, _mm256_setzero_si256, _mm256_shuffle_epi32,
    _mm256_slli_epi64, _mm256_storeu_si256,
};

use super::kernel::{MicroKernel, TILE_MAX, Tile};

/// Defines a token type for one AVX2 kernel.
macro_rules! token {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name(());

        impl $name {
            /// The kernel, if this CPU supports AVX2.
            #[inline]
            pub(crate) fn detect() -> Option<Self> {
                if std::arch::is_x86_feature_detected!("avx2") { Some($name(())) } else { None }
            }
        }
    };
}

token!(
    /// The AVX2 kernel for `u16` lanes (6×32).
    Avx2U16
);
token!(
    /// The AVX2 kernel for `u32` lanes (6×16).
    Avx2U32
);
token!(
    /// The AVX2 kernel for `u64` lanes (6×4).
    Avx2U64
);

impl MicroKernel for Avx2U16 {
    type Lane = u16;
    type APack = u32;
    const MR: usize = 6;
    const NR: usize = 32;
    const KC: usize = 256;
    const MC: usize = 120;
    const NC: usize = 4096;

    #[inline(always)]
    fn pack_a(x: u16) -> u32 {
        u32::from(x) * 0x0001_0001
    }

    #[inline]
    fn run(self, kc: usize, a: &[u32], b: &[u16], tile: &mut Tile<u16>) {
        assert!(a.len() >= kc * Self::MR && b.len() >= kc * Self::NR);
        const { assert!(Self::MR * Self::NR <= TILE_MAX) };
        // SAFETY: `self` exists, so `detect` saw AVX2 on this CPU. The kernel reads
        // `a[..kc * 6]` and `b[..kc * 32]` (checked just above) and writes `tile[..192]`
        // (`Tile` holds `TILE_MAX >= 192` elements, checked at compile time).
        unsafe { kernel_u16(kc, a.as_ptr(), b.as_ptr(), tile.as_mut_ptr()) }
    }
}

impl MicroKernel for Avx2U32 {
    type Lane = u32;
    type APack = u32;
    const MR: usize = 6;
    const NR: usize = 16;
    const KC: usize = 256;
    const MC: usize = 120;
    const NC: usize = 4096;

    #[inline(always)]
    fn pack_a(x: u32) -> u32 {
        x
    }

    #[inline]
    fn run(self, kc: usize, a: &[u32], b: &[u32], tile: &mut Tile<u32>) {
        assert!(a.len() >= kc * Self::MR && b.len() >= kc * Self::NR);
        const { assert!(Self::MR * Self::NR <= TILE_MAX) };
        // SAFETY: as for `Avx2U16::run`, with `a[..kc * 6]`, `b[..kc * 16]`, `tile[..96]`.
        unsafe { kernel_u32(kc, a.as_ptr(), b.as_ptr(), tile.as_mut_ptr()) }
    }
}

impl MicroKernel for Avx2U64 {
    type Lane = u64;
    type APack = u64;
    const MR: usize = 6;
    const NR: usize = 4;
    const KC: usize = 256;
    const MC: usize = 120;
    const NC: usize = 4096;

    #[inline(always)]
    fn pack_a(x: u64) -> u64 {
        x
    }

    #[inline]
    fn run(self, kc: usize, a: &[u64], b: &[u64], tile: &mut Tile<u64>) {
        assert!(a.len() >= kc * Self::MR && b.len() >= kc * Self::NR);
        const { assert!(Self::MR * Self::NR <= TILE_MAX) };
        // SAFETY: as for `Avx2U16::run`, with `a[..kc * 6]`, `b[..kc * 4]`, `tile[..24]`.
        unsafe { kernel_u64(kc, a.as_ptr(), b.as_ptr(), tile.as_mut_ptr()) }
    }
}

/// Defines a 6×(2·lanes) kernel: each step loads two `B` vectors and, per row, broadcasts one
/// packed `A` value (32-bit) and multiplies-accumulates into two accumulators. Registers:
/// 12 accumulators, 2 `B` vectors, 1 broadcast.
macro_rules! kernel_6x2v {
    ($(#[$doc:meta])* $name:ident, $lane:ty, $lanes:expr, $mul:ident, $add:ident) => {
        $(#[$doc])*
        /// # Safety
        /// AVX2 available; `a` readable for `kc * 6` `u32`, `b` for `kc * 2 * lanes` lanes,
        /// `tile` writable for `6 * 2 * lanes` lanes.
        #[target_feature(enable = "avx2")]
        unsafe fn $name(kc: usize, a: *const u32, b: *const $lane, tile: *mut $lane) {
            const NR: usize = 2 * $lanes;
            // SAFETY: AVX2 is available (caller contract), which is all the arithmetic
            // intrinsics need. Reads: for p < kc, `b[p*NR .. p*NR + NR]` and `a[p*6 + r]`
            // (r < 6) are within the `kc * NR` and `kc * 6` readable elements; writes:
            // `tile[r*NR .. r*NR + NR]` (r < 6) within the `6 * NR` writable ones. Unaligned
            // loads and stores have no alignment requirement.
            unsafe {
                let mut acc = [[_mm256_setzero_si256(); 2]; 6];
                for p in 0..kc {
                    let bp = b.add(p * NR);
                    let b0 = _mm256_loadu_si256(bp.cast::<__m256i>());
                    let b1 = _mm256_loadu_si256(bp.add($lanes).cast::<__m256i>());
                    let ap = a.add(p * 6);
                    for (r, row) in acc.iter_mut().enumerate() {
                        let av = _mm256_set1_epi32(*ap.add(r) as i32);
                        row[0] = $add(row[0], $mul(av, b0));
                        row[1] = $add(row[1], $mul(av, b1));
                    }
                }
                for (r, row) in acc.iter().enumerate() {
                    let t = tile.add(r * NR);
                    _mm256_storeu_si256(t.cast::<__m256i>(), row[0]);
                    _mm256_storeu_si256(t.add($lanes).cast::<__m256i>(), row[1]);
                }
            }
        }
    };
}

kernel_6x2v!(
    /// 6×32 `u16` kernel (`vpmullw`, `vpaddw`); `a` holds each value in both halves.
    kernel_u16, u16, 16, _mm256_mullo_epi16, _mm256_add_epi16
);
kernel_6x2v!(
    /// 6×16 `u32` kernel (`vpmulld`, `vpaddd`).
    kernel_u32, u32, 8, _mm256_mullo_epi32, _mm256_add_epi32
);

/// 6×4 `u64` kernel (see the module docs for the multiply). Registers: 6 `lo` and 6 `cross`
/// accumulators, `b`, `swap32(b)`, 1 broadcast.
///
/// # Safety
/// AVX2 available; `a` readable for `kc * 6` `u64`, `b` for `kc * 4` `u64`, `tile` writable
/// for 24 `u64`.
#[target_feature(enable = "avx2")]
unsafe fn kernel_u64(kc: usize, a: *const u64, b: *const u64, tile: *mut u64) {
    // SAFETY: AVX2 is available (caller contract), which is all the arithmetic intrinsics
    // need. Reads: for p < kc, `b[p*4 .. p*4 + 4]` and `a[p*6 + r]` (r < 6) are within the
    // `kc * 4` and `kc * 6` readable elements; writes: `tile[r*4 .. r*4 + 4]` (r < 6) within the
    // 24 writable ones. Unaligned loads and stores have no alignment requirement.
    unsafe {
        let mut lo = [_mm256_setzero_si256(); 6];
        let mut cr = [_mm256_setzero_si256(); 6];
        for p in 0..kc {
            let bv = _mm256_loadu_si256(b.add(p * 4).cast::<__m256i>());
            // [b_hi, b_lo] in each 64-bit lane.
            let bs = _mm256_shuffle_epi32::<0b10_11_00_01>(bv);
            let ap = a.add(p * 6);
            for r in 0..6 {
                let av = _mm256_set1_epi64x(*ap.add(r) as i64);
                lo[r] = _mm256_add_epi64(lo[r], _mm256_mul_epu32(av, bv));
                cr[r] = _mm256_add_epi32(cr[r], _mm256_mullo_epi32(av, bs));
            }
        }
        let hi_mask = _mm256_set1_epi64x(0xFFFF_FFFF_0000_0000_u64 as i64);
        for r in 0..6 {
            // (cr_lo + cr_hi) << 32 == (cr << 32) + (cr & hi_mask)   (mod 2^64)
            let cross = _mm256_add_epi64(
                _mm256_slli_epi64::<32>(cr[r]),
                _mm256_and_si256(cr[r], hi_mask),
            );
            _mm256_storeu_si256(
                tile.add(r * 4).cast::<__m256i>(),
                _mm256_add_epi64(lo[r], cross),
            );
        }
    }
}
