//! Reverse-KL fitting: `argmin_q D(q‖p) = argmax_q E_q[ln p(X)] + H(q)` (mode seeking).

use super::{
    Adam, Direction, Family, Fit, FitMethod, GaussianQ, Progress, Schedule, Target, ViOptions,
    advi, gauss_hermite, kl_both,
};
use crate::error::{Error, Result};
use std::f64::consts::{PI, SQRT_2};
use std::ops::ControlFlow;

/// Options of [`fit_reverse`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReverseOptions {
    /// Covariance structure of `q` in `d ≥ 2` (default full-rank).
    pub family: Family,
    /// Starting point. Default: a Gaussian at the target's highest-density candidate mode
    /// ([`Target::modes`]) with the target's length scale, else `N(0, I)`.
    pub init: Option<GaussianQ>,
    /// Adam iterations (default 2000).
    pub iters: usize,
    /// Adam step size (default 0.05) with a cosine schedule down to 1 % of it.
    pub lr: f64,
    /// Gauss–Hermite nodes in one dimension (default 128, clamped to `2..=128`).
    pub nodes: usize,
    /// Monte Carlo draws per iteration in `d ≥ 2` (default 16).
    pub samples: usize,
    /// Seed (default 0).
    pub seed: u64,
    /// One dimension: converged when `|∇| < tol` (default 1e-8).
    pub tol: f64,
    /// Draws for Monte Carlo KL reports (default 100 000).
    pub kl_samples: usize,
}

impl Default for ReverseOptions {
    fn default() -> Self {
        ReverseOptions {
            family: Family::FullRank,
            init: None,
            iters: 2000,
            lr: 0.05,
            nodes: 128,
            samples: 16,
            seed: 0,
            tol: 1e-8,
            kl_samples: 100_000,
        }
    }
}

/// The default starting point: the candidate mode with the highest density, the target's
/// length scale (or 1).
fn default_init(target: &dyn Target) -> Result<GaussianQ> {
    let d = target.dim();
    let mut best: Option<(f64, Vec<f64>)> = None;
    for m in target.modes() {
        let lp = target.ln_density(&m);
        if lp.is_finite() && best.as_ref().is_none_or(|(b, _)| lp > *b) {
            best = Some((lp, m));
        }
    }
    let mean = best.map_or_else(|| vec![0.0; d], |(_, m)| m);
    let s = target.as_continuous().map_or(1.0, |c| c.scale_hint());
    let s = if s.is_finite() && s > 0.0 { s } else { 1.0 };
    GaussianQ::mean_field(&mean, &vec![s; d])
}

/// The Gaussian `q` minimising `D(q‖p)`, a local minimum found from `opts.init`.
///
/// **One dimension** ([`FitMethod::GaussHermite`]): with `q = N(μ, σ²)`, `ρ = ln σ`,
/// `f = ln p` and `z = (X − μ)/σ`, the objective `J = E_q[f(X)] + ρ + const` has the
/// score-function gradients
///
/// ```text
/// ∂J/∂μ = E_q[f(X) z] / σ,      ∂J/∂ρ = E_q[f(X)(z² − 1)] + 1,
/// ```
///
/// evaluated by `nodes`-point Gauss–Hermite quadrature (deterministic, no gradient of `p`
/// needed) and followed by Adam until `|∇J| < tol`. **`d ≥ 2`**
/// ([`FitMethod::Reparameterization`]): [`advi`] with `samples` draws per iteration.
///
/// Errors: [`Error::UnsupportedTarget`] where `ln p = −∞` under `q` (a target with bounded
/// support: `D(q‖p) = +∞` for every Gaussian); [`Error::Cancelled`] from the callback.
pub fn fit_reverse(
    target: &dyn Target,
    opts: &ReverseOptions,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Fit> {
    let init = match &opts.init {
        Some(q) => {
            if q.dim() != target.dim() {
                return Err(Error::DimensionMismatch {
                    name: "init",
                    expected: target.dim(),
                    found: q.dim(),
                });
            }
            q.clone()
        }
        None => default_init(target)?,
    };
    if target.dim() != 1 {
        let vo = ViOptions {
            family: opts.family,
            iters: opts.iters,
            samples: opts.samples,
            lr: opts.lr,
            seed: opts.seed,
            init: Some(init),
            ..ViOptions::default()
        };
        let r = advi(target, &vo, progress)?;
        let kl = kl_both(target, &r.q, opts.kl_samples, opts.seed)?;
        return Ok(Fit {
            direction: Direction::Reverse,
            q: r.q,
            method: FitMethod::Reparameterization {
                samples: opts.samples,
                seed: opts.seed,
            },
            kl,
            iterations: r.iterations,
            converged: r.converged_at.is_some(),
            trace: r.trace,
        });
    }
    let nodes = opts.nodes.clamp(2, 128);
    let (t, w) = gauss_hermite(nodes);
    let norm = PI.sqrt();
    // J(μ, ρ) and its gradient by Gauss–Hermite quadrature.
    let eval = |theta: &[f64; 2]| -> Result<(f64, [f64; 2])> {
        let (mu, sigma) = (theta[0], theta[1].exp());
        let (mut e, mut gm, mut gr) = (0.0, 0.0, 0.0);
        for (tk, wk) in t.iter().zip(&w) {
            let z = SQRT_2 * tk;
            let f = target.ln_density(&[mu + sigma * z]);
            if !f.is_finite() {
                return Err(Error::UnsupportedTarget {
                    target: target.describe(),
                    reason: "ln p is -inf or NaN where the Gaussian has mass: D(q‖p) = +inf \
                             for every Gaussian q (the target's support is bounded)",
                });
            }
            let wn = wk / norm;
            e += wn * f;
            gm += wn * f * z;
            gr += wn * f * (z * z - 1.0);
        }
        let objective = e + theta[1] + 0.5 * (1.0 + (2.0 * PI).ln());
        Ok((objective, [gm / sigma, gr + 1.0]))
    };
    let mut theta = [init.mean()[0], init.std()[0].ln()];
    let mut adam = Adam::new(2, opts.lr, Schedule::Cosine { floor: 0.001 });
    let mut trace = Vec::with_capacity(opts.iters);
    let mut iterations = 0;
    let report = (opts.iters / 100).max(1);
    for it in 0..opts.iters {
        let (objective, grad) = eval(&theta)?;
        trace.push(objective);
        iterations = it + 1;
        if it % report == 0
            && progress(&Progress {
                stage: "reverse fit",
                iteration: it,
                total: opts.iters,
                elbo: objective,
            })
            .is_break()
        {
            return Err(Error::Cancelled {
                stage: "reverse fit",
            });
        }
        if grad[0].hypot(grad[1]) < 1e-4 {
            break;
        }
        adam.step(&mut theta, &grad, it, opts.iters);
    }
    // Polish with Newton steps (Hessian by central differences of the exact gradient),
    // accepted only while they increase J.
    let (mut j, mut grad) = eval(&theta)?;
    let mut converged = grad[0].hypot(grad[1]) < opts.tol;
    for _ in 0..50 {
        if converged {
            break;
        }
        let h = 1e-5;
        let mut hess = [[0.0; 2]; 2];
        for k in 0..2 {
            let (mut a, mut b) = (theta, theta);
            a[k] += h;
            b[k] -= h;
            let (ga, gb) = (eval(&a)?.1, eval(&b)?.1);
            for r in 0..2 {
                hess[r][k] = (ga[r] - gb[r]) / (2.0 * h);
            }
        }
        let off = 0.5 * (hess[0][1] + hess[1][0]);
        let det = hess[0][0] * hess[1][1] - off * off;
        // A maximum needs a negative-definite Hessian.
        if !(hess[0][0] < 0.0 && det > 0.0) {
            break;
        }
        let step = [
            -(hess[1][1] * grad[0] - off * grad[1]) / det,
            -(-off * grad[0] + hess[0][0] * grad[1]) / det,
        ];
        let cand = [theta[0] + step[0], theta[1] + step[1]];
        let (jc, gc) = eval(&cand)?;
        if jc.is_nan() || jc < j - 1e-12 * j.abs().max(1.0) {
            break;
        }
        theta = cand;
        j = jc;
        grad = gc;
        iterations += 1;
        trace.push(j);
        converged = grad[0].hypot(grad[1]) < opts.tol;
    }
    let q = GaussianQ::normal(theta[0], theta[1].exp())?;
    let kl = kl_both(target, &q, opts.kl_samples, opts.seed)?;
    Ok(Fit {
        direction: Direction::Reverse,
        q,
        method: FitMethod::GaussHermite { nodes },
        kl,
        iterations,
        converged,
        trace,
    })
}
