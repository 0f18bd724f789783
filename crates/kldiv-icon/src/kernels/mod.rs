//! Neighbourhood kernels: row-stochastic matrices `p(j|i)` built from points, labels, pairs or
//! soft cluster assignments.
//!
//! Every kernel returns a matrix whose row `i` is a probability distribution over the columns:
//! the points `j = 0..n` (or the classes, for [`one_hot`]). Dense kernels return [`Dense`]
//! (`n × n`, meant for `n` up to a few thousand), neighbour-list kernels return [`Sparse`]
//! (`k` stored entries per row). Whether `j = i` is a neighbour of itself is chosen with
//! [`Diagonal`]; SNE-style kernels exclude it, the cluster kernel and the k-means identity
//! (Theorem 13) include it.
//!
//! | kernel | weight of `j` in row `i` (before normalising the row) |
//! |---|---|
//! | [`gaussian`] | `exp(−d(x_i, x_j) / 2σ_i²)` |
//! | [`student_t`] | `(1 + d(x_i, x_j)/ν)^{−(ν+1)/2}` (Cauchy for `ν = 1`) |
//! | [`gaussian_knn`] | the Gaussian weight, on the `k` nearest neighbours only |
//! | [`knn_uniform`] | `1` on the `k` nearest neighbours of `i` (`j ≠ i`) |
//! | [`same_label`] | `1[y_j = y_i]` |
//! | [`positive_pairs`] | `1[(i, j) or (j, i) is a listed pair]` |
//! | [`cluster`] | `Σ_c φ_ic φ_jc / Σ_k φ_kc` (already normalised) |
//! | [`identity`] | `1[j = i]` |
//!
//! The distance `d` is one of [`Distance`]: the squared Euclidean distance `‖x_i − x_j‖²`
//! (the default, the one of SNE and t-SNE) or the cosine distance
//! `1 − x_i·x_j / (‖x_i‖ ‖x_j‖) ∈ [0, 2]` (used with normalised embeddings in contrastive
//! learning). Gaussian rows are computed relative to the row's smallest distance, so no row
//! underflows to all zeros however small `σ_i` is.

mod cluster;
mod gaussian;
mod labels;
mod neighbours;

pub use cluster::cluster;
pub(crate) use cluster::{check_assignments as cluster_check, cluster_sizes as cluster_sizes_of};
pub use gaussian::{Bandwidth, gaussian, student_t};
pub use labels::{one_hot, positive_pairs, same_label};
pub use neighbours::{gaussian_knn, knn_uniform, nearest};

use crate::{Dense, IconError, Points, Result, Sparse};
use rayon::prelude::*;

/// The distance between two points used by the kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Distance {
    /// `‖a − b‖² = Σ_k (a_k − b_k)²` (squared units of the coordinates). The default.
    #[default]
    SquaredEuclidean,
    /// `1 − a·b / (‖a‖ ‖b‖)`, dimensionless, in `[0, 2]`. Undefined for a zero vector: the
    /// kernels reject one with an error ([`Distance::between`] alone returns NaN).
    Cosine,
}

impl Distance {
    /// The distance between `a` and `b` (same length).
    ///
    /// ```
    /// use kldiv_icon::kernels::Distance;
    /// assert_eq!(Distance::SquaredEuclidean.between(&[0.0, 0.0], &[3.0, 4.0]), 25.0);
    /// assert_eq!(Distance::Cosine.between(&[1.0, 0.0], &[0.0, 2.0]), 1.0);
    /// assert_eq!(Distance::Cosine.between(&[1.0, 0.0], &[-1.0, 0.0]), 2.0);
    /// ```
    pub fn between(self, a: &[f64], b: &[f64]) -> f64 {
        match self {
            Distance::SquaredEuclidean => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
            Distance::Cosine => {
                let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
                let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
                let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
                (1.0 - dot / (na * nb)).max(0.0)
            }
        }
    }

    /// Checks that every point is usable with this distance (non-zero for the cosine).
    pub(crate) fn check(self, what: &'static str, x: Points<'_>) -> Result<()> {
        if self == Distance::Cosine {
            if let Some(i) = (0..x.n()).find(|&i| x.row(i).iter().all(|&v| v == 0.0)) {
                return Err(IconError::Entry {
                    what,
                    index: i,
                    value: 0.0,
                    reason: "the cosine distance needs points with a non-zero norm",
                });
            }
        }
        Ok(())
    }
}

/// Whether a point counts among its own neighbours (`j = i` in row `i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Diagonal {
    /// `p(i|i) = 0`: the SNE / contrastive convention. The default.
    #[default]
    Exclude,
    /// `p(i|i)` gets its weight like any other point (the k-means identity of Theorem 13).
    Include,
}

/// All pairwise distances `D_ij = d(x_i, x_j)`, an `n × n` matrix (zero diagonal).
///
/// # Errors
/// [`IconError::Entry`] for a zero point under [`Distance::Cosine`].
///
/// ```
/// use kldiv_icon::{Points, kernels::{distances, Distance}};
/// let x = Points::new("x", &[0.0, 1.0, 3.0], 1)?;
/// let d = distances(x, Distance::SquaredEuclidean)?;
/// assert_eq!(d.row(0), &[0.0, 1.0, 9.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn distances(x: Points<'_>, distance: Distance) -> Result<Dense> {
    distance.check("x", x)?;
    let n = x.n();
    let mut out = vec![0.0; n * n];
    out.par_chunks_mut(n.max(1))
        .enumerate()
        .for_each(|(i, row)| {
            for (j, d) in row.iter_mut().enumerate() {
                if j != i {
                    *d = distance.between(x.row(i), x.row(j));
                }
            }
        });
    Ok(Dense::from_raw(n, n, out))
}

/// The identity kernel `p(j|i) = 1[j = i]` on `n` points (each point is its own only
/// neighbour; the supervision of a purely instance-discriminative task).
///
/// # Errors
/// [`IconError::Parameter`] if `n = 0` or `n > u32::MAX`.
///
/// ```
/// let p = kldiv_icon::kernels::identity(2)?;
/// assert_eq!(p.to_dense().as_slice(), &[1.0, 0.0, 0.0, 1.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn identity(n: usize) -> Result<Sparse> {
    if n == 0 || n > u32::MAX as usize {
        return Err(IconError::Parameter {
            name: "n",
            value: n as f64,
            reason: "needs 1 <= n <= 2^32 - 1",
        });
    }
    Sparse::new(
        n,
        n,
        (0..=n).collect(),
        (0..n as u32).collect(),
        vec![1.0; n],
    )
}

/// Normalises `w` in place to sum to 1; `row` names it in the error.
pub(crate) fn normalise_row(what: &'static str, row: usize, w: &mut [f64]) -> Result<()> {
    let s = kldiv::sum::sum(w);
    if !(s > 0.0 && s.is_finite()) {
        return Err(IconError::Entry {
            what,
            index: row,
            value: s,
            reason: "row has no positive finite weight to normalise",
        });
    }
    for v in w.iter_mut() {
        *v /= s;
    }
    Ok(())
}
