//! Allocation failures are errors, never aborts: every buffer npdot allocates (results, one-time
//! copies of operands, packing buffers of the integer and `bool` kernels, per-thread scratch,
//! batch items) goes through one fallible allocator, and a refusal is
//! `Err(Error::MemoryError)` with NumPy's `_ArrayMemoryError` text.
//!
//! * `messages_match_numpy` replays `tests/fixtures/memory/messages.json` (written by
//!   `scripts/gen_memory_fixtures.py` with NumPy's own `_ArrayMemoryError`): byte counts of every
//!   unit and rounding edge, every dtype.
//! * `real_24_tib_result` multiplies a `(2^40, 0)` by a `(0, 3)` array: valid shapes, a 24 TiB
//!   result the OS refuses at once (skipped when `vm.overcommit_memory` is 1, where it would not).
//! * The other tests cap the bytes of a single request with `npdot::tuning::set_alloc_limit`, so
//!   each allocation site fails without the test ever asking the OS for much memory. The knob is
//!   global to the process and tests run in parallel threads: every test that calls npdot takes
//!   the `KNOB` lock first (also to force a GEMM kernel with `npdot::tuning::set_gemm_kernel`:
//!   BLAS needs copies of stepped operands, matrixmultiply none).

use std::sync::{Mutex, MutexGuard};

use ndarray::{Array, ArrayD, IxDyn, s};
use npdot::prelude::*;
use npdot::tuning::{GemmKernel, set_alloc_limit, set_gemm_kernel};
use num_complex::Complex;
use serde_json::Value;

static KNOB: Mutex<()> = Mutex::new(());

/// Holds the knob lock with the limit set; resets the limit when dropped.
struct Limit(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Drop for Limit {
    fn drop(&mut self) {
        set_alloc_limit(None);
    }
}

fn limit(bytes: Option<usize>) -> Limit {
    let guard = KNOB.lock().unwrap_or_else(|e| e.into_inner());
    set_alloc_limit(bytes);
    Limit(guard)
}

/// NumPy's dtype name of `T` as `str(np.dtype)` prints it.
fn dtype<T: Element>() -> &'static str {
    match T::DTYPE {
        "intp" => "int64",
        "uintp" => "uint64",
        d => d,
    }
}

fn mem_err<T: Element>(shape: &[usize]) -> Error {
    Error::MemoryError {
        shape: shape.to_vec(),
        dtype: dtype::<T>(),
        itemsize: size_of::<T>(),
    }
}

/// Element types built from small integers.
trait Small: Element {
    fn small(x: u8) -> Self;
}
macro_rules! small {
    ($($t:ty),*) => {$(
        impl Small for $t {
            fn small(x: u8) -> Self {
                x as $t
            }
        }
    )*};
}
small!(f32, f64, i8, i32, i64, isize, u8, u16, u32);
impl Small for Complex<f64> {
    fn small(x: u8) -> Self {
        Complex::new(f64::from(x), 1.0)
    }
}

/// `shape` filled with small integers (exact in every type), `bool`s for `bool`.
fn filled<T: Small>(shape: &[usize], seed: usize) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    let v = (0..n)
        .map(|i| T::small(((i * 7 + seed * 3) % 5) as u8))
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn bools(shape: &[usize], seed: usize) -> ArrayD<bool> {
    let n: usize = shape.iter().product();
    let v = (0..n)
        .map(|i| (i * 7 + seed * 3).is_multiple_of(5))
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

#[test]
fn messages_match_numpy() {
    let _knobs = crate::knobs::exclusive();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/memory/messages.json"
    );
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let shape: Vec<usize> = c["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let dtype: &'static str = Box::leak(c["dtype"].as_str().unwrap().to_string().into());
        let e = Error::MemoryError {
            shape,
            dtype,
            itemsize: c["itemsize"].as_u64().unwrap() as usize,
        };
        let want = c["text"].as_str().unwrap();
        if e.to_string() != want {
            failures.push(format!("got  {e}\nwant {want}"));
        }
    }
    assert!(cases.len() > 6000, "{} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

/// The text NumPy gives for `np.matmul(np.empty((2**40, 0)), np.empty((0, 3)))`.
fn numpy_24_tib_text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/memory/messages.json"
    );
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let c = cases.iter().find(|c| c.get("raised_by").is_some()).unwrap();
    c["text"].as_str().unwrap().to_string()
}

#[test]
fn real_24_tib_result() {
    let _knobs = crate::knobs::exclusive();
    if std::fs::read_to_string("/proc/sys/vm/overcommit_memory").is_ok_and(|s| s.trim() == "1") {
        eprintln!("skipped: vm.overcommit_memory = 1 would grant the 24 TiB");
        return;
    }
    let _l = limit(None);
    let h = 1usize << 40;
    let a = ArrayD::<f64>::zeros(IxDyn(&[h, 0]));
    let b = ArrayD::<f64>::zeros(IxDyn(&[0, 3]));
    let bt = ArrayD::<f64>::zeros(IxDyn(&[3, 0]));
    let err = a.matmul(&b).unwrap_err();
    assert_eq!(err.to_string(), numpy_24_tib_text());
    assert_eq!(err, mem_err::<f64>(&[h, 3]));
    assert_eq!(a.dot(&b).unwrap_err(), mem_err::<f64>(&[h, 3]));
    assert_eq!(a.inner(&bt).unwrap_err(), mem_err::<f64>(&[h, 3]));
    assert_eq!(npdot::matmul(&a, &b).unwrap_err(), mem_err::<f64>(&[h, 3]));
    // Every kernel family: complex, integers, bool (24 TiB and more each).
    let az = ArrayD::<Complex<f64>>::zeros(IxDyn(&[h, 0]));
    let bz = ArrayD::<Complex<f64>>::zeros(IxDyn(&[0, 3]));
    assert_eq!(
        az.matmul(&bz).unwrap_err(),
        mem_err::<Complex<f64>>(&[h, 3])
    );
    let ai = ArrayD::<i64>::zeros(IxDyn(&[h, 0]));
    let bi = ArrayD::<i64>::zeros(IxDyn(&[0, 3]));
    assert_eq!(ai.matmul(&bi).unwrap_err(), mem_err::<i64>(&[h, 3]));
    assert_eq!(ai.dot(&bi).unwrap_err(), mem_err::<i64>(&[h, 3]));
    let ab = ArrayD::from_elem(IxDyn(&[h << 3, 0]), false);
    let bb = ArrayD::from_elem(IxDyn(&[0, 3]), false);
    assert_eq!(ab.matmul(&bb).unwrap_err(), mem_err::<bool>(&[h << 3, 3]));
    // N-D: a batch of them.
    let a3 = ArrayD::<f32>::zeros(IxDyn(&[4, h, 0]));
    let b3 = ArrayD::<f32>::zeros(IxDyn(&[4, 0, 3]));
    assert_eq!(a3.matmul(&b3).unwrap_err(), mem_err::<f32>(&[4, h, 3]));
}

/// An operation, the operands' shapes and the result's.
type Case = (&'static str, Vec<usize>, Vec<usize>, Vec<usize>);

/// Every result allocation (2-D fast path, small products, N-D, vector·matrix, tall-skinny,
/// 0-D operands) of `T` fails under a tiny limit and succeeds without one.
fn results_fail_then_succeed<T: Small>() {
    let cases: Vec<Case> = vec![
        ("matmul", vec![40, 50], vec![50, 60], vec![40, 60]),
        ("dot", vec![40, 50], vec![50, 60], vec![40, 60]),
        ("inner", vec![40, 50], vec![60, 50], vec![40, 60]),
        ("matmul", vec![4, 4], vec![4, 4], vec![4, 4]),
        ("matmul", vec![3, 40, 50], vec![50, 60], vec![3, 40, 60]),
        ("dot", vec![3, 40, 50], vec![2, 50, 60], vec![3, 40, 2, 60]),
        (
            "inner",
            vec![3, 40, 50],
            vec![2, 60, 50],
            vec![3, 40, 2, 60],
        ),
        ("matmul", vec![8], vec![8, 1000], vec![1000]),
        ("matmul", vec![1000, 8], vec![8], vec![1000]),
        ("matmul", vec![10000, 8], vec![8, 8], vec![10000, 8]),
        ("dot", vec![], vec![100, 3], vec![100, 3]),
        ("inner", vec![100, 3], vec![], vec![100, 3]),
    ];
    for (op, sa, sb, so) in cases {
        let (a, b) = (filled::<T>(&sa, 1), filled::<T>(&sb, 2));
        let run = || match op {
            "matmul" => a.matmul(&b),
            "dot" => a.dot(&b),
            _ => a.inner(&b),
        };
        let bytes = so.iter().product::<usize>() * size_of::<T>();
        {
            let _l = limit(Some(bytes - 1));
            assert_eq!(
                run().unwrap_err(),
                mem_err::<T>(&so),
                "{op} {sa:?} {sb:?} {}",
                T::DTYPE
            );
        }
        let _l = limit(None);
        let got = run().unwrap_or_else(|e| panic!("{op} {sa:?} {sb:?} {}: {e}", T::DTYPE));
        assert_eq!(got.shape(), &so[..]);
    }
}

#[test]
fn results() {
    let _knobs = crate::knobs::exclusive();
    results_fail_then_succeed::<f64>();
    results_fail_then_succeed::<f32>();
    results_fail_then_succeed::<Complex<f64>>();
    results_fail_then_succeed::<i64>();
    results_fail_then_succeed::<isize>();
    results_fail_then_succeed::<i32>();
    results_fail_then_succeed::<u8>();
    results_fail_then_succeed::<i8>();
    // bool: the same shapes.
    let (a, b) = (bools(&[40, 50], 1), bools(&[50, 60], 2));
    {
        let _l = limit(Some(40 * 60 - 1));
        assert_eq!(a.matmul(&b).unwrap_err(), mem_err::<bool>(&[40, 60]));
        assert_eq!(a.dot(&b).unwrap_err(), mem_err::<bool>(&[40, 60]));
        let bt = b.t().to_owned();
        assert_eq!(a.inner(&bt).unwrap_err(), mem_err::<bool>(&[40, 60]));
    }
    let _l = limit(Some(40 * 60 * 2));
    let want = naive_bool(&a, &b);
    assert_eq!(a.matmul(&b).unwrap(), want);
}

fn naive_bool(a: &ArrayD<bool>, b: &ArrayD<bool>) -> ArrayD<bool> {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    Array::from_shape_fn(IxDyn(&[m, n]), |ix| {
        (0..k).any(|p| a[[ix[0], p]] && b[[p, ix[1]]])
    })
}

/// One-time copies of operands BLAS cannot take (float types with BLAS), and the copy of `b`
/// that N-D `dot` makes when its axes do not merge (every type): the `_into` forms, which
/// allocate no result.
#[test]
fn operand_copies() {
    let _knobs = crate::knobs::exclusive();
    let base = filled::<f64>(&[40, 100], 1);
    let a = base.slice(s![.., ..;2]).into_dyn(); // (40, 50), column stride 2
    let b = filled::<f64>(&[50, 60], 2);
    let mut out = ArrayD::<f64>::zeros(IxDyn(&[40, 60]));
    for kernel in [GemmKernel::Blas, GemmKernel::Matrixmultiply] {
        let _l = limit(Some(40 * 50 * 8 - 1));
        set_gemm_kernel(kernel);
        let r = a.matmul_into(&b, &mut out);
        let d = a.dot_into(&b, &mut out);
        set_gemm_kernel(GemmKernel::Auto);
        if cfg!(feature = "blas") && kernel == GemmKernel::Blas {
            assert_eq!(r.unwrap_err(), mem_err::<f64>(&[40, 50]));
            assert_eq!(d.unwrap_err(), mem_err::<f64>(&[40, 50]));
        } else {
            // matrixmultiply (and the pure-Rust backend) takes any strides: nothing to copy.
            r.unwrap();
            d.unwrap();
        }
    }
    {
        let _l = limit(Some(40 * 50 * 8));
        a.matmul_into(&b, &mut out).unwrap();
        a.dot_into(&b, &mut out).unwrap();
    }
    {
        let _l = limit(None);
        assert_eq!(out, a.to_owned().matmul(&b).unwrap());
    }
    // N-D inner: `a`'s leading axes (swapped) do not merge into one: copied as a 2-D operand,
    // on both backends.
    let base3 = filled::<f64>(&[4, 3, 50], 3);
    let a3 = base3.view().permuted_axes(IxDyn(&[1, 0, 2])); // (3, 4, 50)
    let b2 = filled::<f64>(&[6, 50], 4);
    {
        let _l = limit(Some(3 * 4 * 50 * 8 - 1));
        assert_eq!(a3.inner(&b2).unwrap_err(), mem_err::<f64>(&[3, 4, 50]));
    }
    // N-D dot: `b` (2, 50, 60) viewed as (50, 2·60) needs a copy in every type.
    fn nd_dot<T: Small>() {
        let a = filled::<T>(&[40, 50], 1);
        let b = filled::<T>(&[2, 50, 60], 2);
        let mut out = ArrayD::<T>::from_elem(IxDyn(&[40, 2, 60]), T::small(9));
        {
            let _l = limit(Some(50 * 2 * 60 * size_of::<T>() - 1));
            assert_eq!(
                a.dot_into(&b, &mut out).unwrap_err(),
                mem_err::<T>(&[50, 2, 60])
            );
        }
        let _l = limit(None);
        a.dot_into(&b, &mut out).unwrap();
        assert_eq!(out, a.dot(&b).unwrap());
    }
    nd_dot::<f64>();
    nd_dot::<i64>();
    nd_dot::<u16>();
}

/// Packing buffers and scratch of the integer and `bool` kernels (`_into`: no result to
/// allocate), serial and in the parallel batch driver.
#[test]
fn packing_buffers_and_scratch() {
    let _knobs = crate::knobs::exclusive();
    fn packed<T: Small>(lane: &str) {
        let a = filled::<T>(&[300, 300], 1);
        let b = filled::<T>(&[300, 300], 2);
        let mut out = ArrayD::<T>::from_elem(IxDyn(&[300, 300]), T::small(0));
        {
            let _l = limit(Some(1024));
            match a.matmul_into(&b, &mut out).unwrap_err() {
                Error::MemoryError { shape, dtype, .. } => {
                    assert_eq!(shape.len(), 1);
                    assert_eq!(dtype, lane, "{}", T::DTYPE);
                }
                e => panic!("{e:?}"),
            }
        }
        let _l = limit(None);
        a.matmul_into(&b, &mut out).unwrap();
        assert_eq!(out, a.matmul(&b).unwrap());
    }
    packed::<i64>("uint64");
    packed::<u32>("uint32");
    packed::<i8>("uint16");
    // Matrix·vector: a strided vector is copied to a contiguous one once.
    let m = filled::<i32>(&[300, 5000], 1);
    let x_base = filled::<i32>(&[10000], 2);
    let x = x_base.slice(s![..;2]).into_dyn();
    let mut y = ArrayD::<i32>::zeros(IxDyn(&[300]));
    {
        let _l = limit(Some(1000));
        let e = m.matmul_into(&x, &mut y).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Unable to allocate 19.5 KiB for an array with shape (5000,) and data type uint32"
        );
        // Column-major matrix: one accumulator per row (per thread: a share of the rows).
        let mt = filled::<i32>(&[5000, 300], 1);
        set_alloc_limit(Some(200));
        match mt.t().into_dyn().matmul_into(&x, &mut y).unwrap_err() {
            Error::MemoryError { shape, dtype, .. } => {
                assert!(shape.len() == 1 && shape[0] <= 300 && shape[0] * 4 > 200);
                assert_eq!(dtype, "uint32");
            }
            e => panic!("{e:?}"),
        }
    }
    // bool: B bit-packed into 64-bit words, and one row of words per thread.
    let a = bools(&[200, 300], 1);
    let b = bools(&[300, 200], 2);
    let mut out = ArrayD::from_elem(IxDyn(&[200, 200]), true);
    {
        let _l = limit(Some(1000));
        assert_eq!(
            a.matmul_into(&b, &mut out).unwrap_err(),
            Error::MemoryError {
                shape: vec![300, 4],
                dtype: "uint64",
                itemsize: 8
            }
        );
    }
    {
        let _l = limit(Some(300 * 4 * 8));
        a.matmul_into(&b, &mut out).unwrap();
        assert_eq!(out, naive_bool(&a, &b));
    }
    // Batches: items run on several threads; the first failure is the result.
    let a = filled::<i64>(&[32, 50, 50], 1);
    let b = filled::<i64>(&[32, 50, 50], 2);
    let mut out = ArrayD::<i64>::zeros(IxDyn(&[32, 50, 50]));
    {
        let _l = limit(Some(1024));
        assert!(matches!(
            a.matmul_into(&b, &mut out),
            Err(Error::MemoryError { .. })
        ));
        assert!(matches!(a.matmul(&b), Err(Error::MemoryError { .. })));
    }
    {
        let _l = limit(None);
        a.matmul_into(&b, &mut out).unwrap();
        assert_eq!(out, a.matmul(&b).unwrap());
    }
    let ab = bools(&[16, 100, 100], 1);
    let bb = bools(&[16, 100, 100], 2);
    let mut ob = ArrayD::from_elem(IxDyn(&[16, 100, 100]), true);
    let _l = limit(Some(100));
    assert!(matches!(
        ab.matmul_into(&bb, &mut ob),
        Err(Error::MemoryError { .. })
    ));
}

/// A batched float product with an operand BLAS cannot take: copied once (not per item).
#[test]
fn batch_copies() {
    let _knobs = crate::knobs::exclusive();
    let base = filled::<f32>(&[32, 50, 100], 1);
    let a = base.slice(s![.., .., ..;2]).into_dyn();
    let b = filled::<f32>(&[32, 50, 50], 2);
    let mut out = ArrayD::<f32>::zeros(IxDyn(&[32, 50, 50]));
    for kernel in [GemmKernel::Blas, GemmKernel::Matrixmultiply] {
        let _l = limit(Some(32 * 50 * 50 * 4 - 1));
        set_gemm_kernel(kernel);
        let r = a.matmul_into(&b, &mut out);
        set_gemm_kernel(GemmKernel::Auto);
        if cfg!(feature = "blas") && kernel == GemmKernel::Blas {
            assert_eq!(r.unwrap_err(), mem_err::<f32>(&[32, 50, 50]));
        } else {
            r.unwrap();
        }
    }
    let _l = limit(Some(32 * 50 * 50 * 4));
    a.matmul_into(&b, &mut out).unwrap();
    assert_eq!(out, a.to_owned().matmul(&b).unwrap());
}

/// With a limit of 0 bytes, the `_into` forms still work wherever they need no scratch
/// (BLAS-able floats, small products), and allocating forms fail.
#[test]
fn into_paths_allocate_nothing_else() {
    let _knobs = crate::knobs::exclusive();
    let _l = limit(Some(0));
    let a = filled::<f64>(&[64, 64], 1);
    let b = filled::<f64>(&[64, 64], 2);
    let mut out = ArrayD::<f64>::zeros(IxDyn(&[64, 64]));
    a.matmul_into(&b, &mut out).unwrap();
    let mut out2 = ArrayD::<f64>::zeros(IxDyn(&[64, 64]));
    a.dot_into(&b, &mut out2).unwrap();
    assert_eq!(out, out2);
    assert_eq!(a.matmul(&b).unwrap_err(), mem_err::<f64>(&[64, 64]));
    let ai = filled::<i64>(&[4, 4], 1);
    let bi = filled::<i64>(&[4, 4], 2);
    let mut oi = ArrayD::<i64>::zeros(IxDyn(&[4, 4]));
    ai.matmul_into(&bi, &mut oi).unwrap();
    let mut ob = ArrayD::from_elem(IxDyn(&[4, 4]), true);
    bools(&[4, 4], 1)
        .matmul_into(&bools(&[4, 4], 2), &mut ob)
        .unwrap();
    // Batched BLAS-able floats.
    let a3 = filled::<f32>(&[8, 16, 16], 1);
    let mut o3 = ArrayD::<f32>::zeros(IxDyn(&[8, 16, 16]));
    a3.matmul_into(&a3, &mut o3).unwrap();
    drop(_l);
    let _l = limit(None);
    assert_eq!(out, a.matmul(&b).unwrap());
    assert_eq!(oi, ai.matmul(&bi).unwrap());
    assert_eq!(o3, a3.matmul(&a3).unwrap());
}
