//! The blocked product against the plain triple sum, on every tile this CPU runs, one thread
//! and several, over operands with every kind of stride (contiguous `Q`, contiguous `O`,
//! contiguous rows, negative, stepped), edge tiles and sums longer than one block; `f64` and
//! `f32`.

use ndarray::{Array3, ArrayView3, s};

use super::micro::{Kernels, Tile};
use super::{Real, blocks, kc_of, product_with};

/// The element types under test.
trait Val: Real + PartialEq + std::fmt::Debug + std::ops::Mul<Output = Self> {
    /// `x` (exact for the values of [`data`]).
    fn of(x: f64) -> Self;
}
impl Val for f64 {
    fn of(x: f64) -> Self {
        x
    }
}
impl Val for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
}

/// Deterministic values in [-1, 1) (a few significant bits, so sums of products are exact,
/// in `f32` too for the sums here, and the comparison can be tight whatever the summation
/// order).
fn data<T: Val>(shape: (usize, usize, usize), seed: u64) -> Array3<T> {
    let mut z = seed;
    Array3::from_shape_simple_fn(shape, || {
        z = z
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        T::of(((z >> 59) as f64 - 16.0) / 16.0)
    })
}

/// `Σ_{o,q} a[m, o, q] · b[n, o, q]`, element by element.
fn naive<T: Val>(a: &ArrayView3<'_, T>, b: &ArrayView3<'_, T>) -> Vec<T> {
    let (m, no, nq) = a.dim();
    let n = b.dim().0;
    let mut c = vec![T::default(); m * n];
    for i in 0..m {
        for j in 0..n {
            let mut s = T::default();
            for o in 0..no {
                for q in 0..nq {
                    s += a[[i, o, q]] * b[[j, o, q]];
                }
            }
            c[i * n + j] = s;
        }
    }
    c
}

/// The tiles of `T` this CPU runs.
fn tiles<T: Kernels>() -> Vec<Tile> {
    let mut t = Vec::new();
    if !cfg!(miri) && crate::kernels::cpu::has_avx2_fma() {
        t.push(T::AVX2);
        if cfg!(npdot_mm_avx512) && crate::kernels::cpu::has_avx512() {
            t.push(T::AVX512);
        }
    }
    t
}

/// One case: `a` as `(m, o, q)` and `b` as `(n, o, q)` views; checked on every tile with 1
/// and 3 threads.
fn check<T: Val>(a: ArrayView3<'_, T>, b: ArrayView3<'_, T>) {
    let want = naive(&a, &b);
    for t in tiles::<T>() {
        for threads in [1, 3] {
            let got = product_with(t, threads, a.view(), b.view())
                .unwrap()
                .expect("small M·N: never declined");
            assert_eq!(
                got,
                want,
                "tile {t:?}, {threads} threads, a {:?} {:?}, b {:?} {:?}",
                a.dim(),
                a.strides(),
                b.dim(),
                b.strides()
            );
        }
    }
}

/// The layout of the benchmark's transposed `tensordot`: `a`'s `Q` contiguous, `b`'s `O`;
/// edge tiles in both `M` and `N`.
#[test]
fn transposed_operands() {
    transposed_operands_of::<f64>();
    transposed_operands_of::<f32>();
}

fn transposed_operands_of<T: Val>() {
    for (m, n, no, nq) in [
        (13, 17, 5, 7),
        (12, 16, 3, 4),
        (1, 1, 1, 1),
        (25, 9, 8, 64),
        (7, 33, 2, 3),
        (30, 70, 3, 5),
    ] {
        // a[o, m, q] → (m, o, q): `q` contiguous, `o` the outermost.
        let a0 = data::<T>((no, m, nq), 1);
        let a = a0.view().permuted_axes([1, 0, 2]);
        // b[n, q, o] → (n, o, q): `o` contiguous.
        let b0 = data((n, nq, no), 2);
        let b = b0.view().permuted_axes([0, 2, 1]);
        check(a, b);
    }
}

/// Every row count of a last, short panel of `A` (`M` from 1 to 25: the copies of the kernel
/// with 4 and 8 rows, the whole tile, and a whole tile followed by each short one), with a
/// partial and a whole last panel of `B`.
#[test]
fn short_panels_of_a() {
    short_panels_of_a_of::<f64>();
    short_panels_of_a_of::<f32>();
}

fn short_panels_of_a_of<T: Val>() {
    for m in 1..=25 {
        for n in [5, 32] {
            let a = data::<T>((m, 3, 7), 11);
            let b = data::<T>((n, 3, 7), 12);
            check(a.view(), b.view());
        }
    }
}

/// Sums long enough to be split between threads: blocks claimed one at a time with a result
/// per block (`claimed`: `M·N` small against the blocks) and a fixed share per thread (`M·N`
/// too large for that), on 2 and 3 threads, against the naive sum (exact: the partial sums
/// stay within the types' integer range of the data's sixteenths).
#[test]
#[cfg_attr(
    miri,
    ignore = "tens of millions of multiply-adds in the reference sum"
)]
fn split_sums() {
    split_sums_of::<f64>();
    split_sums_of::<f32>();
}

fn split_sums_of<T: Val>() {
    for (m, n, no, nq, claimed) in [(16, 16, 64, 512, true), (64, 64, 65, 512, false)] {
        // `a`'s rows lie farther apart and its `Q` is contiguous: blocks along `Q` first.
        let blocks = blocks(no, nq, kc_of::<T>(), false).len();
        assert!(
            m * n * no * nq >= 3 * super::PAR_MIN_WORK,
            "split between threads"
        );
        assert_eq!(
            blocks * m * n <= super::CLAIM_MAX,
            claimed,
            "{m}×{n}: {blocks} blocks"
        );
        let a = data::<T>((m, no, nq), 13);
        let b0 = data::<T>((nq, n, no), 14);
        let b = b0.view().permuted_axes([1, 2, 0]);
        let want = naive(&a.view(), &b);
        for t in tiles::<T>() {
            for threads in [2, 3] {
                let got = product_with(t, threads, a.view(), b.view())
                    .unwrap()
                    .expect("M·N within the split's limit");
                assert_eq!(got, want, "tile {t:?}, {threads} threads, {m}×{n}");
            }
        }
    }
}

/// Rows contiguous, negative and stepped strides, and the element-by-element packing.
#[test]
fn any_strides() {
    any_strides_of::<f64>();
    any_strides_of::<f32>();
}

fn any_strides_of<T: Val>() {
    let big = data::<T>((10, 12, 14), 3);
    // (m, o, q) with rows contiguous: from [q][o][m].
    let a = big.slice(s![..9, ..5, ..11]).permuted_axes([2, 1, 0]);
    let a = a.slice(s![..;-1, .., ..]);
    let b0 = data((6, 5, 9), 4);
    let b = b0.slice(s![.., ..;-1, ..;-1]);
    check(a.view(), b.view());
    // Rows contiguous, not reversed: each step of a panel is one run of its rows.
    let a1 = big.slice(s![..9, ..5, ..11]).permuted_axes([2, 1, 0]);
    assert_eq!(a1.strides()[0], 1);
    check(a1.view(), b.view());
    check(b.view(), a1.view());
    // Every axis stepped.
    let a2 = big.slice(s![..;2, ..;3, 1..;2]);
    let b2 = data((3, 4, 13), 5);
    let b2 = b2.slice(s![.., .., ..;2]);
    assert_eq!(a2.dim().1, b2.dim().1);
    assert_eq!(a2.dim().2, b2.dim().2);
    check(a2.view(), b2.view());
}

/// Sums of more than one block: `Q` longer than a block (split into chunks), and many `O`
/// values (several blocks, split between threads).
#[test]
fn long_sums() {
    long_sums_of::<f64>();
    long_sums_of::<f32>();
}

fn long_sums_of<T: Val>() {
    let nq = kc_of::<T>() + 9;
    let a = data::<T>((3, 2, nq), 6);
    let b = data((5, 2, nq), 7);
    check(a.view(), b.view());
    let a = data::<T>((4, 70, 16), 8);
    let b0 = data((3, 16, 70), 9);
    check(a.view(), b0.view().permuted_axes([0, 2, 1]));
}

/// Empty operands give the zero (or empty) result.
#[test]
fn empty() {
    empty_of::<f64>();
    empty_of::<f32>();
}

fn empty_of<T: Val>() {
    for t in tiles::<T>() {
        let a = Array3::<T>::default((3, 0, 4));
        let b = Array3::<T>::default((2, 0, 4));
        let c = product_with(t, 2, a.view(), b.view()).unwrap().unwrap();
        assert_eq!(c, vec![T::default(); 6]);
        let a = Array3::<T>::default((0, 2, 4));
        let c = product_with(t, 2, a.view(), data::<T>((2, 2, 4), 1).view())
            .unwrap()
            .unwrap();
        assert!(c.is_empty());
    }
}

/// The blocks of a sum cover every `(o, q)` step exactly once, none longer than asked, in both
/// shapes (whole `O` or whole `Q` chunks).
#[test]
fn blocks_partition_the_sum() {
    for (no, nq, kc) in [
        (64, 64, 512),
        (3, 700, 512),
        (700, 3, 512),
        (5, 7, 4),
        (1, 1, 1),
        (64, 64, 2048),
    ] {
        for whole_o in [false, true] {
            let mut seen = vec![0u8; no * nq];
            for blk in blocks(no, nq, kc, whole_o) {
                assert!(blk.steps() <= kc && blk.steps() > 0);
                for o in blk.o.0..blk.o.1 {
                    for q in blk.q.0..blk.q.1 {
                        seen[o * nq + q] += 1;
                    }
                }
            }
            assert!(seen.iter().all(|&x| x == 1), "{no} {nq} {kc} {whole_o}");
        }
    }
}

/// Panels of an operand whose rows are contiguous (the copy of one run per step, for every
/// width a tile has and one it has not): each step holds its rows in order, zero-padded to the
/// panel's width; also without a micro-kernel (under Miri).
#[test]
fn panels_of_contiguous_rows() {
    // (m, o, q) with unit row stride: from [o][q][m].
    let src = Array3::from_shape_fn((4, 5, 40), |(o, q, m)| (o * 1000 + q * 50 + m) as f64);
    let v = src.view().permuted_axes([2, 0, 1]);
    assert_eq!(v.strides()[0], 1);
    let blk = super::pack::Block {
        o: (1, 4),
        q: (2, 5),
    };
    let (po, pq) = (3, 3);
    for w in [5usize, 6, 8, 12, 16, 32] {
        let rows = 3usize..40;
        let panels = (rows.end - rows.start).div_ceil(w);
        let mut dst = vec![f64::NAN; panels * w * po * pq];
        super::pack::panels(&v, rows.clone(), w, blk, &mut dst);
        for (p, r0) in rows.clone().step_by(w).enumerate() {
            for q in 0..pq {
                for o in 0..po {
                    for r in 0..w {
                        let got = dst[p * w * po * pq + (q * po + o) * w + r];
                        let want = if r0 + r < rows.end {
                            v[[r0 + r, 1 + o, 2 + q]]
                        } else {
                            0.0
                        };
                        assert_eq!(got, want, "w {w}, panel {p}, q {q}, o {o}, row {r}");
                    }
                }
            }
        }
    }
}
