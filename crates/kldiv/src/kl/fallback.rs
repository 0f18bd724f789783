//! Numeric fallbacks: quadrature (univariate continuous), exact sums (discrete), Monte Carlo
//! (anything with a density), each returning value + method + error estimate.

use super::{KlResult, Method, nested};
use crate::dist::{Continuous, Discrete, Multivariate};
use crate::error::{Error, Result};
use crate::quad::{QuadOptions, integrate};
use crate::sum::Neumaier;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `D(p‖q)` in nats by adaptive Gauss–Kronrod quadrature of `p(x) ln(p(x)/q(x))` over the
/// support of `p`, cut at the landmarks (modes, locations) of both and at the support ends of
/// `q` inside it; half-lines are mapped to `[0, 1)` with the scale of `p`.
///
/// `+∞` (error 0) when `supp p ⊄ supp q` or where the integrand is `+∞`. The error is the
/// quadrature's estimate (QUADPACK's rescaled `|K15 − G7|`, summed). Errors: a NaN integrand,
/// or no convergence with an error estimate above `1e-3·max(1, |value|)` ([`Error::NoMethod`]).
///
/// Limitation: when `p` has an integrable singularity at a finite support end (a Beta with
/// `α < 1` or `β < 1`), the part of the integral within ~1e-15 of that end cannot be resolved
/// by `f64` nodes (`1 − x` rounds); it is of order `1e-11`–`1e-10` and is not included in the
/// error estimate.
///
/// ```
/// use kldiv::dist::{Normal, StudentT};
/// use kldiv::kl::quadrature;
/// use kldiv::quad::QuadOptions;
/// let p = Normal::new(0.0, 1.0).unwrap();
/// let q = Normal::new(1.0, 2.0).unwrap();
/// let r = quadrature(&p, &q, &QuadOptions::default()).unwrap();
/// assert!((r.value - (2f64.ln() - 0.25)).abs() < 1e-12);
/// assert!(r.error.unwrap() < 1e-11);
/// ```
pub fn quadrature(p: &dyn Continuous, q: &dyn Continuous, opts: &QuadOptions) -> Result<KlResult> {
    let (lo, hi) = p.support();
    if !nested((lo, hi), q.support()) {
        return Ok(KlResult::nats(f64::INFINITY, Method::Quadrature, Some(0.0)));
    }
    let mut breaks = p.landmarks();
    breaks.extend(q.landmarks());
    let (qlo, qhi) = q.support();
    breaks.push(qlo);
    breaks.push(qhi);
    let f = |x: f64| {
        let lp = p.ln_pdf(x);
        // Outside supp p, or at an integrable singularity of p hit in floating point
        // (Beta(α < 1) at a node that rounded to the support end): no contribution.
        if lp.is_infinite() {
            return 0.0;
        }
        let px = lp.exp();
        if px == 0.0 {
            return 0.0;
        }
        let lq = q.ln_pdf(x);
        if lq == f64::NEG_INFINITY {
            // supp p ⊆ supp q was checked: q underflowed where p has (non-negligible) mass.
            return f64::INFINITY;
        }
        let d = lp - lq;
        if d == 0.0 { 0.0 } else { px * d }
    };
    let r = integrate(f, lo, hi, &breaks, p.scale_hint(), opts);
    if r.value.is_nan() {
        return Err(Error::NoMethod {
            p: p.spec(),
            q: q.spec(),
            method: "quadrature",
            reason: "the integrand was NaN".to_string(),
        });
    }
    if !r.converged && r.error > 1e-3 * r.value.abs().max(1.0) {
        return Err(Error::NoMethod {
            p: p.spec(),
            q: q.spec(),
            method: "quadrature",
            reason: format!(
                "did not converge (value {} ± {}); try --method mc",
                r.value, r.error
            ),
        });
    }
    Ok(KlResult::nats(r.value, Method::Quadrature, Some(r.error)))
}

/// `D(p‖q)` in nats by an exact, compensated sum of `p(k) ln(p(k)/q(k))` over the support of
/// `p`: all of it when finite (up to 10⁷ outcomes), otherwise the window
/// `mean ± (40 sd + 50)`, outside which a light-tailed `p` has less than `1e-17` of its mass.
///
/// The error estimate is `n·ε·Σ|terms| + m·max(1, |ln(p/q)|)` at the window's ends, where
/// `m = |1 − Σ p(k)|` is the mass not summed (up to rounding). `+∞` as soon as `p(k) > 0 = q(k)`.
///
/// ```
/// use kldiv::dist::{Poisson, Binomial};
/// use kldiv::kl::sum_discrete;
/// let p = Binomial::new(5, 0.3).unwrap();
/// let q = Poisson::new(1.5).unwrap();
/// let r = sum_discrete(&p, &q).unwrap();
/// assert!(r.value > 0.0 && r.error.unwrap() < 1e-13);
/// ```
pub fn sum_discrete(p: &dyn Discrete, q: &dyn Discrete) -> Result<KlResult> {
    let (plo, phi) = p.support();
    let (lo, hi) = match phi {
        Some(h) if h - plo <= 10_000_000 => (plo, h),
        _ => crate::dist::mass_window(p),
    };
    let mut s = Neumaier::new();
    let mut abs = 0.0;
    let mut mass = Neumaier::new();
    let mut end_ratio: f64 = 1.0;
    for k in lo..=hi {
        let lp = p.ln_pmf(k);
        if lp == f64::NEG_INFINITY {
            continue;
        }
        let lq = q.ln_pmf(k);
        if lq == f64::NEG_INFINITY {
            return Ok(KlResult::nats(f64::INFINITY, Method::Sum, Some(0.0)));
        }
        let pk = lp.exp();
        let t = pk * (lp - lq);
        s.add(t);
        abs += t.abs();
        mass.add(pk);
        if k == lo || k == hi {
            end_ratio = end_ratio.max((lp - lq).abs());
        }
    }
    let n = (hi - lo + 1) as f64;
    let missing = (1.0 - mass.total()).abs();
    let err = n * f64::EPSILON * abs + missing * end_ratio;
    Ok(KlResult::nats(s.total(), Method::Sum, Some(err)))
}

/// Mean and standard error of a sample, plus the control-variate (k3-style) estimate.
///
/// `lr[i] = ln p(xᵢ) − ln q(xᵢ)`, `r[i] = q(xᵢ)/p(xᵢ)` with `E_p[r] = 1` when the supports
/// are equal. Returns `(value, standard error)`.
fn estimate(lr: &[f64], r: Option<&[f64]>) -> (f64, f64) {
    let n = lr.len() as f64;
    let mean = |v: &[f64]| {
        let mut s = Neumaier::new();
        for &x in v {
            s.add(x);
        }
        s.total() / n
    };
    let m1 = mean(lr);
    let var1 = lr.iter().map(|x| (x - m1) * (x - m1)).sum::<f64>() / (n - 1.0);
    let se1 = (var1 / n).sqrt();
    let Some(r) = r else {
        return (m1, se1);
    };
    if r.iter().any(|x| !x.is_finite()) {
        return (m1, se1);
    }
    // Optimal coefficient β = −Cov(lr, r)/Var(r); β = 1 is the k3 estimator (r − 1) − ln r.
    let mr = mean(r);
    let cov = lr
        .iter()
        .zip(r)
        .map(|(a, b)| (a - m1) * (b - mr))
        .sum::<f64>()
        / (n - 1.0);
    let varr = r.iter().map(|b| (b - mr) * (b - mr)).sum::<f64>() / (n - 1.0);
    if varr.is_nan() || varr <= 0.0 {
        return (m1, se1);
    }
    // The control variate is only trustworthy when r has a usable variance: if one draw
    // carries more than 1% of Σ(r − r̄)², q/p is heavy-tailed under p (q has heavier tails)
    // and the plain estimate is kept.
    let max_dev = r.iter().map(|b| (b - mr) * (b - mr)).fold(0.0, f64::max);
    if max_dev > 0.01 * varr * (n - 1.0) {
        return (m1, se1);
    }
    let beta = -cov / varr;
    let adj: Vec<f64> = lr
        .iter()
        .zip(r)
        .map(|(a, b)| a + beta * (b - 1.0))
        .collect();
    let m2 = mean(&adj);
    let var2 = adj.iter().map(|x| (x - m2) * (x - m2)).sum::<f64>() / (n - 1.0);
    let se2 = (var2 / n).sqrt();
    if se2 < se1 { (m2, se2) } else { (m1, se1) }
}

fn check_samples(n: usize) -> Result<()> {
    if n < 2 {
        return Err(Error::InvalidParameter {
            name: "samples",
            value: n as f64,
            reason: "Monte Carlo needs at least 2 samples",
        });
    }
    Ok(())
}

fn mc_result(lr: &[f64], r: Option<&[f64]>, n: usize, seed: u64) -> KlResult {
    let (v, se) = estimate(lr, r);
    let mut res = KlResult::nats(v, Method::MonteCarlo, Some(se));
    res.samples = Some(n);
    res.seed = Some(seed);
    res
}

/// `D(p‖q)` in nats by Monte Carlo with `n` draws from `p` (ChaCha8 seeded with `seed`):
/// the mean of `ln p(X) − ln q(X)` with its standard error; when `p` and `q` have the same
/// support, the control variate `r − 1`, `r = q(X)/p(X)` (`E_p[r] = 1`; coefficient 1 is
/// Schulman's k3 estimator, here the variance-optimal coefficient) is used if it lowers the
/// standard error. `+∞` when a draw has `q = 0`.
///
/// ```
/// use kldiv::dist::Normal;
/// use kldiv::kl::monte_carlo_continuous;
/// let p = Normal::new(0.0, 1.0).unwrap();
/// let q = Normal::new(0.5, 1.0).unwrap();
/// let r = monte_carlo_continuous(&p, &q, 100_000, 7).unwrap();
/// assert!((r.value - 0.125).abs() < 4.0 * r.error.unwrap());
/// ```
pub fn monte_carlo_continuous(
    p: &dyn Continuous,
    q: &dyn Continuous,
    n: usize,
    seed: u64,
) -> Result<KlResult> {
    check_samples(n)?;
    if !nested(p.support(), q.support()) {
        let mut r = mc_result(&[0.0, 0.0], None, n, seed);
        r.value = f64::INFINITY;
        r.error = Some(0.0);
        return Ok(r);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut lr = Vec::with_capacity(n);
    let mut ratio = Vec::with_capacity(n);
    for _ in 0..n {
        let x = p.sample_one(&mut rng);
        let lp = p.ln_pdf(x);
        let lq = q.ln_pdf(x);
        if lq == f64::NEG_INFINITY && lp > f64::NEG_INFINITY {
            let mut r = mc_result(&[0.0, 0.0], None, n, seed);
            r.value = f64::INFINITY;
            r.error = Some(0.0);
            return Ok(r);
        }
        lr.push(lp - lq);
        ratio.push((lq - lp).exp());
    }
    let same_support = p.support() == q.support();
    Ok(mc_result(&lr, same_support.then_some(&ratio[..]), n, seed))
}

/// Monte Carlo for discrete pairs (as [`monte_carlo_continuous`]).
pub fn monte_carlo_discrete(
    p: &dyn Discrete,
    q: &dyn Discrete,
    n: usize,
    seed: u64,
) -> Result<KlResult> {
    check_samples(n)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut lr = Vec::with_capacity(n);
    let mut ratio = Vec::with_capacity(n);
    for _ in 0..n {
        let k = p.sample_one(&mut rng);
        let lp = p.ln_pmf(k);
        let lq = q.ln_pmf(k);
        if lq == f64::NEG_INFINITY {
            let mut r = mc_result(&[0.0, 0.0], None, n, seed);
            r.value = f64::INFINITY;
            r.error = Some(0.0);
            return Ok(r);
        }
        lr.push(lp - lq);
        ratio.push((lq - lp).exp());
    }
    let same_support = p.support() == q.support();
    Ok(mc_result(&lr, same_support.then_some(&ratio[..]), n, seed))
}

/// Monte Carlo for multivariate pairs (as [`monte_carlo_continuous`]; the control variate is
/// used when both are multivariate normals or both Dirichlet, whose supports coincide).
///
/// ```
/// use kldiv::dist::MvNormal;
/// use kldiv::kl::monte_carlo_multivariate;
/// let p = MvNormal::from_diagonal(vec![0.0, 0.0], &[1.0, 2.0]).unwrap();
/// let q = MvNormal::from_diagonal(vec![0.5, 0.0], &[1.0, 1.0]).unwrap();
/// let exact = p.kl_mvnormal(&q).unwrap();
/// let r = monte_carlo_multivariate(&p, &q, 100_000, 1).unwrap();
/// assert!((r.value - exact).abs() < 4.0 * r.error.unwrap());
/// ```
pub fn monte_carlo_multivariate(
    p: &dyn Multivariate,
    q: &dyn Multivariate,
    n: usize,
    seed: u64,
) -> Result<KlResult> {
    check_samples(n)?;
    let d = p.dim();
    if q.dim() != d {
        return Err(Error::DimensionMismatch {
            name: "q",
            expected: d,
            found: q.dim(),
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = vec![0.0; d];
    let mut lr = Vec::with_capacity(n);
    let mut ratio = Vec::with_capacity(n);
    for _ in 0..n {
        p.sample_into(&mut rng, &mut x);
        let lp = p.ln_pdf(&x);
        let lq = q.ln_pdf(&x);
        if lq == f64::NEG_INFINITY && lp > f64::NEG_INFINITY {
            let mut r = mc_result(&[0.0, 0.0], None, n, seed);
            r.value = f64::INFINITY;
            r.error = Some(0.0);
            return Ok(r);
        }
        lr.push(lp - lq);
        ratio.push((lq - lp).exp());
    }
    let same = p.family() == q.family() && (p.family() == "mvnormal" || p.family() == "dirichlet");
    Ok(mc_result(&lr, same.then_some(&ratio[..]), n, seed))
}
