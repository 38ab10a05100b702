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
use std::cell::Cell;
use std::ptr::NonNull;
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
///
/// The buffer is the one [`keep`] retained on this thread when it has exactly this size (see
/// there), else a new one.
pub(crate) fn try_standard_copy<T: Element, D: ndarray::Dimension>(
    v: &ndarray::ArrayView<'_, T, D>,
) -> Result<ndarray::Array<T, D>, Error> {
    let mut buf = match take_kept::<T>(v.len()) {
        Some(buf) => buf,
        None => try_with_capacity::<T>(v.len(), v.shape())?,
    };
    match v.as_slice() {
        Some(s) => buf.extend_from_slice(s),
        // Row by row (lanes of the last axis, in C order): one dynamic-index step per row, not
        // per element, which matters for `IxDyn` views.
        None if v.ndim() >= 1 => {
            for lane in v.lanes(ndarray::Axis(v.ndim() - 1)) {
                match lane.as_slice() {
                    Some(s) => buf.extend_from_slice(s),
                    None => push_strided(&mut buf, &lane),
                }
            }
        }
        None => buf.extend(v.iter().copied()),
    }
    Ok(ndarray::Array::from_shape_vec(v.raw_dim(), buf).expect("length matches the shape"))
}

/// Buffers [`keep`] retains: from the default mmap threshold of the C library's allocator (a
/// block this large is handed back to the OS when freed, and faulted in page by page when
/// allocated again) up to where buffers get the huge-page hint (see [`advise_hugepages`]: a
/// fault then brings in 2 MiB).
const KEEP_BYTES: std::ops::Range<usize> = (128 << 10)..HUGEPAGE_MIN_BYTES;

/// An allocation of the global allocator, owned: deallocated when dropped.
struct Kept {
    ptr: NonNull<u8>,
    layout: Layout,
}

impl Drop for Kept {
    fn drop(&mut self) {
        // SAFETY: `ptr` was allocated by the global allocator with `layout` (how `keep` builds
        // a `Kept`) and is owned by this value alone, so it is deallocated once.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), self.layout) }
    }
}

thread_local! {
    /// The one buffer this thread retains for operand copies (see [`keep`]).
    static KEPT: Cell<Option<Kept>> = const { Cell::new(None) };
}

/// Retains the allocation of `v` (a one-time copy of an operand, no longer needed) on this
/// thread for the next copy of the same size, instead of freeing it: a product repeated on
/// operands that must be copied (`s @ s` with `s = x[::2, ::2]` of a 512² matrix: two
/// 512 KiB buffers per call) otherwise frees the buffers back to the OS and faults every page
/// in again on the next call — on the machine measured, a sixth of the product's time. One
/// buffer per thread, of a size in [`KEEP_BYTES`] (it replaces the one retained before); any
/// other `v` is freed as usual.
pub(crate) fn keep<T>(v: Vec<T>) {
    let Ok(layout) = Layout::array::<T>(v.capacity()) else {
        return;
    };
    if !KEEP_BYTES.contains(&layout.size()) {
        return;
    }
    let mut v = std::mem::ManuallyDrop::new(v);
    let Some(ptr) = NonNull::new(v.as_mut_ptr().cast::<u8>()) else {
        return;
    };
    // A `Vec` with a non-zero capacity of a non-zero-sized `T` was allocated by the global
    // allocator with `Layout::array::<T>(capacity)`: ownership of that block moves to `Kept`
    // (the `Vec` is never dropped: `ManuallyDrop`), which frees it when dropped — here, below,
    // if this thread is exiting, or later, when replaced or at thread exit.
    let kept = Kept { ptr, layout };
    let _ = KEPT.try_with(|k| k.replace(Some(kept)));
}

/// The buffer [`keep`] retained on this thread, as an empty `Vec` with room for exactly `len`
/// elements, when its size is exactly that of `len` elements of `T` and the allocation limit
/// allows it; `None` otherwise (the retained buffer, if any, stays).
fn take_kept<T>(len: usize) -> Option<Vec<T>> {
    let layout = Layout::array::<T>(len).ok()?;
    if !KEEP_BYTES.contains(&layout.size()) || alloc_limit().is_some_and(|l| layout.size() > l) {
        return None;
    }
    KEPT.try_with(|k| {
        let kept = k.take()?;
        if kept.layout != layout {
            k.set(Some(kept));
            return None;
        }
        let kept = std::mem::ManuallyDrop::new(kept);
        // SAFETY: the block was allocated by the global allocator with `layout`, which is
        // `Layout::array::<T>(len)` (checked above): the alignment of `T` and a size of `len`
        // elements, as `Vec::from_raw_parts` requires for capacity `len`; length 0 needs no
        // initialized element. Its ownership moves from `kept` (not dropped: `ManuallyDrop`)
        // to the `Vec`.
        Some(unsafe { Vec::from_raw_parts(kept.ptr.as_ptr().cast::<T>(), 0, len) })
    })
    .ok()
    .flatten()
}

/// Appends the elements of a 1-D view with any stride to `buf`, in order, through its pointer
/// and stride (an element iterator over a strided lane checks its layout and the vector's
/// capacity at every element: 2.6 ns per element measured on the stepped operand of
/// `matmul_step_slice_256`).
fn push_strided<T: Element>(buf: &mut Vec<T>, lane: &ndarray::ArrayView1<'_, T>) {
    let (n, stride, src) = (lane.len(), lane.strides()[0], lane.as_ptr());
    buf.reserve(n);
    let dst = &mut buf.spare_capacity_mut()[..n];
    for (j, d) in (0isize..).zip(dst.iter_mut()) {
        // SAFETY: `j < n`: element j of the live view `lane` is at `src + j·stride` (ndarray's
        // invariant), readable for the borrow of `lane`.
        d.write(unsafe { *src.offset(j * stride) });
    }
    let len = buf.len() + n;
    // SAFETY: the n elements after the old length were written just above (capacity reserved).
    unsafe { buf.set_len(len) };
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
    use ndarray::{Array2, s};

    /// A copy in C order of views with every kind of stride (positive, negative, unit or not,
    /// rows of one element) equals ndarray's own, also when the buffer is a kept one.
    #[test]
    fn standard_copies_of_strided_views() {
        let x = Array2::from_shape_fn((9, 14), |(i, j)| (i * 14 + j) as f64);
        for v in [
            x.slice(s![..;2, ..;2]),
            x.slice(s![..;-3, 1..;3]),
            x.t().slice(s![.., ..;2]),
            x.slice(s![.., 5..6]),
            x.view(),
        ] {
            let c = try_standard_copy(&v).unwrap();
            assert_eq!(c, v.to_owned());
            assert!(c.is_standard_layout());
        }
        let big = Array2::from_shape_fn((512, 128), |(i, j)| (i * 128 + j) as f64);
        let v = big.slice(s![..;2, ..]); // 256 × 128 f64: 256 KiB, a size `keep` retains
        let first = try_standard_copy(&v).unwrap();
        let p = first.as_ptr();
        keep(first.into_raw_vec_and_offset().0);
        let second = try_standard_copy(&v).unwrap();
        assert_eq!(second.as_ptr(), p, "the kept buffer is reused");
        assert_eq!(second, v.to_owned());
    }

    /// `keep` retains one buffer per thread, only of the sizes in `KEEP_BYTES`, and hands it out
    /// once, only for exactly its layout.
    #[test]
    fn a_kept_buffer_is_reused_once_for_its_exact_layout() {
        let len = (256 << 10) / 8;
        let mut v = try_with_capacity::<f64>(len, &[len]).unwrap();
        v.extend((0..len).map(|i| i as f64));
        let p = v.as_ptr();
        keep(v);
        assert!(take_kept::<f64>(len + 1).is_none(), "another size");
        assert!(
            take_kept::<u8>(len * 8).is_none(),
            "same bytes, another alignment"
        );
        let w = take_kept::<f64>(len).expect("the kept buffer");
        assert_eq!((w.as_ptr(), w.len(), w.capacity()), (p, 0, len));
        assert!(take_kept::<f64>(len).is_none(), "handed out once");
        drop(w);
        // Outside the kept sizes: freed as usual.
        keep(vec![1.0f64; 16]);
        assert!(take_kept::<f64>(16).is_none());
        let huge = HUGEPAGE_MIN_BYTES / 8;
        keep(Vec::<f64>::with_capacity(huge));
        assert!(take_kept::<f64>(huge).is_none());
        // A second buffer replaces the first (which is freed).
        keep(Vec::<f64>::with_capacity(len));
        keep(Vec::<f32>::with_capacity(len));
        assert!(take_kept::<f64>(len).is_none());
        assert_eq!(take_kept::<f32>(len).map(|v| v.capacity()), Some(len));
    }

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
