//! The binomial distribution.

use super::{
    Discrete, Expectation, entropy_by_sum, fmt_num, ln_factorial, probability, same_discrete, xlogy,
};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;

/// The binomial distribution: `P(k) = C(n,k) pᵏ (1−p)^{n−k}`, `k = 0..n`, `p ∈ [0, 1]`.
///
/// Mean `np`; variance `np(1−p)`; entropy by an exact sum. Same `n`:
/// `D = n·D(Bern(p₁) ‖ Bern(p₂))`; `n₁ > n₂` gives `+∞`; `n₁ < n₂` has no closed form (exact
/// sum).
///
/// ```
/// use kldiv::dist::{Binomial, Discrete};
/// let b = Binomial::new(10, 0.3).unwrap();
/// assert!((b.mean() - 3.0).abs() < 1e-15);
/// assert!((b.ln_pmf(0) - 10.0 * 0.7f64.ln()).abs() < 1e-14);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Binomial {
    n: u64,
    p: f64,
}

impl Binomial {
    /// Binomial with `n` trials and success probability `p ∈ [0, 1]`.
    pub fn new(n: u64, p: f64) -> Result<Binomial> {
        Ok(Binomial {
            n,
            p: probability("p", p)?,
        })
    }
    /// Number of trials `n`.
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Success probability `p`.
    pub fn p(&self) -> f64 {
        self.p
    }
}

impl Discrete for Binomial {
    fn family(&self) -> &'static str {
        "binomial"
    }
    fn spec(&self) -> String {
        format!("binomial(n={}, p={})", self.n, fmt_num(self.p))
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        if k > self.n {
            return f64::NEG_INFINITY;
        }
        let (n, p) = (self.n, self.p);
        let kf = k as f64;
        let rest = (n - k) as f64;
        let lc = ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k);
        let a = if k == 0 { 0.0 } else { kf * p.ln() };
        let b = if k == n { 0.0 } else { rest * (-p).ln_1p() };
        lc + a + b
    }
    fn support(&self) -> (u64, Option<u64>) {
        if self.p == 0.0 {
            (0, Some(0))
        } else if self.p == 1.0 {
            (self.n, Some(self.n))
        } else {
            (0, Some(self.n))
        }
    }
    fn entropy(&self) -> f64 {
        entropy_by_sum(self)
    }
    fn entropy_is_closed_form(&self) -> bool {
        false
    }
    fn mean(&self) -> f64 {
        self.n as f64 * self.p
    }
    fn variance(&self) -> f64 {
        self.n as f64 * self.p * (1.0 - self.p)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64 {
        use rand::Rng;
        match rand_distr::Binomial::new(self.n, self.p) {
            Ok(b) => rng.sample(b),
            Err(_) => 0,
        }
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        match e {
            Expectation::Mean => Some(self.mean()),
            Expectation::LnFactorial if self.n <= 1 => Some(0.0),
            _ => None,
        }
    }
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        let q = same_discrete::<Binomial>(q)?;
        if self.n != q.n {
            return None;
        }
        let n = self.n as f64;
        Some(n * (xlogy(self.p, self.p / q.p) + xlogy(1.0 - self.p, (1.0 - self.p) / (1.0 - q.p))))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
