//! NumPy's printed report of a contraction path (the second value `np.einsum_path` returns):
//! the parsed expression, naive and optimized scaling and FLOP counts, the speedup, the largest
//! intermediate, then one line per contraction.

use super::cost::{LabelSet, LabelSizes, SYMBOLS, flop_count, label_set, labels, set_size};
use super::count::{Count, ratio_f64};
use super::greedy::find_contraction;
use super::parse::Parsed;
use crate::error::Error;

/// Python's `'%.3e' % x` for a finite float: `1.600e+02`, `2.500e-05`, `1.000e+300`.
pub(crate) fn fmt_e3(x: f64) -> String {
    let s = format!("{x:.3e}");
    let (mantissa, exp) = s.split_once('e').expect("`e` formatting has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

fn to_float(c: &Count) -> Result<f64, Error> {
    c.to_f64()
        .ok_or(Error::EinsumPathFloatOverflow { division: false })
}

/// One step of the path as NumPy prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    /// Number of labels the contraction spans (the "scaling" column).
    pub(crate) scaling: usize,
    /// `_flop_count` of the step.
    pub(crate) cost: Count,
    /// Elements of the step's result.
    pub(crate) size: Count,
    /// `terms->result` (the "current" column).
    pub(crate) current: String,
    /// The operand list afterwards, then `->output` (the "remaining" column).
    pub(crate) remaining: String,
}

/// Replays `path` as `einsum_path` does to build its contraction list: each step contracts the
/// listed operands (removed from the highest position down), appends the result, whose labels
/// are sorted by (size, label) except for the last step, which produces the output.
pub(crate) fn steps(parsed: &Parsed, sizes: &LabelSizes, path: &[Vec<usize>]) -> Vec<Step> {
    let output_set = label_set(parsed.output.as_bytes());
    let mut input_list: Vec<String> = parsed.terms().into_iter().map(str::to_string).collect();
    let mut sets: Vec<LabelSet> = input_list.iter().map(|t| label_set(t.as_bytes())).collect();
    let mut out = Vec::with_capacity(path.len());
    for (cnum, inds) in path.iter().enumerate() {
        let mut inds = inds.clone();
        inds.sort_unstable_by(|a, b| b.cmp(a));
        let c = find_contraction(&inds, &sets, output_set);
        sets = c.remaining;
        let tmp: Vec<String> = inds.iter().map(|&x| input_list.remove(x)).collect();
        let result = if cnum + 1 == path.len() {
            parsed.output.clone()
        } else {
            let mut ls: Vec<usize> = labels(c.result).collect();
            ls.sort_by_key(|&i| (sizes[i], i));
            ls.into_iter().map(|i| char::from(SYMBOLS[i])).collect()
        };
        input_list.push(result.clone());
        out.push(Step {
            scaling: c.contracted.count_ones() as usize,
            cost: flop_count(c.contracted, c.removed != 0, inds.len(), sizes),
            size: set_size(c.result, sizes),
            current: format!("{}->{}", tmp.join(","), result),
            remaining: format!("{}->{}", input_list.join(","), parsed.output),
        });
    }
    out
}

/// The report string, byte for byte NumPy's.
pub(crate) fn report(
    parsed: &Parsed,
    sizes: &LabelSizes,
    path: &[Vec<usize>],
) -> Result<String, Error> {
    let steps = steps(parsed, sizes, path);
    let terms = parsed.terms();
    let indices = label_set(parsed.inputs.as_bytes());
    let num_indices = indices.count_ones() as usize;
    let per_term: usize = terms
        .iter()
        .map(|t| label_set(t.as_bytes()).count_ones() as usize)
        .sum();
    let naive_cost = flop_count(indices, per_term > num_indices, terms.len(), sizes);
    let opt_cost = steps.iter().fold(Count::ONE, |acc, s| acc.add(&s.cost));
    let speedup = ratio_f64(&naive_cost, &opt_cost)
        .ok_or(Error::EinsumPathFloatOverflow { division: true })?;
    let max_scale = steps.iter().map(|s| s.scaling).max().unwrap_or(0);
    let max_i = steps
        .iter()
        .map(|s| s.size.clone())
        .max()
        .unwrap_or(Count::ZERO);

    let dashes = "-".repeat(74);
    let mut r = String::new();
    r += &format!(
        "  Complete contraction:  {}->{}\n",
        parsed.inputs, parsed.output
    );
    r += &format!("         Naive scaling:  {num_indices}\n");
    r += &format!("     Optimized scaling:  {max_scale}\n");
    r += &format!(
        "      Naive FLOP count:  {}\n",
        fmt_e3(to_float(&naive_cost)?)
    );
    r += &format!(
        "  Optimized FLOP count:  {}\n",
        fmt_e3(to_float(&opt_cost)?)
    );
    r += &format!("   Theoretical speedup:  {speedup:3.3}\n");
    r += &format!(
        "  Largest intermediate:  {} elements\n",
        fmt_e3(to_float(&max_i)?)
    );
    r += &format!("{dashes}\n");
    r += &format!("{:>6} {:>24} {:>40}\n", "scaling", "current", "remaining");
    r += &dashes;
    for s in &steps {
        r += &format!(
            "\n{:>4}    {:>24} {:>40}",
            s.scaling, s.current, s.remaining
        );
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::super::cost::symbol_index;
    use super::*;

    #[test]
    fn e3_like_python() {
        for (x, want) in [
            (160.0, "1.600e+02"),
            (0.0, "0.000e+00"),
            (1.0, "1.000e+00"),
            (16245.0, "1.624e+04"),
            (16255.0, "1.626e+04"),
            (2.5e-5, "2.500e-05"),
            (1e300, "1.000e+300"),
            (123456789.0, "1.235e+08"),
            (9.9995e3, "1.000e+04"),
            (99995.0, "1.000e+05"),
        ] {
            assert_eq!(fmt_e3(x), want, "{x}");
        }
    }

    #[test]
    fn numpy_docstring_report() {
        // np.einsum_path('ij,jk,kl->il', (2,2), (2,5), (5,2), optimize='greedy') in NumPy 2.4
        // (its docstring shows older counts)
        let parsed = Parsed {
            inputs: "ij,jk,kl".into(),
            output: "il".into(),
        };
        let mut sizes = [0; 52];
        for (c, n) in [(b'i', 2), (b'j', 2), (b'k', 5), (b'l', 2)] {
            sizes[symbol_index(c).unwrap()] = n;
        }
        let r = report(&parsed, &sizes, &[vec![1, 2], vec![0, 1]]).unwrap();
        let want = "  Complete contraction:  ij,jk,kl->il
         Naive scaling:  4
     Optimized scaling:  3
      Naive FLOP count:  1.200e+02
  Optimized FLOP count:  5.700e+01
   Theoretical speedup:  2.105
  Largest intermediate:  4.000e+00 elements
--------------------------------------------------------------------------
scaling                  current                                remaining
--------------------------------------------------------------------------
   3                   kl,jk->jl                                ij,jl->il
   3                   jl,ij->il                                   il->il";
        assert_eq!(r, want);
    }

    #[test]
    fn intermediates_sort_by_size_then_label() {
        let parsed = Parsed {
            inputs: "abc,cd,d".into(),
            output: "ab".into(),
        };
        let mut sizes = [0; 52];
        for (c, n) in [(b'a', 5), (b'b', 2), (b'c', 3), (b'd', 4)] {
            sizes[symbol_index(c).unwrap()] = n;
        }
        let s = steps(&parsed, &sizes, &[vec![1, 2], vec![0, 1]]);
        assert_eq!(s[0].current, "d,cd->c");
        assert_eq!(s[0].remaining, "abc,c->ab");
        assert_eq!(s[1].current, "c,abc->ab");
        assert_eq!(s[1].remaining, "ab->ab");
        assert_eq!(s[0].scaling, 2);
        assert_eq!(s[0].cost, Count::Small(24));
        assert_eq!(s[0].size, Count::Small(3));
        let s = steps(
            &Parsed {
                inputs: "ab,bc,cd".into(),
                output: "ad".into(),
            },
            &sizes,
            &[vec![0, 1], vec![0, 1]],
        );
        // `ac`: a has 5, c has 3 → "ca".
        assert_eq!(s[0].current, "bc,ab->ca");
    }
}
