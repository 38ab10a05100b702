//! Bytes copied by the plan layer: every operand the plan copies because no kernel can take
//! its layout is counted here, so tests can assert that transposed and C/F-ordered operands
//! are passed with transpose flags rather than copied.

use std::cell::Cell;

thread_local! {
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Records a copy of `elems` elements of `T` made on this thread.
pub(crate) fn note<T>(elems: usize) {
    let bytes = (elems as u64).saturating_mul(std::mem::size_of::<T>() as u64);
    BYTES.with(|b| b.set(b.get().saturating_add(bytes)));
}

/// Total bytes of operand copies the plan layer has made on the calling thread since it
/// started. Products run their plan on the calling thread, so the difference of two readings
/// around a call is what that call copied (result buffers and kernel-internal packing are not
/// copies of operands and are not counted).
pub fn bytes_copied() -> u64 {
    BYTES.with(|b| b.get())
}
