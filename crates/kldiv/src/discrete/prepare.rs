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
    if let Some(total) = crate::kernels::checked_sum(x) {
        return Ok(total);
    }
    // Something is wrong: find the first offending entry.
    let mut s = Neumaier::new();
    for (index, &v) in x.iter().enumerate() {
        let value = v.to_f64();
        check_entry(value, arg, index)?;
        s.add(value);
    }
    Ok(s.total())
}

/// An entry must be finite and `≥ 0`: NaN and ±∞ are [`Error::NotFinite`], negative values
/// [`Error::Negative`], both naming `arg` and the (global) `index`.
#[inline]
pub(crate) fn check_entry(value: f64, arg: Arg, index: usize) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::NotFinite { arg, index, value });
    }
    if value < 0.0 {
        return Err(Error::Negative { arg, index, value });
    }
    Ok(())
}

/// The transform of one input, or what is still missing to build it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Plan {
    /// The transform is known.
    Ready(Affine),
    /// Floor smoothing: the transform is `max(x, floor)/R` with `R = Σ max(x_j, floor)`, a
    /// second pass over the raw entries.
    NeedsFloorMass {
        /// The floor on the raw scale (`ε/c`).
        floor: f64,
    },
}

/// Builds the transform of an input from its validated total and length (no pass over the
/// data, except the one `Plan::NeedsFloorMass` asks for).
pub(crate) fn plan(
    total: f64,
    len: usize,
    is_count: bool,
    eps: f64,
    arg: Arg,
    opts: &Options,
    kind: Kind,
) -> Result<Plan> {
    let k = len as f64;
    let smoothing = if opts.smooths(arg) {
        opts.smoothing
    } else {
        Smoothing::None
    };
    if kind == Kind::Measure {
        return Ok(Plan::Ready(match smoothing {
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
        }));
    }
    // c: the factor that turns raw entries into probabilities.
    let c = if is_count {
        if total == 0.0 {
            return Err(Error::ZeroMass { arg });
        }
        1.0 / total
    } else {
        match opts.normalize {
            Normalize::Check { tol } => {
                // Values stored in a type with machine epsilon ε carry rounding errors whose
                // sum is about √K·ε: allow for them on top of the user's tolerance.
                let tol = tol + k.sqrt() * eps;
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
        Smoothing::None => Plan::Ready(Affine {
            scale: c,
            shift: 0.0,
            floor: 0.0,
        }),
        Smoothing::Additive { alpha } => {
            let a = 1.0 / (total + k * alpha);
            Plan::Ready(Affine {
                scale: a,
                shift: alpha * a,
                floor: 0.0,
            })
        }
        // max(c·x, ε) / Σ max(c·x_j, ε) = max(x, ε/c) / Σ max(x_j, ε/c).
        Smoothing::Floor { epsilon } => Plan::NeedsFloorMass { floor: epsilon / c },
        Smoothing::MixUniform { alpha } => Plan::Ready(Affine {
            scale: (1.0 - alpha) * c,
            shift: alpha / k,
            floor: 0.0,
        }),
    })
}

/// The floor-smoothing transform once `R = Σ max(x_j, floor)` is known.
pub(crate) fn floor_transform(floor: f64, floored_mass: f64) -> Affine {
    Affine {
        scale: 1.0 / floored_mass,
        shift: 0.0,
        floor,
    }
}

/// Validates `x` and builds the transform that the kernels apply to it.
pub(crate) fn prepare<T: Element>(x: &[T], arg: Arg, opts: &Options, kind: Kind) -> Result<Affine> {
    let total = validate(x, arg)?;
    match plan(total, x.len(), T::IS_COUNT, T::EPS, arg, opts, kind)? {
        Plan::Ready(t) => Ok(t),
        Plan::NeedsFloorMass { floor } => {
            let raw = crate::kernels::mass(
                x,
                Affine {
                    scale: 1.0,
                    shift: 0.0,
                    floor,
                },
            );
            Ok(floor_transform(floor, raw))
        }
    }
}

/// Whether `x` is used as given (the identity transform) whatever its total: floating-point
/// entries under [`Normalize::Check`] or [`Normalize::Assume`], not smoothed. Such inputs are
/// validated in the same pass that reduces them (`crate::kernels::kl_validated` and its
/// siblings), so that the data is read once.
pub(crate) fn raw<T: Element>(x: &[T], arg: Arg, opts: &Options) -> bool {
    !x.is_empty()
        && !T::IS_COUNT
        && matches!(opts.normalize, Normalize::Check { .. } | Normalize::Assume)
        && (opts.smoothing == Smoothing::None || !opts.smooths(arg))
}

/// The normalisation check of a [`raw`] input once a fused pass has validated it and
/// returned its `total`: the error [`prepare`] would return, or whether the transform is the
/// identity (always, for a [`raw`] input; `false` makes the caller take the ordinary path).
pub(crate) fn check_raw<T: Element>(
    total: f64,
    len: usize,
    arg: Arg,
    opts: &Options,
) -> Result<bool> {
    let plan = plan(
        total,
        len,
        T::IS_COUNT,
        T::EPS,
        arg,
        opts,
        Kind::Distribution,
    )?;
    Ok(plan == Plan::Ready(Affine::IDENTITY))
}

/// Checks that two inputs have the same number of outcomes.
pub(crate) fn same_length(p: usize, q: usize) -> Result<()> {
    if p == q {
        Ok(())
    } else {
        Err(Error::LengthMismatch { p_len: p, q_len: q })
    }
}
