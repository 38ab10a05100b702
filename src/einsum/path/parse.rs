//! NumPy's Python-side subscript parser (`_parse_einsum_input` for a subscripts string), with
//! its errors, and the label sizes `einsum_path` derives from the operands' shapes.
//!
//! The one liberty taken: NumPy names the dimensions an ellipsis stands for with letters the
//! subscripts do not use, taken from a Python `set` whose order depends on the interpreter's hash
//! seed. Here the unused letters are listed in ASCII order (`A`–`Z`, then `a`–`z`) and, as in
//! NumPy, an ellipsis covering `k` dimensions takes the last `k` of them.

use super::cost::{LabelSizes, SYMBOLS, symbol_index};
use crate::error::Error;

/// Subscripts after parsing: explicit output, ellipses replaced by letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// The input terms joined by commas (NumPy's `input_subscripts`).
    pub(crate) inputs: String,
    /// The output term (NumPy's `output_subscript`).
    pub(crate) output: String,
}

impl Parsed {
    /// The input terms.
    pub(crate) fn terms(&self) -> Vec<&str> {
        self.inputs.split(',').collect()
    }
}

/// Non-overlapping occurrences of `needle`, as Python's `str.count`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Labels sorted by code point, each once, that occur exactly once in `subscripts` (commas
/// ignored): NumPy's implicit output.
fn implicit_output(subscripts: &str) -> Result<String, Error> {
    let tmp: Vec<char> = subscripts.chars().filter(|&c| c != ',').collect();
    let mut distinct = tmp.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let mut out = String::new();
    for c in distinct {
        if !c.is_ascii() || symbol_index(c as u8).is_none() {
            return Err(Error::EinsumPathInvalidSymbol(c));
        }
        if tmp.iter().filter(|&&x| x == c).count() == 1 {
            out.push(c);
        }
    }
    Ok(out)
}

/// `_parse_einsum_input((subscripts, *operands))`, given the operands' shapes.
pub(crate) fn parse_subscripts(subscripts: &str, shapes: &[&[usize]]) -> Result<Parsed, Error> {
    let mut subscripts: String = subscripts.chars().filter(|&c| c != ' ').collect();
    for c in subscripts.chars() {
        if ".,->".contains(c) {
            continue;
        }
        if !c.is_ascii() || symbol_index(c as u8).is_none() {
            return Err(Error::EinsumPathInvalidSymbol(c));
        }
    }
    // From here on every character is ASCII.
    if subscripts.contains(['-', '>'])
        && (count(&subscripts, "-") > 1
            || count(&subscripts, ">") > 1
            || count(&subscripts, "->") != 1)
    {
        return Err(Error::EinsumPathMultipleArrows);
    }

    if subscripts.contains('.') {
        let used = subscripts.replace(['.', ','], "").replace("->", "");
        let unused: Vec<u8> = SYMBOLS
            .iter()
            .copied()
            .filter(|&c| !used.as_bytes().contains(&c))
            .collect();
        let last = |k: usize| -> String {
            String::from_utf8_lossy(&unused[unused.len().saturating_sub(k)..]).into_owned()
        };
        let (input_tmp, output_sub) = match subscripts.split_once("->") {
            Some((i, o)) => (i.to_string(), Some(o.to_string())),
            None => (subscripts.clone(), None),
        };
        let mut split: Vec<String> = input_tmp.split(',').map(str::to_string).collect();
        let mut longest = 0usize;
        for (num, sub) in split.iter_mut().enumerate() {
            if !sub.contains('.') {
                continue;
            }
            if count(sub, ".") != 3 || count(sub, "...") != 1 {
                return Err(Error::EinsumPathInvalidEllipses);
            }
            // NumPy indexes the operand list here (an IndexError past its end).
            let shape = shapes.get(num).ok_or(Error::EinsumPathOperandCount)?;
            let ellipse_count = if shape.is_empty() {
                0
            } else {
                shape.len() as i64 - (sub.len() as i64 - 3)
            };
            if ellipse_count > longest as i64 {
                longest = ellipse_count as usize;
            }
            if ellipse_count < 0 {
                return Err(Error::EinsumPathEllipsesLengths);
            }
            *sub = sub.replace("...", &last(ellipse_count as usize));
        }
        subscripts = split.join(",");
        let out_ellipse = last(longest);
        match output_sub {
            Some(o) => {
                subscripts.push_str("->");
                subscripts.push_str(&o.replace("...", &out_ellipse));
            }
            None => {
                let labels = implicit_output(&subscripts)?;
                let mut normal: Vec<char> = labels
                    .chars()
                    .filter(|&c| !out_ellipse.contains(c))
                    .collect();
                normal.sort_unstable();
                subscripts.push_str("->");
                subscripts.push_str(&out_ellipse);
                subscripts.extend(normal);
            }
        }
    }

    let (inputs, output) = match subscripts.split_once("->") {
        Some((i, o)) => (i.to_string(), o.to_string()),
        None => {
            let o = implicit_output(&subscripts)?;
            (subscripts, o)
        }
    };
    for c in output.chars() {
        if output.chars().filter(|&x| x == c).count() != 1 {
            return Err(Error::EinsumPathOutputRepeated(c));
        }
        if !inputs.contains(c) {
            return Err(Error::EinsumPathOutputNotInInput(c));
        }
    }
    if inputs.split(',').count() != shapes.len() {
        return Err(Error::EinsumPathOperandCount);
    }
    Ok(Parsed { inputs, output })
}

/// The size of every label (NumPy's `dimension_dict`): a size-1 dimension broadcasts against
/// any other size, the first size other than 1 wins. Errors as `einsum_path` raises them.
pub(crate) fn label_sizes(parsed: &Parsed, shapes: &[&[usize]]) -> Result<LabelSizes, Error> {
    let mut sizes: LabelSizes = [0; 52];
    let mut seen = 0u64;
    for (tnum, term) in parsed.terms().into_iter().enumerate() {
        let sh = shapes[tnum];
        if sh.len() != term.len() {
            // NumPy prints the `tnum`-th character of the joined input subscripts (sic).
            return Err(Error::EinsumPathWrongIndexCount {
                subscript: parsed.inputs.chars().nth(tnum),
                operand: tnum,
            });
        }
        for (c, &dim) in term.bytes().zip(sh.iter()) {
            let i = symbol_index(c).expect("validated by the parser");
            if seen & (1 << i) != 0 {
                if sizes[i] == 1 {
                    sizes[i] = dim;
                } else if dim != 1 && dim != sizes[i] {
                    return Err(Error::EinsumPathLabelSize {
                        label: char::from(c),
                        operand: tnum,
                        previous: sizes[i],
                        size: dim,
                    });
                }
            } else {
                seen |= 1 << i;
                sizes[i] = dim;
            }
        }
    }
    // An output character NumPy cannot look up (a comma) raises KeyError when it sizes the output.
    if let Some(c) = parsed.output.bytes().find(|&c| symbol_index(c).is_none()) {
        return Err(Error::EinsumPathInvalidSymbol(char::from(c)));
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str, shapes: &[&[usize]]) -> Result<(String, String), Error> {
        parse_subscripts(s, shapes).map(|p| (p.inputs, p.output))
    }

    fn ok(s: &str, shapes: &[&[usize]], inputs: &str, output: &str) {
        assert_eq!(parse(s, shapes), Ok((inputs.into(), output.into())), "{s}");
    }

    #[test]
    fn explicit_and_implicit_outputs() {
        ok("ij,jk->ik", &[&[2, 3], &[3, 4]], "ij,jk", "ik");
        ok("ij,jk", &[&[2, 3], &[3, 4]], "ij,jk", "ik");
        ok("ba", &[&[2, 3]], "ba", "ab");
        ok("Ba,aB", &[&[2, 3], &[3, 2]], "Ba,aB", "");
        ok(" i j , j k -> i k ", &[&[2, 3], &[3, 4]], "ij,jk", "ik");
        ok("ii", &[&[2, 2]], "ii", "");
        ok("", &[&[]], "", "");
        ok("->", &[&[]], "", "");
        ok(",", &[&[], &[]], ",", "");
    }

    #[test]
    fn ellipses_take_the_last_unused_letters() {
        ok(
            "...ij,...jk->...ik",
            &[&[2, 3, 4, 5], &[3, 5, 6]],
            "yzij,zjk",
            "yzik",
        );
        ok("...", &[&[2, 3]], "yz", "yz");
        ok("a...", &[&[2, 3]], "az", "za");
        ok("...,...", &[&[], &[4]], ",z", "z");
        ok("i...->", &[&[4]], "i", "");
        ok("...z", &[&[5, 6]], "yz", "yz");
        // An ellipsis with more dimensions than unused letters gets what is left.
        let p = parse_subscripts("...", &[&[1; 60]]).unwrap();
        assert_eq!(p.inputs.len(), 52);
    }

    #[test]
    fn errors_in_numpy_order() {
        use Error::*;
        assert_eq!(
            parse("ij,j%", &[&[1, 1], &[1, 1]]),
            Err(EinsumPathInvalidSymbol('%'))
        );
        assert_eq!(parse("é", &[&[1]]), Err(EinsumPathInvalidSymbol('é')));
        assert_eq!(parse("i->->i", &[&[1]]), Err(EinsumPathMultipleArrows));
        assert_eq!(parse("i-", &[&[1]]), Err(EinsumPathMultipleArrows));
        assert_eq!(parse("i>", &[&[1]]), Err(EinsumPathMultipleArrows));
        assert_eq!(parse("i..", &[&[1]]), Err(EinsumPathInvalidEllipses));
        assert_eq!(parse("i....", &[&[1]]), Err(EinsumPathInvalidEllipses));
        assert_eq!(parse("...ijk", &[&[1, 1]]), Err(EinsumPathEllipsesLengths));
        assert_eq!(
            parse("ij->ii", &[&[1, 1]]),
            Err(EinsumPathOutputRepeated('i'))
        );
        assert_eq!(
            parse("ij->k", &[&[1, 1]]),
            Err(EinsumPathOutputNotInInput('k'))
        );
        assert_eq!(parse("ij", &[]), Err(EinsumPathOperandCount));
        assert_eq!(parse("i,...", &[&[1]]), Err(EinsumPathOperandCount));
        assert_eq!(parse("i,j", &[&[1]]), Err(EinsumPathOperandCount));
    }

    #[test]
    fn sizes_broadcast_and_mismatch() {
        let p = parse_subscripts("ij,jk", &[&[1, 3], &[4, 5]]).unwrap();
        let s = label_sizes(&p, &[&[1, 3], &[4, 5]]);
        assert_eq!(
            s,
            Err(Error::EinsumPathLabelSize {
                label: 'j',
                operand: 1,
                previous: 3,
                size: 4
            })
        );
        let p = parse_subscripts("ij,jk", &[&[2, 1], &[5, 4]]).unwrap();
        let s = label_sizes(&p, &[&[2, 1], &[5, 4]]).unwrap();
        assert_eq!(s[symbol_index(b'j').unwrap()], 5);
        let p = parse_subscripts("ij,jk", &[&[2, 3, 4], &[3, 4]]).unwrap();
        assert_eq!(
            label_sizes(&p, &[&[2, 3, 4], &[3, 4]]),
            Err(Error::EinsumPathWrongIndexCount {
                subscript: Some('i'),
                operand: 0
            })
        );
        let p = parse_subscripts(",,", &[&[], &[], &[2]]).unwrap();
        assert_eq!(
            label_sizes(&p, &[&[], &[], &[2]]),
            Err(Error::EinsumPathWrongIndexCount {
                subscript: None,
                operand: 2
            })
        );
        let p = parse_subscripts("a,b->a,b", &[&[2], &[3]]).unwrap();
        assert_eq!(
            label_sizes(&p, &[&[2], &[3]]),
            Err(Error::EinsumPathInvalidSymbol(','))
        );
    }
}
