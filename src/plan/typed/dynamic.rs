//! The fast paths of two `IxDyn` operands that form a small 2-D product, or matrix·vector, or
//! vector·vector: the result straight from the arrays' shapes and strides, as the general path
//! would compute it, without its `IxDyn` bookkeeping.

use super::*;

/// `op(a, b)` of two `IxDyn` operands, when they form a small 2-D product: its result
/// straight, as the general path would compute it first (`crate::plan::small_2d`, which
/// `inner` calls with its operands as `crate::plan::inner` does), vector·vector
/// (`crate::plan::vec_vec`, where the three products agree), matrix·vector and vector·matrix
/// from the arrays' own shapes and strides (see [`mat_vec_dyn`]); `None` for other dimension types and
/// everything else (the general path decides, errors included).
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
    match (a.ndim(), b.ndim(), op) {
        (1, 1, _) => crate::plan::vec_vec(a, b),
        (2, 1, _) | (1, 2, _) => mat_vec_dyn(op, a, b),
        // Too large for `small_2d`, which would only decline it.
        (2, 2, _) if !is_small_2d::<T>(op, a.shape(), b.shape()) => mat_mat_dyn(op, a, b),
        // `bᵀ` as a static view (no clone of `b`'s dynamic shape and strides).
        (2, 2, Op::Inner) => crate::kernels::view::as_matrix(b, false)
            .and_then(|b| crate::plan::small_2d(a, &b.t()))
            .or_else(|| mat_mat_dyn(op, a, b)),
        (2, 2, _) => crate::plan::small_2d(a, b).or_else(|| mat_mat_dyn(op, a, b)),
        _ => None,
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
/// without the general path's `IxDyn` bookkeeping; `None` (the general path decides and
/// reports) wherever [`mat_mat`] would leave it to the general path or give an error.
#[inline(never)]
fn mat_mat_dyn<T, S1, S2, D1, D2>(
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
    let (a, b) = (matrix(a)?, matrix(b)?);
    if let Some(out) = mat_mat_new_dyn(op, a.view(), b.view()) {
        return Some(out);
    }
    match mat_mat(op, a, b)? {
        Ok(Product::Matrix(m)) => Some(m.into_dyn()),
        _ => None,
    }
}

/// [`mat_mat`]'s product where [`matrix_large`] would give it to one BLAS call or to
/// matrixmultiply ([`Element::gemm_new_dyn`]), computed into its `ArrayD` (built first: see
/// `small::product_dyn`); `None` for everything else, errors included ([`mat_mat`] decides).
fn mat_mat_new_dyn<T: Element>(
    op: Op,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Option<ArrayD<T>> {
    if T::KIND != Kind::Float
        || op.k(a.shape(), b.shape()).is_err()
        || op.scalar_branch::<T>(a.shape(), b.shape())
    {
        return None;
    }
    let b = op.right(b);
    check_size::<T>(&a, &b, &[a.nrows(), b.ncols()]).ok()?;
    if !takes(&a) || !takes(&b) {
        return None;
    }
    T::gemm_new_dyn(a, b)
}

/// Matrix·vector and vector·matrix of two `IxDyn` operands by the in-line vector kernel, as
/// `crate::plan::mat_vec_dyn` computes them for the general path (`inner(x, b)` as `b · x`, the
/// operands `crate::plan::inner` gives it), from the arrays' shapes and strides without converting
/// views; `None` where that function gives `None` (errors, NumPy's scalar branch, sizes for
/// another kernel, a refused allocation).
#[inline(never)]
fn mat_vec_dyn<T, S1, S2, D1, D2>(
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
    let (sa, sb) = (a.shape(), b.shape());
    // `y = mat · x` with an `(n, k)` matrix: `a · b`, `bᵀ · a` (vector·matrix of `dot`,
    // `matmul`) or `b · a` (of `inner`).
    let (n, k) = match (sa, sb) {
        (&[n, k], &[kb]) | (&[k], &[kb, n]) if k == kb && (sa.len() == 2 || op != Op::Inner) => {
            (n, k)
        }
        (&[k], &[n, kb]) if k == kb && op == Op::Inner => (n, k),
        _ => return None,
    };
    if !vector::takes_mat_vec::<T>(n, k)
        || (T::KIND == Kind::Float
            && (crate::plan::is_blas_scalar_shape(sa) || crate::plan::is_blas_scalar_shape(sb)))
    {
        return None;
    }
    if n > small::SMALL_MAX_WORK {
        shape::check_bytes(&[n], std::mem::size_of::<T>()).ok()?;
    }
    if sa.len() == 2 {
        vector::mat_vec_arrays_dyn(a, false, b)
    } else {
        vector::mat_vec_arrays_dyn(b, op != Op::Inner, a)
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
