//! The Dirichlet distribution on the probability simplex.

use super::{Multivariate, lgam, std_gamma, times};
use crate::error::{Error, Result};
use crate::special::digamma;
use rand::RngCore;
use std::any::Any;

/// The Dirichlet distribution with concentrations `α₁..α_K > 0` (`K ≥ 2`):
/// `p(x) = Γ(α₀)/Πᵢ Γ(αᵢ) · Πᵢ xᵢ^{αᵢ−1}` on the simplex, `α₀ = Σ αᵢ`.
///
/// Entropy `ln B(α) + (α₀ − K)ψ(α₀) − Σᵢ(αᵢ − 1)ψ(αᵢ)`. KL:
/// `D(Dir(α)‖Dir(β)) = ln Γ(α₀) − Σ ln Γ(αᵢ) − ln Γ(β₀) + Σ ln Γ(βᵢ) + Σ(αᵢ − βᵢ)(ψ(αᵢ) − ψ(α₀))`.
///
/// ```
/// use kldiv::dist::{Dirichlet, Multivariate};
/// let d = Dirichlet::new(vec![1.0, 1.0, 1.0]).unwrap();
/// assert!((d.ln_pdf(&[0.2, 0.3, 0.5]) - 2f64.ln()).abs() < 1e-15);
/// assert!(Dirichlet::new(vec![1.0, -2.0]).is_err()); // names alpha[1] = -2
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dirichlet {
    alpha: Vec<f64>,
}

impl Dirichlet {
    /// Dirichlet with `alpha` (length `≥ 2`, entries finite and `> 0`).
    pub fn new(alpha: Vec<f64>) -> Result<Dirichlet> {
        if alpha.len() < 2 {
            return Err(Error::DimensionMismatch {
                name: "alpha",
                expected: 2,
                found: alpha.len(),
            });
        }
        for (i, &a) in alpha.iter().enumerate() {
            if !(a.is_finite() && a > 0.0) {
                return Err(Error::InvalidElement {
                    name: "alpha",
                    index: i,
                    value: a,
                    reason: "must be finite and > 0",
                });
            }
        }
        Ok(Dirichlet { alpha })
    }
    /// The concentrations.
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }
    fn ln_b(&self) -> f64 {
        let a0: f64 = self.alpha.iter().sum();
        self.alpha.iter().map(|&a| lgam(a)).sum::<f64>() - lgam(a0)
    }
    /// Closed-form `D(self ‖ q)` in nats. Errors: dimensions differ.
    ///
    /// ```
    /// use kldiv::dist::Dirichlet;
    /// let p = Dirichlet::new(vec![2.0, 3.0]).unwrap();
    /// assert_eq!(p.kl_dirichlet(&p).unwrap(), 0.0);
    /// ```
    pub fn kl_dirichlet(&self, q: &Dirichlet) -> Result<f64> {
        if q.alpha.len() != self.alpha.len() {
            return Err(Error::DimensionMismatch {
                name: "q",
                expected: self.alpha.len(),
                found: q.alpha.len(),
            });
        }
        let a0: f64 = self.alpha.iter().sum();
        let psi0 = digamma(a0);
        let mut s = q.ln_b() - self.ln_b();
        for (&a, &b) in self.alpha.iter().zip(&q.alpha) {
            s += times(a - b, digamma(a) - psi0);
        }
        Ok(s)
    }
}

impl Multivariate for Dirichlet {
    fn family(&self) -> &'static str {
        "dirichlet"
    }
    fn spec(&self) -> String {
        let v: Vec<String> = self.alpha.iter().map(|x| format!("{x}")).collect();
        format!("dirichlet(alpha=[{}])", v.join(", "))
    }
    fn dim(&self) -> usize {
        self.alpha.len()
    }
    fn ln_pdf(&self, x: &[f64]) -> f64 {
        if x.len() != self.alpha.len() {
            return f64::NAN;
        }
        let s: f64 = x.iter().sum();
        if x.iter().any(|&v| !(0.0..=1.0).contains(&v)) || (s - 1.0).abs() > 1e-9 {
            return f64::NEG_INFINITY;
        }
        let mut l = -self.ln_b();
        for (&a, &xi) in self.alpha.iter().zip(x) {
            l += times(a - 1.0, xi.ln());
        }
        l
    }
    fn entropy(&self) -> f64 {
        let k = self.alpha.len() as f64;
        let a0: f64 = self.alpha.iter().sum();
        let mut h = self.ln_b() + (a0 - k) * digamma(a0);
        for &a in &self.alpha {
            h -= times(a - 1.0, digamma(a));
        }
        h
    }
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]) {
        let mut s = 0.0;
        for (o, &a) in out.iter_mut().zip(&self.alpha) {
            *o = std_gamma(a, rng);
            s += *o;
        }
        for o in out.iter_mut() {
            *o /= s;
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
