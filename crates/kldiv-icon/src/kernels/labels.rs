//! Supervised kernels: labels, positive pairs, one-hot class targets.

use super::Diagonal;
use crate::{Dense, IconError, Result, Sparse};

/// The same-label kernel (supervised contrastive learning; with labels that name the source
/// of each sample, the augmentation-group kernel of SimCLR):
///
/// `p(j|i) = 1[y_j = y_i] / #{k : y_k = y_i}` with `j, k ≠ i` under [`Diagonal::Exclude`],
/// or all `j, k` under [`Diagonal::Include`].
///
/// # Errors
/// [`IconError::Empty`] for no labels; [`IconError::Entry`] naming the first point that is
/// the only one of its label while the diagonal is excluded (its row would be empty), or if
/// `n > u32::MAX`.
///
/// ```
/// use kldiv_icon::kernels::{same_label, Diagonal};
/// let p = same_label(&[0, 1, 0, 0, 1], Diagonal::Exclude)?.to_dense();
/// assert_eq!(p.row(0), &[0.0, 0.0, 0.5, 0.5, 0.0]);
/// assert_eq!(p.row(1), &[0.0, 0.0, 0.0, 0.0, 1.0]);
/// assert!(same_label(&[0, 1, 0], Diagonal::Exclude).is_err()); // 1 has no partner
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn same_label(labels: &[usize], diagonal: Diagonal) -> Result<Sparse> {
    let n = labels.len();
    if n == 0 {
        return Err(IconError::Empty {
            what: "labels",
            n: 0,
            d: 1,
        });
    }
    if n > u32::MAX as usize {
        return Err(IconError::Entry {
            what: "labels",
            index: n - 1,
            value: n as f64,
            reason: "at most 2^32 - 1 points",
        });
    }
    let mut members: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, &y) in labels.iter().enumerate() {
        members.entry(y).or_default().push(i);
    }
    let mut rows = Vec::with_capacity(n);
    for (i, y) in labels.iter().enumerate() {
        let group = members.get(y).map(Vec::as_slice).unwrap_or(&[]);
        let count = match diagonal {
            Diagonal::Exclude => group.len().saturating_sub(1),
            Diagonal::Include => group.len(),
        };
        if count == 0 {
            return Err(IconError::Entry {
                what: "labels",
                index: i,
                value: *y as f64,
                reason: "the only point of its label has no neighbour when the diagonal is excluded",
            });
        }
        let w = 1.0 / count as f64;
        rows.push(
            group
                .iter()
                .filter(|&&j| j != i || diagonal == Diagonal::Include)
                .map(|&j| (j, w))
                .collect(),
        );
    }
    Sparse::from_rows(n, rows)
}

/// The positive-pair kernel: `p(j|i) = 1/m_i` for each partner `j` of `i`, where the partners
/// of `i` are the `j` with `(i, j)` or `(j, i)` in `pairs` (pairs are symmetric; repeats and
/// `(i, i)` count once) and `m_i` their number. InfoNCE with one positive per anchor is the
/// case `m_i = 1`.
///
/// # Errors
/// [`IconError::Entry`] for an index `≥ n` (naming the pair) or a point without partner;
/// [`IconError::Parameter`] if `n = 0` or `n > u32::MAX`.
///
/// ```
/// use kldiv_icon::kernels::positive_pairs;
/// let p = positive_pairs(3, &[(0, 1), (1, 2)])?.to_dense();
/// assert_eq!(p.row(1), &[0.5, 0.0, 0.5]);
/// assert_eq!(p.row(2), &[0.0, 1.0, 0.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn positive_pairs(n: usize, pairs: &[(usize, usize)]) -> Result<Sparse> {
    if n == 0 || n > u32::MAX as usize {
        return Err(IconError::Parameter {
            name: "n",
            value: n as f64,
            reason: "needs 1 <= n <= 2^32 - 1",
        });
    }
    let mut partners = vec![Vec::new(); n];
    for (k, &(a, b)) in pairs.iter().enumerate() {
        if a >= n || b >= n {
            return Err(IconError::Entry {
                what: "pairs",
                index: k,
                value: a.max(b) as f64,
                reason: "point index must be < n",
            });
        }
        partners[a].push(b);
        partners[b].push(a);
    }
    let mut rows = Vec::with_capacity(n);
    for (i, mut ps) in partners.into_iter().enumerate() {
        ps.sort_unstable();
        ps.dedup();
        if ps.is_empty() {
            return Err(IconError::Entry {
                what: "pairs",
                index: i,
                value: 0.0,
                reason: "this point has no partner (its row would be empty)",
            });
        }
        let w = 1.0 / ps.len() as f64;
        rows.push(ps.into_iter().map(|j| (j, w)).collect());
    }
    Sparse::from_rows(n, rows)
}

/// The one-hot class kernel of supervised cross-entropy: an `n × classes` matrix with
/// `p(c|i) = 1[c = y_i]`. Its columns are classes, not points: the learned `q(c|i)` is a
/// softmax over class scores.
///
/// # Errors
/// [`IconError::Empty`] for no labels or `classes = 0`; [`IconError::Entry`] naming the first
/// label `≥ classes`.
///
/// ```
/// let p = kldiv_icon::kernels::one_hot(&[1, 0], 2)?;
/// assert_eq!(p.as_slice(), &[0.0, 1.0, 1.0, 0.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn one_hot(labels: &[usize], classes: usize) -> Result<Dense> {
    if labels.is_empty() || classes == 0 {
        return Err(IconError::Empty {
            what: "labels",
            n: labels.len(),
            d: classes,
        });
    }
    let mut v = vec![0.0; labels.len() * classes];
    for (i, &y) in labels.iter().enumerate() {
        if y >= classes {
            return Err(IconError::Entry {
                what: "labels",
                index: i,
                value: y as f64,
                reason: "label must be < the number of classes",
            });
        }
        v[i * classes + y] = 1.0;
    }
    Ok(Dense::from_raw(labels.len(), classes, v))
}
