//! Matrix inverse by LU factorization with partial pivoting, in Rust: LAPACK's `?getf2` (the
//! unblocked `?getrf`: at each column the row of the first largest `|x|` — `|re| + |im|` for
//! complex, as `i?amax` — is swapped up) followed by `?getrs` on the identity, which is what
//! `?gesv(A, I)` computes. Used by the pure-Rust backend (no `blas` feature) and as a reference
//! in tests. Matrices are column-major (LAPACK's convention).

// With the `blas` feature LAPACK inverts; this LU then serves the tests only.
#![cfg_attr(feature = "blas", allow(dead_code))]

use num_complex::Complex;
use std::ops::{Add, Div, Mul, Sub};

/// A type the LU kernels compute in (`f64`, `Complex<f64>`).
pub(crate) trait LuScalar:
    Copy + PartialEq + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// The pivoting magnitude: `|x|` (real), `|re| + |im|` (complex), as `i?amax` uses.
    fn abs1(self) -> f64;
}

impl LuScalar for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn abs1(self) -> f64 {
        self.abs()
    }
}

impl LuScalar for Complex<f64> {
    const ZERO: Self = Complex::new(0.0, 0.0);
    const ONE: Self = Complex::new(1.0, 0.0);
    fn abs1(self) -> f64 {
        self.re.abs() + self.im.abs()
    }
}

/// The inverse of the `n × n` column-major matrix `a` (overwritten by its LU factors), as a new
/// column-major matrix; `None` if a pivot is exactly zero (`?getrf`'s `info > 0`).
pub(crate) fn inverse<T: LuScalar>(n: usize, a: &mut [T]) -> Option<Vec<T>> {
    assert_eq!(a.len(), n * n, "a is n × n");
    let at = |i: usize, j: usize| i + j * n;
    let mut ipiv = vec![0usize; n];
    let mut singular = false;
    for j in 0..n {
        // i?amax: the first index of the largest magnitude (NaN never compares greater).
        let mut p = j;
        let mut best = a[at(j, j)].abs1();
        for i in j + 1..n {
            let v = a[at(i, j)].abs1();
            if v > best {
                best = v;
                p = i;
            }
        }
        ipiv[j] = p;
        if a[at(p, j)] == T::ZERO {
            singular = true;
            continue;
        }
        if p != j {
            for c in 0..n {
                a.swap(at(j, c), at(p, c));
            }
        }
        let pivot = a[at(j, j)];
        if pivot.abs1() >= f64::MIN_POSITIVE {
            // As `?getf2`: scale by the reciprocal (one rounding more than a division, which
            // is what LAPACK's factors — and so its "Singular matrix" verdicts — are made of).
            let r = T::ONE / pivot;
            for i in j + 1..n {
                a[at(i, j)] = a[at(i, j)] * r;
            }
        } else {
            for i in j + 1..n {
                a[at(i, j)] = a[at(i, j)] / pivot;
            }
        }
        for c in j + 1..n {
            let ujc = a[at(j, c)];
            if ujc == T::ZERO {
                continue;
            }
            for i in j + 1..n {
                a[at(i, c)] = a[at(i, c)] - a[at(i, j)] * ujc;
            }
        }
    }
    if singular {
        return None;
    }
    // ?getrs on B = I: apply the row interchanges, then L·Y = P·B (unit lower), U·X = Y.
    let mut b = vec![T::ZERO; n * n];
    for i in 0..n {
        b[at(i, i)] = T::ONE;
    }
    for (j, &p) in ipiv.iter().enumerate() {
        if p != j {
            for c in 0..n {
                b.swap(at(j, c), at(p, c));
            }
        }
    }
    for c in 0..n {
        let col = &mut b[c * n..(c + 1) * n];
        for k in 0..n {
            let x = col[k];
            if x != T::ZERO {
                for i in k + 1..n {
                    col[i] = col[i] - x * a[at(i, k)];
                }
            }
        }
        for k in (0..n).rev() {
            if col[k] != T::ZERO {
                col[k] = col[k] / a[at(k, k)];
                let x = col[k];
                for i in 0..k {
                    col[i] = col[i] - x * a[at(i, k)];
                }
            }
        }
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverts_with_pivoting() {
        // [[0, 1], [2, 3]] needs a row swap; inverse [[-1.5, 0.5], [1, 0]] (column-major below).
        let mut a = vec![0.0, 2.0, 1.0, 3.0];
        let inv = inverse(2, &mut a).unwrap();
        assert_eq!(inv, vec![-1.5, 1.0, 0.5, 0.0]);
    }

    #[test]
    fn exact_zero_pivot_is_singular() {
        let mut a = vec![1.0, 2.0, 2.0, 4.0];
        assert_eq!(inverse(2, &mut a), None);
        let mut z = vec![Complex::new(0.0, 0.0); 4];
        assert_eq!(inverse(2, &mut z), None);
        assert_eq!(inverse::<f64>(0, &mut []), Some(vec![]));
    }

    #[test]
    fn complex_inverse() {
        // [[i, 0], [0, 2]]⁻¹ = [[-i, 0], [0, 0.5]]
        let c = |re, im| Complex::new(re, im);
        let mut a = vec![c(0.0, 1.0), c(0.0, 0.0), c(0.0, 0.0), c(2.0, 0.0)];
        let inv = inverse(2, &mut a).unwrap();
        assert_eq!(
            inv,
            vec![c(0.0, -1.0), c(0.0, 0.0), c(0.0, 0.0), c(0.5, 0.0)]
        );
    }

    /// Rows equal in exact arithmetic but not after LAPACK's reciprocal scaling: LAPACK (and
    /// NumPy) invert to huge values instead of reporting a singular matrix; so does this LU.
    #[test]
    fn reciprocal_scaling_like_lapack() {
        let (x, y) = (-1.7724752209964554f64, 0.07916846585208703f64);
        // [[x, y], [x, y]] column-major.
        let mut a = vec![x, x, y, y];
        assert!(x * (1.0 / x) != 1.0);
        assert!(inverse(2, &mut a).is_some());
    }
}
