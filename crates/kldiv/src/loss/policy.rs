//! KL penalties of reinforcement learning from per-token log-probabilities: the estimators
//! k1, k2, k3 (Schulman, "Approximating KL divergence", 2020).
//!
//! Tokens `x` are sampled from the policy `π`; the penalty estimates `KL(π‖π_ref) =
//! E_π[ln π(x)/π_ref(x)]` from the two log-probabilities of each sampled token. With
//! `r = π_ref(x)/π(x)` (so `ln r = logp_ref − logp`):
//!
//! | estimator | value | ∂/∂logp | bias | sign | variance |
//! |---|---|---|---|---|---|
//! | [`Estimator::K1`] | `−ln r` | `1` | unbiased | either sign | high (the sign flips) |
//! | [`Estimator::K2`] | `½ (ln r)²` | `−ln r` | biased (`E = KL + O(E|ln r|³)`; exact to 2nd order as π_ref → π) | `≥ 0` | low |
//! | [`Estimator::K3`] | `(r − 1) − ln r` | `1 − r` | unbiased (`E_π[r] = 1`) | `≥ 0` (`eˣ ≥ 1 + x`) | low |
//!
//! k3 is the penalty of GRPO. The gradients are the pointwise derivatives w.r.t. the policy
//! log-probability of the sampled token (what autograd gives for the same formula).

use super::divergence::Loss;
use super::options::{Reduction, reduction_weight};
use crate::error::{Arg, Error, Result};
use crate::real::Real;
use crate::sum::Neumaier;

/// A per-token estimator of `KL(π‖π_ref)`; see [`policy_kl`] for the table of bias, sign and
/// variance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// `k1 = −ln r = logp − logp_ref`.
    K1,
    /// `k2 = ½ (ln r)²`.
    K2,
    /// `k3 = (r − 1) − ln r`, evaluated as `expm1(ln r) − ln r` (no cancellation near `r = 1`).
    K3,
}

impl Estimator {
    /// The value and its derivative w.r.t. `logp` at `ln r = lr`.
    #[inline]
    pub fn eval(self, lr: f64) -> (f64, f64) {
        match self {
            Estimator::K1 => (-lr, 1.0),
            Estimator::K2 => (0.5 * lr * lr, -lr),
            Estimator::K3 => {
                let em1 = lr.exp_m1();
                (em1 - lr, -em1)
            }
        }
    }
}

/// The RL KL penalty over a flat sequence of tokens, reduced over the counted tokens.
///
/// Tokens are sampled from the policy `π`; with `r = π_ref/π` (`ln r = logp_ref − logp`):
///
/// | estimator | value | ∂/∂logp | bias | sign | variance |
/// |---|---|---|---|---|---|
/// | [`Estimator::K1`] | `−ln r` | `1` | unbiased | either sign | high |
/// | [`Estimator::K2`] | `½ (ln r)²` | `−ln r` | biased (exact to 2nd order as π_ref → π) | `≥ 0` | low |
/// | [`Estimator::K3`] | `(r − 1) − ln r` | `1 − r` | unbiased (`E_π[r] = 1`) | `≥ 0` | low |
///
/// `logp[i]` and `logp_ref[i]` are the log-probabilities of token `i` under the policy and
/// the reference. `mask` (optional, `true` = counted) selects tokens, e.g. drops padding and
/// prompt tokens. Reductions: `None` (per-token values in [`Loss::rows`], value = their sum),
/// `Sum`, and the mean over counted tokens (`BatchMean` and `MeanPerElement` coincide here).
/// `grad` receives `∂(reduced value)/∂logp`, zero for tokens not counted.
///
/// # Errors
/// Mismatched lengths ([`Error::WrongLength`]) and non-finite log-probabilities
/// ([`Error::NotFinite`]; `p` = policy, `q` = reference).
///
/// ```
/// use kldiv::loss::{policy_kl, Estimator, Reduction};
/// let logp = [-1.0, -2.0];
/// let logp_ref = [-1.5, -1.0];
/// let mut grad = [0.0; 2];
/// let k3 = policy_kl(&logp, &logp_ref, Estimator::K3, None, Reduction::Sum, Some(&mut grad)).unwrap();
/// let (r1, r2) = ((-0.5f64).exp(), 1f64.exp());
/// assert!((k3.value - ((r1 - 1.0 + 0.5) + (r2 - 1.0 - 1.0))).abs() < 1e-15);
/// assert!((grad[0] - (1.0 - r1)).abs() < 1e-15);
/// ```
pub fn policy_kl<T: Real>(
    logp: &[T],
    logp_ref: &[T],
    estimator: Estimator,
    mask: Option<&[bool]>,
    reduction: Reduction,
    grad: Option<&mut [T]>,
) -> Result<Loss> {
    let n = logp.len();
    if n == 0 {
        return Err(Error::Empty { arg: Arg::P });
    }
    let need = |what, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(Error::WrongLength {
                what,
                len,
                expected: n,
            })
        }
    };
    need("logp_ref", logp_ref.len())?;
    if let Some(m) = mask {
        need("mask", m.len())?;
    }
    if let Some(g) = grad.as_deref() {
        need("grad", g.len())?;
    }
    let counted = |i: usize| mask.is_none_or(|m| m[i]);
    let n_counted = (0..n).filter(|&i| counted(i)).count();
    let w = reduction_weight(reduction, n_counted, 1);
    let mut rows = vec![0.0; n];
    let mut grad = grad;
    for i in 0..n {
        if !counted(i) {
            if let Some(g) = grad.as_deref_mut() {
                g[i] = T::ZERO;
            }
            continue;
        }
        let a = logp[i].to_f64();
        let b = logp_ref[i].to_f64();
        if !a.is_finite() {
            return Err(Error::NotFinite {
                arg: Arg::P,
                index: i,
                value: a,
            });
        }
        if !b.is_finite() {
            return Err(Error::NotFinite {
                arg: Arg::Q,
                index: i,
                value: b,
            });
        }
        let (v, d) = estimator.eval(b - a);
        rows[i] = v;
        if let Some(g) = grad.as_deref_mut() {
            g[i] = T::from_f64(w * d);
        }
    }
    let mut total = Neumaier::new();
    rows.iter().for_each(|&v| total.add(v));
    Ok(Loss {
        value: total.total() * w,
        rows,
        counted: n_counted,
        reduction,
    })
}
