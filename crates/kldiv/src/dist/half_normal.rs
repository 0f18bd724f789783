//! The half-normal distribution: `|X|` for `X ~ N(0, σ²)`.

use super::{Continuous, Expectation, HALF_LINE, ex, fmt_num, lgam, positive, same, std_normal};
use crate::error::Result;
use crate::special::{EULER_GAMMA, erf, erfc};
use rand::RngCore;
use std::any::Any;
use std::f64::consts::{FRAC_1_SQRT_2, FRAC_2_PI, LN_2, PI};

/// The half-normal distribution with scale `σ > 0`:
/// `p(x) = √2 / (σ√π) · exp(−x²/(2σ²))` for `x ≥ 0`.
///
/// Entropy `½ ln(πeσ²/2)`; mean `σ√(2/π)`; variance `σ²(1 − 2/π)`.
///
/// ```
/// use kldiv::dist::{Continuous, HalfNormal};
/// let h = HalfNormal::new(1.0).unwrap();
/// assert!((h.mean().unwrap() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-15);
/// assert_eq!(h.ln_pdf(-1.0), f64::NEG_INFINITY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HalfNormal {
    scale: f64,
}

impl HalfNormal {
    /// Half-normal with scale `σ`. Errors: `scale` not finite or `≤ 0`.
    pub fn new(scale: f64) -> Result<HalfNormal> {
        Ok(HalfNormal {
            scale: positive("scale", scale)?,
        })
    }
    /// The scale `σ`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for HalfNormal {
    fn family(&self) -> &'static str {
        "halfnormal"
    }
    fn spec(&self) -> String {
        format!("halfnormal(scale={})", fmt_num(self.scale))
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < 0.0 {
            return f64::NEG_INFINITY;
        }
        let z = x / self.scale;
        0.5 * FRAC_2_PI.ln() - self.scale.ln() - 0.5 * z * z
    }
    fn support(&self) -> (f64, f64) {
        HALF_LINE
    }
    fn entropy(&self) -> Option<f64> {
        Some(0.5 * (PI * std::f64::consts::E / 2.0).ln() + self.scale.ln())
    }
    fn mean(&self) -> Option<f64> {
        Some(self.scale * FRAC_2_PI.sqrt())
    }
    fn variance(&self) -> Option<f64> {
        Some(self.scale * self.scale * (1.0 - FRAC_2_PI))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        (self.scale * std_normal(rng)).abs()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let s = self.scale;
        let m = s * FRAC_2_PI.sqrt();
        let lnx = s.ln() - 0.5 * (EULER_GAMMA + LN_2);
        match e {
            Expectation::Mean => Some(m),
            Expectation::SqDev(c) => Some(s * s - 2.0 * c * m + c * c),
            Expectation::AbsDev(c) => {
                if c <= 0.0 {
                    Some(m - c)
                } else {
                    let below = erf(c / (s * std::f64::consts::SQRT_2));
                    let x_below = m * (1.0 - (-(c * c) / (2.0 * s * s)).exp());
                    Some(m - c + 2.0 * (c * below - x_below))
                }
            }
            Expectation::LnX => Some(lnx),
            Expectation::LnSqDev(c) => Some(PI * PI / 8.0 + (lnx - c) * (lnx - c)),
            Expectation::Pow(r) => Some(if r > -1.0 {
                (r * s.ln() + 0.5 * r * LN_2 + lgam(0.5 * (r + 1.0)) - 0.5 * PI.ln()).exp()
            } else {
                f64::INFINITY
            }),
            Expectation::Mgf(t) => {
                // E e^{tX} = e^{σ²t²/2} erfc(−σt/√2)
                let a = 0.5 * s * s * t * t;
                Some((a + erfc(-s * t * FRAC_1_SQRT_2).ln()).exp())
            }
            _ => None,
        }
    }
    /// `H(p, HN(σ)) = ½ ln(πσ²/2) + E_p[X²]/(2σ²)`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let sq = ex(p, Expectation::SqDev(0.0))?;
        let s = self.scale;
        Some(0.5 * (PI / 2.0).ln() + s.ln() + sq / (2.0 * s * s))
    }
    /// `D = ln(σ₂/σ₁) + σ₁²/(2σ₂²) − ½`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<HalfNormal>(q).map(|q| {
            let r = (self.scale / q.scale).powi(2);
            0.5 * ((r - 1.0) - r.ln())
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![0.0, self.scale]
    }
    fn scale_hint(&self) -> f64 {
        self.scale
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
