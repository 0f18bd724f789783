//! The KL divergence between a target `p` and a fitted Gaussian `q`, in both directions.

use super::{GaussianQ, Target};
use crate::error::Result;
use crate::kl::{KlOptions, KlResult, Method, kl_continuous};
use crate::sum::Neumaier;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `D(p‖q)` (forward) and `D(q‖p)` (reverse) at a fit; `None` where the target's density is not
/// normalised (a user log-density), or the forward direction for a target that cannot be
/// sampled and has no quadrature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KlPair {
    /// `D(p‖q)`.
    pub forward: Option<KlResult>,
    /// `D(q‖p)`.
    pub reverse: Option<KlResult>,
}

/// Both divergences between `target` and `q`, each by the most exact method available:
///
/// * univariate continuous targets: [`kl_continuous`] (closed form, else adaptive
///   Gauss–Kronrod quadrature with its error estimate);
/// * a multivariate normal target: the closed form;
/// * otherwise Monte Carlo with `samples` draws (seed `seed` for `D(p‖q)`, `seed + 1` for
///   `D(q‖p)`), `mean(ln p − ln q)` under `p` and `mean(ln q − ln p)` under `q`, with standard
///   errors.
///
/// ```
/// use kldiv::kl::{parse_spec, Method};
/// use kldiv::variational::{kl_both, DistTarget, GaussianQ};
/// let p = DistTarget::new(parse_spec("normal(0, 1)").unwrap()).unwrap();
/// let q = GaussianQ::normal(1.0, 2.0).unwrap();
/// let k = kl_both(&p, &q, 1000, 0).unwrap();
/// assert_eq!(k.forward.unwrap().method, Method::ClosedForm);
/// assert!((k.forward.unwrap().value - (2f64.ln() - 0.25)).abs() < 1e-15);
/// ```
pub fn kl_both(target: &dyn Target, q: &GaussianQ, samples: usize, seed: u64) -> Result<KlPair> {
    if !target.is_normalized() {
        return Ok(KlPair {
            forward: None,
            reverse: None,
        });
    }
    let opts = KlOptions::default();
    if let (Some(p), 1) = (target.as_continuous(), q.dim()) {
        let qn = q.to_normal()?;
        return Ok(KlPair {
            forward: Some(kl_continuous(p, &qn, &opts)?),
            reverse: Some(kl_continuous(&qn, p, &opts)?),
        });
    }
    if let Some(p) = target.as_mvnormal() {
        let qm = q.to_mvnormal()?;
        return Ok(KlPair {
            forward: Some(KlResult::nats(
                p.kl_mvnormal(&qm)?,
                Method::ClosedForm,
                None,
            )),
            reverse: Some(KlResult::nats(qm.kl_mvnormal(p)?, Method::ClosedForm, None)),
        });
    }
    let n = samples.max(2);
    let d = q.dim();
    let mut x = vec![0.0; d];
    // Forward: draws from p.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut lr = Vec::with_capacity(n);
    let mut samplable = true;
    for _ in 0..n {
        if !target.sample_into(&mut rng, &mut x) {
            samplable = false;
            break;
        }
        lr.push(target.ln_density(&x) - q.ln_pdf(&x));
    }
    let forward = samplable.then(|| mc(&lr, n, seed));
    // Reverse: draws from q.
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let mut eps = vec![0.0; d];
    lr.clear();
    for _ in 0..n {
        for e in eps.iter_mut() {
            *e = crate::dist::std_normal(&mut rng);
        }
        q.transform(&eps, &mut x);
        lr.push(q.ln_pdf(&x) - target.ln_density(&x));
    }
    let reverse = Some(mc(&lr, n, seed.wrapping_add(1)));
    Ok(KlPair { forward, reverse })
}

/// Mean and standard error of `v` as a Monte Carlo [`KlResult`].
fn mc(v: &[f64], n: usize, seed: u64) -> KlResult {
    let (m, se) = mean_se(v);
    let mut r = KlResult::nats(m, Method::MonteCarlo, Some(se));
    r.samples = Some(n);
    r.seed = Some(seed);
    r
}

/// `(mean, standard error)` of `v` (compensated sums; `+∞` values give `+∞`).
pub(crate) fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mut s = Neumaier::new();
    for &x in v {
        s.add(x);
    }
    let m = s.total() / n;
    if !m.is_finite() {
        return (m, 0.0);
    }
    let mut ss = Neumaier::new();
    for &x in v {
        ss.add((x - m) * (x - m));
    }
    (m, (ss.total() / (n - 1.0).max(1.0) / n).sqrt())
}
