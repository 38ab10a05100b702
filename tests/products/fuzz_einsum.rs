//! Fuzz test of `npdot::einsum`: no input panics. Random subscripts strings (letters, `,`,
//! `.`, `-`, `>`, spaces, NUL, non-ASCII) over random operands (0–5 of them, 0–4 dims, sizes
//! 0–3, transposed and broadcast views), absurd strings (1000 labels, 70 operands), and huge
//! broadcast dimensions whose product overflows (must be an `Err`, never a panic or an abort).
//!
//! Knobs: `NPDOT_EINSUM_FUZZ` — iterations (default 4000, about a second);
//! `NPDOT_EINSUM_FUZZ_SEED` — the seed (default fixed; printed).

use ndarray::{ArrayD, ArrayViewD, IxDyn};
use num_complex::Complex;
use std::panic::{AssertUnwindSafe, catch_unwind};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'd', 'a', 'b', 'i', 'j', 'A', 'Z', ',', ',', '.', '.', '.', '-', '>', '-', '>',
    ' ', '\0', 'é', '€', '0', '#',
];

fn random_subscripts(rng: &mut Rng) -> String {
    let len = rng.below(24);
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

/// Subscripts that fit `shapes` (labels from a small set, sometimes `...`, sometimes an
/// explicit output), then sometimes one character replaced.
fn fitting_subscripts(rng: &mut Rng, shapes: &[Vec<usize>]) -> String {
    let labels = ['a', 'b', 'c', 'B', 'a', 'b'];
    let mut terms = Vec::new();
    for sh in shapes {
        let mut t: String = sh.iter().map(|_| labels[rng.below(labels.len())]).collect();
        if !t.is_empty() && rng.below(4) == 0 {
            let cut = rng.below(t.len() + 1);
            t = format!("{}...{}", &t[..t.len() - cut], "");
        }
        terms.push(t);
    }
    let mut s = terms.join(",");
    if rng.below(2) == 0 {
        s.push_str("->");
        for c in ['a', 'b', 'c', 'B'] {
            if s.contains(c) && rng.below(2) == 0 {
                s.push(c);
            }
        }
        if s.contains("...") {
            s.push_str("...");
        }
    }
    if rng.below(3) == 0 && !s.is_empty() {
        let at = rng.below(s.len());
        if s.is_char_boundary(at) && s.is_char_boundary(at + 1) {
            let c = ALPHABET[rng.below(ALPHABET.len())];
            s.replace_range(at..at + 1, &c.to_string());
        }
    }
    s
}

fn operands<T: Clone + Default>(rng: &mut Rng, n: usize) -> Vec<ArrayD<T>> {
    (0..n)
        .map(|_| {
            let nd = rng.below(5);
            let shape: Vec<usize> = (0..nd).map(|_| rng.below(4)).collect();
            ArrayD::from_elem(IxDyn(&shape), T::default())
        })
        .collect()
}

fn views<'a, T>(rng: &mut Rng, ops: &'a [ArrayD<T>]) -> Vec<ArrayViewD<'a, T>> {
    ops.iter()
        .map(|a| match rng.below(3) {
            0 => a.view().reversed_axes(),
            _ => a.view(),
        })
        .collect()
}

fn check<T: npdot::Element + Default>(sub: &str, ops: &[ArrayViewD<'_, T>]) -> bool {
    let r = catch_unwind(AssertUnwindSafe(|| {
        npdot::einsum(sub, ops).map(|r| r.len())
    }));
    match r {
        Ok(res) => res.is_ok(),
        Err(_) => panic!(
            "einsum panicked: sub {sub:?}, shapes {:?}",
            ops.iter().map(|o| o.shape().to_vec()).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn random_subscripts_never_panic() {
    let iters: usize = std::env::var("NPDOT_EINSUM_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let seed: u64 = std::env::var("NPDOT_EINSUM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_e1f5);
    eprintln!("fuzz_einsum: seed {seed}, {iters} iterations");
    let mut rng = Rng(seed | 1);
    let mut ok = 0;
    for _ in 0..iters {
        let n = rng.below(6);
        let fitting = rng.below(2) == 0;
        macro_rules! go {
            ($t:ty) => {{
                let ops = operands::<$t>(&mut rng, n);
                let sub = if fitting {
                    let shapes: Vec<Vec<usize>> = ops.iter().map(|o| o.shape().to_vec()).collect();
                    fitting_subscripts(&mut rng, &shapes)
                } else {
                    random_subscripts(&mut rng)
                };
                check(&sub, &views(&mut rng, &ops))
            }};
        }
        ok += match rng.below(4) {
            0 => go!(f64),
            1 => go!(i8),
            2 => go!(bool),
            _ => go!(Complex<f32>),
        } as usize;
    }
    eprintln!("fuzz_einsum: {ok} of {iters} computed, the rest were errors");
}

#[test]
fn absurd_subscripts_are_errors() {
    let a = ArrayD::<f64>::zeros(IxDyn(&[2, 2]));
    let long: String = (0..1000).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    assert!(npdot::einsum(&long, &[a.view()]).is_err());
    let with_out = format!("ij->{long}");
    assert!(npdot::einsum(&with_out, &[a.view()]).is_err());
    let dots = ".".repeat(1000);
    assert!(npdot::einsum(&dots, &[a.view()]).is_err());
    let many = vec![a.view(); 70];
    let sub = vec!["ij"; 70].join(",");
    assert_eq!(
        npdot::einsum(&sub, &many).unwrap_err().to_string(),
        "too many operands"
    );
    let sub = vec!["ij"; 63].join(",");
    assert!(npdot::einsum(&sub, &many[..63]).is_ok());
    let z: [ArrayViewD<'_, f64>; 0] = [];
    assert!(npdot::einsum("", &z).is_err());
}

#[test]
fn overflowing_dimensions_are_errors() {
    let one = ArrayD::<i8>::zeros(IxDyn(&[1]));
    let huge = |n: usize| one.broadcast(IxDyn(&[n])).unwrap();
    let big = 1usize << 40;
    for sub in ["i,j", "i,j->", "i,j->ij", "i,j->ji", "ab,cd", "i,j,k"] {
        let nops = sub.split("->").next().unwrap().split(',').count();
        if sub.starts_with("ab") {
            let one2 = ArrayD::<i8>::zeros(IxDyn(&[1, 1]));
            let h = one2.broadcast(IxDyn(&[big, 1 << 20])).unwrap();
            assert!(npdot::einsum(sub, &[h.clone(), h]).is_err(), "{sub}");
            continue;
        }
        let ops: Vec<_> = (0..nops).map(|_| huge(big)).collect();
        assert!(npdot::einsum(sub, &ops).is_err(), "{sub}");
    }
    // Too big to allocate, not too big to iterate: NumPy's MemoryError text.
    let h = huge(1 << 61);
    let two = ArrayD::<i8>::zeros(IxDyn(&[2]));
    let e = npdot::einsum("i,j->ij", &[h, two.view()]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Unable to allocate 4.00 EiB for an array with shape (2305843009213693952, 2) and data type int8"
    );
}
