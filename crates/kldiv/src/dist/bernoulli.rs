//! The Bernoulli distribution on `{0, 1}`.

use super::{Discrete, Expectation, fmt_num, open01, probability, same_discrete, xlogy};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;

/// The Bernoulli distribution: `P(1) = p`, `P(0) = 1 − p`, `p ∈ [0, 1]`.
///
/// Entropy `−p ln p − (1−p) ln(1−p)`; mean `p`; variance `p(1 − p)`.
/// `D(Bern(p₁) ‖ Bern(p₂)) = p₁ ln(p₁/p₂) + (1−p₁) ln((1−p₁)/(1−p₂))` (`+∞` when `p₂ ∈ {0,1}`
/// misses an outcome of `p₁`).
///
/// ```
/// use kldiv::dist::{Bernoulli, Discrete};
/// let b = Bernoulli::new(0.5).unwrap();
/// assert_eq!(b.entropy(), std::f64::consts::LN_2);
/// assert!(Bernoulli::new(1.5).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bernoulli {
    p: f64,
}

impl Bernoulli {
    /// Bernoulli with success probability `p ∈ [0, 1]`.
    pub fn new(p: f64) -> Result<Bernoulli> {
        Ok(Bernoulli {
            p: probability("p", p)?,
        })
    }
    /// `p`.
    pub fn p(&self) -> f64 {
        self.p
    }
}

impl Discrete for Bernoulli {
    fn family(&self) -> &'static str {
        "bernoulli"
    }
    fn spec(&self) -> String {
        format!("bernoulli(p={})", fmt_num(self.p))
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        match k {
            0 => (-self.p).ln_1p(),
            1 => self.p.ln(),
            _ => f64::NEG_INFINITY,
        }
    }
    fn support(&self) -> (u64, Option<u64>) {
        if self.p == 0.0 {
            (0, Some(0))
        } else if self.p == 1.0 {
            (1, Some(1))
        } else {
            (0, Some(1))
        }
    }
    fn entropy(&self) -> f64 {
        -xlogy(self.p, self.p) - xlogy(1.0 - self.p, 1.0 - self.p)
    }
    fn mean(&self) -> f64 {
        self.p
    }
    fn variance(&self) -> f64 {
        self.p * (1.0 - self.p)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64 {
        u64::from(open01(rng) < self.p)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        match e {
            Expectation::Mean => Some(self.p),
            Expectation::LnFactorial => Some(0.0),
            _ => None,
        }
    }
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        same_discrete::<Bernoulli>(q).map(|q| {
            xlogy(self.p, self.p / q.p) + xlogy(1.0 - self.p, (1.0 - self.p) / (1.0 - q.p))
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
