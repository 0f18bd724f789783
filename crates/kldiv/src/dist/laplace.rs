//! The Laplace (double exponential) distribution.

use super::{Continuous, Expectation, REAL_LINE, ex, finite, fmt_num, open01, positive, same};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;

/// The Laplace distribution with location `μ` and scale `b > 0`:
/// `p(x) = exp(−|x − μ|/b) / (2b)`.
///
/// Entropy `1 + ln 2b`; mean `μ`; variance `2b²`.
///
/// ```
/// use kldiv::dist::{Continuous, Laplace};
/// let l = Laplace::new(0.0, 2.0).unwrap();
/// assert!((l.entropy().unwrap() - (1.0 + 4f64.ln())).abs() < 1e-15);
/// assert_eq!(l.variance(), Some(8.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Laplace {
    loc: f64,
    scale: f64,
}

impl Laplace {
    /// Laplace with `loc` (finite) and `scale` (finite, `> 0`).
    pub fn new(loc: f64, scale: f64) -> Result<Laplace> {
        Ok(Laplace {
            loc: finite("loc", loc)?,
            scale: positive("scale", scale)?,
        })
    }
    /// The location `μ`.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// The scale `b`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for Laplace {
    fn family(&self) -> &'static str {
        "laplace"
    }
    fn spec(&self) -> String {
        format!(
            "laplace(loc={}, scale={})",
            fmt_num(self.loc),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        -(2.0 * self.scale).ln() - (x - self.loc).abs() / self.scale
    }
    fn support(&self) -> (f64, f64) {
        REAL_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some(1.0 + (2.0 * self.scale).ln())
    }
    fn mean(&self) -> Option<f64> {
        Some(self.loc)
    }
    fn variance(&self) -> Option<f64> {
        Some(2.0 * self.scale * self.scale)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        let u = open01(rng) - 0.5;
        self.loc - self.scale * u.signum() * (-2.0 * u.abs()).ln_1p()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (m, b) = (self.loc, self.scale);
        match e {
            Expectation::Mean => Some(m),
            Expectation::SqDev(c) => Some(2.0 * b * b + (m - c) * (m - c)),
            Expectation::AbsDev(c) => {
                let d = (m - c).abs();
                Some(d + b * (-d / b).exp())
            }
            Expectation::Mgf(t) => Some(if (b * t).abs() < 1.0 {
                (m * t).exp() / (1.0 - b * b * t * t)
            } else {
                f64::INFINITY
            }),
            _ => None,
        }
    }
    /// `H(p, Laplace(μ,b)) = ln 2b + E_p|X − μ|/b`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let a = ex(p, Expectation::AbsDev(self.loc))?;
        Some((2.0 * self.scale).ln() + a / self.scale)
    }
    /// `D = −ln r + |Δμ|/b₂ + r·e^{−|Δμ|/b₁} − 1`, `r = b₁/b₂`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Laplace>(q).map(|q| {
            let r = self.scale / q.scale;
            let d = (self.loc - q.loc).abs();
            -r.ln() + d / q.scale + r * (-d / self.scale).exp() - 1.0
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
