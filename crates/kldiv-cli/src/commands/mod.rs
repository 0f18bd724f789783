//! One module per subcommand.

pub mod discrete;
pub mod stream;
