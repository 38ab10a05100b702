//! Plans of the flattening products and `kron`: `vdot` (one dot product of the operands
//! flattened in C order, the first conjugated), `outer` and `kron` (every result element one
//! product, written once into a new buffer).

use ndarray::{Array2, ArrayD, ArrayView1, ArrayViewD, CowArray, Ix1, IxDyn};

use crate::element::{Element, Kind};
use crate::error::Error;
use crate::kernels::{conj, outer as outer_kernel, rowdot};
use crate::shape;

/// `v` flattened in C order: a 1-D view when its elements are evenly spaced in that order
/// (any 1-D view, a C-contiguous array, ...), else one C-order copy (NumPy's `ravel`).
fn flat<'a, T: Element>(v: ArrayViewD<'a, T>) -> Result<CowArray<'a, T, Ix1>, Error> {
    let n = v.len();
    Ok(match v.clone().into_shape_with_order(n) {
        Ok(f) => CowArray::from(f),
        Err(_) => {
            let mut buf = crate::kernels::mem::try_with_capacity::<T>(n, &[n])?;
            buf.extend(v.iter().copied());
            CowArray::from(ndarray::Array1::from_vec(buf))
        }
    })
}

/// `np.vdot(a, b)`: `Σ conj(a[i])·b[i]` over both operands flattened in C order.
pub(crate) fn vdot<T: Element>(a: ArrayViewD<'_, T>, b: ArrayViewD<'_, T>) -> Result<T, Error> {
    shape::outer::vdot_check(a.len(), b.len())?;
    let (x, y) = (flat(a)?, flat(b)?);
    Ok(vdot1(x.view(), y.view()))
}

/// `Σ conj(x[i])·y[i]`: BLAS's `?dotc` for complex, `?dot` for real floats, our loop otherwise.
fn vdot1<T: Element>(x: ArrayView1<'_, T>, y: ArrayView1<'_, T>) -> T {
    if conj::is_complex::<T>() {
        if let Some(d) = conj::blas_dotc(x.view(), y.view()) {
            return d;
        }
        return rowdot::dot_lane::<T, true>(x, y);
    }
    if T::KIND == Kind::Float && !x.is_empty() {
        return T::dot1(x, y);
    }
    rowdot::dot_lane::<T, false>(x, y)
}

/// `np.outer(a, b)`: `(a.size, b.size)`, element `(i, j)` = `a.flat[i]·b.flat[j]`.
pub(crate) fn outer<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<Array2<T>, Error> {
    let [m, n] = shape::outer::outer_shape(a.len(), b.len())?;
    shape::check_bytes(&[m, n], std::mem::size_of::<T>())?;
    let (x, y) = (flat(a)?, flat(b)?);
    // `b`'s row is read once per row of the result: make it contiguous (n elements) if it is not.
    let y = if y.as_slice().is_some() {
        y
    } else {
        CowArray::from(crate::kernels::mem::try_standard_copy(&y.view())?)
    };
    let v = outer_kernel::outer_new(x.view(), y.view())?;
    Ok(Array2::from_shape_vec((m, n), v).expect("m·n elements"))
}

/// `np.kron(a, b)`.
pub(crate) fn kron<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    let ks = shape::kron::kron_shape(a.shape(), b.shape())?;
    shape::check_bytes(&ks.out_shape, std::mem::size_of::<T>())?;
    let nd = ks.out_shape.len();
    let (a, b) = (pad_leading(a, nd), pad_leading(b, nd));
    let v = outer_kernel::kron_new(a, b)?;
    Ok(ArrayD::from_shape_vec(IxDyn(&ks.out_shape), v).expect("size matches shape"))
}

/// `v` with leading length-1 axes up to `nd` dimensions (a view).
fn pad_leading<T>(mut v: ArrayViewD<'_, T>, nd: usize) -> ArrayViewD<'_, T> {
    while v.ndim() < nd {
        v.insert_axis_inplace(ndarray::Axis(0));
    }
    v
}
