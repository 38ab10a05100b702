//! Small products without a library call: for a few hundred multiply-adds, calling BLAS (or
//! packing panels) costs more than the arithmetic. Generic over every [`Element`] with its
//! NumPy arithmetic (wrapping integers, OR/AND for bool, plain IEEE for floats — no fused
//! multiply-add, so results are the textbook sum in order).
//!
//! `c[i, :] += a[i, p] · b[p, :]` row updates; when the rows of `b` and `c` are contiguous they
//! are slices and the update vectorizes. On x86-64 a copy compiled for AVX2 is picked at run
//! time.

use ndarray::{ArrayBase, ArrayView2, ArrayViewMut2, Data, Dimension};

use crate::element::Element;

/// Largest `m·n·k` this kernel is used for.
pub(crate) const SMALL_MAX_WORK: usize = 16 * 16 * 16;

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
    let args = Args {
        m,
        n,
        k,
        a: a.as_ptr(),
        rsa: a.strides()[0],
        csa: a.strides()[1],
        b: b.as_ptr(),
        rsb: b.strides()[0],
        csb: b.strides()[1],
        c: c.as_mut_ptr(),
        rsc: c.strides()[0],
        csc: c.strides()[1],
    };
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above); `args` describes the views
            // `a`, `b` (read) and `c` (exclusively borrowed) exactly, as `kernel` requires.
            unsafe { kernel_avx2(&args) };
            return;
        }
    }
    // SAFETY: `args` describes the views `a`, `b` and `c` exactly (see `kernel`).
    unsafe { kernel(&args) };
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

/// Runs one product described by raw parts (the batch driver's per-item entry: no views).
///
/// # Safety
/// `args` as for [`kernel`] (c zero-initialized or not: `kernel` writes every element before
/// reading it, except that its slice path forms `&mut [T]` over rows of `c`, so `c` must be
/// initialized); `avx2` only if the CPU supports AVX2.
#[inline]
pub(crate) unsafe fn run<T: Element>(args: &Args<T>, avx2: bool) {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        // SAFETY: forwarded contract; the caller checked AVX2.
        return unsafe { kernel_avx2(args) };
    }
    let _ = avx2;
    // SAFETY: forwarded contract.
    unsafe { kernel(args) }
}

/// Whether this CPU has AVX2 (cached by std after the first call).
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// # Safety
/// The CPU must support AVX2; `args` as for [`kernel`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn kernel_avx2<T: Element>(args: &Args<T>) {
    // SAFETY: forwarded contract; inlining into this AVX2 function is what vectorizes it wider.
    unsafe { kernel(args) }
}

/// # Safety
/// `a` (m×k, strides rsa/csa) and `b` (k×n, rsb/csb) must address elements of live arrays for
/// every in-range index, and `c` (m×n, rsc/csc) likewise, exclusively borrowed, with no two
/// indices mapping to the same element and no overlap with `a` or `b` — exactly what ndarray
/// views `a`, `b` and a mutable view `c` of those dims and strides guarantee.
#[inline(always)]
unsafe fn kernel<T: Element>(x: &Args<T>) {
    if x.k > 0 && x.csb == 1 && x.csc == 1 {
        // Rows of `b` and `c` contiguous: widths common in practice get a fully unrolled
        // kernel that keeps a row of `c` in registers.
        // Each arm: the forwarded contract, plus n == N and unit column strides, which
        // `kernel_fixed` requires.
        match x.n {
            // SAFETY: see above (n == 4).
            4 => return unsafe { kernel_fixed::<T, 4>(x) },
            // SAFETY: see above (n == 8).
            8 => return unsafe { kernel_fixed::<T, 8>(x) },
            // SAFETY: see above (n == 16).
            16 => return unsafe { kernel_fixed::<T, 16>(x) },
            _ => {}
        }
    }
    let zero = T::zero();
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
                        *cj = (*cj).np_add(aip.np_mul(*brow.offset(j as isize * x.csb)));
                    }
                }
            }
        }
    }
}

/// [`kernel`] for `n == N` with unit column strides in `b` and `c`: each row of `c` is
/// accumulated in an `[T; N]` (registers) and stored once.
///
/// # Safety
/// As for [`kernel`], and `x.n == N`, `x.csb == 1`, `x.csc == 1`.
#[inline(always)]
unsafe fn kernel_fixed<T: Element, const N: usize>(x: &Args<T>) {
    debug_assert!(x.n == N && x.csb == 1 && x.csc == 1);
    for i in 0..x.m {
        let mut acc = [T::zero(); N];
        // SAFETY: in-range indices times the views' strides (see `kernel`); row p of `b` and row
        // i of `c` are N consecutive elements because their column stride is 1, so reading a
        // `[T; N]` from the former and writing one to the latter stays inside the views (and
        // `[T; N]` has `T`'s alignment).
        unsafe {
            let arow = x.a.offset(i as isize * x.rsa);
            for p in 0..x.k {
                let aip = *arow.offset(p as isize * x.csa);
                let brow = &*(x.b.offset(p as isize * x.rsb) as *const [T; N]);
                for j in 0..N {
                    acc[j] = acc[j].np_add(aip.np_mul(brow[j]));
                }
            }
            *(x.c.offset(i as isize * x.rsc) as *mut [T; N]) = acc;
        }
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

/// `a · b` for two 2-D arrays of any storage (`a.shape()[1] == b.shape()[0]`, a product small
/// enough for this kernel), as a C-contiguous `Vec` of `m·n` elements. Works on the arrays'
/// own pointers and strides: no view conversion, no zero-fill when the row width has an
/// unrolled kernel (every element is then written exactly once).
pub(crate) fn product_vec<T, S1, S2, D1, D2>(a: &ArrayBase<S1, D1>, b: &ArrayBase<S2, D2>) -> Vec<T>
where
    T: Element,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D1: Dimension,
    D2: Dimension,
{
    let (sa, sb) = (a.shape(), b.shape());
    assert!(
        sa.len() == 2 && sb.len() == 2 && sa[1] == sb[0],
        "kernel shape contract"
    );
    let (m, k, n) = (sa[0], sa[1], sb[1]);
    let len = m.checked_mul(n).expect("small product");
    let mut v: Vec<T> = Vec::with_capacity(len);
    let (ast, bst) = (a.strides(), b.strides());
    let mut args = Args {
        m,
        n,
        k,
        a: a.as_ptr(),
        rsa: ast[0],
        csa: ast[1],
        b: b.as_ptr(),
        rsb: bst[0],
        csb: if n <= 1 { 1 } else { bst[1] },
        c: v.as_mut_ptr(),
        rsc: n as isize,
        csc: 1,
    };
    let fixed = m > 0 && k > 0 && args.csb == 1 && matches!(n, 4 | 8 | 16);
    if !fixed {
        v.resize(len, T::zero());
        args.c = v.as_mut_ptr();
    }
    #[cfg(target_arch = "x86_64")]
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    let avx2 = false;
    if avx2 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 is present. `a` and `b` are live 2-D arrays described exactly by `args`;
        // `c` points to `len` elements of capacity we own: zero-initialized unless `fixed`, in
        // which case `kernel` takes its `kernel_fixed` path (same condition: k > 0, unit
        // column stride in `b` and `c`, n ∈ {4, 8, 16}), which only writes whole rows.
        unsafe {
            kernel_avx2(&args)
        };
    } else {
        // SAFETY: as above, without the CPU requirement.
        unsafe { kernel(&args) };
    }
    if fixed {
        // SAFETY: `kernel_fixed` wrote every one of the m rows of n elements (k > 0), so all
        // `len` elements are initialized.
        unsafe { v.set_len(len) };
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, s};

    fn naive<T: Element>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> Array2<T> {
        let (m, k) = a.dim();
        let n = b.ncols();
        Array2::from_shape_fn((m, n), |(i, j)| {
            (0..k).fold(T::zero(), |acc, p| acc.np_add(a[[i, p]].np_mul(b[[p, j]])))
        })
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
        for n in [4usize, 8, 16] {
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
