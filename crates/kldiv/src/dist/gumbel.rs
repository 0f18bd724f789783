//! The Gumbel (type I extreme value, maximum) distribution.

use super::{
    Continuous, Expectation, REAL_LINE, ex, finite, fmt_num, lgam, open01, positive, same,
};
use crate::error::Result;
use crate::special::EULER_GAMMA;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The Gumbel distribution with location `μ` and scale `β > 0`:
/// `p(x) = e^{−(z + e^{−z})} / β`, `z = (x − μ)/β`.
///
/// Entropy `ln β + γ + 1`; mean `μ + βγ`; variance `π²β²/6` (`γ` Euler's constant).
///
/// ```
/// use kldiv::dist::{Continuous, Gumbel};
/// let g = Gumbel::new(0.0, 1.0).unwrap();
/// assert!((g.mean().unwrap() - kldiv::special::EULER_GAMMA).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gumbel {
    loc: f64,
    scale: f64,
}

impl Gumbel {
    /// Gumbel with finite `loc` and `scale > 0`.
    pub fn new(loc: f64, scale: f64) -> Result<Gumbel> {
        Ok(Gumbel {
            loc: finite("loc", loc)?,
            scale: positive("scale", scale)?,
        })
    }
    /// Location `μ`.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// Scale `β`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for Gumbel {
    fn family(&self) -> &'static str {
        "gumbel"
    }
    fn spec(&self) -> String {
        format!(
            "gumbel(loc={}, scale={})",
            fmt_num(self.loc),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.loc) / self.scale;
        -self.scale.ln() - z - (-z).exp()
    }
    fn support(&self) -> (f64, f64) {
        REAL_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some(self.scale.ln() + EULER_GAMMA + 1.0)
    }
    fn mean(&self) -> Option<f64> {
        Some(self.loc + self.scale * EULER_GAMMA)
    }
    fn variance(&self) -> Option<f64> {
        Some(PI * PI * self.scale * self.scale / 6.0)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.loc - self.scale * (-open01(rng).ln()).ln()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (m, b) = (self.loc, self.scale);
        let mean = m + b * EULER_GAMMA;
        match e {
            Expectation::Mean => Some(mean),
            Expectation::SqDev(c) => Some(PI * PI * b * b / 6.0 + (mean - c) * (mean - c)),
            Expectation::Mgf(t) => Some(if b * t < 1.0 {
                (lgam(1.0 - b * t) + m * t).exp()
            } else {
                f64::INFINITY
            }),
            _ => None,
        }
    }
    /// `H(p, Gumbel(μ,β)) = ln β + (E_p X − μ)/β + e^{μ/β} E_p[e^{−X/β}]` (`+∞` when the
    /// moment generating function of `p` diverges at `−1/β`).
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let (m, b) = (self.loc, self.scale);
        let mgf = ex(p, Expectation::Mgf(-1.0 / b))?;
        if mgf == f64::INFINITY {
            return Some(f64::INFINITY);
        }
        let mean = ex(p, Expectation::Mean)?;
        Some(b.ln() + (mean - m) / b + (m / b).exp() * mgf)
    }
    /// `D = −ln c + (μ₁ − μ₂)/β₂ + cγ + exp((μ₂ − μ₁)/β₂ + ln Γ(1 + c)) − 1 − γ`, `c = β₁/β₂`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Gumbel>(q).map(|q| {
            let c = self.scale / q.scale;
            let d = (self.loc - q.loc) / q.scale;
            -c.ln() + d + c * EULER_GAMMA + (lgam(1.0 + c) - d).exp() - 1.0 - EULER_GAMMA
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
