//! `np.einsum`: NumPy's subscripts, results and errors (its C implementation, the default
//! `optimize=False`), computed as a sequence of pairwise products on the batched BLAS /
//! integer kernels.
//!
//! * [`parse`]: subscripts → one label per axis, NumPy's checks in NumPy's order.
//! * this module: NumPy's operand checks (a view for one operand without sums, diagonals,
//!   sizes broadcast between operands, the iterator and result size limits).
//! * [`order`]: which pairs to contract, cheapest first (exact search for few operands).
//! * [`execute`]: sums over labels one operand carries alone, then each pairwise product as
//!   one batched 2-D product over permuted, merged views.
//! * [`path`]: `np.einsum_path` — NumPy's own contraction orders (its Python parser, greedy and
//!   optimal searches, costs, tie-breaking and memory limit) and its printed report.

mod execute;
mod order;
mod parse;
pub(crate) mod path;

pub use path::{Optimize, einsum_path};

use ndarray::{ArrayViewD, CowArray, IxDyn};

use crate::element::Element;
use crate::error::{Error, RemappedShape};
use crate::kernels::view::collapse_axes;
use execute::Term;
use parse::label_char;

/// `np.einsum(subscripts, *operands)`: the Einstein summation of `operands` as `subscripts`
/// describes it, with NumPy 2.4's rules, results and error messages.
///
/// * Labels are ASCII letters (upper case sorts before lower case in the implicit output);
///   `...` stands for broadcast dimensions; spaces are ignored; `->` gives the output
///   explicitly, otherwise it is the broadcast dimensions followed by the labels that appear
///   once, in ASCII order.
/// * A label repeated within an operand takes its diagonal; labels missing from the output are
///   summed; a label of size 1 in one operand broadcasts against the others, as in NumPy.
/// * With one operand and nothing summed (a transpose, a diagonal: `"ij->ji"`, `"ii->i"`,
///   `"...ij->...ji"`), the result borrows the operand as NumPy returns a view; otherwise it
///   is a new array.
/// * One difference from NumPy, where NumPy's answer is memory outside the operand: for such a
///   view NumPy takes a zero-length occurrence of a repeated label for "not yet sized" and
///   gives the label the length of a later occurrence (`"ii->i"` on a `(0, 3)` operand: a view
///   of shape `(3,)` into an empty array). When that view has elements (`"ii->i"` on `(0, n)`,
///   `n > 0`; `"iij->ij"` on `(0, 3, 2)`; `"...ii->...i"` on `(2, 0, 3)`), npdot returns
///   NumPy's collapsing error for the zero-length occurrence against that length
///   (`dimensions in single operand for collapsing index 'i' don't match (0 != 3)`); when it
///   has none (`"iij->ij"` on `(0, 3, 0)`), npdot returns NumPy's empty view, of NumPy's shape
///   (`(3, 0)`).
/// * Integers wrap as in NumPy, `bool` is the OR of ANDs, complex numbers are never conjugated.
/// * Up to 63 operands (NumPy's limit); every error carries NumPy's message.
///
/// Contractions run pairwise in the cheapest order found, each as one batched product on
/// BLAS (floats) or npdot's integer kernels, never as one loop over all labels.
///
/// ```
/// use ndarray::{ArrayD, IxDyn};
/// let a = ArrayD::from_shape_vec(IxDyn(&[2, 3]), (0..6).map(f64::from).collect()).unwrap();
/// let b = ArrayD::from_shape_vec(IxDyn(&[3, 2]), (0..6).map(f64::from).collect()).unwrap();
/// let c = npdot::einsum("ij,jk->ik", &[a.view(), b.view()]).unwrap();
/// assert_eq!(c.as_slice().unwrap(), &[10.0, 13.0, 28.0, 40.0]);
/// // A transpose borrows its operand, as NumPy returns a view.
/// let t = npdot::einsum("ij->ji", &[a.view()]).unwrap();
/// assert!(t.is_view());
/// assert_eq!(t.shape(), &[3, 2]);
/// let err = npdot::einsum("ij,jk", &[a.view(), a.view()]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "operands could not be broadcast together with remapped shapes \
///      [original->remapped]: (2,3)->(2,newaxis,3) (2,3)->(3,2) "
/// );
/// ```
pub fn einsum<'a, T: Element>(
    subscripts: &str,
    operands: &[ArrayViewD<'a, T>],
) -> Result<CowArray<'a, T, IxDyn>, Error> {
    if let Some(r) = matrix_product(subscripts, operands) {
        return r;
    }
    let ndims: Vec<usize> = operands.iter().map(|o| o.ndim()).collect();
    let p = parse::parse(subscripts, &ndims)?;
    if operands.len() == 1
        && let Some(v) = single_view(&operands[0], &p.ops[0], &p.out)?
    {
        return Ok(CowArray::from(v));
    }
    let mut terms = Vec::with_capacity(operands.len());
    for (iop, (v, labels)) in operands.iter().zip(&p.ops).enumerate() {
        terms.push(combined(v, labels, iop)?);
    }
    let iter = p.iter_labels()?;
    let size = broadcast_sizes(&terms, &iter)?;
    // NumPy's iterator: the product of its dimensions in order (a zero stops the growth).
    let mut total: usize = 1;
    for &l in &iter {
        let d = size[l as usize];
        if d != 0 && total > isize::MAX as usize / d {
            return Err(Error::EinsumIteratorTooLarge);
        }
        total *= d;
    }
    let out_shape: Vec<usize> = p.out.iter().map(|&l| size[l as usize]).collect();
    check_alloc::<T>(&out_shape)?;
    if total == 0 {
        // A zero-size label: an empty result, or sums over nothing (zeros).
        let n = crate::shape::check_bytes(&out_shape, std::mem::size_of::<T>())?;
        let zeros = crate::kernels::mem::try_zeroed(n, &out_shape)?;
        let arr = ndarray::ArrayD::from_shape_vec(IxDyn(&out_shape), zeros).expect("size");
        return Ok(CowArray::from(arr));
    }
    execute::run(terms, &size, &p.out)
}

/// The common `"ij,jk->ik"` family (two 2-D operands sharing one label, any order of labels
/// in operands and output, implicit or explicit output) straight to the 2-D product, without
/// the general bookkeeping (which would cost many times a small product). `None` for anything
/// else (including every error, which the general path reports).
fn matrix_product<'a, T: Element>(
    subscripts: &str,
    operands: &[ArrayViewD<'a, T>],
) -> Option<Result<CowArray<'a, T, IxDyn>, Error>> {
    let [a, b] = operands else {
        return None;
    };
    let s = subscripts.as_bytes();
    if a.ndim() != 2 || b.ndim() != 2 || !(s.len() == 5 || s.len() == 9) || s[2] != b',' {
        return None;
    }
    if s.len() == 9 && (s[5] != b'-' || s[6] != b'>') {
        return None;
    }
    let letters = [0, 1, 3, 4, 7, 8];
    if letters
        .iter()
        .take(if s.len() == 9 { 6 } else { 4 })
        .any(|&i| !s[i].is_ascii_alphabetic())
    {
        return None;
    }
    let (a0, a1, b0, b1) = (s[0], s[1], s[3], s[4]);
    if a0 == a1 || b0 == b1 {
        return None;
    }
    // The shared label and the free ones.
    let (shared, fa) = if a0 == b0 || a0 == b1 {
        (a0, a1)
    } else if a1 == b0 || a1 == b1 {
        (a1, a0)
    } else {
        return None;
    };
    let fb = if b0 == shared { b1 } else { b0 };
    if fa == fb {
        return None;
    }
    let out = if s.len() == 9 {
        [s[7], s[8]]
    } else if fa < fb {
        [fa, fb]
    } else {
        [fb, fa]
    };
    let swap = if out == [fa, fb] {
        false
    } else if out == [fb, fa] {
        true
    } else {
        return None;
    };
    let a2 = a.view().into_dimensionality::<ndarray::Ix2>().ok()?;
    let b2 = b.view().into_dimensionality::<ndarray::Ix2>().ok()?;
    let a2 = if a0 == fa { a2 } else { a2.reversed_axes() };
    let b2 = if b0 == shared { b2 } else { b2.reversed_axes() };
    let (m, k, n) = (a2.shape()[0], a2.shape()[1], b2.shape()[1]);
    // Size-1 broadcasting and mismatches, and iterations too large: the general path.
    let fits = m
        .checked_mul(n)
        .and_then(|x| x.checked_mul(k))
        .is_some_and(|x| x <= isize::MAX as usize);
    if b2.shape()[0] != k || !fits {
        return None;
    }
    let r = match crate::plan::small_2d(&a2, &b2) {
        Some(r) => Ok(r),
        None => crate::plan::matmul(a2.into_dyn(), b2.into_dyn()),
    };
    Some(r.map(|r| {
        let r = if swap { r.reversed_axes() } else { r };
        CowArray::from(r)
    }))
}

/// The result NumPy allocates: "array is too big" past `isize::MAX` bytes, `MemoryError` when
/// the allocator refuses it.
fn check_alloc<T: Element>(shape: &[usize]) -> Result<(), Error> {
    let n = crate::shape::check_bytes(shape, std::mem::size_of::<T>())?;
    // NumPy allocates the result before any work: refuse what the allocator refuses, up front
    // (only for results large enough to be refused, or under the tests' allocation cap).
    if n.saturating_mul(std::mem::size_of::<T>()) >= 1 << 36
        || crate::kernels::mem::alloc_limit().is_some()
    {
        let dtype = crate::kernels::mem::dtype_name::<T>();
        drop(crate::kernels::mem::try_with_capacity_as::<T>(
            n, shape, dtype,
        )?);
    }
    Ok(())
}

/// NumPy's `get_single_op_view`: with one operand whose every label is in the output, the
/// result is a view (axes permuted, repeated labels as a diagonal); `None` when something is
/// summed.
fn single_view<'a, T>(
    v: &ArrayViewD<'a, T>,
    labels: &[u8],
    out: &[u8],
) -> Result<Option<ArrayViewD<'a, T>>, Error> {
    let mut dims = vec![0usize; out.len()];
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); out.len()];
    for (ax, &l) in labels.iter().enumerate() {
        let Some(i) = out.iter().position(|&o| o == l) else {
            return Ok(None);
        };
        let d = v.shape()[ax];
        if dims[i] != 0 && dims[i] != d {
            return Err(Error::EinsumCollapsingSingle {
                ch: label_char(l),
                first: dims[i],
                other: d,
            });
        }
        dims[i] = d;
        groups[i].push(ax);
    }
    if groups.iter().any(Vec::is_empty) {
        return Ok(None);
    }
    // NumPy takes a zero-length occurrence for "not yet sized": a label whose first
    // occurrences have length 0 gets the length of a later one (`ii->i` on `(0, 3)` has
    // NumPy's shape `(3,)`). `dims` is NumPy's result shape.
    let mismatch = groups
        .iter()
        .zip(&dims)
        .find_map(|(g, &d)| g.iter().find(|&&ax| v.shape()[ax] != d).map(|&ax| (ax, d)));
    if let Some((ax, d)) = mismatch {
        if dims.contains(&0) {
            // No element to read: NumPy's (empty) view, exactly.
            let empty = ArrayViewD::from_shape(IxDyn(&dims), &[]).expect("zero-size shape");
            return Ok(Some(empty));
        }
        // NumPy's view would read `d`-long runs of an empty operand (outside its memory):
        // npdot reports the mismatch of the collapsed dimensions instead (the zero-length
        // occurrence against the length NumPy took).
        return Err(Error::EinsumCollapsingSingle {
            ch: label_char(labels[ax]),
            first: v.shape()[ax],
            other: d,
        });
    }
    Ok(Some(collapse_axes(v, &groups)))
}

/// NumPy's `get_combined_dims_view`: repeated labels of operand `iop` collapsed into their
/// diagonal (a view), labels in first-occurrence order.
fn combined<'a, T: Element>(
    v: &ArrayViewD<'a, T>,
    labels: &[u8],
    iop: usize,
) -> Result<Term<'a, T>, Error> {
    let mut uniq: Vec<u8> = Vec::with_capacity(labels.len());
    let mut groups: Vec<Vec<usize>> = Vec::with_capacity(labels.len());
    for (ax, &l) in labels.iter().enumerate() {
        match uniq.iter().position(|&u| u == l) {
            None => {
                uniq.push(l);
                groups.push(vec![ax]);
            }
            Some(g) => {
                let first = v.shape()[groups[g][0]];
                let d = v.shape()[ax];
                if first != d {
                    return Err(Error::EinsumCollapsing {
                        operand: iop,
                        ch: label_char(l),
                        first,
                        other: d,
                    });
                }
                groups[g].push(ax);
            }
        }
    }
    let arr = if uniq.len() == labels.len() {
        v.clone()
    } else {
        collapse_axes(v, &groups)
    };
    Ok(Term {
        arr: CowArray::from(arr),
        labels: uniq,
    })
}

/// Each label's size across the operands (equal, or 1 broadcasting), with the error of NumPy's
/// iterator listing every operand remapped onto the iterator's axes `iter`.
fn broadcast_sizes<T>(terms: &[Term<'_, T>], iter: &[u8]) -> Result<[usize; 256], Error> {
    let mut size = [1usize; 256];
    let mut ok = true;
    for &l in iter {
        let mut s = 1usize;
        for t in terms {
            if let Some(ax) = t.labels.iter().position(|&x| x == l) {
                let d = t.arr.shape()[ax];
                if s == 1 {
                    s = d;
                } else if d != 1 && d != s {
                    ok = false;
                }
            }
        }
        size[l as usize] = s;
    }
    if ok {
        return Ok(size);
    }
    let operands = terms
        .iter()
        .map(|t| RemappedShape {
            original: t.arr.shape().to_vec(),
            remapped: iter
                .iter()
                .map(|l| {
                    t.labels
                        .iter()
                        .position(|x| x == l)
                        .map(|ax| t.arr.shape()[ax])
                })
                .collect(),
        })
        .collect();
    Err(Error::EinsumBroadcast { operands })
}
