//! The log-normal distribution: `e^X` for `X ~ N(μ, σ²)`.

use super::{Continuous, Expectation, ex, finite, fmt_num, positive, same, std_normal};
use crate::error::Result;
use crate::special::norm_cdf;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The log-normal distribution with log-mean `μ` and log-standard deviation `σ > 0`:
/// `p(x) = exp(−(ln x − μ)²/(2σ²)) / (xσ√(2π))` for `x > 0`.
///
/// Entropy `μ + ½ ln(2πeσ²)`; mean `e^{μ+σ²/2}`; variance `(e^{σ²} − 1)e^{2μ+σ²}`.
/// KL between two log-normals equals KL between the underlying normals.
///
/// ```
/// use kldiv::dist::{Continuous, LogNormal};
/// let d = LogNormal::new(0.0, 1.0).unwrap();
/// assert!((d.mean().unwrap() - 0.5f64.exp()).abs() < 1e-15);
/// assert!(LogNormal::new(0.0, 0.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal {
    mu: f64,
    sigma: f64,
}

impl LogNormal {
    /// Log-normal with parameters `mu` (finite) and `sigma` (finite, `> 0`).
    pub fn new(mu: f64, sigma: f64) -> Result<LogNormal> {
        Ok(LogNormal {
            mu: finite("mu", mu)?,
            sigma: positive("sigma", sigma)?,
        })
    }
    /// `μ`.
    pub fn mu(&self) -> f64 {
        self.mu
    }
    /// `σ`.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl Continuous for LogNormal {
    fn family(&self) -> &'static str {
        "lognormal"
    }
    fn spec(&self) -> String {
        format!(
            "lognormal(mu={}, sigma={})",
            fmt_num(self.mu),
            fmt_num(self.sigma)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let l = x.ln();
        let z = (l - self.mu) / self.sigma;
        -l - self.sigma.ln() - 0.5 * (2.0 * PI).ln() - 0.5 * z * z
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        Some(self.mu + 0.5 * (2.0 * PI * std::f64::consts::E).ln() + self.sigma.ln())
    }
    fn mean(&self) -> Option<f64> {
        Some((self.mu + 0.5 * self.sigma * self.sigma).exp())
    }
    fn variance(&self) -> Option<f64> {
        let s2 = self.sigma * self.sigma;
        Some(s2.exp_m1() * (2.0 * self.mu + s2).exp())
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        (self.mu + self.sigma * std_normal(rng)).exp()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (m, s) = (self.mu, self.sigma);
        let pow = |r: f64| (r * m + 0.5 * r * r * s * s).exp();
        match e {
            Expectation::Mean => Some(pow(1.0)),
            Expectation::SqDev(c) => Some(pow(2.0) - 2.0 * c * pow(1.0) + c * c),
            Expectation::AbsDev(c) => {
                let mean = pow(1.0);
                if c <= 0.0 {
                    Some(mean - c)
                } else {
                    let lc = c.ln();
                    let below = norm_cdf((lc - m) / s);
                    let x_below = mean * norm_cdf((lc - m - s * s) / s);
                    Some(mean - c + 2.0 * (c * below - x_below))
                }
            }
            Expectation::LnX => Some(m),
            Expectation::LnSqDev(c) => Some(s * s + (m - c) * (m - c)),
            Expectation::Pow(r) => Some(pow(r)),
            Expectation::Mgf(t) if t > 0.0 => Some(f64::INFINITY),
            Expectation::Mgf(0.0) => Some(1.0),
            _ => None,
        }
    }
    /// `H(p, LN(μ,σ)) = E_p[ln X] + ½ ln(2πσ²) + E_p[(ln X − μ)²]/(2σ²)`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let lnx = ex(p, Expectation::LnX)?;
        let sq = ex(p, Expectation::LnSqDev(self.mu))?;
        Some(lnx + 0.5 * (2.0 * PI).ln() + self.sigma.ln() + sq / (2.0 * self.sigma * self.sigma))
    }
    /// Same as the normal KL of `(μ, σ)`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<LogNormal>(q).map(|q| {
            let s = self.sigma / q.sigma;
            let z = (self.mu - q.mu) / q.sigma;
            0.5 * ((s * s - 1.0) - 2.0 * s.ln()) + 0.5 * z * z
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![(self.mu - self.sigma * self.sigma).exp(), self.mu.exp()]
    }
    fn scale_hint(&self) -> f64 {
        self.mu.exp()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
