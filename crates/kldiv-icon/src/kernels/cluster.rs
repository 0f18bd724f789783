//! The cluster kernel of soft assignments.

use crate::{Dense, IconError, Result};
use rayon::prelude::*;

/// Tolerance on the row sums of the assignments `φ`.
const PHI_TOL: f64 = 1e-9;

/// The cluster kernel of soft assignments `φ` (`n × m`, row `i` a distribution over the `m`
/// clusters):
///
/// `q(j|i) = Σ_c φ_ic φ_jc / s_c`, with cluster sizes `s_c = Σ_k φ_kc`,
///
/// i.e. "pick a cluster `c` of `i` with probability `φ_ic`, then a member `j` of `c` with
/// probability `φ_jc / s_c`". The diagonal is included (`q(i|i) > 0`). Each row sums to
/// `Σ_c φ_ic = 1` for any `φ`: it is row-stochastic by construction. Clusters with
/// `s_c = 0` contribute nothing. Cost `O(n² m)`.
///
/// # Errors
/// [`IconError::Empty`] for an empty `φ`; [`IconError::Entry`] naming the first row of `φ`
/// whose sum differs from 1 by more than `1e-9`.
///
/// ```
/// use kldiv_icon::{Dense, kernels::cluster};
/// // Hard assignments {0, 1} and {2}.
/// let phi = Dense::new(3, 2, vec![1.0, 0.0, 1.0, 0.0, 0.0, 1.0])?;
/// let q = cluster(&phi)?;
/// assert_eq!(q.row(0), &[0.5, 0.5, 0.0]);
/// assert_eq!(q.row(2), &[0.0, 0.0, 1.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn cluster(phi: &Dense) -> Result<Dense> {
    let (n, m) = (phi.rows(), phi.cols());
    check_assignments(phi)?;
    let sizes = cluster_sizes(phi);
    let scaled: Vec<f64> = (0..n * m)
        .map(|k| {
            let s = sizes[k % m];
            if s > 0.0 { phi.as_slice()[k] / s } else { 0.0 }
        })
        .collect();
    let mut out = vec![0.0; n * n];
    out.par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        let pi = phi.row(i);
        for (j, q) in row.iter_mut().enumerate() {
            let sj = &scaled[j * m..(j + 1) * m];
            *q = pi.iter().zip(sj).map(|(a, b)| a * b).sum();
        }
    });
    Ok(Dense::from_raw(n, n, out))
}

/// `s_c = Σ_i φ_ic` (compensated).
pub(crate) fn cluster_sizes(phi: &Dense) -> Vec<f64> {
    let m = phi.cols();
    let mut acc = vec![kldiv::sum::Neumaier::new(); m];
    for i in 0..phi.rows() {
        for (a, &v) in acc.iter_mut().zip(phi.row(i)) {
            a.add(v);
        }
    }
    acc.iter().map(|a| a.total()).collect()
}

/// Checks that `φ` is non-empty with rows summing to 1.
pub(crate) fn check_assignments(phi: &Dense) -> Result<()> {
    if phi.rows() == 0 || phi.cols() == 0 {
        return Err(IconError::Empty {
            what: "phi",
            n: phi.rows(),
            d: phi.cols(),
        });
    }
    phi.check_row_stochastic("phi", PHI_TOL)
}
