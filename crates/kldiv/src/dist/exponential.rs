//! The exponential distribution.

use super::{Continuous, Expectation, HALF_LINE, ex, fmt_num, lgam, open01, positive, same, times};
use crate::error::Result;
use crate::special::EULER_GAMMA;
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The exponential distribution with rate `λ > 0`: `p(x) = λe^{−λx}` for `x ≥ 0`.
///
/// Entropy `1 − ln λ`; mean `1/λ`; variance `1/λ²`.
///
/// ```
/// use kldiv::dist::{Continuous, Exponential};
/// let e = Exponential::new(2.0).unwrap();
/// assert_eq!(e.mean(), Some(0.5));
/// assert!((e.ln_pdf(1.0) - (2f64.ln() - 2.0)).abs() < 1e-15);
/// assert!(Exponential::new(0.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exponential {
    rate: f64,
}

impl Exponential {
    /// Exponential with `rate > 0`.
    pub fn new(rate: f64) -> Result<Exponential> {
        Ok(Exponential {
            rate: positive("rate", rate)?,
        })
    }
    /// The rate `λ`.
    pub fn rate(&self) -> f64 {
        self.rate
    }
}

impl Continuous for Exponential {
    fn family(&self) -> &'static str {
        "exponential"
    }
    fn spec(&self) -> String {
        format!("exponential(rate={})", fmt_num(self.rate))
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < 0.0 {
            f64::NEG_INFINITY
        } else {
            self.rate.ln() - self.rate * x
        }
    }
    fn support(&self) -> (f64, f64) {
        HALF_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some(1.0 - self.rate.ln())
    }
    fn mean(&self) -> Option<f64> {
        Some(1.0 / self.rate)
    }
    fn variance(&self) -> Option<f64> {
        Some(1.0 / (self.rate * self.rate))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        -open01(rng).ln() / self.rate
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let l = self.rate;
        let lnx = -EULER_GAMMA - l.ln();
        match e {
            Expectation::Mean => Some(1.0 / l),
            Expectation::SqDev(c) => Some(2.0 / (l * l) - 2.0 * c / l + c * c),
            Expectation::AbsDev(c) => Some(if c <= 0.0 {
                1.0 / l - c
            } else {
                c - 1.0 / l + 2.0 * (-l * c).exp() / l
            }),
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(PI * PI / 6.0 + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(if r > -1.0 {
                (lgam(1.0 + r) - r * l.ln()).exp()
            } else {
                f64::INFINITY
            }),
            Expectation::Mgf(t) => Some(if t < l { l / (l - t) } else { f64::INFINITY }),
            _ => None,
        }
    }
    /// `H(p, Exp(λ)) = −ln λ + λ E_p[X]`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let m = ex(p, Expectation::Mean)?;
        Some(-self.rate.ln() + times(self.rate, m))
    }
    /// `D = (r − 1) − ln r`, `r = λ₂/λ₁`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Exponential>(q).map(|q| {
            let r = q.rate / self.rate;
            (r - 1.0) - r.ln()
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![0.0, 1.0 / self.rate]
    }
    fn scale_hint(&self) -> f64 {
        1.0 / self.rate
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
