//! The error type of the figures crate.

use std::path::PathBuf;

/// Everything that can go wrong when drawing a figure.
///
/// Input problems (empty data, mismatched lengths, a range that is not finite) are reported
/// before any file is touched. Output problems carry the path that was being written.
/// Non-finite *points* are not errors: they are skipped and counted in
/// [`PlotSummary::skipped_non_finite`](crate::PlotSummary::skipped_non_finite); only when
/// nothing drawable is left does a plot fail with [`PlotError::NoFiniteData`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The output path does not end in `.svg` or `.png` (case-insensitive).
    #[error("{}: unsupported output format (the file name must end in .svg or .png)", path.display())]
    UnsupportedFormat {
        /// The path that was asked for.
        path: PathBuf,
    },
    /// The figure size is zero or too large.
    #[error("invalid figure size {width}×{height} (each side must be in 16..=16384 pixels)")]
    InvalidSize {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
    },
    /// An input that needs entries has none.
    #[error("{what} is empty")]
    Empty {
        /// Which input, e.g. `"series list"` or `"series \"p(x)\""`.
        what: String,
    },
    /// Two inputs that must have the same length do not.
    #[error("{what}: expected {expected} entries, found {found}")]
    LengthMismatch {
        /// Which input, e.g. `"y of series \"q\""`.
        what: String,
        /// The length implied by the other input.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// Every value of an input was NaN or infinite (or, on a log axis, ≤ 0).
    #[error("{what}: no finite values to draw ({skipped} skipped)")]
    NoFiniteData {
        /// Which input.
        what: String,
        /// How many values were skipped.
        skipped: usize,
    },
    /// A parameter is outside its domain (a non-finite range, a covariance that is not
    /// positive definite, a grid with fewer than 2 cells per side, …).
    #[error("invalid {what}: {reason}")]
    InvalidArgument {
        /// The parameter.
        what: String,
        /// Why it was rejected, with the value.
        reason: String,
    },
    /// The plotting library failed while drawing.
    #[error("{}: drawing failed: {message}", path.display())]
    Draw {
        /// The output path.
        path: PathBuf,
        /// The message of the underlying error.
        message: String,
    },
    /// Encoding the PNG failed.
    #[error("{}: PNG encoding failed: {message}", path.display())]
    Encode {
        /// The output path.
        path: PathBuf,
        /// The message of the underlying error.
        message: String,
    },
    /// Creating or writing the output file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The output path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
