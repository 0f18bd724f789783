//! k-nearest-neighbour estimators of the KL divergence and of the differential entropy.

use super::digamma::digamma;
use super::duplicates::{self, Duplicates};
use super::engine::{Engine, Term, interval};
use super::neighbors::{Backend, Metric, ProgressFn, no_progress};
use super::points::{Points, validate_pair};
use super::result::{Bootstrap, Estimate, Method};
use crate::error::{Arg, Error, Result};
use crate::units::Base;

/// Which k-NN KL estimator.
///
/// With `ρ_k(i)` the distance from `x_i` to its `k`-th nearest neighbour among the other
/// points of the `p`-sample and `ν_l(i)` the distance to its `l`-th nearest neighbour in the
/// `q`-sample (`n` points in `ℝ^d` from `P`, `m` from `Q`):
///
/// | variant | estimate |
/// |---|---|
/// | `Plain` | `(d/n) Σ_i ln(ν_k(i)/ρ_k(i)) + ln(m/(n−1))` |
/// | `BiasCorrected { l }` | `(d/n) Σ_i ln(ν_l(i)/ρ_k(i)) + ψ(k) − ψ(l) + ln(m/(n−1))` |
/// | `Adaptive` | `(1/n) Σ_i [d ln(ν_{l_i}(i)/ρ_{k_i}(i)) + ψ(k_i) − ψ(l_i)] + ln(m/(n−1))` |
///
/// `ψ` is the digamma function. In the adaptive variant (Wang, Kulkarni & Verdú 2009, §IV)
/// `ε_i = max(ρ_k(i), ν_k(i))` and `k_i`, `l_i` are the numbers of `p`- and `q`-points within
/// `ε_i` of `x_i`, so that both balls have (almost) the same radius and the density ratio is
/// estimated over the same region, which removes most of the finite-`n` bias where the
/// densities differ strongly. `Plain` is `BiasCorrected { l: k }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Variant {
    /// The same `k` in both samples. The default.
    #[default]
    Plain,
    /// `k` neighbours in `p`, `l` in `q`, with the digamma correction `ψ(k) − ψ(l)`.
    BiasCorrected {
        /// Neighbour order in the `q`-sample, `≥ 1`.
        l: usize,
    },
    /// Per-point orders `k_i`, `l_i` chosen from the common radius `max(ρ_k, ν_k)`.
    Adaptive,
}

/// Options of the k-NN estimators. Build with the setters:
///
/// ```
/// use kldiv::estimate::{Bootstrap, KnnOptions, Metric, Variant};
/// let opts = KnnOptions::default()
///     .k(3)
///     .metric(Metric::Chebyshev)
///     .variant(Variant::BiasCorrected { l: 5 })
///     .bootstrap(Bootstrap { replicates: 500, seed: 42, ..Bootstrap::default() });
/// assert_eq!(opts.k, 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KnnOptions {
    /// Neighbour order `k ≥ 1` in the `p`-sample (and in `q` for `Plain` and `Adaptive`).
    /// Default 5: larger `k` lowers the variance and raises the bias.
    pub k: usize,
    /// Which estimator (ignored by the entropy estimator).
    pub variant: Variant,
    /// Distance.
    pub metric: Metric,
    /// Duplicate-point policy.
    pub duplicates: Duplicates,
    /// Neighbour-search backend.
    pub backend: Backend,
    /// Unit of the result.
    pub base: Base,
    /// Bootstrap interval and standard error, if wanted.
    pub bootstrap: Option<Bootstrap>,
}

impl Default for KnnOptions {
    fn default() -> Self {
        KnnOptions {
            k: 5,
            variant: Variant::Plain,
            metric: Metric::Euclidean,
            duplicates: Duplicates::Error,
            backend: Backend::Auto,
            base: Base::Nats,
            bootstrap: None,
        }
    }
}

impl KnnOptions {
    /// Sets `k`.
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }
    /// Sets the variant.
    pub fn variant(mut self, variant: Variant) -> Self {
        self.variant = variant;
        self
    }
    /// Sets the metric.
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }
    /// Sets the duplicate policy.
    pub fn duplicates(mut self, duplicates: Duplicates) -> Self {
        self.duplicates = duplicates;
        self
    }
    /// Sets the search backend.
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }
    /// Sets the unit.
    pub fn base(mut self, base: Base) -> Self {
        self.base = base;
        self
    }
    /// Asks for a bootstrap interval.
    pub fn bootstrap(mut self, bootstrap: Bootstrap) -> Self {
        self.bootstrap = Some(bootstrap);
        self
    }

    fn validate(&self) -> Result<()> {
        self.base.validate()?;
        self.duplicates.validate()?;
        if self.k == 0 {
            return Err(Error::InvalidParameter {
                name: "k",
                value: 0.0,
                reason: "the neighbour order k must be >= 1",
            });
        }
        if let Variant::BiasCorrected { l: 0 } = self.variant {
            return Err(Error::InvalidParameter {
                name: "l",
                value: 0.0,
                reason: "the neighbour order l must be >= 1",
            });
        }
        if let Some(b) = &self.bootstrap {
            b.validate()?;
        }
        Ok(())
    }
}

/// List widths: the orders needed, plus room for the bootstrap's weighted walks (copies not
/// drawn) and the jackknife's `(k+1)`-th neighbour.
fn width(order: usize, opts: &KnnOptions) -> usize {
    match (opts.bootstrap.is_some(), opts.variant) {
        (_, Variant::Adaptive) | (true, _) => 2 * order + 10,
        (false, _) => order,
    }
}

/// The k-NN estimate of `D(P‖Q)` from a sample `x` of `P` and a sample `y` of `Q` (see
/// [`Variant`] for the formulas). Same as [`kl_knn_with_progress`] without a callback.
///
/// Consistent (converges to `D(P‖Q)` as `n, m → ∞` with `k` fixed) for densities satisfying
/// mild regularity conditions, but biased at finite `n`; the estimate can be negative. The
/// value is in `opts.base`; `method`, `k`, `l`, `n`, `m` and (with a bootstrap) the standard
/// error, interval and seed are reported.
///
/// # Errors
/// * [`Error::Shape`], [`Error::Empty`], [`Error::NotFinitePoint`] (naming sample, row and
///   column), [`Error::SampleDimensionMismatch`];
/// * [`Error::TooFewPoints`] if `n ≤ k` or `m < l` (`m ≤ l` under [`Duplicates::Dedup`]);
/// * [`Error::DuplicatePoints`] under [`Duplicates::Error`] (the default) if a point repeats;
/// * [`Error::InvalidParameter`] for `k = 0`, `l = 0`, a bad jitter scale, bootstrap spec or
///   base.
///
/// ```
/// use kldiv::estimate::{kl_knn, KnnOptions, Points};
/// // 1-D, k = 1: x = {0, 1, 3}, y = {0.5, 4}.
/// let x = [0.0, 1.0, 3.0];
/// let y = [0.5, 4.0];
/// let d = kl_knn(Points::new(&x, 1), Points::new(&y, 1), &KnnOptions::default().k(1)).unwrap();
/// // ρ = (1, 1, 2), ν = (0.5, 0.5, 1): (1/3)·3·ln(1/2) + ln(2/2) = −ln 2.
/// assert!((d.value + std::f64::consts::LN_2).abs() < 1e-15);
/// assert_eq!(d.method.name(), "knn");
/// ```
pub fn kl_knn(x: Points<'_>, y: Points<'_>, opts: &KnnOptions) -> Result<Estimate> {
    kl_knn_with_progress(x, y, opts, &no_progress)
}

/// [`kl_knn`] with a progress callback (see [`super::neighbors`] for why it is `Fn + Sync`).
pub fn kl_knn_with_progress(
    x: Points<'_>,
    y: Points<'_>,
    opts: &KnnOptions,
    progress: &ProgressFn<'_>,
) -> Result<Estimate> {
    opts.validate()?;
    validate_pair(&x, &y)?;
    let k = opts.k;
    let (l, term, method) = match opts.variant {
        Variant::Plain => (k, Term::Fixed { k, l: k }, Method::Knn),
        Variant::BiasCorrected { l } => (l, Term::Fixed { k, l }, Method::KnnBiasCorrected),
        Variant::Adaptive => (k, Term::Adaptive { k }, Method::KnnAdaptive),
    };
    // Sizes are checked before the duplicate scan so that n ≤ k is reported as such.
    let dedup = opts.duplicates == Duplicates::Dedup;
    check_sizes(x.len(), y.len(), k, l, dedup)?;
    let clean = duplicates::apply(x, Some(y), opts.duplicates)?;
    let d = x.dim();
    let xc = Points::new(&clean.x, d);
    let yc = Points::new(clean.y.as_deref().unwrap_or(&[]), d);
    let (n, m) = (xc.len(), yc.len());
    check_sizes(n, m, k, l, dedup)?;
    let engine = Engine::new(
        xc,
        Some(yc),
        opts.metric,
        term,
        dedup,
        width(k, opts),
        width(l, opts),
        opts.backend,
        progress,
    )?;
    let shift = match term {
        Term::Fixed { k, l } if k != l => digamma(k as f64) - digamma(l as f64),
        _ => 0.0,
    };
    let finish =
        move |mean: f64, n: usize, m: usize| mean + shift + (m as f64 / (n as f64 - 1.0)).ln();
    let nats = finish(engine.mean_term_unit(), n, m);
    finalize(
        nats,
        &engine,
        opts,
        &finish,
        progress,
        method,
        (k, l, n, m),
        clean.report,
    )
}

fn check_sizes(n: usize, m: usize, k: usize, l: usize, dedup: bool) -> Result<()> {
    if n <= k {
        return Err(Error::TooFewPoints {
            arg: Arg::P,
            n,
            k,
            needed: k + 1,
        });
    }
    let need_m = l + usize::from(dedup);
    if m < need_m {
        return Err(Error::TooFewPoints {
            arg: Arg::Q,
            n: m,
            k: l,
            needed: need_m,
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn finalize(
    nats: f64,
    engine: &Engine<'_>,
    opts: &KnnOptions,
    finish: &(dyn Fn(f64, usize, usize) -> f64 + Sync),
    progress: &ProgressFn<'_>,
    method: Method,
    (k, l, n, m): (usize, usize, usize, usize),
    report: duplicates::DuplicateReport,
) -> Result<Estimate> {
    if !nats.is_finite() {
        // Unreachable after the duplicate policy; never let a ±∞/NaN through silently.
        return Err(Error::InvalidParameter {
            name: "estimate",
            value: nats,
            reason: "a neighbour distance was zero; use a duplicate policy (dedup or jitter)",
        });
    }
    let ln_b = opts.base.ln_base()?;
    let (std_error, interval_, seed) = match &opts.bootstrap {
        Some(spec) => {
            let (se, mut ci) = interval(engine, nats, spec, finish, progress)?;
            ci.lower /= ln_b;
            ci.upper /= ln_b;
            (Some(se / ln_b), Some(ci), Some(spec.seed))
        }
        None => (None, None, None),
    };
    let seed = seed.or(match report.policy {
        Duplicates::Jitter { seed, .. } => Some(seed),
        _ => None,
    });
    Ok(Estimate {
        value: nats / ln_b,
        unit: opts.base,
        method,
        k,
        l,
        metric: Some(opts.metric),
        n,
        m,
        dim: engine.dim(),
        std_error,
        interval: interval_,
        seed,
        duplicates: report,
        bins: 0,
    })
}

/// The Kozachenko–Leonenko estimate of the differential entropy `h(P) = −∫ p ln p` from a
/// sample `x` of `P` (`n` points in `ℝ^d`):
///
/// ```text
/// ĥ = ψ(n) − ψ(k) + ln V_d + (d/n) Σ_i ln ρ_k(i)
/// ```
///
/// with `V_d` the volume of the unit ball of the metric ([`Metric::ln_unit_ball_volume`]) and
/// `ρ_k(i)` the distance from `x_i` to its `k`-th nearest neighbour. `opts.variant` is ignored.
/// Unit: `opts.base` (a differential entropy can be negative). Errors as [`kl_knn`].
///
/// ```
/// use kldiv::estimate::{entropy_knn, KnnOptions, Points};
/// // Two points at distance 2 in 1-D, k = 1: ψ(2) − ψ(1) + ln 2 + ln 2 = 1 + 2 ln 2.
/// let h = entropy_knn(Points::new(&[0.0, 2.0], 1), &KnnOptions::default().k(1)).unwrap();
/// assert!((h.value - (1.0 + 2.0 * std::f64::consts::LN_2)).abs() < 1e-15);
/// ```
pub fn entropy_knn(x: Points<'_>, opts: &KnnOptions) -> Result<Estimate> {
    entropy_knn_with_progress(x, opts, &no_progress)
}

/// [`entropy_knn`] with a progress callback.
pub fn entropy_knn_with_progress(
    x: Points<'_>,
    opts: &KnnOptions,
    progress: &ProgressFn<'_>,
) -> Result<Estimate> {
    opts.validate()?;
    x.validate(Arg::P)?;
    let k = opts.k;
    if x.len() <= k {
        return Err(Error::TooFewPoints {
            arg: Arg::P,
            n: x.len(),
            k,
            needed: k + 1,
        });
    }
    let clean = duplicates::apply(x, None, opts.duplicates)?;
    let d = x.dim();
    let xc = Points::new(&clean.x, d);
    let n = xc.len();
    if n <= k {
        return Err(Error::TooFewPoints {
            arg: Arg::P,
            n,
            k,
            needed: k + 1,
        });
    }
    let plain = KnnOptions {
        variant: Variant::Plain,
        ..*opts
    };
    let engine = Engine::new(
        xc,
        None,
        opts.metric,
        Term::Entropy { k },
        false,
        width(k, &plain),
        0,
        opts.backend,
        progress,
    )?;
    let ln_v = opts.metric.ln_unit_ball_volume(d);
    let psi_k = digamma(k as f64);
    let finish = move |mean: f64, n: usize, _m: usize| mean + digamma(n as f64) - psi_k + ln_v;
    let nats = finish(engine.mean_term_unit(), n, 0);
    finalize(
        nats,
        &engine,
        &plain,
        &finish,
        progress,
        Method::KozachenkoLeonenko,
        (k, 0, n, 0),
        clean.report,
    )
}
