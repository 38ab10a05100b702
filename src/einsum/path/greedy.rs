//! NumPy's `_greedy_path`: contract the best pair until one tensor is left, where "best" is the
//! smallest `(-removed_size, cost)` (first found on ties), outer products only when no pair shares
//! a label, and every candidate sieved by the memory limit and by the naive cost.

use super::cost::{LabelSet, LabelSizes, flop_count, set_size};
use super::count::{Count, Limit};

/// `_find_contraction`: contracting the operands at `positions` (a sorted-or-not list of
/// distinct indices into `sets`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Contraction {
    /// The labels of the new tensor (kept because another operand or the output has them).
    pub(crate) result: LabelSet,
    /// The other operands' sets in order, then `result`.
    pub(crate) remaining: Vec<LabelSet>,
    /// Labels summed away.
    pub(crate) removed: LabelSet,
    /// All labels of the contracted operands.
    pub(crate) contracted: LabelSet,
}

/// `_find_contraction(positions, input_sets, output_set)`.
pub(crate) fn find_contraction(
    positions: &[usize],
    sets: &[LabelSet],
    output: LabelSet,
) -> Contraction {
    let mut contracted = 0;
    let mut kept = output;
    let mut remaining = Vec::with_capacity(sets.len() + 1);
    for (i, &s) in sets.iter().enumerate() {
        if positions.contains(&i) {
            contracted |= s;
        } else {
            remaining.push(s);
            kept |= s;
        }
    }
    let result = kept & contracted;
    remaining.push(result);
    Contraction {
        result,
        remaining,
        removed: contracted & !result,
        contracted,
    }
}

/// A pair NumPy considers, with its sort key `(-removed_size, cost)` kept as
/// `(new_size, old_sizes)` so that `-removed_size = new_size - old_sizes` compares without
/// signed arithmetic.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    new_size: Count,
    old_sizes: Count,
    pub(crate) cost: Count,
    pub(crate) positions: (usize, usize),
    pub(crate) sets: Vec<LabelSet>,
}

impl Candidate {
    /// Whether `self`'s key is strictly smaller than `other`'s.
    pub(crate) fn better_than(&self, other: &Candidate) -> bool {
        let lhs = self.new_size.add(&other.old_sizes);
        let rhs = other.new_size.add(&self.old_sizes);
        lhs < rhs || (lhs == rhs && self.cost < other.cost)
    }
}

/// `_parse_possible_contraction`: the candidate for contracting `positions`, or `None` when the
/// new tensor exceeds the memory limit or the path would cost more than the naive contraction.
pub(crate) fn possible_contraction(
    positions: (usize, usize),
    sets: &[LabelSet],
    output: LabelSet,
    sizes: &LabelSizes,
    memory_limit: &Limit,
    path_cost: &Count,
    naive_cost: &Count,
) -> Option<Candidate> {
    let c = find_contraction(&[positions.0, positions.1], sets, output);
    let new_size = set_size(c.result, sizes);
    if new_size.exceeds(memory_limit) {
        return None;
    }
    let old_sizes = set_size(sets[positions.0], sizes).add(&set_size(sets[positions.1], sizes));
    let cost = flop_count(c.contracted, c.removed != 0, 2, sizes);
    if path_cost.add(&cost) > *naive_cost {
        return None;
    }
    Some(Candidate {
        new_size,
        old_sizes,
        cost,
        positions,
        sets: c.remaining,
    })
}

/// `_update_other_results`: drop the candidates that involve a tensor `best` consumed, and
/// renumber the others for the operand list after `best`.
pub(crate) fn update_other_results(results: Vec<Candidate>, best: &Candidate) -> Vec<Candidate> {
    let (bx, by) = best.positions;
    let new_tensor = *best.sets.last().expect("a contraction leaves its result");
    let shift = |p: usize, a: usize, b: usize| p - usize::from(p > a) - usize::from(p > b);
    results
        .into_iter()
        .filter(|r| {
            let (x, y) = r.positions;
            !(x == bx || x == by || y == bx || y == by)
        })
        .map(|mut r| {
            let (x, y) = r.positions;
            r.sets.remove(shift(by, x, y));
            r.sets.remove(shift(bx, x, y));
            let at = r.sets.len() - 1;
            r.sets.insert(at, new_tensor);
            r.positions = (shift(x, bx, by), shift(y, bx, by));
            r
        })
        .collect()
}

/// `_greedy_path(input_sets, output_set, idx_dict, memory_limit)`.
pub(crate) fn greedy_path(
    input_sets: &[LabelSet],
    output: LabelSet,
    sizes: &LabelSizes,
    memory_limit: &Limit,
) -> Vec<Vec<usize>> {
    match input_sets.len() {
        0 | 1 => return vec![vec![0]],
        2 => return vec![vec![0, 1]],
        _ => {}
    }
    let all: Vec<usize> = (0..input_sets.len()).collect();
    let whole = find_contraction(&all, input_sets, output);
    let naive_cost = flop_count(
        whole.contracted,
        whole.removed != 0,
        input_sets.len(),
        sizes,
    );

    let mut sets = input_sets.to_vec();
    let mut pairs: Vec<(usize, usize)> = all_pairs(sets.len());
    let mut known: Vec<Candidate> = Vec::new();
    let mut path_cost = Count::ZERO;
    let mut path = Vec::new();
    for _ in 0..input_sets.len() - 1 {
        for &(i, j) in &pairs {
            if sets[i] & sets[j] == 0 {
                continue; // outer products only as a last resort
            }
            known.extend(possible_contraction(
                (i, j),
                &sets,
                output,
                sizes,
                memory_limit,
                &path_cost,
                &naive_cost,
            ));
        }
        if known.is_empty() {
            for (i, j) in all_pairs(sets.len()) {
                known.extend(possible_contraction(
                    (i, j),
                    &sets,
                    output,
                    sizes,
                    memory_limit,
                    &path_cost,
                    &naive_cost,
                ));
            }
            if known.is_empty() {
                path.push((0..sets.len()).collect());
                break;
            }
        }
        let mut best = &known[0];
        for c in &known[1..] {
            if c.better_than(best) {
                best = c;
            }
        }
        let best = best.clone();
        known = update_other_results(known, &best);
        sets = best.sets;
        let new_tensor = sets.len() - 1;
        pairs = (0..new_tensor).map(|i| (i, new_tensor)).collect();
        path.push(vec![best.positions.0, best.positions.1]);
        path_cost = path_cost.add(&best.cost);
    }
    path
}

/// `itertools.combinations(range(n), 2)`.
pub(crate) fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect()
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
    fn find_contraction_docstring_examples() {
        let c = find_contraction(&[0, 1], &sets(&["ab", "bc"]), label_set(b"ac"));
        assert_eq!(c.result, label_set(b"ac"));
        assert_eq!(c.remaining, sets(&["ac"]));
        assert_eq!(c.removed, label_set(b"b"));
        assert_eq!(c.contracted, label_set(b"abc"));
        let c = find_contraction(&[0, 2], &sets(&["abd", "ac", "bdc"]), label_set(b"ac"));
        assert_eq!(c.result, label_set(b"ac"));
        assert_eq!(c.remaining, sets(&["ac", "ac"]));
        assert_eq!(c.removed, label_set(b"bd"));
        assert_eq!(c.contracted, label_set(b"abcd"));
    }

    #[test]
    fn greedy_docstring_example() {
        let d = sizes(&[(b'a', 1), (b'b', 2), (b'c', 3), (b'd', 4)]);
        let limit = Limit::Count(Count::Small(5000));
        let p = greedy_path(&sets(&["abd", "ac", "bdc"]), 0, &d, &limit);
        assert_eq!(p, vec![vec![0, 2], vec![0, 1]]);
    }

    #[test]
    fn trivial_and_fallback_paths() {
        let d = sizes(&[(b'a', 3), (b'b', 4)]);
        let big = Limit::Count(Count::Small(1000));
        assert_eq!(greedy_path(&sets(&["a"]), 0, &d, &big), vec![vec![0]]);
        assert_eq!(
            greedy_path(&sets(&["a", "b"]), 0, &d, &big),
            vec![vec![0, 1]]
        );
        // Nothing fits a negative limit: one contraction of everything.
        let p = greedy_path(&sets(&["a", "ab", "b"]), 0, &d, &Limit::Negative);
        assert_eq!(p, vec![vec![0, 1, 2]]);
        // Disjoint operands: outer products are taken once nothing else is left.
        let p = greedy_path(&sets(&["a", "b", "a"]), label_set(b"ab"), &d, &big);
        assert_eq!(p, vec![vec![0, 2], vec![0, 1]]);
    }

    #[test]
    fn update_renumbers_and_keeps_order() {
        let s = sets(&["ab", "bc", "cd", "de"]);
        let d = sizes(&[(b'a', 2), (b'b', 3), (b'c', 4), (b'd', 5), (b'e', 6)]);
        let lim = Limit::Count(Count::Small(1 << 20));
        let naive = Count::Small(u128::MAX);
        let cand = |p| possible_contraction(p, &s, 0, &d, &lim, &Count::ZERO, &naive).unwrap();
        let all: Vec<Candidate> = all_pairs(4).into_iter().map(cand).collect();
        let best = all[5].clone(); // (2, 3)
        let kept = update_other_results(all, &best);
        let pos: Vec<_> = kept.iter().map(|c| c.positions).collect();
        assert_eq!(pos, vec![(0, 1)]);
        // Its sets are what contracting (0, 1) of ["ab", "bc", new] would give.
        let after = find_contraction(&[0, 1], &best.sets, 0).remaining;
        assert_eq!(kept[0].sets, after);
    }

    #[test]
    fn key_prefers_removed_size_then_cost() {
        let d = sizes(&[(b'a', 10), (b'b', 10), (b'c', 2)]);
        let lim = Limit::Count(Count::Small(1 << 20));
        let naive = Count::Small(u128::MAX);
        let s = sets(&["ab", "b", "ac", "c"]);
        let c01 = possible_contraction((0, 1), &s, 0, &d, &lim, &Count::ZERO, &naive).unwrap();
        let c23 = possible_contraction((2, 3), &s, 0, &d, &lim, &Count::ZERO, &naive).unwrap();
        // ab,b->a removes 100 + 10 - 10 = 100; ac,c->a removes 20 + 2 - 10 = 12.
        assert!(c01.better_than(&c23));
        assert!(!c23.better_than(&c01));
        assert!(!c01.better_than(&c01));
        // The naive-cost sieve.
        assert!(
            possible_contraction((0, 1), &s, 0, &d, &lim, &Count::ZERO, &Count::Small(199))
                .is_none()
        );
        assert!(
            possible_contraction((0, 1), &s, 0, &d, &lim, &Count::ZERO, &Count::Small(200))
                .is_some()
        );
        // The memory sieve: the result `a` has 10 elements.
        let l9 = Limit::Count(Count::Small(9));
        assert!(possible_contraction((0, 1), &s, 0, &d, &l9, &Count::ZERO, &naive).is_none());
    }
}
