//! The continuous uniform distribution on `[low, high]`.

use super::{Continuous, Expectation, finite, fmt_num, open01, same};
use crate::error::{Error, Result};
use rand::RngCore;
use std::any::Any;

/// The uniform distribution on `[a, b]`, `a < b`: `p(x) = 1/(b − a)`.
///
/// Entropy `ln(b − a)`; mean `(a + b)/2`; variance `(b − a)²/12`.
/// `D(U[a₁,b₁] ‖ U[a₂,b₂]) = ln((b₂ − a₂)/(b₁ − a₁))` when `[a₁,b₁] ⊆ [a₂,b₂]`, `+∞` otherwise.
///
/// ```
/// use kldiv::dist::{Continuous, Uniform};
/// let u = Uniform::new(0.0, 4.0).unwrap();
/// assert_eq!(u.entropy(), Some(4f64.ln()));
/// assert_eq!(u.ln_pdf(5.0), f64::NEG_INFINITY);
/// assert!(Uniform::new(1.0, 1.0).is_err()); // names "high" and its value
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uniform {
    low: f64,
    high: f64,
}

/// `x ln x − x` with `0 ln 0 = 0`.
fn xlnx_x(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * x.ln() - x }
}

impl Uniform {
    /// Uniform on `[low, high]` with finite `low < high`.
    pub fn new(low: f64, high: f64) -> Result<Uniform> {
        let low = finite("low", low)?;
        let high = finite("high", high)?;
        if high <= low {
            return Err(Error::InvalidParameter {
                name: "high",
                value: high,
                reason: "must be > low",
            });
        }
        Ok(Uniform { low, high })
    }
    /// Lower end `a`.
    pub fn low(&self) -> f64 {
        self.low
    }
    /// Upper end `b`.
    pub fn high(&self) -> f64 {
        self.high
    }
}

impl Continuous for Uniform {
    fn family(&self) -> &'static str {
        "uniform"
    }
    fn spec(&self) -> String {
        format!(
            "uniform(low={}, high={})",
            fmt_num(self.low),
            fmt_num(self.high)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < self.low || x > self.high {
            f64::NEG_INFINITY
        } else {
            -(self.high - self.low).ln()
        }
    }
    fn support(&self) -> (f64, f64) {
        (self.low, self.high)
    }
    fn entropy(&self) -> Option<f64> {
        Some((self.high - self.low).ln())
    }
    fn mean(&self) -> Option<f64> {
        Some(0.5 * (self.low + self.high))
    }
    fn variance(&self) -> Option<f64> {
        let w = self.high - self.low;
        Some(w * w / 12.0)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        self.low + (self.high - self.low) * open01(rng)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let (l, h) = (self.low, self.high);
        let w = h - l;
        match e {
            Expectation::Mean => Some(0.5 * (l + h)),
            Expectation::SqDev(c) => Some(((h - c).powi(3) - (l - c).powi(3)) / (3.0 * w)),
            Expectation::AbsDev(c) => Some(if c <= l {
                0.5 * (l + h) - c
            } else if c >= h {
                c - 0.5 * (l + h)
            } else {
                ((h - c).powi(2) + (c - l).powi(2)) / (2.0 * w)
            }),
            Expectation::LnX if l >= 0.0 => Some((xlnx_x(h) - xlnx_x(l)) / w),
            Expectation::Ln1mX if h <= 1.0 => Some((xlnx_x(1.0 - l) - xlnx_x(1.0 - h)) / w),
            Expectation::LnSqDev(c) if l >= 0.0 => {
                // ∫ (ln x − c)² dx = x[(ln x − c)² − 2(ln x − c) + 2]
                let g = |x: f64| {
                    if x == 0.0 {
                        0.0
                    } else {
                        let d = x.ln() - c;
                        x * (d * d - 2.0 * d + 2.0)
                    }
                };
                Some((g(h) - g(l)) / w)
            }
            Expectation::Pow(r) if l >= 0.0 => Some(if r == -1.0 {
                if l == 0.0 {
                    f64::INFINITY
                } else {
                    (h.ln() - l.ln()) / w
                }
            } else if l == 0.0 && r < -1.0 {
                f64::INFINITY
            } else {
                (h.powf(r + 1.0) - l.powf(r + 1.0)) / ((r + 1.0) * w)
            }),
            Expectation::Mgf(t) => Some(if t == 0.0 {
                1.0
            } else {
                (t * l).exp() * (t * w).exp_m1() / (t * w)
            }),
            Expectation::CosDev(c) => Some(((h - c).sin() - (l - c).sin()) / w),
            _ => None,
        }
    }
    /// `H(p, U[a,b]) = ln(b − a)` when `supp p ⊆ [a, b]`.
    fn cross_entropy_from(&self, _p: &dyn Continuous) -> Option<f64> {
        Some((self.high - self.low).ln())
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Uniform>(q).map(|q| {
            if self.low >= q.low && self.high <= q.high {
                ((q.high - q.low) / (self.high - self.low)).ln()
            } else {
                f64::INFINITY
            }
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![self.low, self.high]
    }
    fn scale_hint(&self) -> f64 {
        self.high - self.low
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
