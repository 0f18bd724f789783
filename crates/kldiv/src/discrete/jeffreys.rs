//! Jeffreys divergence (symmetrised KL).

use super::kl::nats_with_support;
use super::options::Options;
use super::prepare::{Kind, prepare, same_length};
use crate::error::{Arg, Result};
use crate::kernels;
use crate::real::Element;
use crate::units::Quantity;

/// The Jeffreys divergence `J(p, q) = D(p‖q) + D(q‖p) = Σ_i (p_i − q_i) ln(p_i/q_i)`.
///
/// Symmetric and `≥ 0`; `+∞` as soon as either support is not contained in the other (under
/// [`super::Support::Error`] the first failing direction is reported; for `D(q‖p)` the error's
/// "p" is the second argument).
///
/// ```
/// use kldiv::discrete::{jeffreys, kl, Options};
/// let o = Options::default();
/// let (p, q) = ([0.5, 0.5], [0.9, 0.1]);
/// let j = jeffreys(&p, &q, &o).unwrap().value;
/// let s = kl(&p, &q, &o).unwrap().value + kl(&q, &p, &o).unwrap().value;
/// assert!((j - s).abs() < 1e-15);
/// ```
pub fn jeffreys<T: Element>(p: &[T], q: &[T], opts: &Options) -> Result<Quantity> {
    opts.validate()?;
    same_length(p.len(), q.len())?;
    let tp = prepare(p, Arg::P, opts, Kind::Distribution)?;
    let tq = prepare(q, Arg::Q, opts, Kind::Distribution)?;
    let forward = nats_with_support(kernels::kl(p, q, tp, tq), opts.support)?;
    let reverse = nats_with_support(kernels::kl(q, p, tq, tp), opts.support)?;
    Quantity::from_nats(forward + reverse, opts.base)
}
