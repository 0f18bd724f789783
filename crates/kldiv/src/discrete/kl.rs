//! Kullback–Leibler divergence between two discrete distributions.

use super::options::{Options, Support};
use super::prepare::{Kind, check_raw, prepare, raw, same_length};
use crate::error::{Arg, Error, Result};
use crate::kernels::{self, SupportedSum};
use crate::real::Element;
use crate::units::Quantity;

/// The Kullback–Leibler divergence `D(p‖q) = Σ_i p_i ln(p_i / q_i)`, in the unit of
/// `opts.base`.
///
/// `p` is the reference ("true") distribution, `q` the approximation. Conventions:
/// `0·ln(0/q) = 0`; `p_i > 0` where `q_i = 0` gives `+∞` (or [`Error::SupportMismatch`] under
/// [`Support::Error`]). `D(p‖q) ≥ 0` with equality iff `p = q` (for inputs that sum to one;
/// under [`super::Normalize::Check`] the values are used as given, so a sum slightly off one
/// can make a near-zero result slightly negative).
///
/// Terms are evaluated and accumulated in `f64` (compensated), also for `f32` input: see the
/// accuracy bound in the [module docs](super).
///
/// # Errors
/// Empty or mismatched inputs, NaN/±∞/negative entries, a failed normalisation check, an
/// invalid base or smoothing parameter, and missing support under [`Support::Error`].
///
/// ```
/// use kldiv::discrete::{kl, Options};
/// let d = kl(&[0.5, 0.5], &[0.9, 0.1], &Options::default()).unwrap();
/// assert!((d.value - 0.510825623765990_7).abs() < 1e-15);
/// assert_eq!(d.unit, kldiv::Base::Nats);
/// // Missing support is +∞, not an error:
/// assert!(kl(&[0.5, 0.5], &[1.0, 0.0], &Options::default()).unwrap().is_infinite());
/// ```
pub fn kl<T: Element>(p: &[T], q: &[T], opts: &Options) -> Result<Quantity> {
    opts.validate()?;
    same_length(p.len(), q.len())?;
    // One pass for validation and reduction when both inputs are used as given.
    if raw(p, Arg::P, opts) && raw(q, Arg::Q, opts) {
        if let Some(v) = kernels::kl_validated(p, q) {
            if check_raw::<T>(v.totals[0], p.len(), Arg::P, opts)?
                && check_raw::<T>(v.totals[1], q.len(), Arg::Q, opts)?
            {
                return finish(v.sum, opts);
            }
        }
    }
    let tp = prepare(p, Arg::P, opts, Kind::Distribution)?;
    let tq = prepare(q, Arg::Q, opts, Kind::Distribution)?;
    finish(kernels::kl(p, q, tp, tq), opts)
}

/// Turns a sum with possibly unsupported outcomes into the value, applying the support policy
/// and the unit.
pub(crate) fn finish(s: SupportedSum, opts: &Options) -> Result<Quantity> {
    nats_with_support(s, opts.support).and_then(|n| Quantity::from_nats(n, opts.base))
}

/// The value in nats after the support policy.
pub(crate) fn nats_with_support(s: SupportedSum, support: Support) -> Result<f64> {
    match (s.first_unsupported, support) {
        (None, _) => Ok(s.finite),
        (Some(_), Support::Infinite) => Ok(f64::INFINITY),
        (Some(index), Support::Error) => Err(Error::SupportMismatch {
            index,
            p_value: s.first_p,
            count: s.unsupported,
            mass_outside: s.mass_outside,
        }),
    }
}
