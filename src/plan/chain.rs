//! The order of a matrix chain product, as `np.linalg.multi_dot` chooses it: pure functions of
//! the chain's dimensions.
//!
//! NumPy has two rules and npdot follows both exactly, so that every product is rounded the same
//! way:
//! * three matrices (`_multi_dot_three`): the costs of `(AB)C` and `A(BC)` compared in exact
//!   (Python) integers, `(AB)C` only when strictly cheaper;
//! * four or more (`_multi_dot_matrix_chain_order`): Cormen's dynamic program, with the costs
//!   held in a `float64` table — each split's cost is `m[i,k] + m[k+1,j]` plus the exact integer
//!   `p[i]·p[k+1]·p[j+1]` rounded to `float64`, and a split replaces the best so far only when
//!   strictly cheaper (the first of equal costs wins).

use std::cmp::Ordering;

/// An unsigned integer of 256 bits (four 64-bit limbs, least significant first): enough for the
/// product of three `usize` dimensions and for sums of such products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct U256([u64; 4]);

impl U256 {
    fn from_u64(x: u64) -> Self {
        U256([x, 0, 0, 0])
    }

    /// `self · x`; the callers' values stay below 2^256.
    fn mul_u64(self, x: u64) -> Self {
        let mut out = [0u64; 4];
        let mut carry: u128 = 0;
        for (o, &l) in out.iter_mut().zip(&self.0) {
            let t = u128::from(l) * u128::from(x) + carry;
            *o = t as u64;
            carry = t >> 64;
        }
        debug_assert_eq!(carry, 0, "chain costs stay below 2^256");
        U256(out)
    }

    fn add(self, other: Self) -> Self {
        let mut out = [0u64; 4];
        let mut carry = 0u64;
        for ((o, &x), &y) in out.iter_mut().zip(&self.0).zip(&other.0) {
            let (s1, c1) = x.overflowing_add(y);
            let (s2, c2) = s1.overflowing_add(carry);
            *o = s2;
            carry = u64::from(c1 || c2);
        }
        debug_assert_eq!(carry, 0, "chain costs stay below 2^256");
        U256(out)
    }

    /// The nearest `f64` (ties to even), as Python's `int` → `float` conversion rounds.
    fn to_f64(self) -> f64 {
        let Some(top) = (0..4).rev().find(|&i| self.0[i] != 0) else {
            return 0.0;
        };
        if top <= 1 {
            return (u128::from(self.0[1]) << 64 | u128::from(self.0[0])) as f64;
        }
        // Shift the value left so its highest set bit is bit 255; keep the top 64 bits, with
        // every lower bit folded into a sticky bit (bit 0 lies below the rounding position of
        // a 53-bit significand, so the u64 → f64 conversion still rounds correctly).
        let lz = self.0[top].leading_zeros() as usize + (3 - top) * 64;
        let shifted = self.shl(lz);
        let sticky = u64::from(shifted.0[0] != 0 || shifted.0[1] != 0 || shifted.0[2] != 0);
        let mantissa = (shifted.0[3] | sticky) as f64;
        // value = mantissa · 2^(192 - lz); exact power-of-two scaling.
        mantissa * 2f64.powi(192 - lz as i32)
    }

    fn shl(self, by: usize) -> Self {
        let (limbs, bits) = (by / 64, by % 64);
        let mut out = [0u64; 4];
        for i in (limbs..4).rev() {
            let src = i - limbs;
            out[i] = self.0[src] << bits;
            if bits > 0 && src > 0 {
                out[i] |= self.0[src - 1] >> (64 - bits);
            }
        }
        U256(out)
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

fn product3(a: usize, b: usize, c: usize) -> U256 {
    U256::from_u64(a as u64).mul_u64(b as u64).mul_u64(c as u64)
}

/// `a·b·c` as Python computes `float(a*b*c)`: the exact product rounded to the nearest `f64`
/// (ties to even). In `u64` when every factor is below 2^21 (the product is below 2^63), in
/// `u128` below 2^42 (below 2^126) — Rust's integer-to-float casts round to nearest, ties to
/// even, like Python — and in 256-bit arithmetic otherwise.
fn product3_f64(a: usize, b: usize, c: usize) -> f64 {
    let max = a.max(b).max(c) as u64;
    if max < 1 << 21 {
        (a as u64 * b as u64 * c as u64) as f64
    } else if max < 1 << 42 {
        (u128::from(a as u64) * u128::from(b as u64) * u128::from(c as u64)) as f64
    } else {
        product3(a, b, c).to_f64()
    }
}

/// `_multi_dot_three`: for `A (a0, a1)`, `B`, `C (c0, c1)` — NumPy reads `B`'s dimensions off
/// `A` and `C` — whether `(AB)C` is strictly cheaper than `A(BC)`.
pub(crate) fn three_left_first(a0: usize, a1: usize, c0: usize, c1: usize) -> bool {
    // cost1 = a0*b1c0*(a1b0+c1), cost2 = a1b0*c1*(a0+b1c0), in exact integers: u128 when
    // every dimension is below 2^40 (each cost is then below 2^41·2^80), else 256 bits.
    if [a0, a1, c0, c1].iter().all(|&d| (d as u64) < 1 << 40) {
        let w = |x: usize| u128::from(x as u64);
        return (w(a1) + w(c1)) * w(a0) * w(c0) < (w(a0) + w(c0)) * w(a1) * w(c1);
    }
    let sum = |x: usize, y: usize| U256::from_u64(x as u64).add(U256::from_u64(y as u64));
    let mul = |x: U256, y: usize, z: usize| x.mul_u64(y as u64).mul_u64(z as u64);
    let cost1 = mul(sum(a1, c1), a0, c0);
    let cost2 = mul(sum(a0, c0), a1, c1);
    cost1 < cost2
}

/// `_multi_dot_matrix_chain_order`: for matrices `i` of shape `(p[i], p[i+1])`, the split table
/// `s` (row-major `n × n`): the product of matrices `i..=j` is `(i..=s[i·n+j]) · (s[i·n+j]+1..=j)`.
/// Only the entries with `i < j` are meaningful.
pub(crate) fn chain_order(p: &[usize]) -> Vec<usize> {
    let n = p.len() - 1;
    let mut m = vec![0f64; n * n];
    let mut s = vec![0usize; n * n];
    for l in 1..n {
        for i in 0..n - l {
            let j = i + l;
            let mut best = f64::INFINITY;
            for k in i..j {
                let q = m[i * n + k] + m[(k + 1) * n + j] + product3_f64(p[i], p[k + 1], p[j + 1]);
                if q < best {
                    best = q;
                    s[i * n + j] = k;
                }
            }
            m[i * n + j] = best;
        }
    }
    s
}

/// How a chain of `n` matrices is multiplied: for each sub-chain `i..=j` (`i < j`), where NumPy
/// splits it. The product of `i..=j` is the product of `i..=k` times that of `k+1..=j`, left
/// operand evaluated first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chain {
    n: usize,
    split: Vec<usize>,
}

impl Chain {
    /// The order NumPy's `multi_dot` evaluates for matrices of shapes `shapes[i] = (rows, cols)`
    /// (at least three of them).
    pub(crate) fn for_shapes(shapes: &[(usize, usize)]) -> Chain {
        let n = shapes.len();
        debug_assert!(n >= 3);
        if n == 3 {
            let (a0, a1) = shapes[0];
            let (c0, c1) = shapes[2];
            let mut split = vec![0usize; 9];
            split[1] = 0; // (0, 1)
            split[5] = 1; // (1, 2)
            split[2] = usize::from(three_left_first(a0, a1, c0, c1)); // (0, 2)
            return Chain { n, split };
        }
        let mut p: Vec<usize> = shapes.iter().map(|s| s.0).collect();
        p.push(shapes[n - 1].1);
        Chain {
            n,
            split: chain_order(&p),
        }
    }

    /// Where the product of matrices `i..=j` (`i < j`) is split.
    pub(crate) fn split(&self, i: usize, j: usize) -> usize {
        debug_assert!(i < j && j < self.n);
        self.split[i * self.n + j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(c: &Chain) -> String {
        fn sub(c: &Chain, i: usize, j: usize) -> String {
            if i == j {
                return format!("{i}");
            }
            let k = c.split(i, j);
            format!("({}{})", sub(c, i, k), sub(c, k + 1, j))
        }
        sub(c, 0, c.n - 1)
    }

    /// The narrow fast paths agree with the 256-bit arithmetic at and around their limits.
    #[test]
    fn narrow_costs_equal_wide_ones() {
        let edges = [
            0usize,
            1,
            3,
            (1 << 21) - 1,
            1 << 21,
            (1 << 21) + 1,
            (1 << 40) - 1,
            1 << 40,
            (1 << 42) - 1,
            1 << 42,
            (1 << 53) + 1,
            usize::MAX,
        ];
        for &a in &edges {
            for &b in &edges {
                for &c in &edges {
                    assert_eq!(product3_f64(a, b, c), product3(a, b, c).to_f64());
                    let sum =
                        |x: usize, y: usize| U256::from_u64(x as u64).add(U256::from_u64(y as u64));
                    let wide = sum(b, c).mul_u64(a as u64).mul_u64(c as u64)
                        < sum(a, c).mul_u64(b as u64).mul_u64(c as u64);
                    assert_eq!(three_left_first(a, b, c, c), wide, "{a} {b} {c}");
                }
            }
        }
        // Rounding of a u64 product that is not exact in f64: ties to even.
        let (a, b, c) = ((1 << 20) + 1, (1 << 20) + 1, (1 << 20) - 1);
        assert_eq!(product3_f64(a, b, c), product3(a, b, c).to_f64());
    }

    #[test]
    fn u256_to_f64_rounds_like_python() {
        assert_eq!(U256::from_u64(0).to_f64(), 0.0);
        assert_eq!(
            U256::from_u64(u64::MAX).to_f64(),
            18446744073709551615u64 as f64
        );
        // float(2**62 * 2**62 * 3) == 6.380294379767596e+37 (exact: a power of two times 3)
        assert_eq!(product3(1 << 62, 1 << 62, 3).to_f64(), 6.380294379767596e37);
        // float((2**64-1)**3) == 6.277101735386681e+57 (Python)
        assert_eq!(
            product3(usize::MAX, usize::MAX, usize::MAX).to_f64(),
            6.277101735386681e57
        );
        // float((2**60+1) * 2**60 * 2**60): the +1 is below half an ulp: rounds down to 2**180.
        assert_eq!(
            product3((1 << 60) + 1, 1 << 60, 1 << 60).to_f64(),
            2f64.powi(180)
        );
        // Halfway cases: 2**53+1 (ties to even -> 2**53), 2**53+3 (ties to even -> 2**53+4),
        // scaled by 2**128.
        assert_eq!(
            product3((1 << 53) + 1, 1 << 63, 1 << 63).to_f64(),
            2f64.powi(53 + 126)
        );
        assert_eq!(
            product3((1 << 53) + 3, 1 << 63, 1 << 62).to_f64(),
            ((1u64 << 53) + 4) as f64 * 2f64.powi(125)
        );
        // A sticky bit far below decides a would-be tie upwards: (2**53+1)*2**130 + 1.
        let v = product3((1 << 53) + 1, 1 << 63, 1 << 63).add(U256::from_u64(1));
        assert_eq!(v.to_f64(), ((1u64 << 53) + 2) as f64 * 2f64.powi(126));
    }

    #[test]
    fn u256_orders_and_adds() {
        let a = product3(1 << 63, 1 << 63, 4);
        let b = product3(1 << 63, 1 << 63, 3);
        assert!(b < a);
        assert_eq!(b.add(product3(1 << 63, 1 << 63, 1)), a);
    }

    #[test]
    fn three_matrices_follow_numpy() {
        // cost((AB)C) = 10*100*5 + 10*5*50 = 7500 < cost(A(BC)) = 75000 (NumPy's docstring).
        assert!(three_left_first(10, 100, 5, 50));
        assert!(!three_left_first(50, 5, 100, 10));
        // Ties go to A(BC).
        assert!(!three_left_first(2, 2, 2, 2));
        // Huge (zero-size) dimensions compare exactly.
        assert!(three_left_first(0, usize::MAX, usize::MAX, usize::MAX));
        assert!(!three_left_first(usize::MAX, usize::MAX, usize::MAX, 0));
    }

    #[test]
    fn chain_orders_match_numpy() {
        // Expected values from numpy.linalg._linalg._multi_dot_matrix_chain_order (NumPy 2.4).
        let shapes =
            |p: &[usize]| -> Vec<(usize, usize)> { p.windows(2).map(|w| (w[0], w[1])).collect() };
        // TestMultiDot.test_dynamic_programming_logic: p = [10, 100, 5, 50, 1]
        let c = Chain::for_shapes(&shapes(&[10, 100, 5, 50, 1]));
        assert_eq!(render(&c), "(0(1(23)))");
        // Cormen's example, 6 matrices: ((A1(A2A3))((A4A5)A6))
        let c = Chain::for_shapes(&shapes(&[30, 35, 15, 5, 10, 20, 25]));
        assert_eq!(render(&c), "((0(12))((34)5))");
        // All equal: the first split wins at every level: A(B(CD)).
        let c = Chain::for_shapes(&shapes(&[2, 2, 2, 2, 2]));
        assert_eq!(render(&c), "(0(1(23)))");
        let s = chain_order(&[2, 2, 2, 2, 2]);
        assert_eq!(s[3], 0);
        // Three matrices: NumPy's separate rule.
        assert_eq!(
            render(&Chain::for_shapes(&shapes(&[10, 100, 5, 50]))),
            "((01)2)"
        );
        assert_eq!(
            render(&Chain::for_shapes(&shapes(&[2, 2, 2, 2]))),
            "(0(12))"
        );
    }
}
