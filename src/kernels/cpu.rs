//! What this CPU can run: AVX2 and FMA, and AVX-512 (F, DQ, BW, VL), detected once per
//! process and read with one relaxed load per call by every kernel that has copies compiled
//! for them. The AVX-512 copies can be switched off ([`set_avx512`], or `NPDOT_DISABLE_AVX512`
//! in the environment); results are the same either way.

/// CPU facts for the kernel copies, detected once (0 until then): [`CPU_KNOWN`] and the
/// flags below.
static CPU: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
/// Set once [`CPU`] holds the detected flags.
const CPU_KNOWN: u8 = 1;
/// AVX2 and FMA.
const CPU_AVX2_FMA: u8 = 2;
/// AVX-512 F, DQ, BW and VL (with AVX2 and FMA), and `NPDOT_DISABLE_AVX512` not set.
const CPU_AVX512: u8 = 4;

/// The flags of [`CPU`]: one relaxed load after the first call (every product asks, some
/// several times; std's own detection costs a call and several tests each time).
#[inline(always)]
fn cpu() -> u8 {
    let v = CPU.load(std::sync::atomic::Ordering::Relaxed);
    if v != 0 { v } else { detect_cpu() }
}

/// Detects the flags of [`CPU`] and stores them (idempotent: every thread computes the same).
#[cold]
#[inline(never)]
fn detect_cpu() -> u8 {
    let mut v = CPU_KNOWN;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("fma") {
            v |= CPU_AVX2_FMA;
            if has!("avx512f")
                && has!("avx512dq")
                && has!("avx512bw")
                && has!("avx512vl")
                && !super::choice::avx512_disabled_by_env()
            {
                v |= CPU_AVX512;
            }
        }
    }
    CPU.store(v, std::sync::atomic::Ordering::Relaxed);
    v
}

/// Whether this CPU has AVX2 and FMA, which the fast copy of the kernel is compiled for
/// (detected once).
#[inline]
pub(crate) fn has_avx2_fma() -> bool {
    cpu() & CPU_AVX2_FMA != 0
}

/// Whether the AVX-512 copies of the kernels may run: the CPU has AVX-512 F, DQ, BW and
/// VL (and AVX2 and FMA), and they are not switched off by [`set_avx512`] or by the
/// `NPDOT_DISABLE_AVX512` environment variable.
#[inline]
pub(crate) fn has_avx512() -> bool {
    cpu() & CPU_AVX512 != 0 && AVX512_ON.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether the AVX-512 kernel copies are allowed (on by default; see [`set_avx512`]).
static AVX512_ON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Allows (default) or forbids the AVX-512 copies of the kernels, so that tests can run
/// the AVX2 copies on an AVX-512 machine. Results are the same either way.
pub fn set_avx512(on: bool) {
    AVX512_ON.store(on, std::sync::atomic::Ordering::Relaxed);
}
