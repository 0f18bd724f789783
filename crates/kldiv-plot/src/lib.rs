//! Figures for `kldiv` as SVG and PNG.
//!
//! TODO crate docs.

mod bar;
mod error;
mod figure;
mod heatmap;
mod line;
mod scatter;

pub use bar::Bars;
pub use error::PlotError;
pub use figure::{Figure, Format, PlotSummary};
pub use heatmap::{Grid, Heatmap, Overlay};
pub use line::Series;
pub use scatter::{MAX_LEGEND_ENTRIES, Scatter};
