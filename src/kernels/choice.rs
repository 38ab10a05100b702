//! Which general float GEMM computes a product: BLAS's `?gemm` or `matrixmultiply`'s.
//!
//! Both take the same operands (matrixmultiply any strides, BLAS one unit stride per operand),
//! so the choice is about speed only. It depends on the machine and on the product's shape:
//!
//! * On a CPU with AVX-512 where the linked OpenBLAS runs kernels without AVX-512 (its selected
//!   core is e.g. `Haswell`, `Zen` or `SandyBridge`, not `SkylakeX`, `Cooperlake` or
//!   `SapphireRapids`; a `DYNAMIC_ARCH` build can be forced to older cores with
//!   `OPENBLAS_CORETYPE`), matrixmultiply's AVX-512 kernels are faster for real `f32`/`f64`
//!   products with two or more rows and columns of enough work (see [`MM_MIN_WORK_F64`] and
//!   [`MM_MIN_WORK_F32`]).
//!   Matrix·vector shapes stay with BLAS's `?gemv`, complex types with BLAS's `?gemm`.
//!   There, float operands BLAS cannot take as they are (stepped, negative strides) are
//!   multiplied by matrixmultiply in place instead of being copied first.
//! * On an AMD CPU with AVX-512 where OpenBLAS runs its Intel AVX-512 kernels and **one**
//!   thread, matrixmultiply is faster for mid-size `f64` products (and `f32` ones with a
//!   column-major left operand): see [`amd_window`]. With more BLAS threads, BLAS keeps them.
//! * Everywhere else (AVX2-only CPUs, OpenBLAS with AVX-512 kernels, matrixmultiply built
//!   without its AVX-512 kernels) BLAS computes every general float product.
//!
//! Without the `blas` feature matrixmultiply computes them all. Small and skinny products never
//! get here (see `kernels::float_gemm`). [`set_gemm_kernel`] forces either kernel, so that tests
//! cover both on every machine.

// Without BLAS only the setting and `takes_any_strides` are used; the choice itself (and its
// tests) is compiled on both backends.
#![cfg_attr(not(feature = "blas"), allow(dead_code))]

use std::sync::atomic::{AtomicU8, Ordering};

/// Which kernel computes general float and complex products (see [`set_gemm_kernel`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GemmKernel {
    /// Chosen per machine and product shape (the default).
    Auto,
    /// BLAS (`?gemm`, `?gemv`, `?syrk`); operands BLAS cannot take are copied once first.
    Blas,
    /// `matrixmultiply` for every general product (any strides: nothing is copied for it).
    Matrixmultiply,
}

/// The forced kernel: 0 = auto, 1 = BLAS, 2 = matrixmultiply.
static FORCED: AtomicU8 = AtomicU8::new(0);

/// Forces the kernel of general float and complex products (process-wide), or gives the choice
/// back to npdot ([`GemmKernel::Auto`], the default). Small and skinny products keep npdot's
/// in-line kernels whatever is set; without the `blas` feature every setting means
/// matrixmultiply. Results agree within floating-point rounding (the kernels sum in different
/// orders); tests use this to run both kernels on every machine.
pub fn set_gemm_kernel(kernel: GemmKernel) {
    let v = match kernel {
        GemmKernel::Auto => 0,
        GemmKernel::Blas => 1,
        GemmKernel::Matrixmultiply => 2,
    };
    FORCED.store(v, Ordering::Relaxed);
}

/// The setting of [`set_gemm_kernel`].
pub fn gemm_kernel() -> GemmKernel {
    match FORCED.load(Ordering::Relaxed) {
        1 => GemmKernel::Blas,
        2 => GemmKernel::Matrixmultiply,
        _ => GemmKernel::Auto,
    }
}

/// The facts the choice is made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The CPU has AVX-512F.
    pub(crate) cpu_avx512: bool,
    /// matrixmultiply was built with its AVX-512 kernels (rustc ≥ 1.89 and its `avx512`
    /// feature, on by default).
    pub(crate) mm_avx512: bool,
    /// The linked BLAS runs AVX-512 kernels (OpenBLAS's selected core, see [`core_has_avx512`]).
    pub(crate) blas_avx512: bool,
}

/// The kernel of one product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// BLAS.
    Blas,
    /// matrixmultiply.
    Mm,
}

/// The element type of a product, as far as the choice is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `Complex<f32>` or `Complex<f64>`.
    Complex,
}

impl Ty {
    /// The type of `T` (a float kernel type).
    pub(crate) fn of<T: 'static>() -> Ty {
        use std::any::TypeId;
        let t = TypeId::of::<T>();
        if t == TypeId::of::<f32>() {
            Ty::F32
        } else if t == TypeId::of::<f64>() {
            Ty::F64
        } else {
            Ty::Complex
        }
    }
}

/// Least `m·n·k` of an `f64` product matrixmultiply computes in the automatic choice. Measured
/// (one thread, `bench/examples/gemm_choice.rs`, AVX-512 CPU, OpenBLAS 0.3.21 `Haswell`):
/// matrixmultiply/BLAS time 0.97–1.03 at 17³ and 20³, 0.55–0.74 from 24³ up to 1024³ and for
/// every rectangular shape tried with `m, n ≥ 2` (0.52 at (2,1000)·(1000,1000), 0.78 at
/// (1000,1000)·(1000,2)).
pub(crate) const MM_MIN_WORK_F64: usize = 24 * 24 * 24;
/// Least `m·n·k` of an `f32` product matrixmultiply computes in the automatic choice. Measured
/// as for `f64`: 1.2–1.7 from 17³ to 28³ and at 40³, 0.92 at 32³, 0.59–0.82 from 48³ up.
pub(crate) const MM_MIN_WORK_F32: usize = 48 * 48 * 48;
/// Least `min(m, n)` of an `f32` product matrixmultiply computes in the automatic choice:
/// BLAS's `?gemm` is faster on thin products (matrixmultiply/BLAS 2.8 at
/// (1000,1000)·(1000,2), 1.2 at (2,1000)·(1000,1000), 0.96–1.04 at (1000,1000)·(1000,32)).
pub(crate) const MM_MIN_DIM_F32: usize = 32;

/// Least `m` (rows of `a`) of a product in [`amd_window`].
pub(crate) const AMD_WINDOW_MIN_M: usize = 128;
/// Least `n` (columns of `b`) of a product in [`amd_window`].
pub(crate) const AMD_WINDOW_MIN_N: usize = 64;
/// Least `k` of a product in [`amd_window`].
pub(crate) const AMD_WINDOW_MIN_K: usize = 30;
/// Least `m·n·k` of a product in [`amd_window`].
pub(crate) const AMD_WINDOW_MIN_WORK: usize = 100 * 100 * 100;
/// Largest `m·n·k` of a product in [`amd_window`].
pub(crate) const AMD_WINDOW_MAX_WORK: usize = 512 * 512 * 512;

/// Whether matrixmultiply is the faster kernel for a real float product `(m, k)·(k, n)` of
/// type `ty` on an AMD CPU with AVX-512 where OpenBLAS runs its Intel AVX-512 kernels
/// (`Cooperlake`, `SkylakeX`) on **one thread**, `a_col_major` when `a` is stored column by
/// column (BLAS's transpose flag): a pure function of its arguments.
///
/// Measured (`bench/examples/gemm_choice.rs`, one thread, AMD EPYC with AVX-512 (Zen 4
/// class, 512-bit operations as two halves), OpenBLAS 0.3.21 `Cooperlake`), R =
/// matrixmultiply/BLAS:
/// * `f64`: 0.90–0.97 for squares from 128³ to 448³ and 0.96–1.02 at 512³ (either order of
///   `a`), 0.87–0.96 for (1000,32)·(32,1000), (4096,64)·(64,64), (512,128)·(128,512),
///   (128,512)·(512,128), (200,30)·(30,200) and the stepped `s@s` at 256 and 512; but 1.11–1.98
///   up to 96³, 1.07–1.10 for (32,1000)·(1000,1000), 1.01–1.03 for (64,256)·(256,1024) and
///   0.97–1.16 at 1024³. (1000,1000)·(1000,32), 0.90–0.95, stays outside (`n` < 64).
/// * `f32`: 0.93–0.95 only with a column-major `a` from 128³ to 512³ (C order: 1.06 at 128³,
///   0.98–1.04 from 160³ up); 1.05–1.5 for most rectangles.
///
/// With more BLAS threads OpenBLAS splits the product and wins (and `a·aᵀ` takes `?syrk`, half
/// the flops): the caller checks both.
pub(crate) fn amd_window(ty: Ty, (m, n, k): (usize, usize, usize), a_col_major: bool) -> bool {
    let work = m.saturating_mul(n).saturating_mul(k);
    let sized = m >= AMD_WINDOW_MIN_M
        && n >= AMD_WINDOW_MIN_N
        && k >= AMD_WINDOW_MIN_K
        && (AMD_WINDOW_MIN_WORK..=AMD_WINDOW_MAX_WORK).contains(&work);
    match ty {
        Ty::F64 => sized,
        Ty::F32 => sized && a_col_major && n >= AMD_WINDOW_MIN_M && work >= 128 * 128 * 128,
        Ty::Complex => false,
    }
}

/// Whether this machine is one [`amd_window`] was measured on: an AMD CPU with AVX-512 (not
/// disabled by `NPDOT_DISABLE_AVX512`), matrixmultiply with its AVX-512 kernels and an
/// OpenBLAS running AVX-512 kernels (computed once).
pub(crate) fn amd_window_machine() -> bool {
    static YES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *YES.get_or_init(|| {
        let f = facts();
        f.cpu_avx512 && f.mm_avx512 && f.blas_avx512 && cpu_is_amd()
    })
}

/// Whether the CPU's vendor is AMD (`cpuid` leaf 0 reads `AuthenticAMD`).
fn cpu_is_amd() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        #[allow(unused_unsafe)]
        // SAFETY: `cpuid` leaf 0 exists on every x86-64 CPU and only reads identification
        // registers (the intrinsic is safe in newer Rust).
        let r = unsafe { std::arch::x86_64::__cpuid(0) };
        let mut v = [0u8; 12];
        v[..4].copy_from_slice(&r.ebx.to_le_bytes());
        v[4..8].copy_from_slice(&r.edx.to_le_bytes());
        v[8..].copy_from_slice(&r.ecx.to_le_bytes());
        &v == b"AuthenticAMD"
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether the linked BLAS runs on one thread (`openblas_get_num_threads() == 1`; asked per
/// call, since the count can change at run time).
#[cfg(feature = "blas")]
fn blas_one_thread() -> bool {
    unsafe extern "C" {
        /// The number of threads OpenBLAS runs a call on.
        fn openblas_get_num_threads() -> std::ffi::c_int;
    }
    // SAFETY: takes no arguments and reads a global of the library.
    unsafe { openblas_get_num_threads() == 1 }
}

#[cfg(not(feature = "blas"))]
fn blas_one_thread() -> bool {
    false
}

/// Whether an OpenBLAS core name (`openblas_get_corename()`, any case) names a core whose
/// kernels use AVX-512: `SkylakeX`, `Cooperlake`, `SapphireRapids` (and later cores named
/// after them).
pub(crate) fn core_has_avx512(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["skylakex", "cooperlake", "sapphirerapids"]
        .iter()
        .any(|c| n.contains(c))
}

/// Whether matrixmultiply is the faster general kernel for real floats on a machine with
/// these facts.
pub(crate) fn mm_preferred(f: Facts) -> bool {
    f.cpu_avx512 && f.mm_avx512 && !f.blas_avx512
}

/// The kernel for a general product `(m, k)·(k, n)` of type `ty` whose operands BLAS takes as
/// they are (`blas_able`) or not: a pure function of its arguments.
pub(crate) fn choose(
    f: Facts,
    forced: GemmKernel,
    ty: Ty,
    (m, n, k): (usize, usize, usize),
    blas_able: bool,
) -> Kernel {
    match forced {
        GemmKernel::Blas => return Kernel::Blas,
        GemmKernel::Matrixmultiply => return Kernel::Mm,
        GemmKernel::Auto => {}
    }
    if ty == Ty::Complex || !mm_preferred(f) {
        return Kernel::Blas;
    }
    if !blas_able {
        return Kernel::Mm;
    }
    let work = m.saturating_mul(n).saturating_mul(k);
    let wins = match ty {
        Ty::F64 => m >= 2 && n >= 2 && work >= MM_MIN_WORK_F64,
        _ => m.min(n) >= MM_MIN_DIM_F32 && work >= MM_MIN_WORK_F32,
    };
    if wins { Kernel::Mm } else { Kernel::Blas }
}

/// Whether the kernels take operands of type `ty` of any strides as they are, so that the plan copies none: always without BLAS, else when matrixmultiply is chosen
/// for every product that BLAS cannot take.
pub(crate) fn takes_any_strides(ty: Ty) -> bool {
    if !cfg!(feature = "blas") {
        return true;
    }
    match gemm_kernel() {
        GemmKernel::Blas => false,
        GemmKernel::Matrixmultiply => true,
        GemmKernel::Auto => ty != Ty::Complex && mm_preferred(facts()),
    }
}

/// This machine's facts (computed once).
pub(crate) fn facts() -> Facts {
    static FACTS: std::sync::OnceLock<Facts> = std::sync::OnceLock::new();
    *FACTS.get_or_init(|| Facts {
        cpu_avx512: cpu_avx512(),
        mm_avx512: cfg!(npdot_mm_avx512),
        blas_avx512: blas_avx512(),
    })
}

/// Whether the CPU has AVX-512F and `NPDOT_DISABLE_AVX512` does not forbid it.
fn cpu_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f") && !avx512_disabled_by_env()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The environment variable that keeps npdot off its AVX-512 kernels for the whole process.
pub(crate) const DISABLE_AVX512_VAR: &str = "NPDOT_DISABLE_AVX512";

/// Whether `NPDOT_DISABLE_AVX512` asks npdot to run as on a CPU without AVX-512 (read once, at
/// the first product that asks): npdot's own kernels take their AVX2 copies and the float GEMM
/// choice keeps BLAS, as it does on an AVX2-only machine. The AVX-512 counterpart of NumPy's
/// `NPY_DISABLE_CPU_FEATURES` and OpenBLAS's `OPENBLAS_CORETYPE`; see [`env_disables`].
pub(crate) fn avx512_disabled_by_env() -> bool {
    static OFF: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OFF.get_or_init(|| env_disables(std::env::var_os(DISABLE_AVX512_VAR).as_deref()))
}

/// Whether a value of `NPDOT_DISABLE_AVX512` disables AVX-512: set and not one of `""`, `"0"`,
/// `"false"`, `"no"`, `"off"` (any case).
pub(crate) fn env_disables(value: Option<&std::ffi::OsStr>) -> bool {
    match value.and_then(|v| v.to_str()) {
        None => value.is_some(),
        Some(v) => {
            let v = v.trim().to_ascii_lowercase();
            !matches!(v.as_str(), "" | "0" | "false" | "no" | "off")
        }
    }
}

#[cfg(feature = "blas")]
unsafe extern "C" {
    /// The name of the core OpenBLAS selected (e.g. `"Haswell"`, `"SkylakeX"`).
    fn openblas_get_corename() -> *const std::ffi::c_char;
}

/// Whether the linked OpenBLAS runs AVX-512 kernels (its core name; an unknown name counts as
/// AVX-512, which keeps BLAS).
#[cfg(feature = "blas")]
fn blas_avx512() -> bool {
    // SAFETY: `openblas_get_corename` takes no arguments and returns a pointer to a static,
    // NUL-terminated string owned by the library (or null, which we check).
    let name = unsafe {
        let p = openblas_get_corename();
        if p.is_null() {
            return true;
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
    };
    name.trim().is_empty() || core_has_avx512(&name)
}

#[cfg(not(feature = "blas"))]
fn blas_avx512() -> bool {
    false
}

/// The name of the core the linked OpenBLAS selected (for reports), or `None` without BLAS.
pub fn blas_core_name() -> Option<String> {
    #[cfg(feature = "blas")]
    {
        // SAFETY: as in `blas_avx512`.
        unsafe {
            let p = openblas_get_corename();
            if p.is_null() {
                return None;
            }
            Some(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned())
        }
    }
    #[cfg(not(feature = "blas"))]
    {
        None
    }
}

/// The kernel for the general product `a·b` of element type `T` into an output of
/// `c_strides` (`None`: a new C-contiguous result), as [`choose`] picks it on this machine with
/// the current setting.
pub(crate) fn kernel_for<T: 'static>(
    a: &ndarray::ArrayView2<'_, T>,
    b: &ndarray::ArrayView2<'_, T>,
    c_strides: Option<(isize, isize)>,
) -> Kernel {
    use crate::plan::layout::mat_layout;
    let (m, k) = a.dim();
    let n = b.ncols();
    let (forced, f, ty) = (gemm_kernel(), facts(), Ty::of::<T>());
    if forced == GemmKernel::Auto
        && ty != Ty::Complex
        && amd_window_machine()
        && amd_window(ty, (m, n, k), col_major((m, k), a.strides()))
        && !crate::plan::layout::is_transpose_of(a, b)
        && blas_one_thread()
    {
        return Kernel::Mm;
    }
    if forced != GemmKernel::Auto || ty == Ty::Complex || !mm_preferred(f) {
        return choose(f, forced, ty, (m, n, k), true);
    }
    let ok = |d: (usize, usize), s: &[isize]| mat_layout(d, (s[0], s[1])).is_some();
    let blas_able = ok((m, k), a.strides())
        && ok((k, n), b.strides())
        && c_strides.is_none_or(|(r, c)| mat_layout((m, n), (r, c)).is_some());
    choose(f, forced, ty, (m, n, k), blas_able)
}

/// Whether a matrix of dims `d` and strides `s` is one BLAS takes with the transpose flag.
fn col_major(d: (usize, usize), s: &[isize]) -> bool {
    use crate::plan::layout::{MatLayout, mat_layout};
    matches!(
        mat_layout(d, (s[0], s[1])),
        Some(MatLayout::ColMajor { .. })
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVX512_HASWELL_BLAS: Facts = Facts {
        cpu_avx512: true,
        mm_avx512: true,
        blas_avx512: false,
    };
    const AUTO: GemmKernel = GemmKernel::Auto;

    #[test]
    fn core_names() {
        for n in [
            "SkylakeX",
            "SKYLAKEX",
            "Cooperlake",
            "SapphireRapids",
            "sapphirerapids",
        ] {
            assert!(core_has_avx512(n), "{n}");
        }
        for n in [
            "Haswell",
            "Zen",
            "Sandybridge",
            "Prescott",
            "ARMV8",
            "Unknown",
        ] {
            assert!(!core_has_avx512(n), "{n}");
        }
    }

    #[test]
    fn types() {
        assert_eq!(Ty::of::<f32>(), Ty::F32);
        assert_eq!(Ty::of::<f64>(), Ty::F64);
        assert_eq!(Ty::of::<num_complex::Complex<f64>>(), Ty::Complex);
        assert_eq!(Ty::of::<num_complex::Complex<f32>>(), Ty::Complex);
    }

    #[test]
    fn amd_window_classes() {
        let w = |ty, shape, col| amd_window(ty, shape, col);
        // f64: the measured wins, either order of `a`.
        for shape in [
            (128, 128, 128),
            (256, 256, 256),
            (512, 512, 512),
            (1000, 1000, 32),
            (4096, 64, 64),
            (512, 512, 128),
            (128, 128, 512),
        ] {
            assert!(
                w(Ty::F64, shape, false) && w(Ty::F64, shape, true),
                "{shape:?}"
            );
        }
        // f64: the measured losses (m, n, k).
        for shape in [
            (96, 96, 96),
            (1024, 1024, 1024),
            (32, 1000, 1000),
            (64, 1024, 256),
            // (1000,1000)·(1000,32) measured 0.91–0.95, but n < 64 stays outside.
            (1000, 32, 1000),
            (1000, 2, 1000),
            (1000, 1000, 2),
            (513, 512, 512),
        ] {
            assert!(!w(Ty::F64, shape, false), "{shape:?}");
        }
        // f32: only a column-major `a`, squares from 128³ up to 512³.
        for n in [128, 256, 384, 512] {
            assert!(w(Ty::F32, (n, n, n), true), "{n}");
            assert!(!w(Ty::F32, (n, n, n), false), "{n}");
        }
        for shape in [
            (96, 96, 96),
            (1024, 1024, 1024),
            (4096, 64, 64),
            (64, 64, 4096),
        ] {
            assert!(!w(Ty::F32, shape, true), "{shape:?}");
        }
        // Complex products never.
        assert!(!w(Ty::Complex, (256, 256, 256), false));
        assert!(!w(Ty::Complex, (256, 256, 256), true));
    }

    #[test]
    fn matrixmultiply_only_where_it_has_the_wider_kernels() {
        let big = (256, 256, 256);
        for ty in [Ty::F32, Ty::F64] {
            assert_eq!(choose(AVX512_HASWELL_BLAS, AUTO, ty, big, true), Kernel::Mm);
        }
        for f in [
            Facts {
                cpu_avx512: false,
                ..AVX512_HASWELL_BLAS
            },
            Facts {
                mm_avx512: false,
                ..AVX512_HASWELL_BLAS
            },
            Facts {
                blas_avx512: true,
                ..AVX512_HASWELL_BLAS
            },
        ] {
            assert!(!mm_preferred(f));
            for ty in [Ty::F32, Ty::F64, Ty::Complex] {
                assert_eq!(choose(f, AUTO, ty, big, true), Kernel::Blas, "{f:?}");
                // Operands BLAS cannot take are copied for it (see `takes_any_strides`).
                assert_eq!(choose(f, AUTO, ty, big, false), Kernel::Blas, "{f:?}");
            }
        }
        // Complex products stay with BLAS.
        for able in [true, false] {
            let c = choose(AVX512_HASWELL_BLAS, AUTO, Ty::Complex, big, able);
            assert_eq!(c, Kernel::Blas);
        }
    }

    #[test]
    fn shape_classes() {
        let f = AVX512_HASWELL_BLAS;
        let c = |ty, shape, able| choose(f, AUTO, ty, shape, able);
        for ty in [Ty::F32, Ty::F64] {
            // Matrix·vector and vector·matrix: BLAS's gemv.
            assert_eq!(c(ty, (1, 4096, 4096), true), Kernel::Blas);
            assert_eq!(c(ty, (4096, 1, 4096), true), Kernel::Blas);
            // ... unless BLAS cannot take an operand: no copy, matrixmultiply.
            assert_eq!(c(ty, (1, 4096, 4096), false), Kernel::Mm);
            // Just above the small kernel's range: BLAS.
            assert_eq!(c(ty, (17, 17, 17), true), Kernel::Blas);
            assert_eq!(c(ty, (64, 64, 64), true), Kernel::Mm);
            assert_eq!(c(ty, (1000, 1000, 32), true), Kernel::Mm);
        }
        assert_eq!(c(Ty::F64, (24, 24, 24), true), Kernel::Mm);
        assert_eq!(c(Ty::F32, (24, 24, 24), true), Kernel::Blas);
        assert_eq!(c(Ty::F32, (40, 40, 40), true), Kernel::Blas);
        assert_eq!(c(Ty::F32, (48, 48, 48), true), Kernel::Mm);
        // Thin products: matrixmultiply for f64, BLAS for f32.
        assert_eq!(c(Ty::F64, (1000, 2, 1000), true), Kernel::Mm);
        assert_eq!(c(Ty::F64, (2, 1000, 1000), true), Kernel::Mm);
        assert_eq!(c(Ty::F32, (1000, 2, 1000), true), Kernel::Blas);
        assert_eq!(c(Ty::F32, (2, 1000, 1000), true), Kernel::Blas);
        assert_eq!(c(Ty::F32, (1000, 1000, 2), true), Kernel::Mm);
    }

    #[test]
    fn forced_kernels_win() {
        let f = AVX512_HASWELL_BLAS;
        let no = Facts {
            cpu_avx512: false,
            ..f
        };
        for shape in [(1, 5, 5), (300, 300, 300), (2, 2, 100000)] {
            for ty in [Ty::F32, Ty::F64, Ty::Complex] {
                for able in [true, false] {
                    for facts in [f, no] {
                        let blas = choose(facts, GemmKernel::Blas, ty, shape, able);
                        assert_eq!(blas, Kernel::Blas);
                        let mm = choose(facts, GemmKernel::Matrixmultiply, ty, shape, able);
                        assert_eq!(mm, Kernel::Mm);
                    }
                }
            }
        }
    }

    #[test]
    fn disable_avx512_values() {
        use std::ffi::OsStr;
        assert!(!env_disables(None));
        for off in ["", "0", "false", "No", "OFF", " 0 "] {
            assert!(!env_disables(Some(OsStr::new(off))), "{off:?}");
        }
        for on in ["1", "true", "yes", "AVX512F"] {
            assert!(env_disables(Some(OsStr::new(on))), "{on:?}");
        }
    }
}
