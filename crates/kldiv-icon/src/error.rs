//! The errors of `kldiv-icon`: every variant names the offending argument, index and value.

/// An invalid input to an I-Con computation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IconError {
    /// A point set with no points or no coordinates.
    #[error("{what}: empty ({n} points of dimension {d})")]
    Empty {
        /// Which argument.
        what: &'static str,
        /// Number of points.
        n: usize,
        /// Dimension.
        d: usize,
    },
    /// The flat buffer is not `n · d` long.
    #[error("{what}: {len} values do not form {n} rows of {d}")]
    Shape {
        /// Which argument.
        what: &'static str,
        /// Length of the buffer.
        len: usize,
        /// Expected rows.
        n: usize,
        /// Expected columns.
        d: usize,
    },
    /// A NaN or infinite coordinate.
    #[error("{what}: row {row}, column {col}: value {value} is not finite")]
    NonFinite {
        /// Which argument.
        what: &'static str,
        /// Row (point) index.
        row: usize,
        /// Column (coordinate) index.
        col: usize,
        /// The value.
        value: f64,
    },
    /// A parameter outside its valid range.
    #[error("{name} = {value}: {reason}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What it must satisfy.
        reason: &'static str,
    },
    /// An entry of an argument (a label, an index, a row of a matrix) that is invalid.
    #[error("{what}: index {index}: value {value}: {reason}")]
    Entry {
        /// Which argument.
        what: &'static str,
        /// The index of the offending entry (row, point or pair).
        index: usize,
        /// Its value (a label, an index or a row sum).
        value: f64,
        /// What it must satisfy.
        reason: &'static str,
    },
    /// The progress callback asked to stop.
    #[error("cancelled at iteration {iter}")]
    Cancelled {
        /// The iteration at which the run stopped.
        iter: usize,
    },
}
