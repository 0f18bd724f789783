//! Training losses with analytic gradients: divergences on logits (next-token prediction,
//! knowledge distillation), RL KL penalties, and the VAE term.
//!
//! ## Divergences on logits
//!
//! Rows of a `[B, V]` matrix of logits: the teacher `P` (the target; [`Teacher`]: logits,
//! log-probabilities, probabilities, or a sparse top-k with a tail bucket) and the student `Q`
//! (the model; always logits). At temperature `T`, `P = softmax(t/T)`, `Q = softmax(s/T)`.
//!
//! | [`Divergence`] | per row | torch composition |
//! |---|---|---|
//! | `Forward` | `KL(P‖Q) = Σ P (ln P − ln Q)` | `F.kl_div(F.log_softmax(S/T), F.log_softmax(Tl/T), log_target=True)` |
//! | `Reverse` | `KL(Q‖P)` | `F.kl_div(F.log_softmax(Tl/T), F.log_softmax(S/T), log_target=True)` |
//! | `Jsd { beta }` | `β KL(P‖M) + (1−β) KL(Q‖M)`, `M = βP + (1−β)Q` | TRL `generalized_jsd_loss` |
//!
//! With a one-hot teacher the forward KL is the next-token cross-entropy `−ln Q(label)`.
//! `T²` scaling, per-row masks and `ignore_index`, and the reductions `None`, `Sum`,
//! `MeanPerElement` (torch's default `'mean'`) and `BatchMean` (the mean KL) are in
//! [`LossOptions`]. Gradients w.r.t. the student (and teacher) logits are written into caller
//! buffers ([`Gradients`]); the kernels are fused and streaming (an online log-sum-exp, at most
//! two passes over a row for the KLs, three for JSD with gradients) and run rows in parallel.
//! Element-wise work (exponentials, logarithms, gradients) runs in the input type's own
//! arithmetic — 8 lanes of `f32` per AVX2 register for `f32` rows — and every sum accumulates
//! in `f64`. For `f32` rows (`u = 2⁻²⁴`) each probability is accurate to `(8 + 2|z|)u`
//! relative, `z = (logit − max)/T` its exponent, and a KL to about `10u` absolute; the bounds
//! are stated in full in the source of the row kernels (`loss/rows.rs`) and tested against
//! the `f64` path (`tests/loss_f32.rs`).

//! ## RL penalties and the VAE term
//!
//! [`policy_kl`] with the estimators k1, k2, k3 ([`Estimator`]) from per-token
//! log-probabilities; [`gaussian_kl_standard`] and [`gaussian_kl`] for diagonal Gaussians in
//! `(μ, ln σ²)`.
//!
//! All values are in nats.
//!
//! ```
//! use kldiv::loss::{divergence, Divergence, Gradients, LossOptions, Reduction, Teacher};
//! // Next-token prediction: a one-hot target gives −ln softmax(student)[label].
//! let student = [1.0f32, 2.0, 0.5];
//! let target = [0.0f32, 1.0, 0.0];
//! let opts = LossOptions::new(Divergence::Forward).reduction(Reduction::Sum);
//! let loss = divergence(Teacher::Probs(&target), &student, 3, &opts, Gradients::none()).unwrap();
//! let lse = (1f64.exp() + 2f64.exp() + 0.5f64.exp()).ln();
//! assert!((loss.value - (lse - 2.0)).abs() < 1e-6);
//! ```

mod divergence;
mod gaussian;
mod options;
mod policy;
mod rows;
mod sparse;
mod teacher;

pub use divergence::{Gradients, Loss, divergence};
pub use gaussian::{DiagGaussians, GaussianGrads, gaussian_kl, gaussian_kl_standard};
pub use options::{Divergence, LossOptions, Reduction};
pub use policy::{Estimator, policy_kl};
pub use teacher::{SparseTeacher, Teacher};
