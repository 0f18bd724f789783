//! Cross-entropy between two discrete distributions.

use super::kl::finish;
use super::options::Options;
use super::prepare::{Kind, check_raw, prepare, raw, same_length};
use crate::error::{Arg, Result};
use crate::kernels;
use crate::real::Element;
use crate::units::Quantity;

/// The cross-entropy `H(p, q) = −Σ_i p_i ln q_i = H(p) + D(p‖q)`, in the unit of `opts.base`:
/// the expected code length of outcomes drawn from `p` under a code built for `q`.
///
/// `0·ln q = 0`; `p_i > 0` where `q_i = 0` gives `+∞` (or an error under
/// [`super::Support::Error`]), exactly as for [`super::kl`].
///
/// ```
/// use kldiv::discrete::{cross_entropy, Options};
/// // One-hot p: the cross-entropy is −ln q(true outcome).
/// let h = cross_entropy(&[0.0, 1.0, 0.0], &[0.2, 0.5, 0.3], &Options::default()).unwrap();
/// assert!((h.value - 2f64.ln()).abs() < 1e-15);
/// ```
pub fn cross_entropy<T: Element>(p: &[T], q: &[T], opts: &Options) -> Result<Quantity> {
    opts.validate()?;
    same_length(p.len(), q.len())?;
    // One pass for validation and reduction when both inputs are used as given.
    if raw(p, Arg::P, opts) && raw(q, Arg::Q, opts) {
        if let Some(v) = kernels::cross_entropy_validated(p, q) {
            if check_raw::<T>(v.totals[0], p.len(), Arg::P, opts)?
                && check_raw::<T>(v.totals[1], q.len(), Arg::Q, opts)?
            {
                return finish(v.sum, opts);
            }
        }
    }
    let tp = prepare(p, Arg::P, opts, Kind::Distribution)?;
    let tq = prepare(q, Arg::Q, opts, Kind::Distribution)?;
    finish(kernels::cross_entropy(p, q, tp, tq), opts)
}
