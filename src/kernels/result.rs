//! A product's new result: allocated once ([`alloc_result_as`], with the allocation limit and
//! the huge-page advice of `mem`), handed back from an out-of-line kernel in two registers
//! ([`RawResult`]), and made the array of its final type without ndarray's out-of-line shape
//! checks ([`c_matrix`]).

use crate::element::Element;
use crate::error::Error;

/// An empty buffer with room for the `n` elements of a 1-D result: small ones straight from the
/// global allocator (a short path for the common case), others, and every failure, through
/// `mem` (which reports `MemoryError` naming the result).
#[inline]
pub(crate) fn alloc_result<T: Element>(n: usize) -> Result<Vec<T>, Error> {
    alloc_result_as(n, &[n])
}

/// [`alloc_result`] without an error: `None` when the buffer cannot be allocated (for the
/// fast paths in line in the user's code, which must not make an `Error`: see
/// `vector::mat_vec_try_new`).
#[inline(always)]
pub(crate) fn alloc_result_or_none<T: Element>(n: usize) -> Option<Vec<T>> {
    if let Some(v) = alloc_short(n) {
        return Some(v);
    }
    alloc_result_slow(n)
}

/// [`alloc_result_or_none`] past the short path, out of line.
#[inline(never)]
fn alloc_result_slow<T: Element>(n: usize) -> Option<Vec<T>> {
    super::mem::try_with_capacity(n, &[n]).ok()
}

/// [`alloc_result`] for a result of `len` elements and the given shape (named by the
/// `MemoryError` when it cannot be allocated).
#[inline]
pub(crate) fn alloc_result_as<T: Element>(n: usize, shape: &[usize]) -> Result<Vec<T>, Error> {
    if let Some(v) = alloc_short(n) {
        return Ok(v);
    }
    super::mem::try_with_capacity(n, shape)
}

/// Room for `n` elements straight from the global allocator, for a result of at most
/// `SHORT_BYTES` bytes within the allocation limit (the common case, without the huge-page
/// advice that only larger buffers get); `None` for every other size and when the allocator
/// refuses.
#[inline(always)]
fn alloc_short<T: Element>(n: usize) -> Option<Vec<T>> {
    /// Results up to this many bytes take the short path (no huge-page advice applies).
    const SHORT_BYTES: usize = 1 << 16;
    if let Ok(layout) = std::alloc::Layout::array::<T>(n) {
        let size = layout.size();
        if size > 0
            && size <= SHORT_BYTES
            && super::mem::alloc_limit().is_none_or(|limit| size <= limit)
        {
            // SAFETY: the layout has a non-zero size (checked above).
            let p = unsafe { std::alloc::alloc(layout) }.cast::<T>();
            if !p.is_null() {
                // SAFETY: `p` was allocated by the global allocator with the layout of
                // `[T; n]`, so capacity `n` matches it; the length 0 needs no initialized
                // element.
                return Some(unsafe { Vec::from_raw_parts(p, 0, n) });
            }
        }
    }
    None
}

/// The `m·n` elements of an `(m, n)` result in C order (as the kernels here and in `small`
/// return them) as an `Array2`, without ndarray's out-of-line shape check.
#[inline(always)]
pub(crate) fn c_matrix<T>(m: usize, n: usize, v: Vec<T>) -> ndarray::Array2<T> {
    assert!(Some(v.len()) == m.checked_mul(n), "kernel shape contract");
    // SAFETY: `v` holds exactly m·n elements (checked above), which fits `isize` since they
    // are allocated; the default (C) order with these dims addresses each once.
    unsafe { ndarray::Array2::from_shape_vec_unchecked((m, n), v) }
}

/// A kernel's new result, handed from the out-of-line kernel to its in-lined caller as a
/// pointer and a length, in two registers: returned through memory, a `Vec` (and then the
/// array made from it) was copied by wide loads of the narrow stores that wrote it, a failed
/// store-to-load forwarding measured at about 25 ns of a 4×4 `f64` `dot`. Owns the elements
/// of a `Box<[T]>` (leaked if dropped unused; every kernel's caller takes it back at once).
pub(crate) struct RawResult<T> {
    ptr: std::ptr::NonNull<T>,
    len: usize,
}

impl<T> RawResult<T> {
    /// Releases the elements of `v` (initialized, all of them) to the caller.
    #[inline(always)]
    pub(crate) fn new(v: Vec<T>) -> Self {
        Self::from_boxed(v.into_boxed_slice())
    }

    /// Releases the elements of `v` to the caller.
    #[inline(always)]
    pub(crate) fn from_boxed(v: Box<[T]>) -> Self {
        let len = v.len();
        let ptr = Box::into_raw(v).cast::<T>();
        // SAFETY: `Box::into_raw` never returns null (a dangling, non-null pointer for an
        // empty slice).
        let ptr = unsafe { std::ptr::NonNull::new_unchecked(ptr) };
        RawResult { ptr, len }
    }

    /// The elements, C order, as the `(m, n)` array (panics, kernel shape contract, unless
    /// there are `m·n` of them).
    #[inline(always)]
    pub(crate) fn into_matrix(self, m: usize, n: usize) -> ndarray::Array2<T> {
        let slice = std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len);
        // SAFETY: `ptr` and `len` are those of the `Box<[T]>` that `new` released, of `len`
        // initialized elements, and `self` is consumed here, so the box is taken back once.
        let v = unsafe { Box::from_raw(slice) }.into_vec();
        c_matrix(m, n, v)
    }
}
