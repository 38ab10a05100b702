//! `einsum_path`: NumPy's greedy and optimal contraction orders and its printed report.
//!
//! Layers: [`parse`] (NumPy's Python parser and its errors) → label sizes → [`greedy`] or
//! [`optimal`] (the searches, on label bit sets with NumPy's costs from [`cost`], exact integers
//! from [`count`]) → [`report`].

pub(crate) mod cost;
pub(crate) mod count;
pub(crate) mod greedy;
pub(crate) mod optimal;
pub(crate) mod parse;
pub(crate) mod report;

use crate::element::Element;
use crate::error::Error;
use cost::{LabelSet, LabelSizes, label_set, term_size};
use count::{Count, Limit};
use ndarray::ArrayViewD;

/// Which contraction order `einsum_path` computes: NumPy's `optimize=` argument.
///
/// The memory limit caps the number of elements of any intermediate; by default it is NumPy's:
/// the largest number of elements among the operands and the output (a term with a repeated
/// label counts that label's size once per occurrence, as NumPy does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Optimize {
    /// `optimize='greedy'` (NumPy's default and `optimize=True`): at each step the pair whose
    /// contraction removes the most elements (then the cheapest), outer products last. Cubic in
    /// the number of operands.
    Greedy,
    /// `optimize='optimal'`: every order is tried, the cheapest total wins. Factorial in the
    /// number of operands (as in NumPy: 8 operands take a fraction of a second, 10 are already
    /// out of reach).
    Optimal,
    /// `optimize=False`: no search, one contraction of all operands (the report is still NumPy's).
    Off,
    /// `optimize=('greedy', memory_limit)`: greedy with an explicit cap on intermediate sizes
    /// (a negative cap admits no intermediate: one contraction of all operands).
    GreedyWithMemoryLimit(i64),
    /// `optimize=('optimal', memory_limit)`: optimal with an explicit cap on intermediate sizes.
    OptimalWithMemoryLimit(i64),
}

impl Optimize {
    fn limit(self, default: Count) -> Limit {
        match self {
            Optimize::Greedy | Optimize::Optimal | Optimize::Off => Limit::Count(default),
            Optimize::GreedyWithMemoryLimit(m) | Optimize::OptimalWithMemoryLimit(m) => {
                if m < 0 {
                    Limit::Negative
                } else {
                    Limit::Count(Count::Small(m as u128))
                }
            }
        }
    }
}

/// NumPy's default memory limit: the most elements among the terms (input terms and output,
/// counted per occurrence of each label).
pub(crate) fn default_memory_limit(terms: &[&[u8]], output: &[u8], sizes: &LabelSizes) -> Count {
    terms
        .iter()
        .chain(std::iter::once(&output))
        .map(|t| term_size(t, sizes))
        .max()
        .unwrap_or(Count::ONE)
}

/// NumPy's contraction order for operands with the label sets `inputs` and the output labels
/// `output` (bit `i` = `cost::SYMBOLS[i]`), label sizes `sizes`: `einsum_path`'s choice,
/// including its shortcut (one entry with every operand when there are one or two operands, or
/// when no label is summed away). `default_limit` is the memory limit when `optimize` names none
/// (NumPy's is [`default_memory_limit`]). Each entry lists operand positions in the current
/// operand list; the contracted operands are removed and their result appended.
pub(crate) fn contraction_path(
    inputs: &[LabelSet],
    output: LabelSet,
    sizes: &LabelSizes,
    optimize: Optimize,
    default_limit: Count,
) -> Vec<Vec<usize>> {
    let all = inputs.iter().fold(0, |a, &s| a | s);
    if inputs.len() <= 2 || all == output {
        return vec![(0..inputs.len()).collect()];
    }
    let limit = optimize.limit(default_limit);
    match optimize {
        Optimize::Greedy | Optimize::GreedyWithMemoryLimit(_) => {
            greedy::greedy_path(inputs, output, sizes, &limit)
        }
        Optimize::Optimal | Optimize::OptimalWithMemoryLimit(_) => {
            optimal::optimal_path(inputs, output, sizes, &limit)
        }
        Optimize::Off => vec![(0..inputs.len()).collect()],
    }
}

/// NumPy's contraction order for the input terms `terms` and the output term `output` (ASCII
/// labels `A`–`Z`, `a`–`z`; a repeated label is a diagonal) with the label sizes `sizes`
/// (indexed like `cost::SYMBOLS`): exactly what `np.einsum_path(..., optimize=...)` returns,
/// with NumPy's default memory limit. The entry point for an executor that wants NumPy's path.
pub(crate) fn numpy_contraction_path(
    terms: &[&[u8]],
    output: &[u8],
    sizes: &LabelSizes,
    optimize: Optimize,
) -> Vec<Vec<usize>> {
    let sets: Vec<LabelSet> = terms.iter().map(|t| label_set(t)).collect();
    let default = default_memory_limit(terms, output, sizes);
    contraction_path(&sets, label_set(output), sizes, optimize, default)
}

/// [`einsum_path`] on shapes alone (the path does not depend on the data or its type).
pub(crate) fn einsum_path_for_shapes(
    subscripts: &str,
    shapes: &[&[usize]],
    optimize: Optimize,
) -> Result<(Vec<Vec<usize>>, String), Error> {
    let parsed = parse::parse_subscripts(subscripts, shapes)?;
    let sizes = parse::label_sizes(&parsed, shapes)?;
    let terms = parsed.terms();
    let term_bytes: Vec<&[u8]> = terms.iter().map(|t| t.as_bytes()).collect();
    let path = numpy_contraction_path(&term_bytes, parsed.output.as_bytes(), &sizes, optimize);
    let report = report::report(&parsed, &sizes, &path)?;
    Ok((path, report))
}

/// `np.einsum_path(subscripts, *operands, optimize=...)`: NumPy's contraction order for an
/// einsum expression and its printed report.
///
/// `path` is NumPy's list without its leading `'einsum_path'`: each entry lists the positions
/// of the operands contracted at that step in the current operand list (the contracted operands
/// leave the list, their result is appended). `report` is the text NumPy returns, byte for byte.
/// Only the operands' shapes matter.
///
/// NumPy names the dimensions of an ellipsis with letters the subscripts leave unused, in an
/// order that depends on Python's hash seed; npdot takes the unused letters in ASCII order
/// (`...` covering two dimensions becomes `yz` when those are free). Everything else follows
/// NumPy exactly, including its errors (those of its Python parser, `einsumfunc.py`).
///
/// ```
/// use ndarray::ArrayD;
/// let a = ArrayD::<f64>::zeros(vec![2, 2]);
/// let b = ArrayD::<f64>::zeros(vec![2, 5]);
/// let c = ArrayD::<f64>::zeros(vec![5, 2]);
/// let (path, report) = npdot::einsum_path(
///     "ij,jk,kl->il",
///     &[a.view(), b.view(), c.view()],
///     npdot::Optimize::Greedy,
/// )?;
/// assert_eq!(path, vec![vec![1, 2], vec![0, 1]]);
/// assert!(report.contains("Theoretical speedup:  2.105"));
///
/// let err = npdot::einsum_path("ij,jk->ii", &[a.view(), b.view()], npdot::Optimize::Optimal);
/// assert_eq!(err.unwrap_err().to_string(), "Output character i appeared more than once in the output.");
/// # Ok::<(), npdot::Error>(())
/// ```
pub fn einsum_path<T: Element>(
    subscripts: &str,
    operands: &[ArrayViewD<'_, T>],
    optimize: Optimize,
) -> Result<(Vec<Vec<usize>>, String), Error> {
    let shapes: Vec<&[usize]> = operands.iter().map(|a| a.shape()).collect();
    einsum_path_for_shapes(subscripts, &shapes, optimize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator (xorshift) for the no-panic sweep.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn any_subscripts_and_shapes_give_a_result_or_an_error() {
        let alphabet: Vec<char> = "abcAB...,,->-> é%\t".chars().collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = rng.below(14);
            let s: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let n = rng.below(6);
            let shapes: Vec<Vec<usize>> = (0..n)
                .map(|_| (0..rng.below(5)).map(|_| rng.below(4)).collect())
                .collect();
            let views: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
            for opt in [
                Optimize::Greedy,
                Optimize::Optimal,
                Optimize::GreedyWithMemoryLimit(-1),
            ] {
                let _ = einsum_path_for_shapes(&s, &views, opt);
            }
        }
    }

    fn sizes(pairs: &[(u8, usize)]) -> LabelSizes {
        let mut s = [0; 52];
        for &(c, n) in pairs {
            s[cost::symbol_index(c).unwrap()] = n;
        }
        s
    }

    #[test]
    fn numpy_shortcuts_and_default_limit() {
        let d = sizes(&[(b'i', 2), (b'j', 3), (b'k', 4), (b'l', 5)]);
        let p = |terms: &[&[u8]], out: &[u8], opt| numpy_contraction_path(terms, out, &d, opt);
        // One or two operands, or nothing summed away: one step with every operand.
        assert_eq!(p(&[b"ij"], b"", Optimize::Greedy), vec![vec![0]]);
        assert_eq!(
            p(&[b"ij", b"jk"], b"ik", Optimize::Optimal),
            vec![vec![0, 1]]
        );
        assert_eq!(
            p(&[b"i", b"j", b"k"], b"ijk", Optimize::Greedy),
            vec![vec![0, 1, 2]]
        );
        assert_eq!(
            p(&[b"ij", b"jk", b"kl"], b"il", Optimize::Off),
            vec![vec![0, 1, 2]]
        );
        assert_eq!(
            p(&[b"ij", b"jk", b"kl"], b"il", Optimize::Greedy),
            vec![vec![1, 2], vec![0, 1]]
        );
        assert_eq!(
            p(
                &[b"ij", b"jk", b"kl"],
                b"il",
                Optimize::GreedyWithMemoryLimit(-1)
            ),
            vec![vec![0, 1, 2]]
        );
        // The default limit counts a repeated label once per occurrence, the output too.
        assert_eq!(
            default_memory_limit(&[b"ii", b"j"], b"", &d),
            Count::Small(4)
        );
        assert_eq!(
            default_memory_limit(&[b"i", b"j"], b"kl", &d),
            Count::Small(20)
        );
        assert_eq!(default_memory_limit(&[b""], b"", &d), Count::ONE);
    }

    #[test]
    fn absurd_inputs() {
        // Huge dimensions (products far past u128 and past a float).
        let big = isize::MAX as usize;
        let r = einsum_path_for_shapes(
            "ab,bc,cd->ad",
            &[&[big, 0], &[0, big], &[big, big]],
            Optimize::Greedy,
        );
        assert!(r.is_ok());
        let shapes: Vec<Vec<usize>> = vec![vec![big]; 52];
        let views: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
        let subs: String = cost::SYMBOLS
            .iter()
            .map(|&c| char::from(c).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let r = einsum_path_for_shapes(&format!("{subs}->"), &views, Optimize::Greedy);
        assert_eq!(r, Err(Error::EinsumPathFloatOverflow { division: true }));
        // A thousand labels in one term, a thousand dimensions under an ellipsis.
        let long = "a".repeat(1000);
        let r = einsum_path_for_shapes(&long, &[&[2; 1000]], Optimize::Optimal);
        assert!(r.is_ok());
        let r = einsum_path_for_shapes("...", &[&[1; 1000]], Optimize::Greedy);
        assert!(matches!(r, Err(Error::EinsumPathWrongIndexCount { .. })));
        // Many operands: greedy stays polynomial.
        let shapes: Vec<Vec<usize>> = vec![vec![3, 3]; 60];
        let views: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
        let terms: Vec<String> = (0..60)
            .map(|i| {
                let a = char::from(cost::SYMBOLS[i % 52]);
                let b = char::from(cost::SYMBOLS[(i + 1) % 52]);
                format!("{a}{b}")
            })
            .collect();
        let (path, _) = einsum_path_for_shapes(&terms.join(","), &views, Optimize::Greedy).unwrap();
        assert_eq!(path.len(), 59);
    }
}
