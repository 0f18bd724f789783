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

mod classify;
mod cluster;
mod kmeans;

pub use classify::{ClassifyOptions, ClassifyResult, classify};
pub use cluster::{ClusterInit, ClusterOptions, ClusterResult, cluster};
pub use kmeans::{KMeansObjective, KMeansOptions, KMeansResult, kmeans, kmeans_objective};

use crate::{IconError, Progress, ProgressFn, Result};
use kldiv::variational::{Adam, Schedule};
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

/// `1 ≤ clusters ≤ n`.
pub(crate) fn check_clusters(m: usize, n: usize) -> Result<()> {
    if m == 0 || m > n {
        return Err(IconError::Parameter {
            name: "clusters",
            value: m as f64,
            reason: "needs 1 <= clusters <= number of points",
        });
    }
    Ok(())
}

/// A count that must be at least 1.
pub(crate) fn check_count(name: &'static str, v: usize) -> Result<()> {
    if v == 0 {
        return Err(IconError::Parameter {
            name,
            value: 0.0,
            reason: "must be >= 1",
        });
    }
    Ok(())
}

/// A finite value `> 0` (`strict`) or `>= 0`.
pub(crate) fn check_nonneg(name: &'static str, v: f64, strict: bool) -> Result<()> {
    let ok = v.is_finite() && if strict { v > 0.0 } else { v >= 0.0 };
    if !ok {
        return Err(IconError::Parameter {
            name,
            value: v,
            reason: if strict {
                "must be finite and > 0"
            } else {
                "must be finite and >= 0"
            },
        });
    }
    Ok(())
}

/// Full-batch Adam (the core's [`kldiv::variational::Adam`], constant step size) *descending*
/// `eval` (loss, gradient) from `theta` for `iterations` steps, reporting progress under
/// `stage`; returns the loss before every step and after the last.
pub(crate) fn adam_loop(
    theta: &mut [f64],
    iterations: usize,
    learning_rate: f64,
    stage: &'static str,
    progress: &mut ProgressFn<'_>,
    mut eval: impl FnMut(&[f64]) -> Result<(f64, Vec<f64>)>,
) -> Result<Vec<f64>> {
    let mut opt = Adam::new(theta.len(), learning_rate, Schedule::Constant);
    let mut losses = Vec::with_capacity(iterations + 1);
    for it in 0..iterations {
        let (loss, mut g) = eval(theta)?;
        losses.push(loss);
        // The core's Adam ascends: descend by ascending −g (negation is exact, so this is
        // bit for bit the descent update).
        g.iter_mut().for_each(|x| *x = -*x);
        opt.step(theta, &g, it, iterations);
        let p = Progress {
            stage,
            done: it + 1,
            total: iterations,
            loss,
        };
        check_callback(progress, &p, it + 1)?;
    }
    losses.push(eval(theta)?.0);
    Ok(losses)
}
