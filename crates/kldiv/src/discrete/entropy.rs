//! Shannon entropy of a discrete distribution.

use super::options::Options;
use super::prepare::{Kind, check_raw, prepare, raw};
use crate::error::{Arg, Result};
use crate::kernels;
use crate::real::Element;
use crate::units::Quantity;

/// The Shannon entropy `H(p) = −Σ_i p_i ln p_i`, in the unit of `opts.base`, with
/// `0·ln 0 = 0`. `0 ≤ H(p) ≤ ln K` for `K` outcomes. The support option is irrelevant;
/// smoothing applies when `opts.smooth_side` includes `p`.
///
/// ```
/// use kldiv::{Base, discrete::{entropy, Options}};
/// let h = entropy(&[0.25; 4], &Options::default().base(Base::Bits)).unwrap();
/// assert!((h.value - 2.0).abs() < 1e-15);
/// ```
pub fn entropy<T: Element>(p: &[T], opts: &Options) -> Result<Quantity> {
    opts.validate()?;
    // One pass for validation and reduction when the input is used as given.
    if raw(p, Arg::P, opts) {
        if let Some(v) = kernels::entropy_validated(p) {
            if check_raw::<T>(v.totals[0], p.len(), Arg::P, opts)? {
                return Quantity::from_nats(v.sum.finite, opts.base);
            }
        }
    }
    let tp = prepare(p, Arg::P, opts, Kind::Distribution)?;
    Quantity::from_nats(kernels::entropy(p, tp), opts.base)
}
