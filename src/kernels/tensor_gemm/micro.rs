//! The micro-kernels of [`super`]: one `MR × NR` tile of `C` accumulated over `kc` packed
//! steps, `C[r][j] += Σ_k pa[k·MR + r] · pb[k·NR + j]`, the tile's `MR · NR` sums held in
//! vector registers (rows of `C` across the vector lanes, one broadcast of `A` per row and
//! step). Each step also prefetches the panels' lines 8 steps ahead (measured on the
//! `(64, 64, 64)` transposed contraction, one thread, time / floor, old and new alternately:
//! AVX-512 1.14–1.29 against 1.21–1.54; AVX2 1.19–1.35 against 1.34–1.95; 16 steps ahead no
//! better than 8). Two copies for `f64`: AVX-512 (`12 × 16`: 24 accumulators of 8 lanes, of
//! the 32 registers; compiled from rustc 1.89 on, whose intrinsics it uses) and AVX2 + FMA
//! (`6 × 8`: 12 accumulators of 4 lanes, of the 16).

/// The tile of a micro-kernel: `mr` rows (broadcast from the packed `A`) by `nr` columns
/// (vector loads from the packed `B`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tile {
    /// Rows of `C` per tile.
    pub(crate) mr: usize,
    /// Columns of `C` per tile.
    pub(crate) nr: usize,
    /// Which copy of the kernel runs.
    pub(crate) isa: Isa,
}

/// The instruction set a micro-kernel is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// AVX-512 F (with AVX2 and FMA).
    Avx512,
    /// AVX2 and FMA.
    Avx2,
}

/// The AVX-512 tile.
pub(crate) const AVX512: Tile = Tile {
    mr: 12,
    nr: 16,
    isa: Isa::Avx512,
};
/// The AVX2 tile.
pub(crate) const AVX2: Tile = Tile {
    mr: 6,
    nr: 8,
    isa: Isa::Avx2,
};

/// The largest `mr · nr` of any tile (the scratch tile of a partial store).
const TILE_MAX: usize = 12 * 16;

/// The tile this CPU runs, or `None` without AVX2 and FMA (and under Miri, which has no
/// vector intrinsics).
pub(crate) fn tile() -> Option<Tile> {
    if cfg!(miri) || !crate::kernels::small::has_avx2_fma() {
        return None;
    }
    // The AVX-512 intrinsics are compiled from rustc 1.89 on (`npdot_mm_avx512`, build.rs).
    Some(
        if cfg!(npdot_mm_avx512) && crate::kernels::small::has_avx512() {
            AVX512
        } else {
            AVX2
        },
    )
}

/// Runs `t`'s kernel: `C[r·ldc + j] += Σ_{k < kc} pa[k·mr + r] · pb[k·nr + j]` for `r < m`,
/// `j < n` (a partial tile at the edges of `C`: the panels are zero-padded to the full tile,
/// and only the `m × n` corner is stored).
///
/// # Safety
/// `t` must be [`tile`]'s (the CPU has its instruction set); `pa` addresses `kc·t.mr` and `pb`
/// `kc·t.nr` readable elements; `c` addresses, for `r < m ≤ t.mr` and `j < n ≤ t.nr`, the
/// readable and writable elements `c[r·ldc + j]`, overlapping neither panel.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn run(
    t: Tile,
    kc: usize,
    pa: *const f64,
    pb: *const f64,
    c: *mut f64,
    ldc: usize,
    m: usize,
    n: usize,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if m == t.mr && n == t.nr {
            // SAFETY: the caller's contract: all `mr × nr` elements of the tile are `c`'s.
            unsafe { kernel(t, kc, pa, pb, c, ldc) };
            return;
        }
        // A partial tile: computed into zeros (row stride `nr`), its corner added to `c`.
        let mut tile = [0.0f64; TILE_MAX];
        // SAFETY: the caller's contract for the panels; `tile` holds `TILE_MAX ≥ mr·nr` zeros.
        unsafe { kernel(t, kc, pa, pb, tile.as_mut_ptr(), t.nr) };
        for r in 0..m {
            for j in 0..n {
                // SAFETY: `r < m`, `j < n`: an element of `c` the caller gives.
                unsafe { *c.add(r * ldc + j) += tile[r * t.nr + j] };
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (t, kc, pa, pb, c, ldc, m, n);
        unreachable!("no micro-kernel on this target (`tile` is None)");
    }
}

/// `t`'s kernel on a full tile.
///
/// # Safety
/// As for [`run`] with `m = t.mr`, `n = t.nr`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn kernel(t: Tile, kc: usize, pa: *const f64, pb: *const f64, c: *mut f64, ldc: usize) {
    // SAFETY: forwarded; `t.isa` is an instruction set the CPU has (`t` is `tile()`'s).
    unsafe {
        match t.isa {
            #[cfg(npdot_mm_avx512)]
            Isa::Avx512 => avx512(kc, pa, pb, c, ldc),
            #[cfg(not(npdot_mm_avx512))]
            Isa::Avx512 => unreachable!("`tile` never gives the AVX-512 tile here"),
            Isa::Avx2 => avx2(kc, pa, pb, c, ldc),
        }
    }
}

/// The AVX-512 `12 × 16` kernel, adding into the full tile `c` (row stride `ldc`).
///
/// # Safety
/// AVX-512 F, AVX2 and FMA; `pa`: `12·kc`, `pb`: `16·kc` readable elements; `c[r·ldc + j]`
/// readable and writable for `r < 12`, `j < 16`.
#[cfg(all(target_arch = "x86_64", npdot_mm_avx512))]
#[allow(clippy::incompatible_msrv)] // compiled only from rustc 1.89 on (`npdot_mm_avx512`)
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn avx512(kc: usize, pa: *const f64, pb: *const f64, c: *mut f64, ldc: usize) {
    use std::arch::x86_64::*;
    const MR: usize = 12;
    const NR: usize = 16;
    const PF: usize = 8;
    let mut acc = [[_mm512_setzero_pd(); 2]; MR];
    for k in 0..kc {
        // SAFETY: `k < kc`: `pb[k·16 .. k·16 + 16]` and `pa[k·12 + r]`, `r < 12`, are inside
        // the panels; unaligned loads. The prefetched addresses may lie past the panels
        // (`wrapping_add`, no dereference): a prefetch never faults.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(pb.wrapping_add((k + PF) * NR).cast());
            _mm_prefetch::<_MM_HINT_T0>(pb.wrapping_add((k + PF) * NR + 8).cast());
            _mm_prefetch::<_MM_HINT_T0>(pa.wrapping_add((k + PF) * MR).cast());
            let b0 = _mm512_loadu_pd(pb.add(k * NR));
            let b1 = _mm512_loadu_pd(pb.add(k * NR + 8));
            for (r, row) in acc.iter_mut().enumerate() {
                let x = _mm512_set1_pd(*pa.add(k * MR + r));
                row[0] = _mm512_fmadd_pd(x, b0, row[0]);
                row[1] = _mm512_fmadd_pd(x, b1, row[1]);
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        // SAFETY: `r < 12`: row `r` of the tile, 16 elements from `c + r·ldc`.
        unsafe {
            let p = c.add(r * ldc);
            _mm512_storeu_pd(p, _mm512_add_pd(_mm512_loadu_pd(p), row[0]));
            _mm512_storeu_pd(p.add(8), _mm512_add_pd(_mm512_loadu_pd(p.add(8)), row[1]));
        }
    }
}

/// The AVX2 `6 × 8` kernel, adding into the full tile `c` (row stride `ldc`).
///
/// # Safety
/// AVX2 and FMA; `pa`: `6·kc`, `pb`: `8·kc` readable elements; `c[r·ldc + j]` readable and
/// writable for `r < 6`, `j < 8`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2(kc: usize, pa: *const f64, pb: *const f64, c: *mut f64, ldc: usize) {
    use std::arch::x86_64::*;
    const MR: usize = 6;
    const NR: usize = 8;
    const PF: usize = 8;
    let mut acc = [[_mm256_setzero_pd(); 2]; MR];
    for k in 0..kc {
        // SAFETY: `k < kc`: `pb[k·8 .. k·8 + 8]` and `pa[k·6 + r]`, `r < 6`, are inside the
        // panels; unaligned loads. The prefetched addresses may lie past the panels
        // (`wrapping_add`, no dereference): a prefetch never faults.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(pb.wrapping_add((k + PF) * NR).cast());
            _mm_prefetch::<_MM_HINT_T0>(pa.wrapping_add((k + PF) * MR).cast());
            let b0 = _mm256_loadu_pd(pb.add(k * NR));
            let b1 = _mm256_loadu_pd(pb.add(k * NR + 4));
            for (r, row) in acc.iter_mut().enumerate() {
                let x = _mm256_broadcast_sd(&*pa.add(k * MR + r));
                row[0] = _mm256_fmadd_pd(x, b0, row[0]);
                row[1] = _mm256_fmadd_pd(x, b1, row[1]);
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        // SAFETY: `r < 6`: row `r` of the tile, 8 elements from `c + r·ldc`.
        unsafe {
            let p = c.add(r * ldc);
            _mm256_storeu_pd(p, _mm256_add_pd(_mm256_loadu_pd(p), row[0]));
            _mm256_storeu_pd(p.add(4), _mm256_add_pd(_mm256_loadu_pd(p.add(4)), row[1]));
        }
    }
}
