//! One module per subcommand.

pub mod discrete;
pub mod dist;
pub mod stream;
