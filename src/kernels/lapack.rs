//! LAPACK's `?gesv` from the linked OpenBLAS (which ships LAPACK): the matrix inverse as
//! `np.linalg.inv` computes it, `A·X = I` solved after an LU factorization with partial
//! pivoting (`?getrf` + `?getrs`). NumPy inverts `float32`/`complex64` matrices in double
//! precision too, so only `dgesv_` and `zgesv_` are needed. Column-major matrices (LAPACK's
//! Fortran convention); LP64 OpenBLAS: 32-bit integers.

use num_complex::Complex;
use std::os::raw::c_int;

unsafe extern "C" {
    fn dgesv_(
        n: *const c_int,
        nrhs: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        ipiv: *mut c_int,
        b: *mut f64,
        ldb: *const c_int,
        info: *mut c_int,
    );
    fn zgesv_(
        n: *const c_int,
        nrhs: *const c_int,
        a: *mut Complex<f64>,
        lda: *const c_int,
        ipiv: *mut c_int,
        b: *mut Complex<f64>,
        ldb: *const c_int,
        info: *mut c_int,
    );
}

/// The double-precision types LAPACK inverts.
pub(crate) trait GesvScalar: super::lu::LuScalar {
    /// `?gesv`.
    ///
    /// # Safety
    /// `a` and `b` point to `n·n` (column-major, leading dimension `max(1, n)`) initialized
    /// elements, `ipiv` to `n` integers; the three do not overlap; `n ≥ 0`.
    unsafe fn gesv(n: c_int, a: *mut Self, ipiv: *mut c_int, b: *mut Self) -> c_int;
}

macro_rules! gesv_impl {
    ($t:ty, $f:ident) => {
        impl GesvScalar for $t {
            unsafe fn gesv(n: c_int, a: *mut Self, ipiv: *mut c_int, b: *mut Self) -> c_int {
                let ld: c_int = n.max(1);
                let mut info: c_int = 0;
                // SAFETY: the caller guarantees `a`, `b` hold n·n elements with leading
                // dimension max(1, n) and `ipiv` n integers; nrhs = n; the scalars are
                // passed by reference as Fortran expects and outlive the call.
                unsafe { $f(&n, &n, a, &ld, ipiv, b, &ld, &mut info) };
                info
            }
        }
    };
}
gesv_impl!(f64, dgesv_);
gesv_impl!(Complex<f64>, zgesv_);

/// Stack size of the thread [`on_lapack_stack`] runs LAPACK on: 64 MiB of address space
/// (touched only as deep as the calls go). OpenBLAS's multithreaded `?getrf` (under `?gesv`)
/// is recursive, and each level keeps `MAX_CPU_NUMBER` job records of `MAX_CPU_NUMBER` cache
/// lines each on the stack: about 530 KiB per level in a 64-thread build (Debian's), up to
/// eight levels (the recursion halves a block capped at `GEMM_Q`), more per level in builds
/// for more threads below OpenBLAS's own heap threshold. Measured: Debian's OpenBLAS 0.3.21
/// with two threads on an AVX-512 Xeon went four levels deep for a 24 × 24 matrix — 2.1 MiB,
/// past the 2 MiB stack Rust gives spawned threads (and rayon its workers). A C thread with a
/// 2 MiB stack then segfaults in `dgetrf_parallel`; a Rust one can step over its guard page,
/// and later multithreaded products of the process returned wrong values.
pub(crate) const LAPACK_STACK: usize = 64 << 20;

/// Runs `f` (which calls LAPACK) on a scoped thread with a [`LAPACK_STACK`] stack and returns
/// its result (a panic in `f` is resumed here). `Err(MemoryError)` (for the stack, as a
/// `uint8` buffer) when the thread cannot be started.
pub(crate) fn on_lapack_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Result<R, crate::Error> {
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("npdot-lapack".into())
            .stack_size(LAPACK_STACK)
            .spawn_scoped(s, f)
        {
            Ok(h) => Ok(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            Err(_) => Err(crate::Error::MemoryError {
                shape: vec![LAPACK_STACK],
                dtype: "uint8",
                itemsize: 1,
            }),
        }
    })
}

/// The inverse of the `n × n` column-major matrix `a` (overwritten by its LU factors) through
/// `?gesv` with the identity as right-hand side; `None` if `?getrf` finds an exactly zero
/// pivot (`info > 0`). `n` must fit LAPACK's 32-bit integers (a larger square matrix cannot be
/// allocated anyway; such a call panics).
pub(crate) fn inverse<T: GesvScalar>(n: usize, a: &mut [T]) -> Option<Vec<T>> {
    assert_eq!(a.len(), n * n, "a is n × n");
    let ni = c_int::try_from(n).expect("matrix order fits LAPACK's 32-bit integers");
    let mut b = vec![T::ZERO; n * n];
    for i in 0..n {
        b[i + i * n] = T::ONE;
    }
    if n == 0 {
        return Some(b);
    }
    let mut ipiv: Vec<c_int> = vec![0; n];
    // SAFETY: `a` and `b` are distinct buffers of exactly n·n initialized elements (asserted
    // above / allocated so), column-major with leading dimension n; `ipiv` holds n integers;
    // n > 0 fits c_int (checked).
    let info = unsafe { T::gesv(ni, a.as_mut_ptr(), ipiv.as_mut_ptr(), b.as_mut_ptr()) };
    assert!(info >= 0, "?gesv rejected argument {}", -info);
    (info == 0).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rust_lu_on_small_matrices() {
        let m = vec![4.0, 1.0, 2.0, 1.0, 5.0, 1.0, 2.0, 1.0, 6.0];
        let (mut a1, mut a2) = (m.clone(), m);
        let x = inverse(3, &mut a1).unwrap();
        let y = super::super::lu::inverse(3, &mut a2).unwrap();
        for (p, q) in x.iter().zip(&y) {
            assert!((p - q).abs() <= 1e-15, "{p} vs {q}");
        }
        let mut s = vec![1.0, 2.0, 2.0, 4.0];
        assert_eq!(inverse(2, &mut s), None);
        assert_eq!(inverse::<f64>(0, &mut []), Some(vec![]));
        let c = |re| Complex::new(re, 0.0);
        let mut z = vec![c(2.0), c(0.0), c(0.0), c(4.0)];
        assert_eq!(
            inverse(2, &mut z),
            Some(vec![c(0.5), c(0.0), c(0.0), c(0.25)])
        );
    }
}
