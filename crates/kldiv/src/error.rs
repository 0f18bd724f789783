//! Error types of the core library.
//!
//! Invalid input is an error, never a panic and never a silent fix. Every variant names
//! *where* the problem is (which argument, which index, which row) and *what* was found.
//! Infinity is not an error: `KL(p‖q) = +∞` when `p` has mass where `q` has none is a value
//! (see [`crate::discrete::Support`]).

use std::fmt;

/// Which input of a two-argument measure an error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arg {
    /// The reference ("true") distribution `p`, the first argument.
    P,
    /// The approximating distribution `q`, the second argument.
    Q,
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arg::P => "p",
            Arg::Q => "q",
        })
    }
}

/// Everything that can go wrong in `kldiv`.
///
/// The enum is `#[non_exhaustive]`: later modules add variants without breaking callers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input has no entries.
    #[error("{arg} is empty")]
    Empty {
        /// The offending input.
        arg: Arg,
    },
    /// `p` and `q` have different numbers of outcomes.
    #[error("p has {p_len} outcomes but q has {q_len}")]
    LengthMismatch {
        /// Number of entries of `p`.
        p_len: usize,
        /// Number of entries of `q`.
        q_len: usize,
    },
    /// An entry is NaN or ±∞.
    #[error("{arg}[{index}] = {value} is not a finite number")]
    NotFinite {
        /// The offending input.
        arg: Arg,
        /// Zero-based index of the entry.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// An entry is negative.
    #[error("{arg}[{index}] = {value} is negative")]
    Negative {
        /// The offending input.
        arg: Arg,
        /// Zero-based index of the entry.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// The entries do not sum to one within the tolerance of [`crate::discrete::Normalize::Check`].
    #[error(
        "{arg} sums to {sum} (|sum - 1| = {deviation:e} > tolerance {tol:e}); \
         pass Normalize::Renormalize (CLI: --normalize renormalize) if it holds weights or counts"
    )]
    NotNormalized {
        /// The offending input.
        arg: Arg,
        /// The sum found.
        sum: f64,
        /// `|sum − 1|`.
        deviation: f64,
        /// The tolerance in force.
        tol: f64,
    },
    /// Renormalisation was asked for but every entry is zero.
    #[error("{arg} has total mass 0 and cannot be renormalized")]
    ZeroMass {
        /// The offending input.
        arg: Arg,
    },
    /// `p` has mass where `q` has none, under [`crate::discrete::Support::Error`].
    #[error(
        "p[{index}] = {p_value} > 0 where q[{index}] = 0 (first of {count} such outcomes; \
         p-mass outside supp(q) = {mass_outside})"
    )]
    SupportMismatch {
        /// First index with `p > 0` and `q = 0`.
        index: usize,
        /// `p` at that index (after normalisation and smoothing).
        p_value: f64,
        /// Number of outcomes with `p > 0` and `q = 0`.
        count: usize,
        /// Total `p`-mass on those outcomes.
        mass_outside: f64,
    },
    /// A logarithm base that is not a finite number `> 0` and `!= 1`.
    #[error("invalid logarithm base {base}: it must be finite, > 0 and != 1")]
    InvalidBase {
        /// The base given.
        base: f64,
    },
    /// An invalid parameter of an option or of a distribution.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// Name of the parameter (`"alpha"`, `"epsilon"`, `"tol"`, `"sigma"`, ...).
        name: &'static str,
        /// The value given.
        value: f64,
        /// What the parameter must satisfy.
        reason: &'static str,
    },
    /// A flat buffer cannot be viewed as a matrix of the given shape.
    #[error("{arg}: a buffer of {len} entries is not a matrix with {cols} columns")]
    Shape {
        /// The offending input.
        arg: Arg,
        /// Length of the buffer.
        len: usize,
        /// Requested number of columns.
        cols: usize,
    },
    /// Row batches with different numbers of rows where they must agree.
    #[error("p has {p_rows} rows but q has {q_rows}")]
    RowCountMismatch {
        /// Rows of `p`.
        p_rows: usize,
        /// Rows of `q`.
        q_rows: usize,
    },
    /// An error inside one row of a batch.
    #[error("row {row}: {source}")]
    InRow {
        /// Zero-based row index (of `p` unless the error names `q`).
        row: usize,
        /// The error in that row.
        source: Box<Error>,
    },
    /// A measure that needs `q` was evaluated without it.
    #[error("the measure {measure} needs a second distribution q")]
    MissingQ {
        /// Name of the measure.
        measure: &'static str,
    },
    // --- loss ---
    /// An input of a loss (logits, mask, labels, a gradient buffer, ...) has the wrong length.
    #[error("{what} has {len} entries but {expected} are needed")]
    WrongLength {
        /// Which input (`"student"`, `"teacher"`, `"mask"`, `"labels"`, `"grad_student"`, ...).
        what: &'static str,
        /// Its length.
        len: usize,
        /// The length required by the other inputs.
        expected: usize,
    },
    /// An index (e.g. of a sparse teacher's top-k entries) is out of range or repeated.
    #[error("{what}[{position}] = {index}: {reason}")]
    BadIndex {
        /// Which input holds the index.
        what: &'static str,
        /// Position of the index within its row.
        position: usize,
        /// The index found.
        index: i64,
        /// What is wrong with it.
        reason: &'static str,
    },
    // --- estimate ---
    /// A sample holds a point twice (or a point of the `p`-sample also occurs in the
    /// `q`-sample) under [`crate::estimate::Duplicates::Error`]: a zero neighbour distance would
    /// make a k-NN estimate `±∞`.
    #[error(
        "{count} duplicate point(s): row {index} of the {arg}-sample equals row {equal_to} of \
         the {other}-sample; k-NN estimators assume distinct points (use the dedup or jitter \
         duplicate policy)"
    )]
    DuplicatePoints {
        /// The sample holding the example duplicate.
        arg: Arg,
        /// Number of rows that repeat an earlier row of the same sample or a row of the other
        /// sample.
        count: usize,
        /// Zero-based row of the example duplicate.
        index: usize,
        /// The sample holding the row it equals.
        other: Arg,
        /// Zero-based row it equals.
        equal_to: usize,
    },
    /// A sample has too few points for the number of neighbours asked for.
    #[error("the {arg}-sample has {n} points but k = {k} needs at least {needed}")]
    TooFewPoints {
        /// The sample.
        arg: Arg,
        /// Number of points it has.
        n: usize,
        /// The neighbour order asked for.
        k: usize,
        /// The minimum number of points needed.
        needed: usize,
    },
    /// The two samples live in spaces of different dimension.
    #[error("the p-sample has dimension {p_dim} but the q-sample has dimension {q_dim}")]
    SampleDimensionMismatch {
        /// Dimension of the `p`-sample.
        p_dim: usize,
        /// Dimension of the `q`-sample.
        q_dim: usize,
    },
    /// A coordinate of a point is NaN or ±∞.
    #[error("{arg}-sample row {row}, column {col}: {value} is not a finite number")]
    NotFinitePoint {
        /// The sample.
        arg: Arg,
        /// Zero-based row (point).
        row: usize,
        /// Zero-based column (coordinate).
        col: usize,
        /// The value found.
        value: f64,
    },
    /// A progress callback asked to stop.
    #[error("cancelled by the progress callback during {stage}")]
    Cancelled {
        /// What was running.
        stage: &'static str,
    },
    // --- dist ---
    /// A distribution spec (`"normal(mean=0, std=1)"`) that cannot be parsed.
    #[error("cannot parse spec at position {position} (near {text:?}): {reason}")]
    Spec {
        /// Zero-based byte offset in the spec where the problem was found.
        position: usize,
        /// The text at that position (a short excerpt).
        text: String,
        /// What was expected.
        reason: String,
    },
    /// An invalid entry of a vector or matrix parameter (`alpha[2] = -1`, `cov[0][1] = NaN`).
    #[error("invalid parameter {name}[{index}] = {value}: {reason}")]
    InvalidElement {
        /// Name of the parameter.
        name: &'static str,
        /// Zero-based (row-major for matrices) index of the entry.
        index: usize,
        /// The value given.
        value: f64,
        /// What the entry must satisfy.
        reason: &'static str,
    },
    /// Parameters or distributions whose dimensions do not agree.
    #[error("dimension mismatch for {name}: expected {expected}, found {found}")]
    DimensionMismatch {
        /// What was being compared (`"cov"`, `"mean"`, `"q"`).
        name: &'static str,
        /// The dimension required.
        expected: usize,
        /// The dimension given.
        found: usize,
    },
    /// A covariance (or scale) matrix that is not symmetric positive definite.
    #[error("{name} is not symmetric positive definite (Cholesky failed at pivot {pivot})")]
    NotPositiveDefinite {
        /// Name of the matrix parameter.
        name: &'static str,
        /// Zero-based pivot at which the factorisation broke down.
        pivot: usize,
    },
    /// No method of the requested kind exists for this pair of distributions.
    #[error("no {method} method for KL({p} ‖ {q}): {reason}")]
    NoMethod {
        /// Family of `p`.
        p: String,
        /// Family of `q`.
        q: String,
        /// The method requested (`"closed-form"`, `"quadrature"`, ...).
        method: &'static str,
        /// Why.
        reason: String,
    },
    // --- variational ---
    /// A target that the requested fit cannot use (a discrete family, a density with bounded
    /// support for a reverse fit, no moments and no sampler for a forward fit).
    #[error("cannot fit a Gaussian to {target}: {reason}")]
    UnsupportedTarget {
        /// The target (its spec or description).
        target: String,
        /// Why.
        reason: &'static str,
    },
    /// An optimiser produced a non-finite objective or gradient.
    #[error(
        "the fit diverged at iteration {iteration} (objective {value}); try a smaller step \
         size or a better starting point"
    )]
    Diverged {
        /// Zero-based iteration.
        iteration: usize,
        /// The objective found.
        value: f64,
    },
}

impl Error {
    /// Wraps `self` as an error of row `row` of a batch.
    pub fn in_row(self, row: usize) -> Error {
        Error::InRow {
            row,
            source: Box::new(self),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
