//! `npdot::einsum` on the cases of `scripts/compare_einsum.py` (which also times NumPy and
//! opt_einsum in the same run), each next to the Rust ecosystem's einsum, the crate
//! `ndarray-einsum` (0.9, on ndarray 0.17 like npdot: the same arrays go to both, no
//! conversion). `cargo bench -p npdot-bench --bench einsum -- <filter>`, e.g.
//! `cargo bench -p npdot-bench --bench einsum -- 'einsum/ij,jk->ik 4x4' --warm-up-time 0.5 --measurement-time 2`.
//!
//! About the baseline: `ndarray_einsum::einsum` contracts the operands pairwise from left to
//! right (its `OptimizationMethod::Naive`, the only order its `einsum` uses), its pairwise
//! products are ndarray's `dot` (matrixmultiply: ndarray's `blas` feature is off in this build,
//! as it is by default), and it accepts lowercase labels only, without `...`. Every case here is
//! within what it accepts; it runs each one (its results are not compared here: the crate's own
//! tests cover them).
//!
//! The baseline is a dev-dependency, compiled for every test target too: `Cargo.toml` builds it
//! at `opt-level = 0` in the release profile (so `cargo test --release` pays little for it) and
//! at `opt-level = 3` in the bench profile.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ndarray::{ArrayD, IxDyn};
use ndarray_einsum::ArrayLike;
use num_complex::Complex;
use std::hint::black_box;

/// Deterministic pseudo-random numbers in [-0.5, 0.5).
fn unit(shape: &[usize], seed: u64) -> Vec<f64> {
    let n: usize = shape.iter().product();
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

fn arr<T>(shape: &[usize], seed: u64, f: impl Fn(f64) -> T) -> ArrayD<T> {
    let v = unit(shape, seed).into_iter().map(f).collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

/// One case: npdot and ndarray-einsum on the same arrays.
fn case<T>(
    c: &mut Criterion,
    name: &str,
    sub: &str,
    shapes: &[&[usize]],
    f: impl Fn(f64) -> T + Copy,
) where
    T: npdot::Element + ndarray::LinalgScalar,
{
    let ops: Vec<ArrayD<T>> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| arr(s, i as u64 + 1, f))
        .collect();
    let views: Vec<_> = ops.iter().map(|a| a.view()).collect();
    let dyn_ops: Vec<&dyn ArrayLike<T>> = ops.iter().map(|a| a as &dyn ArrayLike<T>).collect();
    let mut g = c.benchmark_group(format!("einsum/{name}"));
    g.bench_function(BenchmarkId::from_parameter("npdot"), |b| {
        b.iter(|| black_box(npdot::einsum(sub, black_box(&views)).unwrap()))
    });
    g.bench_function(BenchmarkId::from_parameter("ndarray-einsum"), |b| {
        b.iter(|| black_box(ndarray_einsum::einsum(sub, black_box(&dyn_ops)).unwrap()))
    });
    g.finish();
}

fn f64s(c: &mut Criterion, name: &str, sub: &str, shapes: &[&[usize]]) {
    case(c, name, sub, shapes, |x| x);
}

fn benches(c: &mut Criterion) {
    f64s(c, "ij,jk->ik 4x4", "ij,jk->ik", &[&[4, 4], &[4, 4]]);
    f64s(c, "ij,jk->ik 512", "ij,jk->ik", &[&[512, 512], &[512, 512]]);
    f64s(
        c,
        "bij,bjk->bik",
        "bij,bjk->bik",
        &[&[64, 128, 128], &[64, 128, 128]],
    );
    f64s(
        c,
        "bhqd,bhkd->bhqk",
        "bhqd,bhkd->bhqk",
        &[&[8, 8, 128, 64], &[8, 8, 128, 64]],
    );
    f64s(
        c,
        "ijk,jkl->il 64",
        "ijk,jkl->il",
        &[&[64, 64, 64], &[64, 64, 64]],
    );
    f64s(
        c,
        "ij,jk,kl->il",
        "ij,jk,kl->il",
        &[&[1000, 10], &[10, 1000], &[1000, 10]],
    );
    f64s(
        c,
        "chain of 8",
        "ab,bc,cd,de,ef,fg,gh,hi->ai",
        &[
            &[30, 200],
            &[200, 5],
            &[5, 400],
            &[400, 20],
            &[20, 300],
            &[300, 8],
            &[8, 500],
            &[500, 40],
        ],
    );
    f64s(
        c,
        "ij,ij->i 1000",
        "ij,ij->i",
        &[&[1000, 1000], &[1000, 1000]],
    );
    f64s(c, "i,j->ij 1000", "i,j->ij", &[&[1000], &[1000]]);
    f64s(c, "ii-> 1000", "ii->", &[&[1000, 1000]]);
    f64s(c, "ij->ji 1000", "ij->ji", &[&[1000, 1000]]);
    case(
        c,
        "int64 ij,jk->ik 256",
        "ij,jk->ik",
        &[&[256, 256], &[256, 256]],
        |x| (x * 200.0) as i64,
    );
    case(
        c,
        "complex128 bij,bjk->bik",
        "bij,bjk->bik",
        &[&[16, 64, 64], &[16, 64, 64]],
        |x| Complex::new(x, 0.5 - x),
    );
    // A 4x4 lattice of tensors, bond dimension 3, contracted to a scalar (16 operands).
    let lattice = "ab,acd,cef,eg,bhi,dhjk,fjlm,gln,iop,koqr,mqst,nsu,pv,rvw,twx,ux->";
    let shapes: Vec<Vec<usize>> = lattice
        .trim_end_matches("->")
        .split(',')
        .map(|t| vec![3; t.len()])
        .collect();
    let shapes: Vec<&[usize]> = shapes.iter().map(|s| s.as_slice()).collect();
    f64s(c, "lattice 4x4 bond 3 (16 ops)", lattice, &shapes);
    // A random 3-regular graph on 14 nodes (the one compare_einsum.py draws), bond 2.
    let rrg = "brs,agn,dfh,mru,bcd,lnp,hio,klo,eik,ejs,cjt,qtu,afm,gpq->";
    f64s(
        c,
        "3-regular graph 14 nodes bond 2",
        rrg,
        &[&[2usize, 2, 2] as &[usize]; 14],
    );
}

criterion_group! {
    name = einsum;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = benches
}
criterion_main!(einsum);
