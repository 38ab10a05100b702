//! The fast paths of two `IxDyn` operands that form a small 2-D product, or matrix·vector, or
//! vector·vector: the result straight from the arrays' shapes and strides, as the general path
//! would compute it, without its `IxDyn` bookkeeping.

use super::*;
use crate::kernels::dyn_place::{Built, DynPlace, through_dyn_place};

/// `op(a, b)` of two `IxDyn` operands, when they form a small 2-D product: its result
/// straight, as the general path would compute it first (`crate::plan::small_2d`, which
/// `inner` calls with its operands as `crate::plan::inner` does), vector·vector
/// (`crate::plan::vec_vec`, where the three products agree), matrix·vector and vector·matrix
/// from the arrays' own shapes and strides (see [`mat_vec_dyn`]); `None` for other dimension
/// types and everything else (the general path decides, errors included). The result is built
/// in this in-lined caller's frame by one out-of-line call ([`small_dyn_in`]; see
/// `kernels::dyn_place` for why).
#[inline(always)]
fn small_dyn_of<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<ArrayD<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if const { is_static::<D1, D2>() } {
        return None;
    }
    if a.ndim() == 1 && b.ndim() == 1 {
        // A 0-D result: built after the sum (see `crate::plan::vec_vec`), returned.
        return crate::plan::vec_vec(a, b);
    }
    through_dyn_place(|place| small_dyn_in(op, a, b, place))
}

/// [`small_dyn_of`] built in `place`; the place back where it gives `None`.
#[inline(never)]
fn small_dyn_in<'p, T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    place: DynPlace<'p, T>,
) -> Built<'p, T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    match (a.ndim(), b.ndim(), op) {
        (2, 1, _) | (1, 2, _) => mat_vec_dyn(op, a, b, place),
        // Too large for `small_2d`, which would only decline it.
        (2, 2, _) if !is_small_2d::<T>(op, a.shape(), b.shape()) => mat_mat_dyn(op, a, b, place),
        // `bᵀ` as a static view (no clone of `b`'s dynamic shape and strides).
        (2, 2, Op::Inner) => match crate::kernels::view::as_matrix(b, false) {
            Some(bm) => crate::plan::small_2d_in(a, &bm.t(), place),
            None => Err(place),
        }
        .or_else(|place| mat_mat_dyn(op, a, b, place)),
        (2, 2, _) => {
            crate::plan::small_2d_in(a, b, place).or_else(|place| mat_mat_dyn(op, a, b, place))
        }
        _ => Err(place),
    }
}

/// Whether `op` of an `(n, k)` matrix `a` and a matrix `b` (`(k, m)`, or `(m, k)` for
/// `inner`) is small enough for `crate::plan::small_2d`, which declines every other product (with
/// shapes that do not match, this may say either: `small_2d` declines those too).
fn is_small_2d<T: 'static>(op: Op, sa: &[usize], sb: &[usize]) -> bool {
    let m = if op == Op::Inner { sb[0] } else { sb[1] };
    is_small::<T>(sa[0], m, sa[1])
}

/// Two 2-D `IxDyn` operands of a product that is not small: the static path's [`mat_mat`]
/// on their 2-D views (which computes what the general path computes, with the same kernel),
/// without the general path's `IxDyn` bookkeeping, built in `place`; the place back (the
/// general path decides and reports) wherever [`mat_mat`] would leave it to the general path
/// or give an error.
#[inline(never)]
fn mat_mat_dyn<'p, T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    place: DynPlace<'p, T>,
) -> Built<'p, T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    // The shape checks read the operands' own shapes, not copies of the views' dims.
    let (a_shape, b_shape) = (a.shape(), b.shape());
    let (Some(a), Some(b)) = (matrix(a), matrix(b)) else {
        return Err(place);
    };
    mat_mat_new_dyn(op, (a_shape, b_shape), a.view(), b.view(), place).or_else(
        |place| match mat_mat(op, a, b) {
            Some(Ok(Product::Matrix(m))) if m.is_standard_layout() => {
                let dims = [m.nrows(), m.ncols()];
                match m.into_raw_vec_and_offset() {
                    (v, Some(0) | None) => place.holding(dims, v),
                    _ => Err(place),
                }
            }
            _ => Err(place),
        },
    )
}

/// [`mat_mat`]'s product where [`matrix_large`] would give it to one BLAS call or to
/// matrixmultiply ([`Element::gemm_new_dyn`]), computed into its `ArrayD` built in `place`
/// (see `kernels::dyn_place`); the place back for everything else, errors included
/// ([`mat_mat`] decides). `a_shape` and `b_shape` are the operands' own shapes, those of the
/// views `a` and `b`: the shape rules read them there (see [`mat_mat_dyn`]).
fn mat_mat_new_dyn<'p, T: Element>(
    op: Op,
    (a_shape, b_shape): (&[usize], &[usize]),
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    place: DynPlace<'p, T>,
) -> Built<'p, T> {
    debug_assert!(a_shape == a.shape() && b_shape == b.shape());
    if T::KIND != Kind::Float
        || op.k(a_shape, b_shape).is_err()
        || op.scalar_branch::<T>(a_shape, b_shape)
    {
        return Err(place);
    }
    let b = op.right(b);
    if check_size::<T>(&a, &b, &[a.nrows(), b.ncols()]).is_err() || !takes(&a) || !takes(&b) {
        return Err(place);
    }
    T::gemm_new_dyn(a, b, place)
}

/// Matrix·vector and vector·matrix of two `IxDyn` operands by the in-line vector kernel, as
/// `crate::plan::mat_vec_dyn_in` computes them for the general path (`inner(x, b)` as `b · x`,
/// the operands `crate::plan::inner` gives it), from the arrays' shapes and strides without
/// converting views, built in `place`; the place back where that function gives it back
/// (errors, NumPy's scalar branch, sizes for another kernel, a refused allocation).
#[inline(always)]
fn mat_vec_dyn<'p, T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    place: DynPlace<'p, T>,
) -> Built<'p, T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let (sa, sb) = (a.shape(), b.shape());
    // `y = mat · x` with an `(n, k)` matrix: `a · b`, `bᵀ · a` (vector·matrix of `dot`,
    // `matmul`) or `b · a` (of `inner`).
    let (n, k) = match (sa, sb) {
        (&[n, k], &[kb]) | (&[k], &[kb, n]) if k == kb && (sa.len() == 2 || op != Op::Inner) => {
            (n, k)
        }
        (&[k], &[n, kb]) if k == kb && op == Op::Inner => (n, k),
        _ => return Err(place),
    };
    if !vector::takes_mat_vec::<T>(n, k)
        || (T::KIND == Kind::Float
            && (crate::plan::is_blas_scalar_shape(sa) || crate::plan::is_blas_scalar_shape(sb)))
    {
        return Err(place);
    }
    if n > small::SMALL_MAX_WORK && shape::check_bytes(&[n], std::mem::size_of::<T>()).is_err() {
        return Err(place);
    }
    if sa.len() == 2 {
        vector::mat_vec_arrays_dyn(a, false, b, place)
    } else {
        vector::mat_vec_arrays_dyn(b, op != Op::Inner, a, place)
    }
}

/// `np.dot` of two `IxDyn` operands of a small 2-D product: see [`small_dyn_of`].
#[inline(always)]
pub(crate) fn dot_small_dyn<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<ArrayD<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    small_dyn_of(Op::Dot, a, b)
}

/// `np.inner` of two `IxDyn` operands of a small 2-D product: see [`small_dyn_of`].
#[inline(always)]
pub(crate) fn inner_small_dyn<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<ArrayD<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    small_dyn_of(Op::Inner, a, b)
}

/// `np.matmul` of two `IxDyn` operands of a small 2-D product: see [`small_dyn_of`].
#[inline(always)]
pub(crate) fn matmul_small_dyn<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<ArrayD<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    small_dyn_of(Op::Matmul, a, b)
}
