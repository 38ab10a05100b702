//! A new `ArrayD` result built where the in-lined caller keeps it, before the kernel writes
//! its elements ([`through_dyn_place`], [`DynPlace`]).
//!
//! Why: ndarray's constructor of an owned `ArrayD` is out of line and returns the 112-byte
//! array through memory, written with stores of its own widths. Every move of the array right
//! after that (into an `Option`, out of an out-of-line function's return place, into the
//! user's variable) reads it with loads of other widths or offsets, which the CPU cannot
//! forward from stores still in flight: each waits until the stores reach the cache. perf
//! annotate of an `IxDyn` 4×4 `f64` `dot` (AMD EPYC with AVX-512) put half of its samples on
//! such loads, in ndarray's constructor (reading the shape just stored), in the out-of-line
//! fast path and in the caller. So here the shape is stored first, the buffer allocated after
//! it, the array built and written into the caller's place, and only then the kernel runs: by
//! the time the caller moves the array out of its place, the stores that wrote it have long
//! reached the cache. (The compiler copies the constructor's result into the place. Written
//! there after the kernel instead, the 4×4 `f64` `dot` measured 66.5 ns against 61.6 ns, the
//! best of nine runs each.) The array holds `MaybeUninit` elements until the kernel has written them
//! all, so a result the kernel writes whole is never zero-filled first; the caller takes it as
//! initialized in line ([`through_dyn_place`]), moves of old stores only.

use std::marker::PhantomData;
use std::mem::MaybeUninit;

use ndarray::ArrayD;

use super::result::alloc_result_or_none;
use crate::element::Element;

/// Invariant in `'a`: a brand tying a [`DynPlace`] to the [`DynWritten`] proof of that place
/// alone.
type Brand<'a> = PhantomData<fn(&'a ()) -> &'a ()>;

/// Where an out-of-line path builds its `ArrayD` result: [`DynPlace::written_by`],
/// [`DynPlace::zeroed_then`] and [`DynPlace::holding`] are the only ways to the
/// [`DynWritten`] proof that [`through_dyn_place`] needs. Each gives the place back when it
/// cannot allocate the result, for another path to try.
pub(crate) struct DynPlace<'a, T> {
    place: &'a mut MaybeUninit<ArrayD<MaybeUninit<T>>>,
    brand: Brand<'a>,
}

/// Proof that the [`DynPlace`] of the same (invariant) lifetime holds an array whose elements
/// are all initialized.
pub(crate) struct DynWritten<'a> {
    brand: Brand<'a>,
}

/// The outcome of a path given a [`DynPlace`]: the proof that it built the result there, or
/// the place back (the path declined, or could not allocate), for another path to try.
pub(crate) type Built<'a, T> = Result<DynWritten<'a>, DynPlace<'a, T>>;

/// Runs `f` (an out-of-line path) with a fresh place for a new `ArrayD` result and returns
/// that result, or `None` when `f` gave the place back. `f` must work for every lifetime `'a`,
/// and a `DynWritten<'a>` comes only from building that `DynPlace<'a, T>`'s array and
/// initializing all its elements (both are invariant in `'a`, so no other place's proof
/// fits), so an `Ok` means the place holds such an array.
#[inline(always)]
pub(crate) fn through_dyn_place<T: Element>(
    f: impl for<'a> FnOnce(DynPlace<'a, T>) -> Built<'a, T>,
) -> Option<ArrayD<T>> {
    let mut place = MaybeUninit::uninit();
    f(DynPlace {
        place: &mut place,
        brand: PhantomData,
    })
    .ok()?;
    // SAFETY: `f` returned `Ok(DynWritten<'a>)` for the lifetime `'a` of this borrow of
    // `place`; the only ways to it are `DynPlace`'s methods on the place given above (`f` is
    // generic over `'a` and the brand is invariant, so no other place's proof has this
    // lifetime, and neither type can be built elsewhere: their fields are private to this
    // module), and each writes an array into `place` and initializes every element of it
    // before returning the proof.
    Some(unsafe { place.assume_init().assume_init() })
}

impl<'a, T: Element> DynPlace<'a, T> {
    /// The C-order shape `dims` (`[m, n]`, `[n]` or `[]`; at most four dims stay in ndarray's
    /// inline storage) and a buffer of its elements, not initialized; `None` when it cannot be
    /// allocated or its size overflows. [`DynPlace::fill`] builds the array from them.
    #[inline(always)]
    fn parts<const N: usize>(
        dims: [usize; N],
    ) -> Option<(ndarray::StrideShape<ndarray::IxDyn>, Vec<MaybeUninit<T>>)> {
        let len = dims.iter().try_fold(1usize, |p, &d| p.checked_mul(d))?;
        // The shape first, the allocation after it (see the module's documentation).
        let shape = c_shape(dims);
        let v = uninit_elements(alloc_result_or_none::<T>(len)?, len);
        Some((shape, v))
    }

    /// Builds the array of `shape` over `v` ([`DynPlace::parts`]) in the place itself, the
    /// constructor's return place, not a copy of it; the pointer to its first element.
    #[inline(always)]
    fn fill(
        &mut self,
        (shape, mut v): (ndarray::StrideShape<ndarray::IxDyn>, Vec<MaybeUninit<T>>),
    ) -> *mut T {
        let ptr = v.as_mut_ptr().cast::<T>();
        // SAFETY: from `parts`: `v` holds exactly the product of the dims' elements, which
        // fits `isize` since they are allocated; `c_shape`'s strides (ndarray's default
        // strides for these dims) address each of them once, from the first (`ptr`), none
        // negative.
        self.place
            .write(unsafe { ArrayD::from_shape_vec_unchecked(shape, v) });
        ptr
    }

    /// Builds the C-order result of shape `dims` in the place and has `write` write its
    /// elements through the pointer to the first (C order, none initialized); the place back
    /// when the result cannot be allocated (`write` not run).
    ///
    /// # Safety
    /// `write` must write every element of the result (they are its alone for the call, not
    /// initialized, and may not be read before written): they are then taken as initialized.
    #[inline(always)]
    pub(crate) unsafe fn written_by<const N: usize>(
        mut self,
        dims: [usize; N],
        write: impl FnOnce(*mut T),
    ) -> Built<'a, T> {
        let Some(parts) = Self::parts(dims) else {
            return Err(self);
        };
        let p = self.fill(parts);
        write(p);
        Ok(DynWritten { brand: self.brand })
    }

    /// [`DynPlace::written_by`] with every element zero first, for kernels that accumulate
    /// into the result or write only part of it.
    #[inline(always)]
    pub(crate) fn zeroed_then<const N: usize>(
        mut self,
        dims: [usize; N],
        write: impl FnOnce(*mut T),
    ) -> Built<'a, T> {
        let Some(parts) = Self::parts(dims) else {
            return Err(self);
        };
        let len = dims.iter().product::<usize>();
        let p = self.fill(parts);
        // SAFETY: `p` is the first of the `len` elements of the array just built in the
        // place, contiguous and ours alone; `MaybeUninit<T>` has `T`'s layout.
        let elements = unsafe { std::slice::from_raw_parts_mut(p.cast::<MaybeUninit<T>>(), len) };
        for x in elements {
            x.write(T::zero());
        }
        write(p);
        Ok(DynWritten { brand: self.brand })
    }

    /// The result of shape `dims` from `v`, its elements in C order (a result computed before
    /// its array is built: the rare paths); the place back unless `v` has exactly as many
    /// elements as `dims` give.
    #[inline]
    pub(crate) fn holding<const N: usize>(self, dims: [usize; N], v: Vec<T>) -> Built<'a, T> {
        if dims.iter().try_fold(1usize, |p, &d| p.checked_mul(d)) != Some(v.len()) {
            return Err(self);
        }
        let len = v.len();
        let v = uninit_elements(v, len);
        // SAFETY: `v` holds exactly the product of the dims' elements (checked above), in C
        // order, which `c_shape`'s strides (ndarray's default ones) address each once, none
        // negative.
        self.place
            .write(unsafe { ArrayD::from_shape_vec_unchecked(c_shape(dims), v) });
        Ok(DynWritten { brand: self.brand })
    }
}

/// The allocation of `v` as `len` elements of `MaybeUninit<T>` (initialized or not), its
/// capacity kept. Panics (a kernel contract) unless `len` is within the capacity.
#[inline(always)]
fn uninit_elements<T>(v: Vec<T>, len: usize) -> Vec<MaybeUninit<T>> {
    assert!(len <= v.capacity(), "kernel shape contract");
    let mut v = std::mem::ManuallyDrop::new(v);
    let (ptr, cap) = (v.as_mut_ptr(), v.capacity());
    // SAFETY: the allocation of `v` (released above, not dropped), of `cap` elements of `T`,
    // taken over as the same number of `MaybeUninit<T>` (the same size and alignment); `len ≤
    // cap` of them count as elements, which `MaybeUninit` allows uninitialized.
    unsafe { Vec::from_raw_parts(ptr.cast::<MaybeUninit<T>>(), len, cap) }
}

/// The `IxDyn` shape `dims` with ndarray's default (C-order) strides (all zero when a dim is
/// zero), built in line: `IxDynImpl::from` of a fixed-length array is, where ndarray's own ways
/// to an `IxDyn` (`into_dyn`, `IxDyn(&[..])`) call an out-of-line copy of unknown length.
#[inline(always)]
fn c_shape<const N: usize>(dims: [usize; N]) -> ndarray::StrideShape<ndarray::IxDyn> {
    use ndarray::{IntoDimension, ShapeBuilder};
    let mut strides = [0usize; N];
    if dims.iter().all(|&d| d != 0) {
        let mut step = 1;
        for (s, &d) in strides.iter_mut().zip(&dims).rev() {
            *s = step;
            step *= d;
        }
    }
    let dim = ndarray::IxDynImpl::from(&dims[..]).into_dimension();
    dim.strides(ndarray::IxDynImpl::from(&strides[..]).into_dimension())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, IxDyn};

    /// What ndarray itself builds for a C-order result of these dims.
    fn ndarray_c(dims: &[usize], v: Vec<f64>) -> ArrayD<f64> {
        ArrayD::from_shape_vec(IxDyn(dims), v).unwrap()
    }

    fn check(got: ArrayD<f64>, want: ArrayD<f64>) {
        assert_eq!(got.shape(), want.shape());
        assert_eq!(got.strides(), want.strides());
        assert_eq!(got, want);
    }

    #[test]
    fn written_results_match_ndarray_shapes_and_strides() {
        for (m, n) in [(0, 0), (0, 3), (3, 0), (1, 1), (1, 5), (5, 1), (3, 4)] {
            let want: Vec<f64> = (0..m * n).map(|i| i as f64).collect();
            let got = through_dyn_place::<f64>(|p| {
                // SAFETY: the closure writes all m·n elements.
                unsafe {
                    p.written_by([m, n], |c| {
                        for i in 0..m * n {
                            c.add(i).write(i as f64);
                        }
                    })
                }
            });
            check(got.unwrap(), ndarray_c(&[m, n], want.clone()));
            let got = through_dyn_place::<f64>(|p| p.holding([m, n], want.clone()));
            check(got.unwrap(), ndarray_c(&[m, n], want.clone()));
            let got = through_dyn_place::<f64>(|p| p.zeroed_then([m * n], |_| {}));
            check(got.unwrap(), ndarray_c(&[m * n], vec![0.0; m * n]));
        }
        let got = through_dyn_place::<f64>(|p| {
            // SAFETY: the closure writes the one element.
            unsafe { p.written_by([], |c| c.write(2.5)) }
        });
        check(got.unwrap(), ndarray::arr0(2.5).into_dyn());
        let a = Array2::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as f64);
        assert_eq!(
            ndarray_c(&[2, 3], a.iter().copied().collect()),
            a.into_dyn()
        );
    }

    #[test]
    fn a_declined_place_gives_nothing() {
        assert!(through_dyn_place::<f64>(|p| Err(p)).is_none());
        // A vector of the wrong length is not taken.
        assert!(through_dyn_place::<f64>(|p| p.holding([2, 2], vec![1.0; 3])).is_none());
        // An unallocatable result gives the place back, `write` not run.
        let r = through_dyn_place::<f64>(|p| {
            // SAFETY: never run (the size overflows).
            unsafe { p.written_by([usize::MAX, 2], |_| unreachable!()) }
        });
        assert!(r.is_none());
    }
}
