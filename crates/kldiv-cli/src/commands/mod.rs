//! One module per subcommand.

mod bar;
pub mod discrete;
pub mod dist;
pub mod estimate;
pub mod fit;
pub mod icon;
mod icon_methods;
pub mod iter_bar;
pub mod loss;
pub mod stream;
pub mod vi;
