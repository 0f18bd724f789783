//! The Hungarian algorithm and the best-matching accuracy.

use super::{check_pair, contingency};
use crate::{Dense, Result};

/// Minimum-cost assignment of the rows of a `r × c` cost matrix to distinct columns
/// (`r ≤ c`; transpose otherwise), by the Hungarian algorithm with potentials (Kuhn–Munkres,
/// `O(r² c)`). Returns the column of each row.
///
/// # Errors
/// [`crate::IconError::Shape`] if `r > c`.
///
/// ```
/// use kldiv_icon::{Dense, metrics::linear_assignment};
/// let cost = Dense::new(3, 3, vec![4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0])?;
/// assert_eq!(linear_assignment(&cost)?, vec![1, 0, 2]); // cost 1 + 2 + 2 = 5
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn linear_assignment(cost: &Dense) -> Result<Vec<usize>> {
    let (r, c) = (cost.rows(), cost.cols());
    if r > c {
        return Err(crate::IconError::Shape {
            what: "cost matrix (needs rows <= columns)",
            len: cost.as_slice().len(),
            n: r,
            d: c,
        });
    }
    // 1-based potentials formulation: u (rows), v (columns), way (augmenting path).
    let inf = f64::INFINITY;
    let mut u = vec![0.0; r + 1];
    let mut v = vec![0.0; c + 1];
    let mut owner = vec![0usize; c + 1]; // owner[j] = row matched to column j (1-based), 0 = free
    let mut way = vec![0usize; c + 1];
    for i in 1..=r {
        owner[0] = i;
        let mut j0 = 0;
        let mut minv = vec![inf; c + 1];
        let mut used = vec![false; c + 1];
        loop {
            used[j0] = true;
            let i0 = owner[j0];
            let mut delta = inf;
            let mut j1 = 0;
            for j in 1..=c {
                if !used[j] {
                    let cur = cost.get(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=c {
                if used[j] {
                    u[owner[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if owner[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            owner[j0] = owner[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![0usize; r];
    for j in 1..=c {
        if owner[j] > 0 {
            out[owner[j] - 1] = j - 1;
        }
    }
    Ok(out)
}

/// Hungarian (best-matching) accuracy: the largest fraction of points whose predicted cluster,
/// renamed by a one-to-one map from clusters to classes, equals the true class,
///
/// `acc = max_π (1/n) Σ_i 1[π(pred_i) = truth_i]`,
///
/// with `π` found by [`linear_assignment`] on the contingency table (clusters without a
/// class, when there are more clusters than classes, count as wrong). Labels are arbitrary
/// integers; only equality matters. In `[0, 1]`.
///
/// # Errors
/// [`crate::IconError::Empty`] for no labels, [`crate::IconError::Shape`] for different lengths.
///
/// ```
/// use kldiv_icon::metrics::hungarian_accuracy;
/// let t: Vec<usize> = (0..10).map(|i| i % 5).collect();
/// let p: Vec<usize> = t.iter().map(|&y| (y + 3) % 5).collect();
/// assert_eq!(hungarian_accuracy(&t, &p)?, 1.0);
/// assert_eq!(hungarian_accuracy(&[0, 0, 1, 1], &[0, 1, 1, 1])?, 0.75);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn hungarian_accuracy(truth: &[usize], pred: &[usize]) -> Result<f64> {
    check_pair(truth, pred)?;
    let (c, r, s) = contingency(truth, pred);
    // Rows = the smaller side; cost = max − count (non-negative, minimised where count is
    // maximised).
    let (rows, cols, flip) = if r <= s { (r, s, false) } else { (s, r, true) };
    let top = c.iter().flatten().copied().max().unwrap_or(0);
    let mut cost = vec![0.0; rows * cols];
    for (a, row) in c.iter().enumerate() {
        for (b, &count) in row.iter().enumerate() {
            let (i, j) = if flip { (b, a) } else { (a, b) };
            cost[i * cols + j] = (top - count) as f64;
        }
    }
    let cost = Dense::from_raw(rows, cols, cost);
    let assign = linear_assignment(&cost)?;
    let matched: usize = assign
        .iter()
        .enumerate()
        .map(|(i, &j)| if flip { c[j][i] } else { c[i][j] })
        .sum();
    Ok(matched as f64 / truth.len() as f64)
}
