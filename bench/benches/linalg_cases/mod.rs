//! The `np.linalg` benchmark cases, shared by `benches/linalg.rs` (criterion) and
//! `examples/linalg_compare.rs` (the NumPy comparison of `scripts/compare_linalg.py`). Each case
//! has npdot's call and, where one exists, the baseline npdot must stay close to (the
//! hand-parenthesized `npdot::dot` chain in NumPy's order, the same matmuls by hand).

use ndarray::{Array2, ArrayD};

/// A boxed closure timed by the benchmarks.
pub type Job = Box<dyn FnMut()>;

/// One case: name, NumPy setup and statement (same shapes), npdot's call, baseline.
pub struct Case {
    pub name: &'static str,
    pub numpy_setup: &'static str,
    pub numpy_stmt: &'static str,
    pub npdot: Job,
    pub baseline: Option<(&'static str, Job)>,
}

/// Deterministic pseudo-random values in [-1, 1) (SplitMix64).
pub fn matrix(rows: usize, cols: usize, seed: u64) -> ArrayD<f64> {
    let mut s = seed;
    Array2::from_shape_fn((rows, cols), |_| {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    })
    .into_dyn()
}

fn multi_dot_case(
    name: &'static str,
    shapes: [(usize, usize); 4],
    numpy_setup: &'static str,
    hand: fn(&[ArrayD<f64>]) -> ArrayD<f64>,
) -> Case {
    let arrays: Vec<ArrayD<f64>> = shapes
        .iter()
        .enumerate()
        .map(|(i, &(r, c))| matrix(r, c, i as u64 + 1))
        .collect();
    // The same buffers on both sides (a copy could differ in alignment, which alone moves the
    // small kernels' times by several percent).
    let arrays = std::rc::Rc::new(arrays);
    let a2 = std::rc::Rc::clone(&arrays);
    // Same values, same order: the two must agree exactly (from the arrays or from views).
    let views: Vec<_> = arrays.iter().map(|a| a.view()).collect();
    assert_eq!(npdot::linalg::multi_dot(&views).unwrap(), hand(&arrays));
    assert_eq!(npdot::linalg::multi_dot(&arrays).unwrap(), hand(&arrays));
    Case {
        name,
        numpy_setup,
        numpy_stmt: "np.linalg.multi_dot([A, B, C, D])",
        // The arrays as they are, as the hand chain takes them (no vector of views built per
        // call: that would time the benchmark's own allocation).
        npdot: Box::new(move || {
            std::hint::black_box(npdot::linalg::multi_dot(&arrays).unwrap());
        }),
        baseline: Some((
            "hand_chain",
            Box::new(move || {
                std::hint::black_box(hand(&a2));
            }),
        )),
    }
}

/// Every case.
pub fn cases() -> Vec<Case> {
    let mut v = vec![
        // NumPy's order for these shapes: ((A(BC))D).
        multi_dot_case(
            "multi_dot_4_uneven",
            [(2000, 100), (100, 1000), (1000, 5), (5, 500)],
            "A=rng.random((2000,100)); B=rng.random((100,1000)); C=rng.random((1000,5)); D=rng.random((5,500))",
            |x| {
                let dot = |a: &ArrayD<f64>, b: &ArrayD<f64>| npdot::dot(a, b).unwrap();
                dot(&dot(&x[0], &dot(&x[1], &x[2])), &x[3])
            },
        ),
        // NumPy's order: ((AB)(CD)).
        multi_dot_case(
            "multi_dot_4_small",
            [(20, 30), (30, 5), (5, 40), (40, 10)],
            "A=rng.random((20,30)); B=rng.random((30,5)); C=rng.random((5,40)); D=rng.random((40,10))",
            |x| {
                let dot = |a: &ArrayD<f64>, b: &ArrayD<f64>| npdot::dot(a, b).unwrap();
                dot(&dot(&x[0], &x[1]), &dot(&x[2], &x[3]))
            },
        ),
    ];
    // matrix_power(a, 10): z = a, a², a⁴, a⁸; result = a² · a⁸.
    let a = matrix(64, 64, 7).mapv(|x| x / 8.0);
    let a2 = a.clone();
    let hand = move || {
        let m = |x: &ArrayD<f64>, y: &ArrayD<f64>| npdot::matmul(x, y).unwrap();
        let z2 = m(&a2, &a2);
        let z4 = m(&z2, &z2);
        let z8 = m(&z4, &z4);
        m(&z2, &z8)
    };
    assert_eq!(npdot::linalg::matrix_power(&a, 10).unwrap(), hand());
    v.push(Case {
        name: "matrix_power_64_10",
        numpy_setup: "A=rng.random((64,64))/8",
        numpy_stmt: "np.linalg.matrix_power(A, 10)",
        npdot: Box::new(move || {
            std::hint::black_box(npdot::linalg::matrix_power(&a, 10).unwrap());
        }),
        baseline: Some((
            "hand_matmuls",
            Box::new(move || {
                std::hint::black_box(hand());
            }),
        )),
    });
    let (x, y) = (matrix(100_000, 3, 11), matrix(100_000, 3, 12));
    v.push(Case {
        name: "cross_100000x3",
        numpy_setup: "A=rng.random((100000,3)); B=rng.random((100000,3))",
        numpy_stmt: "np.linalg.cross(A, B)",
        npdot: Box::new(move || {
            std::hint::black_box(npdot::linalg::cross(&x, &y, -1).unwrap());
        }),
        baseline: None,
    });
    v
}
