//! The Weibull distribution.

use super::{Continuous, Expectation, ex, fmt_num, lgam, open01, positive, same, times};
use crate::error::Result;
use crate::special::EULER_GAMMA;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The Weibull distribution with shape `k > 0` and scale `λ > 0`:
/// `p(x) = (k/λ)(x/λ)^{k−1} e^{−(x/λ)ᵏ}` for `x ≥ 0`.
///
/// Entropy `γ(1 − 1/k) + ln(λ/k) + 1`; mean `λΓ(1 + 1/k)`; variance
/// `λ²[Γ(1 + 2/k) − Γ(1 + 1/k)²]`. `Weibull(1, λ)` is `Exponential(1/λ)`.
///
/// ```
/// use kldiv::dist::{Continuous, Weibull};
/// let w = Weibull::new(1.0, 2.0).unwrap();
/// assert!((w.mean().unwrap() - 2.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weibull {
    shape: f64,
    scale: f64,
}

impl Weibull {
    /// Weibull with `shape > 0` and `scale > 0`.
    pub fn new(shape: f64, scale: f64) -> Result<Weibull> {
        Ok(Weibull {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }
    /// Shape `k`.
    pub fn shape(&self) -> f64 {
        self.shape
    }
    /// Scale `λ`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    fn pow(&self, r: f64) -> f64 {
        if r > -self.shape {
            (r * self.scale.ln() + lgam(1.0 + r / self.shape)).exp()
        } else {
            f64::INFINITY
        }
    }
}

impl Continuous for Weibull {
    fn family(&self) -> &'static str {
        "weibull"
    }
    fn spec(&self) -> String {
        format!(
            "weibull(shape={}, scale={})",
            fmt_num(self.shape),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let (k, l) = (self.shape, self.scale);
        if x < 0.0 || (x == 0.0 && k > 1.0) {
            return f64::NEG_INFINITY;
        }
        let z = x / l;
        (k / l).ln() + times(k - 1.0, z.ln()) - z.powf(k)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        let k = self.shape;
        Some(EULER_GAMMA * (1.0 - 1.0 / k) + (self.scale / k).ln() + 1.0)
    }
    fn mean(&self) -> Option<f64> {
        Some(self.pow(1.0))
    }
    fn variance(&self) -> Option<f64> {
        let m = self.pow(1.0);
        Some(self.pow(2.0) - m * m)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.scale * (-open01(rng).ln()).powf(1.0 / self.shape)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let k = self.shape;
        let lnx = self.scale.ln() - EULER_GAMMA / k;
        match e {
            Expectation::Mean => Some(self.pow(1.0)),
            Expectation::SqDev(c) => Some(self.pow(2.0) - 2.0 * c * self.pow(1.0) + c * c),
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(PI * PI / (6.0 * k * k) + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(self.pow(r)),
            Expectation::Mgf(0.0) => Some(1.0),
            Expectation::Mgf(t) if t > 0.0 && k < 1.0 => Some(f64::INFINITY),
            _ => None,
        }
    }
    /// `H(p, W(k,λ)) = −ln(k/λ) − (k − 1)(E_p[ln X] − ln λ) + E_p[Xᵏ]/λᵏ`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let (k, l) = (self.shape, self.scale);
        let lnx = if k == 1.0 {
            0.0
        } else {
            ex(p, Expectation::LnX)?
        };
        let pk = ex(p, Expectation::Pow(k))?;
        Some(-(k / l).ln() - times(k - 1.0, lnx - l.ln()) + pk / l.powf(k))
    }
    /// `D = ln(k₁/k₂) + k₂ ln(λ₂/λ₁) − (k₁ − k₂)γ/k₁ + (λ₁/λ₂)^{k₂} Γ(1 + k₂/k₁) − 1`
    /// (Bauckhage 2013).
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Weibull>(q).map(|q| {
            let (k1, l1, k2, l2) = (self.shape, self.scale, q.shape, q.scale);
            (k1 / k2).ln() + k2 * (l2 / l1).ln() - (k1 - k2) * EULER_GAMMA / k1
                + (k2 * (l1 / l2).ln() + lgam(1.0 + k2 / k1)).exp()
                - 1.0
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        let k = self.shape;
        let mut v = vec![self.scale];
        if k > 1.0 {
            v.push(self.scale * ((k - 1.0) / k).powf(1.0 / k));
        }
        v
    }
    fn scale_hint(&self) -> f64 {
        self.scale
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
