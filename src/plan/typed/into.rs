//! The `out=` forms (`dot_into`, `matmul_into`) for operands and `out` of any dimension types:
//! the 2-D kernel straight into `out` where it takes `out` as it is, else the general path.

use super::*;

/// The fast path (static or `IxDyn` dimensions) of `op(a, b, out=out)` for operands of one or
/// two dimensions and a 1-D or 2-D `out` that the kernel takes as it is (for `dot`,
/// C-contiguous): the 2-D kernel straight into `out`. `false` leaves everything to the general path, which also reports every
/// error.
fn fast_into<T, S1, S2, S3, D1, D2, D3>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    out: &mut ArrayBase<S3, D3>,
) -> bool
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: DataMut<Elem = T>,
    D1: Dimension,
    D2: Dimension,
    D3: Dimension,
{
    if const { !(is_dyn_or_1d_2d::<D1>() && is_dyn_or_1d_2d::<D2>() && is_dyn_or_1d_2d::<D3>()) } {
        return false;
    }
    let (sa, sb) = (a.shape(), b.shape());
    // (n, k, m) of the 2-D product. `ndim()` is a constant for static dimension types (the
    // other arms fold away) and a field read for `IxDyn`, whose 1-D and 2-D operands take the
    // same path.
    let (n, k, m) = match (sa, sb, out.ndim()) {
        ([n, k], [_], 1) => (*n, *k, 1),
        ([k], [_, m], 1) => (1, *k, *m),
        ([n, k], [_, m], 2) => (*n, *k, *m),
        _ => return false,
    };
    let float_scalar = T::KIND == Kind::Float
        && (crate::plan::is_blas_scalar_shape(sa) || crate::plan::is_blas_scalar_shape(sb));
    if op.k(sa, sb).is_err() || float_scalar || (op == Op::Dot && !out.is_standard_layout()) {
        return false;
    }
    if out.ndim() == 1 {
        // Matrix·vector and vector·matrix small enough for the vector kernel: the kernel and
        // the rule of the allocating path (`mat_vec_array`, `vec_mat_array`), straight into a
        // contiguous `out`.
        let rows = if sa.len() == 2 { n } else { m };
        if !(T::KIND == Kind::Float && k <= 1) && vector::takes_mat_vec::<T>(rows, k) {
            // A wrong length goes on to the general path, which reports it.
            if let Some(y) = out.as_slice_mut().filter(|y| y.len() == rows) {
                match sa.len() {
                    2 => vector::mat_vec_arrays_into(a, false, b, y),
                    _ => vector::mat_vec_arrays_into(b, true, a, y),
                }
                return true;
            }
        }
    }
    if is_small::<T>(n, m, k) {
        // Every type's 2-D kernel (`Element::gemm2`) runs the small kernel on a small product,
        // whatever the layout: here on the arrays' own strides, without building views.
        return small::product_into(a, b, out);
    }
    let operands = match (a.ndim(), b.ndim()) {
        (2, 1) => matrix(a).zip(vector(b).map(|x| x.insert_axis(Axis(1)))),
        (1, 2) => vector(a).map(|x| x.insert_axis(Axis(0))).zip(matrix(b)),
        _ => matrix(a).zip(matrix(b)),
    };
    let Some((a2, b2)) = operands else {
        return false;
    };
    if !takes(&a2) || !takes(&b2) {
        return false;
    }
    let c = match out.ndim() {
        1 => match out.view_mut().into_dimensionality::<Ix1>() {
            Ok(o) if n == 1 && o.len() == m => o.insert_axis(Axis(0)),
            Ok(o) if m == 1 && o.len() == n => o.insert_axis(Axis(1)),
            _ => return false,
        },
        _ => match out.view_mut().into_dimensionality::<Ix2>() {
            Ok(o) if o.dim() == (n, m) => o,
            _ => return false,
        },
    };
    if !takes(&c.view()) {
        return false;
    }
    // A refused scratch buffer (allocated before anything is written) goes to the general
    // path, which allocates again and reports it.
    T::gemm2(a2, b2, c).is_ok()
}

/// `np.dot(a, b, out=out)` for operands and `out` of any dimension types.
pub(crate) fn dot_into<T, S1, S2, S3, D1, D2, D3>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    out: &mut ArrayBase<S3, D3>,
) -> Result<(), Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: DataMut<Elem = T>,
    D1: Dimension,
    D2: Dimension,
    D3: Dimension,
{
    if fast_into(Op::Dot, a, b, out) {
        return Ok(());
    }
    crate::plan::dot_into(
        a.view().into_dyn(),
        b.view().into_dyn(),
        out.view_mut().into_dyn(),
    )
}

/// `np.matmul(a, b, out=out)` for operands and `out` of any dimension types.
pub(crate) fn matmul_into<T, S1, S2, S3, D1, D2, D3>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    out: &mut ArrayBase<S3, D3>,
) -> Result<(), Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: DataMut<Elem = T>,
    D1: Dimension,
    D2: Dimension,
    D3: Dimension,
{
    if fast_into(Op::Matmul, a, b, out) {
        return Ok(());
    }
    crate::plan::matmul_into(
        a.view().into_dyn(),
        b.view().into_dyn(),
        out.view_mut().into_dyn(),
    )
}
