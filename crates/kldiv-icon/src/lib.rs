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
//!
//! ## Definitions and conventions
//!
//! - `D_KL(p‖q) = Σ_j p_j ln(p_j/q_j)` in **nats**; terms with `p_j = 0` are 0, a term with
//!   `p_j > 0 = q_j` makes the row `+∞` (a value, not an error).
//! - The *forward* objective is `Σ_i KL(p_i‖q_i)` (SNE, contrastive learning, clustering); the
//!   *reverse* one `Σ_i KL(q_i‖p_i)` (k-means, Theorem 13); the *cross-entropy* mode drops the
//!   constant `−H(p_i)`: `Σ_i H(p_i, q_i) = −Σ_{ij} p_ij ln q_ij`.
//! - Debiasing mixes a row with the uniform distribution over all `N` columns (the point
//!   itself included): `p̃ = (1 − α)p + α/N`.
//! - Distances: squared Euclidean `‖x_i − x_j‖²` by default, or cosine `1 − cos(x_i, x_j)`.
//!
//! ## Example
//!
//! SNE-style: a 1-nearest-neighbour `p` against a Cauchy (Student-t, `ν = 1`) `q` on three
//! points of the line.
//!
//! ```
//! use kldiv_icon::{Points, kernels::{self, Diagonal, Distance}, objective::{loss, Objective}};
//! let x = Points::new("x", &[0.0, 1.0, 3.0], 1)?;
//! let p = kernels::knn_uniform(x, 1, Distance::SquaredEuclidean)?.to_dense();
//! let q = kernels::student_t(x, 1.0, Distance::SquaredEuclidean, Diagonal::Exclude)?;
//! // Cauchy weights 1/(1 + d²): q(1|0) = .5/(.5 + .1), q(0|1) = .5/(.5 + .2), q(1|2) = .2/(.2 + .1).
//! assert_eq!(q.row(1), &[0.5 / (0.5 + 0.2), 0.0, 0.2 / (0.5 + 0.2)]);
//! // p is one-hot on the nearest neighbour, so the loss is −Σ ln q(nn(i)|i) (nats).
//! let l = loss(&p, &q, &Objective::default())?;
//! let expected = -((0.5f64 / 0.6).ln() + (0.5f64 / 0.7).ln() + (0.2f64 / 0.3).ln());
//! assert!((l - expected).abs() < 1e-15);
//! # Ok::<(), kldiv_icon::IconError>(())
//! ```
//!
//! ## Map of the modules
//!
//! - [`kernels`]: row-stochastic neighbourhood matrices — Gaussian (given `σ`), Student-t,
//!   uniform kNN, Gaussian kNN, same label, positive pairs, one-hot classes, cluster kernel of
//!   soft assignments, identity.
//! - [`combinators`]: mask the diagonal, row-normalise, symmetrise (joint t-SNE form), debias,
//!   propagate along walks (weighted or indicator, return walks kept or dropped).
//! - [`objective`]: the loss (forward / reverse KL, cross-entropy; sum or mean over rows) and
//!   exact `O(n²)` gradients with respect to free embeddings, a linear mapper's weights and
//!   cluster logits.
//! - [`methods`]: k-means as I-Con, debiased InfoNCE-style clustering, cross-entropy
//!   classification with a linear mapper.
//! - [`affinity`]: Gaussian neighbourhoods calibrated by perplexity (dense, or sparse over
//!   the nearest neighbours), and the joint symmetrised `P` of t-SNE.
//! - [`tsne`]: SNE and t-SNE ("Gaussian p, Gaussian / Student-t q") with exact and Barnes–Hut
//!   gradients and van der Maaten's optimiser.
//! - [`metrics`]: leave-one-out kNN accuracy, Hungarian (best-matching) accuracy, NMI,
//!   trustworthiness.
//! - [`Dense`], [`Sparse`]: the matrices; [`Progress`] / [`ProgressFn`]: progress callbacks;
//!   [`IconError`]: every error names the argument, the index and the value.
//!
//! ## The methods (stable signatures, used by the `kldiv icon` CLI)
//!
//! ```text
//! methods::kmeans(x: Points, options: &KMeansOptions, progress: &mut ProgressFn) -> Result<KMeansResult>
//! methods::cluster(x: Points, options: &ClusterOptions, progress: &mut ProgressFn) -> Result<ClusterResult>
//! methods::classify(x: Points, labels: &[usize], options: &ClassifyOptions,
//!                   progress: &mut ProgressFn) -> Result<ClassifyResult>
//! ```
//!
//! Each result carries the predicted `labels`, the soft `assignments` (or class
//! probabilities), `losses` (one per iteration, nats, except k-means whose per-iteration value
//! is the k-means objective `L_PKM` in squared coordinate units) and a one-line `summary` of
//! what was run with its `options`.

pub mod affinity;
pub mod combinators;
mod error;
pub mod kernels;
mod matrix;
mod matrix_ops;
pub mod methods;
pub mod metrics;
pub mod objective;
mod points;
mod progress;
pub mod tsne;

pub use error::IconError;
pub use matrix::{Dense, Sparse};
pub use points::Points;
pub use progress::{Progress, ProgressFn, no_progress};

/// Results of this crate: a value or an [`IconError`].
pub type Result<T> = std::result::Result<T, IconError>;
