//! Labels as bit sets, and NumPy's two cost functions: `_compute_size_by_dict` (the number of
//! elements spanned by some labels) and `_flop_count` (the cost NumPy assigns a contraction).

use super::count::Count;

/// NumPy's `einsum_symbols`: the 52 valid labels, uppercase first (ASCII order).
pub(crate) const SYMBOLS: &[u8; 52] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A set of labels: bit `i` stands for `SYMBOLS[i]`, so iterating the bits upwards visits the
/// labels in ASCII order.
pub(crate) type LabelSet = u64;

/// The size of each label, indexed like `SYMBOLS`.
pub(crate) type LabelSizes = [usize; 52];

/// Position of a label in `SYMBOLS`, `None` for any other byte.
pub(crate) fn symbol_index(c: u8) -> Option<usize> {
    match c {
        b'A'..=b'Z' => Some(usize::from(c - b'A')),
        b'a'..=b'z' => Some(usize::from(c - b'a') + 26),
        _ => None,
    }
}

/// The set of labels of a term (each byte must be a label).
pub(crate) fn label_set(term: &[u8]) -> LabelSet {
    term.iter()
        .filter_map(|&c| symbol_index(c))
        .fold(0, |set, i| set | (1 << i))
}

/// The labels of a set, in ASCII order.
pub(crate) fn labels(set: LabelSet) -> impl Iterator<Item = usize> {
    let mut rest = set;
    std::iter::from_fn(move || {
        (rest != 0).then(|| {
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            i
        })
    })
}

/// `_compute_size_by_dict` over a set: the product of the sizes of its labels.
pub(crate) fn set_size(set: LabelSet, sizes: &LabelSizes) -> Count {
    labels(set).fold(Count::ONE, |acc, i| acc.mul_usize(sizes[i]))
}

/// `_compute_size_by_dict` over a term string: a repeated label counts once per occurrence.
pub(crate) fn term_size(term: &[u8], sizes: &LabelSizes) -> Count {
    term.iter()
        .filter_map(|&c| symbol_index(c))
        .fold(Count::ONE, |acc, i| acc.mul_usize(sizes[i]))
}

/// `_flop_count`: the size spanned by the contraction's labels times
/// `max(1, num_terms - 1)`, plus one more factor when the contraction sums a label away
/// (`inner`).
pub(crate) fn flop_count(
    contraction: LabelSet,
    inner: bool,
    num_terms: usize,
    sizes: &LabelSizes,
) -> Count {
    let op_factor = num_terms.saturating_sub(1).max(1) + usize::from(inner);
    set_size(contraction, sizes).mul_usize(op_factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(pairs: &[(u8, usize)]) -> LabelSizes {
        let mut s = [0; 52];
        for &(c, n) in pairs {
            s[symbol_index(c).unwrap()] = n;
        }
        s
    }

    #[test]
    fn symbols_are_ascii_ordered() {
        for (i, &c) in SYMBOLS.iter().enumerate() {
            assert_eq!(symbol_index(c), Some(i));
        }
        assert!(SYMBOLS.windows(2).all(|w| w[0] < w[1]));
        for c in [
            b'.', b',', b'-', b'>', b' ', b'0', b'@', b'[', b'`', b'{', 0x80,
        ] {
            assert_eq!(symbol_index(c), None);
        }
        assert_eq!(
            labels(label_set(b"zaAZa")).collect::<Vec<_>>(),
            vec![0, 25, 26, 51]
        );
    }

    #[test]
    fn numpy_docstring_examples() {
        let d = sizes(&[(b'a', 2), (b'b', 3), (b'c', 5)]);
        // _flop_count('abc', False, 1, ...) == 30, (..., True, 2, ...) == 60
        assert_eq!(
            flop_count(label_set(b"abc"), false, 1, &d),
            Count::Small(30)
        );
        assert_eq!(flop_count(label_set(b"abc"), true, 2, &d), Count::Small(60));
        // _compute_size_by_dict('abbc', ...) == 90, over the set: 30
        assert_eq!(term_size(b"abbc", &d), Count::Small(90));
        assert_eq!(set_size(label_set(b"abbc"), &d), Count::Small(30));
    }

    #[test]
    fn flop_factors() {
        let d = sizes(&[(b'i', 7), (b'j', 0), (b'k', 1)]);
        let i = label_set(b"i");
        for (terms, inner, factor) in [
            (0, false, 1),
            (1, false, 1),
            (2, false, 1),
            (3, false, 2),
            (5, false, 4),
            (0, true, 2),
            (1, true, 2),
            (2, true, 2),
            (3, true, 3),
        ] {
            assert_eq!(flop_count(i, inner, terms, &d), Count::Small(7 * factor));
        }
        assert_eq!(flop_count(label_set(b"ij"), true, 2, &d), Count::ZERO);
        assert_eq!(set_size(0, &d), Count::ONE);
        assert_eq!(term_size(b"", &d), Count::ONE);
        assert_eq!(term_size(b"kk", &d), Count::ONE);
    }
}
