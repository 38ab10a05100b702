//! Small products without a library call: for a few hundred multiply-adds, calling BLAS (or
//! packing panels) costs more than the arithmetic. Generic over every [`Element`] with its
//! NumPy arithmetic (wrapping integers, OR/AND for bool, IEEE for floats). Each element is the
//! sum in order `((0 + a[i,0]·b[0,j]) + a[i,1]·b[1,j]) + …`; in the copies compiled for FMA each
//! step is one fused multiply-add for `f32`/`f64` (as in OpenBLAS's kernels, which compute
//! NumPy's float products) except in the one-column (matrix·vector) kernel; elsewhere a
//! multiply then an add.
//!
//! `c[i, :] += a[i, p] · b[p, :]` row updates; when the rows of `b` and `c` are contiguous they
//! are slices and the update vectorizes. On x86-64 a copy compiled for AVX2 and FMA is picked at
//! run time. The skinny kernels ([`super::skinny`]) run tall products on the same kernel.

use ndarray::{Array2, ArrayBase, ArrayView2, ArrayViewMut2, Data, Dimension};

use super::cpu::{has_avx2_fma, has_avx512};
use super::dyn_place::{Built, DynPlace};
use super::result::RawResult;
use crate::element::Element;

/// Largest `m·n·k` this kernel is used for.
pub(crate) const SMALL_MAX_WORK: usize = 16 * 16 * 16;

/// Largest `m·n·k` of a complex product this kernel is used for. Measured (one thread, AVX-512
/// CPU, `Complex<f64>`): 8·8·8 here 109 ns, OpenBLAS `zgemm` 386 ns, matrixmultiply 438 ns;
/// from 10·10·10 (and at 16·16·4, 16·4·16, 4·16·16, 16·16·16) `zgemm` is 1.3–3× faster.
pub(crate) const SMALL_MAX_WORK_COMPLEX: usize = 8 * 8 * 8;

/// `c = a · b` (overwrite) for any dims and strides; meant for small products.
pub(crate) fn gemm<T: Element>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n), "kernel shape contract");
    if m == 0 || n == 0 {
        return;
    }
    let args = Args::of_views(&a, &b, &mut c);
    // SAFETY: `args` describes the views `a`, `b` (read) and `c` (exclusively borrowed)
    // exactly, as `kernel` requires.
    unsafe { kernel_here(&args) };
}

/// Pointers, dims and strides (in elements) of one product.
pub(crate) struct Args<T> {
    pub(crate) m: usize,
    pub(crate) n: usize,
    pub(crate) k: usize,
    pub(crate) a: *const T,
    pub(crate) rsa: isize,
    pub(crate) csa: isize,
    pub(crate) b: *const T,
    pub(crate) rsb: isize,
    pub(crate) csb: isize,
    pub(crate) c: *mut T,
    pub(crate) rsc: isize,
    pub(crate) csc: isize,
}

impl<T> Args<T> {
    /// The product `c = a · b` of three 2-D views (`a` `(m, k)`, `b` `(k, n)`, `c` `(m, n)`),
    /// as their first elements' pointers, dims and strides.
    pub(crate) fn of_views(
        a: &ArrayView2<'_, T>,
        b: &ArrayView2<'_, T>,
        c: &mut ArrayViewMut2<'_, T>,
    ) -> Self {
        Args {
            m: a.nrows(),
            n: b.ncols(),
            k: a.ncols(),
            a: a.as_ptr(),
            rsa: a.strides()[0],
            csa: a.strides()[1],
            b: b.as_ptr(),
            rsb: b.strides()[0],
            csb: b.strides()[1],
            c: c.as_mut_ptr(),
            rsc: c.strides()[0],
            csc: c.strides()[1],
        }
    }
}

/// Which compiled copy of [`kernel`] runs a product of one element type on this CPU: chosen
/// once per call (by [`isa`]) by callers that run many products, such as the batch driver,
/// so that each product goes straight to its copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// The portable copy.
    Portable,
    /// The AVX2 + FMA copy.
    Avx2,
    /// The AVX-512 copy (the types of [`wide_avx512`] only).
    Avx512,
}

/// The copy of [`kernel`] that [`kernel_avx2`]'s dispatch would run for `T` on this CPU.
#[inline]
pub(crate) fn isa<T: Element>() -> Isa {
    if !has_avx2_fma() {
        Isa::Portable
    } else if wide_avx512::<T>() && has_avx512() {
        Isa::Avx512
    } else {
        Isa::Avx2
    }
}

/// Whether `T` takes the AVX-512 copy where the CPU has it. 2- and 4-byte integers and bool
/// stay on the AVX2 copy: on the Ice Lake-class machine measured (`parity_table mm/`, CPU
/// clock, one thread) the AVX-512 copy was slower for them — int32 8×8 179 ns against 126 ns,
/// int32 4×4 72 ns against 53 ns — and still is with integers one row at a time (AMD EPYC
/// with AVX-512: int32 8×8 210 ns against 66–68 ns, 16×16 190–247 ns against 162–207 ns),
/// while it is faster for floats (f64 16×16 115 ns against 164 ns) and bytes (uint8 16×16
/// 110 ns against 149–162 ns). 8-byte integers take it for
/// its `vpmullq` kernel (`small_int64`); the compiler leaves their products scalar in both
/// generic copies, whose 32–64 accumulators then live on the stack (AMD EPYC with AVX-512,
/// int64 16×16: 5.5–5.9 µs in the AVX2 copy, against 2.0 µs for ndarray's loop).
const fn wide_avx512<T: Element>() -> bool {
    match T::KIND {
        crate::element::Kind::Float => true,
        crate::element::Kind::Int => matches!(std::mem::size_of::<T>(), 1 | 8),
        crate::element::Kind::Bool => false,
    }
}

/// Runs one product described by raw parts (the batch driver's per-item entry: no views) on
/// the copy `isa`.
///
/// # Safety
/// `args` as for [`kernel`] (c zero-initialized or not: `kernel` writes every element before
/// reading it, except that its slice path forms `&mut [T]` over rows of `c`, so `c` must be
/// initialized); `isa` as [`isa`] returned it for `T` on this CPU.
#[inline]
pub(crate) unsafe fn run<T: Element>(args: &Args<T>, isa: Isa) {
    #[cfg(target_arch = "x86_64")]
    match isa {
        // SAFETY: forwarded contract; `isa` says the CPU has AVX-512 F, DQ, BW, VL, AVX2, FMA.
        Isa::Avx512 => return unsafe { kernel_avx512(args) },
        // SAFETY: forwarded contract; `isa` says the CPU has AVX2 and FMA.
        Isa::Avx2 => return unsafe { kernel_fma(args) },
        Isa::Portable => {}
    }
    let _ = isa;
    // SAFETY: forwarded contract.
    unsafe { kernel::<T, false, 2>(args) }
}

/// # Safety
/// The CPU must support AVX2 and FMA; `args` as for [`kernel`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn kernel_avx2<T: Element>(args: &Args<T>) {
    if wide_avx512::<T>() && has_avx512() {
        // SAFETY: forwarded contract; AVX-512 (F, DQ, BW, VL) detected just above.
        return unsafe { kernel_avx512(args) };
    }
    // SAFETY: forwarded contract (AVX2 and FMA are this function's own requirement).
    unsafe { kernel_fma(args) }
}

/// [`kernel`] compiled for AVX2 and FMA, with no further dispatch.
///
/// # Safety
/// The CPU must support AVX2 and FMA; `args` as for [`kernel`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn kernel_fma<T: Element>(args: &Args<T>) {
    // SAFETY: forwarded contract; inlining into this AVX2 function is what vectorizes it wider,
    // and FMA is present, so the unrolled kernels may fuse (`FMA = true`).
    unsafe { kernel::<T, true, 2>(args) }
}

/// [`kernel`] compiled for AVX-512: the same arithmetic in the same order (each element's sum
/// is independent of the vector width), in 512-bit registers — a row of 8 `f64` or 16 `f32` in
/// one register. Float, complex, one-byte and eight-byte integer types only (see
/// [`wide_avx512`]); the eight-byte ones on `small_int64`'s `vpmullq` kernel.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL, AVX2 and FMA; `args` as for [`kernel`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn kernel_avx512<T: Element>(args: &Args<T>) {
    // SAFETY: forwarded contract; this function's own CPU requirement covers what `kernel`
    // asks of its `ROWS == AVX512_ROWS` copy (AVX-512 F, DQ, BW, VL), and FMA is present
    // (`FMA = true`, as in `kernel_avx2`). With 32 vector registers, four rows of `c` are
    // accumulated at a time (eight independent FMA chains for a row of 16 `f64`), twice the
    // AVX2 copy's two.
    unsafe { kernel::<T, true, AVX512_ROWS>(args) }
}

/// Rows of `c` the AVX-512 copy of [`kernel`] accumulates at a time; only that copy
/// ([`kernel_avx512`]) instantiates the kernels with it.
const AVX512_ROWS: usize = 4;

/// # Safety
/// `a` (m×k, strides rsa/csa) and `b` (k×n, rsb/csb) must address elements of live arrays for
/// every in-range index, and `c` (m×n, rsc/csc) likewise, exclusively borrowed, with no two
/// indices mapping to the same element and no overlap with `a` or `b` — exactly what ndarray
/// views `a`, `b` and a mutable view `c` of those dims and strides guarantee. With
/// `ROWS == AVX512_ROWS`, the CPU supports AVX-512 F, DQ, BW and VL.
#[inline(always)]
unsafe fn kernel<T: Element, const FMA: bool, const ROWS: usize>(x: &Args<T>) {
    if x.k > 0 && x.n > 1 && x.csb != 1 && x.csc == 1 && x.k.saturating_mul(x.n) <= PACK_MAX {
        // `b` with strided rows (typically `bᵀ` of a C-order matrix: `inner`, `a @ b.T`):
        // one pass copies it into row-major order on the stack, so that the row kernels below
        // read it as slices. Every element of `c` is then the same in-order sum of the same
        // products as the unrolled kernel computes for a row-major `b`.
        let mut packed = [const { std::mem::MaybeUninit::<T>::uninit() }; PACK_MAX];
        let n = x.n;
        for p in 0..x.k {
            for j in 0..n {
                // SAFETY: p < k and j < n index an element of `b` (forwarded contract);
                // p·n + j < k·n ≤ PACK_MAX is inside `packed`.
                unsafe {
                    packed
                        .get_unchecked_mut(p * n + j)
                        .write(*x.b.offset(p as isize * x.rsb + j as isize * x.csb));
                }
            }
        }
        let y = Args {
            b: packed.as_ptr().cast::<T>(),
            rsb: n as isize,
            csb: 1,
            ..*x
        };
        // SAFETY: the first k·n elements of `packed` were all written above and describe the
        // same k×n matrix as `b`, row-major, alive until the end of this function and only
        // read; `a` and `c` are the caller's, as `kernel_rows` requires.
        return unsafe { kernel_rows::<T, FMA, ROWS>(&y) };
    }
    // SAFETY: forwarded contract.
    unsafe { kernel_rows::<T, FMA, ROWS>(x) }
}

/// Largest `k·n` of a strided `b` that [`kernel`] copies to row-major order first (16×16: the
/// largest small product's; 4 KiB of stack for `Complex<f64>`).
const PACK_MAX: usize = 256;

/// [`kernel`] once `b` is as it will be read.
///
/// # Safety
/// As for [`kernel`].
#[inline(always)]
unsafe fn kernel_rows<T: Element, const FMA: bool, const ROWS: usize>(x: &Args<T>) {
    #[cfg(target_arch = "x86_64")]
    if ROWS == AVX512_ROWS && super::small_int64::takes(x) {
        // SAFETY: the contract of `small_int64::kernel`: `x` as for `kernel` (forwarded),
        // `takes(x)` just checked, and AVX-512 F and DQ, which `kernel`'s contract gives
        // with `ROWS == AVX512_ROWS`.
        return unsafe { super::small_int64::kernel(x) };
    }
    if x.k > 0 && x.csb == 1 && x.csc == 1 {
        // Rows of `b` and `c` contiguous: widths common in practice get a fully unrolled
        // kernel that keeps a row of `c` in registers.
        // Each arm: the forwarded contract, plus n == N and unit column strides, which
        // `kernel_fixed` requires.
        match x.n {
            // SAFETY: see above (n == 4).
            4 => return unsafe { kernel_fixed::<T, 4, FMA, ROWS>(x) },
            // SAFETY: see above (n == 8).
            8 => return unsafe { kernel_fixed::<T, 8, FMA, ROWS>(x) },
            // SAFETY: see above (n == 16).
            16 => return unsafe { kernel_fixed::<T, 16, FMA, ROWS>(x) },
            // SAFETY: forwarded contract, with n > 1 and unit column strides, which
            // `kernel_blocks` requires.
            n if n > 1 => return unsafe { kernel_blocks::<T, FMA, ROWS>(x) },
            _ => {}
        }
    }
    let zero = T::zero();
    if x.n == 1 {
        // SAFETY: forwarded contract, with n == 1.
        return unsafe { matvec_rows(x) };
    }
    let rows_contiguous = (x.n <= 1 || (x.csb == 1 && x.csc == 1)) && x.n > 0;
    for i in 0..x.m {
        // SAFETY: (whole loop body) every offset is `index · stride` for an in-range index of
        // the corresponding view, so each pointer formed is to an element of that view.
        unsafe {
            let crow = x.c.offset(i as isize * x.rsc);
            let arow = x.a.offset(i as isize * x.rsa);
            if rows_contiguous {
                // Row i of `c` is n consecutive elements, exclusively ours for this iteration;
                // row p of `b` is n consecutive elements, only read.
                let cs = std::slice::from_raw_parts_mut(crow, x.n);
                cs.fill(zero);
                for p in 0..x.k {
                    let aip = *arow.offset(p as isize * x.csa);
                    let bs = std::slice::from_raw_parts(x.b.offset(p as isize * x.rsb), x.n);
                    axpy(aip, bs, cs);
                }
            } else {
                for j in 0..x.n {
                    *crow.offset(j as isize * x.csc) = zero;
                }
                for p in 0..x.k {
                    let aip = *arow.offset(p as isize * x.csa);
                    let brow = x.b.offset(p as isize * x.rsb);
                    for j in 0..x.n {
                        let cj = crow.offset(j as isize * x.csc);
                        *cj = mul_add::<T, FMA>(aip, *brow.offset(j as isize * x.csb), *cj);
                    }
                }
            }
        }
    }
}

/// Matrix·vector (`n == 1`) for [`kernel`]: one sum per row, `((0 + a[i,0]·b[0]) +
/// a[i,1]·b[1]) + …` — the same arithmetic as `kernel`'s row updates — kept in a register and
/// stored once (every element of `c` is written through a pointer, never read). Not inlined
/// into the AVX2 copy: for the short rows it serves, a scalar loop costs fewer instructions
/// than a vectorized one with its run-time stride checks.
///
/// # Safety
/// As for [`kernel`], and `x.n == 1`.
#[inline(never)]
unsafe fn matvec_rows<T: Element>(x: &Args<T>) {
    let zero = T::zero();
    // Two rows at a time: two independent chains of adds, each `b[p]` loaded once.
    let mut i = 0;
    while i + 2 <= x.m {
        // SAFETY: in-range indices (i, i + 1 < m; p < k; j = 0) times the views' strides
        // (see above), so every pointer formed is to an element of its view.
        unsafe {
            let a0 = x.a.offset(i as isize * x.rsa);
            let a1 = x.a.offset((i + 1) as isize * x.rsa);
            let (mut s0, mut s1) = (zero, zero);
            for p in 0..x.k as isize {
                let bp = *x.b.offset(p * x.rsb);
                s0 = s0.np_add((*a0.offset(p * x.csa)).np_mul(bp));
                s1 = s1.np_add((*a1.offset(p * x.csa)).np_mul(bp));
            }
            *x.c.offset(i as isize * x.rsc) = s0;
            *x.c.offset((i + 1) as isize * x.rsc) = s1;
        }
        i += 2;
    }
    if i < x.m {
        // SAFETY: as above, for the last row i < m alone.
        unsafe {
            let a0 = x.a.offset(i as isize * x.rsa);
            let mut s0 = zero;
            for p in 0..x.k as isize {
                s0 = s0.np_add((*a0.offset(p * x.csa)).np_mul(*x.b.offset(p * x.rsb)));
            }
            *x.c.offset(i as isize * x.rsc) = s0;
        }
    }
}

/// [`kernel`] for `n == N` with unit column strides in `b` and `c`: rows of `c` are accumulated
/// `ROWS` at a time in `[T; N]` arrays (registers) and stored once. Several rows give as many
/// independent add chains, so the adds are limited by throughput, not latency, while each row
/// of `b` is loaded once for all of them. Every element is still the sum in order
/// `((a[i,0]·b[0,j] + a[i,1]·b[1,j]) + …)` whatever `ROWS` is (fused multiply-adds with `FMA`).
///
/// # Safety
/// As for [`kernel`], and `x.n == N`, `x.csb == 1`, `x.csc == 1`.
#[inline(always)]
unsafe fn kernel_fixed<T: Element, const N: usize, const FMA: bool, const ROWS: usize>(
    x: &Args<T>,
) {
    debug_assert!(x.n == N && x.csb == 1 && x.csc == 1);
    if ROWS > 1 && T::KIND != crate::element::Kind::Float {
        // Integers and bool one row at a time: with several rows' `[T; N]` the compiler leaves
        // their products scalar, with the accumulators on the stack (no fused multiply-add
        // latency to hide here). Measured (one thread, AMD EPYC with AVX-512, `parity_table
        // mm/`, AVX2 copy): int32 8×8 200 → 65 ns, 16×16 1.5 µs → 160 ns; int64 8×8 233 →
        // 120 ns, 16×16 2.1–5.9 µs (depending on where the stack accumulators fell) → 680 ns;
        // uint8 8×8 246 → 74 ns, 16×16 unchanged (190–206 ns).
        // SAFETY: forwarded contract (`ROWS` is not part of it).
        return unsafe { kernel_fixed::<T, N, FMA, 1>(x) };
    }
    let mut i = 0;
    // The AVX-512 copy (`ROWS == 4`) on real floats: two groups of ROWS rows per block, twice
    // the independent chains (16 for a row of 16 `f64`: two registers per row), which the
    // fused multiply-add's latency needs to reach its throughput. Measured (one thread,
    // Ice Lake-class CPU, 16×16·16×16 f64): the kernel alone 169 ns with one group, 123 ns
    // with two; `dot_into` of two (16, 16) `ArrayD` 230 → 185 ns (medians of six rounds,
    // old and new alternately). One group of 2·ROWS rows instead is not kept in registers by
    // the compiler (6.3 µs).
    let real_float = T::KIND == crate::element::Kind::Float && !super::vector::is_complex::<T>();
    if ROWS >= 4 && FMA && real_float {
        while i + 2 * ROWS <= x.m {
            let mut lo = [[T::zero(); N]; ROWS];
            let mut hi = [[T::zero(); N]; ROWS];
            for p in 0..x.k {
                // SAFETY: i + 2·ROWS ≤ m and p < k: the contract of `update_rows` for both
                // groups (rows i .. i + ROWS and i + ROWS .. i + 2·ROWS).
                unsafe {
                    let brow = &*(x.b.offset(p as isize * x.rsb) as *const [T; N]);
                    update_rows::<T, N, FMA, ROWS>(&mut lo, x, i, p, brow);
                    update_rows::<T, N, FMA, ROWS>(&mut hi, x, i + ROWS, p, brow);
                }
            }
            // SAFETY: rows i .. i + 2·ROWS < m of `c` (see `store_rows`).
            unsafe {
                store_rows::<T, N, ROWS>(&lo, x, i);
                store_rows::<T, N, ROWS>(&hi, x, i + ROWS);
            }
            i += 2 * ROWS;
        }
    }
    while i + ROWS <= x.m {
        let mut acc = [[T::zero(); N]; ROWS];
        for p in 0..x.k {
            // SAFETY: i + ROWS ≤ m and p < k: the contract of `update_rows`.
            unsafe {
                let brow = &*(x.b.offset(p as isize * x.rsb) as *const [T; N]);
                update_rows::<T, N, FMA, ROWS>(&mut acc, x, i, p, brow);
            }
        }
        // SAFETY: rows i .. i + ROWS ≤ m of `c` (see `store_rows`).
        unsafe { store_rows::<T, N, ROWS>(&acc, x, i) };
        i += ROWS;
    }
    while i < x.m {
        let mut acc = [T::zero(); N];
        // SAFETY: as above, for the one row i < m.
        unsafe {
            let arow = x.a.offset(i as isize * x.rsa);
            for p in 0..x.k {
                let aip = *arow.offset(p as isize * x.csa);
                let brow = &*(x.b.offset(p as isize * x.rsb) as *const [T; N]);
                for j in 0..N {
                    acc[j] = mul_add::<T, FMA>(aip, brow[j], acc[j]);
                }
            }
            *(x.c.offset(i as isize * x.rsc) as *mut [T; N]) = acc;
        }
        i += 1;
    }
}

/// `acc[r] += a[i + r, p] · brow` for `r < ROWS` (one step of the in-order sums of
/// [`kernel_fixed`]).
///
/// # Safety
/// The contract of [`kernel`] with `i + ROWS ≤ x.m`, `p < x.k`; `brow` is row `p` of `b`
/// (N consecutive elements: unit column stride).
#[inline(always)]
unsafe fn update_rows<T: Element, const N: usize, const FMA: bool, const ROWS: usize>(
    acc: &mut [[T; N]; ROWS],
    x: &Args<T>,
    i: usize,
    p: usize,
    brow: &[T; N],
) {
    for (r, accr) in acc.iter_mut().enumerate() {
        // SAFETY: i + r < m and p < k index an element of `a` (the caller's contract).
        let a = unsafe { *x.a.offset((i + r) as isize * x.rsa + p as isize * x.csa) };
        for j in 0..N {
            accr[j] = mul_add::<T, FMA>(a, brow[j], accr[j]);
        }
    }
}

/// Writes `acc[r]` to row `i + r` of `c` for `r < ROWS`.
///
/// # Safety
/// The contract of [`kernel`] with `i + ROWS ≤ x.m` and `x.n == N`, `x.csc == 1`: row `i + r`
/// of `c` is N consecutive elements, exclusively ours (`[T; N]` has `T`'s alignment); rows of
/// `c` are distinct elements (no two indices of `c` alias).
#[inline(always)]
unsafe fn store_rows<T: Element, const N: usize, const ROWS: usize>(
    acc: &[[T; N]; ROWS],
    x: &Args<T>,
    i: usize,
) {
    for (r, accr) in acc.iter().enumerate() {
        // SAFETY: the caller's contract.
        unsafe { *(x.c.offset((i + r) as isize * x.rsc) as *mut [T; N]) = *accr };
    }
}

/// [`kernel_fixed`] on column blocks of 16, 8 and 4 (then single columns) for the other
/// widths: each block is the same product restricted to `N` consecutive columns of `b` and
/// `c`, so every element is the same in-order sum as in the unrolled kernels. (A row-update
/// loop over a width the compiler does not know vectorizes poorly: 11,200 instructions for a
/// 12×12·12×12 product, against 1,808 this way, in the AVX2 copy: 2,136 → 258 ns here.)
///
/// # Safety
/// As for [`kernel`], and `x.csb == 1`, `x.csc == 1`.
#[inline(always)]
unsafe fn kernel_blocks<T: Element, const FMA: bool, const ROWS: usize>(x: &Args<T>) {
    debug_assert!(x.csb == 1 && x.csc == 1);
    let mut j = 0;
    while j < x.n {
        let w = match x.n - j {
            r if r >= 16 => 16,
            r if r >= 8 => 8,
            r if r >= 4 => 4,
            _ => 1,
        };
        // SAFETY: `j + w ≤ n`, so columns `j .. j + w` of `b` and `c` are in range (unit
        // column strides: `j` elements past the first column), and `y` describes the same
        // rows restricted to them: the contract of `kernel_fixed` with `n == w` and unit
        // column strides. The blocks are disjoint, so each element of `c` is written once.
        unsafe {
            let y = Args {
                n: w,
                b: x.b.add(j),
                c: x.c.add(j),
                ..*x
            };
            match w {
                16 => kernel_fixed::<T, 16, FMA, ROWS>(&y),
                8 => kernel_fixed::<T, 8, FMA, ROWS>(&y),
                4 => kernel_fixed::<T, 4, FMA, ROWS>(&y),
                _ => kernel_fixed::<T, 1, FMA, ROWS>(&y),
            }
        }
        j += w;
    }
}

/// `c + a·b` in NumPy arithmetic; with `FMA` (only in code compiled for the FMA feature) fused
/// for the real float types, as OpenBLAS's kernels (NumPy's) compute it.
#[inline(always)]
fn mul_add<T: Element, const FMA: bool>(a: T, b: T, c: T) -> T {
    if FMA {
        T::fused_mul_add(a, b, c)
    } else {
        c.np_add(a.np_mul(b))
    }
}

/// `c += alpha · b` elementwise (NumPy arithmetic). Fixed-width chunks so that even a row of
/// 4 or 8 elements becomes whole vector operations instead of a scalar remainder loop.
#[inline(always)]
fn axpy<T: Element>(alpha: T, b: &[T], c: &mut [T]) {
    const W: usize = 4;
    let mut cc = c.chunks_exact_mut(W);
    let mut bc = b.chunks_exact(W);
    for (cw, bw) in (&mut cc).zip(&mut bc) {
        for t in 0..W {
            cw[t] = cw[t].np_add(alpha.np_mul(bw[t]));
        }
    }
    for (cj, &bj) in cc.into_remainder().iter_mut().zip(bc.remainder()) {
        *cj = cj.np_add(alpha.np_mul(bj));
    }
}

/// `a · b` for two arrays of any storage, 2-D or 1-D (a 1-D `a` is one row, a 1-D `b` one
/// column, as in `np.dot`; `a.shape()[-1] == b.shape()[0]`, a product small enough for this
/// kernel), as a C-contiguous `Vec` of `m·n` elements. Works on the arrays' own pointers and
/// strides: no view conversion, no zero-fill when the row width has an unrolled kernel (every
/// element is then written exactly once). `Err(MemoryError)` when the result cannot be
/// allocated.
pub(crate) fn product_vec<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Vec<T>, crate::Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    product_vec_body(a, b)
}

/// The body of [`product_vec`], in-lined into [`product_raw`] as well.
#[inline(always)]
fn product_vec_body<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
) -> Result<Vec<T>, crate::Error>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let mut args = operands(a, b).expect("kernel shape contract");
    let (m, n) = (args.m, args.n);
    let len = m.checked_mul(n).expect("small product");
    // Small results straight from the global allocator (no `try_reserve` machinery).
    let mut v: Vec<T> = super::result::alloc_result_as(len, &[m, n])?;
    (args.c, args.rsc, args.csc) = (v.as_mut_ptr(), n as isize, 1);
    let fixed = writes_whole(&args);
    if !fixed {
        v.resize(len, T::zero());
        args.c = v.as_mut_ptr();
    }
    // SAFETY: `a` and `b` are live arrays described exactly by `args` (a 1-D `a` as one row:
    // its row stride is never applied since m == 1; a 1-D `b` as one column: its column
    // stride is never applied since n == 1); `c` points to `len` elements of capacity we own:
    // zero-initialized unless `fixed`, in which case `kernel` takes its `kernel_fixed` paths
    // (same condition: k > 0, n > 1, unit column stride in `c`, and in `b` or after packing
    // `b` when k·n ≤ PACK_MAX), which only write whole blocks of rows, or its n == 1 loop,
    // which writes every row's element through a pointer.
    unsafe { kernel_here(&args) };
    if fixed {
        // SAFETY: `kernel_fixed` (k > 0; on every column block) or the n == 1 loop wrote every
        // one of the m rows of n elements, so all `len` elements are initialized.
        unsafe { v.set_len(len) };
    }
    Ok(v)
}

/// [`product_vec`] of an `(m, n)` product as its C-order `Array2` (`m`, `n` as
/// [`product_vec`] reads them from the operands); `None` when the result cannot be allocated.
/// The out-of-line kernel hands the result back as a [`RawResult`] (see there why).
#[inline(always)]
pub(crate) fn product_matrix<T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    m: usize,
    n: usize,
) -> Option<Array2<T>>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    Some(product_raw(a, b)?.into_matrix(m, n))
}

/// [`kernel`] in the copy this CPU takes (AVX2 and FMA, which dispatches further to AVX-512,
/// or the portable one).
///
/// # Safety
/// As for [`kernel`].
#[inline(always)]
unsafe fn kernel_here<T: Element>(args: &Args<T>) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: forwarded contract; AVX2 and FMA are present.
        return unsafe { kernel_avx2(args) };
    }
    // SAFETY: forwarded contract.
    unsafe { kernel::<T, false, 2>(args) }
}

/// [`product_vec`] of two operands whose result is an `ArrayD` (`IxDyn` operands): `(m, n)`
/// when both are 2-D, else 1-D of `m·n` elements (`m`, `n` as [`product_vec`] reads them
/// from the operands; not empty), built in `place` before the kernel runs (see
/// [`dyn_place`](super::dyn_place) for why); a result the kernel writes whole is not
/// zero-filled first. The place back when the result cannot be allocated.
#[inline(always)]
pub(crate) fn product_dyn<'p, T, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    m: usize,
    n: usize,
    place: DynPlace<'p, T>,
) -> Built<'p, T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let mut args = operands(a, b).expect("kernel shape contract");
    assert!((args.m, args.n) == (m, n), "kernel shape contract");
    (args.rsc, args.csc) = (n as isize, 1);
    let whole = writes_whole(&args);
    let run = |c: *mut T| {
        args.c = c;
        // SAFETY: `a` and `b` are live arrays described exactly by `args` (a 1-D `a` as one
        // row, a 1-D `b` as one column, as in `product_vec`); `c` points to the m·n elements
        // of the new result, ours alone, row-major (strides (n, 1)); when not `writes_whole`,
        // they are zero-filled first (`zeroed_then`).
        unsafe { kernel_here(&args) }
    };
    match (a.ndim() == 2 && b.ndim() == 2, whole) {
        // SAFETY: `writes_whole` holds: `kernel` takes its paths that write every element
        // without reading it or forming references to it, as `written_by` requires.
        (true, true) => unsafe { place.written_by([m, n], run) },
        (true, false) => place.zeroed_then([m, n], run),
        // SAFETY: as above; one of `m`, `n` is 1 (a 1-D operand), so the product fits.
        (false, true) => unsafe { place.written_by([m * n], run) },
        (false, false) => place.zeroed_then([m * n], run),
    }
}

/// [`product_vec`] as a [`RawResult`]; `None` when the result cannot be allocated.
#[inline(never)]
fn product_raw<T, S1, S2, D1, D2>(
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
    product_vec_body(a, b).ok().map(RawResult::new)
}

/// The [`Args`] of `a · b` for two arrays, 2-D or 1-D (a 1-D `a` is one row, a 1-D `b` one
/// column, as in `np.dot`), with no `c` yet (null, to be filled in); `None` unless
/// `a.shape()[-1] == b.shape()[0]`.
#[inline(always)]
fn operands<T, S1, S2, D1, D2>(a: &ArrayBase<S1, D1>, b: &ArrayBase<S2, D2>) -> Option<Args<T>>
where
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let (ast, bst) = (a.strides(), b.strides());
    let (m, k, rsa, csa) = match *a.shape() {
        [m, k] => (m, k, ast[0], ast[1]),
        [k] => (1, k, 0, ast[0]),
        _ => return None,
    };
    let (n, rsb, csb) = match *b.shape() {
        [kb, n] if kb == k => (n, bst[0], bst[1]),
        [kb] if kb == k => (1, bst[0], 1),
        _ => return None,
    };
    Some(Args {
        m,
        n,
        k,
        a: a.as_ptr(),
        rsa,
        csa,
        b: b.as_ptr(),
        rsb,
        csb: if n <= 1 { 1 } else { csb },
        c: std::ptr::null_mut(),
        rsc: 0,
        csc: 1,
    })
}

/// `out = a · b` for a small product (see [`super::is_small`]) on the arrays' own pointers and
/// strides: what [`gemm`] computes on their 2-D views (the same kernel, so the same bits),
/// without building views. `a` is `(m, k)`, or `(k,)` as one row; `b` is `(k, n)`, or `(k,)` as
/// one column; `out` is `(m, n)`, or 1-D of `m·n` elements when `m == 1` or `n == 1`; any
/// strides. `false` (nothing written) for any other shapes.
pub(crate) fn product_into<T, S1, S2, S3, D1, D2, D3>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    out: &mut ArrayBase<S3, D3>,
) -> bool
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: ndarray::DataMut<Elem = T>,
    D1: Dimension,
    D2: Dimension,
    D3: Dimension,
{
    let Some(mut args) = operands(a, b) else {
        return false;
    };
    let (m, n) = (args.m, args.n);
    let ost = out.strides();
    let (rsc, csc) = match *out.shape() {
        [r, c] if (r, c) == (m, n) => (ost[0], ost[1]),
        // One row: its row stride is never applied (the kernel only forms row 0).
        [len] if m == 1 && len == n => (0, ost[0]),
        [len] if n == 1 && len == m => (ost[0], 1),
        _ => return false,
    };
    if m == 0 || n == 0 {
        return true;
    }
    // `as_mut_ptr` makes shared storage (`ArcArray`) unique first.
    (args.c, args.rsc) = (out.as_mut_ptr(), rsc);
    args.csc = if n <= 1 { 1 } else { csc };
    // SAFETY: `a`, `b` are live arrays and `out` a live, initialized array borrowed
    // exclusively (unique storage after `as_mut_ptr`, so it overlaps neither operand), each
    // described exactly by `args` for every in-range index (a 1-D `a` as one row: row stride
    // never applied since m == 1; a 1-D `b` or `out` as one column: column stride never
    // applied since n == 1), as `kernel` requires — the same `Args` that `gemm` builds from
    // their 2-D views.
    unsafe { kernel_here(&args) };
    true
}

/// Whether [`kernel`] writes every element of `c` without reading it or forming references to
/// it, so that `c` may be uninitialized memory: its `kernel_fixed` paths (every width above 1
/// with unit column strides in `c` and a row-major `b`, directly or in column blocks, also
/// after `kernel` packs a strided `b` of at most `PACK_MAX` elements into row-major order),
/// and the matrix·vector loop (n == 1). The other paths zero-fill `c` first.
pub(crate) fn writes_whole<T>(x: &Args<T>) -> bool {
    x.m > 0
        && (x.n == 1
            || (x.k > 0
                && x.n > 1
                && x.csc == 1
                && (x.csb == 1 || x.k.saturating_mul(x.n) <= PACK_MAX)))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::kernels::cpu::set_avx512;
    use crate::kernels::skinny::vecmat_new;
    use ndarray::{Array2, s};

    /// The textbook loop in NumPy arithmetic (exact for integers).
    pub(in crate::kernels) fn naive<T: Element>(
        a: &ArrayView2<'_, T>,
        b: &ArrayView2<'_, T>,
    ) -> Array2<T> {
        let (m, k) = a.dim();
        let n = b.ncols();
        Array2::from_shape_fn((m, n), |(i, j)| {
            (0..k).fold(T::zero(), |acc, p| acc.np_add(a[[i, p]].np_mul(b[[p, j]])))
        })
    }

    /// The AVX-512 and AVX2 copies compute the same numbers (same order per element).
    #[test]
    fn avx512_and_avx2_copies_agree() {
        let a = Array2::from_shape_fn((9, 16), |(i, j)| ((i * 16 + j) as f64).sin());
        let b = Array2::from_shape_fn((16, 16), |(i, j)| ((i + 3 * j) as f64).cos());
        let ai = a.mapv(|x| (x * 1000.0) as i64);
        let bi = b.mapv(|x| (x * 1000.0) as i64);
        let x = Array2::from_shape_fn((1, 8), |(_, j)| j as f64 - 3.5);
        let wide = Array2::from_shape_fn((8, 100), |(i, j)| ((i * 100 + j) as f64).sqrt());
        // Two groups of rows per block in the AVX-512 copy (m ≥ 8), then one group, then
        // single rows; column blocks of 8 and 4 (n = 12); f32 rows of 16 and 8.
        let c = Array2::from_shape_fn((13, 12), |(i, j)| ((i * 12 + j) as f64).cos());
        let d = Array2::from_shape_fn((12, 12), |(i, j)| ((7 * i + j) as f64).sin());
        let (af, bf) = (a.mapv(|x| x as f32), b.mapv(|x| x as f32));
        let run = || {
            (
                (product_vec(&c, &d), product_vec(&af, &bf)),
                product_vec(
                    &af.slice(ndarray::s![.., ..8]),
                    &bf.slice(ndarray::s![..8, ..8]),
                ),
                product_vec(&a, &b),
                product_vec(&a.t(), &a),
                product_vec(&ai, &bi),
                product_vec(&a, &b.column(3)),
                vecmat_new(x.row(0), wide.view()),
            )
        };
        let with = run();
        set_avx512(false);
        let without = run();
        set_avx512(true);
        assert_eq!(with, without);
    }

    /// `product_into` on the arrays' own strides writes the bits `gemm` writes on their 2-D
    /// views, for operand and `out` layouts (C, F, reversed, stepped), 1-D operands and a 1-D
    /// `out`; shapes that do not fit write nothing.
    #[test]
    fn product_into_gives_the_bits_of_gemm() {
        use ndarray::{Array1, Axis, ShapeBuilder};
        let bits = |x: &Array2<f64>| x.mapv(f64::to_bits);
        let a = Array2::from_shape_fn((6, 16), |(i, j)| ((i * 16 + j) as f64).sin());
        let b = Array2::from_shape_fn((16, 16), |(i, j)| ((3 * i + j) as f64).cos());
        for av in [a.view(), a.slice(s![..;-1, ..]), a.slice(s![..;2, ..])] {
            let m = av.nrows();
            for bv in [
                b.view(),
                b.t(),
                b.slice(s![.., ..;-2]),
                b.slice(s![.., 3..8]),
            ] {
                let n = bv.ncols();
                let mut want = Array2::<f64>::zeros((m, n));
                gemm(av, bv, want.view_mut());
                let mut c = Array2::from_elem((m, n), f64::NAN);
                assert!(product_into(&av, &bv, &mut c));
                assert_eq!(bits(&c), bits(&want));
                let mut f = Array2::from_elem((m, n).f(), f64::NAN);
                assert!(product_into(&av, &bv, &mut f));
                assert_eq!(bits(&f), bits(&want));
                let mut wide = Array2::from_elem((m, 2 * n), f64::NAN);
                let mut r = wide.slice_mut(s![.., ..;-2]);
                assert!(product_into(&av, &bv, &mut r));
                assert_eq!(bits(&r.to_owned()), bits(&want));
            }
            let col = b.column(5);
            let mut want = Array2::<f64>::zeros((m, 1));
            gemm(av, col.insert_axis(Axis(1)), want.view_mut());
            let mut o = Array1::from_elem(m, f64::NAN);
            assert!(product_into(&av, &col, &mut o));
            assert_eq!(o.mapv(f64::to_bits), want.column(0).mapv(f64::to_bits));
            let row = av.row(1);
            let mut want = Array2::<f64>::zeros((1, 16));
            gemm(row.insert_axis(Axis(0)), b.view(), want.view_mut());
            let mut o = Array1::from_elem(16, f64::NAN);
            assert!(product_into(&row, &b, &mut o));
            assert_eq!(o.mapv(f64::to_bits), want.row(0).mapv(f64::to_bits));
        }
        let ai = a.mapv(|x| (x * 1e6) as i64);
        let bi = b.mapv(|x| (x * 1e6) as i64);
        let mut want = Array2::<i64>::zeros((6, 16));
        gemm(ai.view(), bi.view(), want.view_mut());
        let mut c = Array2::<i64>::zeros((6, 16).f());
        assert!(product_into(&ai, &bi, &mut c));
        assert_eq!(c, want);
        let mut o = Array2::from_elem((6, 15), f64::NAN);
        assert!(!product_into(&a, &b, &mut o));
        let mut o1 = Array1::from_elem(5, f64::NAN);
        assert!(!product_into(&a, &b.column(0), &mut o1));
        assert!(o.iter().chain(&o1).all(|x| x.is_nan()));
    }

    #[test]
    fn matches_naive_on_all_layouts() {
        let a = Array2::from_shape_fn((6, 7), |(i, j)| (i * 7 + j) as f64 - 20.0);
        let b = Array2::from_shape_fn((7, 5), |(i, j)| (i as f64) * 0.5 - j as f64);
        let views_a = [a.view(), a.slice(s![..;-1, ..]), a.slice(s![..;2, ..])];
        let bt = b.t().to_owned();
        let views_b = [b.view(), bt.t(), b.slice(s![.., ..;-1])];
        for av in &views_a {
            for bv in &views_b {
                let want = naive(av, bv);
                let mut c = Array2::from_elem((av.nrows(), 5), f64::NAN);
                gemm(av.view(), bv.view(), c.view_mut());
                assert_eq!(c, want);
                let mut ct = Array2::from_elem((5, av.nrows()), f64::NAN);
                gemm(av.view(), bv.view(), ct.view_mut().reversed_axes());
                assert_eq!(ct.t(), want);
            }
        }
        // Every width: the unrolled ones (4, 8, 16) and the column blocks of the others
        // (16s, 8s, 4s, then single columns).
        for n in 1usize..=40 {
            let b = Array2::from_shape_fn((7, n), |(i, j)| (i * n + j) as f64 - 3.0);
            let want = naive(&a.view(), &b.view());
            let mut c = Array2::from_elem((6, n), f64::NAN);
            gemm(a.view(), b.view(), c.view_mut());
            assert_eq!(c, want, "n = {n}");
        }
        let bz = Array2::<f64>::zeros((0, 5));
        let mut c = Array2::from_elem((6, 5), 1.0);
        gemm(a.slice(s![.., ..0]), bz.view(), c.view_mut());
        assert!(c.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn strided_b_gives_the_bits_of_its_row_major_copy() {
        // A strided `b` is copied to row-major order first: every element of `c` must be the
        // same sum, bit for bit, as with a row-major `b` (non-integer data: order-sensitive).
        fn check<T: Element + std::fmt::Debug>(f: impl Fn(usize) -> T) {
            for (m, k, n) in [(16, 16, 16), (8, 8, 8), (3, 5, 7), (4, 64, 4), (2, 16, 17)] {
                let a = Array2::from_shape_fn((m, k), |(i, p)| f(i * k + p + 1));
                let bt = Array2::from_shape_fn((n, k), |(j, p)| f(3 * (j * k + p) + 2));
                let b_rows = bt.t().as_standard_layout().into_owned();
                let b_neg = b_rows.slice(s![.., ..;-1]).to_owned();
                for (bv, rows) in [
                    (bt.t(), b_rows.view()),
                    (b_neg.slice(s![.., ..;-1]), b_rows.view()),
                ] {
                    let mut want = Array2::from_elem((m, n), f(0));
                    gemm(a.view(), rows, want.view_mut());
                    let mut got = Array2::from_elem((m, n), f(0));
                    gemm(a.view(), bv, got.view_mut());
                    assert_eq!(got, want, "{m}x{k}x{n}");
                }
            }
        }
        let x = |i: usize| ((i as f64) * 0.618_033_988_7).sin() * 1.7;
        for avx512 in [true, false] {
            set_avx512(avx512);
            check::<f64>(x);
            check::<f32>(|i| x(i) as f32);
            check::<num_complex::Complex<f64>>(|i| num_complex::Complex::new(x(i), x(i + 7)));
            check::<i64>(|i| (i as i64).wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64));
        }
        set_avx512(true);
    }

    /// `product_vec` writes every element of its new buffer on the paths that skip the
    /// zero-fill (every width, row-major and strided `b`, 1-D operands): compared with the
    /// textbook loop on integer-valued data (exact).
    #[test]
    fn product_vec_writes_every_element() {
        for n in 1usize..=20 {
            for (m, k) in [(1usize, 3usize), (3, 5), (5, 7)] {
                let a = Array2::from_shape_fn((m, k), |(i, p)| (i * k + p) as f64 - 7.0);
                let b = Array2::from_shape_fn((k, n), |(p, j)| (p * 3 + j) as f64 * 0.5 - 2.0);
                let bt = b.t().as_standard_layout().into_owned();
                let want = naive(&a.view(), &b.view());
                for bv in [b.view(), bt.t()] {
                    let got = product_vec(&a, &bv).unwrap();
                    assert_eq!(got, want.iter().copied().collect::<Vec<_>>(), "{m}x{k}x{n}");
                }
                let got = product_vec(&a.row(0), &b).unwrap();
                assert_eq!(got, want.row(0).to_vec(), "row · {k}x{n}");
            }
        }
    }

    #[test]
    fn integers_wrap() {
        let a = Array2::from_shape_fn((3, 4), |(i, j)| {
            (i as u8).wrapping_mul(97).wrapping_add(j as u8 * 50)
        });
        let b = Array2::from_shape_fn((4, 3), |(i, j)| (i as u8 * 60).wrapping_add(j as u8));
        let mut c = Array2::zeros((3, 3));
        gemm(a.view(), b.view(), c.view_mut());
        assert_eq!(c, naive(&a.view(), &b.view()));
    }
}
