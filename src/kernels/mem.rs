//! Result buffers. Large results get NumPy's allocation hint: on Linux, NumPy's allocator
//! (`_npy_alloc_cache` → `PyDataMem_UserNEW`) calls `madvise(MADV_HUGEPAGE)` on every buffer of
//! at least 4 MiB, so the kernel backs it with 2 MiB pages when the first write faults it in.
//! Without the hint a 32 MiB result costs 8192 page faults and many TLB misses during the
//! product; with it, 16 faults. We give our results the same hint, so large products are not
//! slower than NumPy's for a reason that has nothing to do with arithmetic.

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

/// An empty `Vec` with room for exactly `len` elements, advised as above.
pub(crate) fn with_capacity<T>(len: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(len);
    advise_hugepages(&mut v);
    v
}

/// `len` zeros, advised as above. For the primitive types `vec![0; len]` is a `calloc`, whose
/// large blocks are fresh pages nobody has touched yet (glibc maps them and skips the memset),
/// so the hint takes effect when the kernel first writes them; for complex types the zeros are
/// written before the hint and it changes nothing.
pub(crate) fn zeroed<T: Clone>(len: usize, zero: T) -> Vec<T> {
    let mut v = vec![zero; len];
    advise_hugepages(&mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "too slow under Miri; tests/miri.rs covers these paths")]
    fn buffers_keep_their_contents_and_length() {
        for len in [0, 1, 1000, (1 << 22) / 8, (1 << 22) / 8 + 3, 1 << 20] {
            let z = zeroed(len, 0.0f64);
            assert_eq!(z.len(), len);
            assert!(z.iter().all(|&x| x == 0.0));
            let mut v = with_capacity::<u32>(len);
            assert!(v.capacity() >= len && v.is_empty());
            v.extend((0..len).map(|i| i as u32));
            assert!(v.iter().enumerate().all(|(i, &x)| x == i as u32));
        }
    }
}
