//! Packing: copying a block of a strided operand into the contiguous panel layout the
//! micro-kernels read (see `kernel`), converting elements to lanes on the way and zero-padding
//! partial panels. Reads go straight from the strided view: any strides are fine (negative,
//! zero for broadcast axes, non-unit steps); the loop order follows the smaller stride.

use ndarray::ArrayView2;

use super::kernel::MicroKernel;
use super::lane::IntElement;

/// Pointer to element `[i, j]` of a 2-D view given its base pointer and strides.
///
/// # Safety
/// `[i, j]` must be a valid index of the view `base`, `rs`, `cs` were taken from; then the
/// offset stays inside the view's allocation (ndarray's invariant for views).
#[inline(always)]
unsafe fn at<T>(base: *const T, rs: isize, cs: isize, i: usize, j: usize) -> *const T {
    // SAFETY: caller contract; `i * rs + j * cs` is the element's offset, which ndarray
    // guarantees fits `isize` and lies inside the allocation for every valid index.
    unsafe { base.offset(i as isize * rs + j as isize * cs) }
}

/// Packs `A[i0 .. i0 + mr, p0 .. p0 + kc]` (`mr <= MR`) into one `A` micro-panel:
/// `dst[p * MR + r] = A[i0 + r, p0 + p]`, zero for `r >= mr`.
///
/// # Panics
/// If the block is outside `a`, `mr > MR`, or `dst` is shorter than `kc * MR`.
pub(crate) fn pack_a_panel<T: IntElement, K: MicroKernel<Lane = T::Lane>>(
    a: &ArrayView2<'_, T>,
    i0: usize,
    mr: usize,
    p0: usize,
    kc: usize,
    dst: &mut [K::APack],
) {
    assert!(mr <= K::MR && i0 + mr <= a.nrows() && p0 + kc <= a.ncols());
    let dst = &mut dst[..kc * K::MR];
    if mr == 0 || kc == 0 {
        dst.fill(K::APack::default());
        return;
    }
    let (rs, cs) = (a.strides()[0], a.strides()[1]);
    // SAFETY: i0 < a.nrows() (mr > 0) and p0 < a.ncols() (kc > 0).
    let corner = unsafe { at(a.as_ptr(), rs, cs, i0, p0) };
    // One column of the block per step: `mr` reads (`mr` streams advancing along their rows
    // when `a` is row-major, one contiguous run when it is column-major), one contiguous
    // write. Full panels use the constant `MR`, so the inner loop unrolls.
    for (p, d) in dst.chunks_exact_mut(K::MR).enumerate() {
        // SAFETY: [i0, p0 + p] is a valid index (p < kc).
        let col = unsafe { corner.offset(p as isize * cs) };
        if mr == K::MR {
            for (r, d) in d.iter_mut().enumerate() {
                // SAFETY: [i0 + r, p0 + p] is a valid index (r < MR = mr).
                *d = K::pack_a(unsafe { *col.offset(r as isize * rs) }.to_lane());
            }
        } else {
            let (valid, pad) = d.split_at_mut(mr);
            for (r, d) in valid.iter_mut().enumerate() {
                // SAFETY: [i0 + r, p0 + p] is a valid index (r < mr).
                *d = K::pack_a(unsafe { *col.offset(r as isize * rs) }.to_lane());
            }
            pad.fill(K::APack::default());
        }
    }
}

/// Packs `B[p0 .. p0 + kc, j0 .. j0 + nr]` (`nr <= NR`) into one `B` micro-panel:
/// `dst[p * NR + j] = B[p0 + p, j0 + j]`, zero for `j >= nr`.
///
/// # Panics
/// If the block is outside `b`, `nr > NR`, or `dst` is shorter than `kc * NR`.
pub(crate) fn pack_b_panel<T: IntElement, K: MicroKernel<Lane = T::Lane>>(
    b: &ArrayView2<'_, T>,
    p0: usize,
    kc: usize,
    j0: usize,
    nr: usize,
    dst: &mut [T::Lane],
) {
    assert!(nr <= K::NR && p0 + kc <= b.nrows() && j0 + nr <= b.ncols());
    let dst = &mut dst[..kc * K::NR];
    if nr == 0 || kc == 0 {
        dst.fill(T::Lane::default());
        return;
    }
    let (rs, cs) = (b.strides()[0], b.strides()[1]);
    let base = b.as_ptr();
    if cs.unsigned_abs() <= rs.unsigned_abs() {
        // Rows are contiguous (or closer): copy row segments.
        for (p, d) in dst.chunks_exact_mut(K::NR).enumerate() {
            // SAFETY: p0 + p < b.nrows(), j0 < b.ncols() (nr > 0).
            let row = unsafe { at(base, rs, cs, p0 + p, j0) };
            let (valid, pad) = d.split_at_mut(nr);
            if cs == 1 {
                // SAFETY: with unit column stride, `B[p0 + p, j0 .. j0 + nr]` are `nr`
                // consecutive, initialized `T`s inside the view; the shared borrow of `b`
                // keeps them alive and unaliased by writers for the slice's lifetime.
                let src = unsafe { std::slice::from_raw_parts(row, nr) };
                if nr == K::NR {
                    // Constant trip count: inlined vector moves, not a `memcpy` call.
                    for j in 0..K::NR {
                        valid[j] = src[j].to_lane();
                    }
                } else {
                    for (d, &x) in valid.iter_mut().zip(src) {
                        *d = x.to_lane();
                    }
                }
            } else {
                for (j, d) in valid.iter_mut().enumerate() {
                    // SAFETY: [p0 + p, j0 + j] is valid (j < nr).
                    *d = unsafe { *row.offset(j as isize * cs) }.to_lane();
                }
            }
            pad.fill(T::Lane::default());
        }
    } else {
        // Columns are contiguous: walk each column along p.
        if nr < K::NR {
            dst.fill(T::Lane::default());
        }
        for j in 0..nr {
            // SAFETY: p0 < b.nrows() (kc > 0), j0 + j < b.ncols().
            let col = unsafe { at(base, rs, cs, p0, j0 + j) };
            for (p, d) in dst.chunks_exact_mut(K::NR).enumerate() {
                // SAFETY: [p0 + p, j0 + j] is valid (p < kc).
                d[j] = unsafe { *col.offset(p as isize * rs) }.to_lane();
            }
        }
    }
}
