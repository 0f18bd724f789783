//! The [`Measure`] enum: every discrete measure by name, with one dispatcher.

use super::options::Options;
use super::{cross_entropy, entropy, generalized_kl, jeffreys, js, js_distance, kl};
use crate::error::{Arg, Error, Result};
use crate::real::Element;
use crate::units::Quantity;
use std::fmt;
use std::str::FromStr;

/// A discrete measure, named as on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// `D(p‖q)`, see [`kl()`](super::kl()).
    Kl,
    /// `D(q‖p)`: the same function with the arguments swapped.
    ReverseKl,
    /// `H(p)`, see [`entropy()`](super::entropy()).
    Entropy,
    /// `H(p, q)`, see [`cross_entropy()`](super::cross_entropy()).
    CrossEntropy,
    /// `JS(p, q)`, see [`js()`](super::js()).
    Js,
    /// `√JS(p, q)`, see [`js_distance()`](super::js_distance()).
    JsDistance,
    /// `D(p‖q) + D(q‖p)`, see [`jeffreys()`](super::jeffreys()).
    Jeffreys,
    /// `Σ p ln(p/q) − p + q`, see [`generalized_kl()`](super::generalized_kl()).
    GeneralizedKl,
}

impl Measure {
    /// Every measure, in the order `--measure all` prints them.
    pub const ALL: [Measure; 8] = [
        Measure::Kl,
        Measure::ReverseKl,
        Measure::Entropy,
        Measure::CrossEntropy,
        Measure::Js,
        Measure::JsDistance,
        Measure::Jeffreys,
        Measure::GeneralizedKl,
    ];

    /// The CLI name (`kl`, `reverse-kl`, `entropy`, `cross-entropy`, `js`, `js-distance`,
    /// `jeffreys`, `generalized-kl`).
    pub fn name(self) -> &'static str {
        match self {
            Measure::Kl => "kl",
            Measure::ReverseKl => "reverse-kl",
            Measure::Entropy => "entropy",
            Measure::CrossEntropy => "cross-entropy",
            Measure::Js => "js",
            Measure::JsDistance => "js-distance",
            Measure::Jeffreys => "jeffreys",
            Measure::GeneralizedKl => "generalized-kl",
        }
    }

    /// `true` if the measure needs a second distribution `q`.
    pub fn needs_q(self) -> bool {
        self != Measure::Entropy
    }

    /// Evaluates the measure. `q` may be `None` only for [`Measure::Entropy`].
    ///
    /// ```
    /// use kldiv::discrete::{Measure, Options};
    /// let o = Options::default();
    /// let p = [0.5, 0.5];
    /// let q = [0.9, 0.1];
    /// let r = Measure::ReverseKl.eval(&p, Some(&q), &o).unwrap();
    /// assert!((r.value - 0.368_064_207_168_497_07).abs() < 1e-15);
    /// ```
    pub fn eval<T: Element>(self, p: &[T], q: Option<&[T]>, opts: &Options) -> Result<Quantity> {
        if self == Measure::Entropy {
            return entropy(p, opts);
        }
        let q = q.ok_or(Error::MissingQ {
            measure: self.name(),
        })?;
        match self {
            Measure::Kl => kl(p, q, opts),
            Measure::ReverseKl => kl(q, p, &swap_side(opts)).map_err(swap_args),
            Measure::CrossEntropy => cross_entropy(p, q, opts),
            Measure::Js => js(p, q, opts),
            Measure::JsDistance => js_distance(p, q, opts),
            Measure::Jeffreys => jeffreys(p, q, opts),
            Measure::GeneralizedKl => generalized_kl(p, q, opts),
            Measure::Entropy => entropy(p, opts),
        }
    }
}

fn swap_side(opts: &Options) -> Options {
    use super::options::SmoothSide;
    let side = match opts.smooth_side {
        SmoothSide::Both => SmoothSide::Both,
        SmoothSide::P => SmoothSide::Q,
        SmoothSide::Q => SmoothSide::P,
    };
    opts.smooth_side(side)
}

/// Renames `p` ↔ `q` in an error of a call made with swapped arguments, so that messages
/// refer to the arguments as the user passed them.
pub(crate) fn swap_args(e: Error) -> Error {
    let sw = |a: Arg| match a {
        Arg::P => Arg::Q,
        Arg::Q => Arg::P,
    };
    match e {
        Error::Empty { arg } => Error::Empty { arg: sw(arg) },
        Error::NotFinite { arg, index, value } => Error::NotFinite {
            arg: sw(arg),
            index,
            value,
        },
        Error::Negative { arg, index, value } => Error::Negative {
            arg: sw(arg),
            index,
            value,
        },
        Error::NotNormalized {
            arg,
            sum,
            deviation,
            tol,
        } => Error::NotNormalized {
            arg: sw(arg),
            sum,
            deviation,
            tol,
        },
        Error::ZeroMass { arg } => Error::ZeroMass { arg: sw(arg) },
        Error::LengthMismatch { p_len, q_len } => Error::LengthMismatch {
            p_len: q_len,
            q_len: p_len,
        },
        other => other,
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        Measure::ALL
            .into_iter()
            .find(|m| m.name() == t)
            .or(match t.as_str() {
                "kld" | "forward-kl" | "relative-entropy" => Some(Measure::Kl),
                "reverse" => Some(Measure::ReverseKl),
                "xent" | "ce" => Some(Measure::CrossEntropy),
                "jsd" | "jensen-shannon" => Some(Measure::Js),
                "j" | "symmetric-kl" => Some(Measure::Jeffreys),
                "i-divergence" => Some(Measure::GeneralizedKl),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "unknown measure '{s}'; expected one of: {}",
                    Measure::ALL.map(|m| m.name()).join(", ")
                )
            })
    }
}

/// Evaluates `measure` on inputs that are already validated and transformed; returns the
/// value in the unit of `opts.base`. `q`/`tq` are ignored for the entropy.
pub(crate) fn eval_prepared<T: Element>(
    measure: Measure,
    p: &[T],
    tp: crate::kernels::Affine,
    q: &[T],
    tq: crate::kernels::Affine,
    opts: &Options,
) -> Result<f64> {
    use super::kl::nats_with_support;
    use crate::kernels;
    let nats = match measure {
        Measure::Entropy => kernels::entropy(p, tp),
        Measure::Kl => nats_with_support(kernels::kl(p, q, tp, tq), opts.support)?,
        Measure::ReverseKl => {
            nats_with_support(kernels::kl(q, p, tq, tp), opts.support).map_err(swap_args)?
        }
        Measure::CrossEntropy => {
            nats_with_support(kernels::cross_entropy(p, q, tp, tq), opts.support)?
        }
        Measure::Js => kernels::js(p, q, tp, tq, 0.5, 0.5),
        Measure::JsDistance => {
            // √ of the divergence in the requested unit, as `js_distance` does.
            let d = opts.base.from_nats(kernels::js(p, q, tp, tq, 0.5, 0.5))?;
            return Ok(d.max(0.0).sqrt());
        }
        Measure::Jeffreys => {
            nats_with_support(kernels::kl(p, q, tp, tq), opts.support)?
                + nats_with_support(kernels::kl(q, p, tq, tp), opts.support)?
        }
        Measure::GeneralizedKl => {
            nats_with_support(kernels::generalized_kl(p, q, tp, tq), opts.support)?
        }
    };
    opts.base.from_nats(nats)
}

/// Whether a measure takes distributions or unnormalised measures.
pub(crate) fn kind_of(measure: Measure) -> super::prepare::Kind {
    if measure == Measure::GeneralizedKl {
        super::prepare::Kind::Measure
    } else {
        super::prepare::Kind::Distribution
    }
}
