//! The inverse-gamma distribution: `1/X` for `X ~ Gamma(a, rate b)`.

use super::{Continuous, Expectation, Gamma, ex, fmt_num, lgam, positive, same, std_gamma};
use crate::error::Result;
use crate::special::{digamma, trigamma};
use rand::RngCore;
use std::any::Any;

/// The inverse-gamma distribution with shape `a > 0` and scale `b > 0`:
/// `p(x) = bᵃ x^{−a−1} e^{−b/x} / Γ(a)` for `x > 0`.
///
/// Entropy `a + ln b + ln Γ(a) − (1 + a)ψ(a)`; mean `b/(a − 1)` for `a > 1`; variance
/// `b²/((a − 1)²(a − 2))` for `a > 2`. KL between two inverse-gammas equals the KL between
/// `Gamma(a₁, rate b₁)` and `Gamma(a₂, rate b₂)` (KL is invariant under `x ↦ 1/x`).
///
/// ```
/// use kldiv::dist::{Continuous, InverseGamma};
/// let d = InverseGamma::new(3.0, 2.0).unwrap();
/// assert_eq!(d.mean(), Some(1.0));
/// assert_eq!(InverseGamma::new(1.0, 2.0).unwrap().mean(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InverseGamma {
    shape: f64,
    scale: f64,
}

impl InverseGamma {
    /// Inverse-gamma with `shape > 0` and `scale > 0`.
    pub fn new(shape: f64, scale: f64) -> Result<InverseGamma> {
        Ok(InverseGamma {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }
    /// Shape `a`.
    pub fn shape(&self) -> f64 {
        self.shape
    }
    /// Scale `b`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for InverseGamma {
    fn family(&self) -> &'static str {
        "inversegamma"
    }
    fn spec(&self) -> String {
        format!(
            "inversegamma(shape={}, scale={})",
            fmt_num(self.shape),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let (a, b) = (self.shape, self.scale);
        a * b.ln() - lgam(a) - (a + 1.0) * x.ln() - b / x
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        let a = self.shape;
        Some(a + self.scale.ln() + lgam(a) - (1.0 + a) * digamma(a))
    }
    fn mean(&self) -> Option<f64> {
        (self.shape > 1.0).then(|| self.scale / (self.shape - 1.0))
    }
    fn variance(&self) -> Option<f64> {
        let a = self.shape;
        (a > 2.0).then(|| self.scale * self.scale / ((a - 1.0) * (a - 1.0) * (a - 2.0)))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.scale / std_gamma(self.shape, rng)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (a, b) = (self.shape, self.scale);
        let lnx = b.ln() - digamma(a);
        let pow = |r: f64| {
            if r < a {
                (r * b.ln() + lgam(a - r) - lgam(a)).exp()
            } else {
                f64::INFINITY
            }
        };
        match e {
            Expectation::Mean => Some(pow(1.0)),
            Expectation::SqDev(c) => {
                let m2 = pow(2.0);
                Some(if m2.is_infinite() {
                    f64::INFINITY
                } else {
                    m2 - 2.0 * c * pow(1.0) + c * c
                })
            }
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(trigamma(a) + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(pow(r)),
            Expectation::Mgf(t) if t > 0.0 => Some(f64::INFINITY),
            Expectation::Mgf(0.0) => Some(1.0),
            _ => None,
        }
    }
    /// `H(p, IG(a,b)) = −a ln b + ln Γ(a) + (a + 1)E_p[ln X] + b E_p[1/X]`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let (a, b) = (self.shape, self.scale);
        let lnx = ex(p, Expectation::LnX)?;
        let inv = ex(p, Expectation::Pow(-1.0))?;
        Some(-a * b.ln() + lgam(a) + (a + 1.0) * lnx + b * inv)
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<InverseGamma>(q).and_then(|q| {
            let gp = Gamma::new(self.shape, self.scale).ok()?;
            let gq = Gamma::new(q.shape, q.scale).ok()?;
            Some(gp.kl_gamma(&gq))
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![self.scale / (self.shape + 1.0)]
    }
    fn scale_hint(&self) -> f64 {
        self.scale / (self.shape + 1.0)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
