//! Forward-KL fitting: `argmin_q D(p‖q)` over Gaussians is moment matching.

use super::{Direction, Family, Fit, FitMethod, GaussianQ, Target, kl_both};
use crate::error::{Error, Result};
use crate::sum::Neumaier;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Options of [`fit_forward`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForwardOptions {
    /// Covariance structure of `q` (default full-rank; mean-field keeps the marginal variances).
    pub family: Family,
    /// Draws for sample moments when the exact ones are unknown (default 100 000).
    pub samples: usize,
    /// Seed of those draws and of Monte Carlo KL reports (default 0).
    pub seed: u64,
    /// Draws for Monte Carlo KL reports (default 100 000).
    pub kl_samples: usize,
}

impl Default for ForwardOptions {
    fn default() -> Self {
        ForwardOptions {
            family: Family::FullRank,
            samples: 100_000,
            seed: 0,
            kl_samples: 100_000,
        }
    }
}

/// The Gaussian `q` minimising `D(p‖q)`.
///
/// `D(p‖q) = −H(p) − E_p[ln q(X)]`, and for `q = N(μ, Σ)`
/// `−E_p[ln q] = ½ ln det(2πΣ) + ½ tr(Σ⁻¹ Cov_p) + ½ (E_p X − μ)ᵀ Σ⁻¹ (E_p X − μ)`,
/// minimised by `μ = E_p[X]`, `Σ = Cov_p[X]` (over diagonal `Σ`: the marginal variances).
/// Uses [`Target::moments`] when known ([`FitMethod::ExactMoments`]), else the sample mean and
/// unbiased sample covariance of `samples` seeded draws ([`FitMethod::SampleMoments`]).
///
/// Errors: [`Error::UnsupportedTarget`] if the target has neither known moments nor a sampler,
/// or no finite variance ([`Target::has_finite_covariance`]); [`Error::NotPositiveDefinite`] for a degenerate covariance.
///
/// ```
/// use kldiv::kl::parse_spec;
/// use kldiv::variational::{fit_forward, DistTarget, ForwardOptions};
/// let p = DistTarget::new(parse_spec("gamma(shape=2, rate=1)").unwrap()).unwrap();
/// let f = fit_forward(&p, &ForwardOptions::default()).unwrap();
/// assert_eq!(f.q.mean(), &[2.0]);
/// assert_eq!(f.q.std(), vec![2f64.sqrt()]);
/// // D(q‖p) = +∞: the Gaussian puts mass on x < 0, where the gamma has none.
/// assert!(f.kl.reverse.unwrap().is_infinite());
/// ```
pub fn fit_forward(target: &dyn Target, opts: &ForwardOptions) -> Result<Fit> {
    if !target.has_finite_covariance() {
        return Err(Error::UnsupportedTarget {
            target: target.describe(),
            reason: "the target has no finite variance: D(p‖q) = +inf for every Gaussian q",
        });
    }
    let (mean, cov, method) = match target.moments() {
        Some((m, c)) => (m, c, FitMethod::ExactMoments),
        None => {
            let (m, c) = sample_moments(target, opts.samples, opts.seed)?;
            (
                m,
                c,
                FitMethod::SampleMoments {
                    samples: opts.samples,
                    seed: opts.seed,
                },
            )
        }
    };
    if mean
        .iter()
        .chain(cov.iter().flatten())
        .any(|v| !v.is_finite())
    {
        return Err(Error::UnsupportedTarget {
            target: target.describe(),
            reason: "the target has no finite mean and covariance to match",
        });
    }
    let family = if target.dim() == 1 {
        Family::MeanField
    } else {
        opts.family
    };
    let q = GaussianQ::from_moments(&mean, &cov, family)?;
    let kl = kl_both(target, &q, opts.kl_samples, opts.seed)?;
    Ok(Fit {
        direction: Direction::Forward,
        q,
        method,
        kl,
        iterations: 0,
        converged: true,
        trace: Vec::new(),
    })
}

/// Sample mean and unbiased covariance of `n` seeded draws (two passes, compensated sums).
fn sample_moments(target: &dyn Target, n: usize, seed: u64) -> Result<(Vec<f64>, Vec<Vec<f64>>)> {
    let d = target.dim();
    if n < 2 {
        return Err(Error::InvalidParameter {
            name: "samples",
            value: n as f64,
            reason: "sample moments need at least 2 draws",
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut xs = vec![0.0; n * d];
    for row in xs.chunks_mut(d.max(1)) {
        if !target.sample_into(&mut rng, row) {
            return Err(Error::UnsupportedTarget {
                target: target.describe(),
                reason: "forward fitting needs the target's moments or a way to sample it",
            });
        }
    }
    let mean: Vec<f64> = (0..d)
        .map(|j| {
            let mut s = Neumaier::new();
            for row in xs.chunks(d) {
                s.add(row[j]);
            }
            s.total() / n as f64
        })
        .collect();
    let mut cov = vec![vec![0.0; d]; d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = Neumaier::new();
            for row in xs.chunks(d) {
                s.add((row[i] - mean[i]) * (row[j] - mean[j]));
            }
            cov[i][j] = s.total() / (n as f64 - 1.0);
            cov[j][i] = cov[i][j];
        }
    }
    Ok((mean, cov))
}
