//! Subscripts → labels, with the checks and messages of NumPy's C implementation
//! (`PyArray_EinsteinSum` in `_core/src/multiarray/einsum.cpp`, and `c_einsum`'s argument
//! handling), in the same order.
//!
//! Labels are bytes: the ASCII letters themselves, and `BROADCAST + j` for the `j`-th
//! broadcast (`...`) dimension of the iterator, operands' broadcast dimensions aligned to the
//! right as NumPy aligns them.

use crate::error::Error;

/// NumPy's `NPY_MAXDIMS` (and the bound on operands: `NPY_MAXARGS`).
pub(crate) const MAXDIMS: usize = 64;
/// The label of broadcast dimension `j` is `BROADCAST + j`.
pub(crate) const BROADCAST: u8 = 128;

/// Parsed subscripts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Each operand's label per axis (repeated labels stay repeated).
    pub ops: Vec<Vec<u8>>,
    /// The output's labels.
    pub out: Vec<u8>,
    /// Occurrences of each letter in the inputs, as NumPy counts them (a C `char`: wraps).
    pub counts: [i8; 128],
}

impl Parsed {
    /// The labels of NumPy's iterator: the output's, then every other letter that occurs, in
    /// ASCII order. Errors past 64 of them, as NumPy does.
    pub(crate) fn iter_labels(&self) -> Result<Vec<u8>, Error> {
        let mut labels = self.out.clone();
        for c in 0u8..128 {
            if self.counts[c as usize] > 0 && !self.out.contains(&c) {
                if labels.len() >= MAXDIMS {
                    return Err(Error::EinsumTooManySubscripts);
                }
                labels.push(c);
            }
        }
        Ok(labels)
    }
}

/// The printable form of a label (for messages).
pub(crate) fn label_char(l: u8) -> char {
    l as char
}

/// Python's ASCII encoding of the subscripts: the first run of non-ASCII characters.
fn check_ascii(subscripts: &str) -> Result<(), Error> {
    let mut it = subscripts.chars().enumerate();
    while let Some((i, ch)) = it.next() {
        if !ch.is_ascii() {
            let mut end = i + 1;
            for (_, c) in it.by_ref() {
                if c.is_ascii() {
                    break;
                }
                end += 1;
            }
            return Err(Error::EinsumNotAscii { ch, start: i, end });
        }
    }
    Ok(())
}

/// Parses `subscripts` for operands of `ndims` dimensions.
pub(crate) fn parse(subscripts: &str, ndims: &[usize]) -> Result<Parsed, Error> {
    let nop = ndims.len();
    if nop == 0 {
        return Err(Error::EinsumNoOperands);
    }
    if nop >= MAXDIMS {
        return Err(Error::EinsumTooManyOperands);
    }
    check_ascii(subscripts)?;
    if let Some(&nd) = ndims.iter().find(|&&nd| nd > MAXDIMS) {
        return Err(Error::EinsumTooManyDims { ndim: nd });
    }
    // A C string: it ends at the first NUL.
    let bytes = subscripts.as_bytes();
    let bytes = &bytes[..bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len())];

    let mut counts = [0i8; 128];
    // Per operand: labels with 0 for its broadcast dimensions.
    let mut raw: Vec<Vec<u8>> = Vec::with_capacity(nop);
    let mut pos = 0;
    for (iop, &ndim) in ndims.iter().enumerate() {
        let rest = &bytes[pos..];
        let length = rest
            .iter()
            .position(|&b| b == b',' || b == b'-')
            .unwrap_or(rest.len());
        let next = rest.get(length).copied();
        if iop == nop - 1 && next == Some(b',') {
            return Err(Error::EinsumMoreOperands);
        } else if iop < nop - 1 && next != Some(b',') {
            return Err(Error::EinsumFewerOperands);
        }
        raw.push(parse_operand(&rest[..length], ndim, iop, &mut counts)?);
        pos += length;
        if iop < nop - 1 {
            pos += 1;
        }
    }
    let ndim_broadcast = raw
        .iter()
        .map(|l| l.iter().filter(|&&x| x == 0).count())
        .max()
        .unwrap_or(0);
    let rest = &bytes[pos..];
    let out: Vec<u8> = if rest.is_empty() {
        let mut out: Vec<u8> = (0..ndim_broadcast).map(|j| BROADCAST + j as u8).collect();
        for c in 0u8..128 {
            if counts[c as usize] == 1 {
                if out.len() >= MAXDIMS {
                    return Err(Error::EinsumTooManyDistinctLabels);
                }
                out.push(c);
            }
        }
        out
    } else {
        if rest.len() < 2 || rest[0] != b'-' || rest[1] != b'>' {
            return Err(Error::EinsumNoProperOutput);
        }
        parse_output(&rest[2..], ndim_broadcast, &counts)?
    };
    // Name the broadcast dimensions, aligned to the right.
    let ops = raw
        .into_iter()
        .map(|labels| {
            let nb = labels.iter().filter(|&&x| x == 0).count();
            let mut j = ndim_broadcast - nb;
            labels
                .into_iter()
                .map(|l| {
                    if l == 0 {
                        j += 1;
                        BROADCAST + (j - 1) as u8
                    } else {
                        l
                    }
                })
                .collect()
        })
        .collect();
    Ok(Parsed { ops, out, counts })
}

/// One operand's subscripts (`parse_operand_subscripts`): its label per axis, 0 for
/// broadcast dimensions.
fn parse_operand(
    s: &[u8],
    ndim: usize,
    iop: usize,
    counts: &mut [i8; 128],
) -> Result<Vec<u8>, Error> {
    let mut labels = Vec::with_capacity(ndim);
    let mut ellipsis: Option<usize> = None;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_alphabetic() {
            if labels.len() >= ndim {
                return Err(Error::EinsumTooManySubscriptsForOperand { operand: iop });
            }
            labels.push(c);
            counts[c as usize] = counts[c as usize].wrapping_add(1);
        } else if c == b'.' {
            if ellipsis.is_some() || i + 2 >= s.len() || s[i + 1] != b'.' || s[i + 2] != b'.' {
                return Err(Error::EinsumBadEllipsis { operand: Some(iop) });
            }
            i += 2;
            ellipsis = Some(labels.len());
        } else if c != b' ' {
            return Err(Error::EinsumInvalidSubscript { ch: c as char });
        }
        i += 1;
    }
    match ellipsis {
        None if labels.len() != ndim => Err(Error::EinsumOperandMoreDims),
        Some(at) if labels.len() < ndim => {
            let extra = ndim - labels.len();
            labels.splice(at..at, std::iter::repeat_n(0u8, extra));
            Ok(labels)
        }
        _ => Ok(labels),
    }
}

/// The output's subscripts (`parse_output_subscripts`).
fn parse_output(s: &[u8], ndim_broadcast: usize, counts: &[i8; 128]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut ellipsis = false;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_alphabetic() {
            if s[i + 1..].contains(&c) {
                return Err(Error::EinsumOutputRepeated { ch: c as char });
            }
            if counts[c as usize] == 0 {
                return Err(Error::EinsumOutputNeverAppeared { ch: c as char });
            }
            if out.len() >= MAXDIMS {
                return Err(Error::EinsumTooManyOutputSubscripts);
            }
            out.push(c);
        } else if c == b'.' {
            if ellipsis || i + 2 >= s.len() || s[i + 1] != b'.' || s[i + 2] != b'.' {
                return Err(Error::EinsumBadEllipsis { operand: None });
            }
            i += 2;
            if out.len() + ndim_broadcast > MAXDIMS {
                return Err(Error::EinsumTooManyOutputSubscripts);
            }
            ellipsis = true;
            out.extend((0..ndim_broadcast).map(|j| BROADCAST + j as u8));
        } else if c != b' ' {
            return Err(Error::EinsumInvalidSubscript { ch: c as char });
        }
        i += 1;
    }
    if !ellipsis && ndim_broadcast > 0 {
        return Err(Error::EinsumOutputMoreDims);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str, ndims: &[usize]) -> String {
        parse(s, ndims).unwrap_err().to_string()
    }

    #[test]
    fn labels_and_implicit_output() {
        let p = parse("ij,jk", &[2, 2]).unwrap();
        assert_eq!(p.ops, vec![b"ij".to_vec(), b"jk".to_vec()]);
        assert_eq!(p.out, b"ik".to_vec());
        // Uppercase sorts before lowercase (ASCII).
        assert_eq!(parse("aB", &[2]).unwrap().out, b"Ba".to_vec());
        // Broadcast dimensions first, aligned right.
        let p = parse("...i,i...", &[3, 2]).unwrap();
        assert_eq!(p.ops[0], vec![128, 129, b'i']);
        assert_eq!(p.ops[1], vec![b'i', 129]);
        assert_eq!(p.out, vec![128, 129]);
        assert_eq!(parse("i\0j", &[1]).unwrap().out, b"i".to_vec());
    }

    #[test]
    fn errors_in_numpy_order() {
        assert!(msg("ij", &[1]).contains("too many subscripts for operand 0"));
        assert!(msg("i,j", &[1]).starts_with("more operands"));
        assert!(msg("i", &[1, 1]).starts_with("fewer operands"));
        assert!(msg("i->.", &[1]).ends_with("in the output"));
        assert!(msg("i-j", &[1]).contains("proper '->'"));
        assert!(msg("é", &[1]).contains("'\\xe9' in position 0"));
        assert!(msg("ij,éè", &[2, 1]).contains("characters in position 3-4"));
        assert!(msg("", &[]).starts_with("must specify"));
    }
}
