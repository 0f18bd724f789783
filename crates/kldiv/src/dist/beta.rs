//! The beta distribution on `[0, 1]`.

use super::{Continuous, Expectation, ex, fmt_num, positive, same, std_gamma, times};
use crate::error::Result;
use crate::special::{digamma, ln_beta, trigamma};
use rand::RngCore;
use std::any::Any;

/// The beta distribution with `α > 0`, `β > 0`:
/// `p(x) = x^{α−1}(1 − x)^{β−1} / B(α, β)` on `[0, 1]`.
///
/// Entropy `ln B(α,β) − (α−1)ψ(α) − (β−1)ψ(β) + (α+β−2)ψ(α+β)`; mean `α/(α+β)`;
/// variance `αβ/((α+β)²(α+β+1))`.
///
/// ```
/// use kldiv::dist::{Beta, Continuous};
/// let b = Beta::new(2.0, 3.0).unwrap();
/// assert_eq!(b.mean(), Some(0.4));
/// assert!((b.ln_pdf(0.5) - (12.0f64 * 0.5 * 0.25).ln()).abs() < 1e-14);
/// assert!(Beta::new(0.0, 1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beta {
    alpha: f64,
    beta: f64,
}

impl Beta {
    /// Beta with `alpha > 0`, `beta > 0`.
    pub fn new(alpha: f64, beta: f64) -> Result<Beta> {
        Ok(Beta {
            alpha: positive("alpha", alpha)?,
            beta: positive("beta", beta)?,
        })
    }
    /// `α`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// `β`.
    pub fn beta(&self) -> f64 {
        self.beta
    }
}

impl Continuous for Beta {
    fn family(&self) -> &'static str {
        "beta"
    }
    fn spec(&self) -> String {
        format!(
            "beta(alpha={}, beta={})",
            fmt_num(self.alpha),
            fmt_num(self.beta)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) {
            return f64::NEG_INFINITY;
        }
        let (a, b) = (self.alpha, self.beta);
        times(a - 1.0, x.ln()) + times(b - 1.0, (-x).ln_1p()) - ln_beta(a, b)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, 1.0)
    }
    fn entropy(&self) -> Option<f64> {
        let (a, b) = (self.alpha, self.beta);
        Some(
            ln_beta(a, b) - times(a - 1.0, digamma(a)) - times(b - 1.0, digamma(b))
                + times(a + b - 2.0, digamma(a + b)),
        )
    }
    fn mean(&self) -> Option<f64> {
        Some(self.alpha / (self.alpha + self.beta))
    }
    fn variance(&self) -> Option<f64> {
        let (a, b) = (self.alpha, self.beta);
        let s = a + b;
        Some(a * b / (s * s * (s + 1.0)))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        let x = std_gamma(self.alpha, rng);
        let y = std_gamma(self.beta, rng);
        x / (x + y)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (a, b) = (self.alpha, self.beta);
        let s = a + b;
        let lnx = digamma(a) - digamma(s);
        let m = a / s;
        match e {
            Expectation::Mean => Some(m),
            Expectation::SqDev(c) => Some(a * b / (s * s * (s + 1.0)) + (m - c) * (m - c)),
            Expectation::LnX => Some(lnx),
            Expectation::Ln1mX => Some(digamma(b) - digamma(s)),
            Expectation::LnSqDev(c) => Some(trigamma(a) - trigamma(s) + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(if r > -a {
                (ln_beta(a + r, b) - ln_beta(a, b)).exp()
            } else {
                f64::INFINITY
            }),
            _ => None,
        }
    }
    /// `H(p, Beta(α,β)) = ln B(α,β) − (α − 1)E_p[ln X] − (β − 1)E_p[ln(1 − X)]`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let (a, b) = (self.alpha, self.beta);
        let lx = if a == 1.0 {
            0.0
        } else {
            ex(p, Expectation::LnX)?
        };
        let l1 = if b == 1.0 {
            0.0
        } else {
            ex(p, Expectation::Ln1mX)?
        };
        Some(ln_beta(a, b) - times(a - 1.0, lx) - times(b - 1.0, l1))
    }
    /// `D = ln B(α₂,β₂) − ln B(α₁,β₁) + (α₁−α₂)ψ(α₁) + (β₁−β₂)ψ(β₁)
    /// + (α₂−α₁+β₂−β₁)ψ(α₁+β₁)`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Beta>(q).map(|q| {
            let (a1, b1, a2, b2) = (self.alpha, self.beta, q.alpha, q.beta);
            ln_beta(a2, b2) - ln_beta(a1, b1)
                + times(a1 - a2, digamma(a1))
                + times(b1 - b2, digamma(b1))
                + times(a2 - a1 + b2 - b1, digamma(a1 + b1))
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        let (a, b) = (self.alpha, self.beta);
        let mut v = vec![a / (a + b)];
        if a > 1.0 && b > 1.0 {
            v.push((a - 1.0) / (a + b - 2.0));
        }
        v
    }
    fn scale_hint(&self) -> f64 {
        self.variance().map_or(0.1, f64::sqrt)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
