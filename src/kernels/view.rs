//! Strided views that ndarray's safe API cannot build: several axes of one view walked
//! together (an einsum diagonal), whose stride is the sum of theirs; an array of any dimension
//! type as a static 2-D view without a dynamic shape's clone ([`as_matrix`]). Also
//! [`tiled_copy`]: the C-order copy of a permuted view whose innermost axis is not its
//! contiguous one (a transpose), in small square tiles so that both reads and writes use whole
//! cache lines.

#[cfg(target_arch = "x86_64")]
use super::transpose::{transpose_tile_avx2, transpose_tile_avx2_4b};
use ndarray::{
    ArrayBase, ArrayView2, ArrayViewD, Axis, Data, Dimension, Ix1, Ix2, IxDyn, ShapeBuilder,
};

/// `v` with each group of axes walked together: result axis `g` has the common length of the
/// axes in `groups[g]` and the sum of their strides, so its element `[i_0, …, i_g, …]` is the
/// element of `v` whose index along every axis of group `g` is `i_g` (the diagonal).
///
/// Panics unless every axis of `v` is in exactly one group and the axes of a group have equal
/// lengths (callers check both and report NumPy's errors before).
pub(crate) fn collapse_axes<'a, T>(
    v: &ArrayViewD<'a, T>,
    groups: &[Vec<usize>],
) -> ArrayViewD<'a, T> {
    let nd = v.ndim();
    let mut seen = vec![false; nd];
    let mut dims = Vec::with_capacity(groups.len());
    let mut strides = Vec::with_capacity(groups.len());
    for g in groups {
        assert!(!g.is_empty(), "collapse_axes: empty group");
        let len = v.shape()[g[0]];
        let mut stride: isize = 0;
        for &ax in g {
            assert!(ax < nd && !seen[ax], "collapse_axes: each axis once");
            seen[ax] = true;
            assert_eq!(v.shape()[ax], len, "collapse_axes: equal lengths");
            stride = stride.wrapping_add(v.strides()[ax]);
        }
        dims.push(len);
        strides.push(stride);
    }
    assert!(seen.iter().all(|&s| s), "collapse_axes: each axis once");
    if dims.contains(&0) {
        // No elements: any strides describe them.
        let zeros = vec![0usize; dims.len()];
        return ArrayViewD::from_shape(IxDyn(&dims).strides(IxDyn(&zeros)), &[])
            .expect("an empty view");
    }
    // Start from the lowest-address element so every stride is non-negative, then flip back.
    let mut ptr = v.as_ptr();
    let mut abs = Vec::with_capacity(dims.len());
    let mut flip = Vec::new();
    for (g, (&d, &s)) in dims.iter().zip(&strides).enumerate() {
        if d > 1 && s < 0 {
            ptr = ptr.wrapping_offset(s * (d as isize - 1));
            flip.push(g);
        }
        abs.push(if d > 1 { s.unsigned_abs() } else { 0 });
    }
    // SAFETY: every index of the new view maps to an index of `v` (the group's common index
    // repeated along each of its axes, all lengths equal), and the element it addresses is
    // `v.as_ptr() + Σ_g i_g·Σ_{a∈g} stride_a = v.as_ptr() + Σ_a i_a·stride_a`, that element of
    // `v`. Moving `ptr` to the lowest-address element along the negative-stride axes and using
    // absolute strides describes the same set of elements (the axes are flipped back below), so
    // each one lies in `v`'s allocation, alive and not mutated for `'a` (a shared borrow).
    // Every non-zero stride is a sum of `v`'s strides over in-bounds offsets, so no offset
    // overflows `isize`; the element count is at most `v`'s.
    let mut out = unsafe { ArrayViewD::from_shape_ptr(IxDyn(&dims).strides(IxDyn(&abs)), ptr) };
    for g in flip {
        out.invert_axis(Axis(g));
    }
    out
}

/// A 2-D or 1-D array of any dimension type as the `ArrayView2` that ndarray's
/// `view().into_dimensionality::<Ix2>()` (a 1-D one then given a leading axis when `row`, else
/// a trailing one, by `insert_axis`) makes of it — the same pointer, dimensions and strides —
/// without cloning a dynamic shape and stride vector first (for an `IxDyn` array those clones
/// and conversions cost more than a tiny product). `None` for any other number of dimensions.
#[inline]
pub(crate) fn as_matrix<T, S, D>(a: &ArrayBase<S, D>, row: bool) -> Option<ArrayView2<'_, T>>
where
    S: Data<Elem = T>,
    D: Dimension,
{
    if const { matches!(D::NDIM, Some(2)) } {
        // Static: a move of the same dimension type (a constant condition: the branch is
        // compiled only for `Ix2`).
        return a.view().into_dimensionality::<Ix2>().ok();
    }
    let ((m, n), (s0, s1)) = match (a.shape(), a.strides()) {
        (&[m, n], &[s0, s1]) => ((m, n), (s0, s1)),
        // `insert_axis` gives the new axis length 1 and stride 1.
        (&[len], &[s]) if row => ((1, len), (1, s)),
        (&[len], &[s]) => ((len, 1), (s, 1)),
        _ => return None,
    };
    if m == 0 || n == 0 {
        return Some(empty_matrix(a, row));
    }
    // Start from the lowest-address element, with every stride non-negative; the negative
    // ones are flipped back below (which restores the pointer and the strides exactly).
    let (flip0, flip1) = (s0 < 0, s1 < 0);
    let mut ptr = a.as_ptr();
    if flip0 {
        ptr = ptr.wrapping_offset(s0 * (m as isize - 1));
    }
    if flip1 {
        ptr = ptr.wrapping_offset(s1 * (n as isize - 1));
    }
    // SAFETY: `a` is a live array with at least one element, borrowed (shared) for the
    // returned lifetime: the elements it addresses stay alive and are not mutated. With
    // `(m, n)` and `(s0, s1)` (a 1-D array's dimension and stride, and length 1 with stride 1 for
    // the added axis, which is never moved along), element `[i, j]` is at `a.as_ptr() + i·s0 +
    // j·s1`, an element of `a`. `ptr` moved along each negative-stride axis to index
    // `len - 1` is the element of least address (non-empty, so it exists), and the view from
    // it with the absolute strides addresses the same set of elements (index `i` of a flipped
    // axis is `len - 1 - i` of `a`'s): all in `a`'s allocation, with the same extent in bytes
    // and the same element count as `a`, which ndarray already holds within `isize::MAX`.
    let mut v = unsafe {
        ArrayView2::from_shape_ptr((m, n).strides((s0.unsigned_abs(), s1.unsigned_abs())), ptr)
    };
    if flip0 {
        v.invert_axis(Axis(0));
    }
    if flip1 {
        v.invert_axis(Axis(1));
    }
    Some(v)
}

/// [`as_matrix`] of an array without elements (and maybe without a valid element address to
/// start from): ndarray's own view.
#[cold]
#[inline(never)]
fn empty_matrix<T, S, D>(a: &ArrayBase<S, D>, row: bool) -> ArrayView2<'_, T>
where
    S: Data<Elem = T>,
    D: Dimension,
{
    let v = a.view().into_dyn();
    match v.ndim() {
        2 => v.into_dimensionality::<Ix2>(),
        _ => v
            .into_dimensionality::<Ix1>()
            .map(|v| v.insert_axis(Axis(usize::from(!row)))),
    }
    .expect("as_matrix: 1-D or 2-D")
}

/// Side of the square tiles of [`tiled_copy`] (16 × 16 elements: 16 cache lines read and 16
/// written per tile for 8-byte elements, all in L1).
const TILE: usize = 16;

/// Tiles of [`transpose_tile_avx2`] (extent along the source's contiguous axis, along the
/// destination's): 8 source runs of 512 bytes, 64 destination lines. Measured on the
/// `(64, 64, 64)` transposing copy of `tensordot_transposed_64` (one thread, AVX-512 machine,
/// CPU clock, µs per copy): 16 × 16 ~82, 16 × 8 ~86, 8 × 8 ~100+, 32 × 4 and 64 × 4 ~61,
/// 64 × 8, 64 × 16, 128 × 8, 256 × 8 ~57–62 (a plain 2 MiB `memcpy` ~47).
const SIMD_TILE: (usize, usize) = (64, 8);

/// A C-order copy of `v` (element `[i…]` of the result at position `Σ i_k·C-stride_k`), written
/// without a zero-fill first. When the axis of `v` with the smallest stride is not its last
/// one, the plane of those two axes is copied in `TILE × TILE` tiles (a transpose that reads
/// and writes whole cache lines); otherwise element by element in C order (contiguous reads).
/// Tiles of 8-byte (4-byte) elements whose source axis is contiguous are transposed in
/// registers, 4 × 4 (8 × 8) at a time, in larger tiles ([`SIMD_TILE`]), on CPUs with AVX2
/// ([`transpose_tile_avx2`], [`transpose_tile_avx2_4b`]).
/// `Err(MemoryError)` when the copy cannot be allocated.
pub(crate) fn tiled_copy<T: crate::element::Element>(
    v: &ArrayViewD<'_, T>,
) -> Result<Vec<T>, crate::Error> {
    tiled_copy_with(v, has_avx2())
}

/// Whether [`transpose_tile_avx2`] may run (never under Miri, which lacks these intrinsics).
fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        !cfg!(miri) && std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`tiled_copy`], with the AVX2 tile kernel allowed or not (`avx2` only when the CPU has it).
fn tiled_copy_with<T: crate::element::Element>(
    v: &ArrayViewD<'_, T>,
    avx2: bool,
) -> Result<Vec<T>, crate::Error> {
    let n = v.len();
    let nd = v.ndim();
    let mut out: Vec<T> = super::mem::try_with_capacity(n, v.shape())?;
    // The contiguous axis: the smallest |stride| among axes longer than 1.
    let t = (0..nd)
        .filter(|&k| v.shape()[k] > 1)
        .min_by_key(|&k| v.strides()[k].unsigned_abs());
    let t = match t {
        Some(t) if n > 0 && t + 1 != nd && v.shape()[nd - 1] > 1 => t,
        _ => {
            out.extend(v.iter().copied());
            return Ok(out);
        }
    };
    let l = nd - 1;
    let (dims, strides) = (v.shape(), v.strides());
    // C-order strides of the result.
    let mut cs = vec![1usize; nd];
    for k in (0..l).rev() {
        cs[k] = cs[k + 1] * dims[k + 1];
    }
    // Outer axes (all but `t` and `l`) walked as an odometer.
    let outer: Vec<usize> = (0..l).filter(|&k| k != t).collect();
    let mut idx = vec![0usize; outer.len()];
    let dst = out.spare_capacity_mut().as_mut_ptr().cast::<T>();
    let src = v.as_ptr();
    let (st, sl, ct) = (strides[t], strides[l], cs[t]);
    let (nt, nl) = (dims[t], dims[l]);
    let size = std::mem::size_of::<T>();
    let simd = avx2 && (size == 8 || size == 4) && st == 1;
    let (tt, tl) = if simd { SIMD_TILE } else { (TILE, TILE) };
    loop {
        let mut so: isize = 0;
        let mut d0: usize = 0;
        for (&k, &i) in outer.iter().zip(&idx) {
            so += i as isize * strides[k];
            d0 += i * cs[k];
        }
        for it in (0..nt).step_by(tt) {
            for il in (0..nl).step_by(tl) {
                let (bt, bl) = ((nt - it).min(tt), (nl - il).min(tl));
                // SAFETY: `it + bt ≤ dims[t]`, `il + bl ≤ dims[l]` and every outer index is
                // below its axis' length, so each `so + i·st + j·sl` read (`i < it + bt`,
                // `j < il + bl`) is the offset (in elements) of an element of `v` from its
                // first element: inside the view, alive and not mutated while borrowed; each
                // `d0 + i·ct + j` written is one of the `n` C-order positions of the result,
                // inside the capacity reserved for them. `simd` only with 8- or 4-byte
                // elements (the kernel of that size), `st == 1` and AVX2 detected (`avx2` is
                // only set so).
                unsafe {
                    let s = src.offset(so + it as isize * st + il as isize * sl);
                    let d = dst.add(d0 + it * ct + il);
                    #[cfg(target_arch = "x86_64")]
                    if simd && size == 8 {
                        transpose_tile_avx2(s.cast::<f64>(), sl, d.cast::<f64>(), ct, bt, bl);
                        continue;
                    }
                    #[cfg(target_arch = "x86_64")]
                    if simd {
                        transpose_tile_avx2_4b(s.cast::<f32>(), sl, d.cast::<f32>(), ct, bt, bl);
                        continue;
                    }
                    copy_tile(s, st, sl, d, ct, bt, bl);
                }
            }
        }
        // Next outer index.
        let mut k = outer.len();
        loop {
            if k == 0 {
                // SAFETY: the loops above wrote every position `d0 + i·ct + j` for every outer
                // index, `i < dims[t]`, `j < dims[l]`: each of the `n` C-order positions of
                // the result exactly once, inside the capacity reserved for `n` elements.
                unsafe { out.set_len(n) };
                return Ok(out);
            }
            k -= 1;
            idx[k] += 1;
            if idx[k] < dims[outer[k]] {
                break;
            }
            idx[k] = 0;
        }
    }
}

/// `dst[i·ct + j] = src[i·st + j·sl]` for `i < nt`, `j < nl`, element by element.
///
/// # Safety
/// Every `src.offset(i·st + j·sl)` must be a readable element and every `dst.add(i·ct + j)`
/// writable, for `i < nt`, `j < nl`.
#[inline(always)]
pub(super) unsafe fn copy_tile<T: Copy>(
    src: *const T,
    st: isize,
    sl: isize,
    dst: *mut T,
    ct: usize,
    nt: usize,
    nl: usize,
) {
    for j in 0..nl {
        for i in 0..nt {
            // SAFETY: `i < nt`, `j < nl`: the caller's contract.
            unsafe {
                dst.add(i * ct + j)
                    .write(*src.offset(i as isize * st + j as isize * sl))
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, s};

    /// `as_matrix` builds exactly ndarray's own 2-D view (pointer, shape, strides), for every
    /// sign of stride, stepped and broadcast axes, length-1 and empty axes, and 1-D arrays.
    #[test]
    fn matrix_views_equal_ndarrays() {
        let a = ArrayD::from_shape_vec(IxDyn(&[4, 6]), (0..24).collect::<Vec<i32>>()).unwrap();
        let b = a.slice(s![0..1, ..]).to_owned().into_dyn();
        let views = [
            a.view(),
            a.slice(s![..;-1, ..]).into_dyn(),
            a.slice(s![.., ..;-2]).into_dyn(),
            a.slice(s![..;-3, ..;-1]).into_dyn(),
            a.t().into_dyn(),
            a.slice(s![1..2, ..;-1]).into_dyn(),
            a.slice(s![..;-1, 2..3]).into_dyn(),
            a.slice(s![2..2, ..;-1]).into_dyn(),
            a.slice(s![..;-1, 3..3]).into_dyn(),
            b.broadcast(IxDyn(&[3, 6])).unwrap(),
        ];
        for v in &views {
            let m = as_matrix(v, true).unwrap();
            let want = v.view().into_dimensionality::<Ix2>().unwrap();
            assert_eq!(m.shape(), want.shape());
            assert_eq!(m.strides(), want.strides());
            if !want.is_empty() {
                assert_eq!(m.as_ptr(), want.as_ptr());
            }
            assert_eq!(m, want);
            // The static path: the same view.
            let s = as_matrix(&want, false).unwrap();
            assert_eq!((s.as_ptr(), s.strides()), (want.as_ptr(), want.strides()));
        }
        let x = ArrayD::from_shape_vec(IxDyn(&[5]), (0..5).collect::<Vec<i32>>()).unwrap();
        for v in [
            x.view(),
            x.slice(s![..;-2]).into_dyn(),
            x.slice(s![3..3]).into_dyn(),
        ] {
            let one = v.view().into_dimensionality::<ndarray::Ix1>().unwrap();
            for (row, axis) in [(true, 0), (false, 1)] {
                let m = as_matrix(&v, row).unwrap();
                let want = one.insert_axis(Axis(axis));
                assert_eq!((m.shape(), m.strides()), (want.shape(), want.strides()));
                assert_eq!(m, want);
                if !want.is_empty() {
                    assert_eq!(m.as_ptr(), want.as_ptr());
                }
            }
        }
        let z = ArrayD::<i32>::zeros(IxDyn(&[2, 2, 2]));
        assert!(as_matrix(&z, true).is_none());
        assert!(as_matrix(&ArrayD::<i32>::zeros(IxDyn(&[])), true).is_none());
    }

    #[test]
    fn diagonals_of_strided_views() {
        let a = ArrayD::from_shape_vec(IxDyn(&[4, 3, 4]), (0..48).collect::<Vec<i64>>()).unwrap();
        let d = collapse_axes(&a.view(), &[vec![0, 2], vec![1]]);
        assert_eq!(d.shape(), &[4, 3]);
        for i in 0..4 {
            for j in 0..3 {
                assert_eq!(d[[i, j]], a[[i, j, i]]);
            }
        }
        let r = a.slice(s![..;-1, .., ..;-1]).into_dyn();
        let d = collapse_axes(&r, &[vec![1], vec![2, 0]]);
        for i in 0..4 {
            for j in 0..3 {
                assert_eq!(d[[j, i]], r[[i, j, i]]);
            }
        }
        let m = a.slice(s![..;2, .., 1..3]).into_dyn();
        let d = collapse_axes(&m, &[vec![0, 2], vec![1]]);
        assert_eq!(d[[1, 2]], m[[1, 2, 1]]);
        let z = ArrayD::<f64>::zeros(IxDyn(&[0, 0, 2]));
        assert_eq!(
            collapse_axes(&z.view(), &[vec![0, 1], vec![2]]).shape(),
            &[0, 2]
        );
    }

    /// Every permutation of small stepped, reversed and broadcast views copies to the C-order
    /// array ndarray builds (sizes that are and are not multiples of the tile).
    #[test]
    fn tiled_copies_match_the_standard_layout() {
        let a =
            ArrayD::from_shape_vec(IxDyn(&[3, 20, 18]), (0..1080).collect::<Vec<i64>>()).unwrap();
        let views = [
            a.view(),
            a.slice(s![.., ..;2, ..;-1]).into_dyn(),
            a.slice(s![..;-1, 1.., 3..17]).into_dyn(),
        ];
        let perms: [[usize; 3]; 6] = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        for v in &views {
            for p in perms {
                let w = v.clone().permuted_axes(IxDyn(&p));
                let got = tiled_copy(&w).unwrap();
                let want: Vec<i64> = w.iter().copied().collect();
                assert_eq!(got, want, "perm {p:?}");
            }
        }
        let row = ndarray::Array1::from_vec((0..5).collect::<Vec<i64>>());
        let bc = row.broadcast((4, 5)).unwrap().into_dyn().reversed_axes();
        assert_eq!(
            tiled_copy(&bc).unwrap(),
            bc.iter().copied().collect::<Vec<_>>()
        );
        let z = ArrayD::<i64>::zeros(IxDyn(&[3, 0, 2]));
        assert!(tiled_copy(&z.view().reversed_axes()).unwrap().is_empty());
        let one = ArrayD::from_elem(IxDyn(&[1, 1]), 7i64);
        assert_eq!(tiled_copy(&one.view()).unwrap(), vec![7]);
    }

    /// The in-register transposes (where the CPU has them) and the element-by-element copy
    /// give ndarray's C-order copy on every tile remainder: both plane sizes 1..=20 (1..=6
    /// under Miri), unit, reversed and stepped strides on either axis, an outer axis, 8-byte
    /// and 4-byte elements.
    #[test]
    fn transposing_tiles_match_on_every_remainder() {
        let max = if cfg!(miri) { 6 } else { 20 };
        let base = ArrayD::from_shape_vec(
            IxDyn(&[2, 2 * max, 2 * max]),
            (0..8 * max * max).map(|x| x as i64 * 7 - 3).collect(),
        )
        .unwrap();
        let narrow = base.mapv(|x| x as i32);
        let kernels = [false, has_avx2()];
        for nt in 1..=max as isize {
            for nl in 1..=max as isize {
                // (rows of the source plane, its columns): `l` walks rows, `t` columns.
                let slices = [
                    s![.., ..nl, ..nt],
                    s![.., ..nl;-1, ..nt],
                    s![.., ..2 * nl;2, ..nt],
                    s![.., 1..nl + 1;-1, 3..nt + 3],
                    s![.., ..nl, ..nt;-1],
                    s![.., ..nl;-1, ..2 * nt;2],
                    s![..;-1, ..nl, ..nt],
                ];
                for sl in slices {
                    let w = base.slice(sl).into_dyn().permuted_axes(IxDyn(&[0, 2, 1]));
                    let want: Vec<i64> = w.iter().copied().collect();
                    let w2 = narrow.slice(sl).into_dyn().permuted_axes(IxDyn(&[0, 2, 1]));
                    let want2: Vec<i32> = w2.iter().copied().collect();
                    for k in kernels {
                        assert_eq!(tiled_copy_with(&w, k).unwrap(), want, "{nt}x{nl} {sl:?}");
                        assert_eq!(tiled_copy_with(&w2, k).unwrap(), want2, "{nt}x{nl}");
                    }
                    // The plane as the outer axes, the batch axis innermost.
                    let w = base.slice(sl).into_dyn().permuted_axes(IxDyn(&[2, 1, 0]));
                    let want: Vec<i64> = w.iter().copied().collect();
                    for k in kernels {
                        assert_eq!(tiled_copy_with(&w, k).unwrap(), want, "{nt}x{nl} {sl:?}");
                    }
                }
            }
        }
    }
}
