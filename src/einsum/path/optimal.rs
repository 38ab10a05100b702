//! NumPy's `_optimal_path`: every sequence of pairwise contractions whose intermediates fit the
//! memory limit, the cheapest total FLOP count wins (the first found on ties, in NumPy's
//! breadth-first order). Factorial in the number of operands, as in NumPy.
//!
//! NumPy builds each level's list breadth first and keeps the first minimum of the deepest level
//! it reaches. A depth-first walk visits each level's nodes in that same (lexicographic) order, so
//! it finds the same path while holding only one branch in memory.

use super::cost::{LabelSet, LabelSizes, flop_count, set_size};
use super::count::{Count, Limit};
use super::greedy::{all_pairs, find_contraction};

/// A path found so far: its total cost and its pairs.
type Found = (Count, Vec<(usize, usize)>);

struct Search<'a> {
    output: LabelSet,
    sizes: &'a LabelSizes,
    limit: &'a Limit,
    n: usize,
    /// For each depth: the first cheapest path found.
    best: Vec<Option<Found>>,
    stack: Vec<(usize, usize)>,
}

impl Search<'_> {
    fn visit(&mut self, cost: &Count, sets: &[LabelSet]) {
        let depth = self.stack.len();
        let better = match &self.best[depth] {
            None => true,
            Some((c, _)) => cost < c,
        };
        if better {
            self.best[depth] = Some((cost.clone(), self.stack.clone()));
        }
        if depth == self.n - 1 {
            return;
        }
        for (i, j) in all_pairs(sets.len()) {
            let c = find_contraction(&[i, j], sets, self.output);
            if set_size(c.result, self.sizes).exceeds(self.limit) {
                continue;
            }
            let total = cost.add(&flop_count(c.contracted, c.removed != 0, 2, self.sizes));
            self.stack.push((i, j));
            self.visit(&total, &c.remaining);
            self.stack.pop();
        }
    }
}

/// `_optimal_path(input_sets, output_set, idx_dict, memory_limit)`.
pub(crate) fn optimal_path(
    input_sets: &[LabelSet],
    output: LabelSet,
    sizes: &LabelSizes,
    memory_limit: &Limit,
) -> Vec<Vec<usize>> {
    let n = input_sets.len();
    if n == 0 {
        return vec![vec![]];
    }
    let mut search = Search {
        output,
        sizes,
        limit: memory_limit,
        n,
        best: vec![None; n],
        stack: Vec::with_capacity(n),
    };
    search.visit(&Count::ZERO, input_sets);
    let deepest = search.best.iter().rposition(Option::is_some).unwrap_or(0);
    let pairs = search.best[deepest]
        .take()
        .map(|(_, p)| p)
        .unwrap_or_default();
    let mut path: Vec<Vec<usize>> = pairs.into_iter().map(|(i, j)| vec![i, j]).collect();
    if deepest < n - 1 {
        path.push((0..n - deepest).collect());
    }
    path
}

#[cfg(test)]
mod tests {
    use super::super::cost::{label_set, symbol_index};
    use super::*;

    fn sizes(pairs: &[(u8, usize)]) -> LabelSizes {
        let mut s = [0; 52];
        for &(c, n) in pairs {
            s[symbol_index(c).unwrap()] = n;
        }
        s
    }

    fn sets(terms: &[&str]) -> Vec<LabelSet> {
        terms.iter().map(|t| label_set(t.as_bytes())).collect()
    }

    #[test]
    fn optimal_docstring_example() {
        let d = sizes(&[(b'a', 1), (b'b', 2), (b'c', 3), (b'd', 4)]);
        let p = optimal_path(
            &sets(&["abd", "ac", "bdc"]),
            0,
            &d,
            &Limit::Count(Count::Small(5000)),
        );
        assert_eq!(p, vec![vec![0, 2], vec![0, 1]]);
    }

    #[test]
    fn memory_limit_stops_at_the_deepest_level() {
        let d = sizes(&[(b'a', 2), (b'b', 3), (b'c', 4)]);
        // No pair fits: one contraction of everything.
        let p = optimal_path(&sets(&["ab", "bc", "ca"]), 0, &d, &Limit::Negative);
        assert_eq!(p, vec![vec![0, 1, 2]]);
        // Scalars (size 1) fit a limit of 1; intermediates with labels do not.
        let p = optimal_path(
            &sets(&["ab", "ab", "c", "c"]),
            0,
            &d,
            &Limit::Count(Count::ONE),
        );
        assert_eq!(p, vec![vec![0, 1], vec![0, 1], vec![0, 1]]);
        let p = optimal_path(
            &sets(&["ab", "b", "c"]),
            label_set(b"ac"),
            &d,
            &Limit::Count(Count::Small(2)),
        );
        assert_eq!(p, vec![vec![0, 1], vec![0, 1]]);
    }

    #[test]
    fn ties_keep_the_first_path() {
        // Every order costs the same: NumPy keeps (0, 1) first.
        let d = sizes(&[(b'a', 2)]);
        let p = optimal_path(
            &sets(&["a", "a", "a"]),
            label_set(b"a"),
            &d,
            &Limit::Count(Count::Small(10)),
        );
        assert_eq!(p, vec![vec![0, 1], vec![0, 1]]);
    }
}
