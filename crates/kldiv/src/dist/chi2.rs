//! The chi-squared distribution, `Gamma(k/2, rate 1/2)`.

use super::{Continuous, Expectation, Gamma, fmt_num, positive, same, std_gamma};
use crate::error::Result;
use rand::RngCore;
use std::any::Any;

/// The chi-squared distribution with `k > 0` degrees of freedom (real `k` allowed):
/// `p(x) = x^{k/2−1} e^{−x/2} / (2^{k/2} Γ(k/2))` for `x > 0`, i.e. `Gamma(k/2, rate ½)`.
///
/// Mean `k`; variance `2k`; entropy that of `Gamma(k/2, ½)`.
///
/// ```
/// use kldiv::dist::{Chi2, Continuous};
/// let c = Chi2::new(4.0).unwrap();
/// assert_eq!(c.mean(), Some(4.0));
/// assert_eq!(c.variance(), Some(8.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chi2 {
    df: f64,
    gamma: Gamma,
}

impl Chi2 {
    /// Chi-squared with `df > 0`.
    pub fn new(df: f64) -> Result<Chi2> {
        let df = positive("df", df)?;
        Ok(Chi2 {
            df,
            gamma: Gamma::new(0.5 * df, 0.5)?,
        })
    }
    /// Degrees of freedom `k`.
    pub fn df(&self) -> f64 {
        self.df
    }
    /// The same distribution as a [`Gamma`].
    pub fn as_gamma(&self) -> Gamma {
        self.gamma
    }
}

impl Continuous for Chi2 {
    fn family(&self) -> &'static str {
        "chi2"
    }
    fn spec(&self) -> String {
        format!("chi2(df={})", fmt_num(self.df))
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        self.gamma.ln_pdf(x)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn entropy(&self) -> Option<f64> {
        self.gamma.entropy()
    }
    fn mean(&self) -> Option<f64> {
        Some(self.df)
    }
    fn variance(&self) -> Option<f64> {
        Some(2.0 * self.df)
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64 {
        2.0 * std_gamma(0.5 * self.df, rng)
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        self.gamma.expect(e)
    }
    /// As `Gamma(k/2, ½)`.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        self.gamma.cross_entropy_from(p)
    }
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        same::<Chi2>(q).map(|q| self.gamma.kl_gamma(&q.gamma))
    }
    fn landmarks(&self) -> Vec<f64> {
        self.gamma.landmarks()
    }
    fn scale_hint(&self) -> f64 {
        self.gamma.scale_hint()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
