//! The blocked driver (BLIS loop structure):
//!
//! ```text
//! for jc in steps of NC over n:                    B block: KC × NC   (L3)
//!   for pc in steps of KC over k:
//!     pack B[pc.., jc..] into NR-wide panels         (in parallel over panels)
//!     for each row chunk of C (in parallel):
//!       for ic in steps of MC:                     A block: MC × KC   (L2)
//!         pack A[ic.., pc..] into MR-tall panels
//!         for jr over the B panels:                B panel: KC × NR   (L1)
//!           for ir over the A panels:
//!             micro-kernel → tile; C[tile] (=|+=) tile
//! ```
//!
//! The first `pc` block overwrites `C`, later ones accumulate (wrapping), so `C` needs no
//! initialisation. Threads split `C` into disjoint row chunks (ndarray's own chunk iterators, so
//! the split is safe code); when `C` has too few rows for that, into column chunks, each then a
//! whole independent product.

use ndarray::{ArrayView2, ArrayViewMut2, Axis, s};

use super::kernel::{AlignedBuf, MicroKernel, TILE_MAX, Tile, prefetch};
use super::lane::{IntElement, Lane};
use super::pack::{pack_a_panel, pack_b_panel};

/// Multiply-adds (in units of one SIMD multiply: `m·n·k / lanes`) below which a product runs on
/// one thread: about 50 µs of single-thread work, well above the hand-off cost.
pub(crate) const PAR_MIN_VECTOR_OPS: usize = 1 << 17;

/// Rounds `x` up to a multiple of `to`.
fn round_up(x: usize, to: usize) -> usize {
    x.div_ceil(to) * to
}

/// `c = a · b` through packing and the micro-kernel `kern`, on `threads` threads (`None`: as
/// many as the size warrants; `Some(1)`: no other thread).
///
/// # Panics
/// If the shapes are inconsistent or a dimension is zero (the caller, `int::gemm`, handles
/// those cases).
pub(crate) fn gemm<T, K>(
    kern: K,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
    threads: Option<usize>,
) -> Result<(), crate::Error>
where
    T: IntElement,
    K: MicroKernel<Lane = T::Lane>,
{
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n) && m > 0 && n > 0 && k > 0);
    // Skinny products waste part of each register tile; the transposed product
    // `cᵀ = bᵀ · aᵀ` swaps which dimension is cut into MR and which into NR.
    let padded = |m: usize, n: usize| round_up(m, K::MR) * round_up(n, K::NR);
    if padded(n, m) < padded(m, n) {
        let (a, b, c) = (b.reversed_axes(), a.reversed_axes(), c.reversed_axes());
        return oriented(kern, a, b, c, threads);
    }
    oriented(kern, a, b, c, threads)
}

/// [`gemm`] once the orientation is chosen: picks the thread count (if not given) and split.
fn oriented<T, K>(
    kern: K,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    threads: Option<usize>,
) -> Result<(), crate::Error>
where
    T: IntElement,
    K: MicroKernel<Lane = T::Lane>,
{
    let (m, k) = a.dim();
    let n = b.ncols();
    let t = threads.unwrap_or_else(rayon::current_num_threads).max(1);
    // Row chunks of at least 4 register tiles' height (and some width), or column chunks of
    // at least 4 tiles' width: smaller chunks cost more in hand-off than they save.
    let rows_ok = m >= 4 * t * K::MR && n >= 4 * K::NR;
    let cols_ok = n >= 4 * t * K::NR;
    let threads = threads.unwrap_or_else(|| {
        let ops = m.saturating_mul(n).saturating_mul(k) / (32 / size_of::<T::Lane>());
        if ops >= PAR_MIN_VECTOR_OPS && (rows_ok || cols_ok) {
            t
        } else {
            1
        }
    });
    if threads > 1 && !rows_ok && cols_ok {
        // Few rows, many columns: independent column chunks.
        let width = round_up(n.div_ceil(2 * threads), K::NR);
        let jobs: Vec<_> = b
            .axis_chunks_iter(Axis(1), width)
            .zip(c.axis_chunks_iter_mut(Axis(1), width))
            .collect();
        crate::kernels::threads::map(jobs, |(b, c)| blocked(kern, a, b, c, 1))
            .into_iter()
            .collect()
    } else {
        blocked(kern, a, b, c, threads)
    }
}

/// The blocked loops; `threads > 1` runs B packing and the row chunks in parallel.
fn blocked<T, K>(
    kern: K,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    threads: usize,
) -> Result<(), crate::Error>
where
    T: IntElement,
    K: MicroKernel<Lane = T::Lane>,
{
    let (m, k) = a.dim();
    let n = b.ncols();
    let chunk_rows = if threads > 1 {
        round_up(m.div_ceil(2 * threads), K::MR)
    } else {
        m
    };
    let kc_max = K::KC.min(k);
    let mc_max = K::MC.min(round_up(chunk_rows, K::MR));
    let nc_max = K::NC.min(round_up(n, K::NR));
    let mut bbuf = AlignedBuf::<T::Lane>::new(kc_max * nc_max)?;
    let mut abufs: Vec<AlignedBuf<K::APack>> = (0..m.div_ceil(chunk_rows))
        .map(|_| AlignedBuf::new(mc_max * kc_max))
        .collect::<Result<_, _>>()?;
    for jc in (0..n).step_by(K::NC) {
        let nc = K::NC.min(n - jc);
        let b = b.slice(s![.., jc..jc + nc]);
        let mut c = c.slice_mut(s![.., jc..jc + nc]);
        for pc in (0..k).step_by(K::KC) {
            let kc = K::KC.min(k - pc);
            let bp = &mut bbuf.as_mut_slice()[..round_up(nc, K::NR) * kc];
            let pack = |(jp, d): (usize, &mut [T::Lane])| {
                let j0 = jp * K::NR;
                pack_b_panel::<T, K>(&b, pc, kc, j0, K::NR.min(nc - j0), d)
            };
            if threads > 1 {
                crate::kernels::threads::map(bp.chunks_mut(kc * K::NR).enumerate().collect(), pack);
            } else {
                bp.chunks_mut(kc * K::NR).enumerate().for_each(pack);
            }
            let bp = &*bp;
            // (row chunk of `a`, the same rows of `c`, that chunk's `A` buffer)
            let jobs = a
                .axis_chunks_iter(Axis(0), chunk_rows)
                .zip(c.axis_chunks_iter_mut(Axis(0), chunk_rows))
                .zip(abufs.iter_mut())
                .map(|((a, c), abuf)| (a, c, abuf));
            let run =
                |(a, c, abuf): (ArrayView2<'_, T>, ArrayViewMut2<'_, T>, &mut AlignedBuf<_>)| {
                    row_chunk(kern, a, c, pc, kc, bp, abuf.as_mut_slice())
                };
            if threads > 1 {
                crate::kernels::threads::map(jobs.collect(), run);
            } else {
                jobs.for_each(run);
            }
        }
    }
    Ok(())
}

/// One row chunk: `c (=|+=) a[.., pc .. pc + kc] · (packed B block bp)`; `c` is the chunk's
/// rows of the current `nc`-column block, `abuf` this chunk's `A` packing buffer.
fn row_chunk<T, K>(
    kern: K,
    a: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    pc: usize,
    kc: usize,
    bp: &[T::Lane],
    abuf: &mut [K::APack],
) where
    T: IntElement,
    K: MicroKernel<Lane = T::Lane>,
{
    let rows = a.nrows();
    let nc = c.ncols();
    let first = pc == 0;
    let mut tile: Tile<T::Lane> = [T::Lane::ZERO; TILE_MAX];
    for ic in (0..rows).step_by(K::MC) {
        let mc = K::MC.min(rows - ic);
        let ap = &mut abuf[..round_up(mc, K::MR) * kc];
        for (ip, d) in ap.chunks_mut(kc * K::MR).enumerate() {
            let i0 = ic + ip * K::MR;
            pack_a_panel::<T, K>(&a, i0, K::MR.min(ic + mc - i0), pc, kc, d);
        }
        let ap = &*ap;
        for (jp, bpanel) in bp.chunks(kc * K::NR).enumerate() {
            let j0 = jp * K::NR;
            let nr = K::NR.min(nc - j0);
            for (ip, apanel) in ap.chunks(kc * K::MR).enumerate() {
                let i0 = ic + ip * K::MR;
                let mr = K::MR.min(ic + mc - i0);
                // Start loading this tile of `c` now; the kernel hides the latency.
                let (rs, cs) = (c.strides()[0], c.strides()[1]);
                let corner = c
                    .as_ptr()
                    .wrapping_offset(i0 as isize * rs + j0 as isize * cs);
                for r in 0..mr as isize {
                    prefetch(corner.wrapping_offset(r * rs));
                    prefetch(corner.wrapping_offset(r * rs + (nr as isize - 1) * cs));
                }
                kern.run(kc, apanel, bpanel, &mut tile);
                store_tile(&mut c, i0, j0, mr, nr, &tile[..], K::NR, first);
            }
        }
    }
}

/// `c[i0 + r, j0 + j] = tile[r * ldt + j]` (if `first`) or `+=` (wrapping), for `r < mr`,
/// `j < nr`, converting lanes back to `T`.
///
/// # Panics
/// If the block is outside `c` or `tile` is too short.
#[allow(clippy::too_many_arguments)]
#[inline]
fn store_tile<T: IntElement>(
    c: &mut ArrayViewMut2<'_, T>,
    i0: usize,
    j0: usize,
    mr: usize,
    nr: usize,
    tile: &[T::Lane],
    ldt: usize,
    first: bool,
) {
    assert!(i0 + mr <= c.nrows() && j0 + nr <= c.ncols() && nr <= ldt);
    if mr == 0 || nr == 0 {
        return;
    }
    assert!(tile.len() >= (mr - 1) * ldt + nr);
    let (rs, cs) = (c.strides()[0], c.strides()[1]);
    let base = c.as_mut_ptr();
    for (r, t) in tile.chunks(ldt).take(mr).enumerate() {
        let t = &t[..nr];
        // SAFETY: [i0 + r, j0] is a valid index of `c` (bounds asserted), so the offset is
        // inside the view.
        let row = unsafe { base.offset((i0 + r) as isize * rs + j0 as isize * cs) };
        if cs == 1 {
            // SAFETY: with unit column stride, `c[i0 + r, j0 .. j0 + nr]` are `nr` consecutive
            // elements of the view; `c` is borrowed mutably, and its elements never alias each
            // other (ndarray's invariant for mutable views), so this is the only reference.
            let dst = unsafe { std::slice::from_raw_parts_mut(row, nr) };
            if first {
                for (d, &x) in dst.iter_mut().zip(t) {
                    *d = T::from_lane(x);
                }
            } else {
                for (d, &x) in dst.iter_mut().zip(t) {
                    *d = d.wadd(T::from_lane(x));
                }
            }
        } else {
            for (j, &x) in t.iter().enumerate() {
                // SAFETY: [i0 + r, j0 + j] is a valid index (j < nr); `c` is borrowed mutably
                // and its elements do not alias, so the write is exclusive.
                unsafe {
                    let d = row.offset(j as isize * cs);
                    *d = if first {
                        T::from_lane(x)
                    } else {
                        (*d).wadd(T::from_lane(x))
                    };
                }
            }
        }
    }
}
