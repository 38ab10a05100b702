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

/// Whether every dimension of the chain is below 2^21: every product of three of them is below
/// 2^63, exact in `i64` (one multiplication and one conversion per cost; see `product3_f64`).
fn narrow(p: &[usize]) -> bool {
    p.iter().all(|&d| d < 1 << 21)
}

/// `float(a*b*c)` for dimensions below 2^21 (see [`narrow`]): exact in `i64`, rounded once.
#[inline(always)]
fn narrow_cost(a: usize, b: usize, c: usize) -> f64 {
    (a as i64 * b as i64 * c as i64) as f64
}

/// `_multi_dot_matrix_chain_order` for the matrices of dimensions `p` (matrix `i` is
/// `(p[i], p[i+1])`, `n = p.len() - 1` of them): Cormen's dynamic program with NumPy's float64
/// costs, `cost(a, b, c)` being `float(a*b*c)`, and `m` (zeros, row-major with rows of `w ≥ n`
/// entries) as the cost table. Calls `split(i·w + j, k)` for every sub-chain `i..=j` (`i < j`),
/// whose product is `(i..=k) · (k+1..=j)`.
#[inline(always)]
fn chain_dp(
    p: &[usize],
    m: &mut [f64],
    w: usize,
    mut split: impl FnMut(usize, usize),
    cost: impl Fn(usize, usize, usize) -> f64,
) {
    let n = p.len() - 1;
    assert!(n <= w && m.len() >= n * w);
    for l in 1..n {
        for i in 0..n - l {
            let j = i + l;
            let mut best = f64::INFINITY;
            let mut best_k = i;
            for k in i..j {
                let q = m[i * w + k] + m[(k + 1) * w + j] + cost(p[i], p[k + 1], p[j + 1]);
                if q < best {
                    best = q;
                    best_k = k;
                }
            }
            split(i * w + j, best_k);
            m[i * w + j] = best;
        }
    }
}

/// The split table `s` (zeros, rows of `INLINE` entries) of a chain of `N` matrices
/// (`4 ≤ N ≤ INLINE`, `p` holding their `N + 1` dimensions, all [`narrow`]). One instance per
/// chain length: the tables' dimensions are constants, so the program unrolls into
/// straight-line code without bounds checks; its cost table stays on the stack. Out of line, so
/// that the caller keeps `s` in memory (in line, the unrolled stores turn it into dozens of
/// registers, each stored back one by one).
#[inline(never)]
fn narrow_order<const N: usize>(p: &[usize], s: &mut [u8; INLINE * INLINE]) {
    const { assert!(N <= INLINE) };
    let mut m = [0f64; INLINE * INLINE];
    // k < N ≤ INLINE: fits in u8.
    chain_dp(
        &p[..=N],
        &mut m,
        INLINE,
        |at, k| s[at] = k as u8,
        narrow_cost,
    );
}

/// Chains of up to this many matrices keep their tables on the stack: no allocation per call.
pub(crate) const INLINE: usize = 8;

/// A table of `len` entries of a chain: on the stack up to `N` of them, else on the heap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Table<T, const N: usize> {
    /// The first `len` entries of the array.
    Inline(usize, [T; N]),
    /// More than `N` entries.
    Heap(Vec<T>),
}

impl<T: Copy, const N: usize> Table<T, N> {
    /// `len` copies of `x`.
    pub(crate) fn filled(len: usize, x: T) -> Self {
        if len <= N {
            Table::Inline(len, [x; N])
        } else {
            Table::Heap(vec![x; len])
        }
    }
}

impl<T, const N: usize> std::ops::Deref for Table<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Table::Inline(len, a) => &a[..*len],
            Table::Heap(v) => v,
        }
    }
}

impl<T, const N: usize> std::ops::DerefMut for Table<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Table::Inline(len, a) => &mut a[..*len],
            Table::Heap(v) => v,
        }
    }
}

/// The split table of a chain: row-major, only the entries `(i, j)` with `i < j < n` used.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Splits {
    /// `n ≤ INLINE` (every split below 8): rows of `INLINE` entries.
    Inline([u8; INLINE * INLINE]),
    /// Longer chains.
    Heap(Vec<usize>),
}

/// How a chain of `n` matrices is multiplied: for each sub-chain `i..=j` (`i < j`), where NumPy
/// splits it. The product of `i..=j` is the product of `i..=k` times that of `k+1..=j`, left
/// operand evaluated first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chain {
    n: usize,
    split: Splits,
}

impl Chain {
    /// The order NumPy's `multi_dot` evaluates for matrices of shapes `shapes[i] = (rows, cols)`
    /// (at least three of them). No allocation for up to [`INLINE`] matrices.
    pub(crate) fn for_shapes(shapes: &[(usize, usize)]) -> Chain {
        let n = shapes.len();
        debug_assert!(n >= 3);
        if n == 3 {
            let (a0, a1) = shapes[0];
            let (c0, c1) = shapes[2];
            let mut split = [0u8; INLINE * INLINE];
            split[1] = 0; // (0, 1)
            split[INLINE + 2] = 1; // (1, 2)
            split[2] = u8::from(three_left_first(a0, a1, c0, c1)); // (0, 2)
            return Chain {
                n,
                split: Splits::Inline(split),
            };
        }
        // NumPy's p: matrix i is (p[i], p[i+1]).
        let dims = |p: &mut [usize]| {
            for (d, &(rows, _)) in p.iter_mut().zip(shapes) {
                *d = rows;
            }
            p[n] = shapes[n - 1].1;
        };
        let split = if n <= INLINE {
            let mut p = [0usize; INLINE + 1];
            dims(&mut p[..=n]);
            let p = &p[..=n];
            let mut s = [0u8; INLINE * INLINE];
            match n {
                4 if narrow(p) => narrow_order::<4>(p, &mut s),
                5 if narrow(p) => narrow_order::<5>(p, &mut s),
                6 if narrow(p) => narrow_order::<6>(p, &mut s),
                7 if narrow(p) => narrow_order::<7>(p, &mut s),
                INLINE if narrow(p) => narrow_order::<INLINE>(p, &mut s),
                _ => {
                    let mut m = [0f64; INLINE * INLINE];
                    // k < n ≤ INLINE: fits in u8.
                    chain_dp(p, &mut m, INLINE, |at, k| s[at] = k as u8, product3_f64);
                }
            }
            Splits::Inline(s)
        } else {
            let mut p = vec![0usize; n + 1];
            dims(&mut p);
            let (mut m, mut s) = (vec![0f64; n * n], vec![0usize; n * n]);
            if narrow(&p) {
                chain_dp(&p, &mut m, n, |at, k| s[at] = k, narrow_cost);
            } else {
                chain_dp(&p, &mut m, n, |at, k| s[at] = k, product3_f64);
            }
            Splits::Heap(s)
        };
        Chain { n, split }
    }

    /// Where the product of matrices `i..=j` (`i < j`) is split.
    #[inline]
    pub(crate) fn split(&self, i: usize, j: usize) -> usize {
        debug_assert!(i < j && j < self.n);
        match &self.split {
            Splits::Inline(s) => usize::from(s[i * INLINE + j]),
            Splits::Heap(s) => s[i * self.n + j],
        }
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

    /// The split table of the generic program (heap tables of width `n`, 256-bit costs) for
    /// dimensions `p`.
    fn generic_splits(p: &[usize]) -> Vec<usize> {
        let n = p.len() - 1;
        let (mut m, mut s) = (vec![0f64; n * n], vec![0usize; n * n]);
        chain_dp(p, &mut m, n, |at, k| s[at] = k, product3_f64);
        s
    }

    /// Every instance of the program (per length on the stack, wide costs on the stack, heap)
    /// chooses the generic program's splits, ties included (small ranges of dimensions, zeros).
    #[test]
    fn every_instance_equals_the_generic_program() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |lim: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % lim) as usize
        };
        for n in 4..=INLINE + 2 {
            for case in 0..300 {
                let p: Vec<usize> = match case % 4 {
                    0 => (0..=n).map(|_| next(3)).collect(),
                    1 | 2 => (0..=n).map(|_| 1 + next(60)).collect(),
                    // Not narrow: the 256-bit costs (also on the stack up to INLINE).
                    _ => (0..=n).map(|_| (1 << 40) + next(1 << 41)).collect(),
                };
                let shapes: Vec<_> = p.windows(2).map(|w| (w[0], w[1])).collect();
                let c = Chain::for_shapes(&shapes);
                assert_eq!(matches!(c.split, Splits::Inline(_)), n <= INLINE);
                let s = generic_splits(&p);
                for i in 0..n {
                    for j in i + 1..n {
                        assert_eq!(c.split(i, j), s[i * n + j], "{p:?} ({i}, {j})");
                    }
                }
            }
        }
    }

    #[test]
    fn chain_orders_match_numpy() {
        // Expected values from numpy.linalg._linalg._multi_dot_matrix_chain_order (NumPy 2.4).
        let for_dims = |p: &[usize]| {
            Chain::for_shapes(&p.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>())
        };
        // TestMultiDot.test_dynamic_programming_logic: p = [10, 100, 5, 50, 1]
        let c = for_dims(&[10, 100, 5, 50, 1]);
        assert_eq!(render(&c), "(0(1(23)))");
        // Cormen's example, 6 matrices: ((A1(A2A3))((A4A5)A6))
        let c = for_dims(&[30, 35, 15, 5, 10, 20, 25]);
        assert_eq!(render(&c), "((0(12))((34)5))");
        // All equal: the first split wins at every level: A(B(CD)).
        let c = for_dims(&[2, 2, 2, 2, 2]);
        assert_eq!(render(&c), "(0(1(23)))");
        assert_eq!(c.split(0, 3), 0);
        // Three matrices: NumPy's separate rule.
        assert_eq!(render(&for_dims(&[10, 100, 5, 50])), "((01)2)");
        assert_eq!(render(&for_dims(&[2, 2, 2, 2])), "(0(12))");
        // The longest chain with its table on the stack (8 matrices), and longer ones.
        let c = for_dims(&[3, 7, 2, 9, 4, 11, 5, 8, 6]);
        assert!(matches!(c.split, Splits::Inline(_)));
        assert_eq!(render(&c), "((01)(((((23)4)5)6)7))");
        let c = for_dims(&[3, 7, 2, 9, 4, 11, 5, 8, 6, 10]);
        assert!(matches!(c.split, Splits::Heap(_)));
        assert_eq!(render(&c), "((01)((((((23)4)5)6)7)8))");
        let c = for_dims(&[40, 5, 33, 2, 17, 60, 3, 25, 9, 41, 6, 12, 30]);
        assert_eq!(render(&c), "((0(12))((((((((34)5)6)7)8)9)10)11))");
    }
}
