//! Divergences and entropies estimated from samples alone.
//!
//! When there is no density, only data — `n` points `x_i` drawn from `P` and `m` points `y_j`
//! from `Q` — the divergence `D(P‖Q)` can still be estimated:
//!
//! | function | estimator | input |
//! |---|---|---|
//! | [`kl_knn`] | k-nearest-neighbour KL (Wang, Kulkarni & Verdú 2009; Pérez-Cruz 2008), plain, bias-corrected (`ψ(k) − ψ(l)`) or adaptive ([`Variant`]) | points in `ℝ^d` |
//! | [`entropy_knn`] | Kozachenko–Leonenko differential entropy | points in `ℝ^d` |
//! | [`kl_counts`], [`entropy_counts`] | plug-in from counts, optional Miller–Madow ([`Correction`]) | histograms / counts |
//! | [`kl_histogram`] | plug-in on shared 1-D bins ([`Binning`]) | two 1-D samples |
//!
//! Points are a row-major `&[f64]` with a dimension ([`Points`]). The k-NN estimators search
//! neighbours with a kd-tree or a blocked brute force ([`neighbors`]), chosen by dimension.
//!
//! **Estimates say how they were made.** An [`Estimate`] carries the value and its unit,
//! the [`Method`], `k`, the sample sizes, the duplicate report and, with a [`Bootstrap`], a
//! standard error, a confidence [`Interval`] and the seed.
//!
//! **Duplicates are never silent.** A repeated point makes a neighbour distance zero and a
//! k-NN estimate infinite; by default that is an error naming the number of duplicates and
//! an example row, and [`Duplicates`] offers deduplication or a seeded jitter instead.
//!
//! **Bias.** k-NN estimators are consistent but biased at finite `n`, and the bias grows with
//! the dimension and with the divergence itself. The bootstrap interval measures sampling
//! variability only (see [`Bootstrap`]); the bias-corrected and adaptive variants reduce the
//! bias in different regimes (see `bench/estimate.md` for measurements).
//!
//! ```
//! use kldiv::estimate::{kl_knn, KnnOptions, Points};
//! use rand::SeedableRng;
//! use rand_distr::{Distribution, Normal};
//! // P = N(0, 1), Q = N(1, 1): D(P‖Q) = 1/2.
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
//! let x: Vec<f64> = (0..4000).map(|_| Normal::new(0.0, 1.0).unwrap().sample(&mut rng)).collect();
//! let y: Vec<f64> = (0..4000).map(|_| Normal::new(1.0, 1.0).unwrap().sample(&mut rng)).collect();
//! let d = kl_knn(Points::new(&x, 1), Points::new(&y, 1), &KnnOptions::default()).unwrap();
//! assert!((d.value - 0.5).abs() < 0.05);
//! ```

mod bootstrap;
mod digamma;
mod duplicates;
mod engine;
mod histogram;
mod knn;
pub mod neighbors;
mod points;
mod result;

pub use duplicates::{DuplicateReport, Duplicates};
pub use histogram::{
    Binning, Correction, MAX_BINS, entropy_counts, histogram_counts, histogram_edges, kl_counts,
    kl_histogram,
};
pub use knn::{
    KnnOptions, Variant, entropy_knn, entropy_knn_with_progress, kl_knn, kl_knn_with_progress,
};
pub use neighbors::{Backend, Metric, Progress, ProgressFn};
pub use points::Points;
pub use result::{Bootstrap, CiMethod, Estimate, Interval, Method};

/// The digamma function `ψ(x)` for `x > 0` (NaN otherwise), as used by the bias-corrected
/// estimators. Accurate to a few ulps.
///
/// ```
/// // ψ(1) = −γ (Euler–Mascheroni).
/// assert!((kldiv::estimate::digamma(1.0) + 0.5772156649015329).abs() < 1e-15);
/// ```
pub fn digamma(x: f64) -> f64 {
    digamma::digamma(x)
}
