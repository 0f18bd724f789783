//! One module per subcommand.

pub mod discrete;
pub mod loss;
pub mod stream;
