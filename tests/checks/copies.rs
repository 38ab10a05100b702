//! No copy where a transpose flag does: `dot`, `inner`, `matmul`, `dot_into` and `matmul_into`
//! pass every transposed or C/F-ordered 2-D operand, in every position (matrix·vector,
//! vector·matrix, matrix·matrix), to BLAS or to npdot's kernels as it is. Counted with
//! `npdot::tuning::bytes_copied` (the operand copies the plan layer makes on this thread); a
//! layout the chosen kernel does not take must still be copied (count > 0: BLAS and stepped
//! operands; none for matrixmultiply, forced through `npdot::tuning::set_gemm_kernel`), and
//! every result equals the one computed from C-contiguous copies (integer-valued data: exact in
//! every dtype).

use ndarray::{Array2, ArrayD, ArrayViewD, IxDyn, ShapeBuilder, s};
use npdot::Element;
use npdot::tuning::{GemmKernel, bytes_copied, set_gemm_kernel};
use num_complex::Complex;

/// Bytes copied by `f` on this thread, and its result.
fn copies<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let before = bytes_copied();
    let r = f();
    (bytes_copied() - before, r)
}

/// The operand layouts of one matrix: C-ordered, F-ordered (owned), and the transposes of
/// both (views), each with its label.
fn layouts<T: Element>(
    rows: usize,
    cols: usize,
    f: fn(i64) -> T,
) -> Vec<(&'static str, ArrayD<T>, bool)> {
    let val = |i: usize, j: usize| f(((i * 7 + j * 3) % 11) as i64 - 5);
    let c = Array2::from_shape_fn((rows, cols), |(i, j)| val(i, j));
    let fo = Array2::from_shape_fn((rows, cols).f(), |(i, j)| val(i, j));
    let ct = Array2::from_shape_fn((cols, rows), |(j, i)| val(i, j));
    let ft = Array2::from_shape_fn((cols, rows).f(), |(j, i)| val(i, j));
    // (label, array whose `.t()` is used when the flag is set)
    vec![
        ("C", c.into_dyn(), false),
        ("F", fo.into_dyn(), false),
        ("C.T", ct.into_dyn(), true),
        ("F.T", ft.into_dyn(), true),
    ]
}

fn view<'a, T>(a: &'a ArrayD<T>, t: bool) -> ArrayViewD<'a, T> {
    if t { a.t() } else { a.view() }
}

/// C-contiguous copy of a view, for the reference result.
fn std_copy<T: Element>(v: &ArrayViewD<'_, T>) -> ArrayD<T> {
    v.as_standard_layout().into_owned()
}

fn vector<T: Element>(n: usize, f: fn(i64) -> T) -> ArrayD<T> {
    ArrayD::from_shape_fn(IxDyn(&[n]), |i| f((i[0] % 5) as i64 - 2))
}

/// Every product of every layout pair at `(n, k)·(k, m)`, and matrix·vector, vector·matrix.
fn no_copies<T: Element + std::fmt::Debug>(n: usize, k: usize, m: usize, f: fn(i64) -> T) {
    let x = vector(k, f);
    let y = vector(n, f);
    for (la, a, ta) in layouts(n, k, f) {
        let av = view(&a, ta);
        let ac = std_copy(&av);
        // matrix · vector: (n, k)·(k,)
        for (name, (bytes, got), want) in [
            (
                "dot",
                copies(|| npdot::dot(&av, &x).unwrap()),
                npdot::dot(&ac, &x).unwrap(),
            ),
            (
                "matmul",
                copies(|| npdot::matmul(&av, &x).unwrap()),
                npdot::matmul(&ac, &x).unwrap(),
            ),
            (
                "inner",
                copies(|| npdot::inner(&av, &x).unwrap()),
                npdot::inner(&ac, &x).unwrap(),
            ),
        ] {
            assert_eq!(bytes, 0, "{name}({la}, vec) at {n}x{k} copied");
            assert_eq!(got, want, "{name}({la}, vec)");
        }
        // vector · matrix: (n,)·(n, k)
        for (name, (bytes, got), want) in [
            (
                "dot",
                copies(|| npdot::dot(&y, &av).unwrap()),
                npdot::dot(&y, &ac).unwrap(),
            ),
            (
                "matmul",
                copies(|| npdot::matmul(&y, &av).unwrap()),
                npdot::matmul(&y, &ac).unwrap(),
            ),
        ] {
            assert_eq!(bytes, 0, "{name}(vec, {la}) at {n}x{k} copied");
            assert_eq!(got, want, "{name}(vec, {la})");
        }
        // inner(vec, matrix): (k,)·(n, k)ᵀ
        let (bytes, got) = copies(|| npdot::inner(&x, &av).unwrap());
        assert_eq!(bytes, 0, "inner(vec, {la}) copied");
        assert_eq!(got, npdot::inner(&x, &ac).unwrap());
        // into forms
        let mut out = ArrayD::from_elem(IxDyn(&[n]), T::zero());
        let (bytes, ()) = copies(|| npdot::dot_into(&av, &x, &mut out).unwrap());
        assert_eq!(bytes, 0, "dot_into({la}, vec) copied");
        assert_eq!(out, npdot::dot(&ac, &x).unwrap());
        let (bytes, ()) = copies(|| npdot::matmul_into(&av, &x, &mut out).unwrap());
        assert_eq!(bytes, 0, "matmul_into({la}, vec) copied");
        let mut out = ArrayD::from_elem(IxDyn(&[k]), T::zero());
        let (bytes, ()) = copies(|| npdot::dot_into(&y, &av, &mut out).unwrap());
        assert_eq!(bytes, 0, "dot_into(vec, {la}) copied");
        assert_eq!(out, npdot::dot(&y, &ac).unwrap());
        let (bytes, ()) = copies(|| npdot::matmul_into(&y, &av, &mut out).unwrap());
        assert_eq!(bytes, 0, "matmul_into(vec, {la}) copied");

        // matrix · matrix
        for (lb, b, tb) in layouts(k, m, f) {
            let bv = view(&b, tb);
            let bc = std_copy(&bv);
            let want = npdot::matmul(&ac, &bc).unwrap();
            let (bytes, got) = copies(|| npdot::dot(&av, &bv).unwrap());
            assert_eq!(bytes, 0, "dot({la}, {lb}) at {n}x{k}x{m} copied");
            assert_eq!(got, want, "dot({la}, {lb})");
            let (bytes, got) = copies(|| npdot::matmul(&av, &bv).unwrap());
            assert_eq!(bytes, 0, "matmul({la}, {lb}) copied");
            assert_eq!(got, want, "matmul({la}, {lb})");
            // inner(a, bᵀ) is a·b
            let bvt = bv.t();
            let (bytes, got) = copies(|| npdot::inner(&av, &bvt).unwrap());
            assert_eq!(bytes, 0, "inner({la}, {lb}ᵀ) copied");
            assert_eq!(got, want, "inner({la}, {lb}ᵀ)");
            let mut out = ArrayD::from_elem(IxDyn(&[n, m]), T::zero());
            let (bytes, ()) = copies(|| npdot::dot_into(&av, &bv, &mut out).unwrap());
            assert_eq!(bytes, 0, "dot_into({la}, {lb}) copied");
            assert_eq!(out, want);
            let mut outf = Array2::from_elem((n, m).f(), T::zero()).into_dyn();
            let (bytes, ()) = copies(|| npdot::matmul_into(&av, &bv, &mut outf).unwrap());
            assert_eq!(bytes, 0, "matmul_into({la}, {lb}) into F copied");
            assert_eq!(outf, want);
        }
    }
}

/// A layout no kernel takes as it is: copied once (count > 0), result unchanged.
fn copies_when_needed<T: Element + std::fmt::Debug>(f: fn(i64) -> T) {
    let x = ArrayD::from_shape_fn(IxDyn(&[6, 40, 30]), |i| {
        f(((i[0] * 5 + i[1] * 3 + i[2]) % 9) as i64 - 4)
    });
    // Axes (1, 0, 2): the leading axes do not merge into one strided axis.
    let p = x.view().permuted_axes(IxDyn(&[1, 0, 2]));
    let v = vector(30, f);
    let (bytes, got) = copies(|| npdot::dot(&p, &v).unwrap());
    assert!(bytes > 0, "an unmergeable N-D operand must be copied");
    assert_eq!(got, npdot::dot(&std_copy(&p), &v).unwrap());
    if T::KIND == npdot::Kind::Float {
        // s = x[::2, ::2]: BLAS takes no stepped inner axis, matrixmultiply takes any strides.
        let big = Array2::from_shape_fn((80, 80), |(i, j)| f(((i + 2 * j) % 7) as i64 - 3));
        let s2 = big.slice(s![..;2, ..;2]).into_dyn();
        let c = std_copy(&s2);
        let want = npdot::matmul(&c, &c).unwrap();
        let _knob = KNOB.lock().unwrap_or_else(|e| e.into_inner());
        for kernel in [GemmKernel::Blas, GemmKernel::Matrixmultiply] {
            set_gemm_kernel(kernel);
            let (bytes, got) = copies(|| npdot::matmul(&s2, &s2).unwrap());
            let (bytes_2d, got_2d) = copies(|| npdot::dot(&s2, &s2).unwrap());
            set_gemm_kernel(GemmKernel::Auto);
            if kernel == GemmKernel::Blas && cfg!(feature = "blas") {
                assert!(bytes > 0, "a stepped operand must be copied for BLAS");
                assert!(bytes_2d > 0, "a stepped operand must be copied for BLAS");
            } else {
                assert_eq!(
                    bytes, 0,
                    "matrixmultiply takes stepped operands as they are"
                );
                assert_eq!(
                    bytes_2d, 0,
                    "matrixmultiply takes stepped operands as they are"
                );
            }
            assert_eq!(got, want, "{kernel:?}");
            assert_eq!(got_2d, want, "{kernel:?}");
        }
    }
}

/// Serializes the tests that set the process-wide kernel choice.
static KNOB: std::sync::Mutex<()> = std::sync::Mutex::new(());

macro_rules! dtype_tests {
    ($($name:ident: $t:ty = $f:expr;)*) => {$(
        #[test]
        fn $name() {
            let _knobs = crate::knobs::exclusive();
            let f: fn(i64) -> $t = $f;
            // Tiny (in-line kernels), gemv/gemm sizes, and non-square shapes.
            for (n, k, m) in [(3, 4, 5), (17, 33, 9), (64, 64, 64), (130, 70, 90)] {
                no_copies::<$t>(n, k, m, f);
            }
            copies_when_needed::<$t>(f);
        }
    )*};
}

dtype_tests! {
    f64_layouts: f64 = |v| v as f64;
    f32_layouts: f32 = |v| v as f32;
    c128_layouts: Complex<f64> = |v| Complex::new(v as f64, (v % 3) as f64);
    c64_layouts: Complex<f32> = |v| Complex::new(v as f32, -(v % 2) as f32);
    i64_layouts: i64 = |v| v;
    i32_layouts: i32 = |v| v as i32;
    u8_layouts: u8 = |v| v as u8;
    bool_layouts: bool = |v| v > 0;
}

/// The same products under each GEMM kernel setting (BLAS forced, matrixmultiply forced,
/// automatic): contiguous, transposed, stepped and reversed operands, 2-D, N-D `dot`/`inner`
/// and a batched `matmul`, allocating and `_into` forms. Integer-valued data: every kernel
/// gives the naive reference exactly.
#[test]
fn gemm_kernels_agree() {
    let _knobs = crate::knobs::exclusive();
    fn naive(a: &ndarray::ArrayView2<'_, f64>, b: &ndarray::ArrayView2<'_, f64>) -> ArrayD<f64> {
        Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
            (0..a.ncols()).fold(0.0, |s, p| s + a[[i, p]] * b[[p, j]])
        })
        .into_dyn()
    }
    let big = Array2::from_shape_fn((160, 140), |(i, j)| ((i * 5 + j * 3) % 9) as f64 - 4.0);
    let pairs = [
        (big.slice(s![..64, ..64]), big.slice(s![64..128, ..64])),
        (big.slice(s![..;2, ..70]), big.slice(s![..70, ..;-2])),
        (
            big.slice(s![..50, ..30]).reversed_axes(),
            big.slice(s![..50, 30..100]),
        ),
        (big.slice(s![..;-3, 1..;2]), big.slice(s![3..73, ..;5])),
    ];
    let stack = ArrayD::from_shape_fn(IxDyn(&[3, 40, 30]), |i| {
        ((i[0] * 7 + i[1] * 3 + i[2]) % 5) as f64 - 2.0
    });
    let stack_b = ArrayD::from_shape_fn(IxDyn(&[3, 30, 50]), |i| {
        ((i[0] + i[1] * 2 + i[2] * 3) % 7) as f64 - 3.0
    });
    let _knob = KNOB.lock().unwrap_or_else(|e| e.into_inner());
    for kernel in [
        GemmKernel::Blas,
        GemmKernel::Matrixmultiply,
        GemmKernel::Auto,
    ] {
        set_gemm_kernel(kernel);
        for (a, b) in &pairs {
            let want = naive(a, b);
            assert_eq!(npdot::matmul(a, b).unwrap().into_dyn(), want, "{kernel:?}");
            assert_eq!(npdot::dot(&a.view().into_dyn(), b).unwrap(), want);
            let bt = b.t();
            assert_eq!(npdot::inner(a, &bt).unwrap().into_dyn(), want, "{kernel:?}");
            let mut out = Array2::from_elem((a.nrows(), b.ncols()), f64::NAN);
            npdot::matmul_into(a, b, &mut out).unwrap();
            assert_eq!(out.into_dyn(), want, "{kernel:?}");
        }
        // Batched matmul and N-D dot (one flattened product).
        let got = npdot::matmul(&stack, &stack_b).unwrap();
        let dot_nd = npdot::dot(&stack, &stack_b.index_axis(ndarray::Axis(0), 1)).unwrap();
        for i in 0..3 {
            let (a, b) = (
                stack.index_axis(ndarray::Axis(0), i),
                stack_b.index_axis(ndarray::Axis(0), i),
            );
            let (a, b) = (
                a.into_dimensionality().unwrap(),
                b.into_dimensionality().unwrap(),
            );
            assert_eq!(
                got.index_axis(ndarray::Axis(0), i),
                naive(&a, &b),
                "{kernel:?}"
            );
            let b1 = stack_b.index_axis(ndarray::Axis(0), 1);
            let b1 = b1.into_dimensionality().unwrap();
            assert_eq!(dot_nd.index_axis(ndarray::Axis(0), i), naive(&a, &b1));
        }
    }
    set_gemm_kernel(GemmKernel::Auto);
}
