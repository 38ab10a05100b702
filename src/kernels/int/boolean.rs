//! `bool` products: `c[i, j] = OR_p (a[i, p] AND b[p, j])`, NumPy's result.
//!
//! Each row of `B` is bit-packed into `⌈n / 64⌉` words. Row `i` of `C` is then the OR of the
//! packed rows `p` of `B` for which `a[i, p]` is true: a word-wise OR over `n / 64` words per
//! true `a[i, p]` (which LLVM vectorizes), stopping early once every bit of the row is set
//! (on dense random input that happens after a few dozen rows of `B`). Cost: at most
//! `m · k · n / 64` word operations, plus reading `A` and `B` once.

use ndarray::{ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis};

/// `m·n·k` up to which the direct short-circuiting loop is used.
const DIRECT_MAX: usize = 4096;
/// `m·n·k` from which rows are spread over threads...
const PAR_MIN: usize = 1 << 22;
/// ...provided `c` has this many elements (the early exit makes the work per output small).
const PAR_MIN_OUT: usize = 1 << 16;
/// How many ORs into a row accumulator between checks for "all bits set".
const CHECK_EVERY: u32 = 8;

/// `c = a · b` over the boolean semiring (OR of ANDs), overwriting `c`. `a`: m×k, `b`: k×n,
/// `c`: m×n; any strides.
///
/// # Panics
/// If the shapes are inconsistent.
pub(crate) fn gemm_bool(
    a: ArrayView2<'_, bool>,
    b: ArrayView2<'_, bool>,
    mut c: ArrayViewMut2<'_, bool>,
) -> Result<(), crate::Error> {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == k && c.dim() == (m, n),
        "gemm_bool: inconsistent shapes"
    );
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        c.fill(false);
        return Ok(());
    }
    let work = m.saturating_mul(n).saturating_mul(k);
    if work <= DIRECT_MAX {
        for (arow, mut crow) in a.rows().into_iter().zip(c.rows_mut()) {
            for (cj, bcol) in crow.iter_mut().zip(b.columns()) {
                *cj = arow.iter().zip(bcol.iter()).any(|(&x, &y)| x & y);
            }
        }
        return Ok(());
    }
    let threads = if work >= PAR_MIN && m * n >= PAR_MIN_OUT {
        rayon::current_num_threads()
    } else {
        1
    };
    bitpacked(a, b, c, threads)
}

/// The bit-packed product (see the module docs) with the thread count given (`1`: no other thread);
/// all dimensions non-zero.
pub(crate) fn bitpacked(
    a: ArrayView2<'_, bool>,
    b: ArrayView2<'_, bool>,
    mut c: ArrayViewMut2<'_, bool>,
    threads: usize,
) -> Result<(), crate::Error> {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k && c.dim() == (m, n) && m > 0 && n > 0 && k > 0);
    let words = n.div_ceil(64);
    let mut bbits = words_buf(k * words, &[k, words])?;
    for (brow, dst) in b.rows().into_iter().zip(bbits.chunks_exact_mut(words)) {
        match brow.as_slice() {
            Some(s) => pack_bits(s, dst),
            None => {
                for (j, &x) in brow.iter().enumerate() {
                    dst[j / 64] |= u64::from(x) << (j % 64);
                }
            }
        }
    }
    // The accumulator value meaning "every one of the n bits set".
    let last_full = if n.is_multiple_of(64) {
        u64::MAX
    } else {
        (1u64 << (n % 64)) - 1
    };
    let bbits = &bbits[..];
    let rows = |a: ArrayView2<'_, bool>, mut c: ArrayViewMut2<'_, bool>| {
        let mut acc = words_buf(words, &[words])?;
        for (arow, crow) in a.rows().into_iter().zip(c.rows_mut()) {
            acc.fill(0);
            let mut since_check = 0;
            let mut or_row = |p: usize| {
                for (s, &w) in acc.iter_mut().zip(&bbits[p * words..(p + 1) * words]) {
                    *s |= w;
                }
                since_check += 1;
                if since_check == CHECK_EVERY {
                    since_check = 0;
                    let (last, init) = acc.split_last().expect("words > 0");
                    return *last == last_full && init.iter().all(|&w| w == u64::MAX);
                }
                false
            };
            match arow.as_slice() {
                Some(s) => {
                    for (p, _) in s.iter().enumerate().filter(|&(_, &x)| x) {
                        if or_row(p) {
                            break;
                        }
                    }
                }
                None => {
                    for (p, _) in arow.iter().enumerate().filter(|&(_, &x)| x) {
                        if or_row(p) {
                            break;
                        }
                    }
                }
            }
            unpack_bits(&acc, crow);
        }
        Ok(())
    };
    if threads > 1 && m > 1 {
        let chunk = m.div_ceil(4 * threads);
        let jobs: Vec<_> = a
            .axis_chunks_iter(Axis(0), chunk)
            .zip(c.axis_chunks_iter_mut(Axis(0), chunk))
            .collect();
        crate::kernels::threads::map(jobs, |(a, c)| rows(a, c))
            .into_iter()
            .collect()
    } else {
        rows(a, c)
    }
}

/// `len` zero words of packed bits, for a buffer of `shape` (`uint64`).
fn words_buf(len: usize, shape: &[usize]) -> Result<Vec<u64>, crate::Error> {
    crate::kernels::mem::try_filled_as(len, 0u64, shape, "uint64")
}

/// Packs contiguous bools into bits: bit `j % 64` of `dst[j / 64]` is `src[j]`.
fn pack_bits(src: &[bool], dst: &mut [u64]) {
    for (chunk, d) in src.chunks(64).zip(dst.iter_mut()) {
        let mut w = 0u64;
        let mut bytes = chunk.chunks_exact(8);
        for (q, eight) in (&mut bytes).enumerate() {
            // Eight 0/1 bytes → eight bits: the multiply moves byte i's bit to bit 56 + i,
            // with no carries (every partial product lands on a distinct bit).
            let x = eight
                .iter()
                .rev()
                .fold(0u64, |x, &v| (x << 8) | u64::from(v));
            w |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * q);
        }
        let base = chunk.len() - bytes.remainder().len();
        for (j, &v) in bytes.remainder().iter().enumerate() {
            w |= u64::from(v) << (base + j);
        }
        *d = w;
    }
}

/// `EXPAND[b][i]` is bit `i` of `b`: unpacks eight bits with one 8-byte copy.
static EXPAND: [[bool; 8]; 256] = {
    let mut t = [[false; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            t[b][i] = (b >> i) & 1 != 0;
            i += 1;
        }
        b += 1;
    }
    t
};

/// Writes bit `j` of `bits` to `c[j]` for every `j`.
fn unpack_bits(bits: &[u64], mut c: ArrayViewMut1<'_, bool>) {
    match c.as_slice_mut() {
        Some(s) => {
            let base = s.len() / 8 * 8;
            let mut eights = s.chunks_exact_mut(8);
            for (q, out) in (&mut eights).enumerate() {
                let byte = (bits[q / 8] >> (8 * (q % 8))) as u8;
                out.copy_from_slice(&EXPAND[usize::from(byte)]);
            }
            for (j, out) in eights.into_remainder().iter_mut().enumerate() {
                let j = base + j;
                *out = (bits[j / 64] >> (j % 64)) & 1 != 0;
            }
        }
        None => {
            for (j, out) in c.iter_mut().enumerate() {
                *out = (bits[j / 64] >> (j % 64)) & 1 != 0;
            }
        }
    }
}
