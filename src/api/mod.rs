//! The public surface only: the prelude traits and the free functions. Each file is one group of
//! NumPy functions; the work is done by `shape` → `plan` → `kernels`.

mod products;
// ---- np.linalg ----
pub mod linalg;
// ---- product family ----
mod family;
pub(crate) mod family_linalg;
pub use family::*;

// ---- static dimensions ----
pub mod dims;

pub use products::*;
