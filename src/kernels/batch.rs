//! The batch driver: walks a stack of 2-D cores and hands each to the element type's 2-D
//! kernel. Batch axes may have any strides (zero for broadcast operands, negative for reversed
//! ones); the per-item cost is a few integer operations, so stacks of tiny matrices stay cheap.

use ndarray::{
    ArrayView2, ArrayView3, ArrayViewD, ArrayViewMut2, ArrayViewMut3, ArrayViewMutD, Axis, Ix2,
    ShapeBuilder,
};

use super::small;
use crate::element::Element;

/// Minimum multiply-adds of a whole stack before its items are spread over threads.
const PAR_MIN_WORK: usize = 1 << 17;
/// Largest per-item work (`n·k·m`) for which items run in parallel: within OpenBLAS's
/// single-thread range (`m·n·k <= 65536 · 4` runs single-threaded in its `?gemm`, confirmed per
/// thread with perf for 64³), so the two levels of threads never multiply. Larger items run
/// one after another, each using OpenBLAS's threads.
const PAR_MAX_ITEM_WORK: usize = 1 << 18;

/// Builds a 2-D view from a pointer to its logical first element and signed strides.
///
/// # Safety
/// `ptr` with `dims` and `strides` must describe elements all inside one live allocation that
/// outlives `'a` and is not mutated during `'a` (e.g. a sub-view of an existing `ArrayView`).
unsafe fn view2<'a, T>(
    ptr: *const T,
    dims: (usize, usize),
    strides: (isize, isize),
) -> ArrayView2<'a, T> {
    let (p, s, flip) = lowest_first(ptr as *mut T, dims, strides);
    // SAFETY: `p` is the lowest-address element of the described set (see `lowest_first`),
    // the strides are non-negative, and every element lies inside the caller's allocation.
    let mut v =
        unsafe { ArrayView2::from_shape_ptr(Ix2(dims.0, dims.1).strides(Ix2(s.0, s.1)), p) };
    if flip.0 {
        v.invert_axis(Axis(0));
    }
    if flip.1 {
        v.invert_axis(Axis(1));
    }
    v
}

/// Mutable counterpart of [`view2`].
///
/// # Safety
/// As for [`view2`], and the described elements must not be accessed through any other path
/// during `'a` (they are exclusively borrowed).
unsafe fn view2_mut<'a, T>(
    ptr: *mut T,
    dims: (usize, usize),
    strides: (isize, isize),
) -> ArrayViewMut2<'a, T> {
    let (p, s, flip) = lowest_first(ptr, dims, strides);
    // SAFETY: as in `view2`; exclusivity is the caller's guarantee.
    let mut v =
        unsafe { ArrayViewMut2::from_shape_ptr(Ix2(dims.0, dims.1).strides(Ix2(s.0, s.1)), p) };
    if flip.0 {
        v.invert_axis(Axis(0));
    }
    if flip.1 {
        v.invert_axis(Axis(1));
    }
    v
}

/// Moves `ptr` to the lowest-address element along every negative-stride axis and returns the
/// absolute strides and which axes were flipped. Pure pointer arithmetic with `wrapping_offset`;
/// the result is in bounds whenever the described elements are.
fn lowest_first<T>(
    ptr: *mut T,
    dims: (usize, usize),
    strides: (isize, isize),
) -> (*mut T, (usize, usize), (bool, bool)) {
    let mut p = ptr;
    let mut flip = (false, false);
    if strides.0 < 0 && dims.0 > 1 {
        p = p.wrapping_offset(strides.0 * (dims.0 as isize - 1));
        flip.0 = true;
    }
    if strides.1 < 0 && dims.1 > 1 {
        p = p.wrapping_offset(strides.1 * (dims.1 as isize - 1));
        flip.1 = true;
    }
    let s0 = if dims.0 > 1 {
        strides.0.unsigned_abs()
    } else {
        0
    };
    let s1 = if dims.1 > 1 {
        strides.1.unsigned_abs()
    } else {
        0
    };
    (p, (s0, s1), flip)
}

/// Raw pointers of one call, shareable across threads.
#[derive(Clone, Copy)]
struct Ptrs<T> {
    a: *const T,
    b: *const T,
    c: *mut T,
}
// SAFETY: the pointers are only dereferenced through views built for distinct batch items;
// `a` and `b` are shared read-only data of `T: Sync`, and each `c` item is written by exactly
// one worker (items of a mutable view are disjoint; writing a `T` from another thread needs
// `T: Send`), so sending them between threads is sound.
unsafe impl<T: Send + Sync> Send for Ptrs<T> {}
// SAFETY: see `Send`; `&Ptrs` only gives copies of the pointers.
unsafe impl<T: Send + Sync> Sync for Ptrs<T> {}

/// `c[i] = a[i] · b[i]` for every batch index `i`. `a` is `(batch…, n, k)`, `b` is
/// `(batch…, k, m)`, `c` is `(batch…, n, m)`; all three have the same batch shape (broadcast
/// operands have stride 0 there). `Err(MemoryError)` when a kernel's packing buffer cannot be
/// allocated (`c` is then partly written).
pub(crate) fn batched<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    mut c: ArrayViewMutD<'_, T>,
) -> Result<(), crate::Error> {
    let nd = c.ndim();
    assert!(
        nd >= 2 && a.ndim() == nd && b.ndim() == nd,
        "batch contract: ndim"
    );
    let bd = nd - 2;
    assert!(
        a.shape()[..bd] == c.shape()[..bd] && b.shape()[..bd] == c.shape()[..bd],
        "batch contract: batch shapes"
    );
    let (n, k, m) = (a.shape()[bd], a.shape()[bd + 1], b.shape()[bd + 1]);
    assert!(
        b.shape()[bd] == k && c.shape()[bd] == n && c.shape()[bd + 1] == m,
        "batch contract: cores"
    );
    let count: usize = c.shape()[..bd].iter().product();
    if count == 0 || n == 0 || m == 0 {
        return Ok(());
    }
    if bd == 0 {
        let a2 = a.into_dimensionality::<Ix2>().expect("2-D");
        let b2 = b.into_dimensionality::<Ix2>().expect("2-D");
        let c2 = c.into_dimensionality::<Ix2>().expect("2-D");
        return T::gemm2(a2, b2, c2);
    }
    let shape: Vec<usize> = c.shape()[..bd].to_vec();
    let (sa, sb, sc) = (
        a.strides().to_vec(),
        b.strides().to_vec(),
        c.strides().to_vec(),
    );
    let stack = Stack {
        shape: &shape,
        sa: &sa[..bd],
        sb: &sb[..bd],
        sc: &sc[..bd],
        nkm: (n, k, m),
        core_a: (sa[bd], sa[bd + 1]),
        core_b: (sb[bd], sb[bd + 1]),
        core_c: (sc[bd], sc[bd + 1]),
        fresh: false,
    };
    let ptrs = Ptrs {
        a: a.as_ptr(),
        b: b.as_ptr(),
        c: c.as_mut_ptr(),
    };
    // SAFETY: `stack` describes exactly the views `a`, `b` and `c` (their shapes, checked
    // above, and strides) from their first elements `ptrs`; `c` is a live, initialized,
    // exclusively borrowed view and `a`, `b` live shared views for this call.
    unsafe { run_stack(&stack, ptrs) }
}

/// `c[i] = a[i] · b[i]` for every `i` of one batch axis (see [`batched`]), for operands of
/// static dimension types: no `IxDyn` shape or stride vectors. `a` is `(B, n, k)`, `b` is
/// `(B, k, m)`, `c` is `(B, n, m)`; a broadcast operand has batch stride 0.
pub(crate) fn batched3<T: Element>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
    mut c: ArrayViewMut3<'_, T>,
) -> Result<(), crate::Error> {
    let (count, n, k) = a.dim();
    let m = b.dim().2;
    assert!(
        b.dim() == (count, k, m) && c.dim() == (count, n, m),
        "batch contract: shapes"
    );
    if count == 0 || n == 0 || m == 0 {
        return Ok(());
    }
    let st = |s: &[isize]| [s[0], s[1], s[2]];
    let (sa, sb, sc) = (st(a.strides()), st(b.strides()), st(c.strides()));
    let stack = Stack {
        shape: &[count],
        sa: &sa[..1],
        sb: &sb[..1],
        sc: &sc[..1],
        nkm: (n, k, m),
        core_a: (sa[1], sa[2]),
        core_b: (sb[1], sb[2]),
        core_c: (sc[1], sc[2]),
        fresh: false,
    };
    let ptrs = Ptrs {
        a: a.as_ptr(),
        b: b.as_ptr(),
        c: c.as_mut_ptr(),
    };
    // SAFETY: as in `batched`: `stack` describes the live views `a`, `b` and (exclusive,
    // initialized) `c` exactly, from their first elements.
    unsafe { run_stack(&stack, ptrs) }
}

/// `a @ b` for every batch item into a new C-contiguous buffer of `(batch…, n, m)` (`a` is
/// `(batch…, n, k)`, `b` `(batch…, k, m)`, with the same batch shape, broadcast operands with
/// stride 0 there), without a zero-fill pass over the whole result first: each item is written
/// whole by its kernel (zero-filled first, while it is in cache, where the kernel accumulates).
/// For large stacks of small products that pass is a third of the memory traffic. `v` is the
/// result's empty buffer with room for all its elements (allocated by the caller, so that its
/// `MemoryError` comes before any of the operands' copies, as in the general path); it holds
/// the result in C order on `Ok`. `Err(MemoryError)` when a kernel's scratch cannot be
/// allocated (`v` is then left empty).
pub(crate) fn batched_new<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    v: &mut Vec<T>,
) -> Result<(), crate::Error> {
    let nd = a.ndim();
    assert!(nd >= 3 && b.ndim() == nd, "batch contract: ndim");
    let bd = nd - 2;
    let (n, k, m) = (a.shape()[bd], a.shape()[bd + 1], b.shape()[bd + 1]);
    assert!(
        a.shape()[..bd] == b.shape()[..bd] && b.shape()[bd] == k,
        "batch contract: shapes"
    );
    let batch = &a.shape()[..bd];
    let len = batch.iter().product::<usize>() * n * m;
    assert!(
        v.is_empty() && v.capacity() >= len,
        "batch contract: result buffer"
    );
    if len == 0 {
        return Ok(());
    }
    // C-order strides of `(batch…, n, m)`.
    let mut sc = vec![0isize; bd];
    let mut step = (n * m) as isize;
    for d in (0..bd).rev() {
        sc[d] = step;
        step *= batch[d] as isize;
    }
    let stack = Stack {
        shape: batch,
        sa: &a.strides()[..bd],
        sb: &b.strides()[..bd],
        sc: &sc,
        nkm: (n, k, m),
        core_a: (a.strides()[bd], a.strides()[bd + 1]),
        core_b: (b.strides()[bd], b.strides()[bd + 1]),
        core_c: (m as isize, 1),
        fresh: true,
    };
    // SAFETY: `stack` describes the live views `a` and `b` exactly, from their first elements,
    // and a C-contiguous `(batch…, n, m)` result of `len` elements.
    unsafe { run_new(&stack, a.as_ptr(), b.as_ptr(), v, len) }
}

/// Runs the fresh `stack` into `v`'s capacity and sets `v`'s length to `len` on success.
///
/// # Safety
/// `st` (with `st.fresh`) describes views of live, unmutated data from `a` and `b`, and a
/// C-contiguous result of `len` elements (`v` is empty with capacity ≥ `len`).
unsafe fn run_new<T: Element>(
    st: &Stack<'_>,
    a: *const T,
    b: *const T,
    v: &mut Vec<T>,
    len: usize,
) -> Result<(), crate::Error> {
    debug_assert!(st.fresh && v.is_empty() && v.capacity() >= len);
    let ptrs = Ptrs {
        a,
        b,
        c: v.as_mut_ptr(),
    };
    // SAFETY: the caller's contract for `a` and `b`; `c` is `v`'s capacity of `len` elements,
    // laid out as `st` says (C-contiguous), which nothing else accesses during the call
    // (`fresh`: it may be uninitialized).
    unsafe { run_stack(st, ptrs) }?;
    // SAFETY: `run_stack` returned Ok, so every item, and with them all `len` elements (the
    // items of a C-contiguous array tile it), was written whole.
    unsafe { v.set_len(len) };
    Ok(())
}

/// [`batched_new`] for operands of static dimension types: `a` `(B, n, k)`, `b` `(B, k, m)`,
/// the result `(B, n, m)` in C order.
pub(crate) fn batched3_new<T: Element>(
    a: ArrayView3<'_, T>,
    b: ArrayView3<'_, T>,
    v: &mut Vec<T>,
) -> Result<(), crate::Error> {
    let (count, n, k) = a.dim();
    let m = b.dim().2;
    assert!(b.dim() == (count, k, m), "batch contract: shapes");
    let len = count * n * m;
    assert!(
        v.is_empty() && v.capacity() >= len,
        "batch contract: result buffer"
    );
    if len == 0 {
        return Ok(());
    }
    let st = |s: &[isize]| [s[0], s[1], s[2]];
    let (sa, sb) = (st(a.strides()), st(b.strides()));
    let sc = [(n * m) as isize];
    let stack = Stack {
        shape: &[count],
        sa: &sa[..1],
        sb: &sb[..1],
        sc: &sc,
        nkm: (n, k, m),
        core_a: (sa[1], sa[2]),
        core_b: (sb[1], sb[2]),
        core_c: (m as isize, 1),
        fresh: true,
    };
    // SAFETY: as in `batched_new`, for one batch axis.
    unsafe { run_new(&stack, a.as_ptr(), b.as_ptr(), v, len) }
}

/// The geometry of a non-empty stack of products (element strides).
struct Stack<'s> {
    /// The batch shape (every entry ≥ 1).
    shape: &'s [usize],
    /// Batch strides of `a`, `b` and `c` (one per batch axis).
    sa: &'s [isize],
    sb: &'s [isize],
    sc: &'s [isize],
    /// The core product `(n, k)·(k, m)` (`n, m ≥ 1`).
    nkm: (usize, usize, usize),
    /// Core strides of `a`, `b` and `c`.
    core_a: (isize, isize),
    core_b: (isize, isize),
    core_c: (isize, isize),
    /// `c` is a new C-contiguous buffer whose memory may be uninitialized: each item is
    /// zero-filled before its kernel runs, unless the small kernel writes it whole.
    fresh: bool,
}

/// Runs every item of `st`, in parallel for large stacks of small items.
///
/// # Safety
/// `ptrs` point to the first elements of views of the shapes and strides `st` describes
/// (batch shape + core dims): `a` and `b` live and not mutated during the call, `c` live,
/// initialized (unless `st.fresh`, where `c` is C-contiguous: `core_c == (m, 1)` and batch
/// strides those of a C-order array) and not accessed through any other path during the call,
/// and distinct batch indices address disjoint `c` items (true of any mutable view).
unsafe fn run_stack<T: Element>(st: &Stack<'_>, ptrs: Ptrs<T>) -> Result<(), crate::Error> {
    let (shape, sa, sb, sc) = (st.shape, st.sa, st.sb, st.sc);
    let (n, k, m) = st.nkm;
    let (core_a, core_b, core_c) = (st.core_a, st.core_b, st.core_c);
    let fresh = st.fresh;
    let bd = shape.len();
    let count: usize = shape.iter().product();

    // Runs items `lo..hi` (linear batch indices in C order).
    // Small items skip view construction and dispatch entirely.
    let small = super::is_small::<T>(n, m, k);
    let isa = small::isa::<T>();
    let run = |lo: usize, hi: usize| {
        let p = ptrs;
        // Multi-index of `lo`, then an odometer.
        let mut idx = vec![0usize; bd];
        let mut rem = lo;
        for d in (0..bd).rev() {
            idx[d] = rem % shape[d];
            rem /= shape[d];
        }
        let offset = |s: &[isize], idx: &[usize]| -> isize {
            idx.iter().zip(s).map(|(&i, &st)| i as isize * st).sum()
        };
        let (mut oa, mut ob, mut oc) = (offset(sa, &idx), offset(sb, &idx), offset(sc, &idx));
        for _ in lo..hi {
            // SAFETY: `idx` is a valid batch index (each idx[d] < shape[d]), so the offsets
            // address the (0,0) element of item `idx` of each view, and with the core dims and
            // strides the item is a sub-view of the original view: in bounds of its allocation,
            // alive for this call. `a`/`b` are only read. Items of `c` for distinct batch indices
            // are disjoint (a mutable view never aliases itself) and each index is visited by
            // exactly one worker, so the mutable item view is exclusive.
            if small {
                let args = small::Args {
                    m: n,
                    n: m,
                    k,
                    a: p.a.wrapping_offset(oa),
                    rsa: core_a.0,
                    csa: core_a.1,
                    b: p.b.wrapping_offset(ob),
                    rsb: core_b.0,
                    csb: core_b.1,
                    c: p.c.wrapping_offset(oc),
                    rsc: core_c.0,
                    csc: core_c.1,
                };
                if fresh && !small::writes_whole(&args) {
                    // SAFETY: a fresh `c` is C-contiguous, so the item is the n·m consecutive
                    // elements from its first, ours alone (see above); all-zero bytes are the
                    // zero of every element type.
                    unsafe { std::ptr::write_bytes(args.c, 0, n * m) };
                }
                // SAFETY: the items are in bounds, `a`/`b` only read and the `c` item exclusive
                // (see the proof above); `c` is initialized (a view of an initialized array,
                // or zero-filled just above), or `small::writes_whole` holds, so the kernel
                // writes every element without reading it or forming references to it;
                // `isa` is `small::isa::<T>()` of this CPU.
                unsafe { small::run(&args, isa) };
            } else {
                // SAFETY: see the proof above: each item is a sub-view of its operand.
                let (a2, b2) = unsafe {
                    (
                        view2(p.a.wrapping_offset(oa), (n, k), core_a),
                        view2(p.b.wrapping_offset(ob), (k, m), core_b),
                    )
                };
                let c = p.c.wrapping_offset(oc);
                let written = fresh && {
                    // SAFETY: a fresh `c` is C-contiguous, so the item is the n·m consecutive
                    // elements from `c` (row-major, leading dimension m) inside its allocation,
                    // ours alone for this iteration (see above) and overlapping no operand (a
                    // new buffer); as `MaybeUninit` they need not be initialized.
                    let item = unsafe {
                        std::slice::from_raw_parts_mut(c.cast::<std::mem::MaybeUninit<T>>(), n * m)
                    };
                    T::gemm2_uninit(a2.view(), b2.view(), item)
                };
                if !written {
                    if fresh {
                        // SAFETY: as above; all-zero bytes are the zero of every element type.
                        unsafe { std::ptr::write_bytes(c, 0, n * m) };
                    }
                    // SAFETY: see the proof above: the item is a sub-view of `c`, initialized.
                    let c2 = unsafe { view2_mut(c, (n, m), core_c) };
                    T::gemm2(a2, b2, c2)?;
                }
            }
            // Odometer step.
            for d in (0..bd).rev() {
                idx[d] += 1;
                oa += sa[d];
                ob += sb[d];
                oc += sc[d];
                if idx[d] < shape[d] {
                    break;
                }
                oa -= sa[d] * shape[d] as isize;
                ob -= sb[d] * shape[d] as isize;
                oc -= sc[d] * shape[d] as isize;
                idx[d] = 0;
            }
        }
        Ok(())
    };

    let item_work = n.saturating_mul(k.max(1)).saturating_mul(m);
    let total = item_work.saturating_mul(count);
    let threads = rayon::current_num_threads();
    if threads > 1 && count > 1 && total >= PAR_MIN_WORK && item_work <= PAR_MAX_ITEM_WORK {
        let chunks = (threads * 4).min(count);
        super::threads::map((0..chunks).collect(), |t| {
            let lo = count * t / chunks;
            let hi = count * (t + 1) / chunks;
            run(lo, hi)
        })
        .into_iter()
        .collect()
    } else {
        run(0, count)
    }
}
