//! The logistic distribution.

use super::{Continuous, Expectation, REAL_LINE, finite, fmt_num, open01, positive};
use crate::error::Result;
use crate::special::softplus;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The logistic distribution with location `μ` and scale `s > 0`:
/// `p(x) = e^{−z} / (s (1 + e^{−z})²)`, `z = (x − μ)/s`.
///
/// Entropy `ln s + 2`; mean `μ`; variance `s²π²/3`. No closed-form KL is known with any
/// family here (KL uses quadrature).
///
/// ```
/// use kldiv::dist::{Continuous, Logistic};
/// let l = Logistic::new(0.0, 1.0).unwrap();
/// assert!((l.ln_pdf(0.0) - 0.25f64.ln()).abs() < 1e-15);
/// assert_eq!(l.entropy(), Some(2.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logistic {
    loc: f64,
    scale: f64,
}

impl Logistic {
    /// Logistic with finite `loc` and `scale > 0`.
    pub fn new(loc: f64, scale: f64) -> Result<Logistic> {
        Ok(Logistic {
            loc: finite("loc", loc)?,
            scale: positive("scale", scale)?,
        })
    }
    /// Location `μ`.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// Scale `s`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for Logistic {
    fn family(&self) -> &'static str {
        "logistic"
    }
    fn spec(&self) -> String {
        format!(
            "logistic(loc={}, scale={})",
            fmt_num(self.loc),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.loc) / self.scale;
        -z - self.scale.ln() - 2.0 * softplus(-z)
    }
    fn support(&self) -> (f64, f64) {
        REAL_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some(self.scale.ln() + 2.0)
    }
    fn mean(&self) -> Option<f64> {
        Some(self.loc)
    }
    fn variance(&self) -> Option<f64> {
        Some(self.scale * self.scale * PI * PI / 3.0)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        let u = open01(rng);
        self.loc + self.scale * (u / (1.0 - u)).ln()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (m, s) = (self.loc, self.scale);
        match e {
            Expectation::Mean => Some(m),
            Expectation::SqDev(c) => Some(s * s * PI * PI / 3.0 + (m - c) * (m - c)),
            // E(X − c)⁺ = s·softplus((μ − c)/s), E|X − c| = 2E(X − c)⁺ − E(X − c).
            Expectation::AbsDev(c) => Some(2.0 * s * softplus((m - c) / s) - (m - c)),
            Expectation::Mgf(t) => {
                let a = s * t;
                Some(if a == 0.0 {
                    1.0
                } else if a.abs() < 1.0 {
                    (m * t).exp() * PI * a / (PI * a).sin()
                } else {
                    f64::INFINITY
                })
            }
            _ => None,
        }
    }
    /// No closed form in general; `+∞` when `E_p|X − μ| = ∞`, since `−ln q(x) ≥ ln s + |x − μ|/s`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        match p.expect(Expectation::AbsDev(self.loc)) {
            Some(v) if v == f64::INFINITY => Some(v),
            _ => None,
        }
    }
    /// No same-family formula is known; `0` when the parameters are equal.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        super::same::<Self>(q).and_then(|q| (q == self).then_some(0.0))
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
