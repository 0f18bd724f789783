//! The geometric distribution (number of failures before the first success).

use super::{Discrete, fmt_num, open01, same_discrete, times, xlogy};
use crate::error::{Error, Result};
use rand::RngCore;
use std::any::Any;

/// The geometric distribution on `{0, 1, 2, ...}`: `P(k) = (1 − p)ᵏ p`, `p ∈ (0, 1]`
/// (the number of failures before the first success, as in PyTorch).
///
/// Mean `(1−p)/p`; variance `(1−p)/p²`; entropy `(−(1−p) ln(1−p) − p ln p)/p`.
/// `D = ln(p₁/p₂) + ((1−p₁)/p₁) ln((1−p₁)/(1−p₂))`; `H(P, Geom(p)) = −ln p − E_P[X] ln(1−p)`
/// for any `P` on the non-negative integers.
///
/// ```
/// use kldiv::dist::{Discrete, Geometric};
/// let g = Geometric::new(0.5).unwrap();
/// assert_eq!(g.mean(), 1.0);
/// assert!(Geometric::new(0.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometric {
    p: f64,
}

impl Geometric {
    /// Geometric with success probability `p ∈ (0, 1]`.
    pub fn new(p: f64) -> Result<Geometric> {
        if !(p > 0.0 && p <= 1.0) {
            return Err(Error::InvalidParameter {
                name: "p",
                value: p,
                reason: "must be in (0, 1]",
            });
        }
        Ok(Geometric { p })
    }
    /// `p`.
    pub fn p(&self) -> f64 {
        self.p
    }
}

impl Discrete for Geometric {
    fn family(&self) -> &'static str {
        "geometric"
    }
    fn spec(&self) -> String {
        format!("geometric(p={})", fmt_num(self.p))
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        if self.p == 1.0 {
            return if k == 0 { 0.0 } else { f64::NEG_INFINITY };
        }
        k as f64 * (-self.p).ln_1p() + self.p.ln()
    }
    fn support(&self) -> (u64, Option<u64>) {
        if self.p == 1.0 {
            (0, Some(0))
        } else {
            (0, None)
        }
    }
    fn entropy(&self) -> f64 {
        let p = self.p;
        (-xlogy(1.0 - p, 1.0 - p) - p * p.ln()) / p
    }
    fn mean(&self) -> f64 {
        (1.0 - self.p) / self.p
    }
    fn variance(&self) -> f64 {
        (1.0 - self.p) / (self.p * self.p)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64 {
        if self.p == 1.0 {
            return 0;
        }
        (open01(rng).ln() / (-self.p).ln_1p()).floor() as u64
    }
    fn cross_entropy_from(&self, p: &dyn Discrete) -> Option<f64> {
        Some(-self.p.ln() - times(p.mean(), (-self.p).ln_1p()))
    }
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        same_discrete::<Geometric>(q).map(|q| {
            (self.p / q.p).ln()
                + times((1.0 - self.p) / self.p, ((1.0 - self.p) / (1.0 - q.p)).ln())
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
