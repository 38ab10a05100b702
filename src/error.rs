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

    // ---- np.linalg (multi_dot, matrix_power, cross, vecdot) ----

    // ---- einsum (NumPy's C implementation's errors) ----

    // ---- einsum_path (NumPy's Python parser's errors) ----

    // ---- memory ----
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

            // ---- np.linalg ----

            // ---- einsum ----

            // ---- einsum_path ----

            // ---- memory ----
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
