//! The error type: structured data whose `Display` is NumPy 2.x's `ValueError` text, byte for byte.

use std::fmt;

/// The signature NumPy prints for `matmul`'s generalized ufunc.
pub const MATMUL_SIGNATURE: &str = "(n?,k),(k,m?)->(n?,m?)";

/// One entry of a remapped operand shape in NumPy's broadcast error: a loop dimension of the
/// operand (`Some(size)`) or a dimension the operand does not have (`None`, printed `newaxis`).
pub type RemappedDim = Option<usize>;

/// An operand in NumPy's "could not be broadcast together with remapped shapes" message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemappedShape {
    /// The operand's full shape as the caller passed it.
    pub original: Vec<usize>,
    /// The operand's size along each of NumPy's iterator axes (the loop dimensions, then the
    /// output's core dimensions), `None` where it has no such axis. Printed without its leading
    /// `None`s: `(2,newaxis,newaxis)`.
    pub remapped: Vec<RemappedDim>,
}

/// Everything that can go wrong in an npdot product. Each variant carries the data NumPy puts
/// in its message; `Display` prints exactly NumPy 2.4's text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `dot`/`inner`: the contracted dimensions differ.
    ///
    /// `shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)`. For `inner`, NumPy
    /// prints the second operand with its last two axes swapped, and so does this error.
    NotAligned {
        /// Shape of the first operand as printed.
        a_shape: Vec<usize>,
        /// Shape of the second operand as printed.
        b_shape: Vec<usize>,
        /// Axis of the first operand that is contracted.
        a_axis: usize,
        /// Axis of the (printed) second operand that is contracted.
        b_axis: usize,
    },
    /// `matmul`: an operand has fewer dimensions than the core signature requires (a 0-D operand).
    NotEnoughDimensions {
        /// 0 for the first operand, 1 for the second.
        operand: usize,
        /// Dimensions it has.
        has: usize,
        /// Dimensions the core signature requires.
        requires: usize,
    },
    /// `matmul`: a core dimension of an input or of `out` has the wrong size.
    CoreDimensionMismatch {
        /// `false` for an input operand, `true` for the output operand.
        output: bool,
        /// Operand index (inputs 0 and 1, output 0).
        operand: usize,
        /// Index of the core dimension within the operand's core dimensions.
        core_dim: usize,
        /// The operand's size of that dimension.
        size: usize,
        /// The size fixed by the other operands.
        expected: usize,
    },
    /// `matmul`: the batch (loop) dimensions do not broadcast.
    BroadcastMismatch {
        /// Each operand, original and remapped shape.
        operands: Vec<RemappedShape>,
        /// The iterator shape NumPy requested: `None` for each loop dimension (deduced from the
        /// operands), then the output's core sizes. Printed like `remapped`, so the leading
        /// `None`s vanish: `(2,2)`, `()`, or `(2)` (sic: no comma after a stripped newaxis).
        requested: Vec<RemappedDim>,
    },
    /// `matmul` with `out`: `out` has loop dimensions that do not match the broadcast shape.
    NonBroadcastableOutput {
        /// `out`'s shape.
        shape: Vec<usize>,
        /// `out`'s iterator axes in reverse order (core dimensions first, then loop dimensions,
        /// innermost first), `None` where `out` lacks the loop dimension, as NumPy prints it:
        /// `(2,2,1,newaxis)`.
        remapped: Vec<RemappedDim>,
        /// The broadcast shape it had to match.
        broadcast: Vec<usize>,
    },
    /// `matmul` with `out`: `out` lacks a loop (batch) dimension whose broadcast size is not 1,
    /// so filling it would need a reduction.
    OutputRequiresReduction {
        /// The operand axis NumPy reports: always `-1` (the axis `out` does not have).
        dim: isize,
        /// The size NumPy reports: always `1` (NumPy's text hard-codes it).
        size: usize,
    },
    /// `dot` with `out` and a 0-D operand, on NumPy's `np.multiply(a, b, out=out)` path
    /// (integer and bool types, or an operand with more than 2 dimensions): the three shapes do
    /// not broadcast. NumPy prints each shape followed by a space.
    UfuncBroadcast {
        /// Shapes of `a`, `b` and `out`.
        shapes: Vec<Vec<usize>>,
    },
    /// `dot` with `out` and a 0-D operand, on NumPy's multiply path: `out` is smaller than the
    /// broadcast shape of the operands.
    UfuncNonBroadcastableOutput {
        /// `out`'s shape.
        shape: Vec<usize>,
        /// The broadcast shape of `a`, `b` and `out`.
        broadcast: Vec<usize>,
    },
    /// `dot` with `out`: `out` has the right number of dimensions but the wrong shape.
    OutputWrongDimensions,
    /// `dot` with `out`: `out` has the wrong number of dimensions or is not C-contiguous.
    OutputNotAcceptable,
    // ---- product family (vdot, outer, tensordot, kron, vecdot, matvec, vecmat) ----
    /// `vdot`: the operands have different sizes (NumPy raises `ValueError` from reshaping the
    /// flattened second operand to the first one's length):
    /// `cannot reshape array of size 4 into shape (3,)`.
    VdotSizeMismatch {
        /// Number of elements of the first operand.
        a_size: usize,
        /// Number of elements of the second operand.
        b_size: usize,
    },
    /// `tensordot`: the same axis listed twice for one operand (`ValueError`):
    /// `duplicate axes are not allowed in tensordot`.
    TensordotDuplicateAxes,
    /// `tensordot`: different numbers of axes, or contracted axes of different lengths
    /// (`ValueError`): `shape-mismatch for sum`.
    TensordotShapeMismatch,
    /// `tensordot`: axes that are distinct as given but name the same axis once negative ones are
    /// counted from the end, e.g. `([0, -2], [0, 1])` on a 2-D operand (NumPy's `transpose`
    /// raises `ValueError`): `axes don't match array`.
    TensordotAxesDontMatch,
    /// `tensordot`: an axis past the operand's dimensions. NumPy raises
    /// `IndexError: tuple index out of range` (a Python artefact, not a message); npdot says which
    /// axis of which operand.
    TensordotAxisOutOfRange {
        /// 0 for the first operand, 1 for the second.
        operand: usize,
        /// The axis as given.
        axis: isize,
        /// The operand's number of dimensions.
        ndim: usize,
    },
    /// `vecdot`/`matvec`/`vecmat`: an operand has fewer dimensions than its core signature
    /// (`ValueError`): `vecdot: Input operand 0 does not have enough dimensions (has 0, gufunc
    /// core with signature (n),(n)->() requires 1)`.
    GufuncNotEnoughDimensions {
        /// The gufunc's name (`vecdot`, `matvec`, `vecmat`).
        name: &'static str,
        /// Its signature as NumPy prints it, e.g. `(m,n),(n)->(m)`.
        signature: &'static str,
        /// 0 for the first operand, 1 for the second.
        operand: usize,
        /// Dimensions it has.
        has: usize,
        /// Dimensions the core signature requires.
        requires: usize,
    },
    /// `vecdot`/`matvec`/`vecmat`: a core dimension differs from the size fixed by an earlier
    /// operand (`ValueError`): `matvec: Input operand 1 has a mismatch in its core dimension 0,
    /// with gufunc signature (m,n),(n)->(m) (size 4 is different from 3)`.
    GufuncCoreDimensionMismatch {
        /// The gufunc's name.
        name: &'static str,
        /// Its signature as NumPy prints it.
        signature: &'static str,
        /// The operand (always 1: operand 0 fixes every size it mentions).
        operand: usize,
        /// Index of the core dimension within the operand's core dimensions.
        core_dim: usize,
        /// The operand's size of that dimension.
        size: usize,
        /// The size fixed by the earlier operand.
        expected: usize,
    },
    /// `linalg.vecdot` with `axis`: the axis is out of range for an operand (NumPy raises
    /// `AxisError`, a `ValueError` and `IndexError` subclass):
    /// `axis 2 is out of bounds for array of dimension 2`.
    VecdotAxisOutOfBounds {
        /// The axis as given.
        axis: isize,
        /// The operand's number of dimensions.
        ndim: usize,
    },
    /// `linalg.outer`: an operand is not 1-D (`ValueError`): `Input arrays must be
    /// one-dimensional, but they are x1.ndim=2 and x2.ndim=1.`
    OuterNotOneDimensional {
        /// Dimensions of the first operand.
        ndim1: usize,
        /// Dimensions of the second operand.
        ndim2: usize,
    },

    // ---- np.linalg (multi_dot, matrix_power, cross, vecdot) ----
    /// `linalg.multi_dot` with fewer than two arrays (NumPy raises `ValueError`):
    /// `Expecting at least two arrays.`
    ExpectingTwoArrays,
    /// `linalg.multi_dot` of three or more arrays: an array (after a 1-D first or last one is
    /// made a row or column) is not 2-D (NumPy raises `LinAlgError`):
    /// `3-dimensional array given. Array must be two-dimensional`.
    NotTwoDimensional {
        /// The array's number of dimensions.
        ndim: usize,
    },
    /// `linalg.matrix_power`: the array has fewer than 2 dimensions (NumPy raises
    /// `LinAlgError`): `1-dimensional array given. Array must be at least two-dimensional`.
    NotStackedTwoDimensional {
        /// The array's number of dimensions.
        ndim: usize,
    },
    /// `linalg.matrix_power`: the last two dimensions differ (NumPy raises `LinAlgError`):
    /// `Last 2 dimensions of the array must be square`.
    NotSquare,
    /// `linalg.matrix_power` with a negative exponent: LU factorization (LAPACK `?getrf`) met an
    /// exactly zero pivot (NumPy raises `LinAlgError`): `Singular matrix`.
    SingularMatrix,
    /// `linalg.matrix_power` of an integer or `bool` matrix with a negative exponent: NumPy
    /// inverts it and returns `float64`, a dtype other than the input's. npdot's own message
    /// (NumPy has no error here).
    InverseDtype {
        /// NumPy's name of the input dtype.
        dtype: &'static str,
    },
    /// `linalg.cross`: `axis` is not an axis of both arrays. NumPy raises a bare
    /// `IndexError: tuple index out of range`; npdot's own message says which array and axis.
    CrossAxisOutOfRange {
        /// The axis given.
        axis: isize,
        /// The number of dimensions of the first array lacking it.
        ndim: usize,
    },
    /// `linalg.cross`: the vectors are not 3-vectors (NumPy raises `ValueError`):
    /// `Both input arrays must be (arrays of) 3-dimensional vectors, but they are 2 and 3
    /// dimensional instead.`
    CrossNotThreeVectors {
        /// `a.shape[axis]`.
        a_len: usize,
        /// `b.shape[axis]`.
        b_len: usize,
    },
    /// `linalg.cross`: the other axes do not broadcast (NumPy raises `ValueError`; the shapes
    /// print as Python tuples, with spaces): `shape mismatch: objects cannot be broadcast to a
    /// single shape.  Mismatch is between arg 0 with shape (2, 5) and arg 1 with shape (4,).`
    CrossBroadcast {
        /// `a`'s shape without the vector axis.
        a_shape: Vec<usize>,
        /// `b`'s shape without the vector axis.
        b_shape: Vec<usize>,
    },
    /// `linalg.cross` of `bool` arrays: NumPy has no `bool` subtraction (it raises
    /// `TypeError`): `numpy boolean subtract, the `-` operator, is not supported, ...`.
    BoolSubtract,

    // ---- einsum (NumPy's C implementation's errors) ----
    /// `einsum`: the subscripts contain a character outside ASCII. NumPy raises Python's
    /// `UnicodeEncodeError` (`'ascii' codec can't encode character '\xe9' in position 0: ordinal
    /// not in range(128)`); positions count characters.
    EinsumNotAscii {
        /// The first non-ASCII character.
        ch: char,
        /// Its position (in characters).
        start: usize,
        /// One past the end of the run of non-ASCII characters it starts.
        end: usize,
    },
    /// `einsum` without operands (`ValueError`).
    EinsumNoOperands,
    /// `einsum` with 64 operands or more (`ValueError: too many operands`).
    EinsumTooManyOperands,
    /// `einsum`: an operand with more than 64 dimensions (NumPy's `ValueError` for creating one).
    EinsumTooManyDims {
        /// The operand's number of dimensions.
        ndim: usize,
    },
    /// `einsum`: the subscripts name fewer operands than were given (`ValueError`; NumPy's
    /// text says "more operands provided ... than specified").
    EinsumMoreOperands,
    /// `einsum`: the subscripts name more operands than were given (`ValueError`).
    EinsumFewerOperands,
    /// `einsum`: more labels than the operand has dimensions (`ValueError`).
    EinsumTooManySubscriptsForOperand {
        /// The operand index.
        operand: usize,
    },
    /// `einsum`: a character that is not a letter, `.`, space, `,` or `->` (`ValueError`).
    EinsumInvalidSubscript {
        /// The character.
        ch: char,
    },
    /// `einsum`: a `.` outside `...`, or two ellipses (`ValueError`); `None` for the output.
    EinsumBadEllipsis {
        /// The operand index, or `None` for the output.
        operand: Option<usize>,
    },
    /// `einsum`: an operand has more dimensions than labels and no `...` (`ValueError`).
    EinsumOperandMoreDims,
    /// `einsum`: the inputs have broadcast (`...`) dimensions but the output has no `...`
    /// (`ValueError`).
    EinsumOutputMoreDims,
    /// `einsum`: `-` not followed by `>` (`ValueError`).
    EinsumNoProperOutput,
    /// `einsum`: an output label appears twice (`ValueError`).
    EinsumOutputRepeated {
        /// The label.
        ch: char,
    },
    /// `einsum`: an output label appears in no input (`ValueError`).
    EinsumOutputNeverAppeared {
        /// The label.
        ch: char,
    },
    /// `einsum`: more than 64 output dimensions (`ValueError`).
    EinsumTooManyOutputSubscripts,
    /// `einsum`: an implicit output of more than 64 dimensions (`ValueError`).
    EinsumTooManyDistinctLabels,
    /// `einsum`: more than 64 labels and broadcast dimensions in all (`ValueError`).
    EinsumTooManySubscripts,
    /// `einsum` with one operand: a repeated label's dimensions differ (`ValueError`).
    EinsumCollapsingSingle {
        /// The label.
        ch: char,
        /// Its first dimension.
        first: usize,
        /// The differing dimension.
        other: usize,
    },
    /// `einsum`: a repeated label's dimensions differ within an operand (`ValueError`).
    EinsumCollapsing {
        /// The operand index.
        operand: usize,
        /// The label.
        ch: char,
        /// Its first dimension.
        first: usize,
        /// The differing dimension.
        other: usize,
    },
    /// `einsum`: a label's sizes differ between operands and neither is 1 (`ValueError` from
    /// NumPy's iterator). Each operand is printed with its diagonal-collapsed shape, remapped
    /// onto the iterator's axes (output labels, then the summed labels in ASCII order).
    EinsumBroadcast {
        /// Each operand: collapsed shape and its size along each iterator axis.
        operands: Vec<RemappedShape>,
    },
    /// `einsum`: the product of all label sizes overflows (`ValueError` from NumPy's iterator).
    EinsumIteratorTooLarge,

    // ---- einsum_path (NumPy's Python parser's errors) ----
    /// `einsum_path`: a character that is not a label (`ValueError`), also for a comma in the
    /// output, where NumPy fails with a `KeyError` when it sizes the output.
    ///
    /// `Character % is not a valid symbol.`
    EinsumPathInvalidSymbol(char),
    /// `einsum_path`: more than one `-`, `>` or `->`, or a `-`/`>` outside `->` (`ValueError`).
    EinsumPathMultipleArrows,
    /// `einsum_path`: a term with dots other than one `...` (`ValueError`).
    EinsumPathInvalidEllipses,
    /// `einsum_path`: an operand has fewer dimensions than its term's labels (`ValueError`).
    EinsumPathEllipsesLengths,
    /// `einsum_path`: an output label appears twice (`ValueError`).
    EinsumPathOutputRepeated(char),
    /// `einsum_path`: an output label no input has (`ValueError`).
    EinsumPathOutputNotInInput(char),
    /// `einsum_path`: the number of terms differs from the number of operands (`ValueError`;
    /// also where NumPy raises `IndexError` because a term with `...` has no operand).
    EinsumPathOperandCount,
    /// `einsum_path`: an operand's number of dimensions differs from its term's length
    /// (`ValueError`). NumPy prints the `operand`-th character of the joined input subscripts
    /// (not the term), and so does this error; `None` where that position is past the end
    /// (NumPy then raises `IndexError`), printed as `Einstein sum subscript for operand N ...`.
    EinsumPathWrongIndexCount {
        /// The character NumPy prints.
        subscript: Option<char>,
        /// The operand.
        operand: usize,
    },
    /// `einsum_path`: a label's size differs between operands, neither being 1 (`ValueError`).
    ///
    /// `Size of label 'j' for operand 1 (3) does not match previous terms (4).` — NumPy prints
    /// the earlier size first, then the operand's.
    EinsumPathLabelSize {
        /// The label.
        label: char,
        /// The operand whose size disagrees.
        operand: usize,
        /// The size seen before (printed first).
        previous: usize,
        /// The operand's size (printed second).
        size: usize,
    },
    /// `einsum_path`: a FLOP count or the speedup is too large for a float, where NumPy's
    /// report raises Python's `OverflowError` (`int too large to convert to float`, or `integer
    /// division result too large for a float` when `division`).
    EinsumPathFloatOverflow {
        /// The speedup's division overflowed (rather than a count's conversion).
        division: bool,
    },

    // ---- memory ----
    /// A buffer could not be allocated: the allocator refused it (or it exceeds the cap set
    /// by `tuning::set_alloc_limit`). NumPy raises `MemoryError` (its subclass
    /// `numpy._core._exceptions._ArrayMemoryError`) with this text:
    /// `Unable to allocate 24.0 TiB for an array with shape (1099511627776, 3) and data type
    /// float64`. For the result, and for buffers NumPy would not allocate (copies, packing
    /// buffers, scratch), the shape and dtype are those of the buffer that failed.
    MemoryError {
        /// The buffer's shape.
        shape: Vec<usize>,
        /// NumPy's name of its dtype (`float64`, `int64`, `bool`, ...).
        dtype: &'static str,
        /// Bytes per element.
        itemsize: usize,
    },
    /// The result would have more elements (or bytes) than memory can address.
    TooBig,
    // ---- static dimensions ----
    /// A result whose number of dimensions differs from the one its static dimension type
    /// promises (`Array2 @ Array2` is an `Array2`, ...). Cannot happen: the dimension tables of
    /// [`crate::dims`] and the shape rules agree, and the tests check every pair of
    /// dimension types; reported rather than panicking. NumPy has no counterpart.
    ResultDimension {
        /// The number of dimensions the result's type has.
        expected: usize,
        /// The number of dimensions the computed result has.
        got: usize,
    },
}

/// Formats a shape as Python prints a tuple, without spaces: `()`, `(3,)`, `(2,3)`.
pub fn fmt_shape(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(","))
        }
    }
}

/// Formats a shape as Python's `repr` of a tuple: `()`, `(3,)`, `(2, 3)`.
fn fmt_tuple(shape: &[usize]) -> String {
    match shape {
        [d] => format!("({d},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// A byte count as NumPy's `_ArrayMemoryError._size_to_string` prints it: binary units
/// (`bytes`, `KiB` … `EiB`) chosen so that the value rounds below 1024, three significant
/// digits below 1000 (`24.0 TiB`, `1.00 KiB`, `999. MiB`), all digits otherwise (`1000. KiB`).
pub(crate) fn size_to_string(num_bytes: u128) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let bit_length = 128 - num_bytes.leading_zeros() as usize;
    let mut unit_i = bit_length.saturating_sub(1).max(1) / 10;
    // Python's `int / int` is correctly rounded; dividing the rounded float by a power of two
    // is exact, so this is the same float.
    let mut n_units = num_bytes as f64 / (1u128 << (unit_i * 10)) as f64;
    if n_units.round_ties_even() == 1024.0 {
        unit_i += 1;
        n_units /= 1024.0;
    }
    if unit_i >= UNITS.len() {
        n_units *= (1u128 << ((unit_i - (UNITS.len() - 1)) * 10)) as f64;
        unit_i = UNITS.len() - 1;
    }
    let unit = UNITS[unit_i];
    if unit_i == 0 {
        format!("{n_units:.0} {unit}")
    } else if n_units.round_ties_even() < 1000.0 {
        // `%#.3g` for 0.5 ≤ n < 999.5: three significant digits, trailing zeros and point kept.
        let mut decimals: usize = if n_units < 1.0 {
            3
        } else if n_units < 10.0 {
            2
        } else if n_units < 100.0 {
            1
        } else {
            0
        };
        loop {
            let s = format!("{n_units:.decimals$}");
            let digits = s.chars().filter(char::is_ascii_digit).count();
            let leading_zeros = s
                .chars()
                .take_while(|&c| c == '0' || c == '.')
                .filter(|&c| c == '0')
                .count();
            if digits - leading_zeros > 3 && decimals > 0 {
                decimals -= 1;
                continue;
            }
            return if decimals == 0 {
                format!("{s}. {unit}")
            } else {
                format!("{s} {unit}")
            };
        }
    } else {
        format!("{n_units:.0}. {unit}")
    }
}

/// Formats an iterator shape as NumPy's `convert_shape_to_string` does: leading `None`s are
/// dropped, later ones print as `newaxis`, and the one-element tuple comma appears only when
/// the whole shape has exactly one entry, so `[None, Some(5)]` prints `(5)`.
fn fmt_remapped(shape: &[RemappedDim]) -> String {
    let first = shape
        .iter()
        .position(Option::is_some)
        .unwrap_or(shape.len());
    let parts: Vec<String> = shape[first..]
        .iter()
        .map(|d| match d {
            Some(n) => n.to_string(),
            None => "newaxis".to_string(),
        })
        .collect();
    if parts.is_empty() {
        "()".to_string()
    } else if shape.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(","))
    }
}

/// Python's escape of a non-ASCII character in a `UnicodeEncodeError` message.
fn py_escape(ch: char) -> String {
    let c = ch as u32;
    if c < 0x100 {
        format!("\\x{c:02x}")
    } else if c < 0x10000 {
        format!("\\u{c:04x}")
    } else {
        format!("\\U{c:08x}")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotAligned {
                a_shape,
                b_shape,
                a_axis,
                b_axis,
            } => write!(
                f,
                "shapes {} and {} not aligned: {} (dim {}) != {} (dim {})",
                fmt_shape(a_shape),
                fmt_shape(b_shape),
                a_shape[*a_axis],
                a_axis,
                b_shape[*b_axis],
                b_axis
            ),
            Error::NotEnoughDimensions {
                operand,
                has,
                requires,
            } => write!(
                f,
                "matmul: Input operand {operand} does not have enough dimensions (has {has}, \
                 gufunc core with signature {MATMUL_SIGNATURE} requires {requires})"
            ),
            Error::CoreDimensionMismatch {
                output,
                operand,
                core_dim,
                size,
                expected,
            } => write!(
                f,
                "matmul: {} operand {operand} has a mismatch in its core dimension {core_dim}, \
                 with gufunc signature {MATMUL_SIGNATURE} (size {size} is different from {expected})",
                if *output { "Output" } else { "Input" }
            ),
            Error::BroadcastMismatch {
                operands,
                requested,
            } => {
                write!(
                    f,
                    "operands could not be broadcast together with remapped shapes [original->remapped]: "
                )?;
                for op in operands {
                    write!(
                        f,
                        "{}->{} ",
                        fmt_shape(&op.original),
                        fmt_remapped(&op.remapped)
                    )?;
                }
                write!(f, " and requested shape {}", fmt_remapped(requested))
            }
            Error::NonBroadcastableOutput {
                shape,
                remapped,
                broadcast,
            } => write!(
                f,
                "non-broadcastable output operand with shape {} [remapped to {}] doesn't match \
                 the broadcast shape {}",
                fmt_shape(shape),
                fmt_remapped(remapped),
                fmt_shape(broadcast)
            ),
            Error::OutputRequiresReduction { dim, size } => write!(
                f,
                "output operand requires a reduction along dimension {dim}, but the reduction is \
                 not enabled. The dimension size of {size} does not match the expected output shape."
            ),
            Error::UfuncBroadcast { shapes } => {
                write!(f, "operands could not be broadcast together with shapes ")?;
                for sh in shapes {
                    write!(f, "{} ", fmt_shape(sh))?;
                }
                Ok(())
            }
            Error::UfuncNonBroadcastableOutput { shape, broadcast } => write!(
                f,
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                fmt_shape(shape),
                fmt_shape(broadcast)
            ),
            Error::OutputWrongDimensions => write!(f, "output array has wrong dimensions"),
            Error::OutputNotAcceptable => write!(
                f,
                "output array is not acceptable (must have the right datatype, number of \
                 dimensions, and be a C-Array)"
            ),
            // ---- product family ----
            Error::VdotSizeMismatch { a_size, b_size } => write!(
                f,
                "cannot reshape array of size {b_size} into shape ({a_size},)"
            ),
            Error::TensordotDuplicateAxes => {
                write!(f, "duplicate axes are not allowed in tensordot")
            }
            Error::TensordotShapeMismatch => write!(f, "shape-mismatch for sum"),
            Error::TensordotAxesDontMatch => write!(f, "axes don't match array"),
            Error::TensordotAxisOutOfRange {
                operand,
                axis,
                ndim,
            } => write!(
                f,
                "tensordot: axis {axis} is out of range for operand {operand} with {ndim} \
                 dimension{} (NumPy raises IndexError: tuple index out of range)",
                if *ndim == 1 { "" } else { "s" }
            ),
            Error::GufuncNotEnoughDimensions {
                name,
                signature,
                operand,
                has,
                requires,
            } => write!(
                f,
                "{name}: Input operand {operand} does not have enough dimensions (has {has}, \
                 gufunc core with signature {signature} requires {requires})"
            ),
            Error::GufuncCoreDimensionMismatch {
                name,
                signature,
                operand,
                core_dim,
                size,
                expected,
            } => write!(
                f,
                "{name}: Input operand {operand} has a mismatch in its core dimension {core_dim}, \
                 with gufunc signature {signature} (size {size} is different from {expected})"
            ),
            Error::VecdotAxisOutOfBounds { axis, ndim } => write!(
                f,
                "axis {axis} is out of bounds for array of dimension {ndim}"
            ),
            Error::OuterNotOneDimensional { ndim1, ndim2 } => write!(
                f,
                "Input arrays must be one-dimensional, but they are x1.ndim={ndim1} and \
                 x2.ndim={ndim2}."
            ),

            // ---- np.linalg ----
            Error::ExpectingTwoArrays => write!(f, "Expecting at least two arrays."),
            Error::NotTwoDimensional { ndim } => write!(
                f,
                "{ndim}-dimensional array given. Array must be two-dimensional"
            ),
            Error::NotStackedTwoDimensional { ndim } => write!(
                f,
                "{ndim}-dimensional array given. Array must be at least two-dimensional"
            ),
            Error::NotSquare => write!(f, "Last 2 dimensions of the array must be square"),
            Error::SingularMatrix => write!(f, "Singular matrix"),
            Error::InverseDtype { dtype } => write!(
                f,
                "matrix_power with a negative exponent inverts the matrix: NumPy returns float64 \
                 for a {dtype} matrix, npdot keeps the input dtype; convert first, e.g. \
                 `npdot::linalg::matrix_power(&a.mapv(|x| x as f64), n)`"
            ),
            Error::CrossAxisOutOfRange { axis, ndim } => write!(
                f,
                "cross: axis {axis} is out of range for an array of dimension {ndim} \
                 (NumPy raises IndexError: tuple index out of range)"
            ),
            Error::CrossNotThreeVectors { a_len, b_len } => write!(
                f,
                "Both input arrays must be (arrays of) 3-dimensional vectors, but they are \
                 {a_len} and {b_len} dimensional instead."
            ),
            Error::CrossBroadcast { a_shape, b_shape } => write!(
                f,
                "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is \
                 between arg 0 with shape {} and arg 1 with shape {}.",
                fmt_tuple(a_shape),
                fmt_tuple(b_shape)
            ),
            Error::BoolSubtract => write!(
                f,
                "numpy boolean subtract, the `-` operator, is not supported, use the \
                 bitwise_xor, the `^` operator, or the logical_xor function instead."
            ),

            // ---- einsum ----
            Error::EinsumNotAscii { ch, start, end } => {
                if end - start == 1 {
                    write!(
                        f,
                        "'ascii' codec can't encode character '{}' in position {start}: \
                         ordinal not in range(128)",
                        py_escape(*ch)
                    )
                } else {
                    write!(
                        f,
                        "'ascii' codec can't encode characters in position {start}-{}: \
                         ordinal not in range(128)",
                        end - 1
                    )
                }
            }
            Error::EinsumNoOperands => write!(
                f,
                "must specify the einstein sum subscripts string and at least one operand"
            ),
            Error::EinsumTooManyOperands => write!(f, "too many operands"),
            Error::EinsumTooManyDims { ndim } => write!(
                f,
                "maximum supported dimension for an ndarray is currently 64, found {ndim}"
            ),
            Error::EinsumMoreOperands => write!(
                f,
                "more operands provided to einstein sum function than specified in the \
                 subscripts string"
            ),
            Error::EinsumFewerOperands => write!(
                f,
                "fewer operands provided to einstein sum function than specified in the \
                 subscripts string"
            ),
            Error::EinsumTooManySubscriptsForOperand { operand } => write!(
                f,
                "einstein sum subscripts string contains too many subscripts for operand {operand}"
            ),
            Error::EinsumInvalidSubscript { ch } => write!(
                f,
                "invalid subscript '{ch}' in einstein sum subscripts string, subscripts must be \
                 letters"
            ),
            Error::EinsumBadEllipsis { operand } => {
                write!(
                    f,
                    "einstein sum subscripts string contains a '.' that is not part of an \
                     ellipsis ('...') in "
                )?;
                match operand {
                    Some(op) => write!(f, "operand {op}"),
                    None => write!(f, "the output"),
                }
            }
            Error::EinsumOperandMoreDims => write!(
                f,
                "operand has more dimensions than subscripts given in einstein sum, but no '...' \
                 ellipsis provided to broadcast the extra dimensions."
            ),
            Error::EinsumOutputMoreDims => write!(
                f,
                "output has more dimensions than subscripts given in einstein sum, but no '...' \
                 ellipsis provided to broadcast the extra dimensions."
            ),
            Error::EinsumNoProperOutput => write!(
                f,
                "einstein sum subscript string does not contain proper '->' output specified"
            ),
            Error::EinsumOutputRepeated { ch } => write!(
                f,
                "einstein sum subscripts string includes output subscript '{ch}' multiple times"
            ),
            Error::EinsumOutputNeverAppeared { ch } => write!(
                f,
                "einstein sum subscripts string included output subscript '{ch}' which never \
                 appeared in an input"
            ),
            Error::EinsumTooManyOutputSubscripts => write!(
                f,
                "einstein sum subscripts string contains too many subscripts in the output"
            ),
            Error::EinsumTooManyDistinctLabels => write!(
                f,
                "einstein sum subscript string has too many distinct labels"
            ),
            Error::EinsumTooManySubscripts => write!(f, "too many subscripts in einsum"),
            Error::EinsumCollapsingSingle { ch, first, other } => write!(
                f,
                "dimensions in single operand for collapsing index '{ch}' don't match \
                 ({first} != {other})"
            ),
            Error::EinsumCollapsing {
                operand,
                ch,
                first,
                other,
            } => write!(
                f,
                "dimensions in operand {operand} for collapsing index '{ch}' don't match \
                 ({first} != {other})"
            ),
            Error::EinsumBroadcast { operands } => {
                write!(
                    f,
                    "operands could not be broadcast together with remapped shapes \
                     [original->remapped]: "
                )?;
                for op in operands {
                    write!(
                        f,
                        "{}->{} ",
                        fmt_shape(&op.original),
                        fmt_remapped(&op.remapped)
                    )?;
                }
                Ok(())
            }
            Error::EinsumIteratorTooLarge => write!(f, "iterator is too large"),
            Error::EinsumPathInvalidSymbol(c) => write!(f, "Character {c} is not a valid symbol."),
            Error::EinsumPathMultipleArrows => write!(f, "Subscripts can only contain one '->'."),
            Error::EinsumPathInvalidEllipses => write!(f, "Invalid Ellipses."),
            Error::EinsumPathEllipsesLengths => write!(f, "Ellipses lengths do not match."),
            Error::EinsumPathOutputRepeated(c) => {
                write!(
                    f,
                    "Output character {c} appeared more than once in the output."
                )
            }
            Error::EinsumPathOutputNotInInput(c) => {
                write!(f, "Output character {c} did not appear in the input")
            }
            Error::EinsumPathOperandCount => write!(
                f,
                "Number of einsum subscripts must be equal to the number of operands."
            ),
            Error::EinsumPathWrongIndexCount {
                subscript: Some(c),
                operand,
            } => write!(
                f,
                "Einstein sum subscript {c} does not contain the correct number of indices for \
                 operand {operand}."
            ),
            Error::EinsumPathWrongIndexCount {
                subscript: None,
                operand,
            } => write!(
                f,
                "Einstein sum subscript for operand {operand} does not contain the correct number \
                 of indices."
            ),
            Error::EinsumPathLabelSize {
                label,
                operand,
                previous,
                size,
            } => write!(
                f,
                "Size of label '{label}' for operand {operand} ({previous}) does not match \
                 previous terms ({size})."
            ),
            Error::EinsumPathFloatOverflow { division: false } => {
                write!(f, "int too large to convert to float")
            }
            Error::EinsumPathFloatOverflow { division: true } => {
                write!(f, "integer division result too large for a float")
            }

            // ---- memory ----
            Error::MemoryError {
                shape,
                dtype,
                itemsize,
            } => {
                let bytes = shape
                    .iter()
                    .fold(*itemsize as u128, |b, &d| b.saturating_mul(d as u128));
                write!(
                    f,
                    "Unable to allocate {} for an array with shape {} and data type {dtype}",
                    size_to_string(bytes),
                    fmt_tuple(shape)
                )
            }
            Error::TooBig => write!(
                f,
                "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum \
                 possible size."
            ),
            // ---- static dimensions ----
            Error::ResultDimension { expected, got } => write!(
                f,
                "internal error: a result with {got} dimensions for a static dimension type \
                 with {expected}"
            ),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_print_like_python_tuples() {
        assert_eq!(fmt_shape(&[]), "()");
        assert_eq!(fmt_shape(&[3]), "(3,)");
        assert_eq!(fmt_shape(&[2, 3]), "(2,3)");
        assert_eq!(fmt_remapped(&[Some(2), None, None]), "(2,newaxis,newaxis)");
        assert_eq!(fmt_remapped(&[]), "()");
        assert_eq!(fmt_remapped(&[Some(4)]), "(4,)");
        assert_eq!(fmt_remapped(&[None, None]), "()");
        assert_eq!(fmt_remapped(&[None, Some(5)]), "(5)");
        assert_eq!(fmt_remapped(&[None, Some(4), None]), "(4,newaxis)");
        assert_eq!(
            fmt_remapped(&[Some(2), Some(2), Some(1), None]),
            "(2,2,1,newaxis)"
        );
    }
}
