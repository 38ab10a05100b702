//! Tests: every path (direct, gemv, packed on each micro-kernel, serial and parallel, both
//! orientations), every element type, every layout, against a naive reference; plus fixed
//! cases whose expected values were computed by NumPy 2.4.6.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, ShapeBuilder, s};

use super::kernel::{MicroKernel, Portable};
use super::lane::{IntElement, Lane};
use super::{gemm, gemm_bool, packed, small};

/// SplitMix64: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A random index below `n` (> 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Element types built from random bits (truncating, so the full range is covered).
trait TestInt: IntElement {
    /// The value whose bits are the low bits of `x`.
    fn from_bits(x: u64) -> Self;
}

/// Implements [`TestInt`] by truncating casts.
macro_rules! test_int {
    ($($t:ty)*) => {$(
        impl TestInt for $t {
            fn from_bits(x: u64) -> Self {
                x as $t
            }
        }
    )*};
}
test_int!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

/// Random element: mostly full-range, sometimes an extreme (0, 1, -1, MIN, MAX).
fn elem<T: TestInt>(rng: &mut Rng) -> T {
    let bits = match rng.below(8) {
        0 => [0, 1, u64::MAX, 1 << 63, (1 << 63) - 1, 0x80, 0x7f, 0x8000][rng.below(8)],
        _ => rng.next(),
    };
    T::from_bits(bits)
}

/// Naive reference in the element type.
fn naive<T: IntElement>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> Array2<T> {
    let (m, k) = a.dim();
    let n = b.ncols();
    Array2::from_shape_fn((m, n), |(i, j)| {
        (0..k).fold(T::ZERO, |s, p| s.wadd(a[[i, p]].wmul(b[[p, j]])))
    })
}

/// Storage for an operand with some layout; `view` gives the logical rows × cols view.
struct Operand<T> {
    /// The owned storage the view looks into.
    base: Array2<T>,
    /// Which layout (see `Operand::new`).
    layout: usize,
    /// Logical rows of the view.
    rows: usize,
    /// Logical columns of the view.
    cols: usize,
}

/// Number of operand layouts `Operand::new` knows.
const LAYOUTS: usize = 9;

impl<T: Copy> Operand<T> {
    /// Layouts: 0 C-order, 1 F-order, 2 rows reversed, 3 both reversed, 4 stepped (2, 3),
    /// 5 stepped negative + transposed, 6 broadcast row (row stride 0), 7 broadcast column
    /// (column stride 0), 8 broadcast scalar (both strides 0).
    fn new(rows: usize, cols: usize, layout: usize, mut f: impl FnMut() -> T) -> Self {
        let shape = match layout {
            0 | 2 | 3 => (rows, cols),
            1 => (cols, rows),
            4 => (2 * rows + 1, 3 * cols + 2),
            5 => (2 * cols, rows),
            6 => (1, cols),
            7 => (rows, 1),
            _ => (1, 1),
        };
        let base = Array2::from_shape_simple_fn(shape, &mut f);
        Operand {
            base,
            layout,
            rows,
            cols,
        }
    }

    /// The logical `rows × cols` view in the chosen layout.
    fn view(&self) -> ArrayView2<'_, T> {
        let b = self.base.view();
        let v = match self.layout {
            0 => b,
            1 => b.reversed_axes(),
            2 => b.slice_move(s![..;-1, ..]),
            3 => b.slice_move(s![..;-1, ..;-1]),
            4 => b.slice_move(s![1..;2, 2..;3]),
            5 => b.slice_move(s![..;-2, ..]).reversed_axes(),
            _ => self
                .base
                .broadcast((self.rows, self.cols))
                .expect("broadcastable"),
        };
        assert_eq!(v.dim(), (self.rows, self.cols));
        v
    }
}

/// An output buffer with layout 0 C-order, 1 F-order, 2 reversed rows, 3 stepped columns.
fn with_out<T: Copy, R>(
    m: usize,
    n: usize,
    layout: usize,
    fill: T,
    f: impl FnOnce(ArrayViewMut2<'_, T>) -> R,
) -> (R, Array2<T>) {
    match layout {
        0 => {
            let mut c = Array2::from_elem((m, n), fill);
            let r = f(c.view_mut());
            (r, c)
        }
        1 => {
            let mut c = Array2::from_elem((m, n).f(), fill);
            let r = f(c.view_mut());
            (r, c)
        }
        2 => {
            let mut c = Array2::from_elem((m, n), fill);
            let r = f(c.slice_mut(s![..;-1, ..]));
            (r, c.slice(s![..;-1, ..]).to_owned())
        }
        _ => {
            let mut c = Array2::from_elem((m, 2 * n), fill);
            let r = f(c.slice_mut(s![.., ..;2]));
            (r, c.slice(s![.., ..;2]).to_owned())
        }
    }
}

/// Which implementation a case runs through.
#[derive(Clone, Copy, Debug)]
enum Path {
    /// The entry point (`gemm`), which picks a path itself.
    Entry,
    /// The packed driver on the best micro-kernel, forced onto 3 threads.
    Threads,
    /// The packed driver on the portable micro-kernel (1 or 3 threads).
    Portable(usize),
    /// The direct triple loop.
    Direct,
    /// Matrix × vector (only for `n == 1` or `m == 1`), forced onto 1 or 3 threads.
    Gemv(usize),
}

/// `c = a · b` through `path`.
fn run_path<T: TestInt>(
    path: Path,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let degenerate = m == 0 || n == 0 || k == 0;
    match path {
        Path::Entry => gemm(a, b, c).unwrap(),
        Path::Direct => small::gemm_direct(a, b, c),
        _ if degenerate => gemm(a, b, c).unwrap(),
        Path::Threads => T::Lane::gemm_packed(a, b, c, Some(3)).unwrap(),
        Path::Portable(t) => packed::gemm(Portable::<T::Lane>::new(), a, b, c, Some(t)).unwrap(),
        Path::Gemv(t) if n == 1 => {
            let mut c = c;
            small::gemv_threads(a, b.column(0), c.column_mut(0), t).unwrap()
        }
        Path::Gemv(t) => {
            assert_eq!(m, 1);
            let mut c = c;
            small::gemv_threads(b.t(), a.row(0), c.row_mut(0), t).unwrap()
        }
    }
}

/// One random case: shapes, layouts and values; compares against `naive`.
fn check_case<T: TestInt>(rng: &mut Rng, (m, k, n): (usize, usize, usize), path: Path) {
    let (la, lb, lc) = (rng.below(LAYOUTS), rng.below(LAYOUTS), rng.below(4));
    let a = Operand::new(m, k, la, || elem::<T>(rng));
    let b = Operand::new(k, n, lb, || elem::<T>(rng));
    let garbage = elem::<T>(rng);
    let ((), got) = with_out(m, n, lc, garbage, |c| run_path(path, a.view(), b.view(), c));
    let want = naive(&a.view(), &b.view());
    assert!(
        got == want,
        "{} {m}x{k} @ {k}x{n}, layouts a={la} b={lb} c={lc}, path {path:?}",
        std::any::type_name::<T>()
    );
}

/// Dimensions that straddle register-tile and block edges.
const EDGES: [usize; 14] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 33, 65];

/// A dimension: half the time an edge size, else uniform in 0..=70.
fn random_dim(rng: &mut Rng) -> usize {
    if rng.below(2) == 0 {
        EDGES[rng.below(EDGES.len())]
    } else {
        rng.below(71)
    }
}

/// `cases` random cases over all paths, plus fixed block-crossing shapes.
fn random_cases<T: TestInt>(seed: u64, cases: usize) {
    let mut rng = Rng(seed);
    for _ in 0..cases {
        let (m, k, n) = (
            random_dim(&mut rng),
            random_dim(&mut rng),
            random_dim(&mut rng),
        );
        let t = [1, 3][rng.below(2)];
        match rng.below(6) {
            0 | 1 => check_case::<T>(&mut rng, (m, k, n), Path::Entry),
            2 => check_case::<T>(&mut rng, (m, k, n), Path::Threads),
            3 => check_case::<T>(&mut rng, (m, k, n), Path::Portable(t)),
            4 => check_case::<T>(&mut rng, (m, k, n), Path::Direct),
            _ if rng.below(2) == 0 => check_case::<T>(&mut rng, (m, k, 1), Path::Gemv(t)),
            _ => check_case::<T>(&mut rng, (1, k, n), Path::Gemv(t)),
        }
    }
    // Across the cache blocks (KC = 256, MC = 120) and the orientation swap.
    for dims in [(130, 260, 9), (7, 300, 70), (125, 3, 40)] {
        check_case::<T>(&mut rng, dims, Path::Threads);
    }
    check_case::<T>(&mut rng, (61, 270, 13), Path::Portable(3));
}

/// One `random_cases` test per element type.
macro_rules! random_tests {
    ($($name:ident: $t:ty, $seed:expr;)*) => {$(
        #[test]
        fn $name() {
            // Under Miri (hours otherwise): 4 random cases plus the fixed block-crossing ones.
            random_cases::<$t>($seed, if cfg!(miri) { 4 } else { 32 });
        }
    )*};
}

random_tests! {
    random_i8: i8, 1;
    random_u8: u8, 2;
    random_i16: i16, 3;
    random_u16: u16, 4;
    random_i32: i32, 5;
    random_u32: u32, 6;
    random_i64: i64, 7;
    random_u64: u64, 8;
    random_isize: isize, 9;
    random_usize: usize, 10;
}

/// The automatic thread decision, on sizes just large enough to go parallel.
#[test]
#[cfg_attr(
    miri,
    ignore = "too slow under Miri; tests/checks/miri.rs covers these paths"
)]
fn parallel_by_size() {
    let mut rng = Rng(11);
    check_case::<i64>(&mut rng, (90, 70, 90), Path::Entry);
    check_case::<i64>(&mut rng, (10, 140, 400), Path::Entry);
}

/// The micro-kernels directly, on one full panel pair with maximal values.
#[test]
fn micro_kernels_wrap() {
    /// All-`x` panels: every tile entry must be `kc · x²` (wrapping).
    fn check<K: MicroKernel>(kern: K, x: K::Lane)
    where
        K::Lane: TestInt,
    {
        let kc = 37;
        let a = vec![K::pack_a(x); kc * K::MR];
        let b = vec![x; kc * K::NR];
        let mut tile = [K::Lane::default(); super::kernel::TILE_MAX];
        kern.run(kc, &a, &b, &mut tile);
        let want = (0..kc).fold(<K::Lane as Lane>::ZERO, |s, _| {
            Lane::wadd(s, Lane::wmul(x, x))
        });
        assert!(tile[..K::MR * K::NR].iter().all(|&t| t == want));
    }
    use super::lane::Lane;
    check(Portable::<u16>::new(), 0xFFFF);
    check(Portable::<u32>::new(), 0xFFFF_FFFF);
    check(Portable::<u64>::new(), 0xFFFF_FFFF_FFFF_FFFF);
    check(Portable::<u64>::new(), 0x8765_4321_DEAD_BEEF);
    #[cfg(target_arch = "x86_64")]
    {
        use super::avx2::{Avx2U16, Avx2U32, Avx2U64};
        if let (Some(k16), Some(k32), Some(k64)) =
            (Avx2U16::detect(), Avx2U32::detect(), Avx2U64::detect())
        {
            check(k16, 0xFFFF);
            check(k16, 0x8001);
            check(k32, 0xFFFF_FFFF);
            check(k32, 0x8765_4321);
            check(k64, 0xFFFF_FFFF_FFFF_FFFF);
            check(k64, 0x8765_4321_DEAD_BEEF);
        }
    }
}

/// Zero-size dimensions.
#[test]
fn degenerate_shapes() {
    // k = 0 overwrites with zeros; empty outputs are left alone.
    let a = Array2::<i32>::zeros((3, 0));
    let b = Array2::<i32>::zeros((0, 4));
    let mut c = Array2::from_elem((3, 4), 7);
    gemm(a.view(), b.view(), c.view_mut()).unwrap();
    assert!(c.iter().all(|&x| x == 0));
    let mut c = Array2::from_elem((3, 4), true);
    gemm_bool(
        a.mapv(|_| true).view(),
        b.mapv(|_| true).view(),
        c.view_mut(),
    )
    .unwrap();
    assert!(c.iter().all(|&x| !x));
    let a = Array2::<u8>::zeros((0, 5));
    let b = Array2::<u8>::zeros((5, 4));
    let mut c = Array2::<u8>::zeros((0, 4));
    gemm(a.view(), b.view(), c.view_mut()).unwrap();
}

/// Inconsistent shapes are a caller bug: a clear panic, never a wrong answer.
#[test]
#[should_panic(expected = "inconsistent shapes")]
fn shape_mismatch_panics() {
    let a = Array2::<i64>::zeros((2, 3));
    let mut c = Array2::<i64>::zeros((2, 2));
    gemm(a.view(), a.view(), c.view_mut()).unwrap();
}

/// Bool: random shapes, densities and layouts against the naive OR of ANDs.
#[test]
#[cfg_attr(
    miri,
    ignore = "too slow under Miri; tests/checks/miri.rs covers these paths"
)]
fn random_bool() {
    let mut rng = Rng(12);
    let mut dims = Vec::new();
    for _ in 0..120 {
        dims.push((
            random_dim(&mut rng),
            random_dim(&mut rng),
            random_dim(&mut rng),
        ));
    }
    dims.extend([(70, 200, 130), (3, 64, 128), (200, 130, 1), (1, 129, 200)]);
    for (m, k, n) in dims {
        let density = [0.0, 0.02, 0.2, 0.5, 0.9, 1.0][rng.below(6)];
        let threshold = (density * u64::MAX as f64) as u64;
        let (la, lb, lc) = (rng.below(LAYOUTS), rng.below(LAYOUTS), rng.below(4));
        let a = Operand::new(m, k, la, || rng.next() < threshold);
        let b = Operand::new(k, n, lb, || rng.next() < threshold);
        let threads = rng.below(4);
        let ((), got) = with_out(m, n, lc, true, |c| match threads {
            1 | 3 if m * n * k > 0 => {
                super::boolean::bitpacked(a.view(), b.view(), c, threads).unwrap()
            }
            _ => gemm_bool(a.view(), b.view(), c).unwrap(),
        });
        let (av, bv) = (a.view(), b.view());
        let want = Array2::from_shape_fn((m, n), |(i, j)| (0..k).any(|p| av[[i, p]] && bv[[p, j]]));
        assert!(
            got == want,
            "bool {m}x{k} @ {k}x{n}, density {density}, layouts {la} {lb} {lc}"
        );
    }
}

/// Deterministic full-range operand, identical to the generator in the NumPy script below.
fn hashed<T: TestInt>(rows: usize, cols: usize, salt: u64) -> Array2<T> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        let x = ((i * cols + j) as u64)
            .wrapping_add(salt)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        T::from_bits(x ^ (x >> 29))
    })
}

/// `Σ_ij c[i, j] · (i·n + j + 1)` modulo 2^64, with `c` read as its signed value.
fn weighted_sum<T: TestInt + Into<i128>>(c: &Array2<T>) -> u64 {
    let n = c.ncols();
    c.indexed_iter().fold(0u64, |s, ((i, j), &x)| {
        s.wrapping_add((x.into() as u64).wrapping_mul((i * n + j + 1) as u64))
    })
}

/// Expected values computed by NumPy 2.4.6 with this script:
///
/// ```python
/// import numpy as np
/// def hashed(r, c, salt, dt):
///     v = []
///     for idx in range(r * c):
///         x = ((idx + salt) * 0x9E3779B97F4A7C15) % 2**64
///         v.append(x ^ (x >> 29))
///     return np.array(v, dtype=np.uint64).astype(dt).reshape(r, c)
/// def wsum(c):
///     n = c.shape[1]
///     return sum(int(x) * (i * n + j + 1) for (i, j), x in np.ndenumerate(c)) % 2**64
/// for dt in ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]:
///     a, b = hashed(70, 300, 1, dt), hashed(300, 50, 2, dt)
///     print(dt, (a @ b)[:2, :3].ravel().tolist(), wsum(a @ b), wsum(a[::-1, ::2] @ b[:150]))
/// ```
#[test]
#[cfg_attr(
    miri,
    ignore = "too slow under Miri; tests/checks/miri.rs covers these paths"
)]
fn matches_numpy() {
    /// Compares `T`'s products with NumPy's head values and weighted sums.
    fn check<T: TestInt + Into<i128>>(head: [i128; 6], w: u64, w_strided: u64) {
        let a = hashed::<T>(70, 300, 1);
        let b = hashed::<T>(300, 50, 2);
        let mut c = Array2::from_elem((70, 50), T::ZERO);
        gemm(a.view(), b.view(), c.view_mut()).unwrap();
        let got: Vec<i128> = c.slice(s![..2, ..3]).iter().map(|&x| x.into()).collect();
        assert_eq!(got, head, "{}", std::any::type_name::<T>());
        assert_eq!(weighted_sum(&c), w, "{}", std::any::type_name::<T>());
        let mut c = Array2::from_elem((70, 50), T::ZERO);
        gemm(
            a.slice(s![..;-1, ..;2]),
            b.slice(s![..150, ..]),
            c.view_mut(),
        )
        .unwrap();
        assert_eq!(
            weighted_sum(&c),
            w_strided,
            "{} strided",
            std::any::type_name::<T>()
        );
    }
    check::<i8>([51, -46, 82, 41, -33, -46], 18446744073703717719, 4183856);
    check::<u8>([51, 210, 82, 41, 223, 210], 775444311, 784663600);
    check::<i16>(
        [21043, -29486, -12462, -13527, -24609, -8238],
        18446744073071495511,
        18446744071280056368,
    );
    check::<u16>(
        [21043, 36050, 53074, 52009, 40927, 57298],
        199468386647,
        203429763120,
    );
    check::<i32>(
        [
            -143044045,
            1161465042,
            621268818,
            -920270039,
            692101087,
            -1667899438,
        ],
        18446707107391932759,
        18446708653836523568,
    );
    check::<u32>(
        [
            4151923251, 1161465042, 621268818, 3374697257, 692101087, 2627067858,
        ],
        13019218866145623,
        13172450670729264,
    );
    check::<i64>(
        [
            -2287100845818817997,
            8138148143598802,
            8337838403396030290,
            -4500827802426815703,
            1589148787954196447,
            7866572332869214162,
        ],
        9172581948806465879,
        17991601326308251696,
    );
    check::<u64>(
        [
            16159643227890733619,
            8138148143598802,
            8337838403396030290,
            13945916271282735913,
            1589148787954196447,
            7866572332869214162,
        ],
        9172581948806465879,
        17991601326308251696,
    );
}

/// Heavier randomized run (release mode recommended):
/// `cargo test --release -- --ignored kernels::int::tests::stress`.
#[test]
#[ignore = "slow in debug builds; run with --release --ignored"]
fn stress() {
    /// Large random cases for `T`.
    fn go<T: TestInt>(rng: &mut Rng) {
        for _ in 0..40 {
            let dims = (rng.below(300) + 1, rng.below(600) + 1, rng.below(300) + 1);
            let path = [Path::Entry, Path::Threads, Path::Portable(3)][rng.below(3)];
            check_case::<T>(rng, dims, path);
        }
        // Across the NC = 4096 column block (shapes that keep their orientation).
        check_case::<T>(rng, (12, 40, 4200), Path::Entry);
        check_case::<T>(rng, (24, 300, 4100), Path::Threads);
    }
    let mut rng = Rng(99);
    go::<i8>(&mut rng);
    go::<u16>(&mut rng);
    go::<i32>(&mut rng);
    go::<u64>(&mut rng);
    go::<isize>(&mut rng);
}
