//! The micro-kernel interface and the portable micro-kernel.
//!
//! A micro-kernel multiplies one packed `MR × kc` panel of `A` by one packed `kc × NR` panel of
//! `B` and writes the `MR × NR` product into a tile buffer (row-major, row stride `NR`):
//!
//! ```text
//! a[p * MR + r]  = A[r, p]      (r < MR, p < kc)    "A panel", element type `APack`
//! b[p * NR + j]  = B[p, j]      (j < NR, p < kc)    "B panel", element type `Lane`
//! tile[r * NR + j] = Σ_p A[r, p] · B[p, j]           (wrapping, in `Lane`)
//! ```
//!
//! Every kernel method is safe: it checks the slice lengths, and the SIMD kernels can only be
//! constructed after runtime feature detection (see `avx2`).

use std::marker::PhantomData;

use super::lane::Lane;

/// Capacity of the tile buffer: the largest `MR · NR` of any micro-kernel.
pub(crate) const TILE_MAX: usize = 192;

/// The `MR × NR` output tile of one micro-kernel call.
pub(crate) type Tile<L> = [L; TILE_MAX];

/// A register-blocked micro-kernel and its cache-blocking parameters.
pub(crate) trait MicroKernel: Copy + Send + Sync {
    /// The lane type it computes in.
    type Lane: Lane;
    /// The element type of a packed `A` panel (the `u16` kernel stores each value twice in a
    /// `u32`, so that one 32-bit broadcast fills all sixteen 16-bit lanes).
    type APack: Copy + Default + Send + Sync;
    /// Rows of the register tile.
    const MR: usize;
    /// Columns of the register tile.
    const NR: usize;
    /// Depth of one packed block (a `kc × NR` panel of `B` should fit in L1).
    const KC: usize;
    /// Rows of one packed block of `A` (an `MC × KC` block of `A` should fit in L2).
    const MC: usize;
    /// Columns of one packed block of `B` (a `KC × NC` block should fit in L3).
    const NC: usize;
    /// Converts a lane value to its packed-`A` representation.
    fn pack_a(x: Self::Lane) -> Self::APack;
    /// `tile[r * NR + j] = Σ_{p < kc} a[p * MR + r] · b[p * NR + j]` (wrapping).
    ///
    /// # Panics
    /// If `a` has fewer than `kc · MR` or `b` fewer than `kc · NR` elements.
    fn run(self, kc: usize, a: &[Self::APack], b: &[Self::Lane], tile: &mut Tile<Self::Lane>);
}

/// The portable micro-kernel: plain Rust over arrays, which LLVM vectorizes for the baseline
/// instruction set of the target (SSE2 on x86-64, NEON on aarch64).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable<L>(PhantomData<L>);

impl<L> Portable<L> {
    /// The portable kernel runs everywhere.
    pub(crate) fn new() -> Self {
        Portable(PhantomData)
    }
}

/// Rows of the portable kernel's tile.
const PMR: usize = 4;
/// Columns of the portable kernel's tile.
const PNR: usize = 8;

impl<L: Lane> MicroKernel for Portable<L> {
    type Lane = L;
    type APack = L;
    const MR: usize = PMR;
    const NR: usize = PNR;
    const KC: usize = 256;
    const MC: usize = 64;
    const NC: usize = 4096;

    #[inline(always)]
    fn pack_a(x: L) -> L {
        x
    }

    fn run(self, kc: usize, a: &[L], b: &[L], tile: &mut Tile<L>) {
        let a = &a[..kc * PMR];
        let b = &b[..kc * PNR];
        let mut acc = [[L::ZERO; PNR]; PMR];
        for (ap, bp) in a.chunks_exact(PMR).zip(b.chunks_exact(PNR)) {
            for (row, &ar) in acc.iter_mut().zip(ap) {
                for (c, &bj) in row.iter_mut().zip(bp) {
                    *c = c.wadd(ar.wmul(bj));
                }
            }
        }
        for (dst, row) in tile.chunks_exact_mut(PNR).zip(&acc) {
            dst.copy_from_slice(row);
        }
    }
}

/// A heap buffer whose usable part starts on a 64-byte boundary (one cache line), so that
/// packed panels never straddle lines needlessly.
pub(crate) struct AlignedBuf<T> {
    /// The allocation (over-allocated by up to one cache line).
    vec: Vec<T>,
    /// Index of the first aligned element.
    start: usize,
    /// Usable length.
    len: usize,
}

impl<T: Copy + Default> AlignedBuf<T> {
    /// A buffer of `len` default values (unsigned lanes), or `MemoryError` naming it.
    pub(crate) fn new(len: usize) -> Result<Self, crate::Error> {
        let extra = 64 / size_of::<T>().max(1);
        let total = len.saturating_add(extra);
        let dtype = match size_of::<T>() {
            1 => "uint8",
            2 => "uint16",
            4 => "uint32",
            _ => "uint64",
        };
        let vec = crate::kernels::mem::try_filled_as(total, T::default(), &[total], dtype)?;
        let start = vec.as_ptr().align_offset(64).min(extra);
        Ok(AlignedBuf { vec, start, len })
    }

    /// The usable, aligned part.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.vec[self.start..self.start + self.len]
    }
}

/// Hints the CPU to fetch the cache line holding `p` (no effect on other targets, nor under
/// Miri).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    // SAFETY: SSE is part of the x86-64 baseline, so the target feature `_mm_prefetch`
    // requires is always present; a prefetch is a hint that never dereferences `p`
    // architecturally and never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>())
    };
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = p;
}
