//! KL divergence between parametric distributions: closed forms, numeric fallbacks, dispatch.
//!
//! ```text
//! D(P‖Q) = ∫ p(x) ln(p(x)/q(x)) dx        (Σ for discrete families)
//! ```
//!
//! * **Static:** [`kl`]`(&p, &q)` through the [`KlDivergence`] trait, implemented for every
//!   pair of univariate continuous families (and mixtures), every pair of discrete families,
//!   `MvNormal`–`MvNormal`, `Dirichlet`–`Dirichlet` and `Product`–`Product`.
//! * **Runtime:** [`kl_any`] over [`AnyDist`], built from a spec string with [`parse_spec`]
//!   (`"gamma(shape=2, rate=1)"`); [`list_families`] and [`list_closed_forms`] enumerate
//!   the registry.
//!
//! Every result is a [`KlResult`]: value (in the unit of [`KlOptions::base`]), the [`Method`]
//! used, an error estimate where one exists, and the Monte Carlo sample size and seed.
//!
//! ## How a pair is evaluated (`--method auto`)
//!
//! 1. **Support.** If the support of `P` is not inside that of `Q`, `D = +∞` (closed form).
//! 2. **Closed form.** A same-family formula if the family has one; otherwise the
//!    cross-entropy route `D = H(P, Q) − H(P)`, when the family of `Q` can write
//!    `H(P, Q) = −E_P[ln q]` through expectations that the family of `P` knows in closed
//!    form ([`crate::dist::Expectation`]). Divergent expectations (a Pareto mean with `α ≤ 1`
//!    against an exponential, say) give `+∞`.
//! 3. **Fallback.** Univariate continuous: adaptive Gauss–Kronrod ([`crate::quad`]) of
//!    `p ln(p/q)` over the support of `P` with the modes and support ends as breakpoints; the
//!    error is the quadrature's estimate. Discrete: an exact sum over the support of `P`
//!    (all of it when finite, else all but `< 1e-17` of the mass), error a rounding/tail
//!    estimate. Multivariate and mixed pairs: Monte Carlo with a standard error.

mod any;
mod fallback;
mod gmm;
mod list;
mod spec;

pub use any::AnyDist;
pub use fallback::{monte_carlo_continuous, monte_carlo_multivariate, quadrature, sum_discrete};
pub use gmm::{GmmApproximation, gmm_approximations};
pub use list::{ClosedFormPair, FamilyInfo, PairKind, list_closed_forms, list_families};
pub use spec::parse_spec;

use crate::dist::{
    Bernoulli, Beta, Binomial, Categorical, Cauchy, Chi, Chi2, Continuous, Dirichlet, Discrete,
    Exponential, Gamma, Geometric, Gumbel, HalfNormal, InverseGamma, Laplace, LogNormal, Logistic,
    Mixture, Multivariate, MvNormal, NegativeBinomial, Normal, Pareto, Poisson, Product, StudentT,
    Uniform, VonMises, Weibull,
};
use crate::error::{Error, Result};
use crate::quad::QuadOptions;
use crate::units::Base;
use std::fmt;

/// How a KL value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// An exact formula (including `+∞` from a support mismatch).
    ClosedForm,
    /// Adaptive Gauss–Kronrod quadrature; `error` is its estimate.
    Quadrature,
    /// An exact sum over the support (discrete); `error` bounds rounding and the neglected tail.
    Sum,
    /// Monte Carlo; `error` is the standard error.
    MonteCarlo,
}

impl Method {
    /// `closed-form`, `quadrature`, `sum` or `monte-carlo`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::ClosedForm => "closed-form",
            Method::Quadrature => "quadrature",
            Method::Sum => "sum",
            Method::MonteCarlo => "monte-carlo",
        }
    }
    /// Rank from most to least exact (for combining product terms).
    fn rank(self) -> u8 {
        match self {
            Method::ClosedForm => 0,
            Method::Sum => 1,
            Method::Quadrature => 2,
            Method::MonteCarlo => 3,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which method to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MethodChoice {
    /// Closed form if one exists, else the family's numeric fallback. The default.
    #[default]
    Auto,
    /// Closed form only ([`Error::NoMethod`] otherwise).
    Closed,
    /// Quadrature (univariate continuous pairs).
    Quadrature,
    /// Exact sum (discrete pairs).
    Sum,
    /// Monte Carlo (any pair with densities).
    MonteCarlo,
}

impl MethodChoice {
    /// Parses `auto`, `closed` (`closed-form`), `quad` (`quadrature`), `sum`, `mc`
    /// (`monte-carlo`).
    ///
    /// ```
    /// use kldiv::kl::MethodChoice;
    /// assert_eq!(MethodChoice::parse("mc").unwrap(), MethodChoice::MonteCarlo);
    /// assert!(MethodChoice::parse("magic").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<MethodChoice> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "auto" => MethodChoice::Auto,
            "closed" | "closed-form" | "exact" => MethodChoice::Closed,
            "quad" | "quadrature" => MethodChoice::Quadrature,
            "sum" => MethodChoice::Sum,
            "mc" | "monte-carlo" | "montecarlo" => MethodChoice::MonteCarlo,
            _ => {
                return Err(Error::Spec {
                    position: 0,
                    text: s.to_string(),
                    reason: "method must be one of auto, closed, quad, sum, mc".to_string(),
                });
            }
        })
    }
}

/// Options of [`kl_with`] / [`kl_any`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KlOptions {
    /// Method selection. Default [`MethodChoice::Auto`].
    pub method: MethodChoice,
    /// Monte Carlo sample size. Default `100_000`.
    pub samples: usize,
    /// Monte Carlo seed (ChaCha8). Default 0.
    pub seed: u64,
    /// Unit of the result. Default nats.
    pub base: Base,
    /// Quadrature tolerances.
    pub quad: QuadOptions,
}

impl Default for KlOptions {
    fn default() -> Self {
        KlOptions {
            method: MethodChoice::Auto,
            samples: 100_000,
            seed: 0,
            base: Base::Nats,
            quad: QuadOptions::default(),
        }
    }
}

impl KlOptions {
    /// Sets the method.
    pub fn method(mut self, m: MethodChoice) -> Self {
        self.method = m;
        self
    }
    /// Sets the Monte Carlo sample size.
    pub fn samples(mut self, n: usize) -> Self {
        self.samples = n;
        self
    }
    /// Sets the Monte Carlo seed.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    /// Sets the unit.
    pub fn base(mut self, b: Base) -> Self {
        self.base = b;
        self
    }
}

/// A KL value with its provenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KlResult {
    /// `D(P‖Q)` in `unit` (may be `+∞`).
    pub value: f64,
    /// The unit.
    pub unit: Base,
    /// How it was computed.
    pub method: Method,
    /// Error estimate in `unit`: quadrature estimate, sum bound, Monte Carlo standard error;
    /// `None` for closed forms.
    pub error: Option<f64>,
    /// Monte Carlo sample size, if sampled.
    pub samples: Option<usize>,
    /// Monte Carlo seed, if sampled.
    pub seed: Option<u64>,
}

impl KlResult {
    /// A result in nats.
    pub(crate) fn nats(value: f64, method: Method, error: Option<f64>) -> KlResult {
        KlResult {
            value,
            unit: Base::Nats,
            method,
            error,
            samples: None,
            seed: None,
        }
    }
    /// Converts a nats result to `base`.
    pub(crate) fn in_base(mut self, base: Base) -> Result<KlResult> {
        let l = base.ln_base()?;
        self.value /= l;
        self.error = self.error.map(|e| e / l);
        self.unit = base;
        Ok(self)
    }
    /// Whether the value is `+∞`.
    pub fn is_infinite(&self) -> bool {
        self.value == f64::INFINITY
    }
}

/// `D(self ‖ q)`: implemented for every supported pair of distribution types.
pub trait KlDivergence<Q: ?Sized = Self> {
    /// `D(self ‖ q)` with explicit options.
    fn kl_with(&self, q: &Q, opts: &KlOptions) -> Result<KlResult>;
    /// `D(self ‖ q)` with default options (auto method, nats).
    fn kl(&self, q: &Q) -> Result<KlResult> {
        self.kl_with(q, &KlOptions::default())
    }
}

/// `D(p‖q)` with default options.
///
/// ```
/// use kldiv::dist::{Gamma, Normal, Exponential};
/// use kldiv::kl::{kl, Method};
/// let p = Normal::new(0.0, 1.0).unwrap();
/// let q = Normal::new(1.0, 2.0).unwrap();
/// let d = kl(&p, &q).unwrap();
/// assert!((d.value - (2f64.ln() - 0.25)).abs() < 1e-15);
/// assert_eq!(d.method, Method::ClosedForm);
/// // Cross-family closed form: Exp(1) against Gamma(2, 1) = γ (Euler's constant).
/// let d = kl(&Exponential::new(1.0).unwrap(), &Gamma::new(2.0, 1.0).unwrap()).unwrap();
/// assert!((d.value - kldiv::special::EULER_GAMMA).abs() < 1e-15);
/// // Support mismatch: +∞.
/// assert!(kl(&p, &Exponential::new(1.0).unwrap()).unwrap().is_infinite());
/// ```
pub fn kl<P: KlDivergence<Q>, Q: ?Sized>(p: &P, q: &Q) -> Result<KlResult> {
    p.kl(q)
}

/// `D(p‖q)` with options.
pub fn kl_with<P: KlDivergence<Q>, Q: ?Sized>(p: &P, q: &Q, opts: &KlOptions) -> Result<KlResult> {
    p.kl_with(q, opts)
}

/// `supp p ⊆ supp q` for intervals.
fn nested(p: (f64, f64), q: (f64, f64)) -> bool {
    p.0 >= q.0 && p.1 <= q.1
}

/// The closed form of `D(p‖q)` in nats for univariate continuous `p`, `q`, if the registry
/// has one: `+∞` on a support mismatch, the same-family formula, or `H(p, q) − H(p)` through
/// closed-form expectations.
///
/// ```
/// use kldiv::dist::{Beta, Uniform};
/// use kldiv::kl::closed_form_continuous;
/// // Uniform(0,1) against Beta(2,2): ln B(2,2) − E[ln X] − E[ln(1−X)] − 0 = ln(1/6) + 2.
/// let d = closed_form_continuous(&Uniform::new(0.0, 1.0).unwrap(), &Beta::new(2.0, 2.0).unwrap());
/// assert!((d.unwrap() - (2.0 - 6f64.ln())).abs() < 1e-14);
/// ```
pub fn closed_form_continuous(p: &dyn Continuous, q: &dyn Continuous) -> Option<f64> {
    if !nested(p.support(), q.support()) {
        return Some(f64::INFINITY);
    }
    if let Some(v) = p.kl_same(q) {
        return Some(v);
    }
    let ce = q.cross_entropy_from(p)?;
    if ce == f64::INFINITY {
        return Some(f64::INFINITY);
    }
    let h = p.entropy()?;
    let v = ce - h;
    if v.is_nan() { None } else { Some(v) }
}

/// The closed form of `D(p‖q)` in nats for discrete `p`, `q`, if the registry has one.
pub fn closed_form_discrete(p: &dyn Discrete, q: &dyn Discrete) -> Option<f64> {
    let (plo, phi) = p.support();
    let (qlo, qhi) = q.support();
    let inside = plo >= qlo
        && match (phi, qhi) {
            (_, None) => true,
            (Some(a), Some(b)) => a <= b,
            (None, Some(_)) => false,
        };
    if !inside {
        return Some(f64::INFINITY);
    }
    if let Some(v) = p.kl_same(q) {
        return Some(v);
    }
    if !p.entropy_is_closed_form() {
        return None;
    }
    let ce = q.cross_entropy_from(p)?;
    let v = ce - p.entropy();
    if v.is_nan() { None } else { Some(v) }
}

fn no_method(p: &str, q: &str, method: &'static str, reason: &str) -> Error {
    Error::NoMethod {
        p: p.to_string(),
        q: q.to_string(),
        method,
        reason: reason.to_string(),
    }
}

/// `D(p‖q)` for univariate continuous distributions (trait objects), honouring
/// `opts.method`.
pub fn kl_continuous(p: &dyn Continuous, q: &dyn Continuous, opts: &KlOptions) -> Result<KlResult> {
    let r = match opts.method {
        MethodChoice::Auto => match closed_form_continuous(p, q) {
            Some(v) => KlResult::nats(v, Method::ClosedForm, None),
            None => quadrature(p, q, &opts.quad)?,
        },
        MethodChoice::Closed => match closed_form_continuous(p, q) {
            Some(v) => KlResult::nats(v, Method::ClosedForm, None),
            None => {
                return Err(no_method(
                    &p.spec(),
                    &q.spec(),
                    "closed-form",
                    "no closed form is known for this pair (use auto, quad or mc)",
                ));
            }
        },
        MethodChoice::Quadrature => quadrature(p, q, &opts.quad)?,
        MethodChoice::MonteCarlo => monte_carlo_continuous(p, q, opts.samples, opts.seed)?,
        MethodChoice::Sum => {
            return Err(no_method(
                &p.spec(),
                &q.spec(),
                "sum",
                "exact sums are for discrete distributions",
            ));
        }
    };
    r.in_base(opts.base)
}

/// `D(p‖q)` for discrete distributions (trait objects), honouring `opts.method`.
pub fn kl_discrete(p: &dyn Discrete, q: &dyn Discrete, opts: &KlOptions) -> Result<KlResult> {
    let r = match opts.method {
        MethodChoice::Auto => match closed_form_discrete(p, q) {
            Some(v) => KlResult::nats(v, Method::ClosedForm, None),
            None => sum_discrete(p, q)?,
        },
        MethodChoice::Closed => match closed_form_discrete(p, q) {
            Some(v) => KlResult::nats(v, Method::ClosedForm, None),
            None => {
                return Err(no_method(
                    &p.spec(),
                    &q.spec(),
                    "closed-form",
                    "no closed form is known for this pair (use auto or sum)",
                ));
            }
        },
        MethodChoice::Sum | MethodChoice::Quadrature => sum_discrete(p, q)?,
        MethodChoice::MonteCarlo => fallback::monte_carlo_discrete(p, q, opts.samples, opts.seed)?,
    };
    r.in_base(opts.base)
}

/// `D(p‖q)` for multivariate distributions: closed forms for `MvNormal`–`MvNormal` and
/// `Dirichlet`–`Dirichlet`, Monte Carlo otherwise.
pub fn kl_multivariate(
    p: &dyn Multivariate,
    q: &dyn Multivariate,
    opts: &KlOptions,
) -> Result<KlResult> {
    if p.dim() != q.dim() {
        return Err(Error::DimensionMismatch {
            name: "q",
            expected: p.dim(),
            found: q.dim(),
        });
    }
    let closed = || -> Option<Result<f64>> {
        let (pa, qa) = (p.as_any(), q.as_any());
        if let (Some(a), Some(b)) = (pa.downcast_ref::<MvNormal>(), qa.downcast_ref::<MvNormal>()) {
            return Some(a.kl_mvnormal(b));
        }
        if let (Some(a), Some(b)) = (
            pa.downcast_ref::<Dirichlet>(),
            qa.downcast_ref::<Dirichlet>(),
        ) {
            return Some(a.kl_dirichlet(b));
        }
        if pa.is::<Dirichlet>() != qa.is::<Dirichlet>() {
            // The simplex has measure zero in ℝᵈ: P ≪ Q fails one way, densities are
            // incomparable the other way. Report +∞ when P lives on ℝᵈ.
            return if pa.is::<Dirichlet>() {
                None
            } else {
                Some(Ok(f64::INFINITY))
            };
        }
        None
    };
    let r = match opts.method {
        MethodChoice::Auto | MethodChoice::Closed => match closed() {
            Some(v) => KlResult::nats(v?, Method::ClosedForm, None),
            None if opts.method == MethodChoice::Auto => {
                monte_carlo_multivariate(p, q, opts.samples, opts.seed)?
            }
            None => {
                return Err(no_method(
                    &p.spec(),
                    &q.spec(),
                    "closed-form",
                    "no closed form is known for this pair (use auto or mc)",
                ));
            }
        },
        MethodChoice::MonteCarlo => monte_carlo_multivariate(p, q, opts.samples, opts.seed)?,
        MethodChoice::Quadrature | MethodChoice::Sum => {
            return Err(no_method(
                &p.spec(),
                &q.spec(),
                if opts.method == MethodChoice::Sum {
                    "sum"
                } else {
                    "quadrature"
                },
                "multivariate pairs use the closed form or Monte Carlo",
            ));
        }
    };
    r.in_base(opts.base)
}

/// `D(Πpᵢ ‖ Πqᵢ) = Σ D(pᵢ‖qᵢ)`.
pub fn kl_product(p: &Product, q: &Product, opts: &KlOptions) -> Result<KlResult> {
    let (pc, qc) = (p.components(), q.components());
    if pc.len() != qc.len() {
        return Err(Error::DimensionMismatch {
            name: "q",
            expected: pc.len(),
            found: qc.len(),
        });
    }
    let mut total = crate::sum::Neumaier::new();
    let mut err: Option<f64> = None;
    let mut method = Method::ClosedForm;
    let mut samples = None;
    let sub = KlOptions {
        base: Base::Nats,
        ..*opts
    };
    for (i, (a, b)) in pc.iter().zip(qc).enumerate() {
        let sub = KlOptions {
            seed: opts.seed.wrapping_add(i as u64),
            ..sub
        };
        let r = kl_any(a, b, &sub)?;
        total.add(r.value);
        if let Some(e) = r.error {
            err = Some(err.unwrap_or(0.0) + e);
        }
        if r.method.rank() > method.rank() {
            method = r.method;
        }
        samples = samples.or(r.samples);
    }
    let mut r = KlResult::nats(total.total(), method, err);
    r.samples = samples;
    if samples.is_some() {
        r.seed = Some(opts.seed);
    }
    r.in_base(opts.base)
}

/// `D(p‖q)` between two [`AnyDist`]s: the runtime table used by the CLI.
///
/// ```
/// use kldiv::kl::{kl_any, parse_spec, KlOptions};
/// let p = parse_spec("normal(mean=0, std=1)").unwrap();
/// let q = parse_spec("laplace(loc=0, scale=1)").unwrap();
/// let r = kl_any(&p, &q, &KlOptions::default()).unwrap();
/// assert_eq!(r.method.as_str(), "closed-form");
/// assert!(r.value > 0.0 && r.value < 0.1);
/// ```
pub fn kl_any(p: &AnyDist, q: &AnyDist, opts: &KlOptions) -> Result<KlResult> {
    if let (AnyDist::Product(a), AnyDist::Product(b)) = (p, q) {
        return kl_product(a, b, opts);
    }
    if let (Some(a), Some(b)) = (p.as_continuous(), q.as_continuous()) {
        return kl_continuous(a, b, opts);
    }
    if let (Some(a), Some(b)) = (p.as_discrete(), q.as_discrete()) {
        return kl_discrete(a, b, opts);
    }
    if let (Some(a), Some(b)) = (p.as_multivariate(), q.as_multivariate()) {
        return kl_multivariate(a, b, opts);
    }
    Err(no_method(
        &p.spec(),
        &q.spec(),
        "any",
        "the two distributions live on different spaces (continuous vs discrete, or univariate vs multivariate)",
    ))
}

// ----- static impls -----

macro_rules! kl_pairs {
    ($via:ident; [$($p:ty),*]; $qs:tt) => {
        $( kl_pairs!(@one $via; $p; $qs); )*
    };
    (@one $via:ident; $p:ty; [$($q:ty),*]) => {
        $(
            impl KlDivergence<$q> for $p {
                fn kl_with(&self, q: &$q, opts: &KlOptions) -> Result<KlResult> {
                    $via(self, q, opts)
                }
            }
        )*
    };
}

kl_pairs!(kl_continuous;
    [Normal, HalfNormal, LogNormal, Laplace, Cauchy, StudentT, Logistic, Gumbel, Exponential,
     Gamma, InverseGamma, Chi2, Chi, Beta, Uniform, Pareto, Weibull, VonMises, Mixture];
    [Normal, HalfNormal, LogNormal, Laplace, Cauchy, StudentT, Logistic, Gumbel, Exponential,
     Gamma, InverseGamma, Chi2, Chi, Beta, Uniform, Pareto, Weibull, VonMises, Mixture]);

kl_pairs!(kl_discrete;
    [Bernoulli, Binomial, Poisson, Geometric, NegativeBinomial, Categorical];
    [Bernoulli, Binomial, Poisson, Geometric, NegativeBinomial, Categorical]);

kl_pairs!(kl_multivariate; [MvNormal, Dirichlet, Product]; [MvNormal, Dirichlet]);
kl_pairs!(kl_multivariate; [MvNormal, Dirichlet]; [Product]);

impl KlDivergence for Product {
    fn kl_with(&self, q: &Product, opts: &KlOptions) -> Result<KlResult> {
        kl_product(self, q, opts)
    }
}

impl KlDivergence for AnyDist {
    fn kl_with(&self, q: &AnyDist, opts: &KlOptions) -> Result<KlResult> {
        kl_any(self, q, opts)
    }
}
