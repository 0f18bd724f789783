//! The Cauchy (Lorentz) distribution.

use super::{Continuous, Expectation, REAL_LINE, finite, fmt_num, open01, positive, same};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The Cauchy distribution with location `μ` and scale `γ > 0`:
/// `p(x) = 1 / (πγ (1 + ((x − μ)/γ)²))`.
///
/// Entropy `ln 4πγ`; mean and variance undefined (`None`).
///
/// ```
/// use kldiv::dist::{Continuous, Cauchy};
/// let c = Cauchy::new(0.0, 1.0).unwrap();
/// assert_eq!(c.mean(), None);
/// assert!((c.entropy().unwrap() - (4.0 * std::f64::consts::PI).ln()).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cauchy {
    loc: f64,
    scale: f64,
}

impl Cauchy {
    /// Cauchy with `loc` (finite) and `scale` (finite, `> 0`).
    pub fn new(loc: f64, scale: f64) -> Result<Cauchy> {
        Ok(Cauchy {
            loc: finite("loc", loc)?,
            scale: positive("scale", scale)?,
        })
    }
    /// The location `μ`.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// The scale `γ`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for Cauchy {
    fn family(&self) -> &'static str {
        "cauchy"
    }
    fn spec(&self) -> String {
        format!(
            "cauchy(loc={}, scale={})",
            fmt_num(self.loc),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.loc) / self.scale;
        -(PI * self.scale).ln() - (z * z).ln_1p()
    }
    fn support(&self) -> (f64, f64) {
        REAL_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some((4.0 * PI * self.scale).ln())
    }
    fn mean(&self) -> Option<f64> {
        None
    }
    fn variance(&self) -> Option<f64> {
        None
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.loc + self.scale * (PI * (open01(rng) - 0.5)).tan()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        match e {
            Expectation::SqDev(_) | Expectation::AbsDev(_) => Some(f64::INFINITY),
            Expectation::Mgf(t) => Some(if t == 0.0 { 1.0 } else { f64::INFINITY }),
            _ => None,
        }
    }
    /// `D = ln(((γ₁ + γ₂)² + (μ₁ − μ₂)²)/(4γ₁γ₂))` (Chyzak & Nielsen 2019), computed as
    /// `ln1p(((γ₁ − γ₂)² + (μ₁ − μ₂)²)/(4γ₁γ₂))`. Symmetric.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Cauchy>(q).map(|q| {
            let dg = self.scale - q.scale;
            let dm = self.loc - q.loc;
            ((dg * dg + dm * dm) / (4.0 * self.scale * q.scale)).ln_1p()
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![self.loc]
    }
    fn scale_hint(&self) -> f64 {
        self.scale
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
