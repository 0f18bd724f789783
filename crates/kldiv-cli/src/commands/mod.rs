//! One module per subcommand.

pub mod discrete;
pub mod dist;
pub mod estimate;
pub mod icon;
pub mod loss;
pub mod stream;
