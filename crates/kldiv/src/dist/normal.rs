//! The normal (Gaussian) distribution `N(μ, σ²)`.

use super::{Continuous, Expectation, REAL_LINE, ex, finite, fmt_num, positive, same, std_normal};
use crate::error::Result;
use crate::special::erf;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::{FRAC_2_PI, PI, SQRT_2};

/// The normal distribution with mean `μ` and standard deviation `σ > 0`:
/// `p(x) = exp(−(x − μ)²/(2σ²)) / (σ√(2π))` on the real line.
///
/// Entropy `½ ln(2πeσ²)`; mean `μ`; variance `σ²`.
///
/// ```
/// use kldiv::dist::{Continuous, Normal};
/// let n = Normal::new(0.0, 1.0).unwrap();
/// assert!((n.ln_pdf(0.0) + 0.5 * (2.0 * std::f64::consts::PI).ln()).abs() < 1e-15);
/// assert!((n.entropy().unwrap() - 1.4189385332046727).abs() < 1e-15);
/// assert!(Normal::new(0.0, -1.0).is_err()); // σ ≤ 0 names "std" and the value
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normal {
    mean: f64,
    std: f64,
}

impl Normal {
    /// `N(mean, std²)`. Errors: `mean` not finite, `std` not finite or `≤ 0`.
    pub fn new(mean: f64, std: f64) -> Result<Normal> {
        Ok(Normal {
            mean: finite("mean", mean)?,
            std: positive("std", std)?,
        })
    }
    /// The mean `μ`.
    pub fn mu(&self) -> f64 {
        self.mean
    }
    /// The standard deviation `σ`.
    pub fn sigma(&self) -> f64 {
        self.std
    }
    /// `D(N(μ₁,σ₁²) ‖ N(μ₂,σ₂²)) = ln(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½`, written as
    /// `½[(r − 1) − ln r] + (μ₁−μ₂)²/(2σ₂²)` with `r = σ₁²/σ₂²` (zero exactly when equal).
    ///
    /// ```
    /// use kldiv::dist::Normal;
    /// let p = Normal::new(0.0, 1.0).unwrap();
    /// let q = Normal::new(1.0, 2.0).unwrap();
    /// // ln 2 + (1 + 1)/8 − 1/2
    /// assert!((p.kl_normal(&q) - (2f64.ln() - 0.25)).abs() < 1e-15);
    /// ```
    pub fn kl_normal(&self, q: &Normal) -> f64 {
        let s = self.std / q.std;
        let r = s * s;
        let z = (self.mean - q.mean) / q.std;
        0.5 * ((r - 1.0) - 2.0 * s.ln()) + 0.5 * z * z
    }
}

/// `E|X − c|` for `X ~ N(μ, σ²)`: `σ√(2/π) e^{−d²/(2σ²)} + d·erf(d/(σ√2))`, `d = μ − c`.
pub(crate) fn normal_abs_dev(mu: f64, sigma: f64, c: f64) -> f64 {
    let d = mu - c;
    sigma * FRAC_2_PI.sqrt() * (-(d * d) / (2.0 * sigma * sigma)).exp()
        + d * erf(d / (sigma * SQRT_2))
}

impl Continuous for Normal {
    fn family(&self) -> &'static str {
        "normal"
    }
    fn spec(&self) -> String {
        format!(
            "normal(mean={}, std={})",
            fmt_num(self.mean),
            fmt_num(self.std)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.mean) / self.std;
        -0.5 * z * z - self.std.ln() - 0.5 * (2.0 * PI).ln()
    }
    fn support(&self) -> (f64, f64) {
        REAL_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some(0.5 * (2.0 * PI * std::f64::consts::E).ln() + self.std.ln())
    }
    fn mean(&self) -> Option<f64> {
        Some(self.mean)
    }
    fn variance(&self) -> Option<f64> {
        Some(self.std * self.std)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.mean + self.std * std_normal(rng)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (m, s) = (self.mean, self.std);
        match e {
            Expectation::Mean => Some(m),
            Expectation::SqDev(c) => Some(s * s + (m - c) * (m - c)),
            Expectation::AbsDev(c) => Some(normal_abs_dev(m, s, c)),
            Expectation::Mgf(t) => Some((m * t + 0.5 * s * s * t * t).exp()),
            _ => None,
        }
    }
    /// `H(p, N(μ,σ²)) = ½ ln(2πσ²) + E_p[(X − μ)²]/(2σ²)`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let sq = ex(p, Expectation::SqDev(self.mean))?;
        Some(0.5 * (2.0 * PI).ln() + self.std.ln() + sq / (2.0 * self.std * self.std))
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Normal>(q).map(|q| self.kl_normal(q))
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![self.mean]
    }
    fn scale_hint(&self) -> f64 {
        self.std
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
