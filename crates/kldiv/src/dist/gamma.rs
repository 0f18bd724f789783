//! The gamma distribution (shape–rate parameterisation).

use super::{Continuous, Expectation, ex, fmt_num, lgam, positive, same, std_gamma, times};
use crate::error::Result;
use crate::special::{digamma, trigamma};
use rand::RngCore;
use std::any::Any;

/// The gamma distribution with shape `a > 0` and rate `b > 0`:
/// `p(x) = bᵃ xᵃ⁻¹ e^{−bx} / Γ(a)` for `x > 0`.
///
/// Entropy `a − ln b + ln Γ(a) + (1 − a)ψ(a)`; mean `a/b`; variance `a/b²`.
///
/// ```
/// use kldiv::dist::{Continuous, Gamma};
/// let g = Gamma::new(2.0, 1.0).unwrap();
/// assert_eq!(g.mean(), Some(2.0));
/// assert!((g.ln_pdf(1.0) + 1.0).abs() < 1e-15);
/// assert!(Gamma::new(-1.0, 1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gamma {
    shape: f64,
    rate: f64,
}

impl Gamma {
    /// Gamma with `shape > 0` and `rate > 0`.
    pub fn new(shape: f64, rate: f64) -> Result<Gamma> {
        Ok(Gamma {
            shape: positive("shape", shape)?,
            rate: positive("rate", rate)?,
        })
    }
    /// Shape `a`.
    pub fn shape(&self) -> f64 {
        self.shape
    }
    /// Rate `b`.
    pub fn rate(&self) -> f64 {
        self.rate
    }
    /// `D(Γ(a₁,b₁) ‖ Γ(a₂,b₂)) = (a₁ − a₂)ψ(a₁) − ln Γ(a₁) + ln Γ(a₂) + a₂ ln(b₁/b₂)
    /// + a₁(b₂ − b₁)/b₁`.
    pub fn kl_gamma(&self, q: &Gamma) -> f64 {
        let (a1, b1, a2, b2) = (self.shape, self.rate, q.shape, q.rate);
        times(a1 - a2, digamma(a1)) - lgam(a1)
            + lgam(a2)
            + a2 * (b1 / b2).ln()
            + a1 * (b2 - b1) / b1
    }
    pub(crate) fn cross_entropy(shape: f64, rate: f64, p: &dyn Continuous) -> Option<f64> {
        let m = ex(p, Expectation::Mean)?;
        let lnx = if shape == 1.0 {
            0.0
        } else {
            ex(p, Expectation::LnX)?
        };
        Some(-shape * rate.ln() + lgam(shape) - times(shape - 1.0, lnx) + times(rate, m))
    }
    pub(crate) fn expect_of(a: f64, b: f64, e: Expectation) -> Option<f64> {
        let lnx = digamma(a) - b.ln();
        match e {
            Expectation::Mean => Some(a / b),
            Expectation::SqDev(c) => Some(a / (b * b) + (a / b - c) * (a / b - c)),
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(trigamma(a) + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(if r > -a {
                (lgam(a + r) - lgam(a) - r * b.ln()).exp()
            } else {
                f64::INFINITY
            }),
            Expectation::Mgf(t) => Some(if t < b {
                (-a * (-t / b).ln_1p()).exp()
            } else {
                f64::INFINITY
            }),
            _ => None,
        }
    }
    pub(crate) fn entropy_of(a: f64, b: f64) -> f64 {
        a - b.ln() + lgam(a) + times(1.0 - a, digamma(a))
    }
    pub(crate) fn landmarks_of(a: f64, b: f64) -> Vec<f64> {
        let mut v = vec![a / b];
        if a > 1.0 {
            v.push((a - 1.0) / b);
        }
        v
    }
}

impl Continuous for Gamma {
    fn family(&self) -> &'static str {
        "gamma"
    }
    fn spec(&self) -> String {
        format!(
            "gamma(shape={}, rate={})",
            fmt_num(self.shape),
            fmt_num(self.rate)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < 0.0 || (x == 0.0 && self.shape > 1.0) {
            return f64::NEG_INFINITY;
        }
        let (a, b) = (self.shape, self.rate);
        a * b.ln() - lgam(a) + times(a - 1.0, x.ln()) - b * x
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        Some(Gamma::entropy_of(self.shape, self.rate))
    }
    fn mean(&self) -> Option<f64> {
        Some(self.shape / self.rate)
    }
    fn variance(&self) -> Option<f64> {
        Some(self.shape / (self.rate * self.rate))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        std_gamma(self.shape, rng) / self.rate
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        Gamma::expect_of(self.shape, self.rate, e)
    }
    /// `H(p, Γ(a,b)) = −a ln b + ln Γ(a) − (a − 1)E_p[ln X] + b E_p[X]`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        Gamma::cross_entropy(self.shape, self.rate, p)
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Gamma>(q).map(|q| self.kl_gamma(q))
    }
    fn landmarks(&self) -> Vec<f64> {
        Gamma::landmarks_of(self.shape, self.rate)
    }
    fn scale_hint(&self) -> f64 {
        self.shape.sqrt() / self.rate
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
