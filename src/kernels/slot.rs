//! The value of an out-of-line path, written into a slot of the in-lined caller's frame
//! ([`through_slot`]) instead of returned through the caller's own return place.
//!
//! Why: the public products are in-lined into the user's code, a fast path computed in line
//! and a general path called out of line. When the general path returns a `Result` through
//! memory, the compiler hands it the caller's own return place, and the fast path then stores
//! its value there too, field by field with 8-byte stores, for the user's `?` or `unwrap` to
//! copy out with 16-byte loads: a failed store-to-load forward on every call (perf annotate of
//! a complex128 `dot` of two (2,) vectors: 57 % of the samples on that one load, and twice
//! ndarray's time). With the general path writing its value into a slot of its own, the
//! caller's return place never leaves registers, and only the out-of-line path reads memory.

use std::marker::PhantomData;
use std::mem::MaybeUninit;

/// Invariant in `'a`: a brand tying a [`Slot`] to the [`Written`] proof of that slot alone.
type Brand<'a> = PhantomData<fn(&'a ()) -> &'a ()>;

/// Where an out-of-line path writes its value: [`Slot::write`] is the only way to the
/// [`Written`] proof it must return.
pub(crate) struct Slot<'a, R> {
    place: &'a mut MaybeUninit<R>,
    brand: Brand<'a>,
}

/// Proof that the [`Slot`] of the same (invariant) lifetime was written.
pub(crate) struct Written<'a> {
    brand: Brand<'a>,
}

impl<'a, R> Slot<'a, R> {
    /// Writes the value, consuming the slot.
    #[inline(always)]
    pub(crate) fn write(self, value: R) -> Written<'a> {
        self.place.write(value);
        Written { brand: self.brand }
    }
}

/// Runs `f` (the out-of-line path) with a fresh slot and returns the value it wrote, or its
/// error. `f` must work for every lifetime `'a`, and a `Written<'a>` comes only from writing
/// the `Slot<'a, R>` given to it (both are invariant in `'a`, so no other slot's proof fits),
/// so an `Ok` means the slot was written.
#[inline(always)]
pub(crate) fn through_slot<R, E>(
    f: impl for<'a> FnOnce(Slot<'a, R>) -> Result<Written<'a>, E>,
) -> Result<R, E> {
    let mut place = MaybeUninit::uninit();
    f(Slot {
        place: &mut place,
        brand: PhantomData,
    })?;
    // SAFETY: `f` returned `Ok(Written<'a>)` for the lifetime `'a` of this borrow of `place`;
    // the only way to it is `Slot::write` on the slot given above (`f` is generic over `'a`
    // and the brand is invariant, so no other slot's proof has this lifetime, and neither
    // type can be built elsewhere: their fields are private to this module), so `place`
    // holds a value.
    Ok(unsafe { place.assume_init() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_value_comes_back() {
        let r: Result<Vec<u8>, ()> = through_slot(|s| Ok(s.write(vec![1, 2, 3])));
        assert_eq!(r, Ok(vec![1, 2, 3]));
    }

    #[test]
    fn an_error_comes_back_without_a_value() {
        let r: Result<Vec<u8>, &str> = through_slot(|_| Err("no"));
        assert_eq!(r, Err("no"));
    }
}
