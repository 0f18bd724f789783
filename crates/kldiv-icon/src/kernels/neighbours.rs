//! Kernels on the `k` nearest neighbours (sparse rows).

use super::{Bandwidth, Distance};
use crate::{IconError, Points, Result, Sparse};
use kldiv::estimate::neighbors::{Backend, Exclude, Metric, k_nearest, no_progress};

/// The `k` nearest neighbours of every point among the others (`j ≠ i`), by `distance`:
/// row-major `n × k` lists of indices and distances (in the units of [`Distance`], e.g.
/// squared Euclidean), each row by increasing distance. Exact search (kd-tree in low
/// dimension, blocked brute force above, from `kldiv::estimate::neighbors`); ties are broken
/// arbitrarily but deterministically. Under [`Distance::Cosine`] the search runs on the
/// normalised points, where `1 − cos = ‖u − v‖² / 2`.
///
/// # Errors
/// [`IconError::Parameter`] unless `1 ≤ k ≤ n − 1`; [`IconError::Entry`] for a zero point
/// under the cosine distance.
///
/// ```
/// use kldiv_icon::{Points, kernels::{nearest, Distance}};
/// let x = Points::new("x", &[0.0, 1.0, 3.0, 7.0], 1)?;
/// let (idx, d) = nearest(x, 2, Distance::SquaredEuclidean)?;
/// assert_eq!(&idx[6..8], &[2, 1]);
/// assert_eq!(&d[6..8], &[16.0, 36.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn nearest(x: Points<'_>, k: usize, distance: Distance) -> Result<(Vec<u32>, Vec<f64>)> {
    let n = x.n();
    if k == 0 || k >= n {
        return Err(IconError::Parameter {
            name: "k",
            value: k as f64,
            reason: "needs 1 <= k <= n - 1 neighbours",
        });
    }
    distance.check("x", x)?;
    let normalised: Vec<f64>;
    let data = match distance {
        Distance::SquaredEuclidean => x.as_slice(),
        Distance::Cosine => {
            normalised = (0..n)
                .flat_map(|i| {
                    let r = x.row(i);
                    let norm = r.iter().map(|v| v * v).sum::<f64>().sqrt();
                    r.iter().map(move |v| v / norm)
                })
                .collect();
            &normalised
        }
    };
    let pts = kldiv::estimate::Points::new(data, x.d());
    let own: Vec<usize> = (0..n).collect();
    let nn = k_nearest(
        pts,
        pts,
        k,
        Exclude::Index(&own),
        Metric::Euclidean,
        Backend::Auto,
        &no_progress,
    )
    .map_err(|_| IconError::Parameter {
        name: "k",
        value: k as f64,
        reason: "the neighbour search rejected this k (needs 1 <= k <= n - 1, n < 2^32)",
    })?;
    let mut idx = Vec::with_capacity(n * k);
    let mut dist = Vec::with_capacity(n * k);
    for i in 0..n {
        idx.extend_from_slice(nn.indices(i));
        dist.extend(nn.dist(i).iter().map(|&r| match distance {
            Distance::SquaredEuclidean => r * r,
            Distance::Cosine => r * r / 2.0,
        }));
    }
    Ok((idx, dist))
}

/// The uniform kNN kernel: `p(j|i) = 1/k` if `j` is one of the `k` nearest neighbours of `i`
/// (`j ≠ i`), else 0. Each row has `k` stored entries; the matrix is not symmetric.
///
/// # Errors
/// As [`nearest`].
///
/// ```
/// use kldiv_icon::{Points, kernels::{knn_uniform, Distance}};
/// let x = Points::new("x", &[0.0, 1.0, 3.0, 7.0], 1)?;
/// let p = knn_uniform(x, 2, Distance::SquaredEuclidean)?;
/// assert_eq!(p.row(0), (&[1u32, 2][..], &[0.5, 0.5][..]));
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn knn_uniform(x: Points<'_>, k: usize, distance: Distance) -> Result<Sparse> {
    let (idx, _) = nearest(x, k, distance)?;
    let w = 1.0 / k as f64;
    let rows = idx
        .chunks(k)
        .map(|r| r.iter().map(|&j| (j as usize, w)).collect())
        .collect();
    Sparse::from_rows(x.n(), rows)
}

/// The Gaussian kernel restricted to the `k` nearest neighbours (the sparse form of
/// [`super::gaussian`] with [`super::Diagonal::Exclude`]):
///
/// `p(j|i) = exp(−d_ij / 2σ_i²) / Σ_{k ∈ N_k(i)} exp(−d_ik / 2σ_i²)` for `j ∈ N_k(i)`, else 0.
///
/// # Errors
/// As [`nearest`], and [`IconError::Entry`] / [`IconError::Shape`] for a bad bandwidth.
///
/// ```
/// use kldiv_icon::{Points, kernels::{gaussian_knn, Bandwidth, Distance}};
/// let x = Points::new("x", &[0.0, 1.0, 2.0, 10.0], 1)?;
/// let p = gaussian_knn(x, 2, Bandwidth::Global(1.0), Distance::SquaredEuclidean)?;
/// // Row 1: neighbours 0 and 2, both at squared distance 1.
/// assert_eq!(p.row(1), (&[0u32, 2][..], &[0.5, 0.5][..]));
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn gaussian_knn(
    x: Points<'_>,
    k: usize,
    sigma: Bandwidth<'_>,
    distance: Distance,
) -> Result<Sparse> {
    sigma.check(x.n())?;
    let (idx, dist) = nearest(x, k, distance)?;
    let mut rows = Vec::with_capacity(x.n());
    for i in 0..x.n() {
        let s2 = 2.0 * sigma.sigma(i) * sigma.sigma(i);
        let ids = &idx[i * k..(i + 1) * k];
        let ds = &dist[i * k..(i + 1) * k];
        let dmin = ds.first().copied().unwrap_or(0.0);
        let mut w: Vec<f64> = ds.iter().map(|d| (-(d - dmin) / s2).exp()).collect();
        super::normalise_row("gaussian kNN kernel", i, &mut w)?;
        rows.push(ids.iter().map(|&j| j as usize).zip(w).collect());
    }
    Sparse::from_rows(x.n(), rows)
}
