//! Layer 2 — plan. Turns a validated product into calls of the batch driver: which operand is
//! viewed how (1-D promotion, flattened leading dims, broadcast batch axes with stride 0,
//! transposed views instead of copies), and which operand must be copied — once per operand,
//! never once per batch item — because BLAS cannot take its layout.

pub(crate) mod copied;
pub(crate) mod layout;
// Used by the product family and einsum.
#[allow(dead_code)]
pub(crate) mod merge;
// ---- product family ----
pub(crate) mod family;
pub(crate) mod gufunc;
pub(crate) mod tensordot;

// ---- np.linalg ----
pub(crate) mod chain;
pub(crate) mod linalg;

// ---- static dimensions ----
pub(crate) mod typed;
mod typed_stack;

use ndarray::{
    ArrayBase, ArrayD, ArrayView2, ArrayViewD, ArrayViewMutD, Axis, CowArray, Data, Dimension, Ix2,
    IxDyn, Zip,
};

use crate::element::{Element, Kind};
use crate::error::Error;
use crate::kernels::batch::batched;
use crate::kernels::dyn_place::{Built, DynPlace, through_dyn_place};
use crate::kernels::mem::try_standard_copy;
use crate::shape::{self, Contraction, MatmulShape};
use layout::mat_layout;

/// Whether `T`'s 2-D kernel wants BLAS-able operands: floats with the `blas` feature, unless
/// matrixmultiply multiplies such operands as they are (see `kernels::choice`). Our own
/// kernels take any strides, so nothing is ever copied for them.
fn wants_blas_layout<T: Element>() -> bool {
    cfg!(feature = "blas")
        && T::KIND == Kind::Float
        && !crate::kernels::choice::takes_any_strides(crate::kernels::choice::Ty::of::<T>())
}

/// Whether the last two axes of `v` form a core BLAS can take as is.
fn core_ok<T: Element>(v: &ArrayViewD<'_, T>) -> bool {
    core_ok_parts::<T>(v.shape(), v.strides())
}

/// [`core_ok`] of an array of any dimension type (≥ 2 dimensions), by its shape and strides.
fn core_ok_parts<T: Element>(sh: &[usize], st: &[isize]) -> bool {
    if !wants_blas_layout::<T>() {
        return true;
    }
    let nd = sh.len();
    debug_assert!(nd >= 2 && st.len() == nd);
    mat_layout((sh[nd - 2], sh[nd - 1]), (st[nd - 2], st[nd - 1])).is_some()
}

/// `v` itself if its cores are BLAS-able, else one C-contiguous copy of the whole operand.
fn prepare<'a, T: Element>(v: ArrayViewD<'a, T>) -> Result<CowArray<'a, T, IxDyn>, Error> {
    Ok(if core_ok(&v) {
        CowArray::from(v)
    } else {
        copied::note::<T>(v.len());
        CowArray::from(try_standard_copy(&v)?)
    })
}

/// `v` (shape `(d0, …, dr, k)`) as a 2-D `(d0·…·dr, k)` operand: a view when its strides allow
/// merging the leading axes (a 1-D `v` is one row; a 2-D one is taken as it is, transposed or
/// not) and the kernel takes the result, otherwise one C-contiguous copy.
fn rows_2d<'a, T: Element>(v: ArrayViewD<'a, T>) -> Result<CowArray<'a, T, ndarray::Ix2>, Error> {
    let nd = v.ndim();
    let k = v.shape()[nd - 1];
    let rows: usize = v.shape()[..nd - 1].iter().product();
    let lead: Vec<usize> = (0..nd - 1).collect();
    let merged = merge::grouped_view(&v, &[&lead, &[nd - 1]])
        .and_then(|m| m.into_dimensionality::<ndarray::Ix2>().ok());
    Ok(match merged {
        Some(m2) if core_ok(&m2.view().into_dyn()) => CowArray::from(m2),
        _ => {
            copied::note::<T>(v.len());
            let owned = try_standard_copy(&v)?;
            CowArray::from(
                owned
                    .into_shape_with_order((rows, k))
                    .expect("standard layout reshapes"),
            )
        }
    })
}

/// A zero-filled C-contiguous result of `shape`, or `TooBig`.
fn alloc<T: Element>(shape: &[usize]) -> Result<ArrayD<T>, Error> {
    let n = shape::check_bytes(shape, std::mem::size_of::<T>())?;
    // A calloc for the primitive types (large results cost no extra pass over memory before
    // the kernel writes them), with NumPy's huge-page hint for results of 4 MiB or more.
    let v = crate::kernels::mem::try_zeroed(n, shape)?;
    Ok(ArrayD::from_shape_vec(IxDyn(shape), v).expect("size matches shape"))
}

/// `out = a * b` where one of them is 0-D (`dot`/`inner` with a scalar operand).
fn multiply<T: Element>(a: ArrayViewD<'_, T>, b: ArrayViewD<'_, T>, mut out: ArrayViewMutD<'_, T>) {
    if a.ndim() == 0 {
        let s = a[[]];
        Zip::from(&mut out)
            .and(&b)
            .for_each(|o, &x| *o = s.np_mul(x));
    } else {
        let s = b[[]];
        Zip::from(&mut out)
            .and(&a)
            .for_each(|o, &x| *o = x.np_mul(s));
    }
}

/// Runs `out = a · b` for a single 2-D product.
fn product_2d<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    out: ArrayViewMutD<'_, T>,
) -> Result<(), Error> {
    let (m, n) = (a.nrows(), b.ncols());
    let out2 = out
        .into_shape_with_order((m, n))
        .expect("C-contiguous result reshapes");
    batched(a.into_dyn(), b.into_dyn(), out2.into_dyn())
}

/// Whether NumPy's BLAS path for `dot` (`cblas_matrixproduct`) treats an operand of this
/// shape as a scalar: 0-D, 1-D of length ≤ 1, or 2-D of shape (1, 1) or (0, 1).
fn is_blas_scalar_shape(shape: &[usize]) -> bool {
    match shape {
        [] => true,
        [n] => *n <= 1,
        [r, 1] => *r <= 1,
        _ => false,
    }
}

/// NumPy's scalar branch of `np.dot`/`np.inner` for float and complex operands of at most 2
/// dimensions (`cblas_matrixproduct`): when one operand is a "scalar" (see
/// [`is_blas_scalar_shape`]; for `inner`, `b` with its last two axes swapped) and the other
/// has more than one element, NumPy zero-fills the result and adds `alpha·x` with `?axpy`,
/// which does nothing when `alpha == 0`: `np.dot(0.0, [inf, 1])` is `[0, 0]`, not
/// `[nan, 0]`, and each element is `0 + alpha·x` (so `-0.0` products become `+0.0`). When
/// the other operand has one element NumPy multiplies directly. Returns `out` back when the
/// branch does not apply, `None` when it computed the result.
fn numpy_blas_scalar<'o, T: Element>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    inner: bool,
    mut out: ArrayViewMutD<'o, T>,
) -> Option<ArrayViewMutD<'o, T>> {
    if T::KIND != Kind::Float || a.ndim() > 2 || b.ndim() > 2 {
        return Some(out);
    }
    let (a_s, b_s) = blas_scalar_shapes(a.shape(), b.shape(), inner);
    if !(a_s || b_s) {
        return Some(out);
    }
    // NumPy makes the second operand the scalar (swapping when the first one is).
    let (scalar, other) = if a_s { (a, b) } else { (b, a) };
    if scalar.len() != 1 || other.is_empty() || out.len() != other.len() {
        return Some(out);
    }
    let alpha = *scalar.iter().next().expect("one element");
    if other.len() == 1 {
        let x = *other.iter().next().expect("one element");
        let (p, q) = if a_s { (alpha, x) } else { (x, alpha) };
        out.iter_mut().for_each(|o| *o = p.np_mul(q));
        return None;
    }
    let zero = T::zero();
    if alpha == zero {
        out.fill(zero);
    } else {
        // Both iterate in logical C order; `out` has `other`'s elements with the length-1
        // contracted axis removed, so the orders match.
        for (o, &x) in out.iter_mut().zip(other.iter()) {
            *o = zero.np_add(alpha.np_mul(x));
        }
    }
    None
}

/// `np.dot` into a C-contiguous `out` of the right shape.
fn dot_compute<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: ArrayViewMutD<'_, T>,
    c: &Contraction,
) -> Result<(), Error> {
    let Some(out) = numpy_blas_scalar(&a, &b, false, out) else {
        return Ok(());
    };
    if let Contraction::Multiply { .. } = c {
        multiply(a, b, out);
        return Ok(());
    }
    if out.is_empty() {
        return Ok(());
    }
    let (a2, b2) = dot_operands(a, b)?;
    let r = product_2d(a2.view(), b2.view(), out);
    recycle(a2);
    recycle(b2);
    r
}

/// Two 2-D operands, each borrowed or a one-time copy.
type Operands2<'a, T> = (CowArray<'a, T, Ix2>, CowArray<'a, T, Ix2>);

/// The two operands of the single 2-D product `(M, k)·(k, N)` that computes `np.dot(a, b)` for
/// `a.ndim() ≥ 1`, `b.ndim() ≥ 1` (no 0-D operand): its result, C-contiguous, is exactly the
/// `(M, N)` view of the C-contiguous result of shape `a.shape[:-1] + b.shape[:-2] + b.shape[-1:]`.
/// Each operand is a view when its strides allow, otherwise one copy.
fn dot_operands<'a, T: Element>(
    a: ArrayViewD<'a, T>,
    b: ArrayViewD<'a, T>,
) -> Result<Operands2<'a, T>, Error> {
    let a2 = rows_2d(a)?;
    let k = a2.ncols();
    if b.ndim() <= 2 {
        // One 2-D product: (M, k) · (k, m).
        let b2 = if b.ndim() == 1 {
            b.insert_axis(Axis(1))
        } else {
            b
        };
        let b2 = prepare(b2)?.into_dimensionality::<Ix2>().expect("2-D");
        return Ok((a2, b2));
    }
    // b is (J…, k, m). NumPy loops over the rows of `a` here; we make it ONE product
    // (M, k)·(k, J·m): b's axes permuted to (k, J…, m) and merged — a view when its strides
    // allow, otherwise one copy of b — and `out` (M, J…, m) is exactly the (M, J·m) result.
    let nd = b.ndim();
    let jm: usize = b.shape()[..nd - 2].iter().product::<usize>() * b.shape()[nd - 1];
    let rest: Vec<usize> = (0..nd - 2).chain([nd - 1]).collect();
    let merged = merge::grouped_view(&b, &[&[nd - 2], &rest])
        .and_then(|m| m.into_dimensionality::<Ix2>().ok());
    let b2: CowArray<'_, T, Ix2> = match merged {
        Some(v) if core_ok(&v.view().into_dyn()) => CowArray::from(v),
        _ => {
            copied::note::<T>(b.len());
            let mut perm = vec![nd - 2];
            perm.extend(0..nd - 2);
            perm.push(nd - 1);
            CowArray::from(
                try_standard_copy(&b.permuted_axes(IxDyn(&perm)))?
                    .into_shape_with_order((k, jm))
                    .expect("standard layout reshapes"),
            )
        }
    };
    Ok((a2, b2))
}

/// Whether NumPy's BLAS scalar branch (see [`numpy_blas_scalar`]) may apply to operands of
/// these shapes (`inner`: `b` as NumPy sees it, last two axes swapped).
fn may_take_scalar_branch<T: Element>(sa: &[usize], sb: &[usize], inner: bool) -> bool {
    if T::KIND != Kind::Float || sa.len() > 2 || sb.len() > 2 {
        return false;
    }
    let (a_s, b_s) = blas_scalar_shapes(sa, sb, inner);
    a_s || b_s
}

/// Whether `a` and `b` (of at most 2 dimensions) have [`is_blas_scalar_shape`]s, `b` with its
/// two axes swapped for `inner`: NumPy's test of its scalar branch, without allocating (it runs
/// on every float `dot` and `inner` of operands of at most two dimensions).
fn blas_scalar_shapes(sa: &[usize], sb: &[usize], inner: bool) -> (bool, bool) {
    let b_s = match *sb {
        [r, c] if inner => is_blas_scalar_shape(&[c, r]),
        _ => is_blas_scalar_shape(sb),
    };
    (is_blas_scalar_shape(sa), b_s)
}

/// A new result of shape `out_shape` for the 2-D product `a2 · b2` written directly by one BLAS
/// call, without zero-filling it first (see `blas::gemm_new`); `None` when that does not apply.
fn new_result<T: Element>(
    a2: ArrayView2<'_, T>,
    b2: ArrayView2<'_, T>,
    out_shape: &[usize],
) -> Result<Option<ArrayD<T>>, Error> {
    // The buffer is the result: NumPy's message names the result's shape.
    let v = T::gemm_new(a2, b2).map_err(|e| crate::kernels::mem::with_shape(e, out_shape))?;
    Ok(v.map(|v| ArrayD::from_shape_vec(IxDyn(out_shape), v).expect("product covers the result")))
}

/// The result of shape `out_shape` of the 2-D product `a2 · b2`: [`new_result`] where it
/// applies, else a zero-filled result the product is added into.
fn new_or_alloc<T: Element>(
    a2: ArrayView2<'_, T>,
    b2: ArrayView2<'_, T>,
    out_shape: &[usize],
) -> Result<ArrayD<T>, Error> {
    if let Some(out) = new_result(a2, b2, out_shape)? {
        return Ok(out);
    }
    let mut out = alloc::<T>(out_shape)?;
    product_2d(a2, b2, out.view_mut())?;
    Ok(out)
}

/// Hands an operand's one-time copy to `mem::keep` once the product is done (the next copy of
/// the same size on this thread reuses its pages); a borrowed operand is left alone.
fn recycle<T: Element, D: ndarray::Dimension>(c: CowArray<'_, T, D>) {
    if c.is_owned() {
        crate::kernels::mem::keep(c.into_owned().into_raw_vec_and_offset().0);
    }
}

/// `np.inner` into a C-contiguous `out` of the right shape: one `(M, k)·(k, N)` product with `b`
/// passed transposed.
fn inner_compute<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: ArrayViewMutD<'_, T>,
    c: &Contraction,
) -> Result<(), Error> {
    let Some(out) = numpy_blas_scalar(&a, &b, true, out) else {
        return Ok(());
    };
    if let Contraction::Multiply { .. } = c {
        multiply(a, b, out);
        return Ok(());
    }
    if out.is_empty() {
        return Ok(());
    }
    let a2 = rows_2d(a)?;
    let b2 = rows_2d(b)?;
    let r = product_2d(a2.view(), b2.view().reversed_axes(), out);
    recycle(a2);
    recycle(b2);
    r
}

/// The operands of `np.matmul` as stacks `(batch…, n, k)` and `(batch…, k, m)` before their
/// batch broadcast: a missing `n` is a size-1 axis before `a`'s last, a missing `m` one after
/// `b`'s last (for 1-D operands this is NumPy's prepend/append; for a too-short `out` it turns
/// `a`'s row axis or `b`'s column axis into a loop axis, as NumPy does), loop axes beyond
/// `ms.batch` (possible only with a short `out`, all of size 1) dropped, and cores BLAS cannot
/// take as they are copied once (`b` is `None` when it is the same view as `a`, copied once for
/// both: `s @ s`).
fn matmul_operands<'a, T: Element>(
    a: ArrayViewD<'a, T>,
    b: ArrayViewD<'a, T>,
    ms: &MatmulShape,
) -> Result<Operands<'a, T>, Error> {
    let (a_nd, b_nd) = (a.ndim(), b.ndim());
    let a = if ms.a_vec {
        a.insert_axis(Axis(a_nd - 1))
    } else {
        a
    };
    let b = if ms.b_vec {
        b.insert_axis(Axis(b_nd))
    } else {
        b
    };
    let bd = ms.batch.len();
    let drop_extra = |mut v: ArrayViewD<'a, T>| {
        while v.ndim() > bd + 2 {
            v = v.index_axis_move(Axis(0), 0);
        }
        v
    };
    let (a, b) = (drop_extra(a), drop_extra(b));
    // `s @ s` with the same non-BLAS-able view on both sides: copy it once, not twice.
    let same = a.as_ptr() == b.as_ptr() && a.shape() == b.shape() && a.strides() == b.strides();
    let a = prepare(a)?;
    let b = if same && a.is_owned() {
        None
    } else {
        Some(prepare(b)?)
    };
    Ok((a, b))
}

/// [`matmul_operands`]' result: `a`, and `b` unless it is `a`.
type Operands<'a, T> = (CowArray<'a, T, IxDyn>, Option<CowArray<'a, T, IxDyn>>);

/// The batch broadcast of [`matmul_operands`]' stacks to `(batch…, n, k)` and
/// `(batch…, k, m)`.
fn matmul_broadcast<'v, T: Element>(
    ops: &'v Operands<'_, T>,
    ms: &MatmulShape,
) -> (ArrayViewD<'v, T>, ArrayViewD<'v, T>) {
    let a = &ops.0;
    let b = ops.1.as_ref().unwrap_or(a);
    let mut ashape = ms.batch.clone();
    ashape.extend_from_slice(&[ms.n, ms.k]);
    let mut bshape = ms.batch.clone();
    bshape.extend_from_slice(&[ms.k, ms.m]);
    let a_b = a
        .broadcast(IxDyn(&ashape))
        .expect("shape rules guarantee broadcast");
    let b_b = b
        .broadcast(IxDyn(&bshape))
        .expect("shape rules guarantee broadcast");
    (a_b, b_b)
}

/// Whether every batch stride of the broadcast `b` is 0 (one `b` shared by every item).
fn b_shared<T>(b_b: &ArrayViewD<'_, T>, bd: usize) -> bool {
    bd > 0 && b_b.strides()[..bd].iter().all(|&s| s == 0)
}

/// `np.matmul` into `out` (any strides) of shape `ms.out_shape`.
fn matmul_compute<'a, T: Element>(
    a: ArrayViewD<'a, T>,
    b: ArrayViewD<'a, T>,
    out: ArrayViewMutD<'_, T>,
    ms: &MatmulShape,
) -> Result<(), Error> {
    if out.is_empty() {
        return Ok(());
    }
    let ops = matmul_operands(a, b, ms)?;
    let r = matmul_run(&ops, out, ms);
    let (a, b) = ops;
    recycle(a);
    if let Some(b) = b {
        recycle(b);
    }
    r
}

/// The product of [`matmul_compute`] on its prepared operands.
fn matmul_run<T: Element>(
    ops: &Operands<'_, T>,
    out: ArrayViewMutD<'_, T>,
    ms: &MatmulShape,
) -> Result<(), Error> {
    let (a_b, b_b) = matmul_broadcast(ops, ms);
    let bd = ms.batch.len();
    let mut out = out;
    if ms.a_vec {
        out = out.insert_axis(Axis(bd));
    }
    if ms.b_vec {
        out = out.insert_axis(Axis(bd + 1));
    }
    if b_shared(&b_b, bd) {
        // `b` is shared by every batch item: fold the batch into the rows of one product
        // when `a` and `out` allow it without copies.
        let rows = ms.batch.iter().product::<usize>() * ms.n;
        let a_flat = a_b.clone().into_shape_with_order((rows, ms.k)).ok();
        if let Some(a_flat) = a_flat.filter(|v| core_ok(&v.view().into_dyn()))
            && out.view().into_shape_with_order((rows, ms.m)).is_ok()
        {
            let o_flat = out
                .into_shape_with_order((rows, ms.m))
                .expect("checked above");
            let b2 = b_b.index_axis_move_batch(bd);
            return batched(a_flat.into_dyn(), b2.into_dyn(), o_flat.into_dyn());
        }
    }
    batched(a_b, b_b, out)
}

/// `np.matmul` of stacks (a non-empty batch shape) as a new result, each item written whole
/// by its kernel without a zero-fill pass over the result first; `None` where that does not
/// apply (no batch axes, an empty result, or a `b` shared by every item, which
/// [`matmul_compute`] folds into one product).
fn matmul_stack_new<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    ms: &MatmulShape,
) -> Result<Option<ArrayD<T>>, Error> {
    let bd = ms.batch.len();
    if bd == 0 {
        return Ok(None);
    }
    // NumPy's size check first (`TooBig`), as `alloc` in the general path.
    let len = shape::check_bytes(&ms.out_shape, std::mem::size_of::<T>())?;
    if len == 0 {
        return Ok(None);
    }
    // `b` shared by every item: decided on the shapes alone (its broadcast has batch strides 0
    // exactly where its batch axes are missing or of size 1), before any allocation.
    let b_core = if ms.b_vec { 1 } else { 2 };
    let b_batch = &b.shape()[..b.ndim().saturating_sub(b_core)];
    if b_batch.iter().all(|&d| d == 1) {
        return Ok(None);
    }
    // The result first, as `alloc` in the general path: its `MemoryError` comes before any
    // copy's.
    let mut v = crate::kernels::mem::try_with_capacity::<T>(len, &ms.out_shape)?;
    let ops = matmul_operands(a, b, ms)?;
    let (a_b, b_b) = matmul_broadcast(&ops, ms);
    if b_shared(&b_b, bd) {
        // A `b` whose batch axes the caller broadcast (stride 0): the general path folds it.
        return Ok(None);
    }
    crate::kernels::batch::batched_new(a_b, b_b, &mut v)?;
    Ok(Some(
        ArrayD::from_shape_vec(IxDyn(&ms.out_shape), v).expect("size matches shape"),
    ))
}

/// Drops the (stride-0) batch axes of a view, keeping its 2-D core.
trait IndexBatch<'a, T> {
    fn index_axis_move_batch(self, bd: usize) -> ArrayView2<'a, T>;
}
impl<'a, T> IndexBatch<'a, T> for ArrayViewD<'a, T> {
    fn index_axis_move_batch(self, bd: usize) -> ArrayView2<'a, T> {
        let mut v = self;
        for _ in 0..bd {
            v = v.index_axis_move(Axis(0), 0);
        }
        v.into_dimensionality().expect("2-D core")
    }
}

/// A small product of two operands of any storage and dimension type, where `dot` and
/// `matmul` agree: matrix·matrix `(n, k)·(k, m)`, matrix·vector `(n, k)·(k,)` and
/// vector·matrix `(k,)·(k, m)`. Computed in-line straight from the arrays, without building
/// views or calling BLAS (for a 4×4 product that bookkeeping would cost more than the
/// arithmetic), by the same kernel the general path picks for these sizes. `None` for
/// everything else, errors included.
pub(crate) fn small_2d<T, S1, S2, D1, D2>(
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
    through_dyn_place(|place| small_2d_in(a, b, place))
}

/// [`small_2d`] built in `place` (see `kernels::dyn_place`); the place back where
/// [`small_2d`] gives `None`.
#[inline]
pub(crate) fn small_2d_in<'p, T, S1, S2, D1, D2>(
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
    let place = if sa.len() + sb.len() == 3 {
        match mat_vec_dyn_in(a, b, place) {
            Ok(written) => return Ok(written),
            Err(place) => place,
        }
    } else {
        place
    };
    // (n, k, m) of the 2-D product, and whether each operand is a matrix.
    let (n, k, m) = match (sa, sb) {
        ([n, k], [kb, m]) if k == kb => (*n, *k, *m),
        ([n, k], [kb]) if k == kb => (*n, *k, 1),
        ([k], [kb, m]) if k == kb => (1, *k, *m),
        _ => return Err(place),
    };
    if !crate::kernels::is_small::<T>(n, m, k)
        || (T::KIND == Kind::Float && (is_blas_scalar_shape(sa) || is_blas_scalar_shape(sb)))
    {
        return Err(place);
    }
    // An empty result can still be too big (NumPy: itemsize × non-zero dims): leave empty
    // results to the general path. A non-empty one has n·m ≤ 4096 elements (`is_small`).
    if n == 0 || m == 0 {
        return Err(place);
    }
    // On an allocation failure the general path allocates again and reports it.
    crate::kernels::small::product_dyn(a, b, n, m, place)
}

/// Two 1-D operands of equal length (`dot`, `inner` and `matmul` all give the 0-D sum of
/// products): straight to `?dot` without the general bookkeeping. `None` for anything else.
pub(crate) fn vec_vec<T, S1, S2, D1, D2>(
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
    if a.ndim() != 1 || b.ndim() != 1 || a.len() != b.len() || a.len() <= 1 {
        return None;
    }
    // A static 0-D array converted costs less than building the dynamic shape.
    crate::kernels::vector::dot_arrays(a, b).map(|d| ndarray::arr0(d).into_dyn())
}

/// Matrix·vector `(n, k)·(k,)` and vector·matrix `(k,)·(k, m)` of operands of any storage and
/// dimension type, where `dot` and `matmul` agree, small enough for the in-line vector kernel
/// (see `vector::takes_mat_vec`): computed straight into the new 1-D result built in `place`.
/// The place back for everything else (errors, NumPy's scalar branch, a refused allocation:
/// the general path decides and reports).
#[inline]
pub(crate) fn mat_vec_dyn_in<'p, T, S1, S2, D1, D2>(
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
    use crate::kernels::vector;
    let (sa, sb) = (a.shape(), b.shape());
    let mat_vec = match (sa, sb) {
        ([n, k], [kb]) if k == kb => vector::takes_mat_vec::<T>(*n, *k),
        ([k], [kb, m]) if k == kb => vector::takes_mat_vec::<T>(*m, *k),
        _ => return Err(place),
    };
    if !mat_vec
        || (T::KIND == Kind::Float && (is_blas_scalar_shape(sa) || is_blas_scalar_shape(sb)))
    {
        return Err(place);
    }
    if sa.len() == 2 {
        if shape::check_bytes(&[sa[0]], std::mem::size_of::<T>()).is_err() {
            return Err(place);
        }
        vector::mat_vec_arrays_dyn(a, false, b, place)
    } else {
        if shape::check_bytes(&[sb[1]], std::mem::size_of::<T>()).is_err() {
            return Err(place);
        }
        vector::mat_vec_arrays_dyn(b, true, a, place)
    }
}

/// The common cases of matrix·matrix `(n, k)·(k, m)`, matrix·vector `(n, k)·(k,)` and
/// vector·matrix `(k,)·(k, m)` whose operands BLAS (or our kernels) take as they are, in any
/// order (C, F, transposed), where `dot` and `matmul` agree: skips the general bookkeeping,
/// which would otherwise cost more than a small product. `None` sends every other case
/// (errors included) down the general path.
fn product_2d_fast<T: Element>(a: &ArrayViewD<'_, T>, b: &ArrayViewD<'_, T>) -> Option<ArrayD<T>> {
    let (sa, sb) = (a.shape(), b.shape());
    let (a_nd, b_nd) = (sa.len(), sb.len());
    if !(1..=2).contains(&a_nd) || !(1..=2).contains(&b_nd) || (a_nd == 1 && b_nd == 1) {
        return None;
    }
    if sa[a_nd - 1] != sb[0] {
        return None;
    }
    if T::KIND == Kind::Float && (is_blas_scalar_shape(sa) || is_blas_scalar_shape(sb)) {
        // `dot`'s scalar branch (see `numpy_blas_scalar`) is handled by the general path.
        return None;
    }
    let a2 = if a_nd == 2 {
        a.view().into_dimensionality::<Ix2>().ok()?
    } else {
        a.view()
            .insert_axis(Axis(0))
            .into_dimensionality::<Ix2>()
            .ok()?
    };
    let b2 = if b_nd == 2 {
        b.view().into_dimensionality::<Ix2>().ok()?
    } else {
        b.view()
            .insert_axis(Axis(1))
            .into_dimensionality::<Ix2>()
            .ok()?
    };
    let (n, m) = (a2.nrows(), b2.ncols());
    if wants_blas_layout::<T>() {
        let ok =
            |v: &ArrayView2<'_, T>| mat_layout(v.dim(), (v.strides()[0], v.strides()[1])).is_some();
        if !ok(&a2) || !ok(&b2) {
            return None;
        }
    }
    let len = shape::check_bytes(&[n, m], std::mem::size_of::<T>()).ok()?;
    let shape: &[usize] = match (a_nd, b_nd) {
        (2, 2) => &[n, m],
        (2, _) => &[n],
        _ => &[m],
    };
    // Allocation failures give `None`: the general path allocates again and reports them.
    if let Some(v) = T::gemm_new(a2.view(), b2.view()).ok()? {
        return ArrayD::from_shape_vec(IxDyn(shape), v).ok();
    }
    let mut out = ndarray::Array2::from_shape_vec(
        (n, m),
        crate::kernels::mem::try_zeroed(len, &[n, m]).ok()?,
    )
    .ok()?;
    if len > 0 {
        T::gemm2(a2, b2, out.view_mut()).ok()?;
    }
    out.into_shape_with_order(IxDyn(shape)).ok()
}

/// `np.dot(a, b)`.
pub(crate) fn dot<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    if let Some(out) = product_2d_fast(&a, &b) {
        return Ok(out);
    }
    let c = shape::dot_shape(a.shape(), b.shape())?;
    if T::KIND == Kind::Float
        && !matches!(c, Contraction::Multiply { .. })
        && !may_take_scalar_branch::<T>(a.shape(), b.shape(), false)
    {
        // N-D dot as one 2-D product, straight into a new result when one BLAS call writes
        // all of it (no zero-fill first).
        let n = shape::check_bytes(c.out_shape(), std::mem::size_of::<T>())?;
        if n > 0 {
            let (a2, b2) = dot_operands(a, b)?;
            let r = new_or_alloc(a2.view(), b2.view(), c.out_shape());
            recycle(a2);
            recycle(b2);
            return r;
        }
    }
    let mut out = alloc::<T>(c.out_shape())?;
    dot_compute(a, b, out.view_mut(), &c)?;
    Ok(out)
}

/// `np.inner(a, b)`.
pub(crate) fn inner<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    // Small 2-D/1-D products in-line: inner(a, x) = a·x, inner(x, b) = b·x,
    // inner(a, b) = a·bᵀ (the same kernel the general path picks for these sizes).
    let small = match (a.ndim(), b.ndim()) {
        (2, 1) => small_2d(&a, &b),
        (1, 2) => small_2d(&b, &a),
        (2, 2) => small_2d(&a, &b.t()),
        _ => None,
    };
    if let Some(out) = small {
        return Ok(out);
    }
    let c = shape::inner_shape(a.shape(), b.shape())?;
    if T::KIND == Kind::Float
        && !matches!(c, Contraction::Multiply { .. })
        && !may_take_scalar_branch::<T>(a.shape(), b.shape(), true)
    {
        // N-D inner as one 2-D product (`?syrk` for inner(a, a)), straight into a new result
        // when one BLAS call writes all of it (no zero-fill first).
        let n = shape::check_bytes(c.out_shape(), std::mem::size_of::<T>())?;
        if n > 0 {
            let (a2, b2) = (rows_2d(a)?, rows_2d(b)?);
            let r = new_or_alloc(a2.view(), b2.view().reversed_axes(), c.out_shape());
            recycle(a2);
            recycle(b2);
            return r;
        }
    }
    let mut out = alloc::<T>(c.out_shape())?;
    inner_compute(a, b, out.view_mut(), &c)?;
    Ok(out)
}

/// `np.matmul(a, b)`.
pub(crate) fn matmul<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
) -> Result<ArrayD<T>, Error> {
    if let Some(out) = product_2d_fast(&a, &b) {
        return Ok(out);
    }
    let ms = shape::matmul_shape(a.shape(), b.shape(), None)?;
    if T::KIND == Kind::Float && a.ndim() == 1 && b.ndim() == 2 {
        // vector · matrix straight into a new result when a kernel writes all of it.
        shape::check_bytes(&ms.out_shape, std::mem::size_of::<T>())?;
        let a2 = a.view().insert_axis(Axis(0)).into_dimensionality::<Ix2>();
        let b2 = b.view().into_dimensionality::<Ix2>();
        if let (Ok(a2), Ok(b2)) = (a2, b2)
            && let Some(out) = new_result(a2, b2, &ms.out_shape)?
        {
            return Ok(out);
        }
    }
    if let Some(out) = matmul_stack_new(a.view(), b.view(), &ms)? {
        return Ok(out);
    }
    let mut out = alloc::<T>(&ms.out_shape)?;
    matmul_compute(a, b, out.view_mut(), &ms)?;
    Ok(out)
}

/// Two 2-D operands `(n, k)·(k, m)` into a 2-D `out` of shape `(n, m)` (C-contiguous when
/// `c_order`, as `dot` requires) that the kernels take as they are: the common case of
/// `dot_into`/`matmul_into`, straight to the 2-D kernel without the general bookkeeping (which
/// would cost several times a tiny product). Gives `out` back when that does not apply (errors
/// included: the general path reports them); `Err(MemoryError)` when the kernel's scratch
/// cannot be allocated.
fn product_2d_into<'o, T: Element>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    out: ArrayViewMutD<'o, T>,
    c_order: bool,
) -> Result<Option<ArrayViewMutD<'o, T>>, Error> {
    let (sa, sb, so) = (a.shape(), b.shape(), out.shape());
    if sa.len() != 2
        || sb.len() != 2
        || so.len() != 2
        || sa[1] != sb[0]
        || so != [sa[0], sb[1]]
        || (c_order && !out.is_standard_layout())
        || (T::KIND == Kind::Float && (is_blas_scalar_shape(sa) || is_blas_scalar_shape(sb)))
    {
        return Ok(Some(out));
    }
    if wants_blas_layout::<T>() {
        let ok = |d: &[usize], st: &[isize]| mat_layout((d[0], d[1]), (st[0], st[1])).is_some();
        if !ok(sa, a.strides()) || !ok(sb, b.strides()) || !ok(so, out.strides()) {
            return Ok(Some(out));
        }
    }
    let (Ok(a2), Ok(b2)) = (
        a.view().into_dimensionality::<Ix2>(),
        b.view().into_dimensionality::<Ix2>(),
    ) else {
        return Ok(Some(out));
    };
    T::gemm2(
        a2,
        b2,
        out.into_dimensionality::<Ix2>().expect("checked: 2-D"),
    )?;
    Ok(None)
}

/// `np.dot(a, b, out=out)`.
pub(crate) fn dot_into<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: ArrayViewMutD<'_, T>,
) -> Result<(), Error> {
    let Some(out) = product_2d_into(&a, &b, out, true)? else {
        return Ok(());
    };
    // No size check: with `out`, NumPy allocates nothing (a result too big to exist cannot
    // match `out`, and the `out` checks say so).
    let c = shape::dot_rule(a.shape(), b.shape())?;
    if let Contraction::Multiply { .. } = c
        && shape::dot_out_uses_multiply(T::KIND == Kind::Float, a.ndim(), b.ndim())
    {
        // NumPy's `np.multiply(a, b, out=out)` path: ufunc rules, any `out` strides, the
        // product broadcast into `out`.
        shape::check_multiply_out(a.shape(), b.shape(), out.shape())?;
        let mut out = out;
        Zip::from(&mut out)
            .and_broadcast(&a)
            .and_broadcast(&b)
            .for_each(|o, &x, &y| *o = x.np_mul(y));
        return Ok(());
    }
    shape::check_dot_out(c.out_shape(), out.shape(), out.is_standard_layout())?;
    dot_compute(a, b, out, &c)
}

/// `np.matmul(a, b, out=out)`.
pub(crate) fn matmul_into<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    out: ArrayViewMutD<'_, T>,
) -> Result<(), Error> {
    let Some(out) = product_2d_into(&a, &b, out, false)? else {
        return Ok(());
    };
    let ms = shape::matmul_shape(a.shape(), b.shape(), Some(out.shape()))?;
    matmul_compute(a, b, out, &ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, s};

    /// `blas_scalar_shapes` answers as the test it replaced (a copy of `b`'s shape, its two
    /// axes swapped for `inner`), for every shape of 0–2 dimensions of lengths 0–2.
    #[test]
    fn blas_scalar_shapes_swap_b_for_inner() {
        let mut shapes: Vec<Vec<usize>> = vec![vec![]];
        for d in 0..3 {
            shapes.push(vec![d]);
            for e in 0..3 {
                shapes.push(vec![d, e]);
            }
        }
        for sa in &shapes {
            for sb in &shapes {
                for inner in [false, true] {
                    let mut swapped = sb.clone();
                    if inner && swapped.len() == 2 {
                        swapped.swap(0, 1);
                    }
                    let want = (is_blas_scalar_shape(sa), is_blas_scalar_shape(&swapped));
                    assert_eq!(
                        blas_scalar_shapes(sa, sb, inner),
                        want,
                        "{sa:?} {sb:?} {inner}"
                    );
                }
            }
        }
        // The swap matters: (0, 1) is a scalar shape, (1, 0) is not.
        assert_eq!(blas_scalar_shapes(&[2, 2], &[0, 1], false), (false, true));
        assert_eq!(blas_scalar_shapes(&[2, 2], &[0, 1], true), (false, false));
        assert_eq!(blas_scalar_shapes(&[2, 2], &[1, 0], true), (false, true));
    }

    /// `a·aᵀ` on the same data takes `?syrk` + mirror (and the no-zero-fill allocation); it must
    /// equal the general product of the same numbers (integer-valued, so exact).
    #[test]
    fn symmetric_products_equal_general_ones() {
        let a = Array2::from_shape_fn((20, 7), |(i, j)| ((i * 7 + j) % 11) as f64 - 5.0).into_dyn();
        let at = a.t();
        let at_copy = at.to_owned();
        let fast = matmul(a.view(), at.view()).unwrap();
        let general = matmul(a.view(), at_copy.view()).unwrap();
        assert_eq!(fast, general);
        assert_eq!(inner(a.view(), a.view()).unwrap(), general);
        // Column-major operand: syrk with the transpose flag.
        let f = a.t().to_owned(); // (7, 20) C-order: its transpose is a column-major (20, 7)
        let fa = f.t();
        assert_eq!(matmul(fa.view(), f.view()).unwrap(), general);
        // Stepped rows are copied once, then multiplied.
        let big = Array2::from_shape_fn((40, 7), |(i, j)| ((i * 3 + j) % 5) as f64).into_dyn();
        let stepped = big.slice(s![..;2, ..]).into_dyn();
        let want = matmul(stepped.to_owned().view(), stepped.t().to_owned().view()).unwrap();
        assert_eq!(matmul(stepped.view(), stepped.t()).unwrap(), want);
    }
}
