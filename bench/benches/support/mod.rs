//! Benchmark cases shared by `benches/products.rs` (criterion) and `examples/bench_compare.rs`
//! (the NumPy comparison driven by `scripts/compare_numpy.py`).
//!
//! One table, [`CASES`], is the single source of truth: each entry names a case, gives its
//! target ratio `R = t_npdot / t_numpy`, the NumPy setup and statement that time the same
//! product, and a builder that makes the data and the closures to time: npdot itself and the
//! baselines that make a ratio meaningful (the direct CBLAS call on the same buffers, ndarray's
//! own `dot`, faer).
//!
//! Data is deterministic and identical on both sides: [`SplitMix64`] here and `arr()` in
//! `scripts/compare_numpy.py` produce the same values bit for bit (floats in `[-1, 1)`,
//! integers as the low bits of each draw, `bool` as its top bit, so `p = 0.5`). The integer and
//! `bool` kernels are data-dependent (zero skipping), so identical data keeps the comparison fair.
//!
//! Every builder checks npdot's result once against a baseline before anything is timed, so a
//! wrong baseline (or a wrong fast path) cannot produce a flattering number.

use std::ffi::{CStr, c_char, c_int};
use std::hint::black_box;
use std::rc::Rc;

use cblas_sys::{
    CBLAS_LAYOUT::CblasRowMajor,
    CBLAS_TRANSPOSE::{self, CblasNoTrans, CblasTrans},
    CBLAS_UPLO::CblasUpper,
};
use ndarray::{
    ArrayD, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMut1, ArrayViewMut2, Axis, Ix1, Ix2,
    IxDyn, Slice,
};
use npdot::prelude::*;
use num_complex::{Complex32, Complex64};

pub mod parity;

/// ndarray's own `dot` (`Array1`/`Array2`), the baseline. Called through its trait: with
/// npdot's prelude in scope, the method call `a.dot(&b)` on an `Array1`/`Array2` is npdot's.
pub fn nd_dot<L, R>(a: &L, b: &R) -> <L as ndarray::linalg::Dot<R>>::Output
where
    L: ndarray::linalg::Dot<R>,
{
    ndarray::linalg::Dot::dot(a, b)
}

/// A closure timed by the harnesses: one call is one product.
pub type Job = Box<dyn FnMut()>;

/// The data and the closures of one case, made by [`Spec::build`].
pub struct Case {
    /// npdot, called as a user would (allocating its result, like NumPy).
    pub npdot: Job,
    /// The direct CBLAS call(s) on the same buffers, into a preallocated output.
    pub cblas: Option<Job>,
    /// ndarray's own `dot` on the same data (`Array2::dot`, `Array1::dot`).
    pub ndarray: Option<Job>,
    /// faer's `matmul` on the same buffers (large f64 gemm only).
    pub faer: Option<Job>,
    /// npdot's `matmul_into` into a result allocated once beforehand, as the raw CBLAS
    /// baseline does: `npdot_into / cblas` is the cost of npdot's semantics layer alone,
    /// without the allocation of a new result (large BLAS cases).
    pub npdot_into: Option<Job>,
    /// The streaming floor: one pass over the same operands that reads each of their bytes
    /// and writes each byte of a result of the same size once (`c = a + b` elementwise into a
    /// preallocated `c`; batch cases with operands of one shape). No product can take less
    /// time than this on the same machine, whatever its arithmetic.
    pub stream: Option<Job>,
}

/// One benchmark case.
pub struct Spec {
    /// Identifier: criterion group name and key of the comparison table.
    pub name: &'static str,
    /// Target for `R = t_npdot / t_numpy` (issue 5 / DESIGN §6); `None` where none is set.
    pub target: Option<f64>,
    /// Whether the case is in the "≤ 1.02 vs raw cblas" class.
    pub cblas_target: bool,
    /// Python statements that create the operands with `arr(shape, dtype, seed)`.
    pub np_setup: &'static str,
    /// The NumPy statement whose time is compared (must match what `build` times).
    pub np_stmt: &'static str,
    /// Makes the data and the closures.
    pub build: fn() -> Case,
}

/// The SplitMix64 generator (Steele, Lea, Flood 2014): the same stream as `arr()` in
/// `scripts/compare_numpy.py`.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose first output is `mix(seed + GOLDEN)`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Element types the generator can fill, with the mapping `arr()` uses on the Python side.
pub trait Gen: Element {
    /// The next element from `g`.
    fn draw(g: &mut SplitMix64) -> Self;
}

/// `[-1, 1)` from the top 53 bits.
fn unit(z: u64) -> f64 {
    ((z >> 11) as f64) * (1.0 / (1u64 << 53) as f64) * 2.0 - 1.0
}

impl Gen for f64 {
    fn draw(g: &mut SplitMix64) -> Self {
        unit(g.next())
    }
}
impl Gen for f32 {
    fn draw(g: &mut SplitMix64) -> Self {
        unit(g.next()) as f32
    }
}
impl Gen for Complex64 {
    fn draw(g: &mut SplitMix64) -> Self {
        let re = unit(g.next());
        Complex64::new(re, unit(g.next()))
    }
}
impl Gen for Complex32 {
    fn draw(g: &mut SplitMix64) -> Self {
        let re = unit(g.next()) as f32;
        Complex32::new(re, unit(g.next()) as f32)
    }
}
impl Gen for bool {
    fn draw(g: &mut SplitMix64) -> Self {
        g.next() >> 63 == 1
    }
}
macro_rules! gen_int {
    ($($t:ty),*) => {$(
        impl Gen for $t {
            fn draw(g: &mut SplitMix64) -> Self {
                // Truncation is the point: the low bits, as NumPy's `astype` does.
                g.next() as $t
            }
        }
    )*};
}
gen_int!(i8, i16, i32, i64, u8);

/// A C-contiguous array of `shape` filled from `SplitMix64::new(seed)`.
///
/// Buffers of 4 MiB or more are advised for transparent huge pages before they are first
/// touched, exactly as NumPy does for every array it allocates (`madvise(MADV_HUGEPAGE)` in
/// its allocator, on by default on Linux), so the inputs of both sides have the same TLB
/// behaviour and a ratio measures the products alone.
pub fn arr<T: Gen>(shape: &[usize], seed: u64) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    let mut g = SplitMix64::new(seed);
    let mut v: Vec<T> = Vec::with_capacity(n);
    advise_hugepages(v.as_mut_ptr().cast(), n * std::mem::size_of::<T>());
    v.extend((0..n).map(|_| T::draw(&mut g)));
    ArrayD::from_shape_vec(IxDyn(shape), v).expect("length matches shape")
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: c_int) -> c_int;
}

/// NumPy's `_npy_alloc_cache` hint: `madvise(MADV_HUGEPAGE)` on the page-aligned part of a
/// buffer of at least 4 MiB (Linux only; a no-op elsewhere or where the kernel refuses).
pub fn advise_hugepages(ptr: *mut u8, bytes: usize) {
    #[cfg(target_os = "linux")]
    if bytes >= 1 << 22 {
        const MADV_HUGEPAGE: c_int = 14;
        let offset = 4096 - (ptr as usize) % 4096;
        // SAFETY: [ptr + offset, ptr + bytes) lies inside the caller's allocation; madvise
        // only changes the kernel's paging policy for it, never its contents.
        unsafe {
            madvise(ptr.add(offset).cast(), bytes - offset, MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, bytes);
}

// ---------------------------------------------------------------------------------------------
// Raw CBLAS baselines: every argument of the call (flags, dims, leading dimensions, pointers
// into buffers the job owns) is computed once when the case is built, so a timed `cblas` call
// is nothing but the FFI call: no ndarray bookkeeping is charged to the baseline.

/// Row-major CBLAS flag and leading dimension of a 2-D view with one unit stride.
fn flag(v: &ArrayView2<'_, impl Sized>) -> (CBLAS_TRANSPOSE, c_int) {
    let (r, c) = v.dim();
    let s = v.strides();
    if s[1] == 1 && s[0] >= c.max(1) as isize {
        (CblasNoTrans, s[0] as c_int)
    } else if s[0] == 1 && s[1] >= r.max(1) as isize {
        (CblasTrans, s[1] as c_int)
    } else {
        panic!(
            "baseline operand is not BLAS-able: dims {:?} strides {s:?}",
            v.dim()
        )
    }
}

/// The arguments of one row-major `cblas_?gemm` with `alpha = 1`, `beta = 0`.
pub struct GemmArgs<T> {
    ta: CBLAS_TRANSPOSE,
    tb: CBLAS_TRANSPOSE,
    m: c_int,
    n: c_int,
    k: c_int,
    a: *const T,
    lda: c_int,
    b: *const T,
    ldb: c_int,
    c: *mut T,
    ldc: c_int,
}

/// One prepared CBLAS call.
pub enum RawCall {
    /// `cblas_sgemm`.
    Sgemm(GemmArgs<f32>),
    /// `cblas_dgemm`.
    Dgemm(GemmArgs<f64>),
    /// `cblas_zgemm`.
    Zgemm(GemmArgs<Complex64>),
    /// `cblas_dgemv`, `alpha = 1`, `beta = 0`, unit increments; `m`, `n` as stored.
    Dgemv {
        /// Transpose flag of the stored matrix.
        ta: CBLAS_TRANSPOSE,
        /// Stored rows.
        m: c_int,
        /// Stored columns.
        n: c_int,
        /// The matrix.
        a: *const f64,
        /// Its leading dimension.
        lda: c_int,
        /// The input vector.
        x: *const f64,
        /// The output vector.
        y: *mut f64,
    },
    /// `cblas_ddot` with unit increments.
    Ddot {
        /// Length.
        n: c_int,
        /// First vector.
        x: *const f64,
        /// Second vector.
        y: *const f64,
    },
    /// `cblas_dsyrk`, upper triangle of `c = a·aᵀ`, `a` row-major `n×k`.
    Dsyrk {
        /// Rows of `a`, order of `c`.
        n: c_int,
        /// Columns of `a`.
        k: c_int,
        /// The matrix.
        a: *const f64,
        /// Its leading dimension.
        lda: c_int,
        /// The `n×n` row-major output.
        c: *mut f64,
    },
}

/// Element types with a raw `?gemm` baseline.
pub trait RawGemm: Element {
    /// Wraps prepared arguments in the matching [`RawCall`].
    fn call(args: GemmArgs<Self>) -> RawCall;
}
impl RawGemm for f32 {
    fn call(args: GemmArgs<f32>) -> RawCall {
        RawCall::Sgemm(args)
    }
}
impl RawGemm for f64 {
    fn call(args: GemmArgs<f64>) -> RawCall {
        RawCall::Dgemm(args)
    }
}
impl RawGemm for Complex64 {
    fn call(args: GemmArgs<Complex64>) -> RawCall {
        RawCall::Zgemm(args)
    }
}

/// Prepares `c = a · b` (`a`, `b` BLAS-able, `c` row-major). The call stays valid while the
/// three buffers live and do not move.
pub fn gemm<T: RawGemm>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) -> RawCall {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n) && c.strides()[1] == 1);
    let (ta, lda) = flag(&a);
    let (tb, ldb) = flag(&b);
    T::call(GemmArgs {
        ta,
        tb,
        m: m as c_int,
        n: n as c_int,
        k: k as c_int,
        a: a.as_ptr(),
        lda,
        b: b.as_ptr(),
        ldb,
        c: c.as_mut_ptr(),
        ldc: c.strides()[0] as c_int,
    })
}

/// Prepares `y = a · x` (`a` BLAS-able, `x` and `y` contiguous).
pub fn dgemv(
    a: ArrayView2<'_, f64>,
    x: ArrayView1<'_, f64>,
    mut y: ArrayViewMut1<'_, f64>,
) -> RawCall {
    let (m, n) = a.dim();
    assert!(x.len() == n && y.len() == m);
    let (ta, lda) = flag(&a);
    let (gm, gn) = if matches!(ta, CblasNoTrans) {
        (m, n)
    } else {
        (n, m)
    };
    RawCall::Dgemv {
        ta,
        m: gm as c_int,
        n: gn as c_int,
        a: a.as_ptr(),
        lda,
        x: x.as_slice().expect("contiguous x").as_ptr(),
        y: y.as_slice_mut().expect("contiguous y").as_mut_ptr(),
    }
}

/// Prepares `x · y` (contiguous vectors).
pub fn ddot(x: ArrayView1<'_, f64>, y: ArrayView1<'_, f64>) -> RawCall {
    assert_eq!(x.len(), y.len());
    RawCall::Ddot {
        n: x.len() as c_int,
        x: x.as_slice().expect("contiguous x").as_ptr(),
        y: y.as_slice().expect("contiguous y").as_ptr(),
    }
}

/// Prepares the upper triangle of `c = a · aᵀ` (`a` row-major, `c` row-major `n×n`).
pub fn dsyrk(a: ArrayView2<'_, f64>, mut c: ArrayViewMut2<'_, f64>) -> RawCall {
    let (n, k) = a.dim();
    assert!(c.dim() == (n, n) && c.is_standard_layout());
    let (ta, lda) = flag(&a);
    assert!(matches!(ta, CblasNoTrans));
    RawCall::Dsyrk {
        n: n as c_int,
        k: k as c_int,
        a: a.as_ptr(),
        lda,
        c: c.as_mut_ptr(),
    }
}

impl RawCall {
    /// Makes the call; returns the value for `Ddot`, 0 otherwise.
    ///
    /// # Safety
    /// The buffers the call was prepared on are alive, have not moved, and the output is not
    /// accessed through any other path during the call.
    pub unsafe fn run(&self) -> f64 {
        // SAFETY (all arms): the arguments were computed from valid views (dims, BLAS-able
        // strides, leading dimensions) and the caller guarantees the buffers are still there.
        unsafe {
            match self {
                RawCall::Sgemm(g) => cblas_sys::cblas_sgemm(
                    CblasRowMajor,
                    g.ta,
                    g.tb,
                    g.m,
                    g.n,
                    g.k,
                    1.0,
                    g.a,
                    g.lda,
                    g.b,
                    g.ldb,
                    0.0,
                    g.c,
                    g.ldc,
                ),
                RawCall::Dgemm(g) => cblas_sys::cblas_dgemm(
                    CblasRowMajor,
                    g.ta,
                    g.tb,
                    g.m,
                    g.n,
                    g.k,
                    1.0,
                    g.a,
                    g.lda,
                    g.b,
                    g.ldb,
                    0.0,
                    g.c,
                    g.ldc,
                ),
                RawCall::Zgemm(g) => {
                    let (one, zero) = ([1.0f64, 0.0], [0.0f64, 0.0]);
                    cblas_sys::cblas_zgemm(
                        CblasRowMajor,
                        g.ta,
                        g.tb,
                        g.m,
                        g.n,
                        g.k,
                        &one,
                        g.a.cast(),
                        g.lda,
                        g.b.cast(),
                        g.ldb,
                        &zero,
                        g.c.cast(),
                        g.ldc,
                    )
                }
                &RawCall::Dgemv {
                    ta,
                    m,
                    n,
                    a,
                    lda,
                    x,
                    y,
                } => cblas_sys::cblas_dgemv(CblasRowMajor, ta, m, n, 1.0, a, lda, x, 1, 0.0, y, 1),
                &RawCall::Ddot { n, x, y } => return cblas_sys::cblas_ddot(n, x, 1, y, 1),
                &RawCall::Dsyrk { n, k, a, lda, c } => cblas_sys::cblas_dsyrk(
                    CblasRowMajor,
                    CblasUpper,
                    CblasNoTrans,
                    n,
                    k,
                    1.0,
                    a,
                    lda,
                    0.0,
                    c,
                    n,
                ),
            }
        }
        0.0
    }
}

/// Prepares and makes one call right away, on views that are alive (checks, one-off uses).
pub fn run_now(call: RawCall) -> f64 {
    // SAFETY: `call` was just prepared from views that the caller still holds.
    unsafe { call.run() }
}

/// The `cblas` job: `calls` in sequence; `keep` owns every buffer they point into.
fn raw_job(keep: impl Sized + 'static, calls: Vec<RawCall>) -> Option<Job> {
    Some(Box::new(move || {
        let _owner = &keep;
        for call in &calls {
            // SAFETY: the calls point into buffers owned by `keep` (heap buffers of arrays
            // held by value or by `Rc`), which live as long as this closure and never move;
            // outputs are only written by these calls.
            black_box(unsafe { call.run() });
        }
    }))
}

// ---------------------------------------------------------------------------------------------
// OpenBLAS introspection (symbols of libopenblas, linked through npdot).

unsafe extern "C" {
    fn openblas_get_config() -> *const c_char;
    fn openblas_get_corename() -> *const c_char;
    fn openblas_get_num_threads() -> c_int;
    fn openblas_set_num_threads(n: c_int);
}

/// `(openblas_get_config(), openblas_get_corename(), openblas_get_num_threads())`.
pub fn openblas_info() -> (String, String, i32) {
    // SAFETY: both return pointers to static NUL-terminated strings inside libopenblas.
    let (cfg, core) = unsafe {
        (
            CStr::from_ptr(openblas_get_config()),
            CStr::from_ptr(openblas_get_corename()),
        )
    };
    // SAFETY: no arguments, no preconditions.
    let n = unsafe { openblas_get_num_threads() };
    (
        cfg.to_string_lossy().into_owned(),
        core.to_string_lossy().into_owned(),
        n,
    )
}

/// `openblas_set_num_threads(n)`: the runtime knob (the environment's is
/// `OPENBLAS_NUM_THREADS`, read once at load time).
pub fn openblas_set_threads(n: i32) {
    // SAFETY: OpenBLAS accepts any positive count (clamped to its compiled maximum).
    unsafe { openblas_set_num_threads(n.max(1)) }
}

// ---------------------------------------------------------------------------------------------
// Helpers for the builders.

/// A 2-D view of a dynamic-dimensional view.
fn v2<'a, T>(a: &'a ArrayD<T>) -> ArrayView2<'a, T> {
    a.view().into_dimensionality::<Ix2>().expect("2-D")
}

/// Float element types, widened to `Complex64` for result checks.
pub trait Wide: Element {
    /// `self` as a `Complex64`.
    fn wide(self) -> Complex64;
}
impl Wide for f64 {
    fn wide(self) -> Complex64 {
        Complex64::new(self, 0.0)
    }
}
impl Wide for f32 {
    fn wide(self) -> Complex64 {
        Complex64::new(self.into(), 0.0)
    }
}
impl Wide for Complex64 {
    fn wide(self) -> Complex64 {
        self
    }
}
impl Wide for Complex32 {
    fn wide(self) -> Complex64 {
        Complex64::new(self.re.into(), self.im.into())
    }
}

/// Largest `|x - y|` over two arrays of the same shape.
fn max_diff<T: Wide>(x: ArrayViewD<'_, T>, y: ArrayViewD<'_, T>) -> f64 {
    assert_eq!(x.shape(), y.shape(), "check: shapes differ");
    x.iter()
        .zip(y.iter())
        .map(|(&p, &q)| (p.wide() - q.wide()).norm())
        .fold(0.0, f64::max)
}

/// Panics unless npdot's and the baseline's results agree to `tol` (absolute; data in [-1, 1)).
fn check_close<T: Wide>(name: &str, got: ArrayViewD<'_, T>, want: ArrayViewD<'_, T>, tol: f64) {
    let d = max_diff(got, want);
    assert!(d <= tol, "{name}: npdot and baseline differ by {d}");
}

/// A job that calls `f` and black-boxes its result.
fn job<R: 'static>(mut f: impl FnMut() -> R + 'static) -> Option<Job> {
    Some(Box::new(move || {
        black_box(f());
    }))
}

/// npdot's `matmul_into` (or `dot_into`) of `a` and `b` into a result of shape `out` allocated
/// once: the job behind [`Case::npdot_into`].
fn into_job<T: Element + Gen>(
    out: &[usize],
    mut f: impl FnMut(&mut ArrayD<T>) + 'static,
) -> Option<Job> {
    let mut c = ArrayD::<T>::from_elem(IxDyn(out), <T as Element>::zero());
    job(move || f(&mut c))
}

/// The [`Case::stream`] floor of two operands of one shape (`None` for different shapes):
/// `c = a + b` over their C-order buffers into a `c` allocated once.
fn stream_job(a: &Rc<ArrayD<f64>>, b: &Rc<ArrayD<f64>>) -> Option<Job> {
    if a.shape() != b.shape() {
        return None;
    }
    let (a, b) = (a.clone(), b.clone());
    let mut c = vec![0.0f64; a.len()];
    job(move || {
        let (x, y) = (
            a.as_slice().expect("C order"),
            b.as_slice().expect("C order"),
        );
        for ((c, x), y) in c.iter_mut().zip(x).zip(y) {
            *c = x + y;
        }
        black_box(&mut c);
    })
}

/// faer `c = a · b` on row-major square buffers, all threads of rayon's pool.
fn faer_gemm(a: &[f64], b: &[f64], c: &mut [f64], m: usize, k: usize, n: usize) {
    use faer::{Accum, MatMut, MatRef, Par};
    let a = MatRef::from_row_major_slice(a, m, k);
    let b = MatRef::from_row_major_slice(b, k, n);
    let c = MatMut::from_row_major_slice_mut(c, m, n);
    faer::linalg::matmul::matmul(c, Accum::Replace, a, b, 1.0, Par::rayon(0));
}

// ---------------------------------------------------------------------------------------------
// The builders.

/// A 2-D mutable view of a dynamic-dimensional array.
fn m2<T>(c: &mut ArrayD<T>) -> ArrayViewMut2<'_, T> {
    c.view_mut().into_dimensionality::<Ix2>().expect("2-D")
}

/// A 1-D mutable view of a dynamic-dimensional array.
fn m1<T>(y: &mut ArrayD<T>) -> ArrayViewMut1<'_, T> {
    y.view_mut().into_dimensionality::<Ix1>().expect("1-D")
}

/// `a`, or `a[..., ::-1]` if `reverse`.
fn maybe_rev(a: &ArrayD<f64>, reverse: bool) -> ArrayViewD<'_, f64> {
    let mut v = a.view();
    if reverse {
        v.invert_axis(Axis(a.ndim() - 1));
    }
    v
}

/// A 1-D view of a dynamic-dimensional array.
fn v1<T>(a: &ArrayD<T>) -> ArrayView1<'_, T> {
    a.view().into_dimensionality::<Ix1>().expect("1-D")
}

/// `(n, n) @ (n, n)` for a float type: npdot, raw gemm, ndarray's `dot`.
fn square_gemm<T: Gen + RawGemm + ndarray::LinalgScalar + Wide>(
    name: &str,
    a: Rc<ArrayD<T>>,
    b: Rc<ArrayD<T>>,
    tol: f64,
) -> Case {
    let n = a.shape()[0];
    let mut c = ArrayD::<T>::zeros(IxDyn(&[n, n]));
    let call = gemm(v2(&a), v2(&b), m2(&mut c));
    run_now(gemm(v2(&a), v2(&b), m2(&mut c)));
    check_close(name, a.matmul(&*b).unwrap().view(), c.view(), tol);
    let (a2, b2) = (a.clone(), b.clone());
    let (a3, b3) = (a.clone(), b.clone());
    Case {
        stream: None,
        cblas: raw_job((a.clone(), b.clone(), c), vec![call]),
        npdot: job(move || a.matmul(&*b).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&v2(&a2), &v2(&b2))),
        faer: None,
        npdot_into: into_job(&[n, n], move |c| a3.matmul_into(&*b3, c).unwrap()),
    }
}

/// Case 1: `(1024,1024) @ (1024,1024)` f64, plus faer.
fn build_matmul_f64_1024() -> Case {
    let a = Rc::new(arr::<f64>(&[1024, 1024], 1));
    let b = Rc::new(arr::<f64>(&[1024, 1024], 2));
    let mut case = square_gemm("matmul_f64_1024", a.clone(), b.clone(), 1e-10);
    let mut c = vec![0.0; 1024 * 1024];
    case.faer = job(move || {
        faer_gemm(
            a.as_slice().unwrap(),
            b.as_slice().unwrap(),
            &mut c,
            1024,
            1024,
            1024,
        )
    });
    case
}

/// Case 2: `a.T @ b` f32 (1024²), `a.T` a transposed view (no copy expected).
fn build_matmul_f32_1024_at() -> Case {
    let a = Rc::new(arr::<f32>(&[1024, 1024], 1));
    let b = Rc::new(arr::<f32>(&[1024, 1024], 2));
    let mut c = ArrayD::<f32>::zeros(IxDyn(&[1024, 1024]));
    let call = gemm(v2(&a).reversed_axes(), v2(&b), m2(&mut c));
    run_now(gemm(v2(&a).reversed_axes(), v2(&b), m2(&mut c)));
    let got = a.t().matmul(&*b).unwrap();
    check_close("matmul_f32_1024_aT", got.view(), c.view(), 1e-3);
    let (a2, b2) = (a.clone(), b.clone());
    let (a3, b3) = (a.clone(), b.clone());
    Case {
        stream: None,
        cblas: raw_job((a.clone(), b.clone(), c), vec![call]),
        npdot: job(move || a.t().matmul(&*b).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&v2(&a2).t(), &v2(&b2))),
        faer: None,
        npdot_into: into_job(&[1024, 1024], move |c| a3.t().matmul_into(&*b3, c).unwrap()),
    }
}

/// Case 3: `(512,512) @ (512,512)` complex128.
fn build_matmul_c128_512() -> Case {
    let a = Rc::new(arr::<Complex64>(&[512, 512], 1));
    let b = Rc::new(arr::<Complex64>(&[512, 512], 2));
    square_gemm("matmul_c128_512", a, b, 1e-10)
}

/// Case 4: `(4096,4096) @ (4096,)` f64 (gemv).
fn build_matvec_f64_4096() -> Case {
    let a = Rc::new(arr::<f64>(&[4096, 4096], 1));
    let x = Rc::new(arr::<f64>(&[4096], 2));
    let mut y = ArrayD::<f64>::zeros(IxDyn(&[4096]));
    let call = dgemv(v2(&a), v1(&x), m1(&mut y));
    run_now(dgemv(v2(&a), v1(&x), m1(&mut y)));
    check_close(
        "matvec_f64_4096",
        a.matmul(&*x).unwrap().view(),
        y.view(),
        1e-9,
    );
    let (a2, x2) = (a.clone(), v1(&x).to_owned());
    let (a3, x3) = (a.clone(), x.clone());
    Case {
        stream: None,
        cblas: raw_job((a.clone(), x.clone(), y), vec![call]),
        npdot: job(move || a.matmul(&*x).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&v2(&a2), &x2)),
        faer: None,
        npdot_into: into_job(&[4096], move |y| a3.matmul_into(&*x3, y).unwrap()),
    }
}

/// The raw baseline of a batched product: one gemm per batch item, as NumPy does (a size-1
/// batch axis of `a` or `b` is broadcast).
fn batch_calls(a: &ArrayD<f64>, b: &ArrayD<f64>, c: &mut ArrayD<f64>) -> Vec<RawCall> {
    let count = c.shape()[0];
    (0..count)
        .map(|i| {
            let ai = a.index_axis(Axis(0), if a.shape()[0] == 1 { 0 } else { i });
            let bi = b.index_axis(Axis(0), if b.shape()[0] == 1 { 0 } else { i });
            let ci = c.index_axis_mut(Axis(0), i);
            gemm(
                ai.into_dimensionality().unwrap(),
                bi.into_dimensionality().unwrap(),
                ci.into_dimensionality().unwrap(),
            )
        })
        .collect()
}

/// A batched matmul case: `arr(sa, 1)` (optionally reversed in its last axis) `@ arr(sb, 2)`.
/// The raw baseline loops `?gemm` over the batch on contiguous operands (for a reversed `a`, on
/// a copy made beforehand, so `npdot / cblas` includes npdot's one copy).
fn batch_case(name: &'static str, sa: &[usize], sb: &[usize], reverse_a: bool) -> Case {
    let a = Rc::new(arr::<f64>(sa, 1));
    let b = Rc::new(arr::<f64>(sb, 2));
    let nd = sa.len();
    let a_contig = maybe_rev(&a, reverse_a).as_standard_layout().into_owned();
    let count = sa[0].max(sb[0]);
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[count, sa[nd - 2], sb[nd - 1]]));
    let calls = batch_calls(&a_contig, &b, &mut c);
    for call in batch_calls(&a_contig, &b, &mut c) {
        run_now(call);
    }
    let run = move |a: &ArrayD<f64>, b: &ArrayD<f64>| maybe_rev(a, reverse_a).matmul(b).unwrap();
    check_close(name, run(&a, &b).view(), c.view(), 1e-10);
    let out_shape = c.shape().to_vec();
    let (a3, b3) = (a.clone(), b.clone());
    Case {
        stream: stream_job(&a, &b),
        cblas: raw_job((a_contig, b.clone(), c), calls),
        npdot: job(move || run(&a, &b)).unwrap(),
        ndarray: None,
        faer: None,
        npdot_into: into_job(&out_shape, move |c| {
            maybe_rev(&a3, reverse_a).matmul_into(&*b3, c).unwrap()
        }),
    }
}

/// Case 5: `(1,256,256) @ (64,256,256)`: `a` broadcast over the batch.
fn build_bcast() -> Case {
    batch_case(
        "matmul_bcast_1x256x256_64x256x256",
        &[1, 256, 256],
        &[64, 256, 256],
        false,
    )
}

/// Case 6: the same with `a[..., ::-1]` (negative stride: one copy of `a` expected).
fn build_bcast_rev() -> Case {
    batch_case(
        "matmul_bcast_rev_1x256x256_64x256x256",
        &[1, 256, 256],
        &[64, 256, 256],
        true,
    )
}

/// `x[::2, ::2]`.
fn step(x: &ArrayD<f64>) -> ArrayViewD<'_, f64> {
    let mut v = x.view();
    v.slice_axis_inplace(Axis(0), Slice::new(0, None, 2));
    v.slice_axis_inplace(Axis(1), Slice::new(0, None, 2));
    v
}

/// Case 7: `s @ s` for `s = x[::2, ::2]`, `x` (512,512) f64 (stepped: copied once). The raw
/// baseline multiplies a contiguous copy made beforehand.
fn build_step_slice() -> Case {
    let x = Rc::new(arr::<f64>(&[512, 512], 1));
    let s_contig = step(&x).as_standard_layout().into_owned();
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[256, 256]));
    let call = gemm(v2(&s_contig), v2(&s_contig), m2(&mut c));
    run_now(gemm(v2(&s_contig), v2(&s_contig), m2(&mut c)));
    let got = step(&x).matmul(&step(&x)).unwrap();
    check_close("matmul_step_slice_256", got.view(), c.view(), 1e-10);
    let (x2, x3) = (x.clone(), x.clone());
    Case {
        stream: None,
        cblas: raw_job((s_contig, c), vec![call]),
        npdot: job(move || {
            let s = step(&x);
            s.matmul(&s).unwrap()
        })
        .unwrap(),
        ndarray: job(move || {
            let s = step(&x2).into_dimensionality::<Ix2>().unwrap();
            nd_dot(&s, &s)
        }),
        faer: None,
        npdot_into: into_job(&[256, 256], move |c| {
            let s = step(&x3);
            s.matmul_into(&s, c).unwrap()
        }),
    }
}

/// A plain 2-D f64 product `arr(sa, 1) ∘ arr(sb, 2)` where `∘` is npdot's `matmul` or `dot`;
/// raw baseline `?gemm`, plus ndarray's `dot` on `Array2`s.
fn gemm2_case(name: &'static str, sa: &[usize], sb: &[usize], use_dot: bool) -> Case {
    let a = Rc::new(arr::<f64>(sa, 1));
    let b = Rc::new(arr::<f64>(sb, 2));
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[sa[0], sb[1]]));
    let call = gemm(v2(&a), v2(&b), m2(&mut c));
    run_now(gemm(v2(&a), v2(&b), m2(&mut c)));
    let op = move |a: &ArrayD<f64>, b: &ArrayD<f64>| {
        if use_dot {
            a.dot(b).unwrap()
        } else {
            a.matmul(b).unwrap()
        }
    };
    check_close(name, op(&a, &b).view(), c.view(), 1e-10);
    let (a2, b2) = (v2(&a).to_owned(), v2(&b).to_owned());
    let (a3, b3) = (a.clone(), b.clone());
    Case {
        stream: None,
        cblas: raw_job((a.clone(), b.clone(), c), vec![call]),
        npdot: job(move || op(&a, &b)).unwrap(),
        ndarray: job(move || nd_dot(&a2, &b2)),
        faer: None,
        npdot_into: into_job(&[sa[0], sb[1]], move |c| {
            if use_dot {
                a3.dot_into(&*b3, c).unwrap()
            } else {
                a3.matmul_into(&*b3, c).unwrap()
            }
        }),
    }
}

/// Case 8: `(100000,8) @ (8,8)` (tall-skinny).
fn build_tall() -> Case {
    gemm2_case("matmul_tall_100000x8_8x8", &[100_000, 8], &[8, 8], false)
}

/// Case 9: `(8,) @ (8,100000)` (vector · matrix: gemv with the transpose flag).
fn build_vecmat() -> Case {
    let x = Rc::new(arr::<f64>(&[8], 1));
    let b = Rc::new(arr::<f64>(&[8, 100_000], 2));
    let mut y = ArrayD::<f64>::zeros(IxDyn(&[100_000]));
    let call = dgemv(v2(&b).reversed_axes(), v1(&x), m1(&mut y));
    run_now(dgemv(v2(&b).reversed_axes(), v1(&x), m1(&mut y)));
    check_close(
        "matmul_vec_8_8x100000",
        x.matmul(&*b).unwrap().view(),
        y.view(),
        1e-10,
    );
    let (b2, x2) = (v2(&b).to_owned(), v1(&x).to_owned());
    Case {
        stream: None,
        cblas: raw_job((b.clone(), x.clone(), y), vec![call]),
        npdot: job(move || x.matmul(&*b).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&x2, &b2)),
        faer: None,
        npdot_into: None,
    }
}

/// Case 10: `(4,4) @ (4,4)` f64 per call.
fn build_tiny_4() -> Case {
    gemm2_case("matmul_f64_4x4", &[4, 4], &[4, 4], false)
}

/// Case 11: `np.dot` of `(16,16)` f64 per call.
fn build_dot_16() -> Case {
    gemm2_case("dot_f64_16x16", &[16, 16], &[16, 16], true)
}

/// Case 12: `np.dot` of two `(1000,)` f64 per call.
fn build_ddot_1000() -> Case {
    let x = Rc::new(arr::<f64>(&[1000], 1));
    let y = Rc::new(arr::<f64>(&[1000], 2));
    let want = run_now(ddot(v1(&x), v1(&y)));
    let got = x.dot(&*y).unwrap()[[]];
    assert!((got - want).abs() < 1e-10, "dot_f64_1000: {got} vs {want}");
    let call = ddot(v1(&x), v1(&y));
    let (x2, y2) = (v1(&x).to_owned(), v1(&y).to_owned());
    Case {
        stream: None,
        cblas: raw_job((x.clone(), y.clone()), vec![call]),
        npdot: job(move || x.dot(&*y).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&x2, &y2)),
        faer: None,
        npdot_into: None,
    }
}

/// Case 13: `(10000,8,8) @ (10000,8,8)` f64.
fn build_batch_8() -> Case {
    batch_case(
        "matmul_batch_10000x8x8",
        &[10_000, 8, 8],
        &[10_000, 8, 8],
        false,
    )
}

/// Case 14: `(100,64,64) @ (100,64,64)` f64.
fn build_batch_64() -> Case {
    batch_case(
        "matmul_batch_100x64x64",
        &[100, 64, 64],
        &[100, 64, 64],
        false,
    )
}

/// Case 15: `np.dot((8,64,64), (8,64,64))` → (8,64,8,64). Raw baseline: 8 gemms
/// `(512,64)·b[j]` writing the strided slices `out[:, :, j, :]` (no copies at all).
fn build_dot_nd() -> Case {
    let a = Rc::new(arr::<f64>(&[8, 64, 64], 1));
    let b = Rc::new(arr::<f64>(&[8, 64, 64], 2));
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[8, 64, 8, 64]));
    let calls = |a: &ArrayD<f64>, b: &ArrayD<f64>, c: &mut ArrayD<f64>| {
        let a2 = a.view().into_shape_with_order((512, 64)).unwrap();
        let mut c3 = c.view_mut().into_shape_with_order((512, 8, 64)).unwrap();
        (0..8)
            .map(|j| {
                let bj = b.index_axis(Axis(0), j).into_dimensionality().unwrap();
                gemm(a2.view(), bj, c3.index_axis_mut(Axis(1), j))
            })
            .collect::<Vec<_>>()
    };
    calls(&a, &b, &mut c).into_iter().for_each(|c| {
        run_now(c);
    });
    check_close(
        "dot_nd_8x64x64",
        a.dot(&*b).unwrap().view(),
        c.view(),
        1e-10,
    );
    let calls = calls(&a, &b, &mut c);
    Case {
        stream: None,
        cblas: raw_job((a.clone(), b.clone(), c), calls),
        npdot: job(move || a.dot(&*b).unwrap()).unwrap(),
        ndarray: None,
        faer: None,
        npdot_into: None,
    }
}

/// Case 16: `np.inner((8,64,64), (8,64,64))` → (8,64,8,64): one gemm `(512,64)·(512,64)ᵀ`.
fn build_inner_nd() -> Case {
    let a = Rc::new(arr::<f64>(&[8, 64, 64], 1));
    let b = Rc::new(arr::<f64>(&[8, 64, 64], 2));
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[8, 64, 8, 64]));
    let call = |a: &ArrayD<f64>, b: &ArrayD<f64>, c: &mut ArrayD<f64>| {
        let a2 = a.view().into_shape_with_order((512, 64)).unwrap();
        let b2 = b.view().into_shape_with_order((512, 64)).unwrap();
        let c2 = c.view_mut().into_shape_with_order((512, 512)).unwrap();
        gemm(a2, b2.reversed_axes(), c2)
    };
    run_now(call(&a, &b, &mut c));
    check_close(
        "inner_nd_8x64x64",
        a.inner(&*b).unwrap().view(),
        c.view(),
        1e-10,
    );
    let call = call(&a, &b, &mut c);
    Case {
        stream: None,
        cblas: raw_job((a.clone(), b.clone(), c), vec![call]),
        npdot: job(move || a.inner(&*b).unwrap()).unwrap(),
        ndarray: None,
        faer: None,
        npdot_into: None,
    }
}

/// Cases 17/18: `inner(a, a)` or `matmul(a, a.T)` for (512,512) f64: raw baseline one `dsyrk`
/// (upper triangle only; npdot must also mirror it), ndarray's `a.dot(&a.t())`.
fn syrk_case(name: &'static str, use_inner: bool) -> Case {
    let a = Rc::new(arr::<f64>(&[512, 512], 1));
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[512, 512]));
    let call = dsyrk(v2(&a), m2(&mut c));
    run_now(dsyrk(v2(&a), m2(&mut c)));
    let op = move |a: &ArrayD<f64>| {
        if use_inner {
            a.inner(a).unwrap()
        } else {
            a.matmul(&a.t()).unwrap()
        }
    };
    let got = op(&a);
    let full = nd_dot(&v2(&a), &v2(&a).t());
    check_close(name, got.view(), full.view().into_dyn(), 1e-10);
    for i in 0..512 {
        for j in i..512 {
            let d = (c[[i, j]] - full[[i, j]]).abs();
            assert!(d < 1e-10, "{name}: syrk baseline");
        }
    }
    let a2 = v2(&a).to_owned();
    Case {
        stream: None,
        cblas: raw_job((a.clone(), c), vec![call]),
        npdot: job(move || op(&a)).unwrap(),
        ndarray: job(move || nd_dot(&a2, &a2.t())),
        faer: None,
        npdot_into: None,
    }
}

/// Case 17: `np.inner(a, a)`, (512,512) f64.
fn build_inner_aa() -> Case {
    syrk_case("inner_aa_f64_512", true)
}

/// Case 18: `a @ a.T`, (512,512) f64.
fn build_matmul_aat() -> Case {
    syrk_case("matmul_aaT_f64_512", false)
}

/// An integer `(n,n) @ (n,n)`: npdot and ndarray's generic `dot`, spot-checked against
/// NumPy's wrapping arithmetic.
fn int_case<T: Gen + ndarray::LinalgScalar>(n: usize) -> Case {
    let a = Rc::new(arr::<T>(&[n, n], 1));
    let b = Rc::new(arr::<T>(&[n, n], 2));
    let (a2, b2) = (v2(&a).to_owned(), v2(&b).to_owned());
    let got = a.matmul(&*b).unwrap();
    for &(i, j) in &[(0, 0), (n - 1, n - 1), (n / 2, n / 3)] {
        let mut s = <T as Element>::zero();
        for p in 0..n {
            s = s.np_add(a2[[i, p]].np_mul(b2[[p, j]]));
        }
        assert_eq!(got[[i, j]], s, "{}: element ({i},{j})", T::DTYPE);
    }
    Case {
        stream: None,
        npdot: job(move || a.matmul(&*b).unwrap()).unwrap(),
        cblas: None,
        ndarray: job(move || nd_dot(&a2, &b2)),
        faer: None,
        npdot_into: None,
    }
}

/// `(512,512) @ (512,512)` bool, `p = 0.5` (no ndarray baseline: bool is not `LinalgScalar`).
fn build_bool() -> Case {
    let a = Rc::new(arr::<bool>(&[512, 512], 1));
    let b = Rc::new(arr::<bool>(&[512, 512], 2));
    let got = a.matmul(&*b).unwrap();
    for &(i, j) in &[(0, 0), (511, 511), (256, 170)] {
        let want = (0..512).any(|p| a[[i, p]] && b[[p, j]]);
        assert_eq!(got[[i, j]], want, "bool: element ({i},{j})");
    }
    Case {
        stream: None,
        npdot: job(move || a.matmul(&*b).unwrap()).unwrap(),
        cblas: None,
        ndarray: None,
        faer: None,
        npdot_into: None,
    }
}

/// Static dimensions, `(n, n) @ (n, n)` f64 on `Array2`s, result an `Array2`: npdot as a user
/// calls it, raw `dgemm` into a preallocated output, npdot's `matmul_into` into a preallocated
/// `Array2`, ndarray's `dot`.
fn static_matmul_case(n: usize) -> Case {
    let a = Rc::new(arr::<f64>(&[n, n], 1));
    let b = Rc::new(arr::<f64>(&[n, n], 2));
    let mut c = ArrayD::<f64>::zeros(IxDyn(&[n, n]));
    let call = gemm(v2(&a), v2(&b), m2(&mut c));
    run_now(gemm(v2(&a), v2(&b), m2(&mut c)));
    let (a2, b2) = (v2(&a).to_owned(), v2(&b).to_owned());
    let got: ndarray::Array2<f64> = npdot::matmul(&a2, &b2).unwrap();
    check_close("static_matmul", got.into_dyn().view(), c.view(), 1e-12);
    let (a3, b3) = (a2.clone(), b2.clone());
    let (a4, b4) = (a2.clone(), b2.clone());
    let mut out = ndarray::Array2::<f64>::zeros((n, n));
    Case {
        stream: None,
        cblas: raw_job((a.clone(), b.clone(), c), vec![call]),
        npdot: job(move || npdot::matmul(&a2, &b2).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&a3, &b3)),
        faer: None,
        npdot_into: job(move || npdot::matmul_into(&a4, &b4, &mut out).unwrap()),
    }
}

/// Static dimensions, `(10000, 8, 8) @ (10000, 8, 8)` f64 on `Array3`s (result an `Array3`,
/// no `IxDyn` inside); raw baseline one `dgemm` per batch item, as for the `IxDyn` case.
fn build_static_batch_8() -> Case {
    let dims = [10_000, 8, 8];
    let a = Rc::new(arr::<f64>(&dims, 1));
    let b = Rc::new(arr::<f64>(&dims, 2));
    let mut c = ArrayD::<f64>::zeros(IxDyn(&dims));
    let calls = batch_calls(&a, &b, &mut c);
    for call in batch_calls(&a, &b, &mut c) {
        run_now(call);
    }
    // The same data in buffers of their own, allocated as `arr` allocates (with NumPy's
    // huge-page hint, as NumPy's operands and the `IxDyn` case's have), moved into `Array3`s.
    let arr3 = |seed| {
        arr::<f64>(&dims, seed)
            .into_dimensionality::<ndarray::Ix3>()
            .unwrap()
    };
    let (a3, b3) = (arr3(1), arr3(2));
    let got: ndarray::Array3<f64> = npdot::matmul(&a3, &b3).unwrap();
    check_close(
        "static_matmul_batch",
        got.into_dyn().view(),
        c.view(),
        1e-10,
    );
    let (a4, b4) = (arr3(1), arr3(2));
    let mut out = ndarray::Array3::<f64>::zeros((10_000, 8, 8));
    Case {
        stream: stream_job(&a, &b),
        cblas: raw_job((a.clone(), b.clone(), c), calls),
        npdot: job(move || npdot::matmul(&a3, &b3).unwrap()).unwrap(),
        ndarray: None,
        faer: None,
        npdot_into: job(move || npdot::matmul_into(&a4, &b4, &mut out).unwrap()),
    }
}

/// Static dimensions, `(16, 16) · (16,)` f64 (`Array2 · Array1 -> Array1`); raw `dgemv`.
fn build_static_matvec_16() -> Case {
    let a = Rc::new(arr::<f64>(&[16, 16], 1));
    let x = Rc::new(arr::<f64>(&[16], 2));
    let mut y = ArrayD::<f64>::zeros(IxDyn(&[16]));
    let call = dgemv(v2(&a), v1(&x), m1(&mut y));
    run_now(dgemv(v2(&a), v1(&x), m1(&mut y)));
    let (a2, x2) = (v2(&a).to_owned(), v1(&x).to_owned());
    let got: ndarray::Array1<f64> = npdot::dot(&a2, &x2).unwrap();
    check_close("static_matvec", got.into_dyn().view(), y.view(), 1e-12);
    let (a3, x3) = (a2.clone(), x2.clone());
    let (a4, x4) = (a2.clone(), x2.clone());
    let mut out = ndarray::Array1::<f64>::zeros(16);
    Case {
        stream: None,
        cblas: raw_job((a.clone(), x.clone(), y), vec![call]),
        npdot: job(move || npdot::dot(&a2, &x2).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&a3, &x3)),
        faer: None,
        npdot_into: job(move || npdot::dot_into(&a4, &x4, &mut out).unwrap()),
    }
}

/// Static dimensions, `(16,) · (16,)` f64 (`Array1 · Array1 -> f64`); raw `ddot`.
fn build_static_dot_16() -> Case {
    let x = Rc::new(arr::<f64>(&[16], 1));
    let y = Rc::new(arr::<f64>(&[16], 2));
    let want = run_now(ddot(v1(&x), v1(&y)));
    let (x2, y2) = (v1(&x).to_owned(), v1(&y).to_owned());
    let got: f64 = npdot::dot(&x2, &y2).unwrap();
    assert!(
        (got - want).abs() < 1e-12,
        "static_dot_f64_16: {got} vs {want}"
    );
    let call = ddot(v1(&x), v1(&y));
    let (x3, y3) = (x2.clone(), y2.clone());
    Case {
        stream: None,
        cblas: raw_job((x.clone(), y.clone()), vec![call]),
        npdot: job(move || npdot::dot(&x2, &y2).unwrap()).unwrap(),
        ndarray: job(move || nd_dot(&x3, &y3)),
        faer: None,
        npdot_into: None,
    }
}

/// Shorthand for a [`Spec`].
const fn spec(
    name: &'static str,
    target: Option<f64>,
    cblas_target: bool,
    np_setup: &'static str,
    np_stmt: &'static str,
    build: fn() -> Case,
) -> Spec {
    Spec {
        name,
        target,
        cblas_target,
        np_setup,
        np_stmt,
        build,
    }
}

/// Every case, in the order of issue 5's target table, then the syrk and integer/bool cases.
pub const CASES: &[Spec] = &[
    spec(
        "matmul_f64_1024",
        Some(1.10),
        true,
        "a = arr((1024, 1024), 'f8', 1); b = arr((1024, 1024), 'f8', 2)",
        "a @ b",
        build_matmul_f64_1024,
    ),
    spec(
        "matmul_f32_1024_aT",
        Some(1.10),
        true,
        "a = arr((1024, 1024), 'f4', 1); b = arr((1024, 1024), 'f4', 2); at = a.T",
        "at @ b",
        build_matmul_f32_1024_at,
    ),
    spec(
        "matmul_c128_512",
        Some(1.10),
        true,
        "a = arr((512, 512), 'c16', 1); b = arr((512, 512), 'c16', 2)",
        "a @ b",
        build_matmul_c128_512,
    ),
    spec(
        "matvec_f64_4096",
        Some(1.10),
        true,
        "a = arr((4096, 4096), 'f8', 1); x = arr((4096,), 'f8', 2)",
        "a @ x",
        build_matvec_f64_4096,
    ),
    spec(
        "matmul_bcast_1x256x256_64x256x256",
        Some(1.10),
        true,
        "a = arr((1, 256, 256), 'f8', 1); b = arr((64, 256, 256), 'f8', 2)",
        "a @ b",
        build_bcast,
    ),
    spec(
        "matmul_bcast_rev_1x256x256_64x256x256",
        Some(1.10),
        true,
        "a = arr((1, 256, 256), 'f8', 1)[..., ::-1]; b = arr((64, 256, 256), 'f8', 2)",
        "a @ b",
        build_bcast_rev,
    ),
    spec(
        "matmul_step_slice_256",
        Some(1.10),
        true,
        "x = arr((512, 512), 'f8', 1); s = x[::2, ::2]",
        "s @ s",
        build_step_slice,
    ),
    spec(
        "matmul_tall_100000x8_8x8",
        Some(1.10),
        true,
        "a = arr((100000, 8), 'f8', 1); b = arr((8, 8), 'f8', 2)",
        "a @ b",
        build_tall,
    ),
    spec(
        "matmul_vec_8_8x100000",
        Some(1.10),
        true,
        "x = arr((8,), 'f8', 1); b = arr((8, 100000), 'f8', 2)",
        "x @ b",
        build_vecmat,
    ),
    spec(
        "matmul_f64_4x4",
        Some(0.10),
        false,
        "a = arr((4, 4), 'f8', 1); b = arr((4, 4), 'f8', 2)",
        "a @ b",
        build_tiny_4,
    ),
    spec(
        "dot_f64_16x16",
        Some(0.20),
        false,
        "a = arr((16, 16), 'f8', 1); b = arr((16, 16), 'f8', 2)",
        "np.dot(a, b)",
        build_dot_16,
    ),
    spec(
        "dot_f64_1000",
        Some(0.30),
        false,
        "x = arr((1000,), 'f8', 1); y = arr((1000,), 'f8', 2)",
        "np.dot(x, y)",
        build_ddot_1000,
    ),
    spec(
        "matmul_batch_10000x8x8",
        Some(0.50),
        false,
        "a = arr((10000, 8, 8), 'f8', 1); b = arr((10000, 8, 8), 'f8', 2)",
        "a @ b",
        build_batch_8,
    ),
    spec(
        "matmul_batch_100x64x64",
        Some(0.80),
        false,
        "a = arr((100, 64, 64), 'f8', 1); b = arr((100, 64, 64), 'f8', 2)",
        "a @ b",
        build_batch_64,
    ),
    spec(
        "dot_nd_8x64x64",
        Some(0.10),
        false,
        "a = arr((8, 64, 64), 'f8', 1); b = arr((8, 64, 64), 'f8', 2)",
        "np.dot(a, b)",
        build_dot_nd,
    ),
    spec(
        "inner_nd_8x64x64",
        Some(0.20),
        false,
        "a = arr((8, 64, 64), 'f8', 1); b = arr((8, 64, 64), 'f8', 2)",
        "np.inner(a, b)",
        build_inner_nd,
    ),
    spec(
        "inner_aa_f64_512",
        Some(1.10),
        true,
        "a = arr((512, 512), 'f8', 1)",
        "np.inner(a, a)",
        build_inner_aa,
    ),
    spec(
        "matmul_aaT_f64_512",
        Some(1.10),
        true,
        "a = arr((512, 512), 'f8', 1); at = a.T",
        "a @ at",
        build_matmul_aat,
    ),
    spec(
        "matmul_i64_512",
        Some(0.10),
        false,
        "a = arr((512, 512), 'i8', 1); b = arr((512, 512), 'i8', 2)",
        "a @ b",
        || int_case::<i64>(512),
    ),
    spec(
        "matmul_i32_512",
        Some(0.10),
        false,
        "a = arr((512, 512), 'i4', 1); b = arr((512, 512), 'i4', 2)",
        "a @ b",
        || int_case::<i32>(512),
    ),
    spec(
        "matmul_i16_512",
        None,
        false,
        "a = arr((512, 512), 'i2', 1); b = arr((512, 512), 'i2', 2)",
        "a @ b",
        || int_case::<i16>(512),
    ),
    spec(
        "matmul_i8_512",
        None,
        false,
        "a = arr((512, 512), 'i1', 1); b = arr((512, 512), 'i1', 2)",
        "a @ b",
        || int_case::<i8>(512),
    ),
    spec(
        "matmul_u8_512",
        Some(0.10),
        false,
        "a = arr((512, 512), 'u1', 1); b = arr((512, 512), 'u1', 2)",
        "a @ b",
        || int_case::<u8>(512),
    ),
    spec(
        "matmul_i64_4x4",
        None,
        false,
        "a = arr((4, 4), 'i8', 1); b = arr((4, 4), 'i8', 2)",
        "a @ b",
        || int_case::<i64>(4),
    ),
    spec(
        "matmul_bool_512",
        Some(1.00),
        false,
        "a = arr((512, 512), '?', 1); b = arr((512, 512), '?', 2)",
        "a @ b",
        build_bool,
    ),
    spec(
        "static_matmul_f64_4x4",
        None,
        false,
        "a = arr((4, 4), 'f8', 1); b = arr((4, 4), 'f8', 2)",
        "a @ b",
        || static_matmul_case(4),
    ),
    spec(
        "static_matmul_f64_16x16",
        None,
        false,
        "a = arr((16, 16), 'f8', 1); b = arr((16, 16), 'f8', 2)",
        "a @ b",
        || static_matmul_case(16),
    ),
    spec(
        "static_matmul_batch_10000x8x8",
        Some(0.50),
        false,
        "a = arr((10000, 8, 8), 'f8', 1); b = arr((10000, 8, 8), 'f8', 2)",
        "a @ b",
        build_static_batch_8,
    ),
    spec(
        "static_matvec_f64_16",
        None,
        false,
        "a = arr((16, 16), 'f8', 1); x = arr((16,), 'f8', 2)",
        "np.dot(a, x)",
        build_static_matvec_16,
    ),
    spec(
        "static_dot_f64_16",
        None,
        false,
        "x = arr((16,), 'f8', 1); y = arr((16,), 'f8', 2)",
        "np.dot(x, y)",
        build_static_dot_16,
    ),
];

/// The spec named `name`.
pub fn find(name: &str) -> Option<&'static Spec> {
    CASES.iter().find(|s| s.name == name)
}
