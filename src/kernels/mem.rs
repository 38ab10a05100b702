//! Every buffer whose size depends on the input — results, one-time copies of operands,
//! packing buffers, scratch — is allocated here, fallibly: a request the allocator refuses is
//! an `Err(Error::MemoryError)` carrying the buffer's shape and dtype (NumPy's
//! `_ArrayMemoryError` text), never an abort. A request of more than [`alloc_limit`] bytes is
//! refused before the allocator sees it (a knob for tests).
//!
//! Large results get NumPy's allocation hint: on Linux, NumPy's allocator
//! (`_npy_alloc_cache` → `PyDataMem_UserNEW`) calls `madvise(MADV_HUGEPAGE)` on every buffer of
//! at least 4 MiB, so the kernel backs it with 2 MiB pages when the first write faults it in.
//! Without the hint a 32 MiB result costs 8192 page faults and many TLB misses during the
//! product; with it, 16 faults. We give our results the same hint, so large products are not
//! slower than NumPy's for a reason that has nothing to do with arithmetic.

use std::alloc::Layout;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::element::Element;
use crate::error::Error;

/// The byte cap of a single request; `usize::MAX` means none.
static ALLOC_LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The largest number of bytes npdot asks the allocator for in one request (`None`: no cap
/// beyond what the allocator grants).
#[inline]
pub fn alloc_limit() -> Option<usize> {
    match ALLOC_LIMIT.load(Ordering::Relaxed) {
        usize::MAX => None,
        n => Some(n),
    }
}

/// Caps (or, with `None`, uncaps) the bytes of a single request: larger ones fail with
/// `Error::MemoryError` as if the allocator had refused them. Global to the process; meant for
/// tests, which can then exercise every allocation failure without exhausting memory.
pub fn set_alloc_limit(limit: Option<usize>) {
    ALLOC_LIMIT.store(limit.unwrap_or(usize::MAX), Ordering::Relaxed);
}

/// NumPy's name of `T`'s dtype as `str(dtype)` prints it (`intp` is `int64` on 64-bit targets).
pub(crate) fn dtype_name<T: Element>() -> &'static str {
    match T::DTYPE {
        "intp" if cfg!(target_pointer_width = "64") => "int64",
        "intp" => "int32",
        "uintp" if cfg!(target_pointer_width = "64") => "uint64",
        "uintp" => "uint32",
        name => name,
    }
}

/// The layout of `len` elements of `T`, or `MemoryError` when the byte count overflows `isize`
/// (a buffer no allocator can give; results are checked before, with NumPy's `TooBig`) or
/// exceeds the limit.
fn layout<T>(len: usize, shape: &[usize], dtype: &'static str) -> Result<Layout, Error> {
    let layout = Layout::array::<T>(len).map_err(|_| memory_error::<T>(shape, dtype))?;
    if layout.size() > ALLOC_LIMIT.load(Ordering::Relaxed) {
        return Err(memory_error::<T>(shape, dtype));
    }
    Ok(layout)
}

/// The error for a refused buffer of `shape` and `dtype` (elements of `T`).
fn memory_error<T>(shape: &[usize], dtype: &'static str) -> Error {
    Error::MemoryError {
        shape: shape.to_vec(),
        dtype,
        itemsize: size_of::<T>(),
    }
}

/// `e` with its buffer shape replaced by `shape` when it is a `MemoryError` (for a buffer that
/// becomes an array of that shape).
pub(crate) fn with_shape(e: Error, shape: &[usize]) -> Error {
    match e {
        Error::MemoryError {
            dtype, itemsize, ..
        } => Error::MemoryError {
            shape: shape.to_vec(),
            dtype,
            itemsize,
        },
        e => e,
    }
}

/// An empty `Vec` with room for exactly `len` elements, or `MemoryError` naming the buffer
/// (`shape`, `dtype`) when the allocator (or the limit) refuses it.
pub(crate) fn try_with_capacity_as<T>(
    len: usize,
    shape: &[usize],
    dtype: &'static str,
) -> Result<Vec<T>, Error> {
    layout::<T>(len, shape, dtype)?;
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| memory_error::<T>(shape, dtype))?;
    Ok(v)
}

/// `len` copies of `x` in a new buffer (see [`try_with_capacity_as`]).
pub(crate) fn try_filled_as<T: Clone>(
    len: usize,
    x: T,
    shape: &[usize],
    dtype: &'static str,
) -> Result<Vec<T>, Error> {
    let mut v = try_with_capacity_as(len, shape, dtype)?;
    // Within the capacity just reserved: no reallocation.
    v.resize(len, x);
    Ok(v)
}

/// `len` zeros of an element type, for a buffer of `shape` (NumPy's message names it), advised
/// as above. The zeros come from `alloc_zeroed` (a `calloc`: large blocks are fresh pages nobody
/// has touched yet, so there is no pass over memory before the kernel writes them).
pub(crate) fn try_zeroed<T: Element>(len: usize, shape: &[usize]) -> Result<Vec<T>, Error> {
    let dtype = dtype_name::<T>();
    let layout = layout::<T>(len, shape, dtype)?;
    if layout.size() == 0 {
        return Ok(vec![T::zero(); len]);
    }
    // SAFETY: the layout has a non-zero size (checked above).
    let p = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<T>();
    if p.is_null() {
        return Err(memory_error::<T>(shape, dtype));
    }
    // SAFETY: `p` was allocated by the global allocator with the layout of `[T; len]`
    // (`Layout::array`), so capacity `len` matches it; all `len` elements are initialized: every
    // `Element` (the primitive numbers, `bool`, `Complex` of floats) has zero as its all-zero
    // bit pattern.
    let mut v = unsafe { Vec::from_raw_parts(p, len, len) };
    advise_hugepages(&mut v);
    Ok(v)
}

/// An empty `Vec` with room for exactly `len` elements of an element type, for a buffer of
/// `shape`, advised as above.
pub(crate) fn try_with_capacity<T: Element>(len: usize, shape: &[usize]) -> Result<Vec<T>, Error> {
    let mut v = try_with_capacity_as(len, shape, dtype_name::<T>())?;
    advise_hugepages(&mut v);
    Ok(v)
}

/// A C-contiguous copy of `v` (in its logical order), allocated here.
pub(crate) fn try_standard_copy<T: Element, D: ndarray::Dimension>(
    v: &ndarray::ArrayView<'_, T, D>,
) -> Result<ndarray::Array<T, D>, Error> {
    let mut buf = try_with_capacity::<T>(v.len(), v.shape())?;
    match v.as_slice() {
        Some(s) => buf.extend_from_slice(s),
        // Row by row (lanes of the last axis, in C order): one dynamic-index step per row, not
        // per element, which matters for `IxDyn` views.
        None if v.ndim() >= 1 => {
            for lane in v.lanes(ndarray::Axis(v.ndim() - 1)) {
                match lane.as_slice() {
                    Some(s) => buf.extend_from_slice(s),
                    None => buf.extend(lane.iter().copied()),
                }
            }
        }
        None => buf.extend(v.iter().copied()),
    }
    Ok(ndarray::Array::from_shape_vec(v.raw_dim(), buf).expect("length matches the shape"))
}

/// Buffers of at least this many bytes get the huge-page hint (NumPy's threshold).
const HUGEPAGE_MIN_BYTES: usize = 1 << 22;

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: std::ffi::c_int)
    -> std::ffi::c_int;
}

/// Asks the OS to back the spare capacity of `v` with huge pages when it is at least 4 MiB
/// (Linux only; elsewhere, or when the kernel says no, nothing happens: it is only a hint).
/// Call it right after allocating, before anything is written.
pub(crate) fn advise_hugepages<T>(v: &mut Vec<T>) {
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    if bytes < HUGEPAGE_MIN_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        const MADV_HUGEPAGE: std::ffi::c_int = 14;
        let start = v.as_mut_ptr() as usize;
        let first = start.div_ceil(PAGE) * PAGE;
        let end = start + bytes;
        let last = end / PAGE * PAGE;
        if last > first {
            // SAFETY: [first, last) is a whole number of pages inside the allocation of `v`
            // (start ≤ first < last ≤ start + capacity·size_of::<T>()), which we own. madvise
            // with MADV_HUGEPAGE changes only how the kernel backs these pages, never their
            // contents or the mapping's permissions; a failure (e.g. THP disabled) is ignored.
            unsafe {
                madvise(first as *mut std::ffi::c_void, last - first, MADV_HUGEPAGE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "too slow under Miri; tests/checks/miri.rs covers these paths"
    )]
    fn buffers_keep_their_contents_and_length() {
        for len in [0, 1, 1000, (1 << 22) / 8, (1 << 22) / 8 + 3, 1 << 20] {
            let z = try_zeroed::<f64>(len, &[len]).unwrap();
            assert_eq!(z.len(), len);
            assert!(z.iter().all(|&x| x == 0.0));
            let mut v = try_with_capacity::<u32>(len, &[len]).unwrap();
            assert!(v.capacity() >= len && v.is_empty());
            v.extend((0..len).map(|i| i as u32));
            assert!(v.iter().enumerate().all(|(i, &x)| x == i as u32));
        }
    }
}
