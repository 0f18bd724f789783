//! Trustworthiness of an embedding (Venna & Kaski 2001).
//!
//! ```text
//! T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k)
//! ```
//!
//! where `U_k(i)` are the points among the `k` nearest neighbours of `i` in the embedding but
//! not in the original space, and `r(i, j) ≥ 1` is the rank of `j` among the neighbours of `i`
//! in the original space (Euclidean). `T = 1` when every embedded neighbourhood is a true one.
//! As `sklearn.manifold.trustworthiness`. Ties in the original space are ranked by counting
//! the strictly closer points (`r = 1 + #{l ≠ i : d(i,l) < d(i,j)}`), which scikit-learn
//! leaves to its sort order.

use crate::kernels::{Distance, nearest};
use crate::{IconError, Points, Result};
use rayon::prelude::*;

/// Trustworthiness `T(k)` of the embedding `y` of the points `x` (same number of rows), a
/// number in `[0, 1]` (no unit). Exact: the `k` nearest neighbours in the embedding come from
/// [`crate::kernels::nearest`] (the core's exact `k_nearest`), the ranks in the original
/// space from the full distance row of each point (`O(n²·d)` work, rows in parallel).
///
/// # Errors
/// [`IconError::Shape`] if `x` and `y` differ in their number of points;
/// [`IconError::Parameter`] unless `1 ≤ k < n/2` (the normalisation needs `2n − 3k − 1 > 0`).
///
/// ```
/// use kldiv_icon::{Points, metrics::trustworthiness};
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
/// // The identity embedding is perfectly trustworthy.
/// assert_eq!(trustworthiness(Points::new("x", &x, 1)?, Points::new("y", &x, 1)?, 2)?, 1.0);
/// // Swapping the end points puts strangers next to each other.
/// let y = [5.0, 1.0, 2.0, 3.0, 4.0, 0.0];
/// let t = trustworthiness(Points::new("x", &x, 1)?, Points::new("y", &y, 1)?, 2)?;
/// assert!(t < 1.0);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn trustworthiness(x: Points<'_>, y: Points<'_>, k: usize) -> Result<f64> {
    let n = x.n();
    if y.n() != n {
        return Err(IconError::Shape {
            what: "embedding (one row per point)",
            len: y.n(),
            n,
            d: y.d(),
        });
    }
    if k == 0 || 2 * k >= n {
        return Err(IconError::Parameter {
            name: "k",
            value: k as f64,
            reason: "trustworthiness needs 1 <= k < n/2",
        });
    }
    let (nn_idx, _) = nearest(y, k, Distance::SquaredEuclidean)?;
    let penalties: Vec<f64> = (0..n)
        .into_par_iter()
        .with_min_len(16)
        .map_init(
            || vec![0.0; n],
            |dist, i| {
                for (j, d) in dist.iter_mut().enumerate() {
                    *d = x.sq_dist(i, j);
                }
                let mut s = 0.0;
                for &j in &nn_idx[i * k..(i + 1) * k] {
                    let dj = dist[j as usize];
                    let closer = dist
                        .iter()
                        .enumerate()
                        .filter(|&(l, &dl)| l != i && dl < dj)
                        .count();
                    let rank = closer + 1;
                    if rank > k {
                        s += (rank - k) as f64;
                    }
                }
                s
            },
        )
        .collect();
    let (nf, kf) = (n as f64, k as f64);
    Ok(1.0 - 2.0 / (nf * kf * (2.0 * nf - 3.0 * kf - 1.0)) * kldiv::sum::sum(&penalties))
}
