//! Jensen–Shannon divergence and distance.

use super::options::Options;
use super::prepare::{Kind, prepare, same_length};
use crate::error::{Arg, Error, Result};
use crate::kernels;
use crate::real::Element;
use crate::units::Quantity;

/// The Jensen–Shannon divergence with equal weights,
/// `JS(p, q) = ½ D(p‖m) + ½ D(q‖m)` with `m = ½(p + q)`.
///
/// Symmetric, always finite, `0 ≤ JS ≤ ln 2` nats (1 bit). The support option is irrelevant.
///
/// ```
/// use kldiv::{Base, discrete::{js, Options}};
/// // Disjoint supports reach the maximum: 1 bit.
/// let d = js(&[1.0, 0.0], &[0.0, 1.0], &Options::default().base(Base::Bits)).unwrap();
/// assert!((d.value - 1.0).abs() < 1e-15);
/// ```
pub fn js<T: Element>(p: &[T], q: &[T], opts: &Options) -> Result<Quantity> {
    js_weighted(p, q, [0.5, 0.5], opts)
}

/// The weighted Jensen–Shannon divergence
/// `JS_π(p, q) = π_p D(p‖m) + π_q D(q‖m) = H(m) − π_p H(p) − π_q H(q)`, `m = π_p p + π_q q`.
///
/// The weights must be finite, non-negative and sum to one (to within `1e-12`).
/// `0 ≤ JS_π ≤ H(π)`.
///
/// ```
/// use kldiv::discrete::{js_weighted, Options};
/// let d = js_weighted(&[1.0, 0.0], &[0.0, 1.0], [0.25, 0.75], &Options::default()).unwrap();
/// let h_pi = -(0.25f64 * 0.25f64.ln() + 0.75 * 0.75f64.ln());
/// assert!((d.value - h_pi).abs() < 1e-15);
/// ```
pub fn js_weighted<T: Element>(
    p: &[T],
    q: &[T],
    weights: [f64; 2],
    opts: &Options,
) -> Result<Quantity> {
    opts.validate()?;
    validate_weights(weights)?;
    same_length(p.len(), q.len())?;
    let tp = prepare(p, Arg::P, opts, Kind::Distribution)?;
    let tq = prepare(q, Arg::Q, opts, Kind::Distribution)?;
    let nats = kernels::js(p, q, tp, tq, weights[0], weights[1]);
    Quantity::from_nats(nats, opts.base)
}

/// The Jensen–Shannon distance `√JS(p, q)` (equal weights), a metric on distributions.
///
/// Computed as the square root of the divergence *in the unit of `opts.base`* (as
/// `scipy.spatial.distance.jensenshannon` does), so its unit is the square root of that unit;
/// the returned [`Quantity`] names the base.
///
/// ```
/// use kldiv::{Base, discrete::{js_distance, Options}};
/// let d = js_distance(&[1.0, 0.0], &[0.0, 1.0], &Options::default().base(Base::Bits)).unwrap();
/// assert!((d.value - 1.0).abs() < 1e-15);
/// ```
pub fn js_distance<T: Element>(p: &[T], q: &[T], opts: &Options) -> Result<Quantity> {
    let d = js(p, q, opts)?;
    // Rounding can leave −1e-17 for identical inputs: the distance of p to itself is 0.
    Ok(Quantity::new(d.value.max(0.0).sqrt(), d.unit))
}

fn validate_weights(w: [f64; 2]) -> Result<()> {
    for x in w {
        if !(x.is_finite() && x >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "weights",
                value: x,
                reason: "Jensen–Shannon weights must be finite and >= 0",
            });
        }
    }
    let s = w[0] + w[1];
    if (s - 1.0).abs() > 1e-12 {
        return Err(Error::InvalidParameter {
            name: "weights",
            value: s,
            reason: "Jensen–Shannon weights must sum to 1",
        });
    }
    Ok(())
}
