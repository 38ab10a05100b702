//! Plans of `np.linalg`'s `multi_dot`, `matrix_power` and `cross`: each reduces to the core
//! products (`dot`, `matmul`) on views, plus the matrix inverse kernel for negative powers and an
//! elementwise pass for `cross`.

use ndarray::{
    Array2, ArrayBase, ArrayD, ArrayView2, ArrayViewD, Axis, CowArray, Data, Dimension, Ix2, IxDyn,
    Zip,
};
use num_complex::Complex;

use crate::element::Element;
use crate::error::Error;
use crate::kernels::{self, InverseScalar};
use crate::plan::chain::Chain;
use crate::plan::typed::Product;
use crate::shape::linalg as rules;

/// The element types of `np.linalg`'s functions: every [`Element`] type, with the few
/// operations those functions need beyond products (the identity's 1, NumPy's subtraction, the
/// matrix inverse). Implemented for all of them; nothing to implement for users.
pub trait LinalgElement: Element {
    /// The multiplicative identity (`1`, `1.0`, `true`).
    #[doc(hidden)]
    fn one() -> Self;
    /// Whether NumPy can subtract this type (`bool` cannot: `cross` raises `TypeError`).
    #[doc(hidden)]
    const SUBTRACTS: bool = true;
    /// NumPy's `-`: wrapping for integers. Never called for `bool`.
    #[doc(hidden)]
    fn np_sub(self, rhs: Self) -> Self;
    /// `np.linalg.inv` of each matrix of a stack `(..., m, m)` that keeps this dtype (floats),
    /// or the error saying NumPy would return another dtype.
    #[doc(hidden)]
    fn inverse_stack(a: ArrayViewD<'_, Self>) -> Result<ArrayD<Self>, Error>;
}

macro_rules! int_linalg {
    ($($t:ty),*) => {$(
        impl LinalgElement for $t {
            fn one() -> Self { 1 }
            fn np_sub(self, rhs: Self) -> Self { self.wrapping_sub(rhs) }
            fn inverse_stack(a: ArrayViewD<'_, Self>) -> Result<ArrayD<Self>, Error> {
                exact_inverse_error(a, |x| x as f64)
            }
        }
    )*};
}
int_linalg!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl LinalgElement for bool {
    fn one() -> Self {
        true
    }
    const SUBTRACTS: bool = false;
    fn np_sub(self, rhs: Self) -> Self {
        self ^ rhs
    }
    fn inverse_stack(a: ArrayViewD<'_, Self>) -> Result<ArrayD<Self>, Error> {
        exact_inverse_error(a, |x| if x { 1.0 } else { 0.0 })
    }
}

/// Float types: NumPy inverts in double precision (`float32` → `float64`, `complex64` →
/// `complex128`) and rounds the inverse back to the input's type.
macro_rules! float_linalg {
    ($t:ty, $one:expr, $w:ty, $to:expr, $from:expr) => {
        impl LinalgElement for $t {
            fn one() -> Self {
                $one
            }
            fn np_sub(self, rhs: Self) -> Self {
                self - rhs
            }
            fn inverse_stack(a: ArrayViewD<'_, Self>) -> Result<ArrayD<Self>, Error> {
                inverse_stack::<Self, $w>(a, $to, $from)
            }
        }
    };
}
float_linalg!(f64, 1.0, f64, |x| x, |x| x);
float_linalg!(f32, 1.0, f64, f64::from, |x| x as f32);
float_linalg!(
    Complex<f64>,
    Complex::new(1.0, 0.0),
    Complex<f64>,
    |x| x,
    |x| x
);
float_linalg!(
    Complex<f32>,
    Complex::new(1.0, 0.0),
    Complex<f64>,
    |x: Complex<f32>| Complex::new(f64::from(x.re), f64::from(x.im)),
    |x: Complex<f64>| Complex::new(x.re as f32, x.im as f32)
);

/// The error for an integer or `bool` stack with a negative power: NumPy inverts it in
/// `float64`, so it raises `Singular matrix` where that inverse does and returns `float64`
/// otherwise ([`Error::InverseDtype`]).
fn exact_inverse_error<T: Element>(
    a: ArrayViewD<'_, T>,
    to: impl Fn(T) -> f64,
) -> Result<ArrayD<T>, Error> {
    let mut buf = crate::kernels::mem::try_with_capacity_as::<f64>(a.len(), a.shape(), "float64")?;
    buf.extend(a.iter().map(|&x| to(x)));
    let f = ArrayD::from_shape_vec(a.raw_dim(), buf).expect("len matches shape");
    inverse_stack::<f64, f64>(f.view(), |x| x, |x| x)?;
    Err(Error::InverseDtype { dtype: T::DTYPE })
}

/// The inverse of every matrix of the stack `a` (shape `(..., m, m)`, checked square), computed
/// in `W` (column-major copies handed to the inverse kernel), as a C-contiguous array.
/// `Singular matrix` if any matrix is exactly singular (NumPy computes all, then raises).
fn inverse_stack<T: Element, W: InverseScalar + Send>(
    a: ArrayViewD<'_, T>,
    to: impl Fn(T) -> W + Sync,
    from: impl Fn(W) -> T + Sync,
) -> Result<ArrayD<T>, Error> {
    let nd = a.ndim();
    let m = a.shape()[nd - 1];
    let len = crate::shape::check_bytes(a.shape(), std::mem::size_of::<T>())?;
    let batch: usize = a.shape()[..nd - 2].iter().product();
    let mut out: Vec<T> = crate::kernels::mem::try_with_capacity(len, a.shape())?;
    let mut col = vec![to(T::zero()); m * m];
    let singular = kernels::on_inverse_stack(|| {
        let mut singular = false;
        if m == 0 {
            return singular;
        }
        let stack = a
            .to_shape((batch, m, m))
            .expect("any layout reshapes (copying if needed)");
        for mat in stack.outer_iter() {
            // Column-major copy: element (i, j) at i + j·m, i.e. the transpose in C order.
            for (dst, &x) in col.iter_mut().zip(mat.t().iter()) {
                *dst = to(x);
            }
            match kernels::inverse(m, &mut col) {
                Some(inv) => {
                    // inv is column-major: row i of the result is inv[i + j·m] over j.
                    let start = out.len();
                    out.resize(start + m * m, T::zero());
                    for j in 0..m {
                        for i in 0..m {
                            out[start + i * m + j] = from(inv[i + j * m]);
                        }
                    }
                }
                None => {
                    singular = true;
                    break;
                }
            }
        }
        singular
    })?;
    if singular {
        return Err(Error::SingularMatrix);
    }
    out.resize(len, T::zero());
    Ok(ArrayD::from_shape_vec(IxDyn(a.shape()), out).expect("size matches shape"))
}

/// `np.linalg.multi_dot(arrays)`.
///
/// For three or more arrays: the shape checks and NumPy's order (without allocation for up to
/// eight arrays), then each product once, on static 2-D views of the operands (a view of each
/// array, a 1-D end given its row or column axis) and `Array2` intermediates, by the product
/// layer `np.dot` of two matrices uses (the same kernel, so the same rounding, as a chain of
/// `dot` calls). Every product's shape was checked above: nothing is validated twice, no
/// dynamic shape is built before the result's own. No copy of an operand or of the result.
pub(crate) fn multi_dot<T, S, D>(arrays: &[ArrayBase<S, D>]) -> Result<ArrayD<T>, Error>
where
    T: Element,
    S: Data<Elem = T>,
    D: Dimension,
{
    rules::multi_dot_count(arrays.len())?;
    if arrays.len() == 2 {
        return crate::dot(&arrays[0].view().into_dyn(), &arrays[1].view().into_dyn());
    }
    let md = rules::multi_dot_shape(arrays.len(), |i| arrays[i].shape())?;
    // Array i as a matrix: itself when 2-D; a 1-D end (checked: the first or the last array)
    // as a row when first, else as a column.
    let leaf =
        |i: usize| kernels::view::as_matrix(&arrays[i], i == 0).expect("checked: 2-D or a 1-D end");
    let result = product(&md.chain, &leaf, 0, arrays.len() - 1)?;
    Ok(match md.out_shape() {
        [_, _] => result.into_dyn(),
        // A row or column axis added to a 1-D end: a reshape of the C-contiguous result, free.
        out => result
            .into_shape_with_order(IxDyn(out))
            .expect("a C-contiguous product reshapes"),
    })
}

/// The product of matrices `i..=j` (`i < j`, matrix `i` is `leaf(i)`) of the chain: the left
/// operand first, then the right, then their `np.dot`.
fn product<'a, T: Element>(
    chain: &Chain,
    leaf: &impl Fn(usize) -> ArrayView2<'a, T>,
    i: usize,
    j: usize,
) -> Result<Array2<T>, Error> {
    let k = chain.split(i, j);
    // Each operand: the array itself (a leaf of the chain), or the product of its sub-chain.
    let left_product;
    let left = if i == k {
        leaf(i)
    } else {
        left_product = product(chain, leaf, i, k)?;
        left_product.view()
    };
    let right_product;
    let right = if k + 1 == j {
        leaf(j)
    } else {
        right_product = product(chain, leaf, k + 1, j)?;
        right_product.view()
    };
    // The small products in line, exactly as `dot` of two matrices computes them.
    match crate::plan::typed::dot_matrix(&left, &right) {
        Some(p) => p,
        None => matrix_product(&left, &right),
    }
}

/// `np.dot` of two aligned matrices that are not a small product: the static 2-D path of `dot`
/// (BLAS or the type's kernel), or the general one where `dot` takes it.
#[inline(never)]
fn matrix_product<T: Element>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
) -> Result<Array2<T>, Error> {
    let p = match crate::plan::typed::dot(a, b)? {
        Product::Matrix(p) => Ok(p),
        Product::Dyn(p) => p.into_dimensionality::<Ix2>(),
        Product::Scalar(_) | Product::Vector(_) | Product::Stack(_) => {
            unreachable!("2-D · 2-D is 2-D")
        }
    };
    Ok(p.expect("2-D · 2-D is 2-D"))
}

/// `np.linalg.matrix_power(a, n)`.
pub(crate) fn matrix_power<T: LinalgElement>(
    a: ArrayViewD<'_, T>,
    n: i64,
) -> Result<ArrayD<T>, Error> {
    let m = rules::matrix_power_shape(a.shape())?;
    if n == 0 {
        let len = crate::shape::check_bytes(a.shape(), std::mem::size_of::<T>())?;
        let zeros = crate::kernels::mem::try_zeroed(len, a.shape())?;
        let mut eye = ArrayD::from_shape_vec(IxDyn(a.shape()), zeros).expect("size matches shape");
        let nd = eye.ndim();
        for i in 0..m {
            eye.index_axis_mut(Axis(nd - 1), i)
                .index_axis_mut(Axis(nd - 2), i)
                .fill(T::one());
        }
        return Ok(eye);
    }
    let base = if n < 0 {
        CowArray::from(T::inverse_stack(a)?)
    } else {
        CowArray::from(a)
    };
    let mut k = n.unsigned_abs();
    let mm = |x: &ArrayViewD<'_, T>, y: &ArrayViewD<'_, T>| crate::matmul(x, y);
    match k {
        1 if base.is_view() => return crate::kernels::mem::try_standard_copy(&base.view()),
        1 => return Ok(base.into_owned()),
        2 => return mm(&base.view(), &base.view()),
        3 => return mm(&mm(&base.view(), &base.view())?.view(), &base.view()),
        _ => {}
    }
    // Binary decomposition, least significant bit first, as NumPy: z runs through a^(2^i)
    // (`a` itself, then z·z), multiplied into the result (on its right) where bit i is set.
    // As in NumPy nothing is copied: until its first product the result is `a` or the current
    // power itself (copying them cost ~10 % of `a^10` at 64×64).
    let mut z: Option<ArrayD<T>> = None; // `None`: z is `a` (`base`)
    let mut result = Power::None;
    loop {
        let bit = k % 2;
        k /= 2;
        if bit == 1 {
            result = match result {
                Power::None if z.is_none() => Power::Base,
                Power::None => Power::Z,
                Power::Base => {
                    let zv = z.as_ref().expect("a power after a^1").view();
                    Power::Own(mm(&base.view(), &zv)?)
                }
                Power::Z => unreachable!("the result takes the power before it changes"),
                Power::Own(r) => {
                    let zv = z.as_ref().map_or_else(|| base.view(), |z| z.view());
                    Power::Own(mm(&r.view(), &zv)?)
                }
            };
        }
        if k == 0 {
            break;
        }
        let next = {
            let zv = z.as_ref().map_or_else(|| base.view(), |z| z.view());
            mm(&zv, &zv)?
        };
        if matches!(result, Power::Z) {
            result = Power::Own(z.take().expect("Z only for a power after a^1"));
        }
        z = Some(next);
    }
    match result {
        Power::Own(r) => Ok(r),
        Power::Z => Ok(z.expect("Z only for a power after a^1")),
        // k > 3: a bit above bit 0 is set, so `Base` became a product and `None` a power.
        Power::None | Power::Base => unreachable!("k > 3 has a set bit above bit 0"),
    }
}

/// The result of [`matrix_power`]'s loop so far.
enum Power<T> {
    /// No bit set yet.
    None,
    /// `a` itself (bit 0 set, no product yet).
    Base,
    /// The current power (its bit was the first one set, no product yet).
    Z,
    /// A product.
    Own(ArrayD<T>),
}

/// `np.linalg.cross(a, b, axis)`.
pub(crate) fn cross<T: LinalgElement>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    axis: isize,
) -> Result<ArrayD<T>, Error> {
    let cs = rules::cross_shape(a.shape(), b.shape(), axis)?;
    if !T::SUBTRACTS {
        return Err(Error::BoolSubtract);
    }
    let (a, b) = (axis_last(a, cs.axis_a), axis_last(b, cs.axis_b));
    let mut full = cs.batch.clone();
    full.push(3);
    let nd = full.len();
    let ab = a.broadcast(IxDyn(&full)).expect("checked: broadcasts");
    let bb = b.broadcast(IxDyn(&full)).expect("checked: broadcasts");
    let len = crate::shape::check_bytes(&full, std::mem::size_of::<T>())?;
    let zeros = crate::kernels::mem::try_zeroed(len, &full)?;
    let mut out = ArrayD::from_shape_vec(IxDyn(&full), zeros).expect("size matches shape");
    let cross3 = |o: &mut [T], x: [T; 3], y: [T; 3]| {
        o[0] = x[1].np_mul(y[2]).np_sub(x[2].np_mul(y[1]));
        o[1] = x[2].np_mul(y[0]).np_sub(x[0].np_mul(y[2]));
        o[2] = x[0].np_mul(y[1]).np_sub(x[1].np_mul(y[0]));
    };
    match (ab.as_slice(), bb.as_slice()) {
        (Some(xs), Some(ys)) => {
            let os = out.as_slice_mut().expect("C-contiguous");
            for ((o, x), y) in os
                .chunks_exact_mut(3)
                .zip(xs.chunks_exact(3))
                .zip(ys.chunks_exact(3))
            {
                cross3(o, [x[0], x[1], x[2]], [y[0], y[1], y[2]]);
            }
        }
        _ => {
            let ax = Axis(nd - 1);
            Zip::from(out.lanes_mut(ax))
                .and(ab.lanes(ax))
                .and(bb.lanes(ax))
                .for_each(|mut o, x, y| {
                    let mut r = [T::zero(); 3];
                    cross3(&mut r, [x[0], x[1], x[2]], [y[0], y[1], y[2]]);
                    o[0] = r[0];
                    o[1] = r[1];
                    o[2] = r[2];
                });
        }
    }
    // NumPy's moveaxis(cp, -1, axis): the vector axis goes to `axis_out`.
    let mut perm: Vec<usize> = (0..nd - 1).collect();
    perm.insert(cs.axis_out, nd - 1);
    Ok(out.permuted_axes(perm))
}

/// `v` with axis `ax` moved last (NumPy's `moveaxis(v, ax, -1)`), a view.
fn axis_last<T>(v: ArrayViewD<'_, T>, ax: usize) -> ArrayViewD<'_, T> {
    let nd = v.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&i| i != ax).collect();
    perm.push(ax);
    v.permuted_axes(perm)
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, ArrayD, ArrayViewD, Axis, Ix2, IxDyn, ShapeBuilder, s};

    use crate::plan::chain::Chain;

    /// A `(r, c)` matrix of distinct, inexact values (so that any other order or kernel would
    /// round differently).
    fn matrix(r: usize, c: usize, seed: u64) -> Array2<f64> {
        Array2::from_shape_fn((r, c), |(i, j)| {
            ((i * 7 + j * 13) as f64 + seed as f64 * 0.37).sin() / 3.0
        })
    }

    /// The chain of `crate::dot` calls over the 2-D `v[i..=j]` in `chain`'s order (checked
    /// against NumPy's in `chain::tests`), written out as a user would.
    fn hand(chain: &Chain, v: &[ArrayViewD<'_, f64>], i: usize, j: usize) -> ArrayD<f64> {
        if i == j {
            return v[i].to_owned();
        }
        let k = chain.split(i, j);
        let dot = |a: &ArrayViewD<'_, f64>, b: &ArrayViewD<'_, f64>| crate::dot(a, b).unwrap();
        match (i == k, k + 1 == j) {
            (true, true) => dot(&v[i], &v[j]),
            (true, false) => dot(&v[i], &hand(chain, v, k + 1, j).view()),
            (false, true) => dot(&hand(chain, v, i, k).view(), &v[j]),
            (false, false) => dot(
                &hand(chain, v, i, k).view(),
                &hand(chain, v, k + 1, j).view(),
            ),
        }
    }

    fn chain_of(v: &[ArrayViewD<'_, f64>]) -> Chain {
        let shapes: Vec<_> = v.iter().map(|a| (a.shape()[0], a.shape()[1])).collect();
        Chain::for_shapes(&shapes)
    }

    /// `multi_dot` gives exactly (bit for bit) the chain of `np.dot` calls in NumPy's order, on
    /// `IxDyn` and `Ix2` operands alike: small products (in line), products BLAS or the
    /// type's kernel computes, transposed, reversed and stepped operands, 1-D ends, a 1×1
    /// operand (NumPy's scalar branch), and integers.
    #[test]
    fn equals_the_dot_chain_in_numpys_order() {
        // Small products, large ones, five matrices.
        for dims in [
            &[20, 30, 5, 40, 10][..],
            &[200, 10, 100, 5, 50],
            &[9, 70, 3, 33, 8, 64],
        ] {
            let n = dims.len() - 1;
            let ms: Vec<Array2<f64>> = (0..n)
                .map(|i| matrix(dims[i], dims[i + 1], i as u64))
                .collect();
            // The matrices as they are, stored transposed (F order), and reversed along both
            // axes (negative strides).
            let layouts: [Vec<ArrayD<f64>>; 3] = [
                ms.iter().map(|m| m.clone().into_dyn()).collect(),
                ms.iter()
                    .map(|m| {
                        let mut f = Array2::zeros(m.dim().f());
                        f.assign(m);
                        f.into_dyn()
                    })
                    .collect(),
                ms.iter()
                    .map(|m| {
                        let mut r = m.slice(s![..;-1, ..;-1]).to_owned();
                        r.invert_axis(Axis(0));
                        r.invert_axis(Axis(1));
                        r.into_dyn()
                    })
                    .collect(),
            ];
            for arrays in &layouts {
                let v: Vec<ArrayViewD<'_, f64>> = arrays.iter().map(|a| a.view()).collect();
                let want = hand(&chain_of(&v), &v, 0, n - 1);
                assert_eq!(super::multi_dot(&v).unwrap(), want);
                let two: Vec<_> = v
                    .iter()
                    .map(|a| a.clone().into_dimensionality::<Ix2>().unwrap())
                    .collect();
                assert_eq!(super::multi_dot(&two).unwrap(), want);
            }
        }
        // Stepped and reversed views of one buffer, with 1-D ends (NumPy: a row and a column).
        let big = matrix(60, 80, 9).into_dyn();
        let x = big.slice(s![3, ..60;-2]).into_dyn();
        let b = big.slice(s![..;2, 10..15]).into_dyn();
        let c = big.slice(s![20..25, ..;-2]).into_dyn();
        let y = big.slice(s![..40;-1, 7]).into_dyn();
        let (row, col) = (
            x.clone().insert_axis(Axis(0)),
            y.clone().insert_axis(Axis(1)),
        );
        let two_d = [row, b.clone(), c.clone(), col];
        let want = hand(&chain_of(&two_d), &two_d, 0, 3);
        let got = super::multi_dot(&[x.clone(), b.clone(), c.clone(), y.clone()]).unwrap();
        assert_eq!(got.shape(), &[] as &[usize]);
        assert_eq!(got[[]], want[[0, 0]]);
        let got = super::multi_dot(&[x, b, c]).unwrap();
        let want = hand(&chain_of(&two_d[..3]), &two_d[..3], 0, 2);
        assert_eq!(got, want.index_axis(Axis(0), 0));
        // A 1×1 first operand (NumPy's BLAS scalar branch of `dot`).
        let (one, p, q) = (matrix(1, 1, 3), matrix(1, 6, 4), matrix(6, 9, 5));
        let v = [one.into_dyn(), p.into_dyn(), q.into_dyn()];
        let v: Vec<_> = v.iter().map(|a| a.view()).collect();
        assert_eq!(super::multi_dot(&v).unwrap(), hand(&chain_of(&v), &v, 0, 2));
        // Integers (the tiny products of their own kernels; exact in any order).
        let ints: Vec<ArrayD<i32>> = [(3, 4), (4, 2), (2, 5)]
            .iter()
            .enumerate()
            .map(|(k, &(r, c))| {
                ArrayD::from_shape_fn(IxDyn(&[r, c]), |ix| (ix[0] * 5 + ix[1] * 3 + k) as i32 - 7)
            })
            .collect();
        let iv: Vec<_> = ints.iter().map(|a| a.view()).collect();
        let want: ArrayD<i32> = crate::dot(&crate::dot(&iv[0], &iv[1]).unwrap(), &iv[2]).unwrap();
        assert_eq!(super::multi_dot(&iv).unwrap(), want);
    }
}
