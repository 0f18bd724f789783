//! The I-Con objective `Σ_i D(p(·|i) ‖ q(·|i))` and its exact gradients.
//!
//! [`loss`] and [`row_values`] compare two row-stochastic matrices. The gradient functions
//! build `q` from parameters and return the loss with its gradient:
//!
//! | function | parameters | `q` |
//! |---|---|---|
//! | [`embedding_gradient`] | free embeddings `Y` (`n × d`) | [`EmbeddingKernel`] on `Y`, `j ≠ i` |
//! | [`linear_gradient`] | weights `W` (`D × d`), `Y = X·W` | [`EmbeddingKernel`] on `X·W` |
//! | [`cluster_gradient`] | logits `Z` (`n × m`), `φ = softmax(Z)` | [`crate::kernels::cluster`] of `φ` |
//! | [`softmax_gradient`] | logits `Z` (`n × m`) | `softmax(Z)` row-wise (class probabilities) |
//!
//! In every case `q` may be debiased first, `q̃ = (1 − α_q) q + α_q / N` ([`Objective::debias_q`],
//! `N` the number of columns), and the gradients are exact (`O(n²)` for the point kernels,
//! `O(n² m)` for the cluster kernel), accumulated in f64.

mod gradient;

pub(crate) use gradient::{cluster_gradient_with, matmul as matmul_pub};

pub use gradient::{
    EmbeddingKernel, Evaluation, cluster_gradient, embedding_gradient, embedding_q,
    linear_gradient, softmax_gradient, softmax_rows,
};

use crate::{Dense, IconError, Result};
use kldiv::sum::Neumaier;
use rayon::prelude::*;

/// Which divergence each row contributes (nats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Divergence {
    /// `KL(p_i ‖ q_i) = Σ_j p_ij ln(p_ij / q_ij)`: SNE, contrastive learning, clustering.
    /// The default.
    #[default]
    Forward,
    /// `KL(q_i ‖ p_i) = Σ_j q_ij ln(q_ij / p_ij)`: the k-means direction (Theorem 13).
    Reverse,
    /// `H(p_i, q_i) = −Σ_j p_ij ln q_ij` = forward KL + `H(p_i)`; the same gradients as
    /// [`Divergence::Forward`] in `q`.
    CrossEntropy,
}

/// How the rows are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reduction {
    /// `Σ_i` (the paper's `L`). The default.
    #[default]
    Sum,
    /// `(1/n) Σ_i`.
    Mean,
}

/// The objective: divergence, reduction, and the debiasing `α_q` applied to `q`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Objective {
    /// Forward, reverse or cross-entropy.
    pub divergence: Divergence,
    /// Sum or mean over rows.
    pub reduction: Reduction,
    /// `α_q ∈ [0, 1]`: `q` is replaced by `(1 − α_q) q + α_q / N` (`N` = number of columns,
    /// `j = i` included) before it is compared with `p`. 0 (the default) leaves `q` as is.
    pub debias_q: f64,
}

/// The divergence of each row, `D(p_i ‖ q_i)` in nats (before any debiasing of `q`).
///
/// Conventions: terms with zero weight on the left are 0 (`0 ln 0 = 0`); a positive weight
/// on the left facing a zero on the right gives `+∞` for that row. Sums are compensated.
///
/// # Errors
/// [`IconError::Shape`] if `p` and `q` differ in shape.
///
/// ```
/// use kldiv_icon::{Dense, objective::{row_values, Divergence}};
/// let p = Dense::new(2, 2, vec![1.0, 0.0, 0.5, 0.5])?;
/// let q = Dense::new(2, 2, vec![0.5, 0.5, 1.0, 0.0])?;
/// let f = row_values(&p, &q, Divergence::Forward)?;
/// assert_eq!(f, vec![2f64.ln(), f64::INFINITY]);
/// let r = row_values(&p, &q, Divergence::Reverse)?;
/// assert_eq!(r, vec![f64::INFINITY, 2f64.ln()]);
/// assert_eq!(row_values(&p, &q, Divergence::CrossEntropy)?[0], 2f64.ln());
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn row_values(p: &Dense, q: &Dense, divergence: Divergence) -> Result<Vec<f64>> {
    same_shape(p, q)?;
    Ok((0..p.rows())
        .into_par_iter()
        .map(|i| row_value(p.row(i), q.row(i), divergence))
        .collect())
}

/// The objective `Σ_i D(p_i ‖ q̃_i)` (or its mean over rows), in nats, with
/// `q̃ = (1 − α_q) q + α_q/N`.
///
/// # Errors
/// [`IconError::Shape`] if the shapes differ, [`IconError::Parameter`] for `α_q ∉ [0, 1]`.
///
/// ```
/// use kldiv_icon::{Dense, objective::{loss, Objective, Divergence, Reduction}};
/// // One-hot p: the loss is −Σ ln q(target|i).
/// let p = Dense::new(2, 2, vec![1.0, 0.0, 0.0, 1.0])?;
/// let q = Dense::new(2, 2, vec![0.5, 0.5, 0.25, 0.75])?;
/// let l = loss(&p, &q, &Objective::default())?;
/// assert_eq!(l, -(0.5f64.ln() + 0.75f64.ln()));
/// let mean = Objective { reduction: Reduction::Mean, ..Objective::default() };
/// assert_eq!(loss(&p, &q, &mean)?, l / 2.0);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn loss(p: &Dense, q: &Dense, objective: &Objective) -> Result<f64> {
    same_shape(p, q)?;
    crate::combinators::check_alpha(objective.debias_q)?;
    let values: Vec<f64> = if objective.debias_q > 0.0 {
        let mut qt = q.clone();
        crate::combinators::debias(&mut qt, objective.debias_q)?;
        row_values(p, &qt, objective.divergence)?
    } else {
        row_values(p, q, objective.divergence)?
    };
    Ok(reduce(&values, objective.reduction))
}

/// Sums (or averages) row values with compensation.
pub(crate) fn reduce(values: &[f64], reduction: Reduction) -> f64 {
    let s = kldiv::sum::sum(values);
    match reduction {
        Reduction::Sum => s,
        Reduction::Mean => s / values.len().max(1) as f64,
    }
}

/// The divergence of one row.
pub(crate) fn row_value(p: &[f64], q: &[f64], divergence: Divergence) -> f64 {
    let mut s = Neumaier::new();
    for (&a, &b) in p.iter().zip(q) {
        let (left, right) = match divergence {
            Divergence::Forward | Divergence::CrossEntropy => (a, b),
            Divergence::Reverse => (b, a),
        };
        if left == 0.0 {
            continue;
        }
        if right == 0.0 {
            return f64::INFINITY;
        }
        s.add(match divergence {
            Divergence::CrossEntropy => -left * right.ln(),
            // ln l − ln r (not ln(l/r)), so that a one-hot row gives exactly −ln q.
            _ => left * (left.ln() - right.ln()),
        });
    }
    s.total()
}

/// `∂D/∂q_ij` of one entry, `None` where it is infinite (the loss is `+∞` there).
pub(crate) fn dq(p: f64, q: f64, divergence: Divergence) -> Option<f64> {
    match divergence {
        Divergence::Forward | Divergence::CrossEntropy => {
            if p == 0.0 {
                Some(0.0)
            } else if q == 0.0 {
                None
            } else {
                Some(-p / q)
            }
        }
        Divergence::Reverse => {
            if q == 0.0 && p == 0.0 {
                Some(0.0)
            } else if p == 0.0 || q == 0.0 {
                None
            } else {
                Some((q / p).ln() + 1.0)
            }
        }
    }
}

pub(crate) fn same_shape(p: &Dense, q: &Dense) -> Result<()> {
    if p.rows() != q.rows() || p.cols() != q.cols() {
        return Err(IconError::Shape {
            what: "q (must have the shape of p)",
            len: q.as_slice().len(),
            n: p.rows(),
            d: p.cols(),
        });
    }
    Ok(())
}
