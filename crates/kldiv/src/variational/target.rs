//! Targets `p` to fit: any continuous [`crate::dist`] family (through [`AnyDist`]), a mixture of
//! multivariate normals, or a user log-density with its gradient.

use crate::dist::{Continuous, Mixture, Multivariate, MvNormal, Normal, Product};
use crate::error::{Error, Result};
use crate::kl::AnyDist;
use rand::RngCore;

/// A target density `p` on `ℝᵈ` for fitting and variational inference.
///
/// Only [`Target::dim`], [`Target::ln_density`] and [`Target::grad_ln_density`] are required;
/// the rest say what else is known and enable exact moment matching, sample-based moment
/// matching, quadrature in one dimension and the KL reports.
pub trait Target {
    /// The dimension `d`.
    fn dim(&self) -> usize;
    /// `ln p(x)` (up to an additive constant unless [`Target::is_normalized`]); `−∞` outside
    /// the support.
    fn ln_density(&self, x: &[f64]) -> f64;
    /// Writes `∇ ln p(x)` into `grad` (length `d`) and returns `ln p(x)`.
    fn grad_ln_density(&self, x: &[f64], grad: &mut [f64]) -> f64;
    /// Whether [`Target::ln_density`] is normalised (`∫ p = 1`), so that KL values are
    /// meaningful. Default `false`.
    fn is_normalized(&self) -> bool {
        false
    }
    /// The exact mean and covariance, if known. Default `None`.
    fn moments(&self) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
        None
    }
    /// `false` when the target is known to have no finite covariance (a Cauchy, a Student t
    /// with `ν ≤ 2`): `D(p‖q) = +∞` for every Gaussian `q`, and forward fitting has no
    /// minimiser. Default `true`.
    fn has_finite_covariance(&self) -> bool {
        true
    }
    /// Writes one draw into `out` and returns `true`, or returns `false` if the target cannot
    /// be sampled. Default `false`.
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]) -> bool {
        let _ = (rng, out);
        false
    }
    /// Candidate modes (starting points for mode-seeking fits). Default none.
    fn modes(&self) -> Vec<Vec<f64>> {
        Vec::new()
    }
    /// The target as a univariate continuous distribution, if it is one (for quadrature).
    fn as_continuous(&self) -> Option<&dyn Continuous> {
        None
    }
    /// The target as a multivariate normal, if it is one (for closed-form KL).
    fn as_mvnormal(&self) -> Option<&MvNormal> {
        None
    }
    /// A short description (a spec string where there is one).
    fn describe(&self) -> String {
        format!("target on R^{}", self.dim())
    }
}

/// `d/dx ln p(x)` of a univariate continuous distribution: exact for [`Normal`] and for
/// mixtures (`Σᵢ rᵢ(x) (ln pᵢ)'(x)` with responsibilities `rᵢ = wᵢpᵢ/p`), otherwise a
/// fourth-order central difference with step `h = 1e-3·s` (`s` the family's scale), error
/// `O(h⁴)`.
///
/// ```
/// use kldiv::dist::{Gamma, Normal};
/// use kldiv::variational::grad_ln_pdf;
/// let n = Normal::new(1.0, 2.0).unwrap();
/// assert_eq!(grad_ln_pdf(&n, 3.0), -0.5); // −(x − μ)/σ²
/// let g = Gamma::new(3.0, 2.0).unwrap(); // (k − 1)/x − rate
/// assert!((grad_ln_pdf(&g, 1.0) - 0.0).abs() < 1e-9);
/// ```
pub fn grad_ln_pdf(p: &dyn Continuous, x: f64) -> f64 {
    let any = p.as_any();
    if let Some(n) = any.downcast_ref::<Normal>() {
        return -(x - n.mu()) / (n.sigma() * n.sigma());
    }
    if let Some(m) = any.downcast_ref::<Mixture>() {
        let lp = m.ln_pdf(x);
        let mut g = 0.0;
        for (w, c) in m.weights().iter().zip(m.components()) {
            if let Some(c) = c.as_continuous() {
                if *w > 0.0 {
                    let lc = c.ln_pdf(x);
                    if lc > f64::NEG_INFINITY {
                        g += (w.ln() + lc - lp).exp() * grad_ln_pdf(c, x);
                    }
                }
            }
        }
        return g;
    }
    let h = 1e-3 * p.scale_hint();
    let f = |t: f64| p.ln_pdf(t);
    (f(x - 2.0 * h) - 8.0 * f(x - h) + 8.0 * f(x + h) - f(x + 2.0 * h)) / (12.0 * h)
}

/// A target given by a distribution of [`crate::dist`]: a univariate continuous family (also
/// a [`Mixture`]), an [`MvNormal`], or a [`Product`] of univariate continuous families.
/// Normalised, samplable, with exact moments where the family knows them.
///
/// ```
/// use kldiv::kl::parse_spec;
/// use kldiv::variational::{DistTarget, Target};
/// let t = DistTarget::new(parse_spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))").unwrap()).unwrap();
/// assert_eq!(t.dim(), 1);
/// let (m, c) = t.moments().unwrap();
/// assert_eq!(m, vec![0.0]);
/// assert!((c[0][0] - 4.36).abs() < 1e-12); // 0.6² + 2²
/// ```
#[derive(Debug, Clone)]
pub struct DistTarget {
    dist: AnyDist,
    dim: usize,
}

impl DistTarget {
    /// Wraps `dist`. Errors ([`Error::UnsupportedTarget`]): discrete families, the Dirichlet,
    /// products with a discrete component.
    pub fn new(dist: AnyDist) -> Result<DistTarget> {
        let dim = if dist.as_continuous().is_some() {
            1
        } else if let AnyDist::MvNormal(m) = &dist {
            m.dim()
        } else if let AnyDist::Product(p) = &dist {
            if p.components().iter().any(|c| c.as_continuous().is_none()) {
                return Err(Error::UnsupportedTarget {
                    target: dist.spec(),
                    reason: "every component of a product target must be continuous",
                });
            }
            p.dim()
        } else {
            return Err(Error::UnsupportedTarget {
                target: dist.spec(),
                reason: "a target must be a continuous density on R^d (a univariate continuous \
                         family, a mixture, mvnormal or a product of continuous families)",
            });
        };
        Ok(DistTarget { dist, dim })
    }
    /// The distribution.
    pub fn dist(&self) -> &AnyDist {
        &self.dist
    }
    fn components(&self) -> Option<&Product> {
        match &self.dist {
            AnyDist::Product(p) => Some(p),
            _ => None,
        }
    }
}

impl Target for DistTarget {
    fn dim(&self) -> usize {
        self.dim
    }
    fn ln_density(&self, x: &[f64]) -> f64 {
        if x.len() != self.dim {
            return f64::NAN;
        }
        if let Some(c) = self.dist.as_continuous() {
            c.ln_pdf(x[0])
        } else if let Some(m) = self.dist.as_multivariate() {
            m.ln_pdf(x)
        } else {
            f64::NAN
        }
    }
    fn grad_ln_density(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        if let Some(c) = self.dist.as_continuous() {
            grad[0] = grad_ln_pdf(c, x[0]);
            return c.ln_pdf(x[0]);
        }
        if let AnyDist::MvNormal(m) = &self.dist {
            return m.grad_ln_pdf(x, grad);
        }
        if let Some(p) = self.components() {
            let mut lp = 0.0;
            for (i, c) in p.components().iter().enumerate() {
                if let Some(c) = c.as_continuous() {
                    lp += c.ln_pdf(x[i]);
                    grad[i] = grad_ln_pdf(c, x[i]);
                }
            }
            return lp;
        }
        f64::NAN
    }
    fn is_normalized(&self) -> bool {
        true
    }
    fn moments(&self) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
        if let Some(c) = self.dist.as_continuous() {
            return Some((vec![c.mean()?], vec![vec![c.variance()?]]));
        }
        if let AnyDist::MvNormal(m) = &self.dist {
            return Some((m.mean().to_vec(), m.covariance().to_vec()));
        }
        let p = self.components()?;
        let d = self.dim;
        let mut mean = Vec::with_capacity(d);
        let mut cov = vec![vec![0.0; d]; d];
        for (i, c) in p.components().iter().enumerate() {
            let c = c.as_continuous()?;
            mean.push(c.mean()?);
            cov[i][i] = c.variance()?;
        }
        Some((mean, cov))
    }
    fn has_finite_covariance(&self) -> bool {
        if let Some(c) = self.dist.as_continuous() {
            return c.variance().is_some_and(f64::is_finite);
        }
        self.components().is_none_or(|p| {
            p.components().iter().all(|c| {
                c.as_continuous()
                    .and_then(|c| c.variance())
                    .is_some_and(f64::is_finite)
            })
        })
    }
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]) -> bool {
        if let Some(c) = self.dist.as_continuous() {
            out[0] = c.sample_one(rng);
            true
        } else if let Some(m) = self.dist.as_multivariate() {
            m.sample_into(rng, out);
            true
        } else {
            false
        }
    }
    fn modes(&self) -> Vec<Vec<f64>> {
        if let Some(c) = self.dist.as_continuous() {
            return c.landmarks().into_iter().map(|x| vec![x]).collect();
        }
        if let AnyDist::MvNormal(m) = &self.dist {
            return vec![m.mean().to_vec()];
        }
        Vec::new()
    }
    fn as_continuous(&self) -> Option<&dyn Continuous> {
        self.dist.as_continuous()
    }
    fn as_mvnormal(&self) -> Option<&MvNormal> {
        match &self.dist {
            AnyDist::MvNormal(m) => Some(m),
            _ => None,
        }
    }
    fn describe(&self) -> String {
        self.dist.spec()
    }
}

/// A mixture of multivariate normals `p(x) = Σₖ wₖ N(x; μₖ, Σₖ)` — the multi-modal target in
/// `d ≥ 2` dimensions. Mean `Σ wₖμₖ`, covariance `Σ wₖ(Σₖ + μₖμₖᵀ) − μμᵀ`;
/// `∇ ln p = Σₖ rₖ(x) ∇ ln N(x; μₖ, Σₖ)` with responsibilities `rₖ = wₖ Nₖ(x)/p(x)`.
///
/// ```
/// use kldiv::dist::MvNormal;
/// use kldiv::variational::{MvNormalMixture, Target};
/// let a = MvNormal::from_diagonal(vec![-2.0, 0.0], &[0.36, 0.36]).unwrap();
/// let b = MvNormal::from_diagonal(vec![2.0, 0.0], &[0.36, 0.36]).unwrap();
/// let p = MvNormalMixture::new(vec![0.5, 0.5], vec![a, b]).unwrap();
/// let (m, c) = p.moments().unwrap();
/// assert_eq!(m, vec![0.0, 0.0]);
/// assert_eq!(c, vec![vec![4.36, 0.0], vec![0.0, 0.36]]);
/// ```
#[derive(Debug, Clone)]
pub struct MvNormalMixture {
    weights: Vec<f64>,
    components: Vec<MvNormal>,
}

impl MvNormalMixture {
    /// A mixture with `weights` (finite, `≥ 0`, summing to 1 within `1e-9`) and components of
    /// one dimension.
    pub fn new(weights: Vec<f64>, components: Vec<MvNormal>) -> Result<MvNormalMixture> {
        if components.is_empty() || weights.len() != components.len() {
            return Err(Error::DimensionMismatch {
                name: "weights",
                expected: components.len().max(1),
                found: weights.len(),
            });
        }
        let d = components[0].dim();
        for c in &components {
            if c.dim() != d {
                return Err(Error::DimensionMismatch {
                    name: "components",
                    expected: d,
                    found: c.dim(),
                });
            }
        }
        crate::dist::check_weights(&weights)?;
        Ok(MvNormalMixture {
            weights,
            components,
        })
    }
    /// The weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// The components.
    pub fn components(&self) -> &[MvNormal] {
        &self.components
    }
}

impl Target for MvNormalMixture {
    fn dim(&self) -> usize {
        self.components[0].dim()
    }
    fn ln_density(&self, x: &[f64]) -> f64 {
        let t: Vec<f64> = self
            .weights
            .iter()
            .zip(&self.components)
            .map(|(w, c)| w.ln() + c.ln_pdf(x))
            .collect();
        log_sum_exp(&t)
    }
    fn grad_ln_density(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let d = self.dim();
        let mut gk = vec![0.0; d];
        let mut terms = Vec::with_capacity(self.components.len());
        let mut grads = Vec::with_capacity(self.components.len());
        for (w, c) in self.weights.iter().zip(&self.components) {
            terms.push(w.ln() + c.grad_ln_pdf(x, &mut gk));
            grads.push(gk.clone());
        }
        let lp = log_sum_exp(&terms);
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (t, g) in terms.iter().zip(&grads) {
            let r = (t - lp).exp();
            if r > 0.0 {
                for (o, gi) in grad.iter_mut().zip(g) {
                    *o += r * gi;
                }
            }
        }
        lp
    }
    fn is_normalized(&self) -> bool {
        true
    }
    fn moments(&self) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
        let d = self.dim();
        let mut mean = vec![0.0; d];
        for (w, c) in self.weights.iter().zip(&self.components) {
            for (m, ci) in mean.iter_mut().zip(c.mean()) {
                *m += w * ci;
            }
        }
        let mut cov = vec![vec![0.0; d]; d];
        for (w, c) in self.weights.iter().zip(&self.components) {
            let (mu, s) = (c.mean(), c.covariance());
            for i in 0..d {
                for j in 0..d {
                    cov[i][j] += w * (s[i][j] + (mu[i] - mean[i]) * (mu[j] - mean[j]));
                }
            }
        }
        Some((mean, cov))
    }
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]) -> bool {
        let u = crate::dist::open01(rng);
        let mut acc = 0.0;
        let mut pick = self.components.len() - 1;
        for (k, w) in self.weights.iter().enumerate() {
            acc += w;
            if u < acc {
                pick = k;
                break;
            }
        }
        self.components[pick].sample_into(rng, out);
        true
    }
    fn modes(&self) -> Vec<Vec<f64>> {
        self.components.iter().map(|c| c.mean().to_vec()).collect()
    }
    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .weights
            .iter()
            .zip(&self.components)
            .map(|(w, c)| format!("{w}*{}", c.spec()))
            .collect();
        format!("mixture({})", parts.join(", "))
    }
}

/// `ln Σ exp(tᵢ)` without overflow.
pub(crate) fn log_sum_exp(t: &[f64]) -> f64 {
    let m = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY || m.is_nan() {
        return m;
    }
    m + t.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// A user target: a closure `f(x, grad) -> ln p(x)` that also writes `∇ ln p(x)` into `grad`
/// (an unnormalised log-density is fine: only KL values need the normaliser).
///
/// ```
/// use kldiv::variational::{FnTarget, Target};
/// // ln p(x) = −½‖x‖² (unnormalised standard normal in 2-D)
/// let t = FnTarget::new(2, |x: &[f64], g: &mut [f64]| {
///     g[0] = -x[0];
///     g[1] = -x[1];
///     -0.5 * (x[0] * x[0] + x[1] * x[1])
/// });
/// let mut g = [0.0; 2];
/// assert_eq!(t.grad_ln_density(&[1.0, 2.0], &mut g), -2.5);
/// assert_eq!(g, [-1.0, -2.0]);
/// ```
pub struct FnTarget<F> {
    dim: usize,
    f: F,
    normalized: bool,
}

impl<F: Fn(&[f64], &mut [f64]) -> f64> FnTarget<F> {
    /// A target on `ℝ^dim` with log-density and gradient `f` (taken as unnormalised).
    pub fn new(dim: usize, f: F) -> FnTarget<F> {
        FnTarget {
            dim,
            f,
            normalized: false,
        }
    }
    /// Declares the log-density normalised (KL reports then use it).
    pub fn normalized(mut self) -> FnTarget<F> {
        self.normalized = true;
        self
    }
}

impl<F> std::fmt::Debug for FnTarget<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FnTarget(dim = {})", self.dim)
    }
}

impl<F: Fn(&[f64], &mut [f64]) -> f64> Target for FnTarget<F> {
    fn dim(&self) -> usize {
        self.dim
    }
    fn ln_density(&self, x: &[f64]) -> f64 {
        let mut g = vec![0.0; self.dim];
        (self.f)(x, &mut g)
    }
    fn grad_ln_density(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        (self.f)(x, grad)
    }
    fn is_normalized(&self) -> bool {
        self.normalized
    }
    fn describe(&self) -> String {
        format!("user log-density on R^{}", self.dim)
    }
}
