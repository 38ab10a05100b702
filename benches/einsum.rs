//! `npdot::einsum` on the cases of `scripts/compare_einsum.py` (which also times NumPy and
//! opt_einsum in the same run). `cargo bench --bench einsum -- <filter>`.

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{ArrayD, IxDyn};
use std::hint::black_box;

fn arr(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    let mut s = seed;
    let v = (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn case(c: &mut Criterion, name: &str, sub: &str, shapes: &[&[usize]]) {
    let ops: Vec<ArrayD<f64>> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| arr(s, i as u64 + 1))
        .collect();
    let views: Vec<_> = ops.iter().map(|a| a.view()).collect();
    c.bench_function(&format!("einsum/{name}"), |b| {
        b.iter(|| black_box(npdot::einsum(sub, black_box(&views)).unwrap()))
    });
}

fn benches(c: &mut Criterion) {
    case(c, "ij,jk->ik 4x4", "ij,jk->ik", &[&[4, 4], &[4, 4]]);
    case(c, "ij,jk->ik 512", "ij,jk->ik", &[&[512, 512], &[512, 512]]);
    case(
        c,
        "bij,bjk->bik",
        "bij,bjk->bik",
        &[&[64, 128, 128], &[64, 128, 128]],
    );
    case(
        c,
        "bhqd,bhkd->bhqk",
        "bhqd,bhkd->bhqk",
        &[&[8, 8, 128, 64], &[8, 8, 128, 64]],
    );
    case(
        c,
        "ijk,jkl->il",
        "ijk,jkl->il",
        &[&[64, 64, 64], &[64, 64, 64]],
    );
    case(
        c,
        "ij,jk,kl->il",
        "ij,jk,kl->il",
        &[&[1000, 10], &[10, 1000], &[1000, 10]],
    );
    case(c, "ij,ij->i", "ij,ij->i", &[&[1000, 1000], &[1000, 1000]]);
    case(c, "i,j->ij", "i,j->ij", &[&[1000], &[1000]]);
    case(c, "ii->", "ii->", &[&[1000, 1000]]);
    case(c, "ij->ji", "ij->ji", &[&[1000, 1000]]);
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
