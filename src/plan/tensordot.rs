//! `tensordot` as ONE 2-D product: `a`'s axes grouped into (free, summed) and `b`'s into
//! (summed, free), each group merged into one axis — a view when the strides allow, else one
//! copy of that operand (NumPy's `transpose` + `reshape` copies in the same cases) — then
//! `np.dot` of the two matrices (so NumPy's BLAS special cases apply exactly as in NumPy), and
//! the `(M, N)` result is reshaped (a view: it is C-contiguous) to the free axes of `a` then `b`.
//!
//! The summed pairs may be taken in any order (the sum is the same), so the plan picks the order
//! that lets the most operands merge without a copy: e.g. `axes=([0, 2], [2, 1])` on two C-ordered
//! `(64, 64, 64)` arrays copies only `a`, where NumPy's transposes copy both.

use ndarray::{ArrayD, ArrayViewD, CowArray, IxDyn};

use crate::element::Element;
use crate::error::Error;
use crate::shape::tensordot::{Axes, TensordotShape, tensordot_shape};

use super::merge::{grouped_or_copy, grouped_view};
use crate::kernels::view::tiled_copy;

/// [`grouped_or_copy`], with the copy written by [`tiled_copy`] (a transposing copy in small
/// tiles when the permuted operand's innermost axis is not its contiguous one), without a
/// zero-fill first.
fn grouped_or_assign<'a, T: Element>(
    v: &ArrayViewD<'a, T>,
    groups: &[&[usize]],
) -> Result<CowArray<'a, T, IxDyn>, Error> {
    if v.is_empty() || grouped_view(v, groups).is_some() {
        return grouped_or_copy(v, groups);
    }
    let perm: Vec<usize> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let src = v.clone().permuted_axes(IxDyn(&perm));
    super::copied::note::<T>(v.len());
    let buf = tiled_copy(&src)?;
    let shape: Vec<usize> = groups
        .iter()
        .map(|g| g.iter().map(|&ax| v.shape()[ax]).product())
        .collect();
    Ok(CowArray::from(
        ArrayD::from_shape_vec(IxDyn(&shape), buf).expect("size matches shape"),
    ))
}

/// Smallest summed length `k` of each product in [`accumulated`] at any `m·n`; below it, only
/// products with `m·n ≤` [`ACCUMULATE_MAX_SMALL_K_MN`] are looped over (the rest copy the
/// operand once and make one product). Measured (one thread, AVX-512 machine, both kernel
/// choices: matrixmultiply and OpenBLAS `Haswell`) on stepped `(2P, K, M)[::2]·(P, K, M)`
/// summed over the first two axes, loop/copy time: 0.31–0.90 for every `K ≥ 16` tried
/// (`M` 16–64, `P` 4–64; 0.40 at `64³` with `P = 64`), 0.84–0.97 for `K` 4–8 with `M ≤ 32`,
/// 1.06–1.08 for `K` 4–8 with `M = 64` (matrixmultiply; equal with BLAS).
const ACCUMULATE_MIN_K: usize = 16;
/// Largest `m·n` of products with `k <` [`ACCUMULATE_MIN_K`] that [`accumulated`] loops over.
const ACCUMULATE_MAX_SMALL_K_MN: usize = 32 * 32;

/// `tensordot` as a sequence of 2-D products summed into one result, without copying either
/// operand, when merging some summed axes needs a copy but looping over ONE summed pair
/// `(x_a, x_b)` leaves operands that group into BLAS-able views: `c += a[x_a = p]·b[x_b = p]`
/// for every `p`. Floats only (the accumulating kernel is
/// [`accumulate_sum_any`](crate::kernels::family_blas::accumulate_sum_any)); `None` when no
/// pair qualifies or the products would be too small (see [`ACCUMULATE_MIN_K`]).
fn accumulated<T: Element>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    ts: &TensordotShape,
) -> Result<Option<ArrayD<T>>, Error> {
    if T::KIND != crate::element::Kind::Float || a.is_empty() || b.is_empty() {
        return Ok(None);
    }
    let m: usize = ts.free_a.iter().map(|&ax| a.shape()[ax]).product();
    let n: usize = ts.free_b.iter().map(|&ax| b.shape()[ax]).product();
    for x in 0..ts.sum_a.len() {
        let (xa, xb) = (ts.sum_a[x], ts.sum_b[x]);
        let rest_a: Vec<usize> = (0..ts.sum_a.len())
            .filter(|&i| i != x)
            .map(|i| ts.sum_a[i])
            .collect();
        let rest_b: Vec<usize> = (0..ts.sum_b.len())
            .filter(|&i| i != x)
            .map(|i| ts.sum_b[i])
            .collect();
        let k: usize = rest_a.iter().map(|&ax| a.shape()[ax]).product();
        if k < ACCUMULATE_MIN_K && m.saturating_mul(n) > ACCUMULATE_MAX_SMALL_K_MN {
            continue;
        }
        let (ra, rb) = best_pair_order(
            a,
            b,
            [&[xa], &[xb]],
            &ts.free_a,
            &rest_a,
            &rest_b,
            &ts.free_b,
        );
        let (Some(a3), Some(b3)) = (
            grouped_view(a, &[&[xa], &ts.free_a, &ra]),
            grouped_view(b, &[&[xb], &rb, &ts.free_b]),
        ) else {
            continue;
        };
        let (a3, b3) = (
            a3.into_dimensionality::<ndarray::Ix3>()
                .expect("three groups"),
            b3.into_dimensionality::<ndarray::Ix3>()
                .expect("three groups"),
        );
        let blas_able = |v: &ndarray::ArrayView3<'_, T>| {
            crate::plan::layout::mat_layout(
                (v.dim().1, v.dim().2),
                (v.strides()[1], v.strides()[2]),
            )
            .is_some()
        };
        if !blas_able(&a3) || !blas_able(&b3) {
            continue;
        }
        let mut out = super::alloc::<T>(&ts.out_shape)?;
        let mut c = out
            .view_mut()
            .into_shape_with_order((m, n))
            .expect("a new C-order array");
        let done = crate::kernels::family_blas::accumulate_sum_any(a3, b3, c.view_mut());
        debug_assert!(done, "float types accumulate");
        return Ok(Some(out));
    }
    Ok(None)
}

/// Smallest `m·n·k` for [`packed`]; below it the copy is too short to matter.
const PACKED_MIN_WORK: usize = 1 << 18;
/// Largest other side (`n` when `a` would be copied, `m` when `b` would) for [`packed`]. The
/// copy the BLAS path makes costs in proportion to the copied operand, the product to that
/// times the result's other side, so the copy matters when that side is short and not when it
/// is long, where OpenBLAS's larger kernels win. Measured (one run,
/// AVX-512 machine, `(O, M, Q)·(N, Q, O)` summed over `O` and `Q`, old and new build
/// alternately, µs, 1 thread / 2 threads): `M = N = 64`, `O = Q = 64`: 1,187 / 629–667 against
/// 1,244–1,266 / 788–809 by the copy; `M = N = 16`, `O = Q = 128`: 681 / 440–516 against
/// 777–788 / 594–700; `M = 200`, `N = 8`: 896–900 / 628 against 1,359–1,454 / 1,515–1,692;
/// but `M = N = 256`, `O = Q = 32`: 2,929–3,038 / 1,608–1,972 against 2,498–2,687 /
/// 1,451–1,855, and `M = N = 512`, `O = Q = 16`: 2,730–2,828 against 2,134–2,136 (1 thread).
const PACKED_MAX_SIDE: usize = 64;

/// `tensordot` as one blocked product that reads both operands in place
/// ([`crate::kernels::tensor_gemm`]): when the summed pairs, in some order, split into an
/// outer and an inner group that each merge into one strided axis in both operands, and each
/// operand's free axes merge into one. `None` where that is not so, for types other than
/// `f64` and `f32`, products under [`PACKED_MIN_WORK`], results with fewer than 8 rows or columns, a
/// copy that would matter little (see [`PACKED_MAX_SIDE`]; `merges`: whether `a` and `b`
/// merge without a copy), CPUs without AVX2 and FMA, and large results on several threads
/// (the kernel declines those).
pub(crate) fn packed<T: Element>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    ts: &TensordotShape,
    [a_merges, b_merges]: [bool; 2],
) -> Result<Option<ArrayD<T>>, Error> {
    use ndarray::Ix3;
    let pairs = ts.sum_a.len();
    let real = [std::any::TypeId::of::<f64>(), std::any::TypeId::of::<f32>()];
    if !real.contains(&std::any::TypeId::of::<T>())
        || pairs < 2
        || !crate::kernels::tensor_gemm::available()
    {
        return Ok(None);
    }
    let m: usize = ts.free_a.iter().map(|&ax| a.shape()[ax]).product();
    let n: usize = ts.free_b.iter().map(|&ax| b.shape()[ax]).product();
    let k: usize = ts.sum_a.iter().map(|&ax| a.shape()[ax]).product();
    if m.min(n) < 8
        || (!a_merges && n > PACKED_MAX_SIDE)
        || (!b_merges && m > PACKED_MAX_SIDE)
        || m.saturating_mul(n).saturating_mul(k) < PACKED_MIN_WORK
    {
        return Ok(None);
    }
    for p in pair_orders(a, b, &ts.sum_a, &ts.sum_b) {
        let pa: Vec<usize> = p.iter().map(|&i| ts.sum_a[i]).collect();
        let pb: Vec<usize> = p.iter().map(|&i| ts.sum_b[i]).collect();
        for split in 1..pairs {
            let (Some(a3), Some(b3)) = (
                grouped_view(a, &[&ts.free_a, &pa[..split], &pa[split..]]),
                grouped_view(b, &[&ts.free_b, &pb[..split], &pb[split..]]),
            ) else {
                continue;
            };
            let a3 = a3.into_dimensionality::<Ix3>().expect("three groups");
            let b3 = b3.into_dimensionality::<Ix3>().expect("three groups");
            let Some(c) = crate::kernels::tensor_gemm::product_of(a3, b3)? else {
                return Ok(None);
            };
            return Ok(Some(
                ArrayD::from_shape_vec(IxDyn(&ts.out_shape), c).expect("M·N elements"),
            ));
        }
    }
    Ok(None)
}

/// `np.tensordot(a, b, axes)`.
pub(crate) fn tensordot<T: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    axes: &Axes,
) -> Result<ArrayD<T>, Error> {
    let ts = tensordot_shape(a.shape(), b.shape(), axes)?;
    // NumPy's final reshape refuses a shape whose non-zero dims overflow ("array is too big").
    crate::shape::check_bytes(&ts.out_shape, std::mem::size_of::<T>())?;
    let (sum_a, sum_b) = best_pair_order(
        &a,
        &b,
        [&[], &[]],
        &ts.free_a,
        &ts.sum_a,
        &ts.sum_b,
        &ts.free_b,
    );
    let merges = [
        grouped_view(&a, &[&ts.free_a, &sum_a]).is_some(),
        grouped_view(&b, &[&sum_b, &ts.free_b]).is_some(),
    ];
    if merges != [true, true] {
        // Where both apply: on one thread the loop of products (matrixmultiply's or BLAS's
        // kernel, faster than the packed one's or equal); on several the packed product, which
        // splits the sum between the threads (each packs its part of both operands once),
        // where the loop splits each product (a fork and join per product, `b` packed by
        // every thread). Stepped `(128, 64, 64)[::2]·(64, 64, 64)` summed over two axes, old
        // and new builds alternately, three rounds, ms: one thread 0.71–0.74 looped against
        // 0.85–0.89 packed (AVX-512), 0.91–0.92 against 0.93–0.97 (AVX2 kernels); two threads
        // 0.66–0.69 against 0.52–0.55 (AVX-512), 0.91–0.97 against 0.61–0.69 (AVX2).
        let packed_first = rayon::current_num_threads() > 1;
        if packed_first && let Some(out) = packed(&a, &b, &ts, merges)? {
            return Ok(out);
        }
        if let Some(out) = accumulated(&a, &b, &ts)? {
            return Ok(out);
        }
        if !packed_first && let Some(out) = packed(&a, &b, &ts, merges)? {
            return Ok(out);
        }
    }
    let a2 = grouped_or_assign(&a, &[&ts.free_a, &sum_a])?;
    let b2 = grouped_or_assign(&b, &[&sum_b, &ts.free_b])?;
    let r = super::dot(a2.view(), b2.view())?;
    Ok(r.into_shape_with_order(IxDyn(&ts.out_shape))
        .expect("a C-contiguous (M, N) result has the free axes' shape"))
}

/// The candidate orders of the summed pairs (indices into `sum_a`/`sum_b`): as given, sorted
/// by `a`'s strides, sorted by `b`'s (outermost first; ties keep the given order).
fn pair_orders<T>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    sum_a: &[usize],
    sum_b: &[usize],
) -> [Vec<usize>; 3] {
    let given: Vec<usize> = (0..sum_a.len()).collect();
    let by = |v: &ArrayViewD<'_, T>, axes: &[usize]| {
        let mut p = given.clone();
        p.sort_by_key(|&i| std::cmp::Reverse(v.strides()[axes[i]].unsigned_abs()));
        p
    };
    let (by_a, by_b) = (by(a, sum_a), by(b, sum_b));
    [given, by_a, by_b]
}

/// The order of the summed pairs `(sum_a[i], sum_b[i])` under which the most operands group
/// into a view (`a` as `[lead_a, free_a, sum_a]`, `b` as `[lead_b, sum_b, free_b]`, where
/// `lead` is `[lead_a, lead_b]`: the axes of a pair looped over, or none): the given order, or
/// the pairs sorted by `a`'s strides, or by `b`'s (outermost first). Ties keep the earlier
/// candidate, so C-ordered operands keep NumPy's order.
fn best_pair_order<T>(
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    [lead_a, lead_b]: [&[usize]; 2],
    free_a: &[usize],
    sum_a: &[usize],
    sum_b: &[usize],
    free_b: &[usize],
) -> (Vec<usize>, Vec<usize>) {
    if sum_a.len() < 2 {
        return (sum_a.to_vec(), sum_b.to_vec());
    }
    let [given, by_a, by_b] = pair_orders(a, b, sum_a, sum_b);
    let mut best = (0, given.clone());
    for p in [given, by_a, by_b] {
        let pa: Vec<usize> = p.iter().map(|&i| sum_a[i]).collect();
        let pb: Vec<usize> = p.iter().map(|&i| sum_b[i]).collect();
        let score = usize::from(grouped_view(a, &[lead_a, free_a, &pa]).is_some())
            + usize::from(grouped_view(b, &[lead_b, &pb, free_b]).is_some());
        if score > best.0 {
            best = (score, p);
        }
    }
    let p = best.1;
    (
        p.iter().map(|&i| sum_a[i]).collect(),
        p.iter().map(|&i| sum_b[i]).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;

    fn arange(shape: &[usize]) -> ArrayD<i64> {
        let n: usize = shape.iter().product();
        ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).collect()).unwrap()
    }

    /// The pair order that merges `b` without a copy is found, and the result is unchanged.
    #[test]
    fn pair_order_saves_a_copy() {
        let a = arange(&[4, 3, 5]);
        let b = arange(&[5, 4, 3]);
        let (va, vb) = (a.view(), b.view());
        let (sa, sb) = best_pair_order(&va, &vb, [&[], &[]], &[1], &[0, 2], &[1, 0], &[2]);
        assert_eq!((sa.clone(), sb.clone()), (vec![2, 0], vec![0, 1]));
        assert!(grouped_view(&vb, &[&sb, &[2]]).is_some());
        let got = tensordot(va, vb, &Axes::Pairs(vec![0, 2], vec![1, 0])).unwrap();
        let mut want = ArrayD::<i64>::zeros(IxDyn(&[3, 3]));
        for i in 0..3 {
            for j in 0..3 {
                for p in 0..4 {
                    for q in 0..5 {
                        want[[i, j]] += a[[p, i, q]] * b[[q, p, j]];
                    }
                }
            }
        }
        assert_eq!(got, want);
        // C-ordered operands that already merge keep the given order.
        let c = arange(&[2, 3, 4]);
        let d = arange(&[3, 4, 5]);
        let (sc, sd) = best_pair_order(
            &c.view(),
            &d.view(),
            [&[], &[]],
            &[0],
            &[1, 2],
            &[0, 1],
            &[2],
        );
        assert_eq!((sc, sd), (vec![1, 2], vec![0, 1]));
    }

    /// A summed pair whose axes do not merge (a stepped outer axis) is looped over, every
    /// product summed into the result: no copy, the same values; a short summed length with a
    /// large result, and integer types, take the copy instead.
    #[test]
    fn stepped_sum_is_accumulated_without_a_copy() {
        let big = ArrayD::from_shape_fn(IxDyn(&[6, 20, 36]), |d| {
            ((d[0] * 7 + d[1] * 3 + d[2]) % 11) as f64 - 5.0
        });
        let a = big.slice(ndarray::s![..;2, .., ..]).into_dyn();
        let b = ArrayD::from_shape_fn(IxDyn(&[3, 20, 48]), |d| {
            ((d[0] + d[1] * 5 + d[2] * 2) % 7) as f64 - 3.0
        });
        let axes = Axes::Pairs(vec![0, 1], vec![0, 1]);
        let ts = tensordot_shape(a.shape(), b.shape(), &axes).unwrap();
        assert!(grouped_view(&a, &[&ts.free_a, &ts.sum_a]).is_none());
        let got = accumulated(&a, &b.view(), &ts).unwrap().expect("looped");
        let copied = a.as_standard_layout().into_owned();
        let want = tensordot(copied.view(), b.view(), &axes).unwrap();
        assert_eq!(got, want);
        assert_eq!(tensordot(a.view(), b.view(), &axes).unwrap(), want);
        // A short summed length per step with a large result: copied; with a small one: looped.
        for (k, mn, looped) in [(8usize, 40usize, false), (4, 8, true)] {
            let big2 =
                ArrayD::from_shape_fn(IxDyn(&[6, k, mn]), |d| (d[0] + 3 * d[1] + d[2]) as f64);
            let a2 = big2.slice(ndarray::s![..;2, .., ..]).into_dyn();
            let b2 = ArrayD::from_shape_fn(IxDyn(&[3, k, mn]), |d| (d[2] % 5) as f64 - d[0] as f64);
            let ts2 = tensordot_shape(a2.shape(), b2.shape(), &axes).unwrap();
            let got = accumulated(&a2, &b2.view(), &ts2).unwrap();
            assert_eq!(got.is_some(), looped, "k={k} m=n={mn}");
            let copied = a2.as_standard_layout().into_owned();
            let want2 = tensordot(copied.view(), b2.view(), &axes).unwrap();
            assert_eq!(tensordot(a2.view(), b2.view(), &axes).unwrap(), want2);
            if let Some(got) = got {
                assert_eq!(got, want2);
            }
        }
        // Three summed pairs: the looped one and two grouped into each product's `k`.
        let big3 = ArrayD::from_shape_fn(IxDyn(&[6, 3, 4, 5]), |d| {
            ((d[0] * 5 + d[1] * 3 + d[2] * 2 + d[3]) % 9) as f64 - 4.0
        });
        let a3 = big3.slice(ndarray::s![..;2, .., .., ..]).into_dyn();
        let b3 = ArrayD::from_shape_fn(IxDyn(&[3, 3, 4, 6]), |d| {
            ((d[0] + d[1] * 2 + d[2] * 3 + d[3]) % 7) as f64 - 3.0
        });
        let axes3 = Axes::Pairs(vec![0, 2, 1], vec![0, 2, 1]);
        let ts3 = tensordot_shape(a3.shape(), b3.shape(), &axes3).unwrap();
        let got3 = accumulated(&a3, &b3.view(), &ts3).unwrap().expect("looped");
        let copied3 = a3.as_standard_layout().into_owned();
        assert_eq!(got3, tensordot(copied3.view(), b3.view(), &axes3).unwrap());
        let ai = a.mapv(|v| v as i64);
        let bi = b.mapv(|v| v as i64);
        assert!(accumulated(&ai.view(), &bi.view(), &ts).unwrap().is_none());
        assert_eq!(
            tensordot(ai.view(), bi.view(), &axes).unwrap(),
            want.mapv(|v| v as i64)
        );
    }

    /// Summed axes that merge into two groups but not into one (the transposed contraction of
    /// the benchmarks): `f64` and `f32` take the blocked product that reads both operands in place, with
    /// the values of the copy path (integers, whose path copies), in `tensordot` and in
    /// `einsum`'s pairwise contraction; a result wider than
    /// `PACKED_MAX_SIDE` on the side opposite the copied operand keeps the copy.
    #[test]
    fn two_level_sum_is_packed() {
        let ai = ArrayD::from_shape_fn(IxDyn(&[32, 16, 32]), |d| {
            ((d[0] * 7 + d[1] * 3 + d[2]) % 11) as i64 - 5
        });
        let bi = ArrayD::from_shape_fn(IxDyn(&[16, 32, 32]), |d| {
            ((d[0] + d[1] * 5 + d[2] * 2) % 7) as i64 - 3
        });
        let axes = Axes::Pairs(vec![0, 2], vec![2, 1]);
        let (a, b) = (ai.mapv(|v| v as f64), bi.mapv(|v| v as f64));
        let ts = tensordot_shape(a.shape(), b.shape(), &axes).unwrap();
        let want = tensordot(ai.view(), bi.view(), &axes)
            .unwrap()
            .mapv(|v| v as f64);
        let packed_out = packed(&a.view(), &b.view(), &ts, [false, true]).unwrap();
        if crate::kernels::tensor_gemm::available() {
            assert_eq!(packed_out.expect("packed"), want);
        } else {
            assert!(packed_out.is_none());
        }
        assert_eq!(tensordot(a.view(), b.view(), &axes).unwrap(), want);
        // The same contraction written as einsum goes the same way.
        let e = crate::einsum("ijk,lki->jl", &[a.view(), b.view()]).unwrap();
        assert_eq!(e.into_owned(), want);
        // `f32` the same way (the sums, below 2^24 in magnitude, are exact).
        let (a32, b32) = (ai.mapv(|v| v as f32), bi.mapv(|v| v as f32));
        let want32 = want.mapv(|v| v as f32);
        let packed32 = packed(&a32.view(), &b32.view(), &ts, [false, true]).unwrap();
        assert_eq!(packed32.is_some(), crate::kernels::tensor_gemm::available());
        if let Some(p) = packed32 {
            assert_eq!(p, want32);
        }
        assert_eq!(tensordot(a32.view(), b32.view(), &axes).unwrap(), want32);
        // `b` with 100 free columns: the copy of `a` is cheap next to the product.
        let wide = ArrayD::from_shape_fn(IxDyn(&[100, 32, 32]), |d| (d[0] % 3) as f64);
        let ts2 = tensordot_shape(a.shape(), wide.shape(), &axes).unwrap();
        assert!(
            packed(&a.view(), &wide.view(), &ts2, [false, true])
                .unwrap()
                .is_none()
        );
    }
}
