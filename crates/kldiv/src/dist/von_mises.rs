//! The von Mises (circular normal) distribution on `[−π, π]`.

use super::{Continuous, Expectation, ex, fmt_num, open01, same};
use crate::error::{Error, Result};
use crate::special::{bessel_i0e, bessel_i1e};
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The von Mises distribution with mean direction `μ ∈ [−π, π]` and concentration `κ ≥ 0`:
/// `p(x) = e^{κ cos(x − μ)} / (2π I₀(κ))` for `x ∈ [−π, π]` (angles in radians; `κ = 0` is
/// the uniform distribution on the circle).
///
/// Entropy `ln(2π I₀(κ)) − κ A(κ)` with `A = I₁/I₀`. `mean` is `μ` only when `μ = 0` (the
/// linear mean of a density on `[−π, π]` is otherwise not `μ`); the variance is `None`
/// (use the circular variance `1 − A(κ)`).
///
/// ```
/// use kldiv::dist::{Continuous, VonMises};
/// let v = VonMises::new(0.0, 0.0).unwrap();
/// assert!((v.entropy().unwrap() - (2.0 * std::f64::consts::PI).ln()).abs() < 1e-15);
/// assert!(VonMises::new(0.0, -1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VonMises {
    loc: f64,
    concentration: f64,
}

/// `A(κ) = I₁(κ)/I₀(κ)`.
fn bessel_ratio(k: f64) -> f64 {
    if k == 0.0 {
        0.0
    } else {
        bessel_i1e(k) / bessel_i0e(k)
    }
}

impl VonMises {
    /// Von Mises with `loc ∈ [−π, π]` and `concentration ≥ 0` (finite).
    pub fn new(loc: f64, concentration: f64) -> Result<VonMises> {
        if !(-PI..=PI).contains(&loc) {
            return Err(Error::InvalidParameter {
                name: "loc",
                value: loc,
                reason: "must be in [-pi, pi]",
            });
        }
        if !(concentration.is_finite() && concentration >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "concentration",
                value: concentration,
                reason: "must be finite and >= 0",
            });
        }
        Ok(VonMises { loc, concentration })
    }
    /// Mean direction `μ`.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// Concentration `κ`.
    pub fn concentration(&self) -> f64 {
        self.concentration
    }
    /// `ln(2π I₀(κ))`.
    fn ln_norm(&self) -> f64 {
        let k = self.concentration;
        (2.0 * PI).ln() + bessel_i0e(k).ln() + k
    }
}

impl Continuous for VonMises {
    fn family(&self) -> &'static str {
        "vonmises"
    }
    fn spec(&self) -> String {
        format!(
            "vonmises(loc={}, concentration={})",
            fmt_num(self.loc),
            fmt_num(self.concentration)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if !(-PI..=PI).contains(&x) {
            return f64::NEG_INFINITY;
        }
        let k = self.concentration;
        // κ(cos − 1) − ln(2π e^{−κ}I₀(κ)) avoids overflow for large κ.
        k * ((x - self.loc).cos() - 1.0) - (2.0 * PI).ln() - bessel_i0e(k).ln()
    }
    fn support(&self) -> (f64, f64) {
        (-PI, PI)
    }
    fn entropy(&self) -> Option<f64> {
        let k = self.concentration;
        Some(self.ln_norm() - k * bessel_ratio(k))
    }
    fn mean(&self) -> Option<f64> {
        (self.loc == 0.0).then_some(0.0)
    }
    fn variance(&self) -> Option<f64> {
        None
    }
    /// Best & Fisher (1979) rejection sampler, wrapped to `[−π, π]`.
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        let k = self.concentration;
        if k < 1e-8 {
            return -PI + 2.0 * PI * open01(rng);
        }
        let tau = 1.0 + (1.0 + 4.0 * k * k).sqrt();
        let rho = (tau - (2.0 * tau).sqrt()) / (2.0 * k);
        let r = (1.0 + rho * rho) / (2.0 * rho);
        loop {
            let z = (PI * open01(rng)).cos();
            let f = (1.0 + r * z) / (r + z);
            let c = k * (r - f);
            let u2 = open01(rng);
            if c * (2.0 - c) - u2 > 0.0 || (c / u2).ln() + 1.0 - c >= 0.0 {
                let theta = if open01(rng) < 0.5 {
                    -f.acos()
                } else {
                    f.acos()
                };
                return (self.loc + theta + PI).rem_euclid(2.0 * PI) - PI;
            }
        }
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        match e {
            Expectation::CosDev(c) => Some(bessel_ratio(self.concentration) * (self.loc - c).cos()),
            Expectation::Mean if self.loc == 0.0 => Some(0.0),
            _ => None,
        }
    }
    /// `H(p, VM(μ,κ)) = ln(2π I₀(κ)) − κ E_p[cos(X − μ)]` for `supp p ⊆ [−π, π]`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let k = self.concentration;
        let c = if k == 0.0 {
            0.0
        } else {
            ex(p, Expectation::CosDev(self.loc))?
        };
        Some(self.ln_norm() - k * c)
    }
    /// `D = ln(I₀(κ₂)/I₀(κ₁)) + A(κ₁)(κ₁ − κ₂ cos(μ₁ − μ₂))`.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<VonMises>(q).map(|q| {
            let (k1, k2) = (self.concentration, q.concentration);
            (bessel_i0e(k2) / bessel_i0e(k1)).ln()
                + (k2 - k1)
                + bessel_ratio(k1) * (k1 - k2 * (self.loc - q.loc).cos())
        })
    }
    fn landmarks(&self) -> Vec<f64> {
        let anti = if self.loc > 0.0 {
            self.loc - PI
        } else {
            self.loc + PI
        };
        vec![self.loc, anti]
    }
    fn scale_hint(&self) -> f64 {
        (1.0 / self.concentration.max(1e-3).sqrt()).min(PI)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
