//! Student's t distribution with location and scale.

use super::{
    Continuous, Expectation, REAL_LINE, finite, fmt_num, lgam, positive, std_gamma, std_normal,
};
use crate::error::Result;
use crate::special::{digamma, ln_beta};
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// Student's t with `ν > 0` degrees of freedom, location `μ`, scale `s > 0`:
/// `p(x) = Γ((ν+1)/2) / (Γ(ν/2) √(νπ) s) · (1 + z²/ν)^{−(ν+1)/2}`, `z = (x − μ)/s`.
///
/// Entropy `(ν+1)/2 [ψ((ν+1)/2) − ψ(ν/2)] + ln(√ν B(ν/2, ½)) + ln s`; mean `μ` for `ν > 1`;
/// variance `s²ν/(ν − 2)` for `ν > 2`. No closed-form KL is known with any family here
/// (KL uses quadrature).
///
/// ```
/// use kldiv::dist::{Continuous, StudentT};
/// let t = StudentT::new(3.0, 0.0, 1.0).unwrap();
/// assert_eq!(t.variance(), Some(3.0));
/// assert_eq!(StudentT::new(1.0, 0.0, 1.0).unwrap().mean(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentT {
    df: f64,
    loc: f64,
    scale: f64,
}

impl StudentT {
    /// Student's t with `df > 0`, finite `loc`, `scale > 0`.
    pub fn new(df: f64, loc: f64, scale: f64) -> Result<StudentT> {
        Ok(StudentT {
            df: positive("df", df)?,
            loc: finite("loc", loc)?,
            scale: positive("scale", scale)?,
        })
    }
    /// Degrees of freedom `ν`.
    pub fn df(&self) -> f64 {
        self.df
    }
    /// Location `μ`.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// Scale `s`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Continuous for StudentT {
    fn family(&self) -> &'static str {
        "studentt"
    }
    fn spec(&self) -> String {
        format!(
            "studentt(df={}, loc={}, scale={})",
            fmt_num(self.df),
            fmt_num(self.loc),
            fmt_num(self.scale)
        )
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let v = self.df;
        let z = (x - self.loc) / self.scale;
        lgam(0.5 * (v + 1.0))
            - lgam(0.5 * v)
            - 0.5 * (v * PI).ln()
            - self.scale.ln()
            - 0.5 * (v + 1.0) * (z * z / v).ln_1p()
    }
    fn support(&self) -> (f64, f64) {
        REAL_LINE
    }
    fn entropy(&self) -> Option<f64> {
        let v = self.df;
        Some(
            0.5 * (v + 1.0) * (digamma(0.5 * (v + 1.0)) - digamma(0.5 * v))
                + 0.5 * v.ln()
                + ln_beta(0.5 * v, 0.5)
                + self.scale.ln(),
        )
    }
    fn mean(&self) -> Option<f64> {
        (self.df > 1.0).then_some(self.loc)
    }
    fn variance(&self) -> Option<f64> {
        (self.df > 2.0).then(|| self.scale * self.scale * self.df / (self.df - 2.0))
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        let z = std_normal(rng);
        let chi2 = 2.0 * std_gamma(0.5 * self.df, rng);
        self.loc + self.scale * z / (chi2 / self.df).sqrt()
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        let v = self.df;
        match e {
            Expectation::Mean => self.mean(),
            Expectation::SqDev(c) => Some(match self.variance() {
                Some(var) => var + (self.loc - c) * (self.loc - c),
                None => f64::INFINITY,
            }),
            Expectation::AbsDev(_) if v <= 1.0 => Some(f64::INFINITY),
            Expectation::AbsDev(c) if c == self.loc => Some(
                2.0 * self.scale * v.sqrt() / (PI.sqrt() * (v - 1.0))
                    * (lgam(0.5 * (v + 1.0)) - lgam(0.5 * v)).exp(),
            ),
            Expectation::Mgf(t) => Some(if t == 0.0 { 1.0 } else { f64::INFINITY }),
            _ => None,
        }
    }
    /// No same-family formula is known; `0` when the parameters are equal.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        super::same::<Self>(q).and_then(|q| (q == self).then_some(0.0))
    }
    fn landmarks(&self) -> Vec<f64> {
        vec![self.loc]
    }
    fn scale_hint(&self) -> f64 {
        self.scale
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
