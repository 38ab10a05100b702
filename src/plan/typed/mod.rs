//! Static dimensions: products of `Array1`/`Array2` operands (any storage) straight to the
//! kernels, without an `IxDyn` shape, stride vector or result.
//!
//! The common cases — vector·vector (the scalar itself), matrix·vector, vector·matrix and
//! matrix·matrix for `dot`, `inner` and `matmul`, and their `_into` forms into a 1-D or 2-D
//! `out` ([`into`]) — take the operands' static views as they are, check their shapes with the
//! same functions of `shape` as the general path (allocation-free variants: one source of truth for
//! every rule and every message) and allocate the result once, with its final dimension type.
//! Each one computes what the general path computes on the same data, with the same kernel:
//! where the general path would do something else first (NumPy's BLAS scalar branch of
//! `dot`/`inner` for float operands with one element; a copy of a float operand BLAS cannot
//! take as it is), the case goes to the general path. Everything else (other dimension
//! counts, most `IxDyn` products) converts to `IxDyn` views and calls the general path;
//! `IxDyn` operands of a small 2-D product, matrix·vector or vector·vector take the fast paths
//! of [`dynamic`].

use ndarray::{
    Array1, Array2, Array3, ArrayBase, ArrayD, ArrayView1, ArrayView2, ArrayViewMut2, Axis, Data,
    DataMut, Dimension, Ix1, Ix2,
};

use super::layout::mat_layout;
use crate::element::{Element, Kind};
use crate::error::Error;
use crate::kernels::result::RawResult;
use crate::kernels::{is_small, mem, small, vector};
use crate::shape;

mod dynamic;
mod into;

pub(crate) use dynamic::{dot_small_dyn, inner_small_dyn, matmul_small_dyn};
pub(crate) use into::{dot_into, matmul_into};

/// A product's result as the plan computed it, before the public layer gives it the static
/// type its operands' dimension types call for (see `crate::dims::ResultDim`).
#[doc(hidden)]
#[derive(Debug)]
pub enum Product<T> {
    /// A 0-D result of a product of static dimensions: the scalar itself.
    Scalar(T),
    /// A 1-D result.
    Vector(Array1<T>),
    /// A 2-D result.
    Matrix(Array2<T>),
    /// A 3-D result (a stack of matrices).
    Stack(Array3<T>),
    /// A result of the general path.
    Dyn(ArrayD<T>),
}

impl<T> Product<T> {
    /// The result's number of dimensions.
    pub fn ndim(&self) -> usize {
        match self {
            Product::Scalar(_) => 0,
            Product::Vector(_) => 1,
            Product::Matrix(_) => 2,
            Product::Stack(_) => 3,
            Product::Dyn(a) => a.ndim(),
        }
    }
}

/// Which product.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Dot,
    Inner,
    Matmul,
}

impl Op {
    /// `b` as the right operand of the 2-D product: `bᵀ` for `inner`, `b` itself otherwise.
    fn right<'a, T>(self, b: ArrayView2<'a, T>) -> ArrayView2<'a, T> {
        if self == Op::Inner {
            b.reversed_axes()
        } else {
            b
        }
    }

    /// The contracted length of operands of one or two dimensions each, or NumPy's error: the
    /// general path's own check.
    fn k(self, a: &[usize], b: &[usize]) -> Result<usize, Error> {
        match self {
            Op::Dot => shape::dot_k(a, b),
            Op::Inner => shape::inner_k(a, b),
            Op::Matmul => shape::matmul_k(a, b),
        }
    }

    /// Whether the general path takes NumPy's BLAS scalar branch (`dot`/`inner` of float
    /// operands where one has a single element) for operands of these shapes.
    fn scalar_branch<T: Element>(self, a: &[usize], b: &[usize]) -> bool {
        self != Op::Matmul && super::may_take_scalar_branch::<T>(a, b, self == Op::Inner)
    }
}

/// Whether BLAS takes this 2-D operand as it is, or `T`'s kernel takes any layout.
fn takes<T: Element>(v: &ArrayView2<'_, T>) -> bool {
    !super::wants_blas_layout::<T>()
        || mat_layout(v.dim(), (v.stride_of(Axis(0)), v.stride_of(Axis(1)))).is_some()
}

/// `a · b` into a new C-contiguous buffer of `n·m` elements, as the general path computes it:
/// for two matrices (`matrices`) of a small product, the small in-line kernel; else one kernel
/// call writing a new buffer, or a zeroed buffer and the type's 2-D kernel (which picks its
/// own small, skinny or BLAS path). `None` (the general path) when BLAS cannot take a float
/// operand as it is. The caller has checked the shapes and the result's size.
///
/// A boxed slice, not a `Vec`: the ways out meet in two registers (pointer, length) instead
/// of a `Vec` on the stack, written field by field and copied by wide loads, a failed
/// store-to-load forward (perf annotate).
#[inline]
fn product_new<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    matrices: bool,
) -> Option<Box<[T]>> {
    let (n, k) = a.dim();
    let m = b.ncols();
    if n == 0 || m == 0 {
        return Some(Box::default());
    }
    if matrices && is_small::<T>(n, m, k) {
        // An allocation failure goes to the general path, which allocates again and reports it.
        return small::product_vec(&a, &b).ok().map(Vec::into_boxed_slice);
    }
    if !takes(&a) || !takes(&b) {
        return None;
    }
    if let Some(v) = T::gemm_new_boxed(a.view(), b.view()) {
        return Some(v);
    }
    if let Some(v) = T::gemm_new(a.view(), b.view()).ok()? {
        return Some(v.into_boxed_slice());
    }
    let mut v = mem::try_zeroed(n * m, &[n, m]).ok()?;
    T::gemm2(a, b, ArrayViewMut2::from_shape((n, m), &mut v).ok()?).ok()?;
    Some(v.into_boxed_slice())
}

/// The size check of the result (`out_shape`) of `a · b`: NumPy's "too big" rule, skipped for
/// a small product with a non-empty result, which has at most `SMALL_MAX_WORK` elements (an
/// empty result can still be too big: NumPy counts the bytes of its non-zero dimensions).
fn check_size<T: 'static>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    out_shape: &[usize],
) -> Result<(), Error> {
    let (n, m) = (a.nrows(), b.ncols());
    if n > 0 && m > 0 && is_small::<T>(n, m, a.ncols()) {
        return Ok(());
    }
    // Non-zero dims whose bytes fit `isize` pass `check_bytes` too: the common case, in line.
    let bytes = out_shape
        .iter()
        .try_fold(std::mem::size_of::<T>().max(1), |acc, &d| {
            (d > 0).then(|| acc.checked_mul(d)).flatten()
        });
    if bytes.is_some_and(|b| b <= isize::MAX as usize) {
        return Ok(());
    }
    shape::check_bytes(out_shape, std::mem::size_of::<T>()).map(|_| ())
}

/// `x · y` of two vectors: the scalar (every product agrees here).
#[inline(always)]
fn vec_vec<T: Element>(
    op: Op,
    x: ArrayView1<'_, T>,
    y: ArrayView1<'_, T>,
) -> Option<Result<Product<T>, Error>> {
    vec_vec_scalar(op, x, y).map(|r| r.map(Product::Scalar))
}

/// [`vec_vec`]'s scalar; `None` sends the product to the general path.
#[inline(always)]
fn vec_vec_scalar<T: Element>(
    op: Op,
    x: ArrayView1<'_, T>,
    y: ArrayView1<'_, T>,
) -> Option<Result<T, Error>> {
    // Equal lengths are the rule of all three products here; the check of `shape` gives the
    // error otherwise.
    let k = x.len();
    if y.len() != k {
        // (Were the check to pass, the general path would decide.)
        return vec_vec_error(op, k, y.len()).map(Err);
    }
    if T::KIND == Kind::Float && k <= 1 {
        // NumPy's scalar branch (`dot`, `inner`) and the general path's own handling.
        return None;
    }
    Some(Ok(vector::dot(x, y)))
}

/// The error of two vectors of lengths `kx` and `ky` (`None` if they are aligned), out of line.
#[cold]
#[inline(never)]
fn vec_vec_error(op: Op, kx: usize, ky: usize) -> Option<Error> {
    op.k(&[kx], &[ky]).err()
}

/// `x · y` (`dot`, `inner` and `matmul` agree here) of two operands of static dimension type
/// `Ix1` as the scalar itself, without the [`Product`] round trip (the public functions
/// return it as it is); `None` for other dimension types and where the general path decides
/// or reports an error (see [`vec_vec_fast`]).
#[inline(always)]
fn scalar_of<T, S1, S2, D1, D2>(a: &ArrayBase<S1, D1>, b: &ArrayBase<S2, D2>) -> Option<T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if const { !(is_ix::<D1>(1) && is_ix::<D2>(1)) } {
        return None;
    }
    vec_vec_fast(vector(a)?, vector(b)?)
}

/// [`vec_vec_scalar`]'s value where it is computed without an error: `None` also for
/// vectors of different lengths, which the general path reports.
///
/// In line in the user's code, which must not make an `Error` here: the compiler sizes the
/// pieces it keeps the public function's result in by every access to it before it drops
/// the dead branches, and a `Result<T, Error>` moved from this path (a one-byte `u8` at the
/// array pointer's offset, say) cut the pointer of a matrix·vector product's array into
/// pieces too, stored piece by piece and read back whole: a failed store-to-load forward per
/// call (LLVM IR before SROA, perf annotate).
#[inline(always)]
fn vec_vec_fast<T: Element>(x: ArrayView1<'_, T>, y: ArrayView1<'_, T>) -> Option<T> {
    let k = x.len();
    if y.len() != k || (T::KIND == Kind::Float && k <= 1) {
        return None;
    }
    Some(vector::dot(x, y))
}

/// `np.dot(x, y)` of two `Ix1` operands: see [`scalar_of`].
#[inline(always)]
pub(crate) fn dot_scalar<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    scalar_of(a, b)
}

/// `np.inner(x, y)` of two `Ix1` operands: see [`scalar_of`].
#[inline(always)]
pub(crate) fn inner_scalar<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    scalar_of(a, b)
}

/// `np.matmul(x, y)` of two `Ix1` operands: see [`scalar_of`].
#[inline(always)]
pub(crate) fn matmul_scalar<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    scalar_of(a, b)
}

/// A product whose result is the 1-D `row · b` (`row` is `(1, k)`, `b` is `(k, len)`) or the
/// 1-D `a · col`: checked, sized, computed.
fn vector_result<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    len: usize,
) -> Option<Result<Product<T>, Error>> {
    if let Err(e) = check_size::<T>(&a, &b, &[len]) {
        return Some(Err(e));
    }
    let v = product_new(a, b, false)?.into_vec();
    Array1::from_shape_vec(len, v)
        .ok()
        .map(|r| Ok(Product::Vector(r)))
}

/// A 1-D result of `len` elements computed by a vector kernel, after NumPy's size check (only
/// a result longer than any small product's can be too big: a broadcast operand can have more
/// rows than memory holds). On the general path only: the static fast paths in line in the
/// user's code make no `Error` (see [`vec_vec_fast`]).
#[inline(always)]
fn vector_new<T: Element>(
    len: usize,
    f: impl FnOnce() -> Result<Vec<T>, Error>,
) -> Result<Array1<T>, Error> {
    if len > small::SMALL_MAX_WORK {
        shape::check_bytes(&[len], std::mem::size_of::<T>())?;
    }
    f().map(Array1::from_vec)
}

/// `a · x` (`dot`, `matmul`; `inner` contracts the same axes): matrix · vector.
fn mat_vec<T: Element>(
    op: Op,
    a: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
) -> Option<Result<Product<T>, Error>> {
    if let Some(r) = mat_vec_array(op, a.view(), x.view()) {
        return Some(r.map(Product::Vector));
    }
    if op.scalar_branch::<T>(a.shape(), x.shape()) {
        return None;
    }
    let n = a.nrows();
    vector_result(a, x.insert_axis(Axis(1)), n)
}

/// `x · b` (`dot`, `matmul`), `x · bᵀ` (`inner`): vector · matrix.
fn vec_mat<T: Element>(
    op: Op,
    x: ArrayView1<'_, T>,
    b: ArrayView2<'_, T>,
) -> Option<Result<Product<T>, Error>> {
    if let Some(r) = vec_mat_array(op, x.view(), b.view()) {
        return Some(r.map(Product::Vector));
    }
    if op.scalar_branch::<T>(x.shape(), b.shape()) {
        return None;
    }
    let b = op.right(b);
    let m = b.ncols();
    vector_result(x.insert_axis(Axis(0)), b, m)
}

/// The shape error of `op(a, b)` (`None` if the shapes are aligned), out of line.
#[cold]
#[inline(never)]
fn k_error(op: Op, a: &[usize], b: &[usize]) -> Option<Error> {
    op.k(a, b).err()
}

/// `a · x` by the in-line vector kernel when it takes the product (see
/// `vector::takes_mat_vec`), or the shape error; `None` otherwise (NumPy's scalar branch of
/// float `dot`/`inner` with `k ≤ 1` included).
#[inline(always)]
fn mat_vec_array<T: Element>(
    op: Op,
    a: ArrayView2<'_, T>,
    x: ArrayView1<'_, T>,
) -> Option<Result<Array1<T>, Error>> {
    let (n, k) = a.dim();
    if x.len() != k {
        return k_error(op, a.shape(), x.shape()).map(Err);
    }
    // With k ≥ 2 neither operand has a BLAS scalar shape.
    debug_assert!(k <= 1 || !op.scalar_branch::<T>(a.shape(), x.shape()));
    if !vector_takes::<T>(n, k) {
        return None;
    }
    Some(vector_new(n, || vector::mat_vec_new(a, x)))
}

/// Whether the in-line vector kernel takes the product of an `(n, k)` matrix and a vector
/// (not NumPy's scalar branch of float `dot`/`inner` with `k ≤ 1`; see
/// `vector::takes_mat_vec`).
#[inline(always)]
fn vector_takes<T: Element>(n: usize, k: usize) -> bool {
    !(T::KIND == Kind::Float && k <= 1) && vector::takes_mat_vec::<T>(n, k)
}

/// [`mat_vec_array`]'s result where it is computed without an error: `None` also for
/// misaligned shapes, a result longer than a small product's and a failed allocation, which
/// the general path (the same kernel) reports. In line in the user's code, which then keeps
/// the array in registers (see `vector::mat_vec_try_new`).
#[inline(always)]
fn mat_vec_fast<T: Element>(a: ArrayView2<'_, T>, x: ArrayView1<'_, T>) -> Option<Array1<T>> {
    let (n, k) = a.dim();
    if x.len() != k || n > small::SMALL_MAX_WORK || !vector_takes::<T>(n, k) {
        return None;
    }
    vector::mat_vec_try_new(a, x).map(Array1::from_vec)
}

/// [`vec_mat_array`]'s result where it is computed without an error: see [`mat_vec_fast`].
#[inline(always)]
fn vec_mat_fast<T: Element>(
    op: Op,
    x: ArrayView1<'_, T>,
    b: ArrayView2<'_, T>,
) -> Option<Array1<T>> {
    let bk = op.right(b);
    let (k, m) = bk.dim();
    if x.len() != k || m > small::SMALL_MAX_WORK || !vector_takes::<T>(m, k) {
        return None;
    }
    vector::vec_mat_try_new(x, bk).map(Array1::from_vec)
}

/// `x · b` (`x · bᵀ` for `inner`) by the in-line vector kernel: see [`mat_vec_array`].
#[inline(always)]
fn vec_mat_array<T: Element>(
    op: Op,
    x: ArrayView1<'_, T>,
    b: ArrayView2<'_, T>,
) -> Option<Result<Array1<T>, Error>> {
    let bk = op.right(b.view());
    let (k, m) = bk.dim();
    if x.len() != k {
        return k_error(op, x.shape(), b.shape()).map(Err);
    }
    debug_assert!(k <= 1 || !op.scalar_branch::<T>(x.shape(), b.shape()));
    if !vector_takes::<T>(m, k) {
        return None;
    }
    Some(vector_new(m, || vector::vec_mat_new(x, bk)))
}

/// `op(a, b)` of an `Ix2` and an `Ix1` operand (either order) as the 1-D result itself, by the
/// in-line vector kernel; `None` for other dimension types, where the product goes elsewhere
/// and where it is an error (see [`mat_vec_fast`]: the general path reports it).
#[inline(always)]
fn vector_of<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Array1<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if const { is_ix::<D1>(2) && is_ix::<D2>(1) } {
        return mat_vec_fast(matrix(a)?, vector(b)?);
    }
    if const { is_ix::<D1>(1) && is_ix::<D2>(2) } {
        return vec_mat_fast(op, vector(a)?, matrix(b)?);
    }
    None
}

/// `np.dot` of an `Ix2` and an `Ix1` operand: see [`vector_of`].
#[inline(always)]
pub(crate) fn dot_vector<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Array1<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    vector_of(Op::Dot, a, b)
}

/// `np.inner` of an `Ix2` and an `Ix1` operand: see [`vector_of`].
#[inline(always)]
pub(crate) fn inner_vector<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Array1<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    vector_of(Op::Inner, a, b)
}

/// `np.matmul` of an `Ix2` and an `Ix1` operand: see [`vector_of`].
#[inline(always)]
pub(crate) fn matmul_vector<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Array1<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    vector_of(Op::Matmul, a, b)
}

/// `op(a, b)` of two `Ix2` operands as the 2-D result itself, for the products computed in
/// line — tiny integer and `bool` products (`vector::mat_mat_matrix`) and small ones
/// (`small::product_matrix`), exactly as [`mat_mat`] computes them — or the shape error; `None`
/// for other dimension types and every other product (the general path decides). In-lined
/// into the caller, so that the kernels get the operands' raw parts, not copies of views.
#[inline(always)]
fn matrix_of<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Result<Array2<T>, Error>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if const { !(is_ix::<D1>(2) && is_ix::<D2>(2)) } {
        return None;
    }
    let (sa, sb) = (a.shape(), b.shape());
    let ((m, k), (kb, n)) = match op {
        Op::Inner => ((sa[0], sa[1]), (sb[1], sb[0])),
        _ => ((sa[0], sa[1]), (sb[0], sb[1])),
    };
    if kb != k {
        return k_error(op, sa, sb).map(Err);
    }
    if m == 0 || n == 0 {
        return None;
    }
    if vector::takes_tiny_mat_mat::<T>(m, n, k) {
        // Integers and bool (never NumPy's float scalar branch).
        let (av, bv) = (matrix(a)?, op.right(matrix(b)?));
        return Some(vector::mat_mat_matrix(av, bv));
    }
    // NumPy's BLAS scalar branch (`dot`, `inner` of float operands, one of them 1×1): the
    // general path.
    if op.scalar_branch::<T>(sa, sb) {
        return None;
    }
    if !is_small::<T>(m, n, k) {
        // [`mat_mat`]'s own computation, without the `Product` round trip.
        let r = matrix_large(op, a, b)?;
        return Some(Ok(r.into_matrix(m, n)));
    }
    // An allocation failure goes to the general path, which allocates again and reports it.
    if op == Op::Inner {
        // `a · bᵀ`: the operands [`mat_mat`] gives the same kernel.
        let bt = op.right(matrix(b)?);
        return small::product_matrix(a, &bt, m, n).map(Ok);
    }
    small::product_matrix(a, b, m, n).map(Ok)
}

/// `op(a, b)` of two matrices whose shapes, NumPy's scalar branch and the tiny integer
/// kernel the caller has ruled out ([`mat_mat`], and [`matrix_of`] for products that are not
/// small): the size check and [`product_new`], whose result (C order, `a.nrows()` ×
/// `op.right(b).ncols()`) it hands back as a [`RawResult`] in two registers, which the
/// in-lined caller makes the `Array2`. Returned through memory, the result was copied by wide
/// loads of the narrow stores that wrote it at the calls between the kernel and the caller:
/// failed store-to-load forwards, about 30 ns of a complex128 16×16 product (perf annotate,
/// the best of three runs). It takes the operands by reference, as the caller holds them, for the same
/// reason: a view passed by value is built by the caller just before the call and copied on
/// entry. `None` where the size check fails or `product_new` declines: the general path
/// decides, and reports the error.
#[inline(never)]
fn matrix_large<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<RawResult<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let (a, b) = (matrix(a)?, op.right(matrix(b)?));
    let (n, m) = (a.nrows(), b.ncols());
    check_size::<T>(&a, &b, &[n, m]).ok()?;
    product_new(a, b, true).map(RawResult::from_boxed)
}

/// `np.dot` of two `Ix2` operands: see [`matrix_of`].
#[inline(always)]
pub(crate) fn dot_matrix<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Result<Array2<T>, Error>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    matrix_of(Op::Dot, a, b)
}

/// `np.inner` of two `Ix2` operands: see [`matrix_of`].
#[inline(always)]
pub(crate) fn inner_matrix<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Result<Array2<T>, Error>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    matrix_of(Op::Inner, a, b)
}

/// `np.matmul` of two `Ix2` operands: see [`matrix_of`].
#[inline(always)]
pub(crate) fn matmul_matrix<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Result<Array2<T>, Error>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    matrix_of(Op::Matmul, a, b)
}

/// `a · b` (`dot`, `matmul`), `a · bᵀ` (`inner`): matrix · matrix.
fn mat_mat<T: Element>(
    op: Op,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Option<Result<Product<T>, Error>> {
    if let Err(e) = op.k(a.shape(), b.shape()) {
        return Some(Err(e));
    }
    if op.scalar_branch::<T>(a.shape(), b.shape()) {
        return None;
    }
    let bt = op.right(b.view());
    let (n, m) = (a.nrows(), bt.ncols());
    if crate::kernels::vector::takes_tiny_mat_mat::<T>(n, m, a.ncols()) {
        // Integers and bool: exact in any order, so the same result as the general path.
        return Some(crate::kernels::vector::mat_mat_matrix(a, bt).map(Product::Matrix));
    }
    let r = matrix_large(op, &a, &b)?;
    Some(Ok(Product::Matrix(r.into_matrix(n, m))))
}

/// The static fast path of `op(a, b)` for operands of one or two (static) dimensions; `None`
/// sends the product to the general path.
#[inline(always)]
fn fast<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Option<Result<Product<T>, Error>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    // Constants after monomorphization: one branch survives (the others are not even
    // compiled for this pair of dimension types), and its view conversions are moves of the
    // same static type.
    if const { is_ix::<D1>(1) && is_ix::<D2>(1) } {
        return vec_vec(op, vector(a)?, vector(b)?);
    }
    if const { is_ix::<D1>(2) && is_ix::<D2>(1) } {
        return mat_vec(op, matrix(a)?, vector(b)?);
    }
    if const { is_ix::<D1>(1) && is_ix::<D2>(2) } {
        return vec_mat(op, vector(a)?, matrix(b)?);
    }
    if const { is_ix::<D1>(2) && is_ix::<D2>(2) } {
        return mat_mat(op, matrix(a)?, matrix(b)?);
    }
    // (`const { … } && …` branches on the constant first: still compiled only where it holds.)
    if const {
        (is_ix::<D1>(3) && (is_ix::<D2>(3) || is_ix::<D2>(2))) || (is_ix::<D1>(2) && is_ix::<D2>(3))
    } && op == Op::Matmul
    {
        return super::typed_stack::matmul(a, b).map(|r| r.map(Product::Stack));
    }
    None
}

/// `a`'s view as `Array1`'s (free when `D` is `Ix1`).
fn vector<T, S: Data<Elem = T>, D: Dimension>(a: &ArrayBase<S, D>) -> Option<ArrayView1<'_, T>> {
    a.view().into_dimensionality::<Ix1>().ok()
}

/// `a`'s view as `Array2`'s (free when `D` is `Ix2`; for `IxDyn`, built from the shape and
/// strides without the dynamic view's clones and conversion, by `kernels::view::as_matrix`).
/// In line: returned through memory, the view was written field by field and then copied by
/// wide loads, a failed store-to-load forward at each call (perf annotate).
#[inline(always)]
fn matrix<T, S: Data<Elem = T>, D: Dimension>(a: &ArrayBase<S, D>) -> Option<ArrayView2<'_, T>> {
    if a.ndim() != 2 {
        return None;
    }
    crate::kernels::view::as_matrix(a, true)
}

/// `np.dot(a, b)` for operands of any dimension types.
pub(crate) fn dot<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Product<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    product(Op::Dot, a, b)
}

/// `np.inner(a, b)` for operands of any dimension types.
pub(crate) fn inner<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Product<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    product(Op::Inner, a, b)
}

/// `np.matmul(a, b)` for operands of any dimension types.
pub(crate) fn matmul<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Product<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    product(Op::Matmul, a, b)
}

/// `op(a, b)`: the static fast path, else the general path.
#[inline(always)]
fn product<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Product<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if let Some(r) = fast(op, a, b) {
        return r;
    }
    general_entry(op, a, b)
}

/// The general path of `op` for operands of any dimension types (out of line: the fast paths
/// above stay small enough to in-line into the caller).
#[inline(never)]
fn general_entry<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Product<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if const { is_static::<D1, D2>() } {
        // One instantiation of the general path per element type, not one per pair of
        // dimension types.
        return general(op, &a.view().into_dyn(), &b.view().into_dyn());
    }
    general(op, a, b)
}

/// Whether either operand has a static dimension type.
const fn is_static<D1: Dimension, D2: Dimension>() -> bool {
    D1::NDIM.is_some() || D2::NDIM.is_some()
}

/// Whether `D` is the static dimension type of `n` axes.
///
/// Used as `if const { is_ix::<D>(n) } { … }`: the condition is then a constant of the
/// monomorphized function, and the branch it rules out is not compiled at all for that
/// dimension type (the code it calls is not instantiated), which keeps one instantiation
/// per pair of dimension types small. A plain `if D::NDIM == Some(n)` compiles every branch
/// for every pair and leaves the dead ones to the optimizer.
const fn is_ix<D: Dimension>(n: usize) -> bool {
    matches!(D::NDIM, Some(d) if d == n)
}

/// Whether `D` is `IxDyn` or the static type of 1 or 2 axes: the dimension types the fast
/// paths of the `_into` forms take.
const fn is_dyn_or_1d_2d<D: Dimension>() -> bool {
    matches!(D::NDIM, None | Some(1) | Some(2))
}

/// The general path of `op`: the small 2-D kernel (`dot`, `matmul`), vector·vector, else the
/// `IxDyn` plan.
fn general<T, S1, S2, D1, D2>(
    op: Op,
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Product<T>, Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    if op != Op::Inner
        && let Some(out) = super::small_2d(a, b)
    {
        return Ok(Product::Dyn(out));
    }
    if let Some(out) = super::vec_vec(a, b) {
        return Ok(Product::Dyn(out));
    }
    let (a, b) = (a.view().into_dyn(), b.view().into_dyn());
    match op {
        Op::Dot => super::dot(a, b),
        Op::Inner => super::inner(a, b),
        Op::Matmul => super::matmul(a, b),
    }
    .map(Product::Dyn)
}
