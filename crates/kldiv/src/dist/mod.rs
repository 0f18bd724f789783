//! Parametric distributions: one file per family.
//!
//! Every family has a validated constructor (invalid parameters are an
//! [`crate::Error::InvalidParameter`] naming the parameter and the
//! value), the log-density (`ln_pdf` / `ln_pmf`, `−∞` outside the support), seeded sampling,
//! the entropy (nats), and the mean and variance where they are finite.
//!
//! | kind | families |
//! |---|---|
//! | continuous, real line | [`Normal`], [`Laplace`], [`Cauchy`], [`StudentT`], [`Logistic`], [`Gumbel`] |
//! | continuous, half-line | [`HalfNormal`], [`LogNormal`], [`Exponential`], [`Gamma`], [`InverseGamma`], [`Chi2`], [`Chi`], [`Pareto`], [`Weibull`] |
//! | continuous, interval | [`Beta`], [`Uniform`], [`VonMises`] (on `[−π, π]`) |
//! | discrete | [`Bernoulli`], [`Binomial`], [`Poisson`], [`Geometric`], [`NegativeBinomial`], [`Categorical`] |
//! | multivariate | [`MvNormal`], [`Dirichlet`] |
//! | structural | [`Product`] (independent components), [`Mixture`] (weighted, univariate continuous) |
//!
//! The KL divergence between two of them is [`crate::kl::kl`] (static, through
//! [`crate::kl::KlDivergence`]) or [`crate::kl::kl_any`] (runtime, over [`crate::kl::AnyDist`]).
//! Closed forms come in two kinds: a same-family formula (each family's
//! [`Continuous::kl_same`]), and the cross-entropy route
//! `D(P‖Q) = H(P, Q) − H(P)`, where `H(P, Q) = −E_P[ln q(X)]` is written by the family of `Q`
//! ([`Continuous::cross_entropy_from`]) in terms of expectations under `P` that `P`'s family
//! knows in closed form ([`Continuous::expect`], see [`Expectation`]).

use rand::RngCore;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::any::Any;
use std::fmt;

use crate::error::{Error, Result};

mod bernoulli;
mod beta;
mod binomial;
mod categorical;
mod cauchy;
mod chi;
mod chi2;
mod dirichlet;
mod exponential;
mod gamma;
mod geometric;
mod gumbel;
mod half_normal;
mod inverse_gamma;
mod laplace;
mod logistic;
mod lognormal;
mod mixture;
mod mvnormal;
mod negative_binomial;
mod normal;
mod pareto;
mod poisson;
mod product;
mod student_t;
mod uniform;
mod von_mises;
mod weibull;

pub use bernoulli::Bernoulli;
pub use beta::Beta;
pub use binomial::Binomial;
pub use categorical::Categorical;
pub use cauchy::Cauchy;
pub use chi::Chi;
pub use chi2::Chi2;
pub use dirichlet::Dirichlet;
pub use exponential::Exponential;
pub use gamma::Gamma;
pub use geometric::Geometric;
pub use gumbel::Gumbel;
pub use half_normal::HalfNormal;
pub use inverse_gamma::InverseGamma;
pub use laplace::Laplace;
pub use logistic::Logistic;
pub use lognormal::LogNormal;
pub use mixture::Mixture;
pub(crate) use mixture::check_weights;
pub use mvnormal::MvNormal;
pub(crate) use mvnormal::cholesky_lower;
pub use negative_binomial::NegativeBinomial;
pub use normal::Normal;
pub use pareto::Pareto;
pub use poisson::Poisson;
pub use product::Product;
pub use student_t::StudentT;
pub use uniform::Uniform;
pub use von_mises::VonMises;
pub use weibull::Weibull;

/// An expectation `E_P[g(X)]` that a family may know in closed form. Used to write the
/// cross-entropy `H(P, Q) = −E_P[ln q(X)]` of one family under another.
///
/// [`Continuous::expect`] returns `None` when no closed form is implemented, `Some(+∞)` when
/// the expectation diverges (for example `E[X]` of a Pareto with `α ≤ 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expectation {
    /// `E[X]`.
    Mean,
    /// `E[(X − c)²]`.
    SqDev(f64),
    /// `E|X − c|`.
    AbsDev(f64),
    /// `E[ln X]` (support in `[0, ∞)`).
    LnX,
    /// `E[ln(1 − X)]` (support in `[0, 1]`).
    Ln1mX,
    /// `E[(ln X − c)²]` (support in `[0, ∞)`).
    LnSqDev(f64),
    /// `E[X^r]` for real `r` (support in `[0, ∞)`).
    Pow(f64),
    /// The moment generating function `E[e^{tX}]`.
    Mgf(f64),
    /// `E[cos(X − c)]`.
    CosDev(f64),
    /// `E[ln X!]` (discrete families).
    LnFactorial,
}

/// A univariate continuous distribution.
///
/// The trait is object safe: the runtime table and the numeric fallbacks work on
/// `&dyn Continuous`.
pub trait Continuous: fmt::Debug + Send + Sync + Any {
    /// The family name as used in specs (`"normal"`).
    fn family(&self) -> &'static str;
    /// The distribution as a spec string, e.g. `normal(mean=0, std=1)`.
    fn spec(&self) -> String;
    /// `ln p(x)`; `−∞` outside the support.
    fn ln_pdf(&self, x: f64) -> f64;
    /// `p(x)`.
    fn pdf(&self, x: f64) -> f64 {
        self.ln_pdf(x).exp()
    }
    /// The closure of the support, `(lo, hi)` with `lo` possibly `−∞` and `hi` possibly `+∞`.
    fn support(&self) -> (f64, f64);
    /// Differential entropy `H(P) = −E[ln p(X)]` in nats, where known in closed form
    /// (every parametric family; `None` for mixtures).
    fn entropy(&self) -> Option<f64>;
    /// `E[X]` if finite.
    fn mean(&self) -> Option<f64>;
    /// `Var[X]` if finite.
    fn variance(&self) -> Option<f64>;
    /// One draw.
    fn sample_one(&self, rng: &mut dyn RngCore) -> f64;
    /// `n` draws from a `ChaCha8Rng` seeded with `seed` (same seed, same bits).
    fn sample(&self, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| self.sample_one(&mut rng)).collect()
    }
    /// A closed-form expectation under this distribution, if known (see [`Expectation`]).
    fn expect(&self, e: Expectation) -> Option<f64> {
        let _ = e;
        None
    }
    /// The cross-entropy `H(p, self) = −E_p[ln self(X)]` in nats, written through
    /// closed-form expectations under `p`. The caller has checked `supp p ⊆ supp self`.
    /// `None` when some needed expectation is unknown.
    fn cross_entropy_from(&self, p: &dyn Continuous) -> Option<f64> {
        let _ = p;
        None
    }
    /// Closed-form `D(self‖q)` in nats when `q` is of the same family (downcast through
    /// [`Continuous::as_any`]); `None` otherwise.
    fn kl_same(&self, q: &dyn Continuous) -> Option<f64> {
        let _ = q;
        None
    }
    /// Points where the density has its features (modes, location, kinks): quadrature
    /// breakpoints.
    fn landmarks(&self) -> Vec<f64>;
    /// A length scale (standard deviation or scale parameter): the quadrature's half-line
    /// scale.
    fn scale_hint(&self) -> f64;
    /// `self` as `Any`, for same-family downcasts.
    fn as_any(&self) -> &dyn Any;
}

/// A univariate discrete distribution on the non-negative integers.
pub trait Discrete: fmt::Debug + Send + Sync + Any {
    /// The family name as used in specs (`"poisson"`).
    fn family(&self) -> &'static str;
    /// The distribution as a spec string.
    fn spec(&self) -> String;
    /// `ln P(X = k)`; `−∞` outside the support.
    fn ln_pmf(&self, k: u64) -> f64;
    /// The support `{lo, ..., hi}`, `hi = None` for unbounded.
    fn support(&self) -> (u64, Option<u64>);
    /// Shannon entropy in nats (closed form, or an exact sum over all but `< 1e-17` of the mass).
    fn entropy(&self) -> f64;
    /// Whether [`Discrete::entropy`] is a closed form (`false` when it is a sum).
    fn entropy_is_closed_form(&self) -> bool {
        true
    }
    /// `E[X]`.
    fn mean(&self) -> f64;
    /// `Var[X]`.
    fn variance(&self) -> f64;
    /// One draw.
    fn sample_one(&self, rng: &mut dyn RngCore) -> u64;
    /// `n` draws from a `ChaCha8Rng` seeded with `seed`.
    fn sample(&self, n: usize, seed: u64) -> Vec<u64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| self.sample_one(&mut rng)).collect()
    }
    /// A closed-form expectation, if known ([`Expectation::Mean`], [`Expectation::LnFactorial`]).
    fn expect(&self, e: Expectation) -> Option<f64> {
        match e {
            Expectation::Mean => Some(self.mean()),
            _ => None,
        }
    }
    /// `H(p, self)` in nats through closed-form expectations under `p` (support already
    /// checked), or `None`.
    fn cross_entropy_from(&self, p: &dyn Discrete) -> Option<f64> {
        let _ = p;
        None
    }
    /// Closed-form `D(self‖q)` for `q` of the same family, or `None`.
    fn kl_same(&self, q: &dyn Discrete) -> Option<f64> {
        let _ = q;
        None
    }
    /// `self` as `Any`.
    fn as_any(&self) -> &dyn Any;
}

// ----- shared helpers for the family files -----

/// `Ok(x)` if `x` is finite and `> 0`, else `InvalidParameter { name, value: x }`.
pub(crate) fn positive(name: &'static str, x: f64) -> Result<f64> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(Error::InvalidParameter {
            name,
            value: x,
            reason: "must be finite and > 0",
        })
    }
}

/// `Ok(x)` if `x` is finite, else `InvalidParameter`.
pub(crate) fn finite(name: &'static str, x: f64) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::InvalidParameter {
            name,
            value: x,
            reason: "must be finite",
        })
    }
}

/// `Ok(x)` if `x ∈ [0, 1]`, else `InvalidParameter`.
pub(crate) fn probability(name: &'static str, x: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(Error::InvalidParameter {
            name,
            value: x,
            reason: "must be a probability in [0, 1]",
        })
    }
}

/// Downcasts a `&dyn Continuous` to a concrete family.
pub(crate) fn same<T: 'static>(q: &dyn Continuous) -> Option<&T> {
    q.as_any().downcast_ref::<T>()
}

/// Downcasts a `&dyn Discrete` to a concrete family.
pub(crate) fn same_discrete<T: 'static>(q: &dyn Discrete) -> Option<&T> {
    q.as_any().downcast_ref::<T>()
}

/// A uniform draw in the open interval `(0, 1)`.
pub(crate) fn open01(rng: &mut dyn RngCore) -> f64 {
    loop {
        // 53 random bits.
        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        if u > 0.0 {
            return u;
        }
    }
}

/// A standard normal draw.
pub(crate) fn std_normal(rng: &mut dyn RngCore) -> f64 {
    use rand::Rng;
    rng.sample(rand_distr::StandardNormal)
}

/// A `Gamma(shape, 1)` draw (Marsaglia–Tsang via `rand_distr`).
pub(crate) fn std_gamma(shape: f64, rng: &mut dyn RngCore) -> f64 {
    use rand::Rng;
    match rand_distr::Gamma::new(shape, 1.0) {
        Ok(g) => rng.sample(g),
        Err(_) => f64::NAN,
    }
}

/// `ln Γ` shorthand.
pub(crate) fn lgam(x: f64) -> f64 {
    crate::special::ln_gamma(x)
}

/// Formats a parameter for spec strings (shortest round-trip representation).
pub(crate) fn fmt_num(x: f64) -> String {
    format!("{x}")
}

/// `q·E_P[X]`-style products where `q = 0` must not turn `E = ∞` into NaN.
pub(crate) fn times(coef: f64, e: f64) -> f64 {
    if coef == 0.0 { 0.0 } else { coef * e }
}

/// Fetches an expectation from `p`, `None` if unknown.
pub(crate) fn ex(p: &dyn Continuous, e: Expectation) -> Option<f64> {
    p.expect(e)
}

/// `(lo, hi)` as a tuple of support helpers.
pub(crate) const REAL_LINE: (f64, f64) = (f64::NEG_INFINITY, f64::INFINITY);
/// `[0, ∞)`.
pub(crate) const HALF_LINE: (f64, f64) = (0.0, f64::INFINITY);

/// `x ln y` with `0 ln y = 0` (also for `y = 0`).
pub(crate) fn xlogy(x: f64, y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * y.ln() }
}

/// A window `[lo, hi]` of outcomes holding all but a negligible (`< 1e-17`) part of the mass
/// of a light-tailed discrete distribution: `mean ± (40 sd + 50)`, clipped to the support.
pub(crate) fn mass_window(d: &dyn Discrete) -> (u64, u64) {
    let (slo, shi) = d.support();
    let m = d.mean();
    let w = 40.0 * d.variance().sqrt() + 50.0;
    let lo = ((m - w).max(slo as f64)).floor() as u64;
    let hi = (m + w).ceil() as u64;
    (lo.max(slo), shi.map_or(hi, |s| s.min(hi)))
}

/// Entropy `−Σ p ln p` by an exact sum over [`mass_window`] (compensated).
pub(crate) fn entropy_by_sum(d: &dyn Discrete) -> f64 {
    let (lo, hi) = mass_window(d);
    let mut s = crate::sum::Neumaier::new();
    for k in lo..=hi {
        let l = d.ln_pmf(k);
        if l > f64::NEG_INFINITY {
            s.add(-l.exp() * l);
        }
    }
    s.total()
}

/// `ln k!`.
pub(crate) fn ln_factorial(k: u64) -> f64 {
    lgam(k as f64 + 1.0)
}

/// A continuous distribution on `ℝᵈ` (or on a subset such as the simplex).
pub trait Multivariate: fmt::Debug + Send + Sync + Any {
    /// The family name as used in specs (`"mvnormal"`).
    fn family(&self) -> &'static str;
    /// The distribution as a spec string.
    fn spec(&self) -> String;
    /// The dimension `d` of a point.
    fn dim(&self) -> usize;
    /// `ln p(x)` for a point of length `dim()` (`−∞` outside the support; NaN on a length
    /// mismatch).
    fn ln_pdf(&self, x: &[f64]) -> f64;
    /// Differential entropy in nats.
    fn entropy(&self) -> f64;
    /// Writes one draw into `out` (length `dim()`).
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]);
    /// `n` draws, row-major `n × dim()`, from a `ChaCha8Rng` seeded with `seed`.
    fn sample(&self, n: usize, seed: u64) -> Vec<f64> {
        let d = self.dim();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut out = vec![0.0; n * d];
        for row in out.chunks_mut(d.max(1)) {
            self.sample_into(&mut rng, row);
        }
        out
    }
    /// `self` as `Any`.
    fn as_any(&self) -> &dyn Any;
}
