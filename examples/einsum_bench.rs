//! Times `npdot::einsum` on one case, for `scripts/compare_einsum.py`:
//!
//!     einsum_bench <subscripts> <dtype> <shape> [<shape> ...] [--min-time S] [--repeats N] [--matmul]
//!
//! Shapes are written `512x512` (`-` for 0-D); dtype is `float64`, `complex128` or `int64`.
//! Prints one JSON object: the median seconds per call over the repeats (each repeat an
//! autoranged number of calls taking at least `--min-time`), and with `--matmul` the same for
//! `npdot::matmul` of the first two operands (the floor of a plain product).

use std::hint::black_box;
use std::time::Instant;

use ndarray::{ArrayD, IxDyn};
use num_complex::Complex;

fn time_it(min_time: f64, repeats: usize, mut f: impl FnMut()) -> f64 {
    let mut n = 1usize;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        let dt = t.elapsed().as_secs_f64();
        if dt >= min_time {
            break;
        }
        n = if dt <= 0.0 {
            n * 10
        } else {
            ((n as f64) * (min_time * 1.2 / dt)).ceil() as usize
        };
    }
    let mut v: Vec<f64> = (0..repeats)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed().as_secs_f64() / n as f64
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn make<T>(shape: &[usize], seed: u64, f: impl Fn(u64) -> T) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    let mut s = seed;
    let v = (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            f(z ^ (z >> 31))
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn run<T: npdot::Element>(
    sub: &str,
    shapes: &[Vec<usize>],
    min_time: f64,
    repeats: usize,
    matmul: bool,
    f: impl Fn(u64) -> T + Copy,
) {
    let ops: Vec<ArrayD<T>> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| make(s, i as u64 + 1, f))
        .collect();
    let views: Vec<_> = ops.iter().map(|a| a.view()).collect();
    let t = time_it(min_time, repeats, || {
        black_box(npdot::einsum(sub, black_box(&views)).unwrap());
    });
    let mut out = format!("{{\"einsum\": {t:e}");
    if matmul {
        let tm = time_it(min_time, repeats, || {
            black_box(npdot::matmul(black_box(&ops[0]), black_box(&ops[1])).unwrap());
        });
        out.push_str(&format!(", \"matmul\": {tm:e}"));
    }
    println!("{out}}}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sub = args[0].clone();
    let dtype = args[1].clone();
    let (mut min_time, mut repeats, mut matmul) = (0.2, 5, false);
    let mut shapes = Vec::new();
    let mut i = 2;
    while i < args.len() {
        match args[i].as_str() {
            "--min-time" => {
                min_time = args[i + 1].parse().unwrap();
                i += 1;
            }
            "--repeats" => {
                repeats = args[i + 1].parse().unwrap();
                i += 1;
            }
            "--matmul" => matmul = true,
            "-" => shapes.push(vec![]),
            s => shapes.push(s.split('x').map(|d| d.parse().unwrap()).collect()),
        }
        i += 1;
    }
    let unit = |z: u64| (z >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
    match dtype.as_str() {
        "float64" => run::<f64>(&sub, &shapes, min_time, repeats, matmul, unit),
        "complex128" => run::<Complex<f64>>(&sub, &shapes, min_time, repeats, matmul, |z| {
            Complex::new(unit(z), unit(z.rotate_left(17)))
        }),
        "int64" => run::<i64>(&sub, &shapes, min_time, repeats, matmul, |z| {
            (z % 201) as i64 - 100
        }),
        other => panic!("dtype {other}"),
    }
}
