//! Finite mixtures of univariate continuous distributions.

use super::{Continuous, Expectation, open01};
use crate::error::{Error, Result};
use crate::kl::AnyDist;
use crate::sum::Neumaier;
use rand::RngCore;
use std::any::Any;

/// A finite mixture `p(x) = Σᵢ wᵢ pᵢ(x)` of univariate continuous distributions (any family,
/// families may be mixed), weights `wᵢ ≥ 0` summing to 1 within `1e-9`.
///
/// No closed-form entropy or KL exists in general: KL involving a mixture uses quadrature or
/// Monte Carlo, and for Gaussian mixtures also the variational approximation and upper bound
/// of Hershey & Olsen (2007) ([`crate::kl::gmm_approximations`]). Linear expectations
/// (moments, `E[ln X]`, ...) are the weighted sums of the components'.
///
/// ```
/// use kldiv::dist::{Continuous, Mixture, Normal};
/// use kldiv::kl::AnyDist;
/// let m = Mixture::new(
///     vec![0.5, 0.5],
///     vec![AnyDist::Normal(Normal::new(-2.0, 0.6).unwrap()), AnyDist::Normal(Normal::new(2.0, 0.6).unwrap())],
/// ).unwrap();
/// assert_eq!(m.mean(), Some(0.0));
/// assert!(Mixture::new(vec![0.3, 0.3], vec![]).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Mixture {
    weights: Vec<f64>,
    components: Vec<AnyDist>,
    ln_weights: Vec<f64>,
}

/// Mixture weights: each finite and `≥ 0` ([`Error::InvalidElement`] naming `weights[i]`), the
/// sum 1 within `1e-9` ([`Error::InvalidParameter`]).
pub(crate) fn check_weights(weights: &[f64]) -> Result<()> {
    let mut s = Neumaier::new();
    for (i, &w) in weights.iter().enumerate() {
        if !(w.is_finite() && w >= 0.0) {
            return Err(Error::InvalidElement {
                name: "weights",
                index: i,
                value: w,
                reason: "must be finite and >= 0",
            });
        }
        s.add(w);
    }
    if (s.total() - 1.0).abs() > 1e-9 {
        return Err(Error::InvalidParameter {
            name: "sum(weights)",
            value: s.total(),
            reason: "mixture weights must sum to 1 (within 1e-9)",
        });
    }
    Ok(())
}

impl Mixture {
    /// A mixture with `weights` and `components` (same non-zero length; every component a
    /// univariate continuous distribution).
    pub fn new(weights: Vec<f64>, components: Vec<AnyDist>) -> Result<Mixture> {
        if components.is_empty() || weights.len() != components.len() {
            return Err(Error::DimensionMismatch {
                name: "weights",
                expected: components.len().max(1),
                found: weights.len(),
            });
        }
        check_weights(&weights)?;
        for (i, c) in components.iter().enumerate() {
            if c.as_continuous().is_none() {
                return Err(Error::InvalidElement {
                    name: "components",
                    index: i,
                    value: f64::NAN,
                    reason: "mixture components must be univariate continuous distributions",
                });
            }
        }
        let ln_weights = weights.iter().map(|w| w.ln()).collect();
        Ok(Mixture {
            weights,
            components,
            ln_weights,
        })
    }
    /// The weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// The components.
    pub fn components(&self) -> &[AnyDist] {
        &self.components
    }
    fn comps(&self) -> impl Iterator<Item = (f64, &dyn Continuous)> {
        self.weights
            .iter()
            .zip(&self.components)
            .filter_map(|(&w, c)| c.as_continuous().map(|c| (w, c)))
    }
    /// `Σᵢ wᵢ fᵢ` if every `fᵢ` is `Some`.
    fn weighted(&self, f: impl Fn(&dyn Continuous) -> Option<f64>) -> Option<f64> {
        let mut s = Neumaier::new();
        for (w, c) in self.comps() {
            if w > 0.0 {
                s.add(w * f(c)?);
            }
        }
        Some(s.total())
    }
}

impl Continuous for Mixture {
    fn family(&self) -> &'static str {
        "mixture"
    }
    fn spec(&self) -> String {
        let parts: Vec<String> = self
            .comps()
            .map(|(w, c)| format!("{w}*{}", c.spec()))
            .collect();
        format!("mixture({})", parts.join(", "))
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let mut m = f64::NEG_INFINITY;
        let mut terms = [0.0f64; 0].to_vec();
        for ((_, c), lw) in self.comps().zip(&self.ln_weights) {
            let t = lw + c.ln_pdf(x);
            m = m.max(t);
            terms.push(t);
        }
        if m == f64::NEG_INFINITY {
            return m;
        }
        m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln()
    }
    fn support(&self) -> (f64, f64) {
        self.comps().filter(|(w, _)| *w > 0.0).fold(
            (f64::INFINITY, f64::NEG_INFINITY),
            |(lo, hi), (_, c)| {
                let (a, b) = c.support();
                (lo.min(a), hi.max(b))
            },
        )
    }
    fn entropy(&self) -> Option<f64> {
        None
    }
    fn mean(&self) -> Option<f64> {
        self.weighted(|c| c.mean())
    }
    fn variance(&self) -> Option<f64> {
        let m = self.mean()?;
        self.weighted(|c| {
            let mi = c.mean()?;
            Some(c.variance()? + (mi - m) * (mi - m))
        })
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        let u = open01(rng);
        let mut acc = 0.0;
        let mut last = None;
        for (w, c) in self.comps() {
            if w > 0.0 {
                last = Some(c);
                acc += w;
                if u < acc {
                    return c.sample_one(rng);
                }
            }
        }
        last.map_or(f64::NAN, |c| c.sample_one(rng))
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        self.weighted(|c| c.expect(e))
    }
    fn landmarks(&self) -> Vec<f64> {
        self.comps().flat_map(|(_, c)| c.landmarks()).collect()
    }
    fn scale_hint(&self) -> f64 {
        self.comps()
            .map(|(_, c)| c.scale_hint())
            .fold(f64::INFINITY, f64::min)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
