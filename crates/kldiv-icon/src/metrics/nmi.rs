//! Normalised mutual information.

use super::{check_pair, contingency};
use crate::Result;
use kldiv::sum::Neumaier;

/// The mutual information `I(U; V) = Σ_ab (n_ab/n) ln(n n_ab / (n_a n_b))` of two labellings
/// (nats), from their contingency table; clipped at 0 against rounding.
///
/// # Errors
/// As [`nmi`].
///
/// ```
/// let mi = kldiv_icon::metrics::mutual_information(&[0, 0, 1, 1], &[5, 5, 7, 7])?;
/// assert_eq!(mi, 2f64.ln());
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn mutual_information(truth: &[usize], pred: &[usize]) -> Result<f64> {
    check_pair(truth, pred)?;
    let (c, _, _) = contingency(truth, pred);
    let n = truth.len() as f64;
    let rows: Vec<f64> = c.iter().map(|r| r.iter().sum::<usize>() as f64).collect();
    let cols: Vec<f64> = (0..c.first().map_or(0, Vec::len))
        .map(|b| c.iter().map(|r| r[b]).sum::<usize>() as f64)
        .collect();
    let mut s = Neumaier::new();
    for (a, row) in c.iter().enumerate() {
        for (b, &nab) in row.iter().enumerate() {
            if nab > 0 {
                let nab = nab as f64;
                s.add(nab / n * (n * nab / (rows[a] * cols[b])).ln());
            }
        }
    }
    Ok(s.total().max(0.0))
}

fn entropy(labels: &[usize]) -> f64 {
    let (c, _, _) = contingency(labels, labels);
    let n = labels.len() as f64;
    let mut s = Neumaier::new();
    for (a, row) in c.iter().enumerate() {
        let k = row[a] as f64;
        if k > 0.0 {
            s.add(-k / n * (k / n).ln());
        }
    }
    s.total()
}

/// Normalised mutual information with the **arithmetic-mean** normalisation (scikit-learn's
/// `normalized_mutual_info_score` default):
///
/// `NMI = I(U; V) / ((H(U) + H(V)) / 2)`,
///
/// in `[0, 1]`, invariant to renaming labels. Edge cases as scikit-learn: both labellings with
/// a single class (or identical single-cluster labellings) give 1; otherwise `I = 0` gives 0.
///
/// # Errors
/// [`crate::IconError::Empty`] for no labels, [`crate::IconError::Shape`] for different lengths.
///
/// ```
/// use kldiv_icon::metrics::nmi;
/// assert_eq!(nmi(&[0, 0, 1, 1], &[1, 1, 0, 0])?, 1.0);
/// assert_eq!(nmi(&[0, 0, 1, 1], &[0, 1, 0, 1])?, 0.0);
/// assert_eq!(nmi(&[3, 3, 3], &[1, 1, 1])?, 1.0);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn nmi(truth: &[usize], pred: &[usize]) -> Result<f64> {
    check_pair(truth, pred)?;
    let (_, r, s) = contingency(truth, pred);
    if r == 1 && s == 1 {
        return Ok(1.0);
    }
    let mi = mutual_information(truth, pred)?;
    if mi == 0.0 {
        return Ok(0.0);
    }
    let norm = (entropy(truth) + entropy(pred)) / 2.0;
    Ok(mi / norm)
}
