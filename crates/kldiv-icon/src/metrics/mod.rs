//! Quality metrics of embeddings and clusterings.
//!
//! - [`knn_accuracy`]: leave-one-out k-nearest-neighbour classification accuracy of a point
//!   set (an embedding) against labels.
//! - [`hungarian_accuracy`]: the accuracy of a clustering under the best one-to-one matching
//!   of clusters to classes, found by the Hungarian algorithm ([`linear_assignment`]).
//! - [`nmi`]: normalised mutual information with the arithmetic-mean normalisation
//!   (scikit-learn's default `average_method="arithmetic"`).
//! - [`trustworthiness`]: how many of each point's embedded neighbours are true neighbours
//!   (Venna & Kaski), as `sklearn.manifold.trustworthiness`.

mod hungarian;
mod knn;
mod nmi;
mod trustworthiness;

pub use hungarian::{hungarian_accuracy, linear_assignment};
pub use knn::knn_accuracy;
pub use nmi::{mutual_information, nmi};
pub use trustworthiness::trustworthiness;

use crate::{IconError, Result};

/// Checks two label vectors of equal, non-zero length.
pub(crate) fn check_pair(truth: &[usize], pred: &[usize]) -> Result<()> {
    if truth.is_empty() {
        return Err(IconError::Empty {
            what: "labels",
            n: 0,
            d: 1,
        });
    }
    if truth.len() != pred.len() {
        return Err(IconError::Shape {
            what: "predicted labels (one per true label)",
            len: pred.len(),
            n: truth.len(),
            d: 1,
        });
    }
    Ok(())
}

/// Relabels to `0..k` in order of first appearance; returns the codes and `k`.
pub(crate) fn encode(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut map = std::collections::HashMap::new();
    let codes = labels
        .iter()
        .map(|&y| {
            let k = map.len();
            *map.entry(y).or_insert(k)
        })
        .collect();
    (codes, map.len())
}

/// The contingency table `C[a][b] = #{i : truth_i = a, pred_i = b}` of encoded labels.
pub(crate) fn contingency(truth: &[usize], pred: &[usize]) -> (Vec<Vec<usize>>, usize, usize) {
    let (t, r) = encode(truth);
    let (p, s) = encode(pred);
    let mut c = vec![vec![0usize; s]; r];
    for (&a, &b) in t.iter().zip(&p) {
        c[a][b] += 1;
    }
    (c, r, s)
}
