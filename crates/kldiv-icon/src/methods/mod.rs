//! Methods as configurations of kernels, combinators and the objective.
//!
//! | method | `p` | `q` | direction | optimiser |
//! |---|---|---|---|---|
//! | [`kmeans`] | Gaussian on `x`, `σ → 0`, `j = i` included | cluster kernel of hard `φ` | reverse | Lloyd, k-means++ restarts |
//! | [`cluster`] | uniform kNN, propagated, debiased by `α` | cluster kernel of `softmax(Z)`, debiased by `α` | forward | Adam on free logits `Z` |
//! | [`classify`] | one-hot labels (debiased by `α`: label smoothing) | `softmax([x, 1]·W)` over classes | forward | Adam on `W` |
//!
//! Every method takes its options struct and a progress callback (`&mut ProgressFn`, called
//! once per iteration; returning `Break` stops the run with [`crate::IconError::Cancelled`])
//! and returns the labels, the assignments, the loss per iteration, a `summary` line and the
//! options it ran with. The same inputs and seed give the same bits.

mod adam;
mod classify;
mod cluster;
mod kmeans;

pub use classify::{ClassifyOptions, ClassifyResult, classify};
pub use cluster::{ClusterInit, ClusterOptions, ClusterResult, cluster};
pub use kmeans::{KMeansObjective, KMeansOptions, KMeansResult, kmeans, kmeans_objective};

use crate::{IconError, Progress, ProgressFn, Result};
use std::ops::ControlFlow;

/// Calls the progress callback; `Break` becomes [`IconError::Cancelled`] at `iter`.
pub(crate) fn check_callback(
    progress: &mut ProgressFn<'_>,
    p: &Progress,
    iter: usize,
) -> Result<()> {
    match progress(p) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(()) => Err(IconError::Cancelled { iter }),
    }
}
