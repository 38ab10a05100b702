//! `einsum_path`: NumPy's contraction orders for an einsum expression and its printed report.
//!
//! `path` reproduces `np.einsum_path(subscripts, *operands, optimize=...)`: the subscripts are
//! parsed as NumPy's Python code parses them (with its errors), the greedy or optimal search runs
//! with NumPy's costs, tie-breaking and default memory limit, and the report is NumPy's text.

pub(crate) mod path;

pub use path::{Optimize, einsum_path};
