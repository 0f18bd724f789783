//! Figures for `kldiv` as SVG and PNG: line plots, bar charts, labelled scatter plots and
//! heatmaps with contours and Gaussian ellipses.
//!
//! The crate is data-in, file-out. A [`Figure`] holds the shared options (title, axis
//! labels, size, log-scaled y, [`Legend`] placement); each of its plotting methods takes borrowed data, draws it
//! and writes one file whose format is chosen by the extension, `.svg` or `.png`:
//!
//! | method | draws | typical use |
//! |---|---|---|
//! | [`Figure::lines`] | named [`Series`], solid or dashed, optional log-y | a density with fitted curves; loss/ELBO per iteration |
//! | [`Figure::bars`] | one or more [`Bars`] side by side over category labels | P vs Q over outcomes |
//! | [`Figure::scatter`] | a [`Scatter`] coloured by integer label, with legend | t-SNE / I-Con embeddings |
//! | [`Figure::heatmap`] | a [`Heatmap`] of a [`Grid`], contours, colour bar, [`Overlay`]s | a 2-D target density with a fitted Gaussian's 1σ/2σ ellipses |
//!
//! Each returns a [`PlotSummary`] (what was drawn and skipped) or a [`PlotError`].
//!
//! # Bad data
//! Empty inputs and mismatched lengths are errors. Points with a NaN or infinite coordinate
//! (and points with y ≤ 0 on a log axis) are *skipped*, never drawn as garbage, and counted
//! in [`PlotSummary::skipped_non_finite`] / [`PlotSummary::skipped_non_positive`]; a plot in
//! which nothing is left to draw fails with [`PlotError::NoFiniteData`]. Nothing panics.
//!
//! # Text
//! PNG text is rasterised in pure Rust (plotters' `ab_glyph` feature) from DejaVu Sans,
//! embedded in the crate with `include_bytes!` (Bitstream Vera licence, see
//! `fonts/LICENSE-DejaVu.txt`); no system font library is used. SVG files store text as
//! `<text font-family="sans-serif">`, rendered by the viewer's own font.
//!
//! # Example
//! ```
//! use kldiv_plot::{Bars, Figure, Series};
//!
//! let dir = tempfile::tempdir()?;
//! let x: Vec<f64> = (0..=100).map(|i| -4.0 + 8.0 * f64::from(i) / 100.0).collect();
//! let p: Vec<f64> = x.iter().map(|x| (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt()).collect();
//! let q: Vec<f64> = x.iter().map(|x| (-(x - 0.5f64).abs()).exp() / 2.0).collect();
//!
//! let fig = Figure::new("p and its fit q").x_label("x").y_label("density");
//! let summary = fig.lines(
//!     &[Series::new("p(x)", &x, &p), Series::new("q(x)", &x, &q).dashed()],
//!     dir.path().join("fit.png"),
//! )?;
//! assert_eq!(summary.drawn, 202);
//!
//! let fig = Figure::new("P vs Q").y_label("probability");
//! fig.bars(&["a", "b", "c"], &[Bars::new("P", &[0.5, 0.3, 0.2]), Bars::new("Q", &[0.4, 0.4, 0.2])],
//!          dir.path().join("pq.svg"))?;
//!
//! // Other extensions are refused, naming the path.
//! let err = fig.bars(&["a"], &[Bars::new("P", &[1.0])], "out.pdf").unwrap_err();
//! assert!(err.to_string().contains("out.pdf"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bar;
mod error;
mod figure;
mod heatmap;
mod line;
mod scatter;

pub use bar::Bars;
pub use error::PlotError;
pub use figure::{Figure, Format, Legend, PlotSummary};
pub use heatmap::{Grid, Heatmap, Overlay};
pub use line::Series;
pub use scatter::{MAX_LEGEND_ENTRIES, Scatter};
