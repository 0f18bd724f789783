//! I-Con: representation learning as one Kullback–Leibler divergence.
//!
//! Alshammari, Hershey, Feldmann, Freeman & Hamilton ("I-Con: A Unifying Framework for
//! Representation Learning", ICLR 2025) show that SNE, t-SNE, contrastive learning, supervised
//! cross-entropy, k-means and spectral clustering all minimise
//!
//! ```text
//! L = Σ_i D_KL( p(·|i) ‖ q(·|i) )
//! ```
//!
//! between a *supervisory* neighbourhood distribution `p(j|i)` (from the data, labels or pairs)
//! and a *learned* one `q(j|i)` (from embeddings or cluster assignments). Each row `p(·|i)`,
//! `q(·|i)` is a probability distribution over the `n` points.
//!
//! This crate is written from the paper's definitions. Points are given as a row-major
//! [`Points`] view (`n` rows of `d` coordinates, f64).

pub mod affinity;
mod error;
mod matrix;
pub mod metrics;
mod points;
mod progress;
pub mod tsne;

pub use error::IconError;
pub use matrix::{Dense, Sparse};
pub use points::Points;
pub use progress::{Progress, ProgressFn, no_progress};

/// Results of this crate: a value or an [`IconError`].
pub type Result<T> = std::result::Result<T, IconError>;
