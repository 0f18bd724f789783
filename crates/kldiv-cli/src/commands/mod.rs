//! One module per subcommand.

pub mod discrete;
pub mod dist;
pub mod estimate;
pub mod icon;
mod icon_methods;
pub mod loss;
pub mod stream;
