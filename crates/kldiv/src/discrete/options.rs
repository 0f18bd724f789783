//! Options shared by every discrete measure: unit, normalisation, support policy, smoothing.

use crate::error::{Error, Result};
use crate::units::Base;
use std::fmt;

/// What to do about the total mass of a (float) input.
///
/// Integer inputs are counts and are always divided by their total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Normalize {
    /// Require `|Σx − 1| ≤ tol + √K·ε`, otherwise [`Error::NotNormalized`]; compute with the
    /// values as given. `K` is the number of outcomes and `ε` the machine epsilon of the input
    /// type (`2.2e-16` for `f64`, `1.2e-7` for `f32`): the rounding of `K` stored values moves
    /// their sum by about that much, so an `f32` softmax over 32 000 tokens (sum off by ~1e-6)
    /// passes. The default, with `tol = 1e-6`.
    Check {
        /// Absolute tolerance on the sum, on top of the rounding allowance `√K·ε`.
        tol: f64,
    },
    /// Divide by the sum (an all-zero input is [`Error::ZeroMass`]).
    Renormalize,
    /// Trust the caller: no check, values used as given (fastest; garbage in, garbage out).
    Assume,
}

impl Normalize {
    /// The default tolerance of [`Normalize::Check`].
    pub const DEFAULT_TOL: f64 = 1e-6;
}

impl Default for Normalize {
    fn default() -> Self {
        Normalize::Check {
            tol: Normalize::DEFAULT_TOL,
        }
    }
}

/// What `KL(p‖q)` (and the cross-entropy) is when `p_i > 0` but `q_i = 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Support {
    /// The divergence is `+∞` (the mathematical value). The default.
    #[default]
    Infinite,
    /// Return [`Error::SupportMismatch`] naming the first such index, how many there are and the
    /// `p`-mass outside `supp(q)`.
    Error,
}

/// Smoothing applied to an input before the measure is computed. It is never implicit: the
/// CLI reports the smoothing in force beside the value.
///
/// With `S = Σx` the raw total and `K` the number of outcomes:
///
/// | variant | smoothed entry |
/// |---|---|
/// | `Additive { alpha }` (Lidstone; α = 1 is Laplace) | `(x_i + α) / (S + K·α)` |
/// | `Floor { epsilon }` | `max(x_i, ε) / Σ_j max(x_j, ε)` |
/// | `MixUniform { alpha }` | `(1 − α)·x_i/S + α/K` |
///
/// Every variant yields a distribution (sums to one) whatever [`Normalize`] says; for the
/// generalized KL, which takes unnormalised measures, the same maps are applied without the
/// division by the total (`x + α`, `max(x, ε)`, `(1 − α)x + α·S/K`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Smoothing {
    /// No smoothing. The default.
    #[default]
    None,
    /// Add `alpha > 0` to every entry (on counts: pseudo-counts), then normalise.
    Additive {
        /// Pseudo-count, finite and `> 0`.
        alpha: f64,
    },
    /// Raise every entry to at least `epsilon > 0`, then renormalise.
    Floor {
        /// The floor, finite and `> 0`.
        epsilon: f64,
    },
    /// Mix with the uniform distribution: `(1 − α)x + α/K`, `0 < α ≤ 1`.
    MixUniform {
        /// Weight of the uniform distribution, in `(0, 1]`.
        alpha: f64,
    },
}

impl Smoothing {
    /// Checks the parameter.
    pub fn validate(self) -> Result<()> {
        match self {
            Smoothing::None => Ok(()),
            Smoothing::Additive { alpha } => {
                if alpha.is_finite() && alpha > 0.0 {
                    Ok(())
                } else {
                    Err(Error::InvalidParameter {
                        name: "alpha",
                        value: alpha,
                        reason: "additive smoothing needs a finite alpha > 0",
                    })
                }
            }
            Smoothing::Floor { epsilon } => {
                if epsilon.is_finite() && epsilon > 0.0 {
                    Ok(())
                } else {
                    Err(Error::InvalidParameter {
                        name: "epsilon",
                        value: epsilon,
                        reason: "floor smoothing needs a finite epsilon > 0",
                    })
                }
            }
            Smoothing::MixUniform { alpha } => {
                if alpha > 0.0 && alpha <= 1.0 {
                    Ok(())
                } else {
                    Err(Error::InvalidParameter {
                        name: "alpha",
                        value: alpha,
                        reason: "mixing with the uniform distribution needs 0 < alpha <= 1",
                    })
                }
            }
        }
    }

    /// Parses the CLI form `add:A`, `floor:E`, `mix:A` or `none`.
    ///
    /// ```
    /// use kldiv::discrete::Smoothing;
    /// assert_eq!(Smoothing::parse("add:0.5").unwrap(), Smoothing::Additive { alpha: 0.5 });
    /// assert!(Smoothing::parse("mix:2").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Smoothing> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("none") {
            return Ok(Smoothing::None);
        }
        let (kind, val) = s.split_once(':').ok_or(Error::InvalidParameter {
            name: "smoothing",
            value: f64::NAN,
            reason: "expected add:A, floor:E, mix:A or none",
        })?;
        let v: f64 = val.trim().parse().map_err(|_| Error::InvalidParameter {
            name: "smoothing",
            value: f64::NAN,
            reason: "the parameter after ':' is not a number",
        })?;
        let sm = match kind.trim().to_ascii_lowercase().as_str() {
            "add" | "additive" | "lidstone" => Smoothing::Additive { alpha: v },
            "floor" | "eps" => Smoothing::Floor { epsilon: v },
            "mix" | "uniform" => Smoothing::MixUniform { alpha: v },
            _ => {
                return Err(Error::InvalidParameter {
                    name: "smoothing",
                    value: v,
                    reason: "unknown kind; expected add, floor or mix",
                });
            }
        };
        sm.validate()?;
        Ok(sm)
    }
}

impl fmt::Display for Smoothing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Smoothing::None => f.write_str("none"),
            Smoothing::Additive { alpha } => write!(f, "add:{alpha}"),
            Smoothing::Floor { epsilon } => write!(f, "floor:{epsilon}"),
            Smoothing::MixUniform { alpha } => write!(f, "mix:{alpha}"),
        }
    }
}

/// Which inputs [`Smoothing`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmoothSide {
    /// Both `p` and `q` (the usual choice for two histograms). The default.
    #[default]
    Both,
    /// Only `p`.
    P,
    /// Only `q` (the usual choice to make `KL(p‖q)` finite while keeping `p` exact).
    Q,
}

impl fmt::Display for SmoothSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SmoothSide::Both => "p,q",
            SmoothSide::P => "p",
            SmoothSide::Q => "q",
        })
    }
}

/// All options of the discrete measures. Build with the setters:
///
/// ```
/// use kldiv::discrete::{Options, Support, Smoothing};
/// use kldiv::Base;
/// let opts = Options::default()
///     .base(Base::Bits)
///     .support(Support::Error)
///     .smoothing(Smoothing::Additive { alpha: 1.0 });
/// assert_eq!(opts.base, Base::Bits);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Options {
    /// Unit of the result.
    pub base: Base,
    /// Normalisation policy for float inputs.
    pub normalize: Normalize,
    /// Policy for `p > 0` where `q = 0`.
    pub support: Support,
    /// Smoothing of the inputs.
    pub smoothing: Smoothing,
    /// Which inputs the smoothing applies to.
    pub smooth_side: SmoothSide,
}

impl Options {
    /// Sets the unit.
    pub fn base(mut self, base: Base) -> Self {
        self.base = base;
        self
    }
    /// Sets the normalisation policy.
    pub fn normalize(mut self, normalize: Normalize) -> Self {
        self.normalize = normalize;
        self
    }
    /// Sets the support policy.
    pub fn support(mut self, support: Support) -> Self {
        self.support = support;
        self
    }
    /// Sets the smoothing.
    pub fn smoothing(mut self, smoothing: Smoothing) -> Self {
        self.smoothing = smoothing;
        self
    }
    /// Sets which inputs are smoothed.
    pub fn smooth_side(mut self, side: SmoothSide) -> Self {
        self.smooth_side = side;
        self
    }

    /// Validates every parameter (base, tolerance, smoothing).
    pub fn validate(&self) -> Result<()> {
        self.base.validate()?;
        if let Normalize::Check { tol } = self.normalize {
            if !(tol >= 0.0 && tol.is_finite()) {
                return Err(Error::InvalidParameter {
                    name: "tol",
                    value: tol,
                    reason: "the normalisation tolerance must be finite and >= 0",
                });
            }
        }
        self.smoothing.validate()
    }

    pub(crate) fn smooths(&self, side: crate::error::Arg) -> bool {
        use crate::error::Arg;
        match (self.smooth_side, side) {
            (SmoothSide::Both, _) | (SmoothSide::P, Arg::P) | (SmoothSide::Q, Arg::Q) => {
                self.smoothing != Smoothing::None
            }
            _ => false,
        }
    }
}
