//! The order of pairwise contractions that `einsum` executes (not NumPy's `einsum_path`, which
//! is reproduced separately): the cheapest order by multiply-add count, found exactly by
//! dynamic programming over subsets for up to [`OPTIMAL_MAX`] operands, and by a cost-based
//! greedy search beyond that. Every step contracts two terms, never all operands in one loop.
//!
//! Terms are sets of labels (bit masks); a step `(i, j)` (`i < j`) removes terms `i` and `j`
//! from the current list and appends their product, as opt_einsum's linear paths do.

/// Largest operand count searched exhaustively (3ⁿ subset pairs: 59,049 for 10).
pub(crate) const OPTIMAL_MAX: usize = 10;

/// `Π size[l]` over the labels of `mask`, as a float (no overflow).
fn size_of(mask: u128, size: &[f64]) -> f64 {
    let mut m = mask;
    let mut p = 1.0;
    while m != 0 {
        let b = m.trailing_zeros() as usize;
        p *= size[b];
        m &= m - 1;
    }
    p
}

/// The contraction order for terms with label sets `terms`, output labels `out`, label sizes
/// `size` (indexed by bit): `terms.len() - 1` steps.
pub(crate) fn order(terms: &[u128], out: u128, size: &[f64]) -> Vec<(usize, usize)> {
    let n = terms.len();
    if n <= 1 {
        return Vec::new();
    }
    if n == 2 {
        return vec![(0, 1)];
    }
    if n <= OPTIMAL_MAX {
        optimal(terms, out, size)
    } else {
        greedy(terms, out, size)
    }
}

/// Exact search: `best[S]` is the cheapest way to contract the subset `S` of terms into one.
fn optimal(terms: &[u128], out: u128, size: &[f64]) -> Vec<(usize, usize)> {
    let n = terms.len();
    let full = (1usize << n) - 1;
    let mut union = vec![0u128; full + 1];
    for s in 1..=full {
        let low = s.trailing_zeros() as usize;
        union[s] = union[s & (s - 1)] | terms[low];
    }
    // Labels of the term that contracting `S` leaves: those needed outside `S`.
    let keep = |s: usize| union[s] & (out | union[full ^ s]);
    let mut cost = vec![f64::INFINITY; full + 1];
    let mut split = vec![0usize; full + 1];
    for i in 0..n {
        cost[1 << i] = 0.0;
    }
    for s in 1..=full {
        if s.count_ones() < 2 {
            continue;
        }
        let low = s & s.wrapping_neg();
        let rest = s ^ low;
        // Every split (l, s ^ l) with the lowest term in `l`.
        let mut sub = rest;
        loop {
            let l = low | sub;
            if l != s {
                let r = s ^ l;
                let c = cost[l] + cost[r] + size_of(keep(l) | keep(r), size);
                if c < cost[s] {
                    cost[s] = c;
                    split[s] = l;
                }
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
    }
    // Post-order over the tree, then positions in the shrinking list.
    let mut steps: Vec<(usize, usize)> = Vec::new(); // pairs of subset masks
    fn walk(s: usize, split: &[usize], steps: &mut Vec<(usize, usize)>) {
        if s.count_ones() < 2 {
            return;
        }
        let l = split[s];
        let r = s ^ l;
        walk(l, split, steps);
        walk(r, split, steps);
        steps.push((l, r));
    }
    walk(full, &split, &mut steps);
    let mut list: Vec<usize> = (0..n).map(|i| 1 << i).collect();
    steps
        .into_iter()
        .map(|(l, r)| {
            let i = list.iter().position(|&x| x == l).expect("subset in list");
            let j = list.iter().position(|&x| x == r).expect("subset in list");
            let (i, j) = (i.min(j), i.max(j));
            list.remove(j);
            list.remove(i);
            list.push(l | r);
            (i, j)
        })
        .collect()
}

/// Greedy search: repeatedly contract the pair whose result removes the most memory
/// (`size(result) - size(a) - size(b)`, smallest first), ties broken by the multiply-add
/// count; pairs that share a label before pairs that do not.
fn greedy(terms: &[u128], out: u128, size: &[f64]) -> Vec<(usize, usize)> {
    let mut list: Vec<u128> = terms.to_vec();
    let mut steps = Vec::with_capacity(list.len() - 1);
    while list.len() > 1 {
        let n = list.len();
        let mut best: Option<(bool, f64, f64, usize, usize, u128)> = None;
        for i in 0..n {
            for j in i + 1..n {
                let others = list
                    .iter()
                    .enumerate()
                    .filter(|&(t, _)| t != i && t != j)
                    .fold(out, |acc, (_, &m)| acc | m);
                let both = list[i] | list[j];
                let kept = both & others;
                let disjoint = list[i] & list[j] == 0;
                let removed = size_of(kept, size) - size_of(list[i], size) - size_of(list[j], size);
                let flops = size_of(both, size);
                let cand = (disjoint, removed, flops, i, j, kept);
                let better = match &best {
                    None => true,
                    Some(b) => (cand.0, cand.1, cand.2) < (b.0, b.1, b.2),
                };
                if better {
                    best = Some(cand);
                }
            }
        }
        let (_, _, _, i, j, kept) = best.expect("at least one pair");
        list.remove(j);
        list.remove(i);
        list.push(kept);
        steps.push((i, j));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_is_contracted_through_the_small_dimension() {
        // ij,jk,kl->il with (1000,10)(10,1000)(1000,10): (0,1) first would make a 1000x1000
        // intermediate; (1,2) makes a 10x10 one.
        let (i, j, k, l) = (1u128, 2, 4, 8);
        let size = [1000.0, 10.0, 1000.0, 10.0];
        let p = order(&[i | j, j | k, k | l], i | l, &size);
        assert_eq!(p, vec![(1, 2), (0, 1)]);
        let terms: Vec<u128> = (0..12).map(|t| (1u128 << t) | (1u128 << (t + 1))).collect();
        let size = vec![3.0; 13];
        let p = order(&terms, 1 | (1 << 12), &size);
        assert_eq!(p.len(), 11);
    }
}
