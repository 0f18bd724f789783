//! One module per subcommand.

pub mod discrete;
