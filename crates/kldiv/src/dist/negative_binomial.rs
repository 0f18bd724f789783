//! The negative binomial distribution (failures before the `r`-th success).

use super::{
    Discrete, entropy_by_sum, fmt_num, lgam, ln_factorial, positive, same_discrete, std_gamma,
    times,
};
use crate::error::{Error, Result};
use rand::RngCore;
use std::any::Any;

/// The negative binomial distribution with `r > 0` (real) and success probability
/// `p ∈ (0, 1]`: `P(k) = Γ(k + r)/(k! Γ(r)) pʳ (1 − p)ᵏ`, `k = 0, 1, ...`.
///
/// Mean `r(1−p)/p`; variance `r(1−p)/p²`; entropy by an exact sum. Same `r`:
/// `D = r·D(Geom(p₁) ‖ Geom(p₂))`; different `r`: exact sum.
///
/// ```
/// use kldiv::dist::{Discrete, NegativeBinomial};
/// let nb = NegativeBinomial::new(2.0, 0.5).unwrap();
/// assert_eq!(nb.mean(), 2.0);
/// assert!(NegativeBinomial::new(0.0, 0.5).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NegativeBinomial {
    r: f64,
    p: f64,
}

impl NegativeBinomial {
    /// Negative binomial with `r > 0` and `p ∈ (0, 1]`.
    pub fn new(r: f64, p: f64) -> Result<NegativeBinomial> {
        let r = positive("r", r)?;
        if !(p > 0.0 && p <= 1.0) {
            return Err(Error::InvalidParameter {
                name: "p",
                value: p,
                reason: "must be in (0, 1]",
            });
        }
        Ok(NegativeBinomial { r, p })
    }
    /// `r`.
    pub fn r(&self) -> f64 {
        self.r
    }
    /// `p`.
    pub fn p(&self) -> f64 {
        self.p
    }
}

impl Discrete for NegativeBinomial {
    fn family(&self) -> &'static str {
        "negativebinomial"
    }
    fn spec(&self) -> String {
        format!(
            "negativebinomial(r={}, p={})",
            fmt_num(self.r),
            fmt_num(self.p)
        )
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        if self.p == 1.0 {
            return if k == 0 { 0.0 } else { f64::NEG_INFINITY };
        }
        let kf = k as f64;
        lgam(kf + self.r) - ln_factorial(k) - lgam(self.r)
            + self.r * self.p.ln()
            + times(kf, (-self.p).ln_1p())
    }
    fn support(&self) -> (u64, Option<u64>) {
        if self.p == 1.0 {
            (0, Some(0))
        } else {
            (0, None)
        }
    }
    fn entropy(&self) -> f64 {
        entropy_by_sum(self)
    }
    fn entropy_is_closed_form(&self) -> bool {
        false
    }
    fn mean(&self) -> f64 {
        self.r * (1.0 - self.p) / self.p
    }
    fn variance(&self) -> f64 {
        self.r * (1.0 - self.p) / (self.p * self.p)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64 {
        use rand::Rng;
        if self.p == 1.0 {
            return 0;
        }
        let lam = std_gamma(self.r, rng) * (1.0 - self.p) / self.p;
        if lam <= 0.0 {
            return 0;
        }
        match rand_distr::Poisson::new(lam) {
            Ok(p) => {
                let x: f64 = rng.sample(p);
                x as u64
            }
            Err(_) => 0,
        }
    }
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        let q = same_discrete::<NegativeBinomial>(q)?;
        if self.r != q.r {
            return None;
        }
        let geo = (self.p / q.p).ln()
            + times((1.0 - self.p) / self.p, ((1.0 - self.p) / (1.0 - q.p)).ln());
        Some(self.r * geo)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
