//! The blocked product against the plain triple sum, on every tile this CPU runs, one thread
//! and several, over operands with every kind of stride (contiguous `Q`, contiguous `O`,
//! contiguous rows, negative, stepped), edge tiles and sums longer than one block.

use ndarray::{Array3, ArrayView3, s};

use super::micro::{self, Tile};
use super::{KC, blocks, product_with};

/// Deterministic values in [-1, 1) (a few significant bits, so sums of products are exact and
/// the comparison can be tight whatever the summation order).
fn data(shape: (usize, usize, usize), seed: u64) -> Array3<f64> {
    let mut z = seed;
    Array3::from_shape_simple_fn(shape, || {
        z = z
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((z >> 59) as f64 - 16.0) / 16.0
    })
}

/// `Σ_{o,q} a[m, o, q] · b[n, o, q]`, element by element.
fn naive(a: &ArrayView3<'_, f64>, b: &ArrayView3<'_, f64>) -> Vec<f64> {
    let (m, no, nq) = a.dim();
    let n = b.dim().0;
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0;
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

/// The tiles this CPU runs.
fn tiles() -> Vec<Tile> {
    let mut t = Vec::new();
    if !cfg!(miri) && crate::kernels::small::has_avx2_fma() {
        t.push(micro::AVX2);
        if cfg!(npdot_mm_avx512) && crate::kernels::small::has_avx512() {
            t.push(micro::AVX512);
        }
    }
    t
}

/// One case: `a` as `(m, o, q)` and `b` as `(n, o, q)` views made by `make` from C-ordered
/// arrays; checked on every tile with 1 and 3 threads.
fn check(a: ArrayView3<'_, f64>, b: ArrayView3<'_, f64>) {
    let want = naive(&a, &b);
    for t in tiles() {
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
    for (m, n, no, nq) in [
        (13, 17, 5, 7),
        (12, 16, 3, 4),
        (1, 1, 1, 1),
        (25, 9, 8, 64),
        (7, 33, 2, 3),
    ] {
        // a[o, m, q] → (m, o, q): `q` contiguous, `o` the outermost.
        let a0 = data((no, m, nq), 1);
        let a = a0.view().permuted_axes([1, 0, 2]);
        // b[n, q, o] → (n, o, q): `o` contiguous.
        let b0 = data((n, nq, no), 2);
        let b = b0.view().permuted_axes([0, 2, 1]);
        check(a, b);
    }
}

/// Rows contiguous, negative and stepped strides, and the element-by-element packing.
#[test]
fn any_strides() {
    let big = data((10, 12, 14), 3);
    // (m, o, q) with rows contiguous: from [q][o][m].
    let a = big.slice(s![..9, ..5, ..11]).permuted_axes([2, 1, 0]);
    let a = a.slice(s![..;-1, .., ..]);
    let b0 = data((6, 5, 9), 4);
    let b = b0.slice(s![.., ..;-1, ..;-1]);
    check(a.view(), b.view());
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
    let nq = KC + 9;
    let a = data((3, 2, nq), 6);
    let b = data((5, 2, nq), 7);
    check(a.view(), b.view());
    let a = data((4, 70, 16), 8);
    let b0 = data((3, 16, 70), 9);
    check(a.view(), b0.view().permuted_axes([0, 2, 1]));
}

/// Empty operands give the zero (or empty) result.
#[test]
fn empty() {
    for t in tiles() {
        let a = Array3::<f64>::zeros((3, 0, 4));
        let b = Array3::<f64>::zeros((2, 0, 4));
        let c = product_with(t, 2, a.view(), b.view()).unwrap().unwrap();
        assert_eq!(c, vec![0.0; 6]);
        let a = Array3::<f64>::zeros((0, 2, 4));
        let c = product_with(t, 2, a.view(), data((2, 2, 4), 1).view())
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
