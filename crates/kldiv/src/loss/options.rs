//! Options of the divergences on logits: which divergence, temperature, reduction, which rows
//! count.

use crate::error::{Error, Result};

/// Which divergence between the teacher `P` and the student `Q` (both softmaxes of logits at
/// the same temperature).
///
/// `P` is always the teacher (the target), `Q` always the student (the model being trained);
/// the variants name the direction, so it cannot be swapped by argument order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Divergence {
    /// Forward KL, `KL(P‖Q) = Σ P (ln P − ln Q)`: mass-covering; the distillation loss of
    /// Hinton et al. and, with a one-hot teacher, the next-token cross-entropy
    /// `−ln Q(label)`.
    ///
    /// torch: `F.kl_div(F.log_softmax(S/T, -1), F.log_softmax(T_logits/T, -1), log_target=True)`.
    Forward,
    /// Reverse KL, `KL(Q‖P) = Σ Q (ln Q − ln P)`: mode-seeking. `+∞` if the teacher has an
    /// exact zero where the student has mass.
    ///
    /// torch: `F.kl_div(F.log_softmax(T_logits/T, -1), F.log_softmax(S/T, -1), log_target=True)`.
    Reverse,
    /// Generalized Jensen–Shannon divergence with `M = βP + (1 − β)Q`:
    /// `JSD_β = β KL(P‖M) + (1 − β) KL(Q‖M)`, finite for every input.
    ///
    /// The endpoints follow TRL's `GKDTrainer.generalized_jsd_loss`: `β = 0` **is** the
    /// forward KL `KL(P‖Q)` and `β = 1` **is** the reverse KL `KL(Q‖P)`. These are the limits of
    /// the rescaled family: `JSD_β / β → KL(P‖Q)` as `β → 0` and `JSD_β / (1 − β) → KL(Q‖P)` as
    /// `β → 1` (the unscaled `JSD_β` itself tends to 0 at both ends). `β = ½` is the usual
    /// Jensen–Shannon divergence (`≤ ln 2`).
    Jsd {
        /// Weight of the teacher in the mixture, in `[0, 1]`.
        beta: f64,
    },
}

impl Divergence {
    /// Checks `β ∈ [0, 1]` for [`Divergence::Jsd`] and maps the endpoints to the two KLs.
    pub(crate) fn resolve(self) -> Result<Divergence> {
        match self {
            Divergence::Jsd { beta } => {
                if !(0.0..=1.0).contains(&beta) {
                    Err(Error::InvalidParameter {
                        name: "beta",
                        value: beta,
                        reason: "must be in [0, 1]",
                    })
                } else if beta == 0.0 {
                    Ok(Divergence::Forward)
                } else if beta == 1.0 {
                    Ok(Divergence::Reverse)
                } else {
                    Ok(self)
                }
            }
            d => Ok(d),
        }
    }
}

/// How per-row losses are combined into one number, and what the gradients are gradients of.
///
/// Rows excluded by a mask or by `ignore_index` contribute nothing and are not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// No reduction: the per-row values are the result ([`Loss::rows`](super::Loss::rows));
    /// [`Loss::value`](super::Loss::value) holds their sum, and gradients are those of the sum
    /// (torch: `reduction='none'` summed over the vocabulary, then `.backward(ones)`).
    None,
    /// Sum over counted rows (torch: `reduction='sum'`).
    Sum,
    /// Sum divided by (counted rows × vocabulary size): the mean **per element**, which is
    /// what torch's `F.kl_div(reduction='mean')` (its default) computes — not a mean KL.
    /// Equal to torch when every row is counted.
    MeanPerElement,
    /// Sum divided by the number of counted rows: the true mean KL per row
    /// (torch: `reduction='batchmean'`). Zero (with zero gradients) if no row is counted.
    BatchMean,
}

/// Options of [`super::divergence`].
///
/// ```
/// use kldiv::loss::{Divergence, LossOptions, Reduction};
/// let opts = LossOptions::new(Divergence::Jsd { beta: 0.5 })
///     .temperature(2.0)
///     .t2_scaling(true)
///     .reduction(Reduction::Sum);
/// assert_eq!(opts.grad_scale(), 4.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossOptions<'a> {
    /// The divergence.
    pub divergence: Divergence,
    /// Temperature `T > 0` applied to both sides: `P = softmax(t/T)`, `Q = softmax(s/T)`.
    pub temperature: f64,
    /// Multiply the loss (and its gradients) by `T²` (Hinton et al.), which keeps gradient
    /// magnitudes comparable across temperatures.
    pub t2_scaling: bool,
    /// The reduction (default [`Reduction::BatchMean`]).
    pub reduction: Reduction,
    /// Per-row mask: row `b` counts iff `mask[b]`.
    pub mask: Option<&'a [bool]>,
    /// Per-row labels, used with `ignore_index`: row `b` is skipped iff
    /// `labels[b] == ignore_index`.
    pub labels: Option<&'a [i64]>,
    /// The label value that marks a row to skip (torch's `ignore_index`, e.g. `-100`).
    pub ignore_index: Option<i64>,
    /// Tolerance of the check `|Σ p − 1| ≤ tol` on teachers given as probabilities or
    /// log-probabilities (default `1e-5`).
    pub norm_tol: f64,
}

impl<'a> LossOptions<'a> {
    /// Options for `divergence` at temperature 1, no `T²` scaling, [`Reduction::BatchMean`],
    /// every row counted.
    pub fn new(divergence: Divergence) -> Self {
        LossOptions {
            divergence,
            temperature: 1.0,
            t2_scaling: false,
            reduction: Reduction::BatchMean,
            mask: None,
            labels: None,
            ignore_index: None,
            norm_tol: 1e-5,
        }
    }

    /// Sets the temperature.
    pub fn temperature(mut self, t: f64) -> Self {
        self.temperature = t;
        self
    }

    /// Switches the `T²` factor on or off.
    pub fn t2_scaling(mut self, on: bool) -> Self {
        self.t2_scaling = on;
        self
    }

    /// Sets the reduction.
    pub fn reduction(mut self, r: Reduction) -> Self {
        self.reduction = r;
        self
    }

    /// Sets a per-row mask (`true` = counted).
    pub fn mask(mut self, mask: &'a [bool]) -> Self {
        self.mask = Some(mask);
        self
    }

    /// Skips rows whose label equals `ignore_index`.
    pub fn ignore_index(mut self, labels: &'a [i64], ignore_index: i64) -> Self {
        self.labels = Some(labels);
        self.ignore_index = Some(ignore_index);
        self
    }

    /// Sets the normalisation tolerance for probability / log-probability teachers.
    pub fn norm_tol(mut self, tol: f64) -> Self {
        self.norm_tol = tol;
        self
    }

    /// The factor applied to every per-row divergence: `T²` with [`Self::t2_scaling`], else 1.
    pub fn grad_scale(&self) -> f64 {
        if self.t2_scaling {
            self.temperature * self.temperature
        } else {
            1.0
        }
    }

    pub(crate) fn validate(&self, rows: usize) -> Result<()> {
        let t = self.temperature;
        if !(t.is_finite() && t > 0.0) {
            return Err(Error::InvalidParameter {
                name: "temperature",
                value: t,
                reason: "must be finite and > 0",
            });
        }
        if !(self.norm_tol.is_finite() && self.norm_tol >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "norm_tol",
                value: self.norm_tol,
                reason: "must be finite and >= 0",
            });
        }
        if let Some(m) = self.mask {
            if m.len() != rows {
                return Err(Error::WrongLength {
                    what: "mask",
                    len: m.len(),
                    expected: rows,
                });
            }
        }
        match (self.labels, self.ignore_index) {
            (Some(l), _) if l.len() != rows => Err(Error::WrongLength {
                what: "labels",
                len: l.len(),
                expected: rows,
            }),
            _ => Ok(()),
        }
    }

    /// Whether row `b` counts.
    pub(crate) fn counted(&self, b: usize) -> bool {
        let m = self.mask.is_none_or(|m| m.get(b).copied().unwrap_or(false));
        let l = match (self.labels, self.ignore_index) {
            (Some(l), Some(ig)) => l.get(b).is_none_or(|&x| x != ig),
            _ => true,
        };
        m && l
    }

    /// The weight of each counted row in the reduced value, for `counted` rows of `vocab`
    /// entries.
    pub(crate) fn row_weight(&self, counted: usize, vocab: usize) -> f64 {
        reduction_weight(self.reduction, counted, vocab)
    }
}

/// `1` for `None`/`Sum`, `1/n` for `BatchMean`, `1/(n·per_row)` for `MeanPerElement`; `0` if
/// `n = 0`.
pub(crate) fn reduction_weight(r: Reduction, counted: usize, per_row: usize) -> f64 {
    if counted == 0 {
        return 0.0;
    }
    match r {
        Reduction::None | Reduction::Sum => 1.0,
        Reduction::BatchMean => 1.0 / counted as f64,
        Reduction::MeanPerElement => 1.0 / (counted as f64 * per_row as f64),
    }
}
