//! The Poisson distribution.

use super::{
    Discrete, Expectation, entropy_by_sum, fmt_num, ln_factorial, positive, same_discrete,
};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;

/// The Poisson distribution with rate `λ > 0`: `P(k) = λᵏ e^{−λ} / k!`.
///
/// Mean and variance `λ`; entropy by an exact sum.
/// `D(Pois(λ₁) ‖ Pois(λ₂)) = λ₁ ln(λ₁/λ₂) − λ₁ + λ₂`; `H(p, Pois(λ)) = λ − E_p[X] ln λ + E_p[ln X!]`.
///
/// ```
/// use kldiv::dist::{Discrete, Poisson};
/// let p = Poisson::new(3.0).unwrap();
/// assert!((p.ln_pmf(0) + 3.0).abs() < 1e-15);
/// assert!(Poisson::new(-1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poisson {
    rate: f64,
}

impl Poisson {
    /// Poisson with `rate > 0`.
    pub fn new(rate: f64) -> Result<Poisson> {
        Ok(Poisson {
            rate: positive("rate", rate)?,
        })
    }
    /// `λ`.
    pub fn rate(&self) -> f64 {
        self.rate
    }
}

impl Discrete for Poisson {
    fn family(&self) -> &'static str {
        "poisson"
    }
    fn spec(&self) -> String {
        format!("poisson(rate={})", fmt_num(self.rate))
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        k as f64 * self.rate.ln() - self.rate - ln_factorial(k)
    }
    fn support(&self) -> (u64, Option<u64>) {
        (0, None)
    }
    fn entropy(&self) -> f64 {
        entropy_by_sum(self)
    }
    fn entropy_is_closed_form(&self) -> bool {
        false
    }
    fn mean(&self) -> f64 {
        self.rate
    }
    fn variance(&self) -> f64 {
        self.rate
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64 {
        use rand::Rng;
        match rand_distr::Poisson::new(self.rate) {
            Ok(p) => {
                let x: f64 = rng.sample(p);
                x as u64
            }
            Err(_) => 0,
        }
    }
    /// `H(p, Pois(λ)) = λ − E_p[X] ln λ + E_p[ln X!]`.
    fn cross_entropy_from(&self, p: &dyn Discrete) -> Option<f64> {
        let lf = p.expect(Expectation::LnFactorial)?;
        Some(self.rate - p.mean() * self.rate.ln() + lf)
    }
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        same_discrete::<Poisson>(q).map(|q| {
            let r = self.rate / q.rate;
            q.rate * (r * r.ln() - r + 1.0)
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
