//! Placeholder; the benchmark groups are added by the performance work.
fn main() {}
