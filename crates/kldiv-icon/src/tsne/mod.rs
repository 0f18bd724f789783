//! SNE and t-SNE as I-Con configurations: "Gaussian p, Gaussian q" and "Gaussian p,
//! Student-t q", both minimising `KL(P‖Q)` over a free embedding.
//!
//! - `P` is the joint Gaussian neighbourhood of the data calibrated by perplexity
//!   ([`crate::affinity::joint_perplexity`]): symmetric, zero diagonal, summing to 1.
//! - `Q` is the joint neighbourhood of the embedding `y_1..y_n ∈ ℝ^s`,
//!   `q_ij = w_ij / Σ_{k≠l} w_kl` with `w_ij = exp(−‖y_i − y_j‖²)` ([`OutputKernel::Gaussian`],
//!   symmetric SNE) or `w_ij = (1 + ‖y_i − y_j‖²)^{−1}` ([`OutputKernel::StudentT`], t-SNE, one
//!   degree of freedom).
//! - The objective `C = Σ_{i≠j} p_ij ln(p_ij/q_ij)` is in nats; see [`kl_gradient`] for the
//!   exact gradient and [`barnes_hut_gradient`] for the `O(n log n)` approximation.
//!
//! The optimiser follows van der Maaten & Hinton (2008): gradient descent with momentum
//! (0.8 throughout by default, as openTSNE 1.0; van der Maaten & Hinton and scikit-learn use
//! 0.5 during the early exaggeration), per-coordinate gains (`+0.2` when the gradient keeps
//! its direction relative to the last step, `×0.8` otherwise, floored at 0.01), and early
//! exaggeration (`P` multiplied by 12 for the first 250 iterations). The learning rate
//! `"auto"` is `max(n / α / 4, 50)` with `α` the exaggeration of the phase (12, then 1):
//! scikit-learn's rule in the first phase, and openTSNE's (`n / α` for a gradient without the
//! factor 4) in both; SNE drops the floor of 50 (see [`LearningRate::Auto`]).
//!
//! By default ([`Gradient::Auto`], [`Init::Pca`], momentum 0.8) the t-SNE of up to
//! [`EXACT_MAX_N`] points uses the exact gradient: on the digits (n = 1797, 20 seeds) the
//! trustworthiness T(10) averages 0.99274, against 0.99197 (10 seeds) for Barnes–Hut θ = 0.5
//! with momentum 0.5 during the exaggeration, the previous default; openTSNE averages 0.99261
//! over the same 20 seeds and scikit-learn gives 0.99258 (see `bench/README.md`, "I-Con /
//! t-SNE").
//!
//! Runs are deterministic for a seed: per-point sums are reduced in index order, so the
//! result does not depend on the number of threads either.

mod barnes_hut;
mod gradient;
mod init;

pub use barnes_hut::barnes_hut_gradient;
pub use gradient::{kl_gradient, kl_objective};
pub use init::{INIT_STD, pca, random};

use crate::affinity::{Affinity, AffinityMethod, PerplexityOptions, joint_perplexity};
use crate::{IconError, Points, Progress, ProgressFn, Result};
use std::ops::ControlFlow;

/// The learned kernel `q`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputKernel {
    /// `w = exp(−‖y_i − y_j‖²)`: symmetric SNE.
    Gaussian,
    /// `w = (1 + ‖y_i − y_j‖²)^{−1}`: t-SNE (Student-t with one degree of freedom). The default.
    #[default]
    StudentT,
}

/// Up to this many points, [`Gradient::Auto`] computes the t-SNE gradient exactly.
///
/// The exact gradient costs `O(n²)` per iteration; at `n = 2000` that is 4·10⁶ kernel
/// evaluations, about 15 ms of CPU per iteration (measured: 9 s of CPU for the 750
/// iterations of a default run on the digits, n = 1797, about twice Barnes–Hut's there and a
/// sixth of Barnes–Hut's per-iteration cost at 20 000 points). Barnes–Hut's error in the
/// repulsion costs trustworthiness on small data: on the digits (n = 1797, seeds 0–9, momentum 0.5 during the exaggeration)
/// T(10) averaged 0.99197 with θ = 0.5 against 0.99237 with the exact gradient (see
/// `bench/README.md`, "I-Con / t-SNE").
pub const EXACT_MAX_N: usize = 2000;

/// How the gradient is computed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Gradient {
    /// t-SNE in two dimensions: exact for `n ≤` [`EXACT_MAX_N`], Barnes–Hut with θ = 0.5
    /// above; exact for SNE and other dimensions. The default.
    #[default]
    Auto,
    /// The exact `O(n²)` gradient.
    Exact,
    /// The Barnes–Hut approximation with criterion θ (t-SNE, two dimensions only).
    BarnesHut {
        /// Cell side over distance below which a cell is summarised (0.5 is usual).
        theta: f64,
    },
}

/// Standard deviation of the jitter added to a PCA initialisation, relative to the standard
/// deviation of its first coordinate (openTSNE's default).
pub const PCA_JITTER: f64 = 0.01;

/// The initial embedding.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Init {
    /// PCA scaled to standard deviation [`INIT_STD`] on the first axis ([`pca`]), plus
    /// independent Gaussian jitter of standard deviation [`PCA_JITTER`]` · `[`INIT_STD`] from
    /// the run's seed ([`random`] scaled by [`PCA_JITTER`]), as openTSNE: coincident points
    /// start apart and the seed varies the run. The default.
    #[default]
    Pca,
    /// Gaussian noise of standard deviation 1e-4 from the run's seed.
    Random,
    /// A given row-major `n × dims` embedding.
    Given(Vec<f64>),
}

/// The learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum LearningRate {
    /// Per phase, `max(n / a / 4, 50)` for t-SNE and `n / a / 4` for SNE (the floor of 50
    /// makes the Gaussian model diverge on small `n`), with `a` the exaggeration of the phase:
    /// the early exaggeration during the first iterations, 1 after (openTSNE's rule; scikit-learn
    /// keeps the first value throughout). The default.
    #[default]
    Auto,
    /// A fixed step size (> 0).
    Fixed(f64),
}

/// Options of [`tsne`]. The defaults are t-SNE in two dimensions, perplexity 30, 750
/// iterations of which 250 exaggerated by 12, momentum 0.8, the exact gradient up to
/// [`EXACT_MAX_N`] points and Barnes–Hut θ = 0.5 above, PCA initialisation with jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct TsneOptions {
    /// The learned kernel (Student-t for t-SNE, Gaussian for SNE).
    pub kernel: OutputKernel,
    /// Embedding dimension `s ≥ 1`.
    pub dims: usize,
    /// Perplexity of `P`.
    pub perplexity: f64,
    /// Dense or sparse `P` ([`AffinityMethod::Auto`]: the `⌊3·perplexity⌋` nearest
    /// neighbours of each point for t-SNE in 2-D with [`Gradient::Auto`] or Barnes–Hut, every
    /// pair with an explicitly exact gradient, for SNE and in other dimensions).
    pub affinity: AffinityMethod,
    /// Gradient computation.
    pub gradient: Gradient,
    /// Total iterations (including the exaggerated ones).
    pub iters: usize,
    /// Early exaggeration factor `α ≥ 1`.
    pub early_exaggeration: f64,
    /// Iterations with exaggeration and the initial momentum.
    pub exaggeration_iters: usize,
    /// Momentum during and after the early exaggeration (default `(0.8, 0.8)`, openTSNE's;
    /// `(0.5, 0.8)` is van der Maaten & Hinton's and scikit-learn's).
    pub momentum: (f64, f64),
    /// Step size.
    pub learning_rate: LearningRate,
    /// Floor of the per-coordinate gains.
    pub min_gain: f64,
    /// Initial embedding.
    pub init: Init,
    /// Seed of the random initialisation and of the jitter of the PCA one.
    pub seed: u64,
    /// Compute the objective every this many iterations and at the last (exactly with the
    /// exact gradient, estimated with Barnes–Hut); 1 for every iteration. Default 50.
    pub kl_every: usize,
}

impl Default for TsneOptions {
    fn default() -> Self {
        Self {
            kernel: OutputKernel::StudentT,
            dims: 2,
            perplexity: 30.0,
            affinity: AffinityMethod::Auto,
            gradient: Gradient::Auto,
            iters: 750,
            early_exaggeration: 12.0,
            exaggeration_iters: 250,
            momentum: (0.8, 0.8),
            learning_rate: LearningRate::Auto,
            min_gain: 0.01,
            init: Init::Pca,
            seed: 0,
            kl_every: 50,
        }
    }
}

/// The result of [`tsne`].
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// Row-major `n × dims` coordinates.
    pub y: Vec<f64>,
    /// Number of points.
    pub n: usize,
    /// Embedding dimension.
    pub dims: usize,
    /// `KL(P‖Q)` of the final embedding (nats), computed exactly (`O(n²)`).
    pub kl: f64,
    /// `(iteration, KL)` pairs recorded every `kl_every` iterations (nats; exact with the exact
    /// gradient, estimated with the tree's normalisation under Barnes–Hut; always against the
    /// true `P`).
    pub trace: Vec<(usize, f64)>,
    /// The learning rates used during and after the early exaggeration.
    pub learning_rate: (f64, f64),
    /// Whether Barnes–Hut was used.
    pub barnes_hut: bool,
}

impl Embedding {
    /// The coordinates as `[x, y]` pairs (`dims = 2`; other dimensions give the first two
    /// coordinates, padded with 0).
    pub fn points_2d(&self) -> Vec<[f64; 2]> {
        self.y
            .chunks_exact(self.dims.max(1))
            .map(|r| [r[0], r.get(1).copied().unwrap_or(0.0)])
            .collect()
    }
}

fn param(name: &'static str, value: f64, reason: &'static str) -> IconError {
    IconError::Parameter {
        name,
        value,
        reason,
    }
}

/// Resolves the gradient method for `n` points: `Some(θ)` for Barnes–Hut, `None` for exact.
fn resolve_gradient(opts: &TsneOptions, n: usize) -> Result<Option<f64>> {
    match opts.gradient {
        Gradient::Exact => Ok(None),
        Gradient::Auto => Ok((opts.dims == 2
            && opts.kernel == OutputKernel::StudentT
            && n > EXACT_MAX_N)
            .then_some(0.5)),
        Gradient::BarnesHut { theta } => {
            if opts.dims != 2 || opts.kernel != OutputKernel::StudentT {
                return Err(param(
                    "dims",
                    opts.dims as f64,
                    "Barnes–Hut needs t-SNE (Student-t q) in 2 dimensions",
                ));
            }
            if !(theta >= 0.0 && theta.is_finite()) {
                return Err(param("theta", theta, "must be finite and >= 0"));
            }
            Ok(Some(theta))
        }
    }
}

fn check_options(opts: &TsneOptions) -> Result<()> {
    if opts.dims == 0 {
        return Err(param("dims", 0.0, "must be >= 1"));
    }
    if !(opts.early_exaggeration >= 1.0 && opts.early_exaggeration.is_finite()) {
        return Err(param(
            "early_exaggeration",
            opts.early_exaggeration,
            "must be finite and >= 1",
        ));
    }
    for m in [opts.momentum.0, opts.momentum.1] {
        if !(0.0..1.0).contains(&m) {
            return Err(param("momentum", m, "must be in [0, 1)"));
        }
    }
    if !(opts.min_gain > 0.0 && opts.min_gain.is_finite()) {
        return Err(param("min_gain", opts.min_gain, "must be finite and > 0"));
    }
    if let LearningRate::Fixed(lr) = opts.learning_rate {
        if !(lr > 0.0 && lr.is_finite()) {
            return Err(param("learning_rate", lr, "must be finite and > 0"));
        }
    }
    Ok(())
}

/// SNE / t-SNE of the points `x`: builds the joint perplexity `P` and minimises
/// `KL(P‖Q)` (see the [module documentation](self)).
///
/// `progress` is called once after the affinities (stage `"affinities"`) and after every
/// iteration (stage `"t-sne"` or `"sne"`, with `loss` the objective when it was computed,
/// else NaN); returning [`ControlFlow::Break`] stops the run with [`IconError::Cancelled`].
///
/// # Errors
/// [`IconError::Parameter`] for an invalid option (perplexity outside `[1, n − 1]`, Barnes–Hut
/// outside t-SNE in 2-D, …); [`IconError::Shape`] for a given initialisation of the wrong
/// size; [`IconError::Cancelled`].
///
/// ```
/// use kldiv_icon::{Points, no_progress, tsne::{tsne, TsneOptions, Gradient}};
/// // Two well-separated groups of 10 points in the plane stay separated.
/// let x: Vec<f64> = (0..20)
///     .flat_map(|i| [if i < 10 { 0.0 } else { 100.0 } + i as f64 * 0.1, (i % 3) as f64 * 0.05])
///     .collect();
/// let opts = TsneOptions { perplexity: 5.0, iters: 300, gradient: Gradient::Exact, ..TsneOptions::default() };
/// let e = tsne(Points::new("x", &x, 2)?, &opts, &mut no_progress)?;
/// let p = e.points_2d();
/// let d = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
/// // Every point's nearest neighbour in the embedding is in its own group.
/// for i in 0..20 {
///     let nearest = (0..20).filter(|&j| j != i)
///         .min_by(|&a, &b| d(p[i], p[a]).total_cmp(&d(p[i], p[b]))).unwrap();
///     assert_eq!(nearest < 10, i < 10);
/// }
/// assert!(e.kl >= 0.0);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn tsne(x: Points<'_>, opts: &TsneOptions, progress: &mut ProgressFn<'_>) -> Result<Embedding> {
    check_options(opts)?;
    let n = x.n();
    let theta = resolve_gradient(opts, n)?;
    // t-SNE in 2-D with the automatic gradient keeps the 3·perplexity nearest neighbours
    // whichever gradient it resolves to (the peers' P); an explicitly exact gradient, SNE and
    // other dimensions keep every pair.
    let sparse = theta.is_some()
        || (opts.gradient == Gradient::Auto
            && opts.dims == 2
            && opts.kernel == OutputKernel::StudentT);
    let method = match opts.affinity {
        AffinityMethod::Auto if sparse => AffinityMethod::Sparse,
        AffinityMethod::Auto => AffinityMethod::Dense,
        m => m,
    };
    // Sparse rows need 3·perplexity < n − 1 neighbours; otherwise keep every point.
    let method = if method == AffinityMethod::Sparse
        && (3.0 * opts.perplexity).floor() as usize >= n.saturating_sub(1)
    {
        AffinityMethod::Dense
    } else {
        method
    };
    let (p, _) = joint_perplexity(
        x,
        &PerplexityOptions {
            perplexity: opts.perplexity,
            method,
            ..PerplexityOptions::default()
        },
    )?;
    if progress(&Progress {
        stage: "affinities",
        done: n,
        total: n,
        loss: f64::NAN,
    })
    .is_break()
    {
        return Err(IconError::Cancelled { iter: 0 });
    }
    let y0 = match &opts.init {
        Init::Pca => {
            let mut y = pca(x, opts.dims)?;
            for (a, b) in y.iter_mut().zip(random(n, opts.dims, opts.seed)) {
                *a += PCA_JITTER * b;
            }
            y
        }
        Init::Random => random(n, opts.dims, opts.seed),
        Init::Given(y) => y.clone(),
    };
    optimise(&p, y0, opts, progress)
}

/// Minimises `KL(P‖Q)` from the initial embedding `y0` for a given joint `P` (symmetric,
/// summing to 1), with the optimiser and options of [`tsne`] (`opts.init`, `opts.perplexity`
/// and `opts.affinity` are not used).
///
/// # Errors
/// As [`tsne`]; [`IconError::Shape`] / [`IconError::NonFinite`] for a bad `y0`.
pub fn optimise(
    p: &Affinity,
    y0: Vec<f64>,
    opts: &TsneOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<Embedding> {
    check_options(opts)?;
    let n = p.n();
    let theta = resolve_gradient(opts, n)?;
    let dims = opts.dims;
    gradient::check_embedding(p, &y0, dims)?;
    // The step for a phase whose exaggeration is `a`.
    let rate = |a: f64| match opts.learning_rate {
        LearningRate::Auto => match opts.kernel {
            OutputKernel::StudentT => (n as f64 / a / 4.0).max(50.0),
            // The Gaussian attraction grows linearly with distance: a step of
            // 4·a·lr·Σ_j p_ij ≈ 4·a·lr/n above ~1 oscillates and diverges, so no floor.
            OutputKernel::Gaussian => n as f64 / a / 4.0,
        },
        LearningRate::Fixed(v) => v,
    };
    let lr_early = rate(opts.early_exaggeration);
    let lr_late = rate(1.0);
    let stage = match opts.kernel {
        OutputKernel::StudentT => "t-sne",
        OutputKernel::Gaussian => "sne",
    };
    let plogp = gradient::p_log_p(p);
    let mut y = y0;
    let mut grad = vec![0.0; y.len()];
    let mut update = vec![0.0; y.len()];
    let mut gains: Vec<f64> = vec![1.0; y.len()];
    let mut trace = Vec::new();
    let every = opts.kl_every.max(1);
    for it in 0..opts.iters {
        let early = it < opts.exaggeration_iters;
        let exaggeration = if early { opts.early_exaggeration } else { 1.0 };
        let momentum = if early {
            opts.momentum.0
        } else {
            opts.momentum.1
        };
        let lr = if early { lr_early } else { lr_late };
        let last = it + 1 == opts.iters;
        let want = (it + 1) % every == 0 || last;
        let loss = match theta {
            Some(t) => barnes_hut::bh_into(p, &y, t, exaggeration, plogp, want, &mut grad),
            None => gradient::exact_into(
                p,
                &y,
                dims,
                opts.kernel,
                exaggeration,
                plogp,
                want,
                &mut grad,
            ),
        };
        for k in 0..y.len() {
            let g = grad[k];
            let u = update[k];
            let gain = if (g > 0.0) != (u > 0.0) {
                gains[k] + 0.2
            } else {
                gains[k] * 0.8
            };
            let gain = gain.max(opts.min_gain);
            gains[k] = gain;
            let u = momentum * u - lr * gain * g;
            update[k] = u;
            y[k] += u;
        }
        if loss.is_finite() {
            trace.push((it + 1, loss));
        }
        if let Some(k) = y.iter().position(|v| !v.is_finite()) {
            return Err(IconError::NonFinite {
                what: "embedding (diverged; lower the learning rate)",
                row: k / dims,
                col: k % dims,
                value: y[k],
            });
        }
        if let ControlFlow::Break(()) = progress(&Progress {
            stage,
            done: it + 1,
            total: opts.iters,
            loss,
        }) {
            return Err(IconError::Cancelled { iter: it + 1 });
        }
    }
    let kl = kl_objective(p, &y, dims, opts.kernel)?;
    Ok(Embedding {
        y,
        n,
        dims,
        kl,
        trace,
        learning_rate: (lr_early, lr_late),
        barnes_hut: theta.is_some(),
    })
}
