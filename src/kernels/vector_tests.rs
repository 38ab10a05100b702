//! Unit tests of the vector kernels against naive in-order references, for every element
//! type and layout.
