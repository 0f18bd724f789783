//! The chi distribution: `√Y` for `Y ~ χ²(k)`.

use super::{Continuous, Expectation, Gamma, ex, fmt_num, lgam, positive, same, std_gamma, times};
use crate::error::Result;
use crate::special::{digamma, trigamma};
use rand::RngCore;
use std::any::Any;
use std::f64::consts::LN_2;

/// The chi distribution with `k > 0` degrees of freedom:
/// `p(x) = x^{k−1} e^{−x²/2} / (2^{k/2−1} Γ(k/2))` for `x > 0`.
///
/// Mean `√2 Γ((k+1)/2)/Γ(k/2)`; variance `k − mean²`; entropy
/// `ln Γ(k/2) + ½(k − ln 2 − (k − 1)ψ(k/2))`. KL between two chi distributions equals the
/// KL between the chi-squared ones (KL is invariant under `y ↦ √y`).
///
/// ```
/// use kldiv::dist::{Chi, Continuous};
/// let c = Chi::new(1.0).unwrap(); // the half-normal with σ = 1
/// assert!((c.mean().unwrap() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chi {
    df: f64,
}

impl Chi {
    /// Chi with `df > 0`.
    pub fn new(df: f64) -> Result<Chi> {
        Ok(Chi {
            df: positive("df", df)?,
        })
    }
    /// Degrees of freedom `k`.
    pub fn df(&self) -> f64 {
        self.df
    }
    fn pow(&self, r: f64) -> f64 {
        let k = self.df;
        if r > -k {
            (0.5 * r * LN_2 + lgam(0.5 * (k + r)) - lgam(0.5 * k)).exp()
        } else {
            f64::INFINITY
        }
    }
}

impl Continuous for Chi {
    fn family(&self) -> &'static str {
        "chi"
    }
    fn spec(&self) -> String {
        format!("chi(df={})", fmt_num(self.df))
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let k = self.df;
        if x < 0.0 || (x == 0.0 && k > 1.0) {
            return f64::NEG_INFINITY;
        }
        (1.0 - 0.5 * k) * LN_2 - lgam(0.5 * k) + times(k - 1.0, x.ln()) - 0.5 * x * x
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        let k = self.df;
        Some(lgam(0.5 * k) + 0.5 * (k - LN_2 - (k - 1.0) * digamma(0.5 * k)))
    }
    fn mean(&self) -> Option<f64> {
        Some(self.pow(1.0))
    }
    fn variance(&self) -> Option<f64> {
        let m = self.pow(1.0);
        Some(self.df - m * m)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        (2.0 * std_gamma(0.5 * self.df, rng)).sqrt()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let k = self.df;
        let lnx = 0.5 * (digamma(0.5 * k) + LN_2);
        match e {
            Expectation::Mean => Some(self.pow(1.0)),
            Expectation::SqDev(c) => Some(k - 2.0 * c * self.pow(1.0) + c * c),
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(0.25 * trigamma(0.5 * k) + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(self.pow(r)),
            _ => None,
        }
    }
    /// `H(p, χ(k)) = (k/2 − 1) ln 2 + ln Γ(k/2) − (k − 1)E_p[ln X] + E_p[X²]/2`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let k = self.df;
        let sq = ex(p, Expectation::SqDev(0.0))?;
        let lnx = if k == 1.0 {
            0.0
        } else {
            ex(p, Expectation::LnX)?
        };
        Some((0.5 * k - 1.0) * LN_2 + lgam(0.5 * k) - times(k - 1.0, lnx) + 0.5 * sq)
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Chi>(q).and_then(|q| {
            let gp = Gamma::new(0.5 * self.df, 0.5).ok()?;
            let gq = Gamma::new(0.5 * q.df, 0.5).ok()?;
            Some(gp.kl_gamma(&gq))
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        let mut v = vec![self.df.sqrt()];
        if self.df > 1.0 {
            v.push((self.df - 1.0).sqrt());
        }
        v
    }
    fn scale_hint(&self) -> f64 {
        1.0
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
