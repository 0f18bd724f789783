//! The categorical distribution on `{0, ..., K−1}`.

use super::{Discrete, Expectation, ln_factorial, open01, same_discrete, xlogy};
use crate::error::{Error, Result};
use crate::sum::Neumaier;
use rand::RngCore;
use std::any::Any;

/// The categorical distribution `P(k) = p_k`, `k = 0..K−1`, with `p_k ≥ 0` and
/// `|Σ p_k − 1| ≤ 1e-9` (never silently renormalised).
///
/// Entropy `−Σ p_k ln p_k`; `D(p‖q) = Σ p_k ln(p_k/q_k)` (`+∞` if `p_k > 0 = q_k`, and when the
/// numbers of categories differ the shorter one is padded with zeros).
///
/// ```
/// use kldiv::dist::{Categorical, Discrete};
/// let c = Categorical::new(vec![0.25, 0.75]).unwrap();
/// assert_eq!(c.mean(), 0.75);
/// assert!(Categorical::new(vec![0.5, -0.5]).is_err()); // names p[1] and the value
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    p: Vec<f64>,
}

impl Categorical {
    /// Categorical with probabilities `p` (non-empty, entries finite and `≥ 0`, summing to 1
    /// within `1e-9`).
    pub fn new(p: Vec<f64>) -> Result<Categorical> {
        if p.is_empty() {
            return Err(Error::DimensionMismatch {
                name: "p",
                expected: 1,
                found: 0,
            });
        }
        let mut s = Neumaier::new();
        for (i, &x) in p.iter().enumerate() {
            if !(x.is_finite() && x >= 0.0) {
                return Err(Error::InvalidElement {
                    name: "p",
                    index: i,
                    value: x,
                    reason: "must be finite and >= 0",
                });
            }
            s.add(x);
        }
        let total = s.total();
        if (total - 1.0).abs() > 1e-9 {
            return Err(Error::InvalidParameter {
                name: "sum(p)",
                value: total,
                reason: "probabilities must sum to 1 (within 1e-9)",
            });
        }
        Ok(Categorical { p })
    }
    /// The probabilities.
    pub fn probs(&self) -> &[f64] {
        &self.p
    }
    fn at(&self, k: u64) -> f64 {
        usize::try_from(k)
            .ok()
            .and_then(|i| self.p.get(i))
            .copied()
            .unwrap_or(0.0)
    }
}

impl Discrete for Categorical {
    fn family(&self) -> &'static str {
        "categorical"
    }
    fn spec(&self) -> String {
        let v: Vec<String> = self.p.iter().map(|x| format!("{x}")).collect();
        format!("categorical(p=[{}])", v.join(", "))
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        self.at(k).ln()
    }
    fn support(&self) -> (u64, Option<u64>) {
        let first = self.p.iter().position(|&x| x > 0.0).unwrap_or(0);
        let last = self.p.iter().rposition(|&x| x > 0.0).unwrap_or(0);
        (first as u64, Some(last as u64))
    }
    fn entropy(&self) -> f64 {
        let mut s = Neumaier::new();
        for &x in &self.p {
            s.add(-xlogy(x, x));
        }
        s.total()
    }
    fn mean(&self) -> f64 {
        let mut s = Neumaier::new();
        for (k, &x) in self.p.iter().enumerate() {
            s.add(k as f64 * x);
        }
        s.total()
    }
    fn variance(&self) -> f64 {
        let m = self.mean();
        let mut s = Neumaier::new();
        for (k, &x) in self.p.iter().enumerate() {
            s.add((k as f64 - m).powi(2) * x);
        }
        s.total()
    }
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64 {
        let u = open01(rng);
        let mut c = 0.0;
        let mut last = 0;
        for (k, &x) in self.p.iter().enumerate() {
            if x > 0.0 {
                last = k;
                c += x;
                if u < c {
                    return k as u64;
                }
            }
        }
        last as u64
    }
    fn expect(&self, e: Expectation) -> Option<f64> {
        match e {
            Expectation::Mean => Some(self.mean()),
            Expectation::LnFactorial => {
                let mut s = Neumaier::new();
                for (k, &x) in self.p.iter().enumerate() {
                    if x > 0.0 {
                        s.add(x * ln_factorial(k as u64));
                    }
                }
                Some(s.total())
            }
            _ => None,
        }
    }
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        let q = same_discrete::<Categorical>(q)?;
        let mut s = Neumaier::new();
        for (k, &x) in self.p.iter().enumerate() {
            if x > 0.0 {
                let y = q.at(k as u64);
                if y == 0.0 {
                    return Some(f64::INFINITY);
                }
                s.add(x * (x / y).ln());
            }
        }
        Some(s.total().max(0.0))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
