//! Dot products of many short vectors (`vecdot`, and `matvec` on small matrices): one call per
//! pair of lanes, no library call. Contiguous lanes are summed in 8 interleaved partial sums,
//! which the compiler turns into SIMD lanes (independent chains: no latency-bound add chain);
//! other lanes in order. `CONJ` conjugates the first vector (the identity for real types).
//!
//! Also the per-item kernels of stacks of small matrix–vector products ([`matvec_items`],
//! [`vecmat_items`]): one call for the whole stack, four rows (or sixteen columns) per step, and
//! on x86-64 a copy compiled for AVX2 (AVX-512 where present) picked once per call.

use ndarray::ArrayView1;

use super::conj::conj;
use crate::element::Element;

#[cfg(target_arch = "x86_64")]
mod simd;

/// Number of interleaved partial sums.
const LANES: usize = 8;

/// `Σ x[i]·y[i]` (`Σ conj(x[i])·y[i]` with `CONJ`), NumPy's arithmetic for `T`.
#[inline]
pub(crate) fn dot_lane<T: Element, const CONJ: bool>(
    x: ArrayView1<'_, T>,
    y: ArrayView1<'_, T>,
) -> T {
    debug_assert_eq!(x.len(), y.len());
    match (x.as_slice(), y.as_slice()) {
        (Some(xs), Some(ys)) => dot_slices::<T, CONJ>(xs, ys),
        _ => {
            let cj = |v: T| if CONJ { conj(v) } else { v };
            x.iter()
                .zip(y)
                .fold(T::zero(), |acc, (&a, &b)| acc.np_add(cj(a).np_mul(b)))
        }
    }
}

/// [`dot_lane`] on two slices of equal length.
#[inline]
pub(crate) fn dot_slices<T: Element, const CONJ: bool>(x: &[T], y: &[T]) -> T {
    let cj = |v: T| if CONJ { conj(v) } else { v };
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    if n < LANES {
        return x
            .iter()
            .zip(y)
            .fold(T::zero(), |acc, (&a, &b)| acc.np_add(cj(a).np_mul(b)));
    }
    let mut acc = [T::zero(); LANES];
    let (xc, yc) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (xs, ys) in xc.zip(yc) {
        for l in 0..LANES {
            acc[l] = acc[l].np_add(cj(xs[l]).np_mul(ys[l]));
        }
    }
    // Pairwise combination of the partial sums, then the tail in order.
    let s4 = [
        acc[0].np_add(acc[4]),
        acc[1].np_add(acc[5]),
        acc[2].np_add(acc[6]),
        acc[3].np_add(acc[7]),
    ];
    let mut s = s4[0].np_add(s4[2]).np_add(s4[1].np_add(s4[3]));
    for (&a, &b) in xr.iter().zip(yr) {
        s = s.np_add(cj(a).np_mul(b));
    }
    s
}

/// One stack of small products: item `t` reads `a[t·sa ..]` and `x[t·sx ..]` and writes
/// `y[t·m .. (t + 1)·m]`.
#[derive(Clone, Copy)]
pub(crate) struct Stack<'s, T> {
    /// The matrices (row stride `ld`, unit column stride), item stride `sa`.
    pub(crate) a: &'s [T],
    /// Item stride of `a` (0: one matrix for every item).
    pub(crate) sa: usize,
    /// Row stride of each matrix.
    pub(crate) ld: usize,
    /// The vectors (unit stride), item stride `sx`.
    pub(crate) x: &'s [T],
    /// Item stride of `x` (0: one vector for every item).
    pub(crate) sx: usize,
}

/// `matvec` over a stack: `y[t·m + r] = Σ_j a_t[r, j]·x_t[j]` for `r < m`, `j < n`, every item
/// `t < y.len() / m` (`a_t` is `m × n`, `x_t` has `n` elements). Panics (slice bounds) if the
/// stack does not hold the items `y` asks for.
pub(crate) fn matvec_items<T: Element>(s: Stack<'_, T>, m: usize, n: usize, y: &mut [T]) {
    if m == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if super::cpu::has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above), all the wrapper requires.
        unsafe { matvec_items_avx2(s, m, n, y) };
        return;
    }
    matvec_items_any(s, m, n, y);
}

/// [`matvec_items`] compiled for AVX2 (or AVX-512, where present); `f64` rows of a multiple
/// of 8 elements by the intrinsics kernels of [`simd`].
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn matvec_items_avx2<T: Element>(s: Stack<'_, T>, m: usize, n: usize, y: &mut [T]) {
    if let Some((s, y)) = as_f64(s, y).filter(|_| n >= LANES && n.is_multiple_of(LANES)) {
        #[cfg(npdot_mm_avx512)]
        if m >= LANES && super::cpu::has_avx512() {
            // SAFETY: AVX-512 F, DQ, BW, VL, AVX2 and FMA were detected; `n % 8 == 0`, `n ≥ 8`,
            // `m ≥ 8`.
            return unsafe { simd::matvec_f64_avx512(s, m, n, y) };
        }
        // SAFETY: AVX2 and FMA (this function's contract); `n % 8 == 0`, `n ≥ 8`, `m ≥ 1`
        // (`matvec_items` returns early on `m == 0`).
        return unsafe { simd::matvec_f64_avx2(s, m, n, y) };
    }
    if super::cpu::has_avx512() {
        // SAFETY: AVX-512 F, DQ, BW, VL (and AVX2, FMA) were detected just above.
        return unsafe { matvec_items_avx512(s, m, n, y) };
    }
    matvec_items_any(s, m, n, y);
}

/// [`matvec_items`] compiled for AVX-512.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn matvec_items_avx512<T: Element>(s: Stack<'_, T>, m: usize, n: usize, y: &mut [T]) {
    matvec_items_any(s, m, n, y);
}

/// `s` and `y` as `f64` stack and result when `T` is `f64`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn as_f64<'s, 'y, T: Element>(
    s: Stack<'s, T>,
    y: &'y mut [T],
) -> Option<(Stack<'s, f64>, &'y mut [f64])> {
    if std::any::TypeId::of::<T>() != std::any::TypeId::of::<f64>() {
        return None;
    }
    let cast = |v: &'s [T]| {
        // SAFETY: `T` is `f64` (same `TypeId`): the same slice with its own type.
        unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<f64>(), v.len()) }
    };
    let (a, x) = (cast(s.a), cast(s.x));
    // SAFETY: as above, for the exclusively borrowed `y` (moved into the result).
    let y = unsafe { std::slice::from_raw_parts_mut(y.as_mut_ptr().cast::<f64>(), y.len()) };
    Some((
        Stack {
            a,
            sa: s.sa,
            ld: s.ld,
            x,
            sx: s.sx,
        },
        y,
    ))
}

#[inline(always)]
fn matvec_items_any<T: Element>(s: Stack<'_, T>, m: usize, n: usize, y: &mut [T]) {
    for (t, y_t) in y.chunks_exact_mut(m).enumerate() {
        let x = &s.x[t * s.sx..][..n];
        let a = &s.a[t * s.sa..];
        let mut rows = y_t.chunks_exact_mut(4);
        let mut r = 0;
        for y4 in &mut rows {
            let row = |q: usize| &a[(r + q) * s.ld..][..n];
            let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
            let mut acc = [[T::zero(); LANES]; 4];
            let chunks = x
                .chunks_exact(LANES)
                .zip(r0.chunks_exact(LANES))
                .zip(r1.chunks_exact(LANES))
                .zip(r2.chunks_exact(LANES).zip(r3.chunks_exact(LANES)));
            for (((xs, c0), c1), (c2, c3)) in chunks {
                for l in 0..LANES {
                    acc[0][l] = acc[0][l].np_add(c0[l].np_mul(xs[l]));
                    acc[1][l] = acc[1][l].np_add(c1[l].np_mul(xs[l]));
                    acc[2][l] = acc[2][l].np_add(c2[l].np_mul(xs[l]));
                    acc[3][l] = acc[3][l].np_add(c3[l].np_mul(xs[l]));
                }
            }
            let tail = n - n % LANES;
            for (q, (o, rq)) in y4.iter_mut().zip([r0, r1, r2, r3]).enumerate() {
                let mut v = reduce(&acc[q]);
                for (&p, &xv) in rq[tail..].iter().zip(&x[tail..]) {
                    v = v.np_add(p.np_mul(xv));
                }
                *o = v;
            }
            r += 4;
        }
        for o in rows.into_remainder() {
            *o = dot_slices::<T, false>(&a[r * s.ld..][..n], x);
            r += 1;
        }
    }
}

/// The pairwise sum of the partial sums (the order [`dot_slices`] uses).
#[inline(always)]
fn reduce<T: Element>(acc: &[T; LANES]) -> T {
    let s4 = [
        acc[0].np_add(acc[4]),
        acc[1].np_add(acc[5]),
        acc[2].np_add(acc[6]),
        acc[3].np_add(acc[7]),
    ];
    s4[0].np_add(s4[2]).np_add(s4[1].np_add(s4[3]))
}

/// Columns per step of [`vecmat_items`].
const COLS: usize = 16;

/// `vecmat` over a stack: `y[t·m + j] = Σ_i x̄_t[i]·a_t[i, j]` for `j < m`, `i < n`, every item
/// `t < y.len() / m` (`a_t` is `n × m`, `x_t` has `n` elements; `x̄` = `x` unless `CONJ`), the
/// rows of `a_t` added in order. Panics (slice bounds) if the stack does not hold the items `y`
/// asks for.
pub(crate) fn vecmat_items<T: Element, const CONJ: bool>(
    s: Stack<'_, T>,
    n: usize,
    m: usize,
    y: &mut [T],
) {
    if m == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if super::cpu::has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above), all the wrapper requires.
        unsafe { vecmat_items_avx2::<T, CONJ>(s, n, m, y) };
        return;
    }
    vecmat_items_any::<T, CONJ>(s, n, m, y);
}

/// [`vecmat_items`] compiled for AVX2 (or AVX-512, where present); real `f64` results of a
/// multiple of 4 (8) columns by the intrinsics kernels of [`simd`].
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn vecmat_items_avx2<T: Element, const CONJ: bool>(
    s: Stack<'_, T>,
    n: usize,
    m: usize,
    y: &mut [T],
) {
    // (`f64` is real: conjugation is the identity.)
    if let Some((s, y)) = as_f64(s, y).filter(|_| n >= 1 && m.is_multiple_of(4)) {
        #[cfg(npdot_mm_avx512)]
        if m.is_multiple_of(8) && super::cpu::has_avx512() {
            // SAFETY: AVX-512 F, DQ, BW, VL, AVX2 and FMA were detected; `m % 8 == 0`, `m ≥ 8`
            // (`vecmat_items` returns early on `m == 0`), `n ≥ 1`.
            return unsafe { simd::vecmat_f64_avx512(s, n, m, y) };
        }
        // SAFETY: AVX2 and FMA (this function's contract); `m % 4 == 0`, `m ≥ 4`, `n ≥ 1`.
        return unsafe { simd::vecmat_f64_avx2(s, n, m, y) };
    }
    if super::cpu::has_avx512() {
        // SAFETY: AVX-512 F, DQ, BW, VL (and AVX2, FMA) were detected just above.
        return unsafe { vecmat_items_avx512::<T, CONJ>(s, n, m, y) };
    }
    vecmat_items_any::<T, CONJ>(s, n, m, y);
}

/// [`vecmat_items`] compiled for AVX-512.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn vecmat_items_avx512<T: Element, const CONJ: bool>(
    s: Stack<'_, T>,
    n: usize,
    m: usize,
    y: &mut [T],
) {
    vecmat_items_any::<T, CONJ>(s, n, m, y);
}

#[inline(always)]
fn vecmat_items_any<T: Element, const CONJ: bool>(
    s: Stack<'_, T>,
    n: usize,
    m: usize,
    y: &mut [T],
) {
    let cj = |v: T| if CONJ { conj(v) } else { v };
    for (t, y_t) in y.chunks_exact_mut(m).enumerate() {
        let x = &s.x[t * s.sx..][..n];
        let a = &s.a[t * s.sa..];
        let mut j = 0;
        let mut cols = y_t.chunks_exact_mut(COLS);
        for y16 in &mut cols {
            let mut acc = [T::zero(); COLS];
            for (i, &xi) in x.iter().enumerate() {
                let xi = cj(xi);
                let row = &a[i * s.ld + j..][..COLS];
                for l in 0..COLS {
                    acc[l] = acc[l].np_add(xi.np_mul(row[l]));
                }
            }
            y16.copy_from_slice(&acc);
            j += COLS;
        }
        let rest = cols.into_remainder();
        if !rest.is_empty() {
            rest.fill(T::zero());
            let w = rest.len();
            for (i, &xi) in x.iter().enumerate() {
                let xi = cj(xi);
                let row = &a[i * s.ld + j..][..w];
                for (o, &v) in rest.iter_mut().zip(row) {
                    *o = o.np_add(xi.np_mul(v));
                }
            }
        }
    }
}

/// `y[j] = Σ_i x̄[i]·b[i, j]` (`x̄` = `x` unless `CONJ`) for any strides: row updates when the
/// rows of `b` and `y` are contiguous, else one dot product per column.
pub(crate) fn vecmat_view<T: Element, const CONJ: bool>(
    x: ArrayView1<'_, T>,
    b: ndarray::ArrayView2<'_, T>,
    mut y: ndarray::ArrayViewMut1<'_, T>,
) {
    let cj = |v: T| if CONJ { conj(v) } else { v };
    if let Some(ys) = y.as_slice_mut()
        && (b.ncols() <= 1 || b.strides()[1] == 1)
    {
        ys.fill(T::zero());
        for (&xi, row) in x.iter().zip(b.rows()) {
            let xi = cj(xi);
            let rs = row.to_slice().expect("unit column stride");
            for (o, &v) in ys.iter_mut().zip(rs) {
                *o = o.np_add(xi.np_mul(v));
            }
        }
        return;
    }
    for (o, col) in y.iter_mut().zip(b.columns()) {
        *o = dot_lane::<T, CONJ>(x, col);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, s};
    use num_complex::Complex;

    #[test]
    fn matches_the_naive_sum() {
        for n in [0usize, 1, 7, 8, 9, 16, 17, 100] {
            let x = Array1::from_shape_fn(n, |i| (i as i64 * 7 % 11) - 5);
            let y = Array1::from_shape_fn(n, |i| (i as i64 * 3 % 13) - 6);
            let want: i64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
            assert_eq!(dot_lane::<_, false>(x.view(), y.view()), want);
            let xs = x.slice(s![..;-1]);
            let ys = y.slice(s![..;-1]);
            assert_eq!(dot_lane::<_, true>(xs, ys), want);
            let xf = x.mapv(|v| v as f64);
            let yf = y.mapv(|v| v as f64);
            assert_eq!(dot_lane::<_, false>(xf.view(), yf.view()), want as f64);
        }
        let x = Array1::from_shape_fn(19, |i| Complex::new(i as f64, 1.0 - i as f64));
        let y = Array1::from_shape_fn(19, |i| Complex::new(2.0, i as f64 % 3.0));
        let want = x
            .iter()
            .zip(&y)
            .fold(Complex::new(0.0, 0.0), |s, (a, b)| s + a.conj() * b);
        assert_eq!(dot_lane::<_, true>(x.view(), y.view()), want);
        let plain = x
            .iter()
            .zip(&y)
            .fold(Complex::new(0.0, 0.0), |s, (a, b)| s + a * b);
        assert_eq!(dot_lane::<_, false>(x.view(), y.view()), plain);
        let b = Array1::from_shape_fn(20, |i| i % 3 == 0);
        let c = Array1::from_shape_fn(20, |i| i == 9);
        assert!(dot_lane::<_, false>(b.view(), c.view()));
        assert!(!dot_lane::<_, false>(
            b.view(),
            Array1::from_elem(20, false).view()
        ));
        let w = Array1::from_elem(10, 100i8);
        assert_eq!(
            dot_lane::<_, false>(w.view(), Array1::from_elem(10, 3i8).view()),
            100i8.wrapping_mul(30)
        );
    }

    /// The stack kernels against textbook loops: rows in fours and a remainder, sixteen
    /// columns and a remainder, padded rows (`ld > n`), a shared matrix or vector (stride 0),
    /// conjugation; small enough for Miri.
    #[test]
    fn stack_kernels_match_loops() {
        for (m, n, ld) in [
            (1usize, 1usize, 1usize),
            (5, 9, 11),
            (4, 16, 16),
            (7, 3, 3),
            (17, 2, 5),
        ] {
            for shared in [false, true] {
                let count = 3;
                let sa = if shared { 0 } else { m * ld };
                let a: Vec<i64> = (0..(count * m * ld).max(m * ld))
                    .map(|i| (i as i64 * 5 % 13) - 6)
                    .collect();
                let x: Vec<i64> = (0..count * n).map(|i| (i as i64 * 3 % 7) - 3).collect();
                let s = Stack {
                    a: &a,
                    sa,
                    ld,
                    x: &x,
                    sx: n,
                };
                let mut y = vec![0i64; count * m];
                matvec_items(s, m, n, &mut y);
                for t in 0..count {
                    for r in 0..m {
                        let want: i64 = (0..n).map(|j| a[t * sa + r * ld + j] * x[t * n + j]).sum();
                        assert_eq!(y[t * m + r], want, "matvec m={m} n={n} t={t} r={r}");
                    }
                }
                // vecmat: the same buffers as `count` matrices of `m` rows and `n` columns.
                let xs: Vec<i64> = (0..m).map(|i| i as i64 - 2).collect();
                let s = Stack {
                    a: &a,
                    sa,
                    ld,
                    x: &xs,
                    sx: 0,
                };
                let mut z = vec![0i64; count * n];
                vecmat_items::<i64, true>(s, m, n, &mut z);
                for t in 0..count {
                    for j in 0..n {
                        let want: i64 = (0..m).map(|i| xs[i] * a[t * sa + i * ld + j]).sum();
                        assert_eq!(z[t * n + j], want, "vecmat m={m} n={n} t={t} j={j}");
                    }
                }
            }
        }
        // f64 rows of 8, 16 and 24 columns (the AVX-512 kernel where the CPU has it; rows in
        // eights and a remainder) give exactly the generic kernel's sums, signed zeros too.
        for (m, n, ld) in [
            (8usize, 8usize, 8usize),
            (13, 16, 16),
            (16, 24, 27),
            (3, 16, 16),
        ] {
            let count = 2;
            let a: Vec<f64> = (0..count * m * ld)
                .map(|i| match i % 7 {
                    0 => -0.0,
                    k => (i as f64 * 0.37).sin() * k as f64 * 1e3f64.powi((i % 3) as i32),
                })
                .collect();
            let x: Vec<f64> = (0..count * n).map(|i| (i as f64 * 1.3).cos()).collect();
            let s = Stack {
                a: &a,
                sa: m * ld,
                ld,
                x: &x,
                sx: n,
            };
            let mut got = vec![1.0; count * m];
            matvec_items(s, m, n, &mut got);
            let mut want = vec![2.0; count * m];
            matvec_items_any(s, m, n, &mut want);
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "m={m} n={n}");
            // A row of zeros and negative zeros sums to +0.0 in both.
            let z = vec![-0.0f64; m * ld];
            let s = Stack {
                a: &z,
                sa: 0,
                ld,
                x: &x,
                sx: 0,
            };
            let mut got = vec![1.0; m];
            matvec_items(s, m, n, &mut got);
            assert!(got.iter().all(|v| v.to_bits() == 0), "{got:?}");
        }
        // Complex: vecmat conjugates the vector, matvec does not; vecmat_view agrees.
        let a = ndarray::Array2::from_shape_fn((3, 18), |(i, j)| {
            Complex::new(i as f64 - 1.0, (j % 4) as f64)
        });
        let x = Array1::from_shape_fn(3, |i| Complex::new(1.0, i as f64 - 1.0));
        let want: Vec<Complex<f64>> = (0..18)
            .map(|j| (0..3).map(|i| x[i].conj() * a[[i, j]]).sum())
            .collect();
        let s = Stack {
            a: a.as_slice().unwrap(),
            sa: 0,
            ld: 18,
            x: x.as_slice().unwrap(),
            sx: 0,
        };
        let mut y = vec![Complex::new(0.0, 0.0); 18];
        vecmat_items::<_, true>(s, 3, 18, &mut y);
        assert_eq!(y, want);
        let mut v = Array1::from_elem(18, Complex::new(5.0, 5.0));
        vecmat_view::<_, true>(x.view(), a.view(), v.view_mut());
        assert_eq!(v.to_vec(), want);
        let at = a.t().to_owned();
        let mut v = Array1::from_elem(18, Complex::new(5.0, 5.0));
        vecmat_view::<_, true>(x.view(), at.t(), v.slice_mut(s![..;-1]));
        assert_eq!(v.iter().rev().copied().collect::<Vec<_>>(), want);
        let xv = Array1::from_shape_fn(18, |j| Complex::new(j as f64, 1.0));
        let mut mv = vec![Complex::new(0.0, 0.0); 3];
        let s = Stack {
            a: a.as_slice().unwrap(),
            sa: 0,
            ld: 18,
            x: xv.as_slice().unwrap(),
            sx: 0,
        };
        matvec_items(s, 3, 18, &mut mv);
        for (r, &got) in mv.iter().enumerate() {
            let w: Complex<f64> = (0..18).map(|j| a[[r, j]] * xv[j]).sum();
            assert_eq!(got, w);
        }
    }
}
