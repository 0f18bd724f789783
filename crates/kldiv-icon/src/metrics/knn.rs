//! Leave-one-out kNN classification accuracy.

use super::check_pair;
use crate::kernels::{Distance, nearest};
use crate::{Points, Result};

/// Leave-one-out `k`-nearest-neighbour accuracy: each point is classified by the majority
/// label among its `k` nearest *other* points (squared Euclidean distance; a tie between
/// labels goes to the tied label whose nearest member is closest), and the result is the
/// fraction classified correctly. In `[0, 1]`.
///
/// # Errors
/// [`crate::IconError::Shape`] if `labels.len() ≠ n`; [`crate::IconError::Parameter`] unless
/// `1 ≤ k ≤ n − 1`.
///
/// ```
/// use kldiv_icon::{Points, metrics::knn_accuracy};
/// let x = Points::new("x", &[0.0, 0.1, 0.2, 5.0, 5.1, 9.0], 1)?;
/// // The last point's nearest other points are labelled 1, though it is 0.
/// assert_eq!(knn_accuracy(x, &[0, 0, 0, 1, 1, 0], 1)?, 5.0 / 6.0);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn knn_accuracy(x: Points<'_>, labels: &[usize], k: usize) -> Result<f64> {
    check_pair(labels, &vec![0; x.n()])?;
    let (idx, _) = nearest(x, k, Distance::SquaredEuclidean)?;
    let mut correct = 0usize;
    for (i, &y) in labels.iter().enumerate() {
        let nb = &idx[i * k..(i + 1) * k];
        // Votes in order of first (nearest) appearance: ties go to the earliest.
        let mut votes: Vec<(usize, usize)> = Vec::new();
        for &j in nb {
            let l = labels[j as usize];
            match votes.iter_mut().find(|v| v.0 == l) {
                Some(v) => v.1 += 1,
                None => votes.push((l, 1)),
            }
        }
        let best = votes
            .iter()
            .fold((usize::MAX, 0), |a, &v| if v.1 > a.1 { v } else { a });
        if best.0 == y {
            correct += 1;
        }
    }
    Ok(correct as f64 / labels.len() as f64)
}
