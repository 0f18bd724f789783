//! The `kldiv` binary.
fn main() {}
