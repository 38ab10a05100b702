//! Benchmark cases of the product family, shared by `benches/family.rs` (criterion) and
//! `examples/family_compare.rs` (the NumPy comparison driven by `scripts/compare_family.py`).
//!
//! Each case gives the NumPy setup and statement of the same product, npdot's call, and the
//! *physical floor* of the case: the least work any implementation must do —
//!
//! * `tensordot`: the one matrix product on operands already laid out for it (NumPy adds two
//!   transposing copies to that; npdot copies at most the operand whose axes do not merge);
//! * `kron`, `outer`: writing the result once into a fresh buffer (with the huge-page hint NumPy's
//!   allocator gives buffers of 4 MiB or more);
//! * `vecdot`, `matvec`: reading both operands once and writing the result.

use std::hint::black_box;

use ndarray::{Array2, ArrayD, IxDyn};

/// A closure timed by the harnesses: one call is one product (or one floor pass).
pub type Job = Box<dyn FnMut()>;

/// One benchmark case.
pub struct Spec {
    /// Case name (criterion group, comparison row).
    pub name: &'static str,
    /// NumPy setup (names `a`, `b`, float64 data) and the timed statement.
    pub numpy_setup: &'static str,
    /// The NumPy statement timed.
    pub numpy_stmt: &'static str,
    /// Builds (npdot call, floor pass).
    pub build: fn() -> (Job, Job),
}

/// Deterministic data in [-1, 1).
pub fn data(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut z = seed;
    ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = z;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * 2.0 - 1.0
    })
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: std::ffi::c_int)
    -> std::ffi::c_int;
}

/// A fresh buffer of `n` f64 written once (NumPy's huge-page hint for >= 4 MiB): the floor of
/// producing a result.
pub fn write_fresh(n: usize, v: f64) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::with_capacity(n);
    #[cfg(target_os = "linux")]
    if n * 8 >= 1 << 22 {
        let start = out.as_mut_ptr() as usize;
        let first = start.div_ceil(4096) * 4096;
        let last = (start + n * 8) / 4096 * 4096;
        if last > first {
            // SAFETY: a whole number of pages inside the allocation we own; only a hint.
            unsafe { madvise(first as *mut _, last - first, 14) };
        }
    }
    out.extend(std::iter::repeat_n(v, n));
    out
}

/// The sum of every element (a read pass).
pub fn read(a: &ArrayD<f64>) -> f64 {
    let s = a.as_slice().expect("contiguous");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked on the line above), all `read_avx2` requires.
        return unsafe { read_avx2(s) };
    }
    sum32(s)
}

/// The sum of `s` with AVX2: eight 256-bit accumulators (32 partial sums), so the adds never
/// wait on each other and the pass runs at the speed of the loads, with the next lines
/// prefetched. (A plain loop compiled for
/// the baseline target, SSE2, is limited by add latency once the data is in cache: OpenBLAS's
/// `ddot` read the same bytes faster than it.)
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn read_avx2(s: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let chunks = s.chunks_exact(32);
    let rest = chunks.remainder().iter().sum::<f64>();
    let mut acc = [_mm256_setzero_pd(); 8];
    for c in chunks {
        // Software prefetch 1 KiB ahead, as OpenBLAS's `ddot` does (a hint: any address is
        // allowed, so past the end is harmless).
        _mm_prefetch::<_MM_HINT_T0>(c.as_ptr().wrapping_add(128).cast());
        _mm_prefetch::<_MM_HINT_T0>(c.as_ptr().wrapping_add(136).cast());
        _mm_prefetch::<_MM_HINT_T0>(c.as_ptr().wrapping_add(144).cast());
        _mm_prefetch::<_MM_HINT_T0>(c.as_ptr().wrapping_add(152).cast());
        for (l, a) in acc.iter_mut().enumerate() {
            // SAFETY: `c` has 32 elements, so `c[4l..4l + 4]` is in bounds for l < 8; the
            // load is unaligned.
            *a = _mm256_add_pd(*a, unsafe { _mm256_loadu_pd(c.as_ptr().add(4 * l)) });
        }
    }
    let mut lanes = [0.0f64; 4];
    let mut total = _mm256_setzero_pd();
    for a in acc {
        total = _mm256_add_pd(total, a);
    }
    // SAFETY: `lanes` holds 4 f64; the store is unaligned.
    unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), total) };
    lanes.iter().sum::<f64>() + rest
}

/// The sum of `s` in 32 independent partial sums (the portable read pass).
fn sum32(s: &[f64]) -> f64 {
    let mut acc = [0.0f64; 32];
    for c in s.chunks_exact(32) {
        for l in 0..32 {
            acc[l] += c[l];
        }
    }
    acc.iter().sum::<f64>() + s.chunks_exact(32).remainder().iter().sum::<f64>()
}

/// The transposed `tensordot` of two `(64, 64, 64)` of `T` (the data cast by `cast`),
/// `axes=([0, 2], [2, 1])`, checked against the floor's result within `tol`.
fn transposed_64<T>(cast: fn(f64) -> T, tol: f64) -> (Job, Job)
where
    T: npdot::Element + Into<f64> + 'static,
{
    let a = data(&[64, 64, 64], 1).mapv(cast);
    let b = data(&[64, 64, 64], 2).mapv(cast);
    let want = npdot::tensordot(&a, &b, ([0isize, 2], [2isize, 1])).unwrap();
    // Floor: the same contraction as one gemm on operands already laid out for it.
    let a2: Array2<T> = a
        .view()
        .permuted_axes(IxDyn(&[1, 0, 2]))
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order((64, 4096))
        .unwrap();
    let b2: Array2<T> = b
        .view()
        .permuted_axes(IxDyn(&[2, 1, 0]))
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order((4096, 64))
        .unwrap();
    let f = npdot::dot(&a2, &b2).unwrap();
    assert!(
        f.iter()
            .zip(want.iter())
            .all(|(&x, &y)| (x.into() - y.into()).abs() < tol)
    );
    (
        Box::new(move || {
            black_box(npdot::tensordot(&a, &b, ([0isize, 2], [2isize, 1])).unwrap());
        }),
        Box::new(move || {
            black_box(npdot::dot(&a2, &b2).unwrap());
        }),
    )
}

/// The cases.
pub const CASES: &[Spec] = &[
    Spec {
        name: "tensordot_transposed_64",
        numpy_setup: "a = arr((64, 64, 64), 1); b = arr((64, 64, 64), 2)",
        numpy_stmt: "np.tensordot(a, b, axes=([0, 2], [2, 1]))",
        build: || transposed_64(|x| x, 1e-9),
    },
    Spec {
        name: "tensordot_transposed_64_f32",
        numpy_setup: "a = arr((64, 64, 64), 1).astype(np.float32); \
                      b = arr((64, 64, 64), 2).astype(np.float32)",
        numpy_stmt: "np.tensordot(a, b, axes=([0, 2], [2, 1]))",
        build: || transposed_64(|x| x as f32, 1e-3),
    },
    Spec {
        name: "tensordot_stepped_64",
        numpy_setup: "a = arr((128, 64, 64), 1)[::2]; b = arr((64, 64, 64), 2)",
        numpy_stmt: "np.tensordot(a, b, axes=([0, 1], [0, 1]))",
        build: || {
            let big = data(&[128, 64, 64], 1);
            let b = data(&[64, 64, 64], 2);
            let a = big.slice(ndarray::s![..;2, .., ..]).to_owned().into_dyn();
            // Floor: one gemm on operands already laid out for it.
            let a2: Array2<f64> = a
                .view()
                .permuted_axes(IxDyn(&[2, 0, 1]))
                .as_standard_layout()
                .into_owned()
                .into_shape_with_order((64, 4096))
                .unwrap();
            let b2 = b.clone().into_shape_with_order((4096, 64)).unwrap();
            (
                Box::new(move || {
                    let a = big.slice(ndarray::s![..;2, .., ..]);
                    black_box(npdot::tensordot(&a, &b, ([0isize, 1], [0isize, 1])).unwrap());
                }),
                Box::new(move || {
                    black_box(npdot::dot(&a2, &b2).unwrap());
                }),
            )
        },
    },
    Spec {
        name: "tensordot_contiguous_64",
        numpy_setup: "a = arr((64, 64, 64), 1); b = arr((64, 64, 64), 2)",
        numpy_stmt: "np.tensordot(a, b, axes=2)",
        build: || {
            let a = data(&[64, 64, 64], 1);
            let b = data(&[64, 64, 64], 2);
            let a2 = a.clone().into_shape_with_order((64, 4096)).unwrap();
            let b2 = b.clone().into_shape_with_order((4096, 64)).unwrap();
            (
                Box::new(move || {
                    black_box(npdot::tensordot(&a, &b, 2usize).unwrap());
                }),
                Box::new(move || {
                    black_box(npdot::dot(&a2, &b2).unwrap());
                }),
            )
        },
    },
    Spec {
        name: "kron_64x64",
        numpy_setup: "a = arr((64, 64), 1); b = arr((64, 64), 2)",
        numpy_stmt: "np.kron(a, b)",
        build: || {
            let a = data(&[64, 64], 1);
            let b = data(&[64, 64], 2);
            (
                Box::new(move || {
                    black_box(npdot::kron(&a, &b).unwrap());
                }),
                Box::new(move || {
                    black_box(write_fresh(4096 * 4096, 1.5));
                }),
            )
        },
    },
    Spec {
        name: "outer_2000",
        numpy_setup: "a = arr((2000,), 1); b = arr((2000,), 2)",
        numpy_stmt: "np.outer(a, b)",
        build: || {
            let a = data(&[2000], 1);
            let b = data(&[2000], 2);
            (
                Box::new(move || {
                    black_box(npdot::outer(&a, &b).unwrap());
                }),
                Box::new(move || {
                    black_box(write_fresh(2000 * 2000, 1.5));
                }),
            )
        },
    },
    Spec {
        name: "vecdot_100000x16",
        numpy_setup: "a = arr((100000, 16), 1); b = arr((100000, 16), 2)",
        numpy_stmt: "np.vecdot(a, b)",
        build: || {
            let a = data(&[100000, 16], 1);
            let b = data(&[100000, 16], 2);
            let (a2, b2) = (a.clone(), b.clone());
            (
                Box::new(move || {
                    black_box(npdot::vecdot(&a, &b).unwrap());
                }),
                Box::new(move || {
                    black_box(read(&a2) + read(&b2));
                    black_box(write_fresh(100000, 1.5));
                }),
            )
        },
    },
    Spec {
        name: "matvec_10000x16x16",
        numpy_setup: "a = arr((10000, 16, 16), 1); b = arr((10000, 16), 2)",
        numpy_stmt: "np.matvec(a, b)",
        build: || {
            let a = data(&[10000, 16, 16], 1);
            let b = data(&[10000, 16], 2);
            let (a2, b2) = (a.clone(), b.clone());
            (
                Box::new(move || {
                    black_box(npdot::matvec(&a, &b).unwrap());
                }),
                Box::new(move || {
                    black_box(read(&a2) + read(&b2));
                    black_box(write_fresh(160000, 1.5));
                }),
            )
        },
    },
    Spec {
        name: "vecmat_10000x16x16",
        numpy_setup: "a = arr((10000, 16), 1); b = arr((10000, 16, 16), 2)",
        numpy_stmt: "np.vecmat(a, b)",
        build: || {
            let a = data(&[10000, 16], 1);
            let b = data(&[10000, 16, 16], 2);
            let (a2, b2) = (a.clone(), b.clone());
            (
                Box::new(move || {
                    black_box(npdot::vecmat(&a, &b).unwrap());
                }),
                Box::new(move || {
                    black_box(read(&a2) + read(&b2));
                    black_box(write_fresh(160000, 1.5));
                }),
            )
        },
    },
    Spec {
        name: "vdot_1000000",
        numpy_setup: "a = arr((1000000,), 1); b = arr((1000000,), 2)",
        numpy_stmt: "np.vdot(a, b)",
        build: || {
            let a = data(&[1_000_000], 1);
            let b = data(&[1_000_000], 2);
            let (a2, b2) = (a.clone(), b.clone());
            (
                Box::new(move || {
                    black_box(npdot::vdot(&a, &b).unwrap());
                }),
                Box::new(move || {
                    black_box(read(&a2) + read(&b2));
                }),
            )
        },
    },
];
