//! The Pareto (type I) distribution.

use super::{Continuous, Expectation, ex, fmt_num, open01, positive, same};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;

/// The Pareto distribution with scale (minimum) `x_m > 0` and shape `α > 0`:
/// `p(x) = α x_mᵅ / x^{α+1}` for `x ≥ x_m`.
///
/// Entropy `ln(x_m/α) + 1/α + 1`; mean `αx_m/(α − 1)` for `α > 1` (else infinite);
/// variance `x_m²α/((α − 1)²(α − 2))` for `α > 2`.
/// `D(Par(x₁,α₁) ‖ Par(x₂,α₂)) = ln(α₁/α₂) + α₂ ln(x₁/x₂) + α₂/α₁ − 1` for `x₁ ≥ x₂`, `+∞`
/// otherwise. Against families with a finite mean or second moment in their log-density
/// (exponential, gamma, normal, ...) the KL is `+∞` when `α ≤ 1` (resp. `α ≤ 2`).
///
/// ```
/// use kldiv::dist::{Continuous, Pareto};
/// let p = Pareto::new(1.0, 3.0).unwrap();
/// assert_eq!(p.mean(), Some(1.5));
/// assert_eq!(Pareto::new(1.0, 1.0).unwrap().mean(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pareto {
    scale: f64,
    alpha: f64,
}

impl Pareto {
    /// Pareto with `scale` (`x_m > 0`) and `alpha > 0`.
    pub fn new(scale: f64, alpha: f64) -> Result<Pareto> {
        Ok(Pareto {
            scale: positive("scale", scale)?,
            alpha: positive("alpha", alpha)?,
        })
    }
    /// The minimum `x_m`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// The shape `α`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    fn pow(&self, r: f64) -> f64 {
        let a = self.alpha;
        if r < a {
            a * self.scale.powf(r) / (a - r)
        } else {
            f64::INFINITY
        }
    }
}

impl Continuous for Pareto {
    fn family(&self) -> &'static str {
        "pareto"
    }
    fn spec(&self) -> String {
        format!(
            "pareto(scale={}, alpha={})",
            fmt_num(self.scale),
            fmt_num(self.alpha)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < self.scale {
            return f64::NEG_INFINITY;
        }
        let a = self.alpha;
        a.ln() + a * self.scale.ln() - (a + 1.0) * x.ln()
    }
    fn support(&self) -> (f64, f64) {
        (self.scale, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        Some((self.scale / self.alpha).ln() + 1.0 / self.alpha + 1.0)
    }
    fn mean(&self) -> Option<f64> {
        (self.alpha > 1.0).then(|| self.pow(1.0))
    }
    fn variance(&self) -> Option<f64> {
        let a = self.alpha;
        (a > 2.0).then(|| self.scale * self.scale * a / ((a - 1.0) * (a - 1.0) * (a - 2.0)))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.scale * open01(rng).powf(-1.0 / self.alpha)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (xm, a) = (self.scale, self.alpha);
        let lnx = xm.ln() + 1.0 / a;
        match e {
            Expectation::Mean => Some(self.pow(1.0)),
            Expectation::SqDev(c) => {
                let m2 = self.pow(2.0);
                Some(if m2.is_infinite() {
                    f64::INFINITY
                } else {
                    m2 - 2.0 * c * self.pow(1.0) + c * c
                })
            }
            Expectation::AbsDev(c) => {
                let m = self.pow(1.0);
                Some(if m.is_infinite() {
                    f64::INFINITY
                } else if c <= xm {
                    m - c
                } else {
                    // E(c − X)⁺ = ∫_{x_m}^c F(x) dx, F(x) = 1 − (x_m/x)^α
                    let below =
                        (c - xm) - xm.powf(a) * (c.powf(1.0 - a) - xm.powf(1.0 - a)) / (1.0 - a);
                    m - c + 2.0 * below
                })
            }
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(1.0 / (a * a) + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(self.pow(r)),
            Expectation::Mgf(t) if t > 0.0 => Some(f64::INFINITY),
            Expectation::Mgf(0.0) => Some(1.0),
            _ => None,
        }
    }
    /// `H(p, Par(x_m, α)) = −ln α − α ln x_m + (α + 1)E_p[ln X]` when `supp p ⊆ [x_m, ∞)`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let a = self.alpha;
        let lnx = ex(p, Expectation::LnX)?;
        Some(-a.ln() - a * self.scale.ln() + (a + 1.0) * lnx)
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Pareto>(q).map(|q| {
            if self.scale < q.scale {
                return f64::INFINITY;
            }
            let r = q.alpha / self.alpha;
            (r - 1.0) - r.ln() + q.alpha * (self.scale / q.scale).ln()
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![self.scale]
    }
    fn scale_hint(&self) -> f64 {
        self.scale
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
