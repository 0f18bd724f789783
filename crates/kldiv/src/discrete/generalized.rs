//! Generalized KL divergence between non-negative measures.

use super::kl::finish;
use super::options::Options;
use super::prepare::{Kind, prepare, same_length};
use crate::error::{Arg, Result};
use crate::kernels;
use crate::real::Element;
use crate::units::Quantity;

/// The generalized KL divergence (I-divergence) between non-negative measures that need not
/// sum to one: `D(p‖q) = Σ_i [p_i ln(p_i/q_i) − p_i + q_i]` — the loss of Poisson NMF.
///
/// Every term is `≥ 0`, so the sum is `≥ 0` with equality iff `p = q`; for two distributions it
/// equals [`super::kl`]. `opts.normalize` is ignored (the inputs are measures, integer counts
/// included); smoothing maps entries without renormalising (see [`super::Smoothing`]).
/// `p_i = 0` contributes `q_i`; `p_i > 0 = q_i` gives `+∞` or an error per `opts.support`.
///
/// ```
/// use kldiv::discrete::{generalized_kl, Options};
/// let d = generalized_kl(&[2.0, 1.0], &[1.0, 1.0], &Options::default()).unwrap();
/// assert!((d.value - (2.0 * 2f64.ln() - 1.0)).abs() < 1e-15);
/// ```
pub fn generalized_kl<T: Element>(p: &[T], q: &[T], opts: &Options) -> Result<Quantity> {
    opts.validate()?;
    same_length(p.len(), q.len())?;
    let tp = prepare(p, Arg::P, opts, Kind::Measure)?;
    let tq = prepare(q, Arg::Q, opts, Kind::Measure)?;
    finish(kernels::generalized_kl(p, q, tp, tq), opts)
}
