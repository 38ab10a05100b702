//! A matrix product whose summed index is two strided axes: `C[m, n] = Σ_{o, q} a[m, o, q] ·
//! b[n, o, q]` (`f64` and `f32`), straight from the operands' strides. This is the contraction
//! `tensordot` makes when the summed axes of an operand cannot be merged into one strided axis
//! (e.g. `axes=([0, 2], [2, 1])` on C-ordered operands): BLAS needs each operand as a matrix
//! with one unit stride, so the BLAS path first copies the operand (a transposing pass over it)
//! and BLAS then packs that copy again. Here the packing of the blocked product reads the
//! operand directly ([`pack`]), as TBLIS does for tensors, so the operand is read once.
//!
//! The loops are the usual ones of a blocked product (Goto; `matrixmultiply`, BLIS): blocks
//! of the sum ([`KC`] steps for `f64`), of `B`'s rows (`NC`) and of `A`'s rows (`MC`), each packed once
//! into panels of the micro-kernel's tile ([`micro`]), `C` accumulated in place. On more than
//! one thread the sum is split, which suits the shapes that reach this path: small `M × N`
//! with a long sum. Where a `C` per block is small ([`CLAIM_MAX`]) the threads claim the
//! blocks one at a time and the blocks' `C`s are added in block order at the end (the result
//! does not depend on which thread took which block); otherwise each thread takes a fixed
//! share of the blocks into a `C` of its own.

mod micro;
mod pack;

use ndarray::ArrayView3;

use pack::Block;

/// The element types of this product: `f64` and `f32` (a micro-kernel and an in-register
/// transpose each, and a packing buffer per thread).
pub(crate) trait Real: micro::Kernels + pack::Transpose + crate::element::Element {
    /// This thread's packing buffer of [`run`] (empty until first used).
    fn packing() -> &'static std::thread::LocalKey<std::cell::Cell<Vec<Self>>>;
}

/// `Real` for a type with its own packing buffer.
macro_rules! real {
    ($t:ty, $key:ident) => {
        thread_local! {
            /// The packing buffer of [`run`] on this thread (empty until first used).
            static $key: std::cell::Cell<Vec<$t>> = const { std::cell::Cell::new(Vec::new()) };
        }
        impl Real for $t {
            fn packing() -> &'static std::thread::LocalKey<std::cell::Cell<Vec<Self>>> {
                &$key
            }
        }
    };
}

real!(f64, PACKING_F64);
real!(f32, PACKING_F32);

/// Steps of the sum per block for 8-byte elements (`512` measured best of 256/384/512/1024
/// on the `(64, 64, 64)` transposed contraction, AVX-512); 4-byte elements take twice as many
/// ([`kc_of`]).
const KC: usize = 512;

/// The steps per block for `T`: the same bytes per panel row as `f64`'s [`KC`]. For `f32`
/// the blocks that take every `O` value then cut a `Q`-contiguous operand into runs of 16
/// elements (whole cache lines) instead of 8: measured on the `(64, 64, 64)` transposed
/// contraction (one thread, alternately, medians of four rounds), AVX-512 0.499 → 0.485 ms,
/// AVX2 0.625 → 0.588 ms.
fn kc_of<T>() -> usize {
    KC * 8 / std::mem::size_of::<T>()
}
/// Rows of `A` packed per block, in tiles.
const MC_TILES: usize = 8;
/// Rows of `B` packed per block, in tiles.
const NC_TILES: usize = 32;
/// Fewest multiply-adds per thread worth a thread of its own.
const PAR_MIN_WORK: usize = 1 << 19;
/// Largest `M·N` for which the sum is split across threads (each thread holds a `C` of its
/// own).
const PAR_MAX_MN: usize = 1 << 18;

/// Whether this CPU has a micro-kernel (AVX2 and FMA; never under Miri).
pub(crate) fn available() -> bool {
    micro::tile::<f64>().is_some()
}

/// `C = Σ_{o,q} a[m, o, q] · b[n, o, q]` as a C-order `M × N` buffer, on the CPU's tile, with
/// up to `rayon::current_num_threads()` threads. `Ok(None)` without a micro-kernel (see
/// [`available`]), or when the product would need more threads than its split allows (a large
/// `M·N` on several threads: BLAS's own threading does better there); `Err(MemoryError)` when
/// a buffer cannot be allocated.
pub(crate) fn product<T: Real>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let Some(t) = micro::tile::<T>() else {
        return Ok(None);
    };
    product_with(t, rayon::current_num_threads(), a, b)
}

/// [`product`] for an element type `T`: `Ok(None)` unless `T` is `f64` or `f32` (the types
/// with a micro-kernel here).
pub(crate) fn product_of<T: crate::element::Element>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    use std::any::TypeId;
    if TypeId::of::<T>() == TypeId::of::<f64>() {
        product_as::<T, f64>(a, b)
    } else if TypeId::of::<T>() == TypeId::of::<f32>() {
        product_as::<T, f32>(a, b)
    } else {
        Ok(None)
    }
}

/// [`product`] of `T` operands computed as `U`, which must be the same type (panics
/// otherwise).
fn product_as<T: 'static, U: Real>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    use std::any::{Any, TypeId};
    assert_eq!(TypeId::of::<T>(), TypeId::of::<U>(), "T is U");
    // SAFETY: `T` is `U` (same `TypeId`, asserted), so the casts change nothing: the same
    // pointers, dims and strides describe the same live, initialized elements of `a` and `b`,
    // borrowed (shared) for as long as the new views, which are used only in this call.
    let (a, b) = unsafe {
        (
            a.raw_view().cast::<U>().deref_into_view(),
            b.raw_view().cast::<U>().deref_into_view(),
        )
    };
    Ok(product(a, b)?.map(|c| {
        *(Box::new(c) as Box<dyn Any>)
            .downcast::<Vec<T>>()
            .expect("T is U")
    }))
}

/// [`product`] on tile `t` (one [`micro::tile`] may return) and `threads` threads at most.
fn product_with<T: Real>(
    t: micro::Tile,
    threads: usize,
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
) -> Result<Option<Vec<T>>, crate::Error> {
    let (m, no, nq) = a.dim();
    let n = b.dim().0;
    assert_eq!((no, nq), (b.dim().1, b.dim().2), "the summed axes match");
    let mn = m.checked_mul(n).expect("a result that fits in memory");
    let work = mn.saturating_mul(no).saturating_mul(nq);
    let want = threads.min(work / PAR_MIN_WORK).max(1);
    if threads > 1 && mn > PAR_MAX_MN && work >= 2 * PAR_MIN_WORK {
        return Ok(None);
    }
    // Blocks of at most `kc` steps, and at least `want` of them when the sum is long enough.
    let steps = no.saturating_mul(nq);
    let kc = kc_of::<T>();
    let blocks = blocks(no, nq, kc.min(steps.div_ceil(want)).max(1), whole_o(&a, &b));
    let parts = want.min(blocks.len()).max(1);
    let shape = [m, n];
    if parts == 1 || mn == 0 {
        let mut c = crate::kernels::mem::try_zeroed::<T>(mn, &shape)?;
        run(t, &a, &b, &blocks, &mut c)?;
        return Ok(Some(c));
    }
    if blocks.len().saturating_mul(mn) <= CLAIM_MAX {
        return claimed(t, parts, &a, &b, &blocks, &shape).map(Some);
    }
    let part = |p: usize| -> Result<Vec<T>, crate::Error> {
        let mine = &blocks[p * blocks.len() / parts..(p + 1) * blocks.len() / parts];
        let mut c = crate::kernels::mem::try_zeroed::<T>(mn, &shape)?;
        run(t, &a, &b, mine, &mut c)?;
        Ok(c)
    };
    let partial = crate::kernels::threads::map((0..parts).collect(), part);
    let mut partial = partial.into_iter();
    let mut c = partial.next().expect("parts ≥ 1")?;
    for other in partial {
        for (x, y) in c.iter_mut().zip(other?) {
            *x += y;
        }
    }
    Ok(Some(c))
}

/// Largest `blocks · M·N` (elements) for which [`claimed`] holds a result per block.
const CLAIM_MAX: usize = 1 << 17;

/// The sum over `blocks` on `parts` threads, each block claimed by the first thread free to
/// take it (`threads::map_on`) and accumulated into a `C` of its own; the blocks' `C`s are
/// then added in block order, so the result does not depend on which thread took which
/// block. Against a fixed share per thread, a thread that starts late (a worker woken after
/// the caller began) costs half its delay instead of all of it.
fn claimed<T: Real>(
    t: micro::Tile,
    parts: usize,
    a: &ArrayView3<'_, T>,
    b: &ArrayView3<'_, T>,
    blocks: &[Block],
    shape: &[usize; 2],
) -> Result<Vec<T>, crate::Error> {
    let mn = shape[0] * shape[1];
    let sums = crate::kernels::threads::map_on(parts, blocks.to_vec(), |blk| {
        let mut c = crate::kernels::mem::try_zeroed::<T>(mn, shape)?;
        run(t, a, b, std::slice::from_ref(&blk), &mut c)?;
        Ok::<_, crate::Error>(c)
    });
    let mut sums = sums.into_iter();
    let mut c = sums.next().expect("at least one block")?;
    for other in sums {
        for (x, y) in c.iter_mut().zip(other?) {
            *x += y;
        }
    }
    Ok(c)
}

/// Whether the blocks should take every `O` value: when the operand whose rows lie farther
/// apart is contiguous along `O` (not `Q`), its panels are then read in runs along `O` as long
/// as the axis instead of one cache line per row and step. Measured on the `(64, 64, 64)`
/// transposed contraction (`b`'s rows 32 KiB apart, contiguous along `O`; old and new
/// alternately, time / floor, one thread): 1.14–1.35 against 1.21–1.71; two threads 1.12–1.39
/// against 1.14–1.47.
fn whole_o<T>(a: &ArrayView3<'_, T>, b: &ArrayView3<'_, T>) -> bool {
    let far = if a.strides()[0].unsigned_abs() >= b.strides()[0].unsigned_abs() {
        a
    } else {
        b
    };
    let s = far.strides();
    s[1].unsigned_abs() == 1 && s[2].unsigned_abs() != 1
}

/// The blocks of the sum over `no × nq` steps, at most `kc` steps each: `Q` in chunks of at
/// most `kc` and as many `O` values per block as fill `kc` steps, or with `whole_o` (and
/// `no ≤ kc`) every `O` value and as many `Q` values as fill `kc` steps.
fn blocks(no: usize, nq: usize, kc: usize, whole_o: bool) -> Vec<Block> {
    let mut out = Vec::new();
    if no == 0 || nq == 0 {
        return out;
    }
    let (qc, oc) = if whole_o && no <= kc {
        ((kc / no).max(1).min(nq), no)
    } else {
        let qc = nq.min(kc);
        (qc, (kc / qc).max(1))
    };
    for o0 in (0..no).step_by(oc) {
        for q0 in (0..nq).step_by(qc) {
            out.push(Block {
                o: (o0, (o0 + oc).min(no)),
                q: (q0, (q0 + qc).min(nq)),
            });
        }
    }
    out
}

/// Adds `Σ` over `blocks` of `a[m, o, q] · b[n, o, q]` into `c` (`M × N`, C order).
fn run<T: Real>(
    t: micro::Tile,
    a: &ArrayView3<'_, T>,
    b: &ArrayView3<'_, T>,
    blocks: &[Block],
    c: &mut [T],
) -> Result<(), crate::Error> {
    let (m, n) = (a.dim().0, b.dim().0);
    let (mc, nc) = (MC_TILES * t.mr, NC_TILES * t.nr);
    let kc_max = blocks.iter().map(Block::steps).max().unwrap_or(0);
    // Both panels start on a cache line (64 bytes: `line` elements), so that no vector load
    // of a panel spans two lines.
    let line = 64 / std::mem::size_of::<T>();
    let pa_len = (mc.min(m.div_ceil(t.mr) * t.mr) * kc_max).next_multiple_of(line);
    let pb_len = nc.min(n.div_ceil(t.nr) * t.nr) * kc_max;
    let need = pa_len + pb_len + line;
    // This thread's packing buffer, kept between calls: at most `(MC + NC)·KC` elements
    // (2.4 MiB with the AVX-512 tile, `f64`), which a fresh allocation would map page by page
    // on every call (6 % of the time of the `(64, 64, 64)` contraction, measured).
    let packing = T::packing();
    let mut buf = packing.take();
    if buf.len() < need {
        drop(std::mem::take(&mut buf)); // freed before the larger one is allocated
        buf = crate::kernels::mem::try_filled_as(need, T::default(), &[need], T::DTYPE)?;
    }
    // Measured on the `(64, 64, 64)` transposed contraction (one thread, alternately, three
    // rounds; the allocator's buffers start 16 bytes past a line): AVX-512 `f64` 1.08–1.11 →
    // 0.98–1.06 ms, `f32` 0.51–0.52 → 0.49; AVX2 `f64` 1.14–1.24 → 1.06–1.10 ms.
    let skip = buf.as_ptr().align_offset(64).min(line);
    let (pa, rest) = buf[skip..].split_at_mut(pa_len);
    let pb = &mut rest[..pb_len];
    assert_eq!(c.len(), m * n, "C is M × N");
    for blk in blocks {
        let kc = blk.steps();
        for jc in (0..n).step_by(nc) {
            let ncur = nc.min(n - jc);
            pack::panels(b, jc..jc + ncur, t.nr, *blk, pb);
            for ic in (0..m).step_by(mc) {
                let mcur = mc.min(m - ic);
                pack::panels(a, ic..ic + mcur, t.mr, *blk, pa);
                for (pj, j0) in (jc..jc + ncur).step_by(t.nr).enumerate() {
                    let cols = t.nr.min(jc + ncur - j0);
                    for (pi, i0) in (ic..ic + mcur).step_by(t.mr).enumerate() {
                        let rows = t.mr.min(ic + mcur - i0);
                        // SAFETY: `t` is `micro::tile()`'s (`product`; the tests pass only the
                        // tiles the CPU runs). Panel `pi` of `pa` holds `kc·mr` packed
                        // elements at `pi·mr·kc` (packed above, inside `pa_len`), panel `pj` of
                        // `pb` `kc·nr` at `pj·nr·kc`; the tile of `C` at `(i0, j0)` has
                        // `rows ≤ mr` rows inside `m` and `cols ≤ nr` columns inside `n`,
                        // row stride `n`: inside `c` (`M × N`, asserted), which is a buffer of
                        // its own, overlapping neither panel.
                        unsafe {
                            micro::run(
                                t,
                                kc,
                                pa.as_ptr().add(pi * t.mr * kc),
                                pb.as_ptr().add(pj * t.nr * kc),
                                c.as_mut_ptr().add(i0 * n + j0),
                                n,
                                rows,
                                cols,
                            )
                        };
                    }
                }
            }
        }
    }
    packing.set(buf);
    Ok(())
}

#[cfg(test)]
mod tests;
