//! Exact non-negative integers for sizes and FLOP counts, as NumPy computes them with Python's
//! unbounded `int`: `u128` while it fits, a little-endian `u32`-limb big integer beyond.
//!
//! Also the two conversions NumPy's report makes: `float(int)` and the true division `int / int`,
//! both correctly rounded (round half to even), as CPython does them.

use std::cmp::Ordering;

/// A non-negative integer of any size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Count {
    /// The value, when it fits.
    Small(u128),
    /// Limbs, least significant first, normalized (no leading zero limb), always > `u128::MAX`.
    Big(Vec<u32>),
}

impl Count {
    /// `0`.
    pub(crate) const ZERO: Count = Count::Small(0);
    /// `1`.
    pub(crate) const ONE: Count = Count::Small(1);

    fn limbs(&self) -> Vec<u32> {
        match self {
            Count::Small(v) => {
                let mut out = Vec::with_capacity(4);
                let mut v = *v;
                while v != 0 {
                    out.push(v as u32);
                    v >>= 32;
                }
                out
            }
            Count::Big(l) => l.clone(),
        }
    }

    fn from_limbs(mut l: Vec<u32>) -> Count {
        while l.last() == Some(&0) {
            l.pop();
        }
        if l.len() <= 4 {
            let mut v = 0u128;
            for &x in l.iter().rev() {
                v = (v << 32) | u128::from(x);
            }
            Count::Small(v)
        } else {
            Count::Big(l)
        }
    }

    /// `self * n`.
    pub(crate) fn mul_usize(&self, n: usize) -> Count {
        if let Count::Small(v) = self
            && let Some(p) = v.checked_mul(n as u128)
        {
            return Count::Small(p);
        }
        let n = n as u64;
        let mut out = Vec::with_capacity(self.limbs().len() + 2);
        let mut carry: u128 = 0;
        for x in self.limbs() {
            let t = u128::from(x) * u128::from(n) + carry;
            out.push(t as u32);
            carry = t >> 32;
        }
        while carry != 0 {
            out.push(carry as u32);
            carry >>= 32;
        }
        Count::from_limbs(out)
    }

    /// `self + other`.
    pub(crate) fn add(&self, other: &Count) -> Count {
        if let (Count::Small(a), Count::Small(b)) = (self, other)
            && let Some(s) = a.checked_add(*b)
        {
            return Count::Small(s);
        }
        let (a, b) = (self.limbs(), other.limbs());
        let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
        let mut carry = 0u64;
        for i in 0..a.len().max(b.len()) {
            let t = u64::from(*a.get(i).unwrap_or(&0)) + u64::from(*b.get(i).unwrap_or(&0)) + carry;
            out.push(t as u32);
            carry = t >> 32;
        }
        if carry != 0 {
            out.push(carry as u32);
        }
        Count::from_limbs(out)
    }

    /// Whether `self` exceeds a signed limit (NumPy's `memory_limit` may be any Python int).
    pub(crate) fn exceeds(&self, limit: &Limit) -> bool {
        match limit {
            Limit::Negative => true,
            Limit::Count(c) => self > c,
        }
    }

    /// `float(self)`, correctly rounded; `None` where CPython raises `OverflowError`.
    pub(crate) fn to_f64(&self) -> Option<f64> {
        ratio_f64(self, &Count::ONE)
    }

    fn bit_len(l: &[u32]) -> usize {
        match l.last() {
            None => 0,
            Some(&top) => 32 * l.len() - top.leading_zeros() as usize,
        }
    }
}

/// A memory limit: NumPy compares sizes against a Python int, possibly negative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    /// Below zero: every size exceeds it.
    Negative,
    /// A non-negative limit.
    Count(Count),
}

impl Ord for Count {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Count::Small(a), Count::Small(b)) => a.cmp(b),
            (Count::Small(_), Count::Big(_)) => Ordering::Less,
            (Count::Big(_), Count::Small(_)) => Ordering::Greater,
            (Count::Big(a), Count::Big(b)) => a
                .len()
                .cmp(&b.len())
                .then_with(|| a.iter().rev().cmp(b.iter().rev())),
        }
    }
}

impl PartialOrd for Count {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn shl(l: &[u32], bits: usize) -> Vec<u32> {
    let (words, rem) = (bits / 32, bits % 32);
    let mut out = vec![0u32; words];
    let mut carry = 0u32;
    for &x in l {
        if rem == 0 {
            out.push(x);
        } else {
            out.push((x << rem) | carry);
            carry = x >> (32 - rem);
        }
    }
    if carry != 0 {
        out.push(carry);
    }
    out
}

fn ge(a: &[u32], b: &[u32]) -> bool {
    let n = a.len().max(b.len());
    for i in (0..n).rev() {
        let (x, y) = (*a.get(i).unwrap_or(&0), *b.get(i).unwrap_or(&0));
        if x != y {
            return x > y;
        }
    }
    true
}

fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0i64;
    for (i, x) in a.iter_mut().enumerate() {
        let t = i64::from(*x) - i64::from(*b.get(i).unwrap_or(&0)) - borrow;
        borrow = i64::from(t < 0);
        *x = t.rem_euclid(1 << 32) as u32;
    }
}

/// `a / b` as CPython's true division of two ints: correctly rounded to the nearest `f64`
/// (ties to even); `None` where the result is too large for a float (CPython's
/// `OverflowError`). `b` must not be zero.
pub(crate) fn ratio_f64(a: &Count, b: &Count) -> Option<f64> {
    const SAFE: u128 = 1 << 53;
    if let (Count::Small(x), Count::Small(y)) = (a, b)
        && *x <= SAFE
        && *y <= SAFE
    {
        // Both exact as floats: IEEE division is correctly rounded (CPython's fast path too).
        return Some(*x as f64 / *y as f64);
    }
    ratio_exact(a, b)
}

/// `a / b` correctly rounded by integer long division (any sizes).
fn ratio_exact(a: &Count, b: &Count) -> Option<f64> {
    let (al, bl) = (a.limbs(), b.limbs());
    let (na, nb) = (Count::bit_len(&al), Count::bit_len(&bl));
    if na == 0 {
        return Some(0.0);
    }
    // Scale so that the integer quotient has 55 or 56 bits: q = floor(a·2^s / b).
    let s = 55 - (na as i64 - nb as i64);
    let (num, den) = if s >= 0 {
        (shl(&al, s as usize), bl)
    } else {
        (al, shl(&bl, (-s) as usize))
    };
    // Restoring binary long division.
    let mut q: u64 = 0;
    let mut r: Vec<u32> = Vec::new();
    for bit in (0..Count::bit_len(&num)).rev() {
        r = shl(&r, 1);
        if (num[bit / 32] >> (bit % 32)) & 1 == 1 {
            if r.is_empty() {
                r.push(1);
            } else {
                r[0] |= 1;
            }
        }
        q <<= 1;
        if ge(&r, &den) {
            sub_in_place(&mut r, &den);
            q |= 1;
        }
    }
    let sticky = r.iter().any(|&x| x != 0);
    // value = q · 2^-s, q in [2^54, 2^56).
    let qbits = 64 - q.leading_zeros() as i64;
    let exp = qbits - 1 - s; // value in [2^exp, 2^(exp+1))
    // Bits of q kept: 53 for normal numbers, fewer for subnormals.
    let keep = if exp >= -1022 { 53 } else { 53 - (-1022 - exp) };
    if keep <= 0 {
        return Some(0.0);
    }
    let drop = (qbits - keep) as u32;
    let mut m = q >> drop;
    let rest = q & ((1u64 << drop) - 1);
    let half = 1u64 << (drop - 1);
    if rest > half || (rest == half && (sticky || m & 1 == 1)) {
        m += 1;
    }
    let value = m as f64 * 2f64.powi((drop as i64 - s) as i32);
    // `m · 2^k` may need two steps when 2^k alone under- or overflows.
    let value = if value == 0.0 || !value.is_finite() {
        let k = drop as i64 - s;
        (m as f64 * 2f64.powi((k / 2) as i32)) * 2f64.powi((k - k / 2) as i32)
    } else {
        value
    };
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pow(base: usize, e: u32) -> Count {
        (0..e).fold(Count::ONE, |acc, _| acc.mul_usize(base))
    }

    #[test]
    fn arithmetic_crosses_u128() {
        let big = pow(10, 40);
        assert!(matches!(big, Count::Big(_)));
        assert!(big > Count::Small(u128::MAX));
        assert_eq!(big.to_f64(), Some(1e40));
        let sum = big.add(&big);
        assert_eq!(sum.to_f64(), Some(2e40));
        assert_eq!(Count::Small(u128::MAX).add(&Count::ONE), pow(2, 128));
        assert_eq!(pow(2, 128).mul_usize(0), Count::ZERO);
        assert_eq!(pow(7, 3), Count::Small(343));
    }

    #[test]
    fn conversions_round_like_cpython() {
        // float(2**53 + 1) rounds to even; 2**53 + 3 rounds up.
        assert_eq!(
            Count::Small((1 << 53) + 1).to_f64(),
            Some(9007199254740992.0)
        );
        assert_eq!(
            Count::Small((1 << 53) + 3).to_f64(),
            Some(9007199254740996.0)
        );
        assert_eq!(Count::Small(u128::MAX).to_f64(), Some(3.402823669209385e38));
        assert_eq!(pow(2, 1023).to_f64(), Some(2f64.powi(1023)));
        assert_eq!(pow(2, 1024).to_f64(), None);
        // 10**20 / 3 == 3.3333333333333332e+19 in CPython.
        assert_eq!(
            ratio_f64(&pow(10, 20), &Count::Small(3)),
            Some(3.333333333333333e19)
        );
        // (2**60 + 1) / (2**7): exact halfway cases resolved by the sticky remainder.
        assert_eq!(
            ratio_f64(&Count::Small((1 << 60) + 1), &Count::Small(1 << 7)),
            Some(9007199254740992.0)
        );
        assert_eq!(ratio_f64(&Count::Small(1), &pow(10, 30)), Some(1e-30));
        // Big operands, values from CPython.
        let e40 = pow(10, 40).add(&Count::Small(7));
        assert_eq!(
            ratio_f64(&e40, &Count::Small(3_000_000_000_000_001)),
            Some(3.333333333333332e24)
        );
        assert_eq!(
            ratio_f64(&pow(2, 200), &pow(3, 50)),
            Some(2.238393297946874e36)
        );
        assert_eq!(pow(3, 100).to_f64(), Some(5.153775207320113e47));
        assert_eq!(
            ratio_f64(&pow(7, 60), &pow(7, 59).add(&Count::ONE)),
            Some(7.0)
        );
        assert_eq!(
            pow(2, 1022).mul_usize(3).to_f64(),
            Some(1.348269851146737e308)
        );
        assert_eq!(ratio_f64(&Count::ZERO, &Count::Small(5)), Some(0.0));
        assert_eq!(ratio_f64(&Count::Small(6), &Count::Small(4)), Some(1.5));
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn exact_division_agrees_with_ieee_where_both_apply() {
        let mut st = 0x2545_F491_4F6C_DD1D;
        let mask = (1u128 << 53) - 1;
        for _ in 0..50_000 {
            let (r1, r2) = (xorshift(&mut st), xorshift(&mut st));
            let a = u128::from(r1 >> (r2 % 64)) & mask;
            let (r3, r4) = (xorshift(&mut st), xorshift(&mut st));
            let b = (u128::from(r3 >> (r4 % 64)) & mask).max(1);
            let want = a as f64 / b as f64;
            assert_eq!(
                ratio_exact(&Count::Small(a), &Count::Small(b)),
                Some(want),
                "{a}/{b}"
            );
        }
    }

    #[test]
    fn conversion_agrees_with_rust_casts() {
        // `u128 as f64` rounds to nearest, ties to even: CPython's float(int).
        let mut st = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..50_000 {
            let hi = u128::from(xorshift(&mut st));
            let lo = u128::from(xorshift(&mut st));
            let v = ((hi << 64) | lo) >> (xorshift(&mut st) % 128);
            assert_eq!(Count::Small(v).to_f64(), Some(v as f64), "{v}");
            // Exactly halfway between two floats: 53 significant bits, then a lone 1 bit.
            let m = (1u128 << 52) | (u128::from(xorshift(&mut st)) & ((1 << 52) - 1));
            let t = ((m << 1) | 1) << (xorshift(&mut st) % 74);
            assert_eq!(Count::Small(t).to_f64(), Some(t as f64), "{t}");
        }
    }

    #[test]
    fn limits() {
        assert!(Count::ZERO.exceeds(&Limit::Negative));
        assert!(!Count::ZERO.exceeds(&Limit::Count(Count::ZERO)));
        assert!(Count::Small(5).exceeds(&Limit::Count(Count::Small(4))));
    }
}
