//! Dot products of many short vectors (`vecdot`, and `matvec` on small matrices): one call per
//! pair of lanes, no library call. Contiguous lanes are summed in 8 interleaved partial sums,
//! which the compiler turns into SIMD lanes (independent chains: no latency-bound add chain);
//! other lanes in order. `CONJ` conjugates the first vector (the identity for real types).

use ndarray::ArrayView1;

use super::conj::conj;
use crate::element::Element;

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
}
