//! Packing for [`super`]: a panel of `w` rows of an operand seen as `(R, O, Q)` (rows, the
//! outer and the inner summed axis), over one block of the sum (`O` range × `Q` range), laid
//! out step by step as the micro-kernels read it: `dst[k·w + r]` with the block's step
//! `k = (q - q0)·po + (o - o0)` (`po` = the block's `O` extent). The reads follow whichever
//! axis is contiguous in the operand, so this is the one pass over the operand (no copy of it
//! beforehand, whatever its strides): a transposing copy in register tiles when the
//! contiguous axis is `Q` or `O`, a copy of one run per step when it is the rows' axis,
//! element by element otherwise.

use ndarray::ArrayView3;

/// The element types packed here: their in-register transpose.
pub(crate) trait Transpose: Copy + Default {
    /// `dst[i·ct + j] = src[i + j·sl]` for `i < nt`, `j < nl`, in registers
    /// ([`crate::kernels::transpose::transpose_tile_avx2`] for 8-byte elements,
    /// [`crate::kernels::transpose::transpose_tile_avx2_4b`] for 4-byte ones).
    ///
    /// # Safety
    /// The CPU supports AVX2; every `src.offset(i + j·sl)` is a readable element and every
    /// `dst.add(i·ct + j)` writable, for `i < nt`, `j < nl`.
    unsafe fn transpose(
        src: *const Self,
        sl: isize,
        dst: *mut Self,
        ct: usize,
        nt: usize,
        nl: usize,
    );
}

/// `Transpose` for a type from its view kernel.
macro_rules! transpose_with {
    ($t:ty, $f:ident) => {
        impl Transpose for $t {
            #[inline(always)]
            unsafe fn transpose(
                src: *const Self,
                sl: isize,
                dst: *mut Self,
                ct: usize,
                nt: usize,
                nl: usize,
            ) {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: forwarded (the same contract).
                unsafe {
                    crate::kernels::transpose::$f(src, sl, dst, ct, nt, nl)
                };
                #[cfg(not(target_arch = "x86_64"))]
                {
                    let _ = (src, sl, dst, ct, nt, nl);
                    unreachable!("packing transposes in registers only on x86_64");
                }
            }
        }
    };
}

transpose_with!(f64, transpose_tile_avx2);
transpose_with!(f32, transpose_tile_avx2_4b);

/// One block of the sum: `o` in `o.0..o.1`, `q` in `q.0..q.1`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Block {
    /// The `O` range.
    pub(crate) o: (usize, usize),
    /// The `Q` range.
    pub(crate) q: (usize, usize),
}

impl Block {
    /// Steps of the block (`O` extent × `Q` extent).
    pub(crate) fn steps(&self) -> usize {
        (self.o.1 - self.o.0) * (self.q.1 - self.q.0)
    }
}

/// How many `q` steps ahead the strided panel reads are prefetched (measured on the
/// `(64, 64, 64)` transposed contraction: without it, packing the operand whose `O` axis is
/// contiguous took 12–15 % of the time, with 2–8 steps 8–9 %).
const PREFETCH_Q: usize = 4;

/// Packs rows `rows` of `v` over `blk` into `dst` as consecutive panels of `w` rows (the last
/// one zero-padded), panel `p` at `p·w·blk.steps()`.
pub(crate) fn panels<T: Transpose>(
    v: &ArrayView3<'_, T>,
    rows: std::ops::Range<usize>,
    w: usize,
    blk: Block,
    dst: &mut [T],
) {
    let len = w * blk.steps();
    for (p, r0) in rows.clone().step_by(w).enumerate() {
        panel(
            v,
            r0,
            w.min(rows.end - r0),
            w,
            blk,
            &mut dst[p * len..(p + 1) * len],
        );
    }
}

/// Packs rows `r0 .. r0 + rows` of `v` (`rows ≤ w`; rows `rows .. w` of the panel are zeros)
/// over `blk` into `dst` (`blk.steps()·w` elements, see the module docs).
fn panel<T: Transpose>(
    v: &ArrayView3<'_, T>,
    r0: usize,
    rows: usize,
    w: usize,
    blk: Block,
    dst: &mut [T],
) {
    let (nr, no, nq) = v.dim();
    assert!(
        rows <= w
            && r0 + rows <= nr
            && blk.o.0 < blk.o.1
            && blk.o.1 <= no
            && blk.q.0 < blk.q.1
            && blk.q.1 <= nq
            && dst.len() >= blk.steps() * w,
        "panel inside the operand"
    );
    let (po, pq) = (blk.o.1 - blk.o.0, blk.q.1 - blk.q.0);
    if rows < w {
        for k in 0..po * pq {
            dst[k * w + rows..k * w + w].fill(T::default());
        }
    }
    if rows == 0 {
        return;
    }
    let s = v.strides();
    let (rs, so, sq) = (s[0], s[1], s[2]);
    // SAFETY: `r0 < nr`, `o0 < no`, `q0 < nq` (asserted): the element `[r0, o0, q0]` of `v`.
    let base = unsafe {
        v.as_ptr()
            .offset(r0 as isize * rs + blk.o.0 as isize * so + blk.q.0 as isize * sq)
    };
    let d = dst.as_mut_ptr();
    if rs == 1 {
        // Rows contiguous: each step of the panel is one run of `rows` elements (a copy, no
        // transpose), of a length known at compile time for the tiles' widths (a `memcpy` call
        // per run took a third of the time of the stepped `(64, 64, 64)` contraction).
        // SAFETY: (each arm) reads `base[o·so + q·sq + j]`, `j < rows`: the elements
        // `[r0 + j, o0 + o, q0 + q]` of `v` (unit row stride; all inside, asserted above);
        // writes `d[k·w .. k·w + rows]` with the step `k = q·po + o < po·pq`, inside `dst`;
        // `v` and `dst` do not overlap (`dst` is a `&mut`). `N == rows` in the fixed arms.
        unsafe {
            match rows {
                6 => runs::<T, 6>(base, so, sq, d, w, po, pq),
                8 => runs::<T, 8>(base, so, sq, d, w, po, pq),
                12 => runs::<T, 12>(base, so, sq, d, w, po, pq),
                16 => runs::<T, 16>(base, so, sq, d, w, po, pq),
                32 => runs::<T, 32>(base, so, sq, d, w, po, pq),
                _ => {
                    for q in 0..pq {
                        for o in 0..po {
                            std::ptr::copy_nonoverlapping(
                                base.offset(o as isize * so + q as isize * sq),
                                d.add((q * po + o) * w),
                                rows,
                            );
                        }
                    }
                }
            }
        }
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if !cfg!(miri) && crate::kernels::cpu::has_avx2_fma() {
        if sq == 1 {
            for o in 0..po {
                // SAFETY: AVX2 is present. Reads `base[o·so + i + j·rs]`, `i < pq`, `j < rows`:
                // the elements `[r0 + j, o0 + o, q0 + i]` of `v` (all inside, asserted above);
                // writes `d[o·w + i·po·w + j]` = step `i·po + o`, row `j` of the panel, inside
                // `dst` (`(pq - 1)·po·w + (po - 1)·w + rows ≤ po·pq·w`).
                unsafe {
                    T::transpose(
                        base.offset(o as isize * so),
                        rs,
                        d.add(o * w),
                        po * w,
                        pq,
                        rows,
                    )
                };
            }
            return;
        }
        if so == 1 {
            for q in 0..pq {
                if q + PREFETCH_Q < pq {
                    for j in 0..rows {
                        crate::kernels::int::prefetch(
                            base.wrapping_offset(j as isize * rs + (q + PREFETCH_Q) as isize * sq),
                        );
                    }
                }
                // SAFETY: AVX2 is present. Reads `base[q·sq + i + j·rs]`, `i < po`, `j < rows`:
                // the elements `[r0 + j, o0 + i, q0 + q]` of `v`; writes `d[q·po·w + i·w + j]`
                // = step `q·po + i`, row `j`, inside `dst` as above.
                unsafe {
                    T::transpose(
                        base.offset(q as isize * sq),
                        rs,
                        d.add(q * po * w),
                        w,
                        po,
                        rows,
                    )
                };
            }
            return;
        }
    }
    for q in 0..pq {
        for o in 0..po {
            let k = q * po + o;
            for j in 0..rows {
                // SAFETY: `[r0 + j, o0 + o, q0 + q]` is inside `v` (asserted bounds); step
                // `k < po·pq`, row `j < w`: inside `dst`.
                unsafe {
                    *d.add(k * w + j) =
                        *base.offset(j as isize * rs + o as isize * so + q as isize * sq)
                };
            }
        }
    }
}

/// The runs of a panel whose rows are contiguous, `N` elements each: `d[(q·po + o)·w ..][..N]
/// = base[o·so + q·sq ..][..N]` for `o < po`, `q < pq`.
///
/// # Safety
/// Every run read is `N` readable elements, every run written `N` writable ones inside one
/// allocation, and no run written overlaps a run read.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn runs<T: Copy, const N: usize>(
    base: *const T,
    so: isize,
    sq: isize,
    d: *mut T,
    w: usize,
    po: usize,
    pq: usize,
) {
    for q in 0..pq {
        for o in 0..po {
            // SAFETY: the caller's contract (unaligned, as `[T; N]` has `T`'s alignment only
            // if the runs are aligned).
            unsafe {
                let run = base
                    .offset(o as isize * so + q as isize * sq)
                    .cast::<[T; N]>()
                    .read_unaligned();
                d.add((q * po + o) * w)
                    .cast::<[T; N]>()
                    .write_unaligned(run);
            }
        }
    }
}
