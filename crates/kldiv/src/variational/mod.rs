//! Fitting a Gaussian `q` to a target `p` by forward or reverse KL, and variational inference.
//!
//! The two directions of the KL divergence ask for different things:
//!
//! ```text
//! forward  argmin_q D(p‖q) = argmin_q −E_p[ln q(X)]          (mode covering)
//! reverse  argmin_q D(q‖p) = argmax_q E_q[ln p(X)] + H(q)    (mode seeking)
//! ```
//!
//! * **Forward** ([`fit_forward`]): for Gaussian `q` the minimiser matches moments,
//!   `μ = E_p[X]`, `Σ = Cov_p[X]` — exact when `p`'s moments are known (every family with a
//!   finite variance, mixtures, mixtures of multivariate normals), from seeded samples
//!   otherwise. `q` spreads over every mode of `p`.
//! * **Reverse** ([`fit_reverse`]): in one dimension by Gauss–Hermite quadrature of the
//!   objective and its gradient (deterministic, [`gauss_hermite`]); in `d ≥ 2` by
//!   reparameterisation gradients `x = μ + Lε` with Adam ([`advi`]). `q` locks onto one mode.
//! * **Variational inference** ([`advi`]): maximise the evidence lower bound
//!   `ELBO(q) = E_q[ln p(x, D)] + H(q) = ln p(D) − D(q‖p(·|D))` over a mean-field or full-rank
//!   Gaussian ([`Family`]) for any [`Target`] log-density with a gradient — for example the
//!   built-in Bayesian [`LogisticRegression`].
//!
//! Every [`Fit`] reports the achieved divergence in both directions ([`kl_both`]): closed form
//! or quadrature where possible, Monte Carlo (with its standard error, sample size and seed)
//! otherwise. Long runs report through a [`Progress`] callback, `FnMut(&Progress) ->
//! ControlFlow<()>`; `Break` cancels with [`crate::Error::Cancelled`].
//!
//! ```
//! use kldiv::kl::parse_spec;
//! use kldiv::variational::{fit_forward, fit_reverse, DistTarget, ForwardOptions, GaussianQ, ReverseOptions};
//! let p = DistTarget::new(parse_spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))").unwrap()).unwrap();
//! let fwd = fit_forward(&p, &ForwardOptions::default()).unwrap();
//! assert_eq!(fwd.q.mean(), &[0.0]);                                   // covers both modes
//! assert!((fwd.q.std()[0] - 4.36f64.sqrt()).abs() < 1e-12);
//! let opts = ReverseOptions { init: Some(GaussianQ::normal(1.5, 1.0).unwrap()), ..ReverseOptions::default() };
//! let rev = fit_reverse(&p, &opts, &mut |_| std::ops::ControlFlow::Continue(())).unwrap();
//! assert!((rev.q.mean()[0] - 2.0).abs() < 0.01);                     // seeks one mode
//! let (f, r) = (fwd.kl.forward.unwrap(), rev.kl.reverse.unwrap());
//! assert!(f.value < rev.kl.forward.unwrap().value && r.value < fwd.kl.reverse.unwrap().value);
//! ```

mod adam;
mod divergence;
mod forward;
mod gaussian;
mod hermite;
mod logistic;
mod reverse;
mod target;
mod vi;

pub use adam::{Adam, Schedule};
pub use divergence::{KlPair, kl_both};
pub use forward::{ForwardOptions, fit_forward};
pub use gaussian::{Family, GaussianQ};
pub use hermite::gauss_hermite;
pub use logistic::{LogisticRegression, Standardizer, train_test_split};
pub use reverse::{ReverseOptions, fit_reverse};
pub use target::{DistTarget, FnTarget, MvNormalMixture, Target, grad_ln_pdf};
pub use vi::{ViOptions, ViResult, advi};

use std::ops::ControlFlow;

/// Progress of an iterative fit, passed to the callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// What is running (`"reverse fit"`, `"vi"`).
    pub stage: &'static str,
    /// Iterations done.
    pub iteration: usize,
    /// Iterations planned.
    pub total: usize,
    /// The current objective estimate (ELBO, or `−D(q‖p)` up to a constant).
    pub elbo: f64,
}

/// A progress callback that never cancels.
pub fn no_progress(_: &Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Which divergence a fit minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `D(p‖q)`: moment matching, mode covering.
    Forward,
    /// `D(q‖p)`: mode seeking.
    Reverse,
}

impl Direction {
    /// `forward` or `reverse`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Reverse => "reverse",
        }
    }
}

/// How a fit was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitMethod {
    /// Moment matching with the target's exact mean and covariance.
    ExactMoments,
    /// Moment matching with sample moments of `samples` seeded draws.
    SampleMoments {
        /// Number of draws.
        samples: usize,
        /// Seed (ChaCha8).
        seed: u64,
    },
    /// Reverse KL in one dimension: Gauss–Hermite quadrature with `nodes` nodes and Adam.
    GaussHermite {
        /// Number of quadrature nodes.
        nodes: usize,
    },
    /// Reparameterisation gradients with Adam ([`advi`]).
    Reparameterization {
        /// Monte Carlo draws per iteration.
        samples: usize,
        /// Seed (ChaCha8).
        seed: u64,
    },
}

impl FitMethod {
    /// `exact-moments`, `sample-moments`, `gauss-hermite` or `reparameterization`.
    pub fn as_str(self) -> &'static str {
        match self {
            FitMethod::ExactMoments => "exact-moments",
            FitMethod::SampleMoments { .. } => "sample-moments",
            FitMethod::GaussHermite { .. } => "gauss-hermite",
            FitMethod::Reparameterization { .. } => "reparameterization",
        }
    }
}

/// A Gaussian fitted to a target, with the divergences it achieves.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The divergence minimised.
    pub direction: Direction,
    /// The fitted Gaussian.
    pub q: GaussianQ,
    /// How it was computed.
    pub method: FitMethod,
    /// `D(p‖q)` and `D(q‖p)` at the fit.
    pub kl: KlPair,
    /// Optimiser iterations (0 for moment matching).
    pub iterations: usize,
    /// Whether the optimiser met its convergence test (`true` for moment matching).
    pub converged: bool,
    /// The objective per iteration (ELBO or `−D(q‖p)` up to a constant), empty for moment
    /// matching.
    pub trace: Vec<f64>,
}
