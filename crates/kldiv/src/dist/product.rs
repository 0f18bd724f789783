//! Independent products of univariate distributions.

use super::Multivariate;
use crate::error::{Error, Result};
use crate::kl::AnyDist;
use rand::RngCore;
use std::any::Any;

/// The product `p(x₁, ..., x_d) = Πᵢ pᵢ(xᵢ)` of independent univariate distributions (any
/// families, continuous or discrete).
///
/// KL is additive over independent components: `D(Πpᵢ ‖ Πqᵢ) = Σᵢ D(pᵢ‖qᵢ)` for products of
/// the same length (each term by its own best method; the result's method is the least exact
/// one used and its error the sum of the errors). Entropy is the sum of the entropies.
///
/// ```
/// use kldiv::dist::{Multivariate, Normal, Product};
/// use kldiv::kl::AnyDist;
/// let p = Product::new(vec![AnyDist::Normal(Normal::new(0.0, 1.0).unwrap()); 3]).unwrap();
/// assert_eq!(p.dim(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct Product {
    components: Vec<AnyDist>,
}

impl Product {
    /// A product of `components` (non-empty, each univariate).
    pub fn new(components: Vec<AnyDist>) -> Result<Product> {
        if components.is_empty() {
            return Err(Error::DimensionMismatch {
                name: "components",
                expected: 1,
                found: 0,
            });
        }
        for (i, c) in components.iter().enumerate() {
            if c.as_continuous().is_none() && c.as_discrete().is_none() {
                return Err(Error::InvalidElement {
                    name: "components",
                    index: i,
                    value: f64::NAN,
                    reason: "product components must be univariate distributions",
                });
            }
        }
        Ok(Product { components })
    }
    /// The components.
    pub fn components(&self) -> &[AnyDist] {
        &self.components
    }
}

impl Multivariate for Product {
    fn family(&self) -> &'static str {
        "product"
    }
    fn spec(&self) -> String {
        let parts: Vec<String> = self.components.iter().map(AnyDist::spec).collect();
        format!("product({})", parts.join(", "))
    }
    fn dim(&self) -> usize {
        self.components.len()
    }
    /// `Σᵢ ln pᵢ(xᵢ)` (discrete components read `xᵢ` as a count; non-integers give `−∞`).
    fn ln_pdf(&self, x: &[f64]) -> f64 {
        if x.len() != self.components.len() {
            return f64::NAN;
        }
        let mut s = 0.0;
        for (c, &xi) in self.components.iter().zip(x) {
            s += if let Some(c) = c.as_continuous() {
                c.ln_pdf(xi)
            } else if let Some(d) = c.as_discrete() {
                if xi >= 0.0 && xi == xi.floor() {
                    d.ln_pmf(xi as u64)
                } else {
                    f64::NEG_INFINITY
                }
            } else {
                f64::NAN
            };
        }
        s
    }
    fn entropy(&self) -> f64 {
        self.components
            .iter()
            .map(|c| {
                if let Some(c) = c.as_continuous() {
                    c.entropy().unwrap_or(f64::NAN)
                } else if let Some(d) = c.as_discrete() {
                    d.entropy()
                } else {
                    f64::NAN
                }
            })
            .sum()
    }
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]) {
        for (o, c) in out.iter_mut().zip(&self.components) {
            *o = if let Some(c) = c.as_continuous() {
                c.sample_one(rng)
            } else if let Some(d) = c.as_discrete() {
                d.sample_one(rng) as f64
            } else {
                f64::NAN
            };
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
