//! Validation of one input and construction of the [`Affine`] transform that carries its
//! normalisation and smoothing.

use super::options::{Normalize, Options, Smoothing};
use crate::error::{Arg, Error, Result};
use crate::kernels::Affine;
use crate::real::Element;
use crate::sum::Neumaier;

/// Whether the input is a probability distribution or an unnormalised measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A distribution: normalisation policy applies, smoothing renormalises.
    Distribution,
    /// A non-negative measure (generalized KL): used as given, smoothing does not renormalise.
    Measure,
}

/// Checks every entry (finite, non-negative) and returns the compensated total.
pub(crate) fn validate<T: Element>(x: &[T], arg: Arg) -> Result<f64> {
    if x.is_empty() {
        return Err(Error::Empty { arg });
    }
    let mut s = Neumaier::new();
    for (index, &v) in x.iter().enumerate() {
        let value = v.to_f64();
        // `!(value >= 0.0)` also catches NaN.
        if !value.is_finite() {
            return Err(Error::NotFinite { arg, index, value });
        }
        if value < 0.0 {
            return Err(Error::Negative { arg, index, value });
        }
        s.add(value);
    }
    Ok(s.total())
}

/// Validates `x` and builds the transform that the kernels apply to it.
pub(crate) fn prepare<T: Element>(x: &[T], arg: Arg, opts: &Options, kind: Kind) -> Result<Affine> {
    let total = validate(x, arg)?;
    let k = x.len() as f64;
    let smoothing = if opts.smooths(arg) {
        opts.smoothing
    } else {
        Smoothing::None
    };
    if kind == Kind::Measure {
        return Ok(match smoothing {
            Smoothing::None => Affine::IDENTITY,
            Smoothing::Additive { alpha } => Affine {
                scale: 1.0,
                shift: alpha,
                floor: 0.0,
            },
            Smoothing::Floor { epsilon } => Affine {
                scale: 1.0,
                shift: 0.0,
                floor: epsilon,
            },
            Smoothing::MixUniform { alpha } => Affine {
                scale: 1.0 - alpha,
                shift: alpha * total / k,
                floor: 0.0,
            },
        });
    }
    // c: the factor that turns raw entries into probabilities.
    let c = if T::IS_COUNT {
        if total == 0.0 {
            return Err(Error::ZeroMass { arg });
        }
        1.0 / total
    } else {
        match opts.normalize {
            Normalize::Check { tol } => {
                let deviation = (total - 1.0).abs();
                if deviation > tol {
                    return Err(Error::NotNormalized {
                        arg,
                        sum: total,
                        deviation,
                        tol,
                    });
                }
                1.0
            }
            Normalize::Renormalize => {
                if total == 0.0 {
                    return Err(Error::ZeroMass { arg });
                }
                1.0 / total
            }
            Normalize::Assume => 1.0,
        }
    };
    Ok(match smoothing {
        Smoothing::None => Affine {
            scale: c,
            shift: 0.0,
            floor: 0.0,
        },
        Smoothing::Additive { alpha } => {
            let a = 1.0 / (total + k * alpha);
            Affine {
                scale: a,
                shift: alpha * a,
                floor: 0.0,
            }
        }
        Smoothing::Floor { epsilon } => {
            // max(c·x, ε) = c·max(x, ε/c); normalise by Σ max(c·x_j, ε).
            let floor = epsilon / c;
            let floored = crate::kernels::mass(
                x,
                Affine {
                    scale: c,
                    shift: 0.0,
                    floor,
                },
            );
            Affine {
                scale: c / floored,
                shift: 0.0,
                floor,
            }
        }
        Smoothing::MixUniform { alpha } => Affine {
            scale: (1.0 - alpha) * c,
            shift: alpha / k,
            floor: 0.0,
        },
    })
}

/// Checks that two inputs have the same number of outcomes.
pub(crate) fn same_length(p: usize, q: usize) -> Result<()> {
    if p == q {
        Ok(())
    } else {
        Err(Error::LengthMismatch { p_len: p, q_len: q })
    }
}
