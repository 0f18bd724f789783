//! Dense Gaussian and Student-t kernels.

use super::{Diagonal, Distance, normalise_row};
use crate::{Dense, IconError, Points, Result};
use rayon::prelude::*;

/// The Gaussian bandwidth `σ` (in the units of the coordinates; `σ²` is compared with
/// squared distances): one for all rows, or one per row (`σ_i`, e.g. calibrated to a
/// perplexity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bandwidth<'a> {
    /// The same `σ > 0` for every row.
    Global(f64),
    /// `σ_i > 0` for row `i`; the slice has one entry per point.
    PerRow(&'a [f64]),
}

impl Bandwidth<'_> {
    /// Checks the values and the length (`n` rows).
    pub(crate) fn check(&self, n: usize) -> Result<()> {
        let bad = |i: usize, v: f64| IconError::Entry {
            what: "sigma",
            index: i,
            value: v,
            reason: "the bandwidth must be finite and > 0",
        };
        match *self {
            Bandwidth::Global(s) => {
                if !(s > 0.0 && s.is_finite()) {
                    return Err(bad(0, s));
                }
            }
            Bandwidth::PerRow(s) => {
                if s.len() != n {
                    return Err(IconError::Shape {
                        what: "sigma",
                        len: s.len(),
                        n,
                        d: 1,
                    });
                }
                if let Some(i) = s.iter().position(|&v| !(v > 0.0 && v.is_finite())) {
                    return Err(bad(i, s[i]));
                }
            }
        }
        Ok(())
    }

    /// `σ_i`.
    pub(crate) fn sigma(&self, i: usize) -> f64 {
        match *self {
            Bandwidth::Global(s) => s,
            Bandwidth::PerRow(s) => s.get(i).copied().unwrap_or(f64::NAN),
        }
    }
}

/// The Gaussian kernel, row-normalised:
///
/// `p(j|i) = exp(−d(x_i, x_j) / 2σ_i²) / Σ_k exp(−d(x_i, x_k) / 2σ_i²)`,
///
/// with the sums over `k ≠ i` ([`Diagonal::Exclude`]) or over all `k`
/// ([`Diagonal::Include`]). Computed relative to each row's smallest distance, so it never
/// underflows to an all-zero row; entries far beyond the bandwidth are exact zeros.
///
/// # Errors
/// [`IconError::Entry`] for a `σ_i` that is not finite and positive, a zero point under the
/// cosine distance, or a row with no neighbour (`n = 1` with the diagonal excluded);
/// [`IconError::Shape`] if a per-row bandwidth does not have `n` entries.
///
/// ```
/// use kldiv_icon::{Points, kernels::{gaussian, Bandwidth, Diagonal, Distance}};
/// let x = Points::new("x", &[0.0, 1.0, 1.0], 1)?;
/// let p = gaussian(x, Bandwidth::Global(1.0), Distance::SquaredEuclidean, Diagonal::Exclude)?;
/// // Row 0: both other points at distance 1, so 1/2 each.
/// assert_eq!(p.row(0), &[0.0, 0.5, 0.5]);
/// // Row 1: x_2 at distance 0 (weight 1), x_0 at distance 1 (weight e^{-1/2}).
/// let e = (-0.5f64).exp();
/// assert_eq!(p.row(1), &[e / (1.0 + e), 0.0, 1.0 / (1.0 + e)]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn gaussian(
    x: Points<'_>,
    sigma: Bandwidth<'_>,
    distance: Distance,
    diagonal: Diagonal,
) -> Result<Dense> {
    sigma.check(x.n())?;
    let s2: Vec<f64> = (0..x.n())
        .map(|i| 2.0 * sigma.sigma(i) * sigma.sigma(i))
        .collect();
    dense_kernel(x, distance, diagonal, "gaussian kernel", |i, dmin, d| {
        (-(d - dmin) / s2[i]).exp()
    })
}

/// The Student-t kernel with `ν` degrees of freedom, row-normalised:
///
/// `q(j|i) = (1 + d(x_i, x_j)/ν)^{−(ν+1)/2} / Σ_k (1 + d(x_i, x_k)/ν)^{−(ν+1)/2}`,
///
/// the sums over `k ≠ i` or all `k` per [`Diagonal`]. `ν = 1` is the Cauchy kernel
/// `1 / (1 + d)` of t-SNE.
///
/// # Errors
/// [`IconError::Parameter`] if `ν` is not finite and positive; [`IconError::Entry`] for a
/// zero point under the cosine distance or a row with no neighbour.
///
/// ```
/// use kldiv_icon::{Points, kernels::{student_t, Diagonal, Distance}};
/// let x = Points::new("x", &[0.0, 1.0, 2.0], 1)?;
/// let q = student_t(x, 1.0, Distance::SquaredEuclidean, Diagonal::Exclude)?;
/// // Row 0: weights 1/(1+1) and 1/(1+4), divided by their sum.
/// let s = 0.5 + 0.2;
/// assert_eq!(q.row(0), &[0.0, 0.5 / s, 0.2 / s]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn student_t(x: Points<'_>, nu: f64, distance: Distance, diagonal: Diagonal) -> Result<Dense> {
    if !(nu > 0.0 && nu.is_finite()) {
        return Err(IconError::Parameter {
            name: "nu",
            value: nu,
            reason: "the degrees of freedom must be finite and > 0",
        });
    }
    let e = -(nu + 1.0) / 2.0;
    dense_kernel(x, distance, diagonal, "student-t kernel", |_, _, d| {
        if nu == 1.0 {
            1.0 / (1.0 + d)
        } else {
            (e * (d / nu).ln_1p()).exp()
        }
    })
}

/// Evaluates `weight(i, min_distance_of_row, d_ij)` on every allowed pair and normalises rows.
fn dense_kernel(
    x: Points<'_>,
    distance: Distance,
    diagonal: Diagonal,
    what: &'static str,
    weight: impl Fn(usize, f64, f64) -> f64 + Sync,
) -> Result<Dense> {
    distance.check("x", x)?;
    let n = x.n();
    let mut out = vec![0.0; n * n];
    out.par_chunks_mut(n.max(1))
        .enumerate()
        .try_for_each(|(i, row)| {
            for (j, d) in row.iter_mut().enumerate() {
                *d = if j == i {
                    0.0
                } else {
                    distance.between(x.row(i), x.row(j))
                };
            }
            let keep = |j: usize| j != i || diagonal == Diagonal::Include;
            let dmin = row
                .iter()
                .enumerate()
                .filter(|&(j, _)| keep(j))
                .map(|(_, &d)| d)
                .fold(f64::INFINITY, f64::min);
            for (j, d) in row.iter_mut().enumerate() {
                *d = if keep(j) { weight(i, dmin, *d) } else { 0.0 };
            }
            normalise_row(what, i, row)
        })?;
    Ok(Dense::from_raw(n, n, out))
}
